# SPDX-License-Identifier: MIT
# Builds example-plugin.c, the plugin of concbench-plugin(7), against an
# installed concbench through pkg-config alone (concbench-plugin.pc):
#
#   make            example.so, here
#   make install    into the directory where concbench finds plugins by
#                   name (pkg-config --variable=plugindir concbench-plugin)
#
# If pkg-config does not find concbench-plugin, add the directory of
# concbench-plugin.pc (PREFIX/lib/pkgconfig) to PKG_CONFIG_PATH.

PKG_CONFIG = pkg-config
CC = cc
CFLAGS = -std=c11 -O2 -Wall -Wextra
PLUGIN = example.so

all: $(PLUGIN)

# The flags are fetched first, so that a missing .pc stops here, with
# pkg-config's message, rather than at the compiler not finding the header.
$(PLUGIN): example-plugin.c
	cflags=`$(PKG_CONFIG) --cflags concbench-plugin` && \
	libs=`$(PKG_CONFIG) --libs concbench-plugin` && \
	$(CC) $(CFLAGS) -shared -fPIC -fvisibility=hidden $$cflags \
	    example-plugin.c -o $@ $(LDFLAGS) $$libs

install: $(PLUGIN)
	dir=`$(PKG_CONFIG) --variable=plugindir concbench-plugin` && \
	mkdir -p "$(DESTDIR)$$dir" && cp $(PLUGIN) "$(DESTDIR)$$dir/"

clean:
	rm -f $(PLUGIN)

.PHONY: all install clean

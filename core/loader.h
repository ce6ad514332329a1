/* SPDX-License-Identifier: MIT */
/*
 * loader: finding, loading and checking strategy plugins. A plugin is a
 * shared object exporting concbench_plugin_entry; it is loaded with
 * dlopen(RTLD_NOW | RTLD_LOCAL) and refused, with the file and the reason,
 * when its descriptor does not match this host's ABI.
 */
#ifndef CB_LOADER_H
#define CB_LOADER_H

#include <concbench/plugin.h>
#include <stddef.h>
#include <stdio.h>

struct plugin {
	char *path; /* the file it was loaded from */
	void *dl;   /* dlopen handle */
	const struct concbench_plugin *desc;
};

/* The directories searched for NAME.so, in order. */
struct plugin_path {
	char **dirs;
	size_t len;
};

/*
 * Search order: the --plugin-dir directories (in the order given), each
 * directory of $CONCBENCH_PLUGIN_PATH (colon-separated), the build tree
 * when this binary runs from it, then the installed plugin directory.
 */
int loader_path_init(struct plugin_path *pp, char *const *cli_dirs,
                     size_t cli_len);
void loader_path_free(struct plugin_path *pp);

/* Load and check one file. 0, or -1 with "FILE: reason" in err. */
int loader_open(const char *file, struct plugin *p, char *err, size_t errlen);

/*
 * Load the plugin called `name` (DIR/NAME.so, first directory that has
 * one), or the file `name` if it contains a '/' or ends in ".so".
 * 0, or -1 with the reason in err.
 */
int loader_find(const struct plugin_path *pp, const char *name,
                struct plugin *p, char *err, size_t errlen);

/*
 * Every plugin in the search path, one per name (the first found wins),
 * sorted by name. Files that fail to load are reported as warnings and
 * skipped. 0, or -1 if out of memory.
 */
int loader_list(const struct plugin_path *pp, struct plugin **out, size_t *len);

void loader_close(struct plugin *p);
void loader_list_free(struct plugin *list, size_t len);

#endif

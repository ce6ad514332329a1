/* SPDX-License-Identifier: MIT */
/*
 * statsclient: the runner's side of the embedded server's statistics
 * endpoints (server.h): reset them before a cell, read them after it.
 */
#ifndef CB_STATSCLIENT_H
#define CB_STATSCLIENT_H

#include <stddef.h>

#include "serverconf.h"

/*
 * Reset the statistics of, or read them from, the server on
 * 127.0.0.1:port, with a libcurl easy handle (HTTP/1.1, no proxy, 5 s
 * timeout; curl_global_init() must have been called). 0, or -1 with the
 * reason in err.
 */
int statsclient_reset(unsigned port, char *err, size_t errlen);
int statsclient_read(unsigned port, struct server_stats *out, char *err,
                     size_t errlen);

#endif

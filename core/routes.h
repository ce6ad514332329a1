/* SPDX-License-Identifier: MIT */
/*
 * routes: what the embedded test server answers on each of its routes (the
 * search page, the prices pages, the list API and its files, the echo
 * endpoint), as server.h documents them. Latency, faults, statistics and
 * the sending itself stay with server.c.
 */
#ifndef CB_ROUTES_H
#define CB_ROUTES_H

#include <event2/http.h>

#include "server.h"

struct routes;

/* The content of every route under cfg (seed, files, body_bytes); NULL
 * if out of memory. cfg is read now and not kept. */
struct routes *routes_new(const struct server_config *cfg);
void routes_free(struct routes *rt);

/* The route of req's path. */
enum server_route routes_match(struct evhttp_request *req);

/*
 * Put route's answer to req in req's output headers (Content-Type, and
 * More or Allow where due) and output buffer, sending nothing. Returns the
 * status to send it with, or -1 if out of memory (a part may be in place).
 */
int routes_answer(const struct routes *rt, enum server_route route,
                  struct evhttp_request *req);

#endif

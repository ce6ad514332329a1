/* SPDX-License-Identifier: MIT */
/*
 * routes: what the embedded test server answers on each of its routes (the
 * search page, the prices pages, the list API and its files, the echo
 * endpoint), as server.h documents them, and the routes' names as
 * scenarios and --route-latency write them. Latency, faults, statistics
 * and the sending itself stay with server.c.
 */
#ifndef CB_ROUTES_H
#define CB_ROUTES_H

struct evhttp_request;
struct server_config;

/* The routes the server answers, each with its own latency if configured. */
enum route_id {
	ROUTE_PAGE,   /* "page": any path not below: the HTML page */
	ROUTE_PRICES, /* "prices": GET /prices/YYYY-MM-DD */
	ROUTE_LIST,   /* "list": GET and POST /api/list_files */
	ROUTE_FILES,  /* "files": GET /files/HEX */
	ROUTE_ECHO,   /* "echo": POST /api/echo */
	ROUTE_COUNT
};

/* "page", "prices", ... */
const char *routes_name(enum route_id route);
/* The route named `name`, or -1. */
int routes_lookup(const char *name);
/* "page, prices, list, files, echo": for messages. */
#define ROUTES_KNOWN "page, prices, list, files, echo"

struct routes;

/* The content of every route under cfg (seed, files, body_bytes); NULL
 * if out of memory. cfg is read now and not kept. */
struct routes *routes_new(const struct server_config *cfg);
void routes_free(struct routes *rt);

/* The route of req's path. */
enum route_id routes_match(struct evhttp_request *req);

/*
 * Put route's answer to req in req's output headers (Content-Type, and
 * More or Allow where due) and output buffer, sending nothing. Returns the
 * status to send it with, or -1 if out of memory (a part may be in place).
 */
int routes_answer(const struct routes *rt, enum route_id route,
                  struct evhttp_request *req);

#endif

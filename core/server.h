/* SPDX-License-Identifier: MIT */
/*
 * server: the embedded HTTP test server (libevent evhttp).
 *
 * Answers each request on its route after the route's latency, armed as a
 * timer (never by sleeping), and can inject faults into a chosen fraction
 * of the requests. Runs in the foreground for `concbench serve`, or in a
 * child process owned by the runner (serverproc.h). Its configuration and
 * statistics types are in serverconf.h, the client of its statistics in
 * statsclient.h.
 *
 * Routes, by the request's path (without the query string); those that
 * take GET take HEAD too:
 *   page    any other path, any method: 200 text/html, a search result
 *           page of body_bytes bytes;
 *   prices  GET /prices/YYYY-MM-DD, a calendar date of years 1..9999:
 *           200 text/html with 3 to 8 lines <span class="price">NNN
 *           CZK</span>, NNN in 99..999, drawn from seed and date; any
 *           other path under /prices/ 404 text/plain;
 *   list    POST /api/list_files: start (default 0, >= 0) and per_page
 *           (default 5, >= 1, clamped to 5) from the query string, then
 *           from the body (a JSON object if Content-Type is
 *           application/json, else form-encoded), which wins; 200
 *           application/json, the array of the paths of files start+1 ..
 *           start+per_page, header "More: true" if files follow, else
 *           "More: false"; bad parameters 400 {"error": "..."}. Test hooks
 *           in the query: broken=json answers 200, More: true and a body
 *           that is not JSON; broken=endless answers [] and More: true.
 *           GET /api/list_files: all paths, More: false. Else 405.
 *           File x (1..files) is "/files/" and 16 lowercase hex digits, a
 *           keyed permutation of x under seed: distinct, not guessable;
 *   files   GET /files/HEX: 200 text/plain "x of N", or 404;
 *   echo    POST /api/echo: a body json_check() accepts gets 200
 *           application/json {"echo":BODY,"bytes":LEN} (BODY trimmed of
 *           blanks, LEN its length untrimmed); another 400
 *           {"error":"byte N: what"}. Else 405.
 *
 * Latency. Request n (numbered as below) on a route waits
 * latency_draw_us(spec, seed, n) with the route's own spec if set, else
 * the server's: the same delays in every run with the same seed.
 *
 * Fault injection. Requests are numbered n = 0, 1, 2... from the start or
 * the last statistics reset (the statistics endpoints are not numbered).
 * A fault kind with fraction f selects request n iff
 * floor((n+1)*f) > floor(n*f), so exactly floor(M*f) of any first M
 * requests are selected, evenly spread, and a test can assert exact totals.
 * If several kinds select the same request, status wins over close, and
 * close over stall; only the kind that wins is counted. The kinds:
 *   status  after the latency, answer with fail_status and a short
 *           text/plain body; the connection stays open;
 *   close   after the latency, send the status line and headers of the
 *           route's answer with the full Content-Length and the first half
 *           of its body (rounded down), then close the connection, so the
 *           client sees a truncated transfer; with an empty body, and for
 *           HEAD, close before sending anything;
 *   stall   never answer; the request ends when the client closes the
 *           connection (or sends anything more on it: it is then closed).
 *
 * Statistics, for the conformance tests, under a prefix no scenario uses:
 *   GET  /_concbench/stats  200 application/json
 *        {"requests":N,"in_flight":K,"max_in_flight":M,
 *         "faults_status":A,"faults_close":B,"faults_stall":C,
 *         "threads":T,"cpu_us":U,"run_delay_us":W,
 *         "digest":"0123456789abcdef"}
 *        threads: the listener threads; cpu_us: the server process's user
 *        and system CPU; run_delay_us: how long its threads waited for a
 *        CPU while runnable.
 *   POST /_concbench/reset  204; zeroes requests, the fault counters and
 *        numbering, the digest, cpu_us and run_delay_us; max_in_flight
 *        becomes in_flight.
 * Both are answered at once, without latency or faults, and are not
 * counted. Any other path under /_concbench/ gets 404, a wrong method 405.
 * A request is in flight from its arrival until its reply is handed to
 * evhttp in full, or its connection closes. The digest is digest.h's.
 */
#ifndef CB_SERVER_H
#define CB_SERVER_H

#include <stddef.h>

#include "serverconf.h"

/* Told the bound port once the server accepts connections; 0 or -1. */
typedef int (*server_ready_fn)(unsigned port, void *arg);

/*
 * Listen on 127.0.0.1:cfg->port, with serverconf_threads(cfg) threads
 * (one the caller's), each with a listener of a backlog of at least 4096, after
 * raising the soft descriptor limit to the hard one. Once accepting, call
 * ready (if not NULL); serve until SIGINT or SIGTERM, then free everything
 * (pending, stalled and half-closed requests too) and return 0. Returns -1
 * with the reason in err if cfg is out of range, it cannot listen or ready
 * fails.
 */
int server_run(const struct server_config *cfg, server_ready_fn ready,
               void *arg, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * server_test: the embedded test server (core/server.c, core/routes.c),
 * through serverproc_spawn and the stats client. Each fault kind on its own,
 * with exact totals (the selection is deterministic), and which kind wins
 * when two select the same request; the reset; the digest
 * (order-independent, sensitive to one URL, and computed as server.h
 * documents it); max_in_flight under 8 concurrent transfers and under
 * sequential ones; a stalled request left open when the server stops.
 * Every route: status, type, headers and bodies of the page, the prices
 * pages, the list API (pagination, parameters, test hooks) and its files,
 * the echo endpoint; faults on routes; per-route latency and the random
 * models, request by request; and configurations the server must refuse.
 */
#include "config.h"

#include <errno.h>
#include <math.h> /* NAN */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "diag.h"
#include "json.h"
#include "latency.h"
#include "routes.h"
#include "serverproc.h"
#include "statsclient.h"
#include "../tap.h"

/* Why the last server call failed. */
static char srv_err[DIAG_ERR_MAX];

#define N 100
/* serverproc_stop() waits 2 s before SIGKILL; a clean exit is far quicker. */
#define STOP_FAST_MS 1500

struct tally {
	unsigned ok;     /* 200 */
	unsigned status; /* the fail status */
	unsigned other_status;
	unsigned broken; /* CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING */
	unsigned timed_out;
	unsigned other_error;
	unsigned misplaced; /* a fault where the formula has none, or back */
};

static size_t sink(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	(void)arg;
	return size * nmemb;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One keep-alive handle, as a strategy's would be. */
static CURL *client(long timeout_ms)
{
	CURL *h = curl_easy_init();

	if (h == NULL)
		return NULL;
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	return h;
}

/*
 * The rule of server.h: does a kind with fraction f select request n?
 * (floor, by truncating non-negative values: no libm needed.)
 */
static int selects(double f, unsigned n)
{
	return (unsigned long)((n + 1) * f) > (unsigned long)(n * f);
}

/*
 * GET /t/0 ... /t/(count-1) in order on one handle and tally the outcomes;
 * request n should come out as `fault` iff a kind with fraction f selects
 * it, which the tally checks as well.
 */
static void get_seq(unsigned port, unsigned count, long timeout_ms,
                    long fail_status, double f, struct tally *t)
{
	CURL *h = client(timeout_ms);
	unsigned n;

	memset(t, 0, sizeof(*t));
	if (h == NULL) {
		t->other_error = count;
		return;
	}
	for (n = 0; n < count; n++) {
		char url[64];
		long code = 0;
		CURLcode rc;
		int faulted;

		snprintf(url, sizeof(url), "http://127.0.0.1:%u/t/%u", port, n);
		curl_easy_setopt(h, CURLOPT_URL, url);
		rc = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		faulted = 1;
		if (rc == CURLE_OK && code == 200) {
			t->ok++;
			faulted = 0;
		} else if (rc == CURLE_OK && code == fail_status) {
			t->status++;
		} else if (rc == CURLE_OK) {
			t->other_status++;
		} else if (rc == CURLE_PARTIAL_FILE ||
		           rc == CURLE_GOT_NOTHING) {
			t->broken++;
		} else if (rc == CURLE_OPERATION_TIMEDOUT) {
			t->timed_out++;
		} else {
			t->other_error++;
			diag("request %u: %s", n, curl_easy_strerror(rc));
		}
		t->misplaced += faulted != selects(f, n);
	}
	curl_easy_cleanup(h);
}

static int read_stats(unsigned port, struct server_stats *st)
{
	memset(st, 0xff, sizeof(*st));
	st->digest[0] = '\0';
	return statsclient_read(port, st, srv_err, sizeof(srv_err));
}

static void expect_stats(unsigned port, const char *what, uint64_t requests,
                         uint64_t fs, uint64_t fc, uint64_t fst)
{
	struct server_stats st;

	if (!ok(read_stats(port, &st) == 0, "%s: stats read", what))
		return;
	is_int(st.requests, requests, "%s: requests", what);
	is_int(st.in_flight, 0, "%s: none in flight", what);
	is_int(st.faults_status, fs, "%s: faults_status", what);
	is_int(st.faults_close, fc, "%s: faults_close", what);
	is_int(st.faults_stall, fst, "%s: faults_stall", what);
}

static int spawn(const struct server_config *cfg, struct server_process *sp,
                 const char *what)
{
	return ok(serverproc_spawn(cfg, sp, srv_err, sizeof(srv_err)) == 0,
	          "%s: server starts", what);
}

static void test_status(void)
{
	struct server_config cfg = {.body_bytes = 100, .fail_fraction = 0.25};
	struct server_process sp;
	struct server_stats st;
	struct tally t;

	if (!spawn(&cfg, &sp, "status"))
		return;
	get_seq(sp.port, N, 5000, 500, 0.25, &t);
	is_int(t.status, 25, "status: 25 of 100 answered 500");
	is_int(t.ok, 75, "status: 75 answered 200");
	is_int(t.misplaced, 0, "status: exactly the requests the rule picks");
	expect_stats(sp.port, "status", N, 25, 0, 0);

	ok(statsclient_reset(sp.port, srv_err, sizeof(srv_err)) == 0,
	   "reset: answered");
	if (ok(read_stats(sp.port, &st) == 0, "reset: stats read")) {
		is_int(st.requests, 0, "reset: requests zeroed");
		is_int(st.faults_status, 0, "reset: faults zeroed");
		is_int(st.max_in_flight, 0, "reset: max_in_flight = in_flight");
		is_str(st.digest, "0000000000000000", "reset: digest zeroed");
	}
	/* The numbering restarts too: the 4th request fails again. */
	get_seq(sp.port, 4, 5000, 500, 0.25, &t);
	ok(t.status == 1 && t.misplaced == 0,
	   "reset: fault numbering restarts");
	serverproc_stop(&sp);

	cfg.fail_fraction = 1;
	cfg.fail_status = 503;
	if (!spawn(&cfg, &sp, "status 503"))
		return;
	get_seq(sp.port, 3, 5000, 503, 1, &t);
	is_int(t.status, 3, "status 503: every request answered 503");
	serverproc_stop(&sp);
}

static void test_close(void)
{
	struct server_config cfg = {.body_bytes = 1000, .close_fraction = 0.1};
	struct server_process sp;
	struct tally t;

	if (!spawn(&cfg, &sp, "close"))
		return;
	get_seq(sp.port, N, 5000, 500, 0.1, &t);
	is_int(t.broken, 10, "close: 10 of 100 transfers broken");
	is_int(t.ok, 90, "close: 90 answered 200");
	is_int(t.misplaced, 0, "close: exactly the requests the rule picks");
	expect_stats(sp.port, "close", N, 0, 10, 0);
	serverproc_stop(&sp);

	/* No body to cut: closed before anything is sent, after the latency. */
	cfg.body_bytes = 0;
	cfg.close_fraction = 1;
	cfg.latency.ms = 20;
	if (!spawn(&cfg, &sp, "close, empty body"))
		return;
	get_seq(sp.port, 3, 5000, 500, 1, &t);
	is_int(t.broken, 3, "close, empty body: every transfer broken");
	expect_stats(sp.port, "close, empty body", 3, 0, 3, 0);
	serverproc_stop(&sp);
}

/* Status wins over close, close over stall. */
static void test_precedence(void)
{
	struct server_config cfg = {
	    .body_bytes = 100,
	    .fail_fraction = 0.5,
	    .close_fraction = 0.5,
	    .stall_fraction = 0.5,
	};
	struct server_process sp;
	struct tally t;

	if (!spawn(&cfg, &sp, "precedence"))
		return;
	get_seq(sp.port, 10, 2000, 500, 0.5, &t);
	is_int(t.status, 5, "precedence: status wins over close and stall");
	is_int(t.broken + t.timed_out, 0, "precedence: nothing else faults");
	expect_stats(sp.port, "precedence", 10, 5, 0, 0);
	serverproc_stop(&sp);

	cfg.fail_fraction = 0;
	if (!spawn(&cfg, &sp, "precedence, no status"))
		return;
	get_seq(sp.port, 10, 2000, 500, 0.5, &t);
	is_int(t.broken, 5, "precedence: close wins over stall");
	expect_stats(sp.port, "precedence, no status", 10, 0, 5, 0);
	serverproc_stop(&sp);
}

/* Poll until the server has seen every client leave. */
static uint64_t settled_in_flight(unsigned port)
{
	long long deadline = now_ms() + 2000;
	struct server_stats st;

	do {
		if (read_stats(port, &st) < 0)
			return UINT64_MAX;
		if (st.in_flight == 0)
			return 0;
		usleep(20000);
	} while (now_ms() < deadline);
	return st.in_flight;
}

static void test_stall(void)
{
	struct server_config cfg = {.body_bytes = 100, .stall_fraction = 0.05};
	struct server_process sp;
	struct server_stats st;
	struct tally t;

	if (!spawn(&cfg, &sp, "stall"))
		return;
	get_seq(sp.port, N, 300, 500, 0.05, &t);
	is_int(t.timed_out, 5, "stall: 5 of 100 time out");
	is_int(t.ok, 95, "stall: 95 answered 200");
	is_int(t.misplaced, 0, "stall: exactly the requests the rule picks");
	is_int(settled_in_flight(sp.port), 0,
	       "stall: the server sees the clients give up");
	if (ok(read_stats(sp.port, &st) == 0, "stall: stats read")) {
		is_int(st.requests, N, "stall: requests");
		is_int(st.faults_stall, 5, "stall: faults_stall");
	}
	serverproc_stop(&sp);
}

/* A stalled request still open when the server stops must not hold it up. */
static void test_stall_at_stop(void)
{
	struct server_config cfg = {.body_bytes = 100, .stall_fraction = 1};
	struct server_process sp;
	struct server_stats st;
	long long deadline, t0;
	CURLM *m;
	CURL *h;
	char url[64];
	int running = 1;

	if (!spawn(&cfg, &sp, "stall at stop"))
		return;
	m = curl_multi_init();
	h = client(10000);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/stuck", sp.port);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_multi_add_handle(m, h);
	deadline = now_ms() + 2000;
	st.in_flight = 0;
	while (running && now_ms() < deadline) {
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, 20, NULL);
		if (read_stats(sp.port, &st) == 0 && st.in_flight == 1)
			break;
	}
	is_int(st.in_flight, 1, "stall at stop: the request is pending");
	t0 = now_ms();
	serverproc_stop(&sp);
	ok(now_ms() - t0 < STOP_FAST_MS,
	   "stall at stop: the server exits on SIGTERM at once");
	curl_multi_remove_handle(m, h);
	curl_easy_cleanup(h);
	curl_multi_cleanup(m);
}

/* 50 GETs of /d/i, in the order given by order[]; i == odd gets /odd. */
static int digest_of(unsigned port, const unsigned *order, unsigned odd,
                     char out[17])
{
	struct server_stats st;
	CURL *h = client(5000);
	unsigned i;

	if (h == NULL || statsclient_reset(port, srv_err, sizeof(srv_err)) < 0)
		return -1;
	for (i = 0; i < 50; i++) {
		char url[64];

		if (order[i] == odd)
			snprintf(url, sizeof(url), "http://127.0.0.1:%u/odd",
			         port);
		else
			snprintf(url, sizeof(url), "http://127.0.0.1:%u/d/%u",
			         port, order[i]);
		curl_easy_setopt(h, CURLOPT_URL, url);
		if (curl_easy_perform(h) != CURLE_OK)
			break;
	}
	curl_easy_cleanup(h);
	if (i < 50 ||
	    statsclient_read(port, &st, srv_err, sizeof(srv_err)) < 0 ||
	    st.requests != 50)
		return -1;
	memcpy(out, st.digest, 17);
	return 0;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Send a raw request and read until the server closes. */
static int raw_request(unsigned port, const char *text)
{
	struct sockaddr_in sin;
	char buf[512];
	size_t len = strlen(text);
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		;
	close(fd);
	return 0;
}

static void test_digest(void)
{
	struct server_config cfg = {.body_bytes = 10};
	struct server_process sp;
	struct server_stats st;
	unsigned fwd[50], shuffled[50];
	char a[17] = "", b[17] = "", c[17] = "", want[17];
	uint64_t h1, h2;
	unsigned i;

	if (!spawn(&cfg, &sp, "digest"))
		return;
	for (i = 0; i < 50; i++) {
		fwd[i] = i;
		/* 7 is prime to 50: a permutation, neither in order nor
		 * reversed. */
		shuffled[i] = (i * 7 + 3) % 50;
	}
	ok(digest_of(sp.port, fwd, 50, a) == 0, "digest: 50 requests in order");
	ok(digest_of(sp.port, shuffled, 50, b) == 0,
	   "digest: the same 50 shuffled");
	ok(digest_of(sp.port, fwd, 17, c) == 0,
	   "digest: 50 with one URL changed");
	is_str(b, a, "digest: the order does not matter");
	ok(strcmp(a, c) != 0, "digest: one URL changes it (%s vs %s)", a, c);
	ok(strcmp(a, "0000000000000000") != 0, "digest: not zero");

	/* The documented formula: a GET, and a POST with a body. */
	statsclient_reset(sp.port, srv_err, sizeof(srv_err));
	raw_request(sp.port, "GET /raw?x=1 HTTP/1.1\r\nHost: t\r\n"
	                     "X-Pad:   spaced  \r\nConnection: close\r\n\r\n");
	raw_request(sp.port,
	            "POST /raw HTTP/1.1\r\nHost: t\r\n"
	            "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
	h1 = fnv(UINT64_C(0xcbf29ce484222325),
	         "GET/raw?x=1Host: t\n"
	         "X-Pad: spaced\nConnection: close\n");
	h2 = fnv(UINT64_C(0xcbf29ce484222325),
	         "POST/rawHost: t\n"
	         "Content-Length: 5\nConnection: close\nhello");
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)(h1 + h2));
	if (ok(read_stats(sp.port, &st) == 0, "digest: stats read")) {
		is_int(st.requests, 2, "digest: two raw requests");
		is_str(st.digest, want, "digest: FNV-1a as server.h says");
	}
	serverproc_stop(&sp);
}

static void test_max_in_flight(void)
{
	struct server_config cfg = {.body_bytes = 100, .latency.ms = 200};
	struct server_process sp;
	struct server_stats st;
	struct tally t;
	CURL *h[8];
	CURLM *m;
	CURLMsg *msg;
	int running = 1, left, done = 0;
	unsigned i;

	if (!spawn(&cfg, &sp, "max_in_flight"))
		return;
	m = curl_multi_init();
	for (i = 0; i < 8; i++) {
		char url[64];

		snprintf(url, sizeof(url), "http://127.0.0.1:%u/c/%u", sp.port,
		         i);
		h[i] = client(5000);
		curl_easy_setopt(h[i], CURLOPT_URL, url);
		curl_multi_add_handle(m, h[i]);
	}
	while (running) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		done +=
		    msg->msg == CURLMSG_DONE && msg->data.result == CURLE_OK;
	is_int(done, 8, "max_in_flight: 8 concurrent transfers succeed");
	for (i = 0; i < 8; i++) {
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
	}
	curl_multi_cleanup(m);
	if (ok(read_stats(sp.port, &st) == 0, "max_in_flight: stats read")) {
		is_int(st.requests, 8, "max_in_flight: 8 requests");
		is_int(st.max_in_flight, 8, "max_in_flight: 8 at once");
		is_int(st.in_flight, 0, "max_in_flight: none left");
	}

	statsclient_reset(sp.port, srv_err, sizeof(srv_err));
	get_seq(sp.port, 3, 5000, 500, 0, &t);
	is_int(t.ok, 3, "max_in_flight: 3 sequential requests");
	if (ok(read_stats(sp.port, &st) == 0, "max_in_flight: stats read"))
		is_int(st.max_in_flight, 1, "max_in_flight: 1 when sequential");
	serverproc_stop(&sp);
}

/* ---- routes ------------------------------------------------------------ */

struct reply {
	CURLcode rc;
	long status;
	char type[64];
	char more[16];
	char allow[64];
	char body[4096];
	size_t len; /* of the whole body, even past body[] */
	double secs;
};

static size_t keep_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct reply *r = arg;
	size_t n = size * nmemb, room = sizeof(r->body) - 1 - r->len;

	if (r->len < sizeof(r->body) - 1)
		memcpy(r->body + r->len, data, n < room ? n : room);
	r->len += n;
	r->body[r->len < sizeof(r->body) - 1 ? r->len : sizeof(r->body) - 1] =
	    '\0';
	return n;
}

/* A header we look at, value trimmed, into its field of the reply. */
static size_t keep_header(char *data, size_t size, size_t nmemb, void *arg)
{
	static const struct {
		const char *name;
		size_t off, len;
	} wanted[] = {
	    {"Content-Type:", offsetof(struct reply, type), 64},
	    {"More:", offsetof(struct reply, more), 16},
	    {"Allow:", offsetof(struct reply, allow), 64},
	};
	struct reply *r = arg;
	size_t n = size * nmemb, i;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		size_t k = strlen(wanted[i].name), v;
		char *field = (char *)r + wanted[i].off;

		if (n <= k || strncasecmp(data, wanted[i].name, k) != 0)
			continue;
		while (k < n && data[k] == ' ')
			k++;
		for (v = 0; k < n && data[k] != '\r' && data[k] != '\n' &&
		            v < wanted[i].len - 1;
		     k++)
			field[v++] = data[k];
		field[v] = '\0';
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One request on a fresh connection: METHOD path, with body (NULL: none)
 * of Content-Type type (NULL: curl's form type for a POST).
 */
static void request(unsigned port, const char *method, const char *path,
                    const char *type, const char *body, struct reply *r)
{
	CURL *h = client(10000);
	struct curl_slist *headers = NULL;
	char url[512], ctype[128];
	double t0;

	memset(r, 0, sizeof(*r));
	r->rc = CURLE_FAILED_INIT;
	if (h == NULL)
		return;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, keep_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS,
		                 body != NULL ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
		                 (long)(body != NULL ? strlen(body) : 0));
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	if (type != NULL) {
		snprintf(ctype, sizeof(ctype), "Content-Type: %s", type);
		headers = curl_slist_append(headers, ctype);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	}
	t0 = now_s();
	r->rc = curl_easy_perform(h);
	r->secs = now_s() - t0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	curl_slist_free_all(headers);
}

static void get(unsigned port, const char *path, struct reply *r)
{
	request(port, "GET", path, NULL, NULL, r);
}

/* ---- the page ------------------------------------------------------------ */

static void test_page_route(void)
{
	struct server_config cfg = {.body_bytes = 3000};
	struct server_process sp;
	struct reply r;

	if (!spawn(&cfg, &sp, "page"))
		return;
	get(sp.port, "/search?q=cats", &r);
	ok(r.rc == CURLE_OK && r.status == 200, "page: GET /search?q=cats 200");
	is_str(r.type, "text/html", "page: text/html");
	is_int(r.len, 3000, "page: body_bytes long");
	ok(strncmp(r.body, "<!DOCTYPE html>", 15) == 0, "page: an HTML page");
	request(sp.port, "DELETE", "/api/other", NULL, NULL, &r);
	ok(r.status == 200 && r.len == 3000,
	   "page: any other path and method gets it");
	get(sp.port, "/prices", &r);
	ok(r.status == 200 && r.len == 3000, "page: /prices (no date) too");
	request(sp.port, "HEAD", "/x", NULL, NULL, &r);
	ok(r.rc == CURLE_OK && r.status == 200 && r.len == 0,
	   "page: HEAD, without a body");
	serverproc_stop(&sp);
}

/* ---- prices -------------------------------------------------------------- */

/*
 * The prices on a page, into prices[] (up to 16), in order; -1 if a line
 * with a price is not exactly one "<span class="price">NNN CZK</span>" or
 * anything else matches the regex class="price">[0-9]+ CZK<.
 */
static int page_prices(const char *page, unsigned *prices)
{
	static const char marker[] = "class=\"price\">";
	const char *p = page;
	int n = 0;

	while ((p = strstr(p, marker)) != NULL) {
		const char *line = p, *digits = p + sizeof(marker) - 1, *next;
		char *end;
		unsigned long v = strtoul(digits, &end, 10);

		while (line > page && line[-1] != '\n')
			line--;
		if (end == digits || strncmp(end, " CZK</span>", 11) != 0 ||
		    n >= 16)
			return -1;
		next = strstr(end, marker);
		/* The span is the only one on its line. */
		if (p - line < 6 || strncmp(p - 6, "<span ", 6) != 0 ||
		    (next != NULL && next < strchr(end, '\n')))
			return -1;
		prices[n++] = (unsigned)v;
		p = end;
	}
	return n;
}

static int prices_of(unsigned port, const char *date, unsigned *prices,
                     struct reply *r)
{
	char path[64];

	snprintf(path, sizeof(path), "/prices/%s", date);
	get(port, path, r);
	if (r->rc != CURLE_OK || r->status != 200)
		return -1;
	return page_prices(r->body, prices);
}

static void test_prices(void)
{
	struct server_config cfg = {.body_bytes = 10, .seed = 1};
	struct server_process sp, sp2;
	static const char *const bad[] = {
	    "2026-02-30",  "2025-02-29", "2100-02-29", "2026-13-01",
	    "2026-00-10",  "2026-04-31", "2026-01-00", "0000-01-01",
	    "2026-1-01",   "2026-01-1",  "26-01-01",   "2026-01-01x",
	    "2026-01-01/", "2026/01/01", "",           "abcd-ef-gh",
	};
	unsigned prices[30][16], again[16];
	int counts[30], count, i, j, in_range = 1, shape = 1, varied = 0;
	int distinct = 1;
	struct reply r;
	char date[24], first[sizeof(r.body)];

	if (!spawn(&cfg, &sp, "prices"))
		return;
	for (i = 0; i < 30; i++) {
		snprintf(date, sizeof(date), "2026-03-%02d", i + 1);
		counts[i] = prices_of(sp.port, date, prices[i], &r);
		if (i == 0) {
			is_str(r.type, "text/html", "prices: text/html");
			snprintf(first, sizeof(first), "%s", r.body);
		}
		shape &= counts[i] >= 3 && counts[i] <= 8;
		for (j = 0; j < counts[i]; j++)
			in_range &= prices[i][j] >= 99 && prices[i][j] <= 999;
		varied |= counts[i] != counts[0];
	}
	ok(shape, "prices: 30 dates, each with 3 to 8 prices, one per line, "
	          "nothing else like them");
	ok(in_range, "prices: every price in 99..999");
	ok(varied, "prices: the count varies by date");
	for (i = 0; i < 30; i++)
		for (j = 0; j < i; j++)
			distinct &=
			    counts[i] != counts[j] ||
			    memcmp(prices[i], prices[j],
			           (size_t)counts[i] * sizeof(unsigned)) != 0;
	ok(distinct, "prices: different dates, different prices");
	count = prices_of(sp.port, "2026-03-01", again, &r);
	ok(count == counts[0] && strcmp(r.body, first) == 0,
	   "prices: the same date, the same page");
	diag("2026-03-01: %d prices, the first %u CZK", counts[0],
	     prices[0][0]);
	ok(prices_of(sp.port, "2024-02-29", again, &r) >= 3,
	   "prices: 2024-02-29, a leap day, exists");
	ok(prices_of(sp.port, "2000-02-29", again, &r) >= 3,
	   "prices: 2000-02-29 too");
	ok(prices_of(sp.port, "2026-03-01?from=PRG&to=BRQ", again, &r) ==
	       counts[0],
	   "prices: a query string changes nothing");
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/prices/%s", bad[i]);
		get(sp.port, path, &r);
		ok(r.status == 404 && strcmp(r.type, "text/plain") == 0,
		   "prices: %s: 404 text/plain", path);
	}
	request(sp.port, "POST", "/prices/2026-03-01", NULL, "x=1", &r);
	is_int(r.status, 405, "prices: POST gets 405");
	is_str(r.allow, "GET, HEAD", "prices: Allow: GET, HEAD");

	/* Stable across runs: another server, the same seed. */
	if (spawn(&cfg, &sp2, "prices, the same seed")) {
		count = prices_of(sp2.port, "2026-03-01", again, &r);
		ok(count == counts[0] && strcmp(r.body, first) == 0,
		   "prices: the same seed in another server, the same page");
		serverproc_stop(&sp2);
	}
	cfg.seed = 2;
	if (spawn(&cfg, &sp2, "prices, another seed")) {
		int same = 0;

		for (i = 0; i < 30; i++) {
			snprintf(date, sizeof(date), "2026-03-%02d", i + 1);
			count = prices_of(sp2.port, date, again, &r);
			same += count == counts[i] &&
			        memcmp(again, prices[i],
			               (size_t)count * sizeof(unsigned)) == 0;
		}
		is_int(same, 0, "prices: another seed, other prices");
		serverproc_stop(&sp2);
	}
	serverproc_stop(&sp);
}

/* ---- the list API and files ------------------------------------------------
 */

struct listing {
	char paths[32][32];
	int n;
	int bad; /* a string that is not /files/ and 16 hex */
};

static int add_path(const char *s, size_t n, void *arg)
{
	struct listing *l = arg;
	size_t i;

	if (n != 23 || strncmp(s, "/files/", 7) != 0)
		l->bad = 1;
	for (i = 7; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			l->bad = 1;
	if (l->n < 32 && n < 32)
		memcpy(l->paths[l->n], s, n + 1);
	l->n++;
	return 0;
}

/* The paths of a JSON listing; -1 if it is not an array of strings. */
static int parse_listing(const struct reply *r, struct listing *l)
{
	char err[128];

	memset(l, 0, sizeof(*l));
	if (json_string_array(r->body, r->len, add_path, l, err, sizeof(err)) <
	    0) {
		diag("not a listing: %s: %s", err, r->body);
		return -1;
	}
	return l->bad ? -1 : l->n;
}

/* POST /api/list_files with a form body; the number of paths, or -1. */
static int list_page(unsigned port, const char *query, const char *type,
                     const char *body, struct reply *r, struct listing *l)
{
	char path[256];

	snprintf(path, sizeof(path), "/api/list_files%s", query);
	request(port, "POST", path, type, body, r);
	if (r->rc != CURLE_OK || r->status != 200 ||
	    strcmp(r->type, "application/json") != 0)
		return -1;
	return parse_listing(r, l);
}

/* A 400 with {"error": "..."} and the message in it. */
static void bad_request(unsigned port, const char *query, const char *type,
                        const char *body, const char *message)
{
	char path[256], want[256];
	struct reply r;

	snprintf(path, sizeof(path), "/api/list_files%s", query);
	request(port, "POST", path, type, body, &r);
	snprintf(want, sizeof(want), "{\"error\":\"%s\"}", message);
	ok(r.status == 400 && strcmp(r.type, "application/json") == 0,
	   "list: %s %s: 400 application/json", query, body ? body : "");
	is_str(r.body, want, "list: %s %s: the error", query, body ? body : "");
}

static void test_list(void)
{
	struct server_config cfg = {.body_bytes = 10, .seed = 1};
	struct server_process sp, sp2;
	struct listing all, page, other;
	static const char *const more[5] = {"true", "true", "true", "true",
	                                    "false"};
	char pages[25][32], body[64];
	int seen[26] = {0}, i, j, k, n, distinct = 1, once = 1, union_ok = 1;
	struct reply r;

	if (!spawn(&cfg, &sp, "list"))
		return;
	get(sp.port, "/api/list_files", &r);
	ok(r.status == 200 && strcmp(r.type, "application/json") == 0,
	   "list: GET 200 application/json");
	is_str(r.more, "false", "list: GET: More: false");
	is_int(parse_listing(&r, &all), 25, "list: GET lists 25 paths");
	for (i = 0; i < 25; i++)
		for (j = 0; j < i; j++)
			distinct &= strcmp(all.paths[i], all.paths[j]) != 0;
	ok(distinct, "list: all 25 distinct");

	for (k = 0; k < 5; k++) {
		snprintf(body, sizeof(body), "start=%d", 5 * k);
		n = list_page(sp.port, "", NULL, body, &r, &page);
		is_int(n, 5, "list: POST start=%d: 5 paths", 5 * k);
		is_str(r.more, more[k], "list: POST start=%d: More: %s", 5 * k,
		       more[k]);
		for (i = 0; i < n && i < 5; i++) {
			snprintf(pages[5 * k + i], sizeof(pages[0]), "%s",
			         page.paths[i]);
			union_ok &=
			    strcmp(page.paths[i], all.paths[5 * k + i]) == 0;
		}
	}
	ok(union_ok, "list: the pages together are the GET listing, in order");

	for (i = 0; i < 25; i++) {
		unsigned long x = 0;
		char *end;

		get(sp.port, pages[i], &r);
		if (r.status == 200 && strcmp(r.type, "text/plain") == 0) {
			x = strtoul(r.body, &end, 10);
			if (strcmp(end, " of 25") != 0)
				x = 0;
		}
		if (x >= 1 && x <= 25)
			seen[x]++;
		once &= x == (unsigned long)i + 1;
	}
	ok(once, "list: file i of the listing answers exactly \"i of 25\"");
	for (i = 1, once = 1; i <= 25; i++)
		once &= seen[i] == 1;
	ok(once, "list: each of 1..25 once");

	/* Names that are not ours. */
	snprintf(body, sizeof(body), "%s", all.paths[0]);
	body[22] = body[22] == '0' ? '1' : '0';
	get(sp.port, body, &r);
	ok(r.status == 404 && strcmp(r.type, "text/plain") == 0,
	   "files: another last digit: 404 text/plain");
	for (i = 7; body[i] != '\0'; i++)
		body[i] = all.paths[0][i] >= 'a' ? (char)(all.paths[0][i] - 32)
		                                 : all.paths[0][i];
	get(sp.port, body, &r);
	/* (Should the name have no letter at all, it is still the same.) */
	is_int(r.status, strcmp(body, all.paths[0]) == 0 ? 200 : 404,
	       "files: in uppercase: 404");
	get(sp.port, "/files/0123456789abcde", &r);
	is_int(r.status, 404, "files: 15 digits: 404");
	snprintf(body, sizeof(body), "%s0", all.paths[0]);
	get(sp.port, body, &r);
	is_int(r.status, 404, "files: 17 digits: 404");
	request(sp.port, "POST", all.paths[0], NULL, "", &r);
	is_int(r.status, 405, "files: POST: 405");

	/* Parameters. */
	n = list_page(sp.port, "", NULL, "start=0&per_page=7", &r, &page);
	is_int(n, 5, "list: per_page=7 is clamped to 5");
	n = list_page(sp.port, "", NULL, "", &r, &page);
	ok(n == 5 && strcmp(page.paths[0], all.paths[0]) == 0 &&
	       strcmp(r.more, "true") == 0,
	   "list: no parameters: start 0, 5 per page, More: true");
	n = list_page(sp.port, "", NULL, "per_page=2&start=23", &r, &page);
	ok(n == 2 && strcmp(page.paths[1], all.paths[24]) == 0 &&
	       strcmp(r.more, "false") == 0,
	   "list: start=23 per_page=2: the last two, More: false");
	n = list_page(sp.port, "", NULL, "start=24", &r, &page);
	ok(n == 1 && strcmp(r.more, "false") == 0,
	   "list: start=24: one, More: false");
	n = list_page(sp.port, "", NULL, "start=25", &r, &page);
	ok(n == 0 && strcmp(r.body, "[]") == 0 && strcmp(r.more, "false") == 0,
	   "list: start=25: [], More: false");
	n = list_page(sp.port, "", NULL, "start=9223372036854775807", &r,
	              &page);
	ok(n == 0 && strcmp(r.more, "false") == 0,
	   "list: start=INT64_MAX: [], More: false");
	n = list_page(sp.port, "", NULL, "start=0&per_page=2&start=10", &r,
	              &page);
	ok(n == 2 && strcmp(page.paths[0], all.paths[10]) == 0,
	   "list: start given twice in a form: the last wins");
	n = list_page(sp.port, "?start=20&start=10&per_page=3", NULL, "", &r,
	              &page);
	ok(n == 3 && strcmp(page.paths[0], all.paths[10]) == 0,
	   "list: start given twice in the query: the last wins");
	n = list_page(sp.port, "", "application/json",
	              "{\"start\": 0, \"start\": 10, \"per_page\": 2}", &r,
	              &page);
	ok(n == 2 && strcmp(page.paths[0], all.paths[10]) == 0,
	   "list: start given twice in JSON: the last wins, as in a form");
	n = list_page(sp.port, "?start=10&per_page=3", NULL, "", &r, &page);
	ok(n == 3 && strcmp(page.paths[0], all.paths[10]) == 0 &&
	       strcmp(r.more, "true") == 0,
	   "list: parameters in the query");
	n = list_page(sp.port, "?start=10", NULL, "start=0&x=%41&per_page=%32",
	              &r, &page);
	ok(n == 2 && strcmp(page.paths[0], all.paths[0]) == 0,
	   "list: the body's (percent-decoded) win over the query's");
	n = list_page(sp.port, "", "application/json",
	              "{\"start\": 10, \"per_page\": 3}", &r, &page);
	ok(n == 3 && strcmp(page.paths[0], all.paths[10]) == 0 &&
	       strcmp(page.paths[2], all.paths[12]) == 0,
	   "list: a JSON body: start 10, per_page 3");
	n = list_page(sp.port, "?per_page=1", "application/json; charset=utf-8",
	              " {\"start\": 20, \"other\": [1]} ", &r, &page);
	ok(n == 1 && strcmp(page.paths[0], all.paths[20]) == 0,
	   "list: a JSON body with a charset, and the query's per_page");

	bad_request(sp.port, "", NULL, "start=abc",
	            "start must be an integer >= 0");
	bad_request(sp.port, "", NULL, "start=-1",
	            "start must be an integer >= 0");
	bad_request(sp.port, "", NULL, "start=1.5",
	            "start must be an integer >= 0");
	bad_request(sp.port, "", NULL,
	            "start=", "start must be an integer >= 0");
	bad_request(sp.port, "", NULL, "start=99999999999999999999",
	            "start must be an integer >= 0");
	bad_request(sp.port, "", NULL, "per_page=0",
	            "per_page must be an integer >= 1");
	bad_request(sp.port, "", NULL, "per_page=x",
	            "per_page must be an integer >= 1");
	bad_request(sp.port, "?start=x", NULL, "",
	            "start must be an integer >= 0");
	bad_request(sp.port, "", "application/json", "{\"start\": \"5\"}",
	            "start must be an integer >= 0");
	bad_request(sp.port, "", "application/json", "{\"per_page\": 2.0}",
	            "per_page must be an integer >= 1");
	bad_request(sp.port, "", "application/json", "[1]",
	            "the JSON body must be an object");
	bad_request(sp.port, "", "application/json", "{\"start\": 1",
	            "invalid JSON: byte 11: expected ',' or '}', got the end "
	            "of the input");
	bad_request(sp.port, "", "application/json", "",
	            "invalid JSON: byte 0: expected a value, got the end of "
	            "the input");
	bad_request(sp.port, "", "application/json", "{'a': 1}",
	            "invalid JSON: byte 1: expected a member name, got '''");
	bad_request(sp.port, "?broken=maybe", NULL, "",
	            "broken must be json or endless");

	/* The test hooks. */
	request(sp.port, "POST", "/api/list_files?broken=json", NULL, "start=0",
	        &r);
	ok(r.status == 200 && strcmp(r.more, "true") == 0 &&
	       strcmp(r.type, "application/json") == 0,
	   "list: broken=json: 200 application/json, More: true");
	ok(json_check(r.body, r.len, NULL, 0) < 0,
	   "list: broken=json: the body is not JSON");
	for (i = 0, once = 1; i < 3; i++) {
		snprintf(body, sizeof(body), "start=%d", 5 * i);
		n = list_page(sp.port, "?broken=endless", NULL, body, &r,
		              &page);
		once &= n == 0 && strcmp(r.more, "true") == 0;
	}
	ok(once, "list: broken=endless: [] and More: true, again and again");

	request(sp.port, "PUT", "/api/list_files", NULL, NULL, &r);
	is_int(r.status, 405, "list: PUT: 405");
	is_str(r.allow, "GET, HEAD, POST", "list: Allow: GET, HEAD, POST");

	/* The names depend on the seed, and only on it. */
	if (spawn(&cfg, &sp2, "list, the same seed")) {
		get(sp2.port, "/api/list_files", &r);
		ok(parse_listing(&r, &other) == 25 &&
		       memcmp(&other, &all, sizeof(all)) == 0,
		   "list: the same seed in another server, the same paths");
		serverproc_stop(&sp2);
	}
	cfg.seed = 2;
	cfg.files = 3;
	if (spawn(&cfg, &sp2, "list, another seed, 3 files")) {
		int common = 0;

		get(sp2.port, "/api/list_files", &r);
		is_int(parse_listing(&r, &other), 3, "list: files 3: 3 paths");
		for (i = 0; i < other.n && i < 3; i++)
			for (j = 0; j < 25; j++)
				common +=
				    strcmp(other.paths[i], all.paths[j]) == 0;
		is_int(common, 0, "list: another seed, other paths");
		get(sp2.port, other.paths[2], &r);
		is_str(r.body, "3 of 3", "list: files 3: the third is 3 of 3");
		get(sp2.port, all.paths[0], &r);
		is_int(r.status, 404, "list: another seed's path: 404");
		n = list_page(sp2.port, "", NULL, "start=0", &r, &page);
		ok(n == 3 && strcmp(r.more, "false") == 0,
		   "list: files 3: one page, More: false");
		serverproc_stop(&sp2);
	}
	serverproc_stop(&sp);
}

/* ---- echo ------------------------------------------------------------------
 */

static void test_echo(void)
{
	struct server_config cfg = {.body_bytes = 10};
	struct server_process sp;
	struct reply r;

	if (!spawn(&cfg, &sp, "echo"))
		return;
	request(sp.port, "POST", "/api/echo", "application/json",
	        "  {\"a\": [1, \"x\"]}\n", &r);
	ok(r.status == 200 && strcmp(r.type, "application/json") == 0,
	   "echo: valid JSON: 200 application/json");
	is_str(r.body, "{\"echo\":{\"a\": [1, \"x\"]},\"bytes\":18}",
	       "echo: the body trimmed, and its length");
	ok(json_check(r.body, r.len, NULL, 0) == 0, "echo: the reply is JSON");
	request(sp.port, "POST", "/api/echo", NULL, "\"\\ud83d\\ude00\"", &r);
	is_str(r.body, "{\"echo\":\"\\ud83d\\ude00\",\"bytes\":14}",
	       "echo: a string, escapes as they came");
	request(sp.port, "POST", "/api/echo", NULL, "{\"a\": }", &r);
	ok(r.status == 400 && strcmp(r.type, "application/json") == 0,
	   "echo: invalid JSON: 400 application/json");
	is_str(r.body, "{\"error\":\"byte 6: expected a value, got '}'\"}",
	       "echo: invalid JSON: json_check's message");
	request(sp.port, "POST", "/api/echo", NULL, "[1 \"a\"]", &r);
	is_str(r.body,
	       "{\"error\":\"byte 3: expected ',' or ']', got "
	       "'\\\"'\"}",
	       "echo: a quote in the message is escaped");
	ok(json_check(r.body, r.len, NULL, 0) == 0, "echo: the error is JSON");
	request(sp.port, "POST", "/api/echo", NULL, NULL, &r);
	is_str(r.body,
	       "{\"error\":\"byte 0: expected a value, got the end of "
	       "the input\"}",
	       "echo: an empty body: 400");
	get(sp.port, "/api/echo", &r);
	is_int(r.status, 405, "echo: GET: 405");
	is_str(r.allow, "POST", "echo: Allow: POST");
	serverproc_stop(&sp);
}

/* Faults apply on every route, to that route's answer. */
static void test_route_faults(void)
{
	struct server_config cfg = {.body_bytes = 10, .close_fraction = 1};
	struct server_process sp;
	struct reply r;

	if (spawn(&cfg, &sp, "route faults, close")) {
		get(sp.port, "/prices/2026-03-01", &r);
		ok(r.rc == CURLE_PARTIAL_FILE && r.len > 0,
		   "route faults: close cuts a prices page (%zu bytes came)",
		   r.len);
		serverproc_stop(&sp);
	}
	cfg.close_fraction = 0;
	cfg.fail_fraction = 1;
	cfg.fail_status = 503;
	if (spawn(&cfg, &sp, "route faults, status")) {
		request(sp.port, "POST", "/api/echo", NULL, "[1]", &r);
		ok(r.status == 503 && strcmp(r.type, "text/plain") == 0,
		   "route faults: status 503 on echo, text/plain");
		serverproc_stop(&sp);
	}
}

/* ---- latency
 * ----------------------------------------------------------------- */

static void test_route_latency(void)
{
	struct server_config cfg = {.body_bytes = 10};
	struct server_process sp;
	struct reply r;

	cfg.route_latency_set[ROUTE_PRICES] = 1;
	cfg.route_latency[ROUTE_PRICES].ms = 200;
	if (spawn(&cfg, &sp, "route latency")) {
		get(sp.port, "/prices/2026-03-01", &r);
		ok(r.status == 200 && r.secs >= 0.19,
		   "route latency: prices 200 ms: %.3f s", r.secs);
		get(sp.port, "/search?q=1", &r);
		ok(r.status == 200 && r.secs < 1,
		   "route latency: the page keeps the default 0: %.3f s",
		   r.secs);
		serverproc_stop(&sp);
	}
	/* The other way round: a slow default, one fast route. */
	memset(&cfg.route_latency_set, 0, sizeof(cfg.route_latency_set));
	cfg.latency.ms = 1500;
	cfg.route_latency_set[ROUTE_PAGE] = 1;
	cfg.route_latency[ROUTE_PAGE].ms = 0;
	if (spawn(&cfg, &sp, "default latency")) {
		get(sp.port, "/search?q=1", &r);
		ok(r.status == 200 && r.secs < 1,
		   "route latency: page 0 under a default of 1500: %.3f s",
		   r.secs);
		request(sp.port, "POST", "/api/echo", NULL, "1", &r);
		ok(r.status == 200 && r.secs >= 1.49,
		   "route latency: echo keeps the default 1500: %.3f s",
		   r.secs);
		serverproc_stop(&sp);
	}
}

/*
 * Under a random model, request n waits latency_draw_us(spec, seed, n):
 * the test draws the same and checks each request, in order, from a reset.
 */
static void random_latency(const char *text, uint64_t seed, enum route_id route,
                           const char *path)
{
	struct server_config cfg = {.body_bytes = 10, .seed = seed};
	struct server_process sp;
	char err[200];
	int n, early = 0, late = 0;
	struct reply r;

	if (!ok(latency_parse(text, &cfg.route_latency[route], err,
	                      sizeof(err)) == 0,
	        "latency %s parses", text))
		return;
	cfg.route_latency_set[route] = 1;
	if (!spawn(&cfg, &sp, text))
		return;
	/* A request of another route takes a number too. */
	get(sp.port, "/prices/2026-03-01", &r);
	for (n = 1; n < 6; n++) {
		double want = latency_draw_us(&cfg.route_latency[route], seed,
		                              (uint64_t)n) /
		              1e6;

		get(sp.port, path, &r);
		early += r.secs < want - 0.001;
		late += r.secs > want + 1;
		diag("%s: request %d waited %.3f s, drawn %.3f s", text, n,
		     r.secs, want);
	}
	ok(early == 0 && late == 0,
	   "latency %s: each request waits its "
	   "draw for (seed, n)",
	   text);
	serverproc_stop(&sp);
}

static void test_random_latency(void)
{
	random_latency("uniform:100:300", 5, ROUTE_FILES,
	               "/files/0000000000000000");
	random_latency("lognormal:150:250", 6, ROUTE_PAGE, "/search?q=2");
}

static void test_names(void)
{
	static const char *const names[ROUTE_COUNT] = {"page", "prices", "list",
	                                               "files", "echo"};
	int r, right = 1;

	for (r = 0; r < ROUTE_COUNT; r++)
		right &= strcmp(routes_name((enum route_id)r), names[r]) == 0 &&
		         routes_lookup(names[r]) == r;
	ok(right, "names: page, prices, list, files, echo, both ways");
	is_int(routes_lookup("search"), -1, "names: unknown: -1");
	is_int(routes_lookup(""), -1, "names: empty: -1");
}

static void test_refused(void)
{
	struct server_config cfg = {.body_bytes = 10, .fail_fraction = 1.5};
	struct server_process sp;

	ok(serverproc_spawn(&cfg, &sp, srv_err, sizeof(srv_err)) < 0,
	   "refused: fail fraction 1.5");
	is_str(srv_err, "test server: fail fraction 1.5 is not in [0, 1]",
	       "refused: the reason");
	cfg.fail_fraction = 0;
	cfg.stall_fraction = -0.1;
	ok(serverproc_spawn(&cfg, &sp, srv_err, sizeof(srv_err)) < 0,
	   "refused: stall fraction -0.1");
	is_str(srv_err, "test server: stall fraction -0.1 is not in [0, 1]",
	       "refused: the reason");
	cfg.stall_fraction = 0;
	cfg.close_fraction = NAN;
	ok(serverproc_spawn(&cfg, &sp, srv_err, sizeof(srv_err)) < 0,
	   "refused: close fraction NaN");
	is_str(srv_err, "test server: close fraction nan is not in [0, 1]",
	       "refused: the reason");
	cfg.close_fraction = 0;
	cfg.fail_status = 100;
	ok(serverproc_spawn(&cfg, &sp, srv_err, sizeof(srv_err)) < 0,
	   "refused: fail status 100");
	is_str(srv_err, "test server: fail status 100 is not in 200..599",
	       "refused: the reason");
	cfg.fail_status = 0;
	cfg.latency.model = LATENCY_UNIFORM;
	cfg.latency.min_ms = 90;
	cfg.latency.max_ms = 10;
	ok(serverproc_spawn(&cfg, &sp, srv_err, sizeof(srv_err)) < 0,
	   "refused: uniform latency 90..10");
	is_str(srv_err,
	       "test server: uniform latency: the minimum, 90 ms, is above the "
	       "maximum, 10 ms",
	       "refused: the reason");
	memset(&cfg.latency, 0, sizeof(cfg.latency));
	cfg.route_latency_set[ROUTE_ECHO] = 1;
	cfg.route_latency[ROUTE_ECHO].model = LATENCY_LOGNORMAL;
	cfg.route_latency[ROUTE_ECHO].median_ms = 0;
	ok(serverproc_spawn(&cfg, &sp, srv_err, sizeof(srv_err)) < 0,
	   "refused: echo's lognormal median 0");
	is_str(srv_err,
	       "test server: route echo: lognormal latency: the median must be "
	       "at least 1 ms",
	       "refused: the reason");
	cfg.route_latency_set[ROUTE_ECHO] = 0;
	cfg.files = SERVER_MAX_FILES + 1;
	ok(serverproc_spawn(&cfg, &sp, srv_err, sizeof(srv_err)) < 0,
	   "refused: %u files", SERVER_MAX_FILES + 1);
	is_str(srv_err, "test server: 1000001 files is more than 1000000",
	       "refused: the reason");
	ok(statsclient_read(0, &(struct server_stats){0}, srv_err,
	                    sizeof(srv_err)) < 0,
	   "refused: stats from port 0");
	is_str(srv_err, "test server: port 0 out of range",
	       "refused: the reason");
}

int main(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		printf("Bail out! curl_global_init failed\n");
		return 1;
	}
	test_status();
	test_close();
	test_precedence();
	test_stall();
	test_stall_at_stop();
	test_digest();
	test_max_in_flight();
	test_page_route();
	test_prices();
	test_list();
	test_echo();
	test_route_faults();
	test_route_latency();
	test_random_latency();
	test_names();
	test_refused();
	curl_global_cleanup();
	return done_testing();
}

/*
 * server_test: fault injection and statistics of the embedded test server
 * (core/server.c), through server_spawn and the stats client. Each fault
 * kind on its own, with exact totals (the selection is deterministic), and
 * which kind wins when two select the same request; the reset; the digest
 * (order-independent, sensitive to one URL, and computed as server.h
 * documents it); max_in_flight under 8 concurrent transfers and under
 * sequential ones; a stalled request left open when the server stops; and
 * configurations the server must refuse.
 */
#include "config.h"

#include <errno.h>
#include <math.h>         /* NAN */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "server.h"
#include "tap.h"

#define N 100
/* server_stop() waits 2 s before SIGKILL; a clean exit is far quicker. */
#define STOP_FAST_MS 1500

struct tally {
	unsigned ok;            /* 200 */
	unsigned status;        /* the fail status */
	unsigned other_status;
	unsigned broken;        /* CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING */
	unsigned timed_out;
	unsigned other_error;
	unsigned misplaced;     /* a fault where the formula has none, or back */
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
		} else if (rc == CURLE_PARTIAL_FILE || rc == CURLE_GOT_NOTHING) {
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
	return server_stats_read(port, st);
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
	return ok(server_spawn(cfg, sp) == 0, "%s: server starts", what);
}

static void test_status(void)
{
	struct server_config cfg = { .body_bytes = 100, .fail_fraction = 0.25 };
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

	ok(server_stats_reset(sp.port) == 0, "reset: answered");
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
	server_stop(&sp);

	cfg.fail_fraction = 1;
	cfg.fail_status = 503;
	if (!spawn(&cfg, &sp, "status 503"))
		return;
	get_seq(sp.port, 3, 5000, 503, 1, &t);
	is_int(t.status, 3, "status 503: every request answered 503");
	server_stop(&sp);
}

static void test_close(void)
{
	struct server_config cfg = { .body_bytes = 1000, .close_fraction = 0.1 };
	struct server_process sp;
	struct tally t;

	if (!spawn(&cfg, &sp, "close"))
		return;
	get_seq(sp.port, N, 5000, 500, 0.1, &t);
	is_int(t.broken, 10, "close: 10 of 100 transfers broken");
	is_int(t.ok, 90, "close: 90 answered 200");
	is_int(t.misplaced, 0, "close: exactly the requests the rule picks");
	expect_stats(sp.port, "close", N, 0, 10, 0);
	server_stop(&sp);

	/* No body to cut: closed before anything is sent, after the latency. */
	cfg.body_bytes = 0;
	cfg.close_fraction = 1;
	cfg.latency_ms = 20;
	if (!spawn(&cfg, &sp, "close, empty body"))
		return;
	get_seq(sp.port, 3, 5000, 500, 1, &t);
	is_int(t.broken, 3, "close, empty body: every transfer broken");
	expect_stats(sp.port, "close, empty body", 3, 0, 3, 0);
	server_stop(&sp);
}

/* Status wins over close, close over stall. */
static void test_precedence(void)
{
	struct server_config cfg = {
		.body_bytes = 100, .fail_fraction = 0.5,
		.close_fraction = 0.5, .stall_fraction = 0.5,
	};
	struct server_process sp;
	struct tally t;

	if (!spawn(&cfg, &sp, "precedence"))
		return;
	get_seq(sp.port, 10, 2000, 500, 0.5, &t);
	is_int(t.status, 5, "precedence: status wins over close and stall");
	is_int(t.broken + t.timed_out, 0, "precedence: nothing else faults");
	expect_stats(sp.port, "precedence", 10, 5, 0, 0);
	server_stop(&sp);

	cfg.fail_fraction = 0;
	if (!spawn(&cfg, &sp, "precedence, no status"))
		return;
	get_seq(sp.port, 10, 2000, 500, 0.5, &t);
	is_int(t.broken, 5, "precedence: close wins over stall");
	expect_stats(sp.port, "precedence, no status", 10, 0, 5, 0);
	server_stop(&sp);
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
	struct server_config cfg = { .body_bytes = 100, .stall_fraction = 0.05 };
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
	server_stop(&sp);
}

/* A stalled request still open when the server stops must not hold it up. */
static void test_stall_at_stop(void)
{
	struct server_config cfg = { .body_bytes = 100, .stall_fraction = 1 };
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
	server_stop(&sp);
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

	if (h == NULL || server_stats_reset(port) < 0)
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
	if (i < 50 || server_stats_read(port, &st) < 0 || st.requests != 50)
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
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		;
	close(fd);
	return 0;
}

static void test_digest(void)
{
	struct server_config cfg = { .body_bytes = 10 };
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
		/* 7 is prime to 50: a permutation, neither in order nor reversed. */
		shuffled[i] = (i * 7 + 3) % 50;
	}
	ok(digest_of(sp.port, fwd, 50, a) == 0, "digest: 50 requests in order");
	ok(digest_of(sp.port, shuffled, 50, b) == 0,
	   "digest: the same 50 shuffled");
	ok(digest_of(sp.port, fwd, 17, c) == 0, "digest: 50 with one URL changed");
	is_str(b, a, "digest: the order does not matter");
	ok(strcmp(a, c) != 0, "digest: one URL changes it (%s vs %s)", a, c);
	ok(strcmp(a, "0000000000000000") != 0, "digest: not zero");

	/* The documented formula: a GET, and a POST with a body. */
	server_stats_reset(sp.port);
	raw_request(sp.port, "GET /raw?x=1 HTTP/1.1\r\nHost: t\r\n"
		    "X-Pad:   spaced  \r\nConnection: close\r\n\r\n");
	raw_request(sp.port, "POST /raw HTTP/1.1\r\nHost: t\r\n"
		    "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
	h1 = fnv(UINT64_C(0xcbf29ce484222325), "GET/raw?x=1Host: t\n"
		 "X-Pad: spaced\nConnection: close\n");
	h2 = fnv(UINT64_C(0xcbf29ce484222325), "POST/rawHost: t\n"
		 "Content-Length: 5\nConnection: close\nhello");
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)(h1 + h2));
	if (ok(read_stats(sp.port, &st) == 0, "digest: stats read")) {
		is_int(st.requests, 2, "digest: two raw requests");
		is_str(st.digest, want, "digest: FNV-1a as server.h says");
	}
	server_stop(&sp);
}

static void test_max_in_flight(void)
{
	struct server_config cfg = { .body_bytes = 100, .latency_ms = 200 };
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
		done += msg->msg == CURLMSG_DONE && msg->data.result == CURLE_OK;
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

	server_stats_reset(sp.port);
	get_seq(sp.port, 3, 5000, 500, 0, &t);
	is_int(t.ok, 3, "max_in_flight: 3 sequential requests");
	if (ok(read_stats(sp.port, &st) == 0, "max_in_flight: stats read"))
		is_int(st.max_in_flight, 1, "max_in_flight: 1 when sequential");
	server_stop(&sp);
}

static void test_refused(void)
{
	struct server_config cfg = { .body_bytes = 10, .fail_fraction = 1.5 };
	struct server_process sp;

	diag("five refusals follow on stderr");
	ok(server_spawn(&cfg, &sp) < 0, "refused: fail fraction 1.5");
	cfg.fail_fraction = 0;
	cfg.stall_fraction = -0.1;
	ok(server_spawn(&cfg, &sp) < 0, "refused: stall fraction -0.1");
	cfg.stall_fraction = 0;
	cfg.close_fraction = NAN;
	ok(server_spawn(&cfg, &sp) < 0, "refused: close fraction NaN");
	cfg.close_fraction = 0;
	cfg.fail_status = 100;
	ok(server_spawn(&cfg, &sp) < 0, "refused: fail status 100");
	ok(server_stats_read(0, &(struct server_stats){0}) < 0,
	   "refused: stats from port 0");
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
	test_refused();
	curl_global_cleanup();
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/*
 * ref: the shared part of the reference clients (see ref.h).
 */
#include "config.h"

#include "ref.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Failures told on stderr; the rest are only counted. */
#define REF_TOLD_MAX 5

static atomic_uint told;

/* The flags of the program ("" or "[--flag] "), for usage(). */
static const char *usage_flags = "";

static void usage(const char *prog)
{
	fprintf(stderr,
	        "usage: %s %sBASE_URL PATTERN N C [TIMEOUT_MS]\n"
	        "  BASE_URL  http://127.0.0.1:PORT\n"
	        "  PATTERN   a path with {i} (0 to N-1), or a prefix the "
	        "index is appended to\n"
	        "  N         requests; C: transfers at once\n"
	        "  TIMEOUT_MS  of each request (default %ld, as concbench's)\n",
	        prog, usage_flags, REF_TIMEOUT_MS);
	exit(2);
}

static unsigned long number(const char *prog, const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > max) {
		fprintf(stderr, "%s: '%s': not a number from 1 to %lu\n", prog,
		        s, max);
		usage(prog);
	}
	return v;
}

void ref_init(int argc, char **argv, const char *flags, struct ref_args *a)
{
	struct rlimit rl;

	usage_flags = flags;
	if (argc < 5 || argc > 6)
		usage(argv[0]);
	a->base = argv[1];
	a->pattern = argv[2];
	a->n = number(argv[0], argv[3], ULONG_MAX / 2);
	a->c = number(argv[0], argv[4], 100000);
	a->timeout_ms = argc > 5 ? (long)number(argv[0], argv[5], 86400000)
	                         : REF_TIMEOUT_MS;
	/* As in concbench's measurement child: a write to a reset peer
	 * fails the transfer, and C in the thousands has its descriptors. */
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: curl_global_init failed\n", argv[0]);
		exit(1);
	}
}

int ref_url(const struct ref_args *a, unsigned long i, char *buf, size_t len)
{
	const char *at = strstr(a->pattern, "{i}");
	int n;

	if (at)
		n = snprintf(buf, len, "%s%.*s%lu%s", a->base,
		             (int)(at - a->pattern), a->pattern, i, at + 3);
	else
		n = snprintf(buf, len, "%s%s%lu", a->base, a->pattern, i);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The body is only counted, as concbench counts it without a check. */
static size_t discard(char *data, size_t size, size_t nmemb, void *userp)
{
	(void)data;
	(void)userp;
	return size * nmemb;
}

CURL *ref_easy(const struct ref_args *a, char *errbuf)
{
	CURL *easy = curl_easy_init();
	CURLcode rc = CURLE_OK;

	if (!easy) {
		fprintf(stderr, "curl_easy_init failed\n");
		return NULL;
	}
	/*
	 * The request concbench sends for a plain `urls: {pattern, count}`
	 * scenario, option for option: core/request.c (request_configure)
	 * and core/host.c (host_easy) set these, and nothing else for a
	 * scenario without a request block (GET, no headers of its own, no
	 * body). They must stay in step: when concbench's request changes,
	 * change this too, or the comparison is not of the same work.
	 * bench/overhead.sh checks it with the server's request digest.
	 */
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(easy, opt, val);                 \
	} while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, a->timeout_ms);
	SET(CURLOPT_USERAGENT, "concbench/" PACKAGE_VERSION);
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/* No CURLOPT_NOPROXY: concbench sets it only for its embedded
	 * server, not for a base_url, so curl looks the proxy variables up
	 * for each request in both clients (overhead.sh clears them). */
	SET(CURLOPT_WRITEFUNCTION, discard);
	SET(CURLOPT_ERRORBUFFER, errbuf);
#undef SET
	if (rc != CURLE_OK) {
		fprintf(stderr, "curl_easy_setopt: %s\n",
		        curl_easy_strerror(rc));
		curl_easy_cleanup(easy);
		return NULL;
	}
	return easy;
}

static void tell(const char *url, const char *why)
{
	if (atomic_fetch_add(&told, 1) < REF_TOLD_MAX)
		fprintf(stderr, "%s: %s\n", url, why);
}

void ref_count(CURL *easy, CURLcode rc, const char *errbuf, const char *url,
               struct ref_tally *t)
{
	long status = 0, connects = 0;
	char why[CURL_ERROR_SIZE + 32];

	if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) ==
	    CURLE_OK)
		t->connects += connects;
	if (rc != CURLE_OK) {
		t->failed++;
		snprintf(why, sizeof(why), "%s (curl error %d)",
		         errbuf[0] ? errbuf : curl_easy_strerror(rc), (int)rc);
		tell(url, why);
		return;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		t->failed++;
		snprintf(why, sizeof(why), "status %ld", status);
		tell(url, why);
		return;
	}
	t->ok++;
}

static double seconds_of(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

void ref_mark(struct ref_mark *m)
{
	struct timespec ts;
	struct rusage ru;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	m->wall_s = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	/* Every thread's, as concbench counts its measurement process. */
	getrusage(RUSAGE_SELF, &ru);
	m->cpu_s = seconds_of(&ru.ru_utime) + seconds_of(&ru.ru_stime);
}

int ref_report(const char *name, const struct ref_args *a,
               const struct ref_mark *from, const struct ref_mark *to,
               const struct ref_tally *t)
{
	double wall = to->wall_s - from->wall_s;
	double cpu = to->cpu_s - from->cpu_s;
	unsigned long done = t->ok + t->failed;

	printf("%s n=%lu c=%lu wall_s=%.6f ok=%lu failed=%lu "
	       "req_per_s=%.1f cpu_s=%.6f cpu_us_per_req=%.3f connects=%ld\n",
	       name, a->n, a->c, wall, t->ok, t->failed,
	       wall > 0 ? (double)t->ok / wall : 0.0, cpu,
	       done ? cpu * 1e6 / (double)done : 0.0, t->connects);
	if (fflush(stdout) != 0)
		return 1;
	return t->failed || t->ok != a->n ? 1 : 0;
}

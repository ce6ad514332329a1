/* SPDX-License-Identifier: MIT */
/*
 * ref: what the two reference clients of bench/overhead.sh share: their
 * command line, the request every transfer sends, and the one line of
 * figures they print. Nothing here is concbench's code: the clients are
 * the bare libcurl programs concbench's strategies are measured against.
 */
#ifndef CB_BENCH_REF_H
#define CB_BENCH_REF_H

#include <curl/curl.h>
#include <stddef.h>

/* concbench's default timeout_ms (concbench-scenario(5)). */
#define REF_TIMEOUT_MS 10000L

struct ref_args {
	const char *base;    /* http://127.0.0.1:PORT */
	const char *pattern; /* a path with {i}, or a prefix for the index */
	unsigned long n;     /* requests */
	unsigned long c;     /* handles (multi) or threads */
	long timeout_ms;
};

/* What one handle, or all of them, got. */
struct ref_tally {
	unsigned long ok, failed;
	long connects; /* new connections the transfers made */
};

/* Parse "BASE PATTERN N C [TIMEOUT_MS]" (after the program's own flags,
 * which it has taken out: "" or "[--flag] ", for the usage line); on a
 * usage error, say so and exit 2. Also curl_global_init and the process
 * set-up concbench's measurement child has; exits 1 if that fails. */
void ref_init(int argc, char **argv, const char *flags, struct ref_args *a);

/* The URL of request i into buf (len bytes); -1 if it does not fit. */
int ref_url(const struct ref_args *a, unsigned long i, char *buf, size_t len);

/* A new easy handle with every option that stays the same from one
 * request to the next; NULL (with a message) on failure. errbuf is the
 * handle's CURL_ERROR_SIZE error buffer. */
CURL *ref_easy(const struct ref_args *a, char *errbuf);

/* Count the transfer that just ended on easy into t, telling the first
 * failures on stderr. */
void ref_count(CURL *easy, CURLcode rc, const char *errbuf, const char *url,
               struct ref_tally *t);

/* Now, for ref_report: wall clock and the process's CPU. */
struct ref_mark {
	double wall_s, cpu_s;
};
void ref_mark(struct ref_mark *m);

/* Print the line of figures of the span from..to; the exit status. */
int ref_report(const char *name, const struct ref_args *a,
               const struct ref_mark *from, const struct ref_mark *to,
               const struct ref_tally *t);

#endif

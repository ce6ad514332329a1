/* SPDX-License-Identifier: MIT */
/*
 * request: the requests of a cell's jobs, the same for every strategy:
 * each job's URL and body from the scenario's templates, and the curl
 * easy handle configured for it (method, headers, body, timeout, HTTP/1.1,
 * user agent, no proxy for the embedded server).
 */
#ifndef CB_REQUEST_H
#define CB_REQUEST_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

struct scenario;

/* What a job is: a URL of the set, a page of a listing, or a URL a
 * listing named (as stored with jobs_add()). */
enum job_kind { JOB_STATIC = 0, JOB_LISTING = 1, JOB_FOUND = 2 };

/* The User-Agent every strategy sends. */
#define REQUEST_USER_AGENT "concbench/" PACKAGE_VERSION

/* What every request of a cell is made with. */
struct request_maker {
	const struct scenario *scn;
	const char *base_url;       /* prefix of relative URLs, or NULL */
	int no_proxy;               /* the embedded server: never via a proxy */
	struct curl_slist *headers; /* of every job but listings */
	struct curl_slist *list_headers; /* of listing requests */
	char origin[512]; /* where discovered paths are resolved */
};

/* 0, or -1 with err (out of memory). */
int request_maker_init(struct request_maker *m, const struct scenario *scn,
                       const char *base_url, int no_proxy, char *err,
                       size_t errlen);
void request_maker_free(struct request_maker *m);

/*
 * The URL and then the request body of job `index` (of `kind`, with the
 * number and text jobs_add() stored for an added one), each
 * NUL-terminated, into buf; *body_at is where the body starts. Returns the
 * bytes both need, truncating like snprintf when len is smaller.
 */
size_t request_describe(const struct request_maker *m, uint64_t index,
                        enum job_kind kind, uint64_t number, const char *text,
                        char *buf, size_t len, size_t *body_at);

/* Whether jobs of `kind` send a body. */
int request_has_body(const struct request_maker *m, enum job_kind kind);

/*
 * Configure easy for a job's request; body may be NULL. easy is fresh or
 * reset, or, with `again`, was configured here for a job of the same kind
 * and since changed in nothing but where its response went: then only
 * what differs from job to job is set. The caller sets where the response
 * goes.
 */
CURLcode request_configure(const struct request_maker *m, CURL *easy,
                           enum job_kind kind, const char *url,
                           const char *body, size_t body_len, int again);

#endif

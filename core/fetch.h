/* SPDX-License-Identifier: MIT */
/*
 * fetch: the host services a plugin calls (struct concbench_host): jobs
 * with their URLs and request bodies, curl easy handles configured the same
 * way for every strategy, response checks, pagination discovery, result
 * classification and recording, options and logging.
 */
#ifndef CB_FETCH_H
#define CB_FETCH_H

#include <concbench/plugin.h>
#include <curl/curl.h>
#include <regex.h>

#include "jobs.h"
#include "scenario.h"
#include "urlset.h"

/* The longest discovered URL, and the room kept per discoverable one. */
#define FETCH_DISCOVERED_URL_MAX 4096
#define FETCH_TEXT_PER_DISCOVERED 256
/* A body is kept for checks and listings up to this size. */
#define FETCH_BODY_MAX (64u << 20)

struct fetch_setup {
	struct job_table *jobs;
	const struct scenario *scn;
	uint64_t static_jobs; /* the URL count of the cell */
	const char *base_url; /* prefix of relative URLs, or NULL */
	int no_proxy;         /* the embedded server: never via a proxy */
	unsigned timeout_ms;
	unsigned concurrency;
	const struct strategy_spec *spec;
	/* Made by fetch_prepare(). */
	struct curl_slist *headers;      /* of every job but listings */
	struct curl_slist *list_headers; /* of listing requests */
	regex_t match;
	int has_match;
	char origin[512]; /* where discovered paths are resolved */
};

/*
 * The shape of the job table a cell needs: added jobs and the room for
 * their texts (both 0 without discovery).
 */
void fetch_table_shape(const struct scenario *scn, uint64_t *extra,
                       size_t *text_bytes);

/* Build what every loop uses (headers, the regex). 0, or -1 with err. */
int fetch_prepare(struct fetch_setup *fs, char *err, size_t errlen);
void fetch_release(struct fetch_setup *fs);

/* After jobs_reset(), before the strategy runs: seed the discovery. */
void fetch_loop_begin(struct fetch_setup *fs);

/* Fill host with the services; setup must outlive every use of host. */
void fetch_host_init(struct concbench_host *host, struct fetch_setup *setup);

/* The User-Agent every strategy sends. */
#define FETCH_USER_AGENT "concbench/" PACKAGE_VERSION

#endif

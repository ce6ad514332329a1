/* SPDX-License-Identifier: MIT */
/*
 * host: the host of the plugin ABI in a measurement process. A job the
 * plugin holds is a struct host_job: its URL and request body (request.c),
 * the body received when a check or a listing reads it, and where its
 * result goes.
 */
#include "config.h"

#include "host.h"

#include <concbench/plugin.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clock.h"
#include "diag.h"
#include "discovery.h"
#include "histogram.h"
#include "jobs.h"
#include "request.h"
#include "scenario.h"

/* A body is kept for checks and listings up to this size. */
#define HOST_BODY_MAX (64u << 20)

struct host {
	struct concbench_host pub;
	struct host_config cfg;
	struct job_table *jobs;
	struct request_maker req;
	struct checker check;
};

/* A job as the host sees it; the plugin sees only `pub`. */
struct host_job {
	struct concbench_job pub;
	struct host *h;
	enum job_kind kind;
	uint64_t page; /* of a listing */
	uint64_t bytes;
	int keep_body; /* checks or a listing read it */
	int more;      /* a listing's "there is more" header said so */
	int body_cut;  /* the body outgrew HOST_BODY_MAX */
	char *body;    /* kept body, NUL-terminated */
	size_t body_len, body_cap;
	const char *request_body; /* NULL: none */
	size_t request_body_len;
	uint64_t started_ns; /* when easy() handed it out; 0: never */
	uint64_t ended_ns;   /* when done() was called */
	char errbuf[CURL_ERROR_SIZE];
	char url[]; /* then the request body, if any */
};

static struct host *host_of(struct concbench_host *pub)
{
	return pub->host_private;
}

/* ---- jobs -------------------------------------------------------------- */

static struct host_job *job_new(struct host *h, uint64_t index)
{
	unsigned kind = JOB_STATIC;
	uint64_t number = 0;
	const char *text = NULL;
	char small[1024];
	size_t need, body_at;
	struct host_job *job;

	if (index >= h->cfg.urls &&
	    jobs_added(h->jobs, index, &kind, &number, &text) < 0)
		return NULL;
	need = request_describe(&h->req, index, kind, number, text, small,
	                        sizeof(small), &body_at);
	job = malloc(sizeof(*job) + need);
	if (!job)
		return NULL;
	memset(job, 0, sizeof(*job));
	if (need <= sizeof(small))
		memcpy(job->url, small, need);
	else
		request_describe(&h->req, index, kind, number, text, job->url,
		                 need, &body_at);
	job->pub.index = index;
	job->pub.url = job->url;
	job->h = h;
	job->kind = kind;
	job->page = number;
	if (request_has_body(&h->req, kind)) {
		job->request_body = job->url + body_at;
		job->request_body_len = strlen(job->request_body);
	}
	job->keep_body =
	    kind == JOB_LISTING ||
	    check_reads_body(&h->cfg.scn->check, kind == JOB_FOUND);
	return job;
}

static enum concbench_next host_next_job(struct concbench_host *pub,
                                         unsigned flags,
                                         struct concbench_job **out)
{
	struct host *h = host_of(pub);
	int wait = (flags & CONCBENCH_NEXT_WAIT) != 0;
	struct host_job *job;
	uint64_t index;

	*out = NULL;
	for (;;) {
		switch (jobs_take(h->jobs, wait, &index)) {
		case JOBS_NONE_NOW:
			return CONCBENCH_NEXT_NONE_NOW;
		case JOBS_DONE:
			return CONCBENCH_NEXT_DONE;
		case JOBS_TAKEN:
			break;
		}
		if (h->cfg.progress && h->cfg.scn->has_discover)
			atomic_store_explicit(&h->cfg.progress->jobs,
			                      jobs_count(h->jobs),
			                      memory_order_relaxed);
		job = job_new(h, index);
		if (job) {
			*out = &job->pub;
			return CONCBENCH_NEXT_JOB;
		}
		jobs_fail(h->jobs, index, 0, JOB_FAIL_TRANSFER,
		          "out of memory for a job");
	}
}

/* The request's latency, into the histogram of its outcome. */
static void record_latency(const struct host_job *job, int ok)
{
#ifndef CB_NO_RECORDING
	struct histogram *h =
	    ok ? job->h->cfg.latency_ok : job->h->cfg.latency_failed;

	if (h && job->started_ns && job->ended_ns >= job->started_ns)
		histogram_record(h, (job->ended_ns - job->started_ns) / 1000);
#else
	(void)job;
	(void)ok;
#endif
}

static void finish(struct host_job *job, enum job_failure kind, const char *fmt,
                   ...) CB_PRINTF(3, 4);

/* Record the job's result (fmt NULL: success) and free it. A listing
 * ends its part in the discovery here, after adding what it found. */
static void finish(struct host_job *job, enum job_failure kind, const char *fmt,
                   ...)
{
	struct job_table *jobs = job->h->jobs;
	char msg[JOBS_ERROR_MAX];
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		jobs_fail(jobs, job->pub.index, job->bytes, kind, msg);
	} else {
		jobs_record(jobs, job->pub.index, job->bytes, NULL);
	}
	record_latency(job, fmt == NULL);
	if (job->kind == JOB_LISTING)
		discovery_listing_end(jobs);
	if (job->h->cfg.progress)
		atomic_fetch_add_explicit(&job->h->cfg.progress->done, 1,
		                          memory_order_relaxed);
	free(job->body);
	free(job);
}

/* ---- transfers --------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct host_job *job = userp;
	size_t n = size * nmemb;

	job->bytes += n;
	if (!job->keep_body || job->body_cut)
		return n;
	if (job->body_len + n > HOST_BODY_MAX) {
		job->body_cut = 1; /* keep nothing after a gap */
		return n;
	}
	if (job->body_len + n + 1 > job->body_cap) {
		size_t cap = job->body_cap ? job->body_cap : 4096;
		char *b;
		while (cap < job->body_len + n + 1)
			cap *= 2;
		if (!(b = realloc(job->body, cap)))
			return 0; /* fails the transfer: out of memory */
		job->body = b;
		job->body_cap = cap;
	}
	memcpy(job->body + job->body_len, data, n);
	job->body_len += n;
	job->body[job->body_len] = '\0';
	return n;
}

/* A listing's "there is more" header. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct host_job *job = userp;
	size_t n = size * nmemb;
	int more = discovery_more_header(&job->h->cfg.scn->discover, data, n);

	if (more >= 0)
		job->more = more;
	return n;
}

static CURL *host_easy(struct concbench_host *pub,
                       struct concbench_job *job_pub, CURL *reuse)
{
	struct host_job *job = (struct host_job *)job_pub;
	CURL *easy = reuse;
	CURLcode rc;

	if (easy)
		curl_easy_reset(easy);
	else
		easy = curl_easy_init();
	(void)pub;
	if (!easy) {
		finish(job, JOB_FAIL_TRANSFER,
		       "%s: cannot create a curl handle", job->url);
		return NULL;
	}
	rc = request_configure(&job->h->req, easy, job->kind, job->url,
	                       job->request_body, job->request_body_len);
#ifndef CB_NO_RECORDING
	if (rc == CURLE_OK) {
		job->started_ns = clock_now_ns();
		jobs_note_start(job->h->jobs, job->started_ns);
	}
#endif
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_WRITEDATA, job);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, job->errbuf);
	if (rc == CURLE_OK && job->kind == JOB_LISTING)
		rc = curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	if (rc == CURLE_OK && job->kind == JOB_LISTING)
		rc = curl_easy_setopt(easy, CURLOPT_HEADERDATA, job);
	if (rc != CURLE_OK) {
		finish(job, JOB_FAIL_TRANSFER,
		       "%s: cannot configure a curl handle: %s", job->url,
		       curl_easy_strerror(rc));
		if (!reuse)
			curl_easy_cleanup(easy);
		return NULL;
	}
	return easy;
}

/* The transfer is over: when, and the connections it made. */
static void note_end(struct host_job *job, CURL *easy)
{
#ifndef CB_NO_RECORDING
	long connections = 0;

	job->ended_ns = clock_now_ns();
	if (easy && curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS,
	                              &connections) != CURLE_OK)
		connections = 0;
	jobs_note_end(job->h->jobs, job->ended_ns,
	              connections > 0 ? (uint64_t)connections : 0);
#else
	(void)job;
	(void)easy;
#endif
}

/* A listing page came back with a success status. */
static void read_listing(struct host_job *job)
{
	struct listing_page lp = {.url = job->url,
	                          .page = job->page,
	                          .body = job->body,
	                          .len = job->body_len,
	                          .cut = job->body_cut,
	                          .more = job->more};
	char why[JOBS_ERROR_MAX];

	if (discovery_read(&job->h->cfg.scn->discover, job->h->jobs, &lp, why,
	                   sizeof(why)) < 0)
		finish(job, JOB_FAIL_DISCOVERY, "%s", why);
	else
		finish(job, 0, NULL);
}

/* A target came back with a success status. */
static void check_target(struct host_job *job)
{
	struct check_body b = {.url = job->url,
	                       .text = job->body,
	                       .len = job->body_len,
	                       .bytes = job->bytes,
	                       .cut = job->body_cut,
	                       .found = job->kind == JOB_FOUND};
	char why[JOBS_ERROR_MAX];

	if (check_body(&job->h->check, job->h->jobs, &b, why, sizeof(why)) < 0)
		finish(job, JOB_FAIL_CHECK, "%s", why);
	else
		finish(job, 0, NULL);
}

static void host_done(struct concbench_host *pub, struct concbench_job *job_pub,
                      CURL *easy, CURLcode result)
{
	struct host_job *job = (struct host_job *)job_pub;
	long status = 0;

	(void)pub;
	note_end(job, easy);
	if (result != CURLE_OK) {
		finish(job, JOB_FAIL_TRANSFER, "%s: %s", job->url,
		       job->errbuf[0] ? job->errbuf
		                      : curl_easy_strerror(result));
		return;
	}
	if (!easy || curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status) !=
	                 CURLE_OK) {
		finish(job, JOB_FAIL_TRANSFER, "%s: no response status",
		       job->url);
		return;
	}
	if (job->kind == JOB_LISTING
	        ? status < 200 || status > 299
	        : !check_status(&job->h->cfg.scn->check, status)) {
		finish(job, JOB_FAIL_STATUS, "%s: HTTP status %ld", job->url,
		       status);
		return;
	}
	if (job->kind == JOB_LISTING)
		read_listing(job);
	else
		check_target(job);
}

static void host_job_lost(struct concbench_host *pub, uint64_t index,
                          const char *reason)
{
	struct host *h = host_of(pub);
	unsigned kind;
	uint64_t number;
	const char *text;

	/* A lost listing adds nothing more: the discovery ends with it. */
	if (jobs_record_lost(h->jobs, index, reason) &&
	    jobs_added(h->jobs, index, &kind, &number, &text) == 0 &&
	    kind == JOB_LISTING)
		discovery_listing_end(h->jobs);
}

/* ---- options and logging ----------------------------------------------- */

static int host_option_int(struct concbench_host *pub, const char *name,
                           int64_t *value)
{
	const struct option_value *o =
	    strategy_option(host_of(pub)->cfg.spec, name);

	if (!o || o->decl->type == CONCBENCH_OPT_STRING)
		return -1;
	*value = o->number;
	return 0;
}

static const char *host_option_string(struct concbench_host *pub,
                                      const char *name)
{
	const struct option_value *o =
	    strategy_option(host_of(pub)->cfg.spec, name);

	if (!o || o->decl->type != CONCBENCH_OPT_STRING)
		return NULL;
	return o->text;
}

static void host_log(struct concbench_host *pub, enum concbench_log_level level,
                     const char *fmt, ...) CB_PRINTF(3, 4);

static void host_log(struct concbench_host *pub, enum concbench_log_level level,
                     const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info",
	                                    "debug"};
	char line[1024];
	va_list ap;
	int used;

	if ((level == CONCBENCH_LOG_WARN && diag_quiet) ||
	    (level == CONCBENCH_LOG_INFO && diag_verbose < 1) ||
	    (level >= CONCBENCH_LOG_DEBUG && diag_verbose < 2))
		return;
	if ((unsigned)level > CONCBENCH_LOG_DEBUG)
		level = CONCBENCH_LOG_DEBUG;
	used = snprintf(line, sizeof(line),
	                "concbench: %s: %s: ", pub->strategy, names[level]);
	va_start(ap, fmt);
	vsnprintf(line + used, sizeof(line) - (size_t)used, fmt, ap);
	va_end(ap);
	/* One write per line, so lines of threads do not interleave. */
	fprintf(stderr, "%s\n", line);
}

/* ---- the host ---------------------------------------------------------- */

struct host *host_new(const struct host_config *cfg, char *err, size_t errlen)
{
	const struct scenario *scn = cfg->scn;
	struct host *h = calloc(1, sizeof(*h));
	uint64_t extra = 0;
	size_t text_bytes = 0;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->cfg = *cfg;
	if (scn->has_discover)
		discovery_table_shape(&scn->discover, &extra, &text_bytes);
	h->jobs = jobs_create_dynamic(cfg->urls, extra, text_bytes);
	if (!h->jobs) {
		snprintf(err, errlen, "cannot map the job table: %s",
		         strerror(errno));
		free(h);
		return NULL;
	}
	if (request_maker_init(&h->req, scn, cfg->base_url, cfg->no_proxy, err,
	                       errlen) < 0) {
		jobs_destroy(h->jobs);
		free(h);
		return NULL;
	}
	if (check_init(&h->check, &scn->check, err, errlen) < 0) {
		request_maker_free(&h->req);
		jobs_destroy(h->jobs);
		free(h);
		return NULL;
	}
	h->pub.size = sizeof(h->pub);
	h->pub.abi_major = CONCBENCH_ABI_MAJOR;
	h->pub.strategy = cfg->spec->label;
	h->pub.concurrency = cfg->concurrency;
	/* Discovered jobs are not known in advance: 0 says so. */
	h->pub.jobs_hint = scn->has_discover ? 0 : cfg->urls;
	h->pub.timeout_ms = (long)scn->timeout_ms;
	h->pub.next_job = host_next_job;
	h->pub.easy = host_easy;
	h->pub.done = host_done;
	h->pub.option_int = host_option_int;
	h->pub.option_string = host_option_string;
	h->pub.log = host_log;
	h->pub.host_private = h;
	h->pub.job_lost = host_job_lost;
	return h;
}

void host_free(struct host *h)
{
	if (!h)
		return;
	check_free(&h->check);
	request_maker_free(&h->req);
	jobs_destroy(h->jobs);
	free(h);
}

struct concbench_host *host_services(struct host *h)
{
	return &h->pub;
}

void host_loop_begin(struct host *h)
{
	jobs_reset(h->jobs);
	if (h->cfg.scn->has_discover)
		discovery_loop_begin(h->jobs);
	if (h->cfg.progress) {
		atomic_store(&h->cfg.progress->done, 0);
		atomic_store(&h->cfg.progress->jobs, jobs_count(h->jobs));
	}
}

void host_loop_tally(struct host *h, struct loop_tally *out)
{
	jobs_tally(h->jobs, out);
}

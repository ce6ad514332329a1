/*
 * fetch: the host services a plugin calls (struct concbench_host): jobs
 * with their URLs, curl easy handles configured the same way for every
 * strategy, result classification and recording, options and logging.
 */
#include "config.h"

#include "fetch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* A job as the host sees it; the plugin sees only `pub`. */
struct host_job {
	struct concbench_job pub;
	uint64_t bytes;
	char errbuf[CURL_ERROR_SIZE];
	char url[];
};

static struct fetch_setup *setup_of(struct concbench_host *host)
{
	return host->host_private;
}

static struct host_job *job_new(struct fetch_setup *fs, uint64_t index)
{
	char small[512];
	size_t len = urlset_format(fs->urls, fs->base_url, index, small,
	                           sizeof(small));
	struct host_job *job = malloc(sizeof(*job) + len + 1);

	if (!job)
		return NULL;
	memset(job, 0, sizeof(*job));
	if (len < sizeof(small))
		memcpy(job->url, small, len + 1);
	else
		urlset_format(fs->urls, fs->base_url, index, job->url, len + 1);
	job->pub.index = index;
	job->pub.url = job->url;
	return job;
}

static enum concbench_next host_next_job(struct concbench_host *host,
                                         unsigned flags,
                                         struct concbench_job **out)
{
	struct fetch_setup *fs = setup_of(host);
	struct host_job *job;
	uint64_t index;

	/*
	 * The URL sets of this version are static, so there is never a job
	 * to wait for and CONCBENCH_NEXT_WAIT changes nothing.
	 */
	(void)flags;
	*out = NULL;
	while (jobs_claim(fs->jobs, &index) == 0) {
		job = job_new(fs, index);
		if (job) {
			*out = &job->pub;
			return CONCBENCH_NEXT_JOB;
		}
		jobs_record(fs->jobs, index, 0, "out of memory for a job");
	}
	return CONCBENCH_NEXT_DONE;
}

static size_t count_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct host_job *job = userp;
	(void)data;
	job->bytes += size * nmemb;
	return size * nmemb;
}

static void record(struct fetch_setup *fs, struct host_job *job,
                   const char *error)
{
	jobs_record(fs->jobs, job->pub.index, job->bytes, error);
	free(job);
}

static void fail_job(struct fetch_setup *fs, struct host_job *job,
                     const char *fmt, ...)
{
	char msg[JOBS_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	record(fs, job, msg);
}

static CURL *host_easy(struct concbench_host *host, struct concbench_job *pub,
                       CURL *reuse)
{
	struct fetch_setup *fs = setup_of(host);
	struct host_job *job = (struct host_job *)pub;
	CURL *easy = reuse;
	CURLcode rc = CURLE_OK;

	if (easy)
		curl_easy_reset(easy);
	else
		easy = curl_easy_init();
	if (!easy) {
		fail_job(fs, job, "%s: cannot create a curl handle", job->url);
		return NULL;
	}
#define SET(opt, val)                                                       \
	do {                                                                \
		if (rc == CURLE_OK)                                         \
			rc = curl_easy_setopt(easy, opt, val);              \
	} while (0)
	SET(CURLOPT_URL, &job->url[0]);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)fs->timeout_ms);
	SET(CURLOPT_USERAGENT, FETCH_USER_AGENT);
	/*
	 * HTTP/1.1 for every strategy: HTTP/2 would let a multi handle
	 * multiplex streams on one connection while blocking handles cannot,
	 * and the comparison would no longer be about the strategy.
	 */
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_WRITEFUNCTION, count_body);
	SET(CURLOPT_WRITEDATA, job);
	SET(CURLOPT_ERRORBUFFER, job->errbuf);
	/* The embedded server is on loopback: never through a proxy. */
	if (fs->urls->relative)
		SET(CURLOPT_NOPROXY, "*");
#undef SET
	if (rc != CURLE_OK) {
		fail_job(fs, job, "%s: cannot configure a curl handle: %s",
		         job->url, curl_easy_strerror(rc));
		if (!reuse)
			curl_easy_cleanup(easy);
		return NULL;
	}
	return easy;
}

static void host_done(struct concbench_host *host, struct concbench_job *pub,
                      CURL *easy, CURLcode result)
{
	struct fetch_setup *fs = setup_of(host);
	struct host_job *job = (struct host_job *)pub;
	long status = 0;

	if (result != CURLE_OK) {
		fail_job(fs, job, "%s: %s", job->url,
		         job->errbuf[0] ? job->errbuf
		                        : curl_easy_strerror(result));
		return;
	}
	if (!easy ||
	    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status) !=
	        CURLE_OK) {
		fail_job(fs, job, "%s: no response status", job->url);
		return;
	}
	if (status < 200 || status > 299) {
		fail_job(fs, job, "%s: HTTP status %ld", job->url, status);
		return;
	}
	record(fs, job, NULL);
}

static void host_job_lost(struct concbench_host *host, uint64_t index,
                          const char *reason)
{
	jobs_record_lost(setup_of(host)->jobs, index, reason);
}

static int host_option_int(struct concbench_host *host, const char *name,
                           int64_t *value)
{
	const struct option_value *o =
	    strategy_option(setup_of(host)->spec, name);

	if (!o || o->decl->type == CONCBENCH_OPT_STRING)
		return -1;
	*value = o->number;
	return 0;
}

static const char *host_option_string(struct concbench_host *host,
                                      const char *name)
{
	const struct option_value *o =
	    strategy_option(setup_of(host)->spec, name);

	if (!o || o->decl->type != CONCBENCH_OPT_STRING)
		return NULL;
	return o->text;
}

static void host_log(struct concbench_host *host,
                     enum concbench_log_level level, const char *fmt, ...)
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
	used = snprintf(line, sizeof(line), "concbench: %s: %s: ",
	                host->strategy, names[level]);
	va_start(ap, fmt);
	vsnprintf(line + used, sizeof(line) - (size_t)used, fmt, ap);
	va_end(ap);
	/* One write per line, so lines of threads do not interleave. */
	fprintf(stderr, "%s\n", line);
}

void fetch_host_init(struct concbench_host *host, struct fetch_setup *setup)
{
	memset(host, 0, sizeof(*host));
	host->size = sizeof(*host);
	host->abi_major = CONCBENCH_ABI_MAJOR;
	host->strategy = setup->spec->label;
	host->concurrency = setup->concurrency;
	host->jobs_hint = jobs_count(setup->jobs);
	host->timeout_ms = (long)setup->timeout_ms;
	host->next_job = host_next_job;
	host->easy = host_easy;
	host->done = host_done;
	host->option_int = host_option_int;
	host->option_string = host_option_string;
	host->log = host_log;
	host->host_private = setup;
	host->job_lost = host_job_lost;
}

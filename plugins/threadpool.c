/* SPDX-License-Identifier: MIT */
/*
 * threadpool: C long-lived worker threads, each with its own blocking easy
 * handle reused from job to job (so its connection stays alive), pulling
 * jobs from the host until there are none left.
 *
 * The seed it stands for: concurrent.futures.ThreadPoolExecutor with C
 * workers mapping a fetch function over the URLs (seeds 000 and 004).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <concbench/plugin.h>

struct pool {
	struct concbench_host *host;
	atomic_int failed; /* the strategy itself broke */
};

static void *worker_main(void *arg)
{
	struct pool *p = arg;
	struct concbench_host *host = p->host;
	struct concbench_job *job;
	enum concbench_next r;
	CURL *easy = NULL, *e;

	/* An idle worker has nothing in flight: it may always wait. */
	while ((r = host->next_job(host, CONCBENCH_NEXT_WAIT, &job)) !=
	       CONCBENCH_NEXT_DONE) {
		if (r != CONCBENCH_NEXT_JOB) {
			host->log(
			    host, CONCBENCH_LOG_ERROR,
			    "next_job answered NONE_NOW to a waiting call");
			atomic_store(&p->failed, 1);
			break;
		}
		e = host->easy(host, job, easy);
		if (!e)
			continue; /* failed and released; easy is ours */
		easy = e;
		host->done(host, job, easy, curl_easy_perform(easy));
	}
	curl_easy_cleanup(easy); /* NULL is fine */
	return NULL;
}

/* C workers, but no more than there are jobs to give them. */
static unsigned pool_size(const struct concbench_host *host)
{
	uint64_t n = host->concurrency ? host->concurrency : 1;

	if (host->jobs_hint && host->jobs_hint < n) /* 0: not known */
		n = host->jobs_hint;
	return (unsigned)n;
}

static int threadpool_run(struct concbench_host *host, void *state)
{
	struct pool p = {.host = host};
	unsigned n = pool_size(host), started, i;
	pthread_t *tids;
	int err = 0;

	(void)state;
	atomic_init(&p.failed, 0);
	tids = calloc(n, sizeof(*tids));
	if (!tids) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "out of memory for %u workers", n);
		return -1;
	}
	for (started = 0; started < n; started++) {
		err = pthread_create(&tids[started], NULL, worker_main, &p);
		if (err != 0)
			break;
	}
	/* Fewer workers only lower the concurrency; none is a failure. */
	if (started < n)
		host->log(host,
		          started ? CONCBENCH_LOG_WARN : CONCBENCH_LOG_ERROR,
		          "could start only %u of %u workers: %s", started, n,
		          strerror(err));
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	return started && !atomic_load(&p.failed) ? 0 : -1;
}

static const struct concbench_plugin threadpool_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "threadpool",
    .summary = "C worker threads, each with a reused blocking easy handle, "
               "pulling jobs until done",
    .options = NULL,
    .init = NULL,
    .run = threadpool_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(threadpool_plugin)

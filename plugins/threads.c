/* SPDX-License-Identifier: MIT */
/*
 * threads: a new OS thread per URL, at most C of them alive at once. Each
 * thread makes a new blocking easy handle (so a new connection), does one
 * transfer, reports it and exits; the main thread claims the jobs, starts
 * the threads and joins them.
 *
 * The seed it stands for: a Thread per URL gated by a Semaphore of C
 * (seed 002), and the basic threading version of seed 004.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <concbench/plugin.h>

/*
 * A blocking transfer needs little stack; the default (8 MiB) costs a
 * fresh mapping per thread, since glibc caches only about 40 MiB of
 * stacks for reuse, where 256 KiB stacks are mostly reused.
 */
#define STACK_BYTES (256 * 1024)

struct crew;

/* One thread, one job. Freed by the main thread once it has joined it. */
struct worker {
	struct crew *crew;
	struct concbench_job *job;
	pthread_t tid;
	struct worker *next; /* on crew->finished */
};

struct crew {
	struct concbench_host *host;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a thread finished */
	/*
	 * The semaphore: slots taken, by threads alive or by the main
	 * thread about to start one. Never more than the limit.
	 */
	unsigned taken;
	struct worker *finished; /* finished, waiting to be joined */
	int warned;              /* said that threads could not start */
	pthread_attr_t attr;     /* of every thread started */
};

/* The whole life of one job: a fresh handle, one blocking transfer. */
static void fetch_one(struct concbench_host *host, struct concbench_job *job)
{
	CURL *easy = host->easy(host, job, NULL);

	if (!easy)
		return; /* the host recorded the job as failed */
	host->done(host, job, easy, curl_easy_perform(easy));
	curl_easy_cleanup(easy);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct crew *c = w->crew;

	fetch_one(c->host, w->job);
	/* Give the slot back and ask the main thread to join us. */
	pthread_mutex_lock(&c->lock);
	w->next = c->finished;
	c->finished = w;
	c->taken--;
	pthread_cond_signal(&c->changed);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Join the threads that said they finished; they are on their way out. */
static void join_all(struct worker *w)
{
	struct worker *next;

	for (; w; w = next) {
		next = w->next;
		pthread_join(w->tid, NULL);
		free(w);
	}
}

/*
 * Wait until fewer than `limit` (>= 1) slots are taken, take all the free
 * ones, and the list of finished threads. Returns how many were free;
 * *busy says how many threads held the others then.
 */
static unsigned take_slots(struct crew *c, unsigned limit, unsigned *busy,
                           struct worker **finished)
{
	unsigned n;

	pthread_mutex_lock(&c->lock);
	while (c->taken >= limit)
		pthread_cond_wait(&c->changed, &c->lock);
	*busy = c->taken;
	n = limit - c->taken;
	c->taken = limit;
	*finished = c->finished;
	c->finished = NULL;
	pthread_mutex_unlock(&c->lock);
	return n;
}

static void give_back(struct crew *c, unsigned n)
{
	if (!n)
		return;
	pthread_mutex_lock(&c->lock);
	c->taken -= n;
	pthread_mutex_unlock(&c->lock);
}

/* After NONE_NOW: wait until a thread finishes (it may add jobs). */
static void wait_for_a_finish(struct crew *c)
{
	pthread_mutex_lock(&c->lock);
	while (!c->finished && c->taken > 0)
		pthread_cond_wait(&c->changed, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

/*
 * Start a thread for job on a slot already taken; if no thread can be
 * started, fetch the job here, on the main thread, and free the slot.
 */
static void start(struct crew *c, struct concbench_job *job)
{
	struct concbench_host *host = c->host;
	struct worker *w = malloc(sizeof(*w));
	int err = -1;

	if (w) {
		w->crew = c;
		w->job = job;
		w->next = NULL;
		err = pthread_create(&w->tid, &c->attr, worker_main, w);
		if (err == 0)
			return;
		free(w);
	}
	if (!c->warned) {
		host->log(host, CONCBENCH_LOG_WARN,
		          "cannot start a thread (%s); fetching on the main "
		          "thread",
		          err < 0 ? "out of memory" : strerror(err));
		c->warned = 1;
	}
	fetch_one(host, job);
	give_back(c, 1);
}

static int threads_run(struct concbench_host *host, void *state)
{
	struct crew c = {0};
	unsigned limit = host->concurrency ? host->concurrency : 1;
	unsigned free_slots, busy, used;
	struct concbench_job *job;
	struct worker *finished;
	enum concbench_next r = CONCBENCH_NEXT_JOB;
	int ret = 0;

	(void)state;
	c.host = host;
	if (pthread_mutex_init(&c.lock, NULL) != 0)
		return -1;
	if (pthread_cond_init(&c.changed, NULL) != 0) {
		pthread_mutex_destroy(&c.lock);
		return -1;
	}
	pthread_attr_init(&c.attr);
	pthread_attr_setstacksize(&c.attr, STACK_BYTES);

	while (r != CONCBENCH_NEXT_DONE) {
		/* The semaphore: a slot is taken before a job is claimed. */
		free_slots = take_slots(&c, limit, &busy, &finished);
		for (used = 0; used < free_slots; used++) {
			/* With nothing in flight only the host can make a
			 * job appear: let it block. */
			unsigned flags = busy + used ? 0 : CONCBENCH_NEXT_WAIT;

			r = host->next_job(host, flags, &job);
			if (r != CONCBENCH_NEXT_JOB)
				break;
			start(&c, job);
		}
		give_back(&c, free_slots - used);
		/*
		 * Join only now: a thread that gave its slot back is still
		 * on its way out, and joining it first would hold up the
		 * threads that take its place.
		 */
		join_all(finished);
		if (r != CONCBENCH_NEXT_NONE_NOW)
			continue;
		if (!busy && !used) {
			host->log(
			    host, CONCBENCH_LOG_ERROR,
			    "next_job answered NONE_NOW to a waiting call");
			ret = -1;
			break;
		}
		wait_for_a_finish(&c);
	}

	/* No thread of ours may outlive run(). */
	take_slots(&c, 1, &busy, &finished);
	join_all(finished);
	pthread_attr_destroy(&c.attr);
	pthread_cond_destroy(&c.changed);
	pthread_mutex_destroy(&c.lock);
	return ret;
}

static const struct concbench_plugin threads_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "threads",
    .summary = "a new thread and a new blocking easy handle per URL, at "
               "most C threads alive",
    .options = NULL,
    .init = NULL,
    .run = threads_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(threads_plugin)

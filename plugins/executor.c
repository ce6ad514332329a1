/* SPDX-License-Identifier: MIT */
/*
 * executor: one thread runs a libevent loop that owns the job source and
 * hands each blocking transfer to a pool of up to C worker threads, each
 * with its own reused easy handle driven by curl_easy_perform(). Workers
 * queue what they finished and wake the loop through a pipe; the loop
 * reports each result and only then gives that worker its next job.
 * Threads are started as the first jobs are handed out, min(C, jobs) of
 * them, and each leaves as soon as the job source is exhausted.
 *
 * The seed it stands for: seed 003's executor_download.py, asyncio with
 * requests run in an Executor (loop.run_in_executor): a blocking HTTP
 * library on a thread pool, its results learned through the event loop.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* pipe, fcntl, poll under -std=c11 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#include <concbench/plugin.h>

struct pool;

/*
 * One worker thread. `lock` and `cond` guard its mailbox (`job`, `stop`).
 * `easy`, `ran` and `result` are written by the worker while it holds a
 * job and read by the loop only after it took the worker off the
 * completion queue: the queue's lock orders the two, and the mailbox lock
 * orders the loop's done() before the worker's next reset of `easy`.
 */
struct worker {
	struct pool *pool;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct concbench_job *job; /* mailbox: the job to run, or NULL */
	int stop;                  /* mailbox: leave once idle */

	CURL *easy;                /* reused for every job */
	struct concbench_job *ran; /* to report; NULL: easy() failed */
	CURLcode result;

	struct worker *next; /* every worker, for the cleanup */
	struct worker *link; /* completion queue or idle list */
	int retired;         /* loop only: told to stop */
};

struct pool {
	struct concbench_host *host;
	struct event_base *base;
	struct event *wake; /* EV_READ on wake_rd */
	int wake_rd, wake_wr;

	pthread_mutex_t qlock;          /* for the queue, q_signalled */
	struct worker *q_head, *q_tail; /* finished, not yet reported */
	int q_signalled;                /* a wake byte is (being) written */

	/* The rest belongs to the loop thread alone. */
	struct worker *workers;
	struct worker *idle;
	struct concbench_job *pending; /* claimed, awaits a worker */
	unsigned nworkers;
	unsigned limit;     /* C, or less: threads ran out */
	unsigned in_flight; /* handed out and not yet reported */
	int exhausted;      /* next_job() answered DONE */
	int failed;         /* the strategy itself broke */
};

/* ---- worker side ------------------------------------------------ */

static void wake_loop(struct pool *p)
{
	static const char byte = 1;
	ssize_t n;

	do
		n = write(p->wake_wr, &byte, 1);
	while (n < 0 && errno == EINTR);
	/* EAGAIN means the pipe is full of unread bytes: the loop wakes
	 * anyway, and takes the whole queue when it does. */
}

/* Queue w as finished; only the push that finds no wake pending writes. */
static void complete(struct pool *p, struct worker *w)
{
	int kick;

	w->link = NULL;
	pthread_mutex_lock(&p->qlock);
	if (p->q_tail)
		p->q_tail->link = w;
	else
		p->q_head = w;
	p->q_tail = w;
	kick = !p->q_signalled;
	p->q_signalled = 1;
	pthread_mutex_unlock(&p->qlock);
	if (kick)
		wake_loop(p);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct concbench_host *host = w->pool->host;
	struct concbench_job *job;
	CURL *easy;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->job && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		job = w->job;
		w->job = NULL;
		pthread_mutex_unlock(&w->lock);
		if (!job)
			break; /* stop: nothing more will come */
		/*
		 * The loop reported our previous job before it handed us
		 * this one, so host->done() is through with the handle and
		 * easy() may reset it. Configuring here rather than on the
		 * loop keeps the loop thread's work per job small.
		 */
		easy = host->easy(host, job, w->easy);
		if (easy) {
			w->easy = easy;
			w->result = curl_easy_perform(easy);
			w->ran = job;
		} else {
			w->ran = NULL; /* the host recorded it */
		}
		complete(w->pool, w);
	}
	/* Closing the connection here overlaps with the transfers other
	 * workers still run, instead of adding to the loop's teardown. */
	if (w->easy)
		curl_easy_cleanup(w->easy);
	w->easy = NULL;
	return NULL;
}

/* ---- loop side -------------------------------------------------- */

/* Only for a joined worker, or one whose thread never started. */
static void worker_free(struct worker *w)
{
	if (w->easy)
		curl_easy_cleanup(w->easy);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/*
 * Start a worker that runs `job` first. The job is in its mailbox before
 * the thread exists (pthread_create orders the two), so the worker needs
 * no wake-up for it. NULL if no thread can be started; the job is then
 * still the caller's.
 */
static struct worker *spawn(struct pool *p, struct concbench_job *job)
{
	struct concbench_host *host = p->host;
	struct worker *w = calloc(1, sizeof(*w));
	int err;

	if (!w) {
		host->log(host, CONCBENCH_LOG_WARN,
		          "out of memory for worker %u", p->nworkers + 1);
		return NULL;
	}
	w->pool = p;
	w->job = job;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(w);
		return NULL;
	}
	if (pthread_cond_init(&w->cond, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	err = pthread_create(&w->thread, NULL, worker_main, w);
	if (err) {
		host->log(host, CONCBENCH_LOG_WARN,
		          "cannot start worker thread %u: %s", p->nworkers + 1,
		          strerror(err));
		w->job = NULL;
		worker_free(w);
		return NULL;
	}
	w->next = p->workers;
	p->workers = w;
	p->nworkers++;
	return w;
}

/* LIFO: the worker that just finished is the warmest one. */
static void idle_put(struct pool *p, struct worker *w)
{
	w->link = p->idle;
	p->idle = w;
}

/* Signal under the lock: it measured no slower in the lag case, and race
 * detectors (helgrind) then have nothing to flag. */
static void hand(struct worker *w, struct concbench_job *job)
{
	pthread_mutex_lock(&w->lock);
	w->job = job;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void retire(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	w->retired = 1;
}

/*
 * Report a claimed job that no thread can run, as the strategy's own
 * failure: it never had a transfer, so no handle either.
 */
static void fail_job(struct pool *p, struct concbench_job *job)
{
	struct concbench_host *host = p->host;

	host->done(host, job, NULL, CURLE_FAILED_INIT);
}

/* The next job to hand out: 0 and *job set, or -1 if there is none now. */
static int claim(struct pool *p, struct concbench_job **job)
{
	struct concbench_host *host = p->host;
	enum concbench_next r;

	if (p->pending) {
		*job = p->pending;
		p->pending = NULL;
		return 0;
	}
	if (p->exhausted)
		return -1;
	r = host->next_job(host, 0, job);
	/* Nothing in flight (finished but unreported jobs count as in
	 * flight) can make new jobs appear: let the host block. */
	if (r == CONCBENCH_NEXT_NONE_NOW && p->in_flight == 0)
		r = host->next_job(host, CONCBENCH_NEXT_WAIT, job);
	if (r == CONCBENCH_NEXT_JOB)
		return 0;
	if (r == CONCBENCH_NEXT_DONE) {
		p->exhausted = 1;
	} else if (p->in_flight == 0) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "next_job answered NONE_NOW to a waiting call");
		p->failed = 1;
	}
	return -1;
}

/*
 * Hand out jobs until C are in flight or the source has nothing for now,
 * to idle workers first, else to a new one: a thread is started only for
 * a job in hand, so there are never more than min(C, jobs). Returns with
 * at least one job in flight, or with the source exhausted, or failed:
 * never with an idle pool that still has work.
 */
static void fill(struct pool *p)
{
	struct concbench_host *host = p->host;
	struct concbench_job *job;
	struct worker *w;

	while (!p->failed && p->in_flight < p->limit) {
		if (claim(p, &job) < 0)
			break;
		if ((w = p->idle)) {
			p->idle = w->link;
			hand(w, job);
		} else if (!(w = spawn(p, job))) {
			/* No idle worker means every worker is busy: the
			 * job waits for the first one back, and C shrinks to
			 * the threads there are. With none, it cannot run. */
			if (p->nworkers > 0) {
				p->pending = job;
				p->limit = p->nworkers;
				break;
			}
			host->log(host, CONCBENCH_LOG_ERROR,
			          "no worker thread to run a job on");
			fail_job(p, job);
			p->failed = 1;
			break;
		}
		p->in_flight++;
	}
	/* Once the source is exhausted an idle worker has nothing left to
	 * do: let it close its connection and leave while others work. */
	if (p->exhausted && !p->pending) {
		while ((w = p->idle)) {
			p->idle = w->link;
			retire(w);
		}
	}
}

/*
 * The pipe is readable: take every finished job, report it, and refill
 * after each one, since a report may be what makes new jobs appear.
 */
static void on_wake(evutil_socket_t fd, short kind, void *arg)
{
	struct pool *p = arg;
	struct concbench_host *host = p->host;
	struct worker *w, *next;
	char buf[256];
	ssize_t n;

	(void)kind;
	/* Drain before taking the queue: a byte written after the take
	 * must stay, or a worker that found q_signalled clear would be
	 * left unseen. At worst it wakes us once for nothing. */
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));

	pthread_mutex_lock(&p->qlock);
	w = p->q_head;
	p->q_head = p->q_tail = NULL;
	p->q_signalled = 0;
	pthread_mutex_unlock(&p->qlock);

	for (; w; w = next) {
		next = w->link;
		p->in_flight--;
		if (w->ran)
			host->done(host, w->ran, w->easy, w->result);
		w->ran = NULL;
		idle_put(p, w);
		fill(p);
	}
	if (p->in_flight == 0)
		event_base_loopbreak(p->base);
}

/*
 * Only reached when the event loop broke down (p->failed is set, so no
 * new job is handed out). The workers' transfers are real and the workers
 * use p, so wait for each and report it before run() may return. A failing
 * poll() only makes this spin: on_wake() takes the queue all the same, and
 * every transfer ends within the request timeout.
 */
static void drain_without_loop(struct pool *p)
{
	struct pollfd pfd = {.fd = p->wake_rd, .events = POLLIN};

	while (p->in_flight > 0) {
		(void)poll(&pfd, 1, -1);
		on_wake(p->wake_rd, EV_READ, p);
	}
}

static int set_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Everything the loop needs but the workers; on failure frees what it made. */
static int pool_open(struct pool *p)
{
	struct concbench_host *host = p->host;
	int fds[2];

	/* A pipe rather than an eventfd: POSIX, and one wake byte per batch
	 * of completions costs nothing either way. */
	if (pipe(fds) < 0) {
		host->log(host, CONCBENCH_LOG_ERROR, "pipe: %s",
		          strerror(errno));
		return -1;
	}
	p->wake_rd = fds[0];
	p->wake_wr = fds[1];
	if (set_flags(p->wake_rd) < 0 || set_flags(p->wake_wr) < 0) {
		host->log(host, CONCBENCH_LOG_ERROR, "fcntl: %s",
		          strerror(errno));
		goto close_pipe;
	}
	/*
	 * A plain base: this loop sets no timers, only waits for the pipe,
	 * so the coarse clock that eventloop.c avoids with
	 * EVENT_BASE_FLAG_PRECISE_TIMER does not delay anything here.
	 */
	p->base = event_base_new();
	if (!p->base) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "cannot create an event base");
		goto close_pipe;
	}
	p->wake =
	    event_new(p->base, p->wake_rd, EV_READ | EV_PERSIST, on_wake, p);
	if (!p->wake || event_add(p->wake, NULL) != 0) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "cannot watch the wake pipe");
		goto free_base;
	}
	if (pthread_mutex_init(&p->qlock, NULL) != 0) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "pthread_mutex_init failed");
		goto free_base;
	}
	return 0;

free_base:
	if (p->wake)
		event_free(p->wake);
	event_base_free(p->base);
close_pipe:
	close(p->wake_rd);
	close(p->wake_wr);
	return -1;
}

/* Stop and join every worker (all idle by now), then free it all. */
static void pool_close(struct pool *p)
{
	struct worker *w, *next;

	for (w = p->workers; w; w = w->next)
		if (!w->retired)
			retire(w);
	for (w = p->workers; w; w = next) {
		next = w->next;
		pthread_join(w->thread, NULL);
		worker_free(w);
	}
	pthread_mutex_destroy(&p->qlock);
	event_free(p->wake);
	event_base_free(p->base);
	close(p->wake_rd);
	close(p->wake_wr);
}

static int executor_run(struct concbench_host *host, void *state)
{
	struct pool p = {0};
	int r;

	(void)state;
	p.host = host;
	p.limit = host->concurrency ? host->concurrency : 1;
	if (pool_open(&p) < 0)
		return -1;

	/* jobs_hint is only a hint: fill() starts a thread per job handed
	 * out while fewer than C exist, so a burst of discovered jobs gets
	 * its threads too. */
	fill(&p);
	while (p.in_flight > 0) {
		r = event_base_dispatch(p.base);
		if (r != 0 && p.in_flight > 0) {
			host->log(host, CONCBENCH_LOG_ERROR,
			          "event loop stopped with %u jobs in flight",
			          p.in_flight);
			p.failed = 1;
			drain_without_loop(&p);
		}
	}
	/* Only a failure leaves a job waiting for a worker. */
	if (p.pending) {
		fail_job(&p, p.pending);
		p.pending = NULL;
	}

	pool_close(&p);
	return p.failed ? -1 : 0;
}

static const struct concbench_plugin executor_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "executor",
    .summary = "a libevent loop handing blocking transfers to a pool of "
               "C threads, each with a reused easy handle",
    .options = NULL,
    .init = NULL,
    .run = executor_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(executor_plugin)

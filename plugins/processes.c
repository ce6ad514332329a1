/* SPDX-License-Identifier: MIT */
/*
 * processes: C forked worker processes, each with its own blocking easy
 * handle reused from job to job, pulling jobs from the host until there
 * are none left. Claims and results cross the process boundary through
 * the host's shared job table; the parent only forks and reaps.
 *
 * The seed it stands for: multiprocessing.Pool(C).map(fetch, urls)
 * (seed 002).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, strsignal: beyond strict C11 */
#endif
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include <concbench/plugin.h>

#define NO_JOB UINT64_MAX

/*
 * Shared between the parent and its workers. A job object lives in the
 * worker that claimed it, so if that worker dies, the parent can only
 * name the job by its index: each worker posts here the job it holds.
 */
struct board {
	size_t mapped;
	atomic_int failed;          /* a worker's strategy broke */
	_Atomic uint64_t current[]; /* per worker: job in hand, or NO_JOB */
};

static struct board *board_new(unsigned workers)
{
	size_t size =
	    sizeof(struct board) + (size_t)workers * sizeof(_Atomic uint64_t);
	struct board *b;
	unsigned i;

	b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	         -1, 0);
	if (b == MAP_FAILED)
		return NULL;
	b->mapped = size;
	atomic_init(&b->failed, 0);
	for (i = 0; i < workers; i++)
		atomic_init(&b->current[i], NO_JOB);
	return b;
}

/* A worker process: never returns into the host. */
static _Noreturn void worker_main(struct concbench_host *host, struct board *b,
                                  unsigned slot)
{
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
			atomic_store(&b->failed, 1);
			break;
		}
		/* A death before this store would leave the job missing
		 * rather than failed: keep the window this narrow. */
		atomic_store(&b->current[slot], job->index);
		e = host->easy(host, job, easy);
		if (e) {
			easy = e;
			host->done(host, job, easy, curl_easy_perform(easy));
		}
		/* Reported (or failed by easy()): no longer ours to lose. */
		atomic_store(&b->current[slot], NO_JOB);
	}
	curl_easy_cleanup(easy); /* NULL is fine */
	/* _exit: the parent's stdio buffers and atexit handlers are not ours */
	_exit(0);
}

/* C workers, but no more than there are jobs to give them. */
static unsigned pool_size(const struct concbench_host *host)
{
	uint64_t n = host->concurrency ? host->concurrency : 1;

	if (host->jobs_hint && host->jobs_hint < n) /* 0: not known */
		n = host->jobs_hint;
	return (unsigned)n;
}

/*
 * Reap worker `slot`. If it died, say so and fail the job it held.
 * Returns 1 if it ended normally, 0 if not.
 */
static int reap(struct concbench_host *host, struct board *b, unsigned slot,
                pid_t pid, int *warned)
{
	char why[96], name[64] = "";
	uint64_t held;
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno == EINTR)
			continue;
		/*
		 * Reaped by someone else (SIGCHLD ignored: then waitpid
		 * returns only once every child is gone). Only its board
		 * slot tells how it ended.
		 */
		if (!*warned)
			host->log(host, CONCBENCH_LOG_WARN, "waitpid(%d): %s",
			          (int)pid, strerror(errno));
		*warned = 1;
		status = 0;
		break;
	}
	held = atomic_load(&b->current[slot]);
	if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why),
		         "worker %d died: killed by signal %d", (int)pid,
		         WTERMSIG(status));
		snprintf(name, sizeof(name), " (%s)",
		         strsignal(WTERMSIG(status)));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		snprintf(why, sizeof(why),
		         "worker %d died: exited with status %d", (int)pid,
		         WEXITSTATUS(status));
	} else if (held != NO_JOB) {
		snprintf(why, sizeof(why), "worker %d died", (int)pid);
	} else {
		return 1;
	}
	if (held == NO_JOB) {
		host->log(host, CONCBENCH_LOG_ERROR, "%s%s", why, name);
		return 0;
	}
	host->log(host, CONCBENCH_LOG_ERROR,
	          "%s%s; its job %llu counts as failed", why, name,
	          (unsigned long long)held);
	host->job_lost(host, held, why);
	return 0;
}

/*
 * After a worker died. Workers leave only when the source is exhausted,
 * or by dying: if they all died, what none of them claimed is failed
 * here, not left missing. A worker may also have died between claiming a
 * job and posting it on the board: every job known at the start that has
 * no result is failed too (job_lost leaves reported ones alone).
 */
static void fail_leftovers(struct concbench_host *host)
{
	struct concbench_job *job;
	uint64_t n = 0, i;

	while (host->next_job(host, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		n++;
		host->done(host, job, NULL, CURLE_ABORTED_BY_CALLBACK);
	}
	if (n)
		host->log(host, CONCBENCH_LOG_ERROR,
		          "no worker left: %llu jobs abandoned",
		          (unsigned long long)n);
	for (i = 0; i < host->jobs_hint; i++)
		host->job_lost(host, i, "claimed by a worker that died");
}

static int processes_run(struct concbench_host *host, void *state)
{
	unsigned n = pool_size(host), started, i, dead = 0;
	struct board *b;
	pid_t *pids, pid;
	int ret = 0, warned = 0;

	(void)state;
	pids = calloc(n, sizeof(*pids));
	b = board_new(n);
	if (!pids || !b) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "out of memory for %u workers", n);
		free(pids);
		if (b)
			munmap(b, b->mapped);
		return -1;
	}
	/*
	 * No fflush() before fork(): workers leave with _exit() and never
	 * write out the stdio buffers they inherit.
	 */
	for (started = 0; started < n; started++) {
		pid = fork();
		if (pid < 0) {
			/* Fewer workers only lower the concurrency; none is
			 * a failure. */
			host->log(host,
			          started ? CONCBENCH_LOG_WARN
			                  : CONCBENCH_LOG_ERROR,
			          "could start only %u of %u workers: fork: %s",
			          started, n, strerror(errno));
			break;
		}
		if (pid == 0)
			worker_main(host, b, started);
		pids[started] = pid;
	}
	/* Reap them all, whatever happens to some of them. */
	for (i = 0; i < started; i++)
		dead += !reap(host, b, i, pids[i], &warned);
	if (started == 0 || atomic_load(&b->failed))
		ret = -1;
	else if (dead)
		fail_leftovers(host);
	munmap(b, b->mapped);
	free(pids);
	return ret;
}

static const struct concbench_plugin processes_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "processes",
    .summary = "C forked worker processes, each with a reused blocking "
               "easy handle, pulling jobs until done",
    .options = NULL,
    .init = NULL,
    .run = processes_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(processes_plugin)

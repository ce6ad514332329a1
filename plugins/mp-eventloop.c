/* SPDX-License-Identifier: MIT */
/*
 * mp-eventloop: P forked worker processes, each running the event loop of
 * evloop.c over its share of the concurrency C (C/P each, the remainder
 * spread one by one). Every worker claims jobs from the host's shared job
 * source until it is exhausted, so the shares balance themselves: a
 * worker that happens to be faster simply takes more jobs.
 *
 * The seed it stands for: seed 004's multiprocessing + asyncio (a Pool of
 * processes, each running asyncio over a chunk of the URLs).
 *
 * This file owns the processes: how many, their shares, forking, reaping,
 * and accounting for the jobs of a worker that dies.
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

#include <concbench/plugin.h>

#include "evloop.h"

/* A worker's exit status when its engine broke (it logged why). */
#define WORKER_BROKE 3

static const struct concbench_option mp_options[] = {
    {"processes", CONCBENCH_OPT_INT, NULL, 1, 1024,
     "worker processes, each running the event loop on its share of C "
     "(default: the number of online CPUs)"},
    {NULL, 0, NULL, 0, 0, NULL}};

struct worker {
	pid_t pid;
	unsigned share;          /* its part of C */
	_Atomic uint64_t *track; /* share entries, in shared memory */
};

/* How many workers: asked for (or one per CPU), but no idle ones. */
static unsigned count_workers(struct concbench_host *host, unsigned c)
{
	uint64_t p;
	int64_t opt;
	long cpus;

	if (host->option_int(host, "processes", &opt) == 0) {
		p = (uint64_t)opt;
	} else {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		p = cpus > 0 ? (uint64_t)cpus : 1;
	}
	/* A worker with no share of C, or with no job to take, would only
	 * cost a fork. */
	if (p > c)
		p = c;
	if (host->jobs_hint && p > host->jobs_hint) /* 0: not known */
		p = host->jobs_hint;
	return p ? (unsigned)p : 1;
}

/*
 * Record what a dead worker had claimed and not reported. Returns 1 if it
 * died inside next_job(), where the job it may have claimed is unknown.
 */
static int account_dead(struct concbench_host *host, const struct worker *w,
                        const char *reason)
{
	unsigned i, lost = 0;
	int claiming = 0;
	uint64_t v;

	for (i = 0; i < w->share; i++) {
		v = atomic_load(&w->track[i]);
		if (v == EVLOOP_CLAIMING) {
			claiming = 1;
		} else if (v != EVLOOP_IDLE) {
			/* Does nothing if the worker reported it after all. */
			host->job_lost(host, v - 1, reason);
			lost++;
		}
	}
	host->log(host, CONCBENCH_LOG_ERROR,
	          "%s; %u job%s in flight counted "
	          "as failed%s",
	          reason, lost, lost == 1 ? "" : "s",
	          claiming ? ", and the one it was claiming" : "");
	return claiming;
}

/*
 * Wait for one worker. Returns 0 if it finished, 1 if its engine broke,
 * 2 if it died (its jobs are then accounted for), 3 if it died claiming.
 */
static int reap(struct concbench_host *host, const struct worker *w)
{
	char reason[160];
	int status;

	while (waitpid(w->pid, &status, 0) < 0) {
		if (errno == EINTR)
			continue;
		snprintf(reason, sizeof(reason), "worker %ld lost: waitpid: %s",
		         (long)w->pid, strerror(errno));
		return account_dead(host, w, reason) ? 3 : 2;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_BROKE)
		return 1;
	if (WIFSIGNALED(status))
		snprintf(reason, sizeof(reason),
		         "worker %ld died: killed by signal %d (%s)",
		         (long)w->pid, WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else
		snprintf(reason, sizeof(reason),
		         "worker %ld died: exit status %d", (long)w->pid,
		         WEXITSTATUS(status));
	return account_dead(host, w, reason) ? 3 : 2;
}

static int mp_run(struct concbench_host *host, void *state)
{
	unsigned c = host->concurrency ? host->concurrency : 1;
	unsigned p = count_workers(host, c);
	unsigned i, started, finished = 0;
	_Atomic uint64_t *track;
	struct worker *w;
	int broke = 0, claiming = 0;
	size_t size;
	uint64_t j;

	(void)state;
	w = calloc(p, sizeof(*w));
	if (!w) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "out of memory for workers");
		return -1;
	}
	/*
	 * One track entry per unit of C, made before fork so that the parent
	 * sees what each worker has in flight even after a SIGKILL. A
	 * worker never has more in flight than its share.
	 */
	size = (size_t)c * sizeof(*track);
	track = mmap(NULL, size, PROT_READ | PROT_WRITE,
	             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (track == MAP_FAILED) {
		host->log(host, CONCBENCH_LOG_ERROR, "mmap: %s",
		          strerror(errno));
		free(w);
		return -1;
	}
	for (i = 0, j = 0; i < p; i++) {
		w[i].share = c / p + (i < c % p);
		w[i].track = track + j;
		j += w[i].share;
	}

	host->log(host, CONCBENCH_LOG_INFO,
	          "%u worker%s, %u to %u transfers "
	          "in flight each",
	          p, p == 1 ? "" : "s", w[p - 1].share, w[0].share);
	for (started = 0; started < p; started++) {
		w[started].pid = fork();
		if (w[started].pid < 0) {
			host->log(host, CONCBENCH_LOG_ERROR,
			          "fork: %s; going on with %u of %u workers",
			          strerror(errno), started, p);
			break;
		}
		if (w[started].pid == 0) {
			int r = evloop_fetch(host, w[started].share, 0,
			                     w[started].track);
			/* _exit: the parent's atexit handlers and stdio
			 * buffers are the parent's, not this worker's. */
			_exit(r == 0 ? 0 : WORKER_BROKE);
		}
	}

	for (i = 0; i < started; i++) {
		switch (reap(host, &w[i])) {
		case 0:
			finished++;
			break;
		case 1:
			broke = 1;
			break;
		case 3:
			claiming = 1;
			break;
		default:
			break;
		}
	}
	/*
	 * A worker killed inside next_job() may have claimed a job nobody
	 * knows of. Every worker is reaped now, so any job still unreported
	 * died with it: mark all of them (job_lost skips reported ones).
	 */
	if (claiming)
		for (j = 0; j < host->jobs_hint; j++)
			host->job_lost(host, j,
			               "claimed by a worker that died "
			               "before it could record which job");

	munmap(track, size);
	free(w);
	if (started == 0)
		return -1;
	if (finished == 0 && !broke) {
		/* Nobody was left to claim the rest: jobs are missing. */
		host->log(host, CONCBENCH_LOG_ERROR, "every worker died");
		return -1;
	}
	return broke ? -1 : 0;
}

static const struct concbench_plugin mp_eventloop_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "mp-eventloop",
    .summary = "P processes (default: one per CPU), each running the "
               "event loop on its share of C",
    .options = mp_options,
    .init = NULL,
    .run = mp_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(mp_eventloop_plugin)

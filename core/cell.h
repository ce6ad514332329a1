/* SPDX-License-Identifier: MIT */
/*
 * cell: the measurement of one cell in a fresh child process: R repeats of
 * L loops of the strategy over the host, each loop checked for
 * exactly-once completion and timed (run() as a whole, its set-up and
 * tear-down, its CPU), every request's latency recorded, the memory of the
 * child's process tree sampled by the parent over time, and the result of
 * it all.
 */
#ifndef CB_CELL_H
#define CB_CELL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"
#include "jobs.h"
#include "serverconf.h"
#include "stats.h"

struct cell;
struct histogram;
struct mem_sample;
struct plan;

/* One repeat's figures, each per loop of the repeat. */
struct repeat_result {
	double seconds; /* run() of a loop: times[r] */
	/* CPU of the process and of the children it reaped */
	double cpu_user_s, cpu_sys_s;
	double setup_s;     /* run() to the first easy(); NAN: none */
	double teardown_s;  /* the last done() to run()'s end; NAN */
	double connections; /* new connections */
	double ctx_voluntary, ctx_involuntary; /* context switches */
	double requests;                       /* results reported */
};

#define CELL_STATUS_MAX (DIAG_ERR_MAX + 256)

struct cell_result {
	int ok;                       /* every loop of every repeat was clean */
	int ran;                      /* the cell was started */
	char status[CELL_STATUS_MAX]; /* "ok", or why not */
	double *times; /* seconds per loop, one per repeat done */
	size_t repeats_done;
	struct summary summary; /* of times */
	uint64_t requests_ok, requests_failed, bytes;
	uint64_t failures[JOB_FAIL_KINDS]; /* requests_failed, by kind */
	uint64_t jobs_per_loop;            /* jobs of the last loop measured */
	uint64_t matches_per_loop; /* check.match's count in that loop */
	uint64_t peak_rss;         /* bytes, child and its descendants */
	int has_server_stats;      /* the embedded server's view of the cell */
	struct server_stats server;
	/* The embedded server's threads' time on a CPU and waiting for one,
	 * summed over the run() of every loop of the repeats done, as the
	 * measurement process read them around each; with has_server_loops. */
	int has_server_loops;
	uint64_t server_loops_ran_ns, server_loops_waited_ns;
	/* The server's CPU over the cell's loops, as a fraction of its
	 * threads' capacity, and its CPU plus its wait for a CPU (what it
	 * wanted); meaningful only with has_server_stats. */
	double server_cpu_fraction, server_busy_fraction;
	struct repeat_result *repeats; /* repeats_done of them, like times */
	size_t best;                   /* the repeat of summary.best */
	/* Every request's latency from easy() to done(), by outcome; NULL
	 * if there was none. */
	struct histogram *latency_ok, *latency_failed;
	/* Memory over time, its largest sample peak_rss: seconds since
	 * start_unix (since the epoch), sampled every memory_interval_ms or
	 * a little more. */
	struct mem_sample *memory;
	size_t memory_len;
	double start_unix;
	unsigned memory_interval_ms;
};

/* How far a cell is, as its parent sees it while it runs. */
struct cell_progress {
	unsigned repeat, loop; /* 0-based */
	uint64_t done, jobs;   /* results of the loop, of the jobs so far */
};

/* Where a cell runs: what changes from cell to cell of a plan. */
struct cell_env {
	const char *base_url; /* where relative URLs go, or NULL */
	int no_proxy;         /* they go to the embedded server */
	/* CPUs the embedded server is pinned to (serverconf.h), which the
	 * measurement process leaves to it; 0: none. */
	uint64_t server_cpus;
	pid_t server_pid; /* the embedded server's process; 0: none */
	double deadline;  /* on clock_now()'s clock; 0: none */
	/* Nonzero (a signal number) stops the cell at once. */
	const volatile sig_atomic_t *stop;
	/* Told how far the cell is, every 10 ms or so; may be NULL. */
	void (*progress)(void *arg, const struct cell_progress *p);
	void *progress_arg;
};

/* How a measurement ended. */
enum cell_end {
	CELL_MEASURED, /* res says whether it was ok */
	CELL_REFUSED,  /* never started: res->status says why */
	CELL_LATE,     /* stopped when env->deadline passed */
	CELL_STOPPED   /* stopped by *env->stop */
};

/* Measure one cell of plan into res. The child and its descendants are
 * gone whatever the end. */
enum cell_end cell_measure(const struct plan *plan, const struct cell *cell,
                           const struct cell_env *env, struct cell_result *res);
void cell_result_free(struct cell_result *res);

#endif

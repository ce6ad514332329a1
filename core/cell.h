/* SPDX-License-Identifier: MIT */
/*
 * cell: the measurement of one cell in a fresh child process: R repeats of
 * L loops of the strategy over the host, each loop checked for
 * exactly-once completion, with the peak memory of the child's process
 * tree sampled by the parent, and the result of it all.
 */
#ifndef CB_CELL_H
#define CB_CELL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "jobs.h"
#include "serverconf.h"
#include "stats.h"

struct cell;
struct plan;

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
};

/* Where a cell runs: what changes from cell to cell of a plan. */
struct cell_env {
	const char *base_url; /* where relative URLs go, or NULL */
	int no_proxy;         /* they go to the embedded server */
	double deadline;      /* on cell_now()'s clock; 0: none */
	/* Nonzero (a signal number) stops the cell at once. */
	const volatile sig_atomic_t *stop;
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

/* Seconds on the clock deadlines and timings are read on (monotonic). */
double cell_now(void);

#endif

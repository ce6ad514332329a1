/* SPDX-License-Identifier: MIT */
/*
 * runner: the plan (strategies x url counts x concurrencies) and the
 * measurement of each cell in a fresh child process: R repeats of L loops,
 * each loop checked for exactly-once completion, with the peak memory of
 * the child's process tree sampled by the parent.
 */
#ifndef CB_RUNNER_H
#define CB_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "jobs.h"
#include "loader.h"
#include "scenario.h"
#include "serverconf.h"
#include "stats.h"

struct cell {
	size_t latency; /* index into the scenario's latencies */
	struct strategy_spec *spec;
	const struct plugin *plugin;
	uint64_t urls;
	unsigned concurrency;
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
};

struct run_config {
	const struct scenario *scn;
	unsigned repeat, loops;
	const char *base_url; /* for relative URLs, or NULL */
	unsigned server_port; /* the embedded server's, or 0 */
	double deadline;      /* CLOCK_MONOTONIC seconds; 0: none */
};

/* Seconds on the clock run_config.deadline is read against. */
double runner_now(void);

/* The cells in run order: server latency, url count, concurrency, then
 * strategy. */
struct cell *runner_plan(const struct scenario *scn,
                         struct strategy_spec *specs,
                         const struct plugin *plugins, size_t nstrat,
                         size_t *ncells);

/*
 * Measure one cell. Returns 0 (res says whether it was ok), 1 when the
 * deadline passed while it ran, or -1 when a signal from
 * runner_catch_signals() interrupted it; the child and its descendants
 * are gone in every case.
 */
int runner_run_cell(const struct run_config *cfg, const struct cell *cell,
                    struct cell_result *res);
void cell_result_free(struct cell_result *res);

/* Catch SIGINT, SIGTERM and SIGHUP; runner_interrupted() tells which. */
void runner_catch_signals(void);
int runner_interrupted(void);

#endif

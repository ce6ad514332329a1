/* SPDX-License-Identifier: MIT */
/*
 * runner: carries out a plan. It owns the run: the embedded server (one
 * per server latency, restarted when the latency changes), the reset and
 * reading of its statistics around each cell, one measurement per cell
 * (cell.h), the run's deadline and the signals that stop it; each cell is
 * handed to a sink (the report) as it starts and when it is done.
 */
#ifndef CB_RUNNER_H
#define CB_RUNNER_H

#include <stddef.h>

#include "cell.h"
#include "diag.h"
#include "plan.h"

/* Who hears of the cells, in plan order. */
struct run_sink {
	void *arg;
	void (*cell_begin)(void *arg, const struct plan *plan, size_t i);
	void (*cell_end)(void *arg, const struct plan *plan, size_t i,
	                 const struct cell_result *res);
	/* How far cell i is, while it runs. */
	void (*cell_progress)(void *arg, const struct plan *plan, size_t i,
	                      const struct cell_progress *p);
};

enum run_end {
	RUN_COMPLETE,    /* every cell measured (each ok or not) */
	RUN_DEADLINE,    /* the deadline stopped a cell; later ones not run */
	RUN_INTERRUPTED, /* SIGINT, SIGTERM or SIGHUP stopped a cell */
	RUN_BROKEN       /* the run could not go on: outcome.error says why */
};

struct run_outcome {
	enum run_end end;
	size_t measured; /* cells measured to their end */
	int any_failed;  /* a cell that ran was not ok */
	int signal;      /* the signal of RUN_INTERRUPTED */
	char error[DIAG_ERR_MAX];
};

/*
 * Run every cell of plan into results (plan->ncells of them, each freed
 * with cell_result_free() after), telling sink (whose callbacks may be
 * NULL) of each. Cells after a deadline get the status "not run: ..." and
 * are told to the sink too; cells after an interruption or a breakdown are
 * left zeroed (ran is 0). SIGINT, SIGTERM and SIGHUP are caught from the
 * start of the run on. Every server and measurement process is gone when
 * it returns.
 */
void runner_run(const struct plan *plan, struct cell_result *results,
                const struct run_sink *sink, struct run_outcome *out);

#endif

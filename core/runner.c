/* SPDX-License-Identifier: MIT */
/*
 * runner: carries out a plan: the embedded server, its statistics, one
 * measurement per cell, the deadline and the signals.
 */
#include "config.h"

#include "runner.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "latency.h"
#include "scenario.h"
#include "serverproc.h"
#include "statsclient.h"

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
	caught_signal = sig;
}

static void catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the wait for a cell must wake up at once */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* What changes while the run goes on. */
struct run_state {
	const struct plan *plan;
	const struct run_sink *sink;
	size_t cell; /* the one running */
	struct server_process server;
	size_t server_latency; /* what the running server serves */
	char base_url[64];
	struct cell_env env;
};

/* The embedded server for the cell's latency: (re)started if need be. */
static int serve(struct run_state *st, const struct cell *cell, char *err,
                 size_t errlen)
{
	const struct plan *plan = st->plan;
	struct server_config cfg;
	char why[DIAG_ERR_MAX / 2];

	if (!plan_serves(plan))
		return 0;
	if (st->server.pid && st->server_latency == cell->latency)
		return 0;
	serverproc_stop(&st->server);
	cfg = plan->scn->server;
	cfg.latency = *plan_latency(plan, cell);
	if (serverproc_spawn(&cfg, &st->server, why, sizeof(why)) < 0) {
		snprintf(err, errlen,
		         "%s: cannot start the embedded server: %s",
		         plan->scn->path, why);
		return -1;
	}
	st->server_latency = cell->latency;
	snprintf(st->base_url, sizeof(st->base_url), "http://127.0.0.1:%u",
	         st->server.port);
	st->env.base_url = st->base_url;
	st->env.no_proxy = 1;
	st->env.server_cpus = cfg.cpus;
	st->env.server_pid = st->server.pid;
	return 0;
}

/*
 * How busy the server was, per thread: its CPU, and its wait for a CPU,
 * over the time the cell's loops ran, both read by the measurement
 * process around each loop. Between loops the server has nothing to do;
 * counting that time would hide a saturation. Counting, over the loops
 * alone, what the server did between them (answering the statistics,
 * waiting while the measurement process forks) would make a short cell
 * look saturated: a cell of 7 requests of 2 ms read 0.48 so. Without
 * those readings, the server's own figures since the reset before the
 * cell, over the whole cell.
 */
static void server_busy(const struct plan *plan, struct cell_result *res,
                        double cell_s)
{
	const struct server_stats *sv = &res->server;
	double loops_s = 0, window_s, ran_s, waited_s;
	unsigned r;

	for (r = 0; res->times && r < res->repeats_done; r++)
		loops_s += res->times[r] * plan->loops;
	if (res->has_server_loops && loops_s > 0) {
		window_s = loops_s;
		ran_s = (double)res->server_loops_ran_ns * 1e-9;
		waited_s = (double)res->server_loops_waited_ns * 1e-9;
	} else {
		window_s = cell_s;
		ran_s = (double)sv->cpu_us * 1e-6;
		waited_s = (double)sv->run_delay_us * 1e-6;
	}
	if (!(window_s > 0) || !sv->threads)
		return;
	res->server_cpu_fraction = ran_s / (window_s * sv->threads);
	res->server_busy_fraction =
	    (ran_s + waited_s) / (window_s * sv->threads);
}

/* One cell, with the server's view of it when the server runs. */
static enum cell_end measure(struct run_state *st, const struct cell *cell,
                             struct cell_result *res)
{
	unsigned port = st->server.pid ? st->server.port : 0;
	char err[DIAG_ERR_MAX];
	enum cell_end end;
	double t0;

	/* The server's counters then describe this cell alone. */
	if (port && statsclient_reset(port, err, sizeof(err)) < 0)
		diag_warn("cannot reset the server's statistics: %s", err);
	t0 = clock_now();
	end = cell_measure(st->plan, cell, &st->env, res);
	if (!port || end == CELL_REFUSED || end == CELL_STOPPED)
		return end;
	res->has_server_stats =
	    statsclient_read(port, &res->server, err, sizeof(err)) == 0;
	if (!res->has_server_stats)
		diag_warn("cannot read the server's statistics: %s", err);
	else
		server_busy(st->plan, res, clock_now() - t0);
	return end;
}

static void on_progress(void *arg, const struct cell_progress *p)
{
	struct run_state *st = arg;

	st->sink->cell_progress(st->sink->arg, st->plan, st->cell, p);
}

void runner_run(const struct plan *plan, struct cell_result *results,
                const struct run_sink *sink, struct run_outcome *out)
{
	struct run_state st;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.plan = plan;
	st.env.base_url = plan->base_url;
	st.env.stop = &caught_signal;
	st.sink = sink;
	if (sink && sink->cell_progress) {
		st.env.progress = on_progress;
		st.env.progress_arg = &st;
	}
	if (plan->deadline_s)
		st.env.deadline = clock_now() + plan->deadline_s;
	caught_signal = 0;
	catch_signals();
	out->end = RUN_COMPLETE;
	for (i = 0; i < plan->ncells && out->end == RUN_COMPLETE; i++) {
		const struct cell *cell = &plan->cells[i];
		enum cell_end end;

		if (serve(&st, cell, out->error, sizeof(out->error)) < 0) {
			out->end = RUN_BROKEN;
			break;
		}
		st.cell = i;
		if (sink && sink->cell_begin)
			sink->cell_begin(sink->arg, plan, i);
		end = measure(&st, cell, &results[i]);
		if (end == CELL_STOPPED) {
			out->end = RUN_INTERRUPTED;
			out->signal = caught_signal;
			break;
		}
		if (end == CELL_LATE)
			out->end = RUN_DEADLINE;
		else
			out->measured++;
		if (!results[i].ok)
			out->any_failed = 1;
		if (sink && sink->cell_end)
			sink->cell_end(sink->arg, plan, i, &results[i]);
	}
	/* Cells the deadline left out say so, like the others. */
	for (; out->end == RUN_DEADLINE && i < plan->ncells; i++) {
		snprintf(results[i].status, sizeof(results[i].status),
		         "not run: the run's deadline passed");
		if (sink && sink->cell_end)
			sink->cell_end(sink->arg, plan, i, &results[i]);
	}
	serverproc_stop(&st.server);
}

/* SPDX-License-Identifier: MIT */
/*
 * plan: the cells of a run, in the order they run: server latency, URL
 * count, concurrency, then strategy; and the settings every cell shares
 * (repeats, loops, the run's deadline, where relative URLs go).
 *
 * Latencies are the embedded server's: they are a dimension of the plan
 * only when the scenario's URLs go to the embedded server. This is the one
 * place that rule is applied; everyone else asks plan_latency().
 */
#ifndef CB_PLAN_H
#define CB_PLAN_H

#include <stddef.h>
#include <stdint.h>

struct latency_spec;
struct plugin;
struct scenario;
struct strategy_set;
struct strategy_spec;

struct cell {
	size_t latency; /* index into plan->latencies; 0 without them */
	const struct strategy_spec *spec;
	const struct plugin *plugin;
	uint64_t urls; /* 0 with discovered URLs */
	unsigned concurrency;
};

/* What the command line sets over the scenario; 0: as the scenario says. */
struct plan_options {
	unsigned repeat, loops, deadline_s;
};

struct plan {
	const struct scenario *scn;
	struct cell *cells;
	size_t ncells;
	/* The embedded server's latencies, one pass of the other dimensions
	 * per latency; NULL (and 0) when the embedded server does not run. */
	const struct latency_spec *latencies;
	size_t nlatencies;
	unsigned repeat, loops;
	unsigned deadline_s; /* 0: none */
	/* Where relative URLs go when the embedded server does not serve
	 * them: the scenario's base_url, or NULL. */
	const char *base_url;
};

/* The plan of scn over the strategies of set. 0, or -1 if out of memory.
 * scn and set must outlive the plan. */
int plan_make(struct plan *plan, const struct scenario *scn,
              const struct strategy_set *set, const struct plan_options *o);
void plan_free(struct plan *plan);

/* Whether the embedded server runs for the plan. */
int plan_serves(const struct plan *plan);
/* The server latency a cell is measured at; NULL without the server. */
const struct latency_spec *plan_latency(const struct plan *plan,
                                        const struct cell *cell);
/* Whether cells differ in latency (the scenario lists several). */
int plan_latency_varies(const struct plan *plan);

/*
 * The ideal makespan of a loop of the cell, in seconds: ceil(urls /
 * concurrency) x the latency, when every request waits the same fixed
 * latency of the embedded server (no route of its own, URLs known in
 * advance); -1 where it is not defined.
 */
double plan_ideal(const struct plan *plan, const struct cell *cell);

#endif

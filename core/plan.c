/* SPDX-License-Identifier: MIT */
/*
 * plan: the cells of a run, in the order they run, and the settings every
 * cell shares.
 */
#include "config.h"

#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "latency.h"
#include "scenario.h"
#include "strategy.h"

int plan_make(struct plan *plan, const struct scenario *scn,
              const struct strategy_set *set, const struct plan_options *o)
{
	int serves = scenario_uses_server(scn);
	size_t nlat = serves ? scn->latency_len : 1;
	size_t lat, u, c, s, k = 0;

	memset(plan, 0, sizeof(*plan));
	plan->scn = scn;
	plan->repeat = o->repeat ? o->repeat : scn->repeat;
	plan->loops = o->loops ? o->loops : scn->loops;
	plan->deadline_s = o->deadline_s ? o->deadline_s : scn->deadline_s;
	plan->base_url = serves ? NULL : scn->base_url;
	if (serves) {
		plan->latencies = scn->latencies;
		plan->nlatencies = scn->latency_len;
	}
	plan->ncells =
	    nlat * scn->url_count_len * scn->concurrency_len * set->len;
	plan->cells =
	    calloc(plan->ncells ? plan->ncells : 1, sizeof(*plan->cells));
	if (!plan->cells)
		return -1;
	for (lat = 0; lat < nlat; lat++)
		for (u = 0; u < scn->url_count_len; u++)
			for (c = 0; c < scn->concurrency_len; c++)
				for (s = 0; s < set->len; s++) {
					struct cell *cell = &plan->cells[k++];

					cell->latency = lat;
					cell->spec = &set->specs[s];
					cell->plugin = &set->plugins[s];
					cell->urls = scn->url_counts[u];
					cell->concurrency = scn->concurrency[c];
				}
	return 0;
}

void plan_free(struct plan *plan)
{
	free(plan->cells);
	memset(plan, 0, sizeof(*plan));
}

int plan_serves(const struct plan *plan)
{
	return plan->latencies != NULL;
}

const struct latency_spec *plan_latency(const struct plan *plan,
                                        const struct cell *cell)
{
	return plan->latencies ? &plan->latencies[cell->latency] : NULL;
}

int plan_latency_varies(const struct plan *plan)
{
	return plan->nlatencies > 1;
}

double plan_ideal(const struct plan *plan, const struct cell *cell)
{
	const struct latency_spec *lat = plan_latency(plan, cell);
	const struct server_config *cfg = &plan->scn->server;
	uint64_t waves;
	int r;

	if (!lat || lat->model != LATENCY_FIXED || plan->scn->has_discover ||
	    cell->urls == 0 || cell->concurrency == 0)
		return -1;
	for (r = 0; r < ROUTE_COUNT; r++)
		if (cfg->route_latency_set[r])
			return -1;
	waves = (cell->urls + cell->concurrency - 1) / cell->concurrency;
	return (double)waves * lat->ms / 1000.0;
}

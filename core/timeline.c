/* SPDX-License-Identifier: MIT */
/*
 * timeline: a cell's memory over time, bounded to TIMELINE_MAX samples
 * that keep the peak.
 */
#include "config.h"

#include "timeline.h"

#include <string.h>

void timeline_init(struct timeline *tl)
{
	tl->len = 0;
	tl->group = 1;
	tl->pending = 0;
}

static void keep(struct timeline *tl, struct mem_sample s)
{
	size_t i;

	if (tl->len == TIMELINE_MAX) {
		for (i = 0; i < TIMELINE_MAX / 2; i++) {
			const struct mem_sample *a = &tl->samples[2 * i];
			const struct mem_sample *b = &tl->samples[2 * i + 1];

			tl->samples[i] = b->bytes > a->bytes ? *b : *a;
		}
		tl->len = TIMELINE_MAX / 2;
		tl->group *= 2;
	}
	tl->samples[tl->len++] = s;
}

void timeline_add(struct timeline *tl, double t_s, uint64_t bytes)
{
	struct mem_sample s = {t_s, bytes};

	if (tl->pending == 0 || bytes > tl->held.bytes)
		tl->held = s;
	if (++tl->pending < tl->group)
		return;
	tl->pending = 0;
	keep(tl, tl->held);
}

void timeline_finish(struct timeline *tl)
{
	if (tl->pending) {
		tl->pending = 0;
		keep(tl, tl->held);
	}
}

uint64_t timeline_peak(const struct timeline *tl)
{
	uint64_t peak = 0;
	size_t i;

	for (i = 0; i < tl->len; i++)
		if (tl->samples[i].bytes > peak)
			peak = tl->samples[i].bytes;
	return peak;
}

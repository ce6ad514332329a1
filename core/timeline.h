/* SPDX-License-Identifier: MIT */
/*
 * timeline: a cell's memory over time, as the parent samples it: at most
 * TIMELINE_MAX samples of (seconds since the cell started, bytes), however
 * long the cell runs. When it is full, neighbouring samples are merged in
 * pairs, each pair keeping its larger sample, and later samples are taken
 * in groups of as many, so the samples stay evenly spread and the peak is
 * never lost.
 */
#ifndef CB_TIMELINE_H
#define CB_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#define TIMELINE_MAX 4000

struct mem_sample {
	double t_s;
	uint64_t bytes;
};

struct timeline {
	struct mem_sample samples[TIMELINE_MAX];
	size_t len;
	size_t group;           /* samples merged into each kept one */
	size_t pending;         /* of the group being taken */
	struct mem_sample held; /* the largest of the group so far */
};

void timeline_init(struct timeline *tl);
void timeline_add(struct timeline *tl, double t_s, uint64_t bytes);
/* Keep the partial group's sample too: after the last timeline_add(). */
void timeline_finish(struct timeline *tl);
/* The largest sample's bytes; 0 if none. */
uint64_t timeline_peak(const struct timeline *tl);

#endif

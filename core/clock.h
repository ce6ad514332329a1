/* SPDX-License-Identifier: MIT */
/*
 * clock: the one clock concbench times with: CLOCK_MONOTONIC, which is
 * the same in every process of the machine, so a worker forked by a
 * strategy and the measurement process read the same time.
 */
#ifndef CB_CLOCK_H
#define CB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Seconds, for deadlines and timings. */
static inline double clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif

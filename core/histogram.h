/* SPDX-License-Identifier: MIT */
/*
 * histogram: a log-linear histogram of durations in microseconds, in
 * HdrHistogram's layout: values below 256 us each have a slot of their
 * own; above, each power of two [2^k, 2^(k+1)) is split into 128 linear
 * sub-buckets, so every slot is narrower than 1/128 of its values (better
 * than 2 significant digits) from 1 us to 1 hour. Its memory is fixed
 * (about 26 KiB, whatever the number of values) and it lives in shared
 * memory as it is: threads and forked processes record into one with
 * atomic additions, and histograms merge exactly by adding their counts.
 */
#ifndef CB_HISTOGRAM_H
#define CB_HISTOGRAM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* The range recorded; values outside it are clamped into it. */
#define HISTOGRAM_MIN_US 1u
#define HISTOGRAM_MAX_US UINT64_C(3600000000)

/* 256 sub-buckets a power of two, 25 powers: 256 << 24 > 1 hour in us. */
#define HISTOGRAM_SUB_BITS 8
#define HISTOGRAM_BUCKETS 25
#define HISTOGRAM_SLOTS ((HISTOGRAM_BUCKETS + 1) << (HISTOGRAM_SUB_BITS - 1))

struct histogram {
	_Atomic uint64_t count;
	_Atomic uint64_t sum_us;
	_Atomic uint64_t min_us; /* UINT64_MAX while empty */
	_Atomic uint64_t max_us;
	_Atomic uint64_t clamped; /* values that were out of range */
	_Atomic uint64_t slots[HISTOGRAM_SLOTS];
};

void histogram_clear(struct histogram *h);
/* Record one value (from any thread or process sharing h). */
void histogram_record(struct histogram *h, uint64_t us);
/* Add src's values to dst. */
void histogram_merge(struct histogram *dst, const struct histogram *src);

uint64_t histogram_count(const struct histogram *h);
/* Exact, of the values as clamped; 0 when empty. */
uint64_t histogram_min(const struct histogram *h);
uint64_t histogram_max(const struct histogram *h);
double histogram_mean(const struct histogram *h);

/*
 * The value at percentile p (0 to 100) in microseconds: the value of rank
 * ceil(p/100 x count), found in its slot by linear interpolation over the
 * slot's range, and never outside [min, max]. 0 when empty.
 */
double histogram_percentile(const struct histogram *h, double p);

/* The slot a value goes to, and the range of values a slot holds. */
size_t histogram_slot(uint64_t us);
uint64_t histogram_slot_lowest(size_t slot);
uint64_t histogram_slot_highest(size_t slot);

/* The first non-empty slot at or after `from`, or HISTOGRAM_SLOTS. */
size_t histogram_next(const struct histogram *h, size_t from);
uint64_t histogram_slot_count(const struct histogram *h, size_t slot);

#endif

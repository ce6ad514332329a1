/* SPDX-License-Identifier: MIT */
/*
 * histogram: a log-linear histogram of durations in microseconds, in
 * HdrHistogram's layout (histogram.h).
 */
#include "config.h"

#include "histogram.h"

#include <math.h>
#include <string.h>

#define SUB_COUNT (1u << HISTOGRAM_SUB_BITS)
#define SUB_HALF_BITS (HISTOGRAM_SUB_BITS - 1)
#define SUB_HALF (1u << SUB_HALF_BITS)

void histogram_clear(struct histogram *h)
{
	memset(h, 0, sizeof(*h));
	atomic_store(&h->min_us, UINT64_MAX);
}

size_t histogram_slot(uint64_t v)
{
	/* The bucket: how far v's top bit is above the sub-bucket range. */
	unsigned bits = 64 - (unsigned)__builtin_clzll(v | (SUB_COUNT - 1));
	unsigned bucket = bits - HISTOGRAM_SUB_BITS;

	return ((size_t)bucket << SUB_HALF_BITS) + (size_t)(v >> bucket);
}

uint64_t histogram_slot_lowest(size_t slot)
{
	unsigned bucket;

	if (slot < SUB_COUNT)
		return slot;
	bucket = (unsigned)(slot >> SUB_HALF_BITS) - 1;
	return (uint64_t)((slot & (SUB_HALF - 1)) + SUB_HALF) << bucket;
}

uint64_t histogram_slot_highest(size_t slot)
{
	unsigned bucket =
	    slot < SUB_COUNT ? 0 : (unsigned)(slot >> SUB_HALF_BITS) - 1;

	return histogram_slot_lowest(slot) + (UINT64_C(1) << bucket) - 1;
}

static void store_min(_Atomic uint64_t *at, uint64_t v)
{
	uint64_t was = atomic_load_explicit(at, memory_order_relaxed);

	while (v < was && !atomic_compare_exchange_weak(at, &was, v))
		;
}

static void store_max(_Atomic uint64_t *at, uint64_t v)
{
	uint64_t was = atomic_load_explicit(at, memory_order_relaxed);

	while (v > was && !atomic_compare_exchange_weak(at, &was, v))
		;
}

void histogram_record(struct histogram *h, uint64_t us)
{
	if (us < HISTOGRAM_MIN_US || us > HISTOGRAM_MAX_US) {
		us =
		    us < HISTOGRAM_MIN_US ? HISTOGRAM_MIN_US : HISTOGRAM_MAX_US;
		atomic_fetch_add_explicit(&h->clamped, 1, memory_order_relaxed);
	}
	atomic_fetch_add_explicit(&h->slots[histogram_slot(us)], 1,
	                          memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, us, memory_order_relaxed);
	store_min(&h->min_us, us);
	store_max(&h->max_us, us);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

void histogram_merge(struct histogram *dst, const struct histogram *src)
{
	size_t i;

	for (i = 0; i < HISTOGRAM_SLOTS; i++) {
		uint64_t n = atomic_load(&src->slots[i]);

		if (n)
			atomic_fetch_add(&dst->slots[i], n);
	}
	atomic_fetch_add(&dst->count, atomic_load(&src->count));
	atomic_fetch_add(&dst->sum_us, atomic_load(&src->sum_us));
	atomic_fetch_add(&dst->clamped, atomic_load(&src->clamped));
	store_min(&dst->min_us, atomic_load(&src->min_us));
	store_max(&dst->max_us, atomic_load(&src->max_us));
}

uint64_t histogram_count(const struct histogram *h)
{
	return atomic_load(&h->count);
}

uint64_t histogram_min(const struct histogram *h)
{
	return histogram_count(h) ? atomic_load(&h->min_us) : 0;
}

uint64_t histogram_max(const struct histogram *h)
{
	return atomic_load(&h->max_us);
}

double histogram_mean(const struct histogram *h)
{
	uint64_t n = histogram_count(h);

	return n ? (double)atomic_load(&h->sum_us) / (double)n : 0;
}

size_t histogram_next(const struct histogram *h, size_t from)
{
	while (from < HISTOGRAM_SLOTS && !atomic_load(&h->slots[from]))
		from++;
	return from;
}

uint64_t histogram_slot_count(const struct histogram *h, size_t slot)
{
	return slot < HISTOGRAM_SLOTS ? atomic_load(&h->slots[slot]) : 0;
}

double histogram_percentile(const struct histogram *h, double p)
{
	uint64_t n = histogram_count(h), rank, seen = 0;
	double lo, width, v;
	size_t s;

	if (n == 0)
		return 0;
	if (!(p > 0))
		return (double)histogram_min(h);
	if (p >= 100)
		return (double)histogram_max(h);
	rank = (uint64_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	for (s = histogram_next(h, 0); s < HISTOGRAM_SLOTS;
	     s = histogram_next(h, s + 1)) {
		uint64_t c = atomic_load(&h->slots[s]);

		if (seen + c >= rank) {
			/* The (rank - seen)-th of c values spread evenly over
			 * the slot's range, each taking the middle of its
			 * share. */
			lo = (double)histogram_slot_lowest(s);
			width = (double)(histogram_slot_highest(s) -
			                 histogram_slot_lowest(s) + 1);
			v = lo +
			    width * ((double)(rank - seen) - 0.5) / (double)c;
			if (width == 1)
				v = lo;
			if (v < (double)histogram_min(h))
				v = (double)histogram_min(h);
			if (v > (double)histogram_max(h))
				v = (double)histogram_max(h);
			return v;
		}
		seen += c;
	}
	return (double)histogram_max(h);
}

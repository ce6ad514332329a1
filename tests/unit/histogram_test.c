/* SPDX-License-Identifier: MIT */
/*
 * histogram_test: the latency histogram (core/histogram.c): every slot's
 * range and the values that map to it, exact counts, percentiles against
 * the exact ones of a sorted array of random values within the stated
 * precision, a merge equal to the histogram of the union, values out of
 * range clamped and counted, and recording from threads and a forked
 * process into one histogram in shared memory.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "histogram.h"
#include "mix.h"
#include "../tap.h"

static void test_slots(void)
{
	size_t s, bad = 0, gaps = 0, wide = 0;
	uint64_t v;

	for (s = 0; s < HISTOGRAM_SLOTS; s++) {
		uint64_t lo = histogram_slot_lowest(s);
		uint64_t hi = histogram_slot_highest(s);

		if (histogram_slot(lo) != s || histogram_slot(hi) != s)
			bad++;
		if (s + 1 < HISTOGRAM_SLOTS &&
		    histogram_slot_lowest(s + 1) != hi + 1)
			gaps++;
		/* 2 significant digits: a slot narrower than 1/128 of it */
		if (lo >= 256 && (hi - lo + 1) * 128 > lo)
			wide++;
	}
	is_int(bad, 0, "slots: each holds its lowest and highest values");
	is_int(gaps, 0, "slots: next to each other, no gaps");
	is_int(wide, 0, "slots: each narrower than 1/128 of its values");
	is_int(histogram_slot_lowest(256), 256, "slot 256 starts at 256 us");
	ok(histogram_slot(HISTOGRAM_MAX_US) < HISTOGRAM_SLOTS,
	   "slots: one hour fits");
	ok(sizeof(struct histogram) < 32 * 1024,
	   "fixed memory: %zu bytes, whatever the count",
	   sizeof(struct histogram));
	for (v = 1; v < 256; v++)
		if (histogram_slot_lowest(histogram_slot(v)) != v)
			bad++;
	is_int(bad, 0, "below 256 us every value has a slot of its own");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

#define N 20000

static void test_percentiles(void)
{
	static const double ps[] = {1, 10, 25, 50, 75, 90, 99, 99.9};
	static uint64_t v[N];
	struct histogram h;
	uint64_t sum = 0;
	size_t i, k;

	histogram_clear(&h);
	is_int(histogram_count(&h), 0, "empty: count 0");
	ok(histogram_percentile(&h, 50) == 0 && histogram_min(&h) == 0,
	   "empty: percentiles and min 0");
	for (i = 0; i < N; i++) {
		/* log-uniform from 100 us to 10 s: every magnitude */
		double u = (double)(mix64(i + 1) >> 11) / 9007199254740992.0;
		v[i] = (uint64_t)(100 * pow(1e5, u));
		histogram_record(&h, v[i]);
		sum += v[i];
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	is_int(histogram_count(&h), N, "count: exact");
	is_int(histogram_min(&h), v[0], "min: exact");
	is_int(histogram_max(&h), v[N - 1], "max: exact");
	ok(fabs(histogram_mean(&h) - (double)sum / N) < 1e-6 * sum,
	   "mean: exact");
	for (k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
		size_t rank = (size_t)ceil(ps[k] / 100 * N);
		double exact = (double)v[rank - 1];
		double got = histogram_percentile(&h, ps[k]);

		ok(fabs(got - exact) <= exact / 128 + 1,
		   "p%g: %.1f us against %.0f exactly, within 1/128", ps[k],
		   got, exact);
	}
	ok(histogram_percentile(&h, 0) == (double)v[0] &&
	       histogram_percentile(&h, 100) == (double)v[N - 1],
	   "p0 and p100 are min and max");
}

static void test_merge_and_clamp(void)
{
	struct histogram a, b, all;
	size_t i, differ = 0;

	histogram_clear(&a);
	histogram_clear(&b);
	histogram_clear(&all);
	for (i = 0; i < 5000; i++) {
		uint64_t x = 1 + mix64(i) % 2000000;

		histogram_record(i % 3 ? &a : &b, x);
		histogram_record(&all, x);
	}
	histogram_merge(&a, &b);
	for (i = 0; i < HISTOGRAM_SLOTS; i++)
		differ += histogram_slot_count(&a, i) !=
		          histogram_slot_count(&all, i);
	is_int(differ, 0, "merge: the same counts as the union's histogram");
	ok(histogram_count(&a) == histogram_count(&all) &&
	       histogram_min(&a) == histogram_min(&all) &&
	       histogram_max(&a) == histogram_max(&all) &&
	       histogram_mean(&a) == histogram_mean(&all),
	   "merge: count, min, max and mean too");

	histogram_clear(&a);
	histogram_record(&a, 0);
	histogram_record(&a, HISTOGRAM_MAX_US + 1);
	histogram_record(&a, UINT64_MAX);
	histogram_record(&a, 500);
	is_int(histogram_count(&a), 4, "clamp: every value counted");
	is_int(atomic_load(&a.clamped), 3, "clamp: three were out of range");
	is_int(histogram_min(&a), HISTOGRAM_MIN_US, "clamp: 0 counts as 1 us");
	ok(histogram_max(&a) == HISTOGRAM_MAX_US, "clamp: huge ones as 1 hour");
	is_int(histogram_slot_count(&a, histogram_slot(HISTOGRAM_MAX_US)), 2,
	       "clamp: in the last slot");
}

static struct histogram *shared;

static void *recorder(void *arg)
{
	uint64_t i;

	(void)arg;
	for (i = 1; i <= 100000; i++)
		histogram_record(shared, i % 1000 + 1);
	return NULL;
}

static void test_shared(void)
{
	pthread_t t[3];
	pid_t pid;
	int i, status = -1;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
	              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!ok(shared != MAP_FAILED, "shared: mapped"))
		return;
	histogram_clear(shared);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		recorder(NULL);
		_exit(0);
	}
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, recorder, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	waitpid(pid, &status, 0);
	is_int(histogram_count(shared), 400000,
	       "shared: 3 threads and a process, 400000 values, none lost");
	is_int(histogram_slot_count(shared, histogram_slot(1)), 400,
	       "shared: and each slot counted exactly");
	munmap(shared, sizeof(*shared));
}

int main(void)
{
	test_slots();
	test_percentiles();
	test_merge_and_clamp();
	test_shared();
	return done_testing();
}

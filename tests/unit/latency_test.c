/* SPDX-License-Identifier: MIT */
/*
 * latency_test: the server's latency models (core/latency.c). Parsing and
 * formatting, both ways, and every refusal with its message; fixed draws
 * exactly; uniform draws inside their bounds, centred, deterministic per
 * (seed, n) and different under another seed; lognormal draws whose
 * empirical median and 99th percentile match the configured ones.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latency.h"
#include "../tap.h"

#define DRAWS 100000

static void round_trip(const char *text)
{
	struct latency_spec spec;
	char err[200] = "", back[64] = "";

	ok(latency_parse(text, &spec, err, sizeof(err)) == 0, "parse %s", text);
	if (err[0] != '\0')
		diag("error: %s", err);
	latency_format(&spec, back, sizeof(back));
	is_str(back, text, "format gives %s back", text);
}

static void refused(const char *text, const char *want)
{
	struct latency_spec spec = {.model = LATENCY_FIXED, .ms = 42};
	char err[200] = "";

	ok(latency_parse(text, &spec, err, sizeof(err)) < 0, "refuses '%s'",
	   text);
	is_str(err, want, "'%s': the message", text);
	ok(spec.model == LATENCY_FIXED && spec.ms == 42,
	   "'%s': the spec is left alone", text);
}

static void test_parse(void)
{
	struct latency_spec spec;
	char err[200];

	round_trip("0");
	round_trip("250");
	round_trip("3600000");
	round_trip("uniform:10:90");
	round_trip("uniform:5:5");
	round_trip("uniform:0:3600000");
	round_trip("lognormal:50:400");
	round_trip("lognormal:1:1");

	ok(latency_parse("uniform:10:90", &spec, err, sizeof(err)) == 0 &&
	       spec.model == LATENCY_UNIFORM && spec.min_ms == 10 &&
	       spec.max_ms == 90,
	   "uniform:10:90 is min 10, max 90");
	ok(latency_parse("lognormal:50:400", &spec, err, sizeof(err)) == 0 &&
	       spec.model == LATENCY_LOGNORMAL && spec.median_ms == 50 &&
	       spec.p99_ms == 400,
	   "lognormal:50:400 is median 50, p99 400");
	ok(latency_parse("75", &spec, err, sizeof(err)) == 0 &&
	       spec.model == LATENCY_FIXED && spec.ms == 75,
	   "75 is fixed 75");

	refused("", "'' is not a latency: MS, uniform:MIN:MAX or "
	            "lognormal:MEDIAN:P99 (milliseconds)");
	refused("abc", "'abc' is not a latency: MS, uniform:MIN:MAX or "
	               "lognormal:MEDIAN:P99 (milliseconds)");
	refused("-5", "'-5' is not a latency: MS, uniform:MIN:MAX or "
	              "lognormal:MEDIAN:P99 (milliseconds)");
	refused("10ms", "'10ms' is not a latency: MS, uniform:MIN:MAX or "
	                "lognormal:MEDIAN:P99 (milliseconds)");
	refused("normal:1:2",
	        "'normal:1:2' is not a latency: MS, "
	        "uniform:MIN:MAX or lognormal:MEDIAN:P99 (milliseconds)");
	refused("uniform:10", "'uniform:10' is not uniform:MIN:MAX "
	                      "(milliseconds)");
	refused("uniform:10:", "'uniform:10:' is not uniform:MIN:MAX "
	                       "(milliseconds)");
	refused("uniform:1:2:3", "'uniform:1:2:3' is not uniform:MIN:MAX "
	                         "(milliseconds)");
	refused("uniform:a:2", "'uniform:a:2' is not uniform:MIN:MAX "
	                       "(milliseconds)");
	refused("lognormal:50", "'lognormal:50' is not lognormal:MEDIAN:P99 "
	                        "(milliseconds)");
	refused("3600001", "latency 3600001 ms is above the maximum, "
	                   "3600000 ms");
	refused("99999999999999999999", "'99999999999999999999': a latency "
	                                "above the maximum, 3600000 ms");
	refused("uniform:1:99999999999", "'uniform:1:99999999999': a latency "
	                                 "above the maximum, 3600000 ms");
	refused("uniform:90:10", "uniform latency: the minimum, 90 ms, is "
	                         "above the maximum, 10 ms");
	refused("uniform:0:4000000", "uniform latency: the maximum, "
	                             "4000000 ms, is above 3600000 ms");
	refused("lognormal:0:10", "lognormal latency: the median must be at "
	                          "least 1 ms");
	refused("lognormal:50:49", "lognormal latency: the 99th percentile, "
	                           "49 ms, is below the median, 50 ms");
	refused("lognormal:50:3600001",
	        "lognormal latency: the 99th "
	        "percentile, 3600001 ms, is above 3600000 ms");
}

static void test_check(void)
{
	struct latency_spec spec;
	char err[200];

	memset(&spec, 0, sizeof(spec));
	ok(latency_check(&spec, err, sizeof(err)) == 0,
	   "check: all zero is fixed 0 ms, fine");
	spec.model = (enum latency_model)7;
	ok(latency_check(&spec, err, sizeof(err)) < 0,
	   "check: an unknown model is refused");
	is_str(err, "unknown latency model 7", "check: unknown model: message");
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_fixed(void)
{
	struct latency_spec spec = {.model = LATENCY_FIXED, .ms = 123};
	uint64_t n;
	int exact = 1;

	for (n = 0; n < 1000; n++)
		exact &= latency_draw_us(&spec, n * 7919, n) == 123000;
	ok(exact, "fixed: every draw is exactly 123000 us");
	spec.ms = 0;
	is_int(latency_draw_us(&spec, 1, 1), 0, "fixed 0: 0 us");
}

static void test_uniform(void)
{
	struct latency_spec spec = {
	    .model = LATENCY_UNIFORM, .min_ms = 10, .max_ms = 90};
	uint64_t n, lo = UINT64_MAX, hi = 0, same = 0, equal_seed = 0;
	double sum = 0, mean;

	for (n = 0; n < DRAWS; n++) {
		uint64_t us = latency_draw_us(&spec, 42, n);

		if (us < lo)
			lo = us;
		if (us > hi)
			hi = us;
		sum += (double)us;
		equal_seed += us == latency_draw_us(&spec, 42, n);
		same += us == latency_draw_us(&spec, 43, n);
	}
	mean = sum / DRAWS;
	ok(lo >= 10000 && hi <= 90000,
	   "uniform: all within [10, 90] ms "
	   "(%llu..%llu us)",
	   (unsigned long long)lo, (unsigned long long)hi);
	ok(lo < 10500 && hi > 89500, "uniform: reaching both ends");
	ok(mean > 49500 && mean < 50500, "uniform: mean %.0f us near 50 ms",
	   mean);
	is_int(equal_seed, DRAWS, "uniform: same seed and n, same draw");
	ok(same < DRAWS / 100,
	   "uniform: another seed, another sequence "
	   "(%llu of %d equal)",
	   (unsigned long long)same, DRAWS);

	spec.min_ms = spec.max_ms = 7;
	is_int(latency_draw_us(&spec, 5, 5), 7000, "uniform:7:7 is 7 ms");
	spec.min_ms = 0;
	spec.max_ms = 0;
	is_int(latency_draw_us(&spec, 5, 5), 0, "uniform:0:0 is 0");
}

static void lognormal(unsigned median, unsigned p99, uint64_t seed)
{
	struct latency_spec spec = {
	    .model = LATENCY_LOGNORMAL, .median_ms = median, .p99_ms = p99};
	uint64_t *draws = malloc(DRAWS * sizeof(*draws));
	double sigma = log((double)p99 / median) / 2.326348;
	double got_median, got_p99;
	uint64_t n;

	if (!ok(draws != NULL, "lognormal: memory"))
		return;
	for (n = 0; n < DRAWS; n++)
		draws[n] = latency_draw_us(&spec, seed, n);
	is_int(draws[12345], latency_draw_us(&spec, seed, 12345),
	       "lognormal %u:%u: deterministic", median, p99);
	qsort(draws, DRAWS, sizeof(*draws), compare_u64);
	got_median = (double)draws[DRAWS / 2] / 1000;
	got_p99 = (double)draws[DRAWS * 99 / 100] / 1000;
	/*
	 * In the normal's terms: with 100000 draws the standard error of the
	 * sample median is 0.004 and that of the 99th percentile 0.012, so
	 * 0.02 and 0.05 are four standard errors (the seeds are fixed: this
	 * cannot flake). In milliseconds that is within 2% and 5% for
	 * 50:400, 10% for the wide 5:2000.
	 */
	ok(fabs(log(got_median / median)) <= 0.02 * sigma + 1e-3,
	   "lognormal %u:%u: median %.2f ms, %.1f%% off", median, p99,
	   got_median, 100 * (got_median / median - 1));
	ok(fabs(log(got_p99 / p99)) <= 0.05 * sigma + 1e-3,
	   "lognormal %u:%u: 99th percentile %.2f ms, %.1f%% off", median, p99,
	   got_p99, 100 * (got_p99 / p99 - 1));
	ok(draws[DRAWS - 1] <= (uint64_t)LATENCY_MAX_MS * 1000,
	   "lognormal %u:%u: nothing above the maximum", median, p99);
	free(draws);
}

static void test_lognormal(void)
{
	struct latency_spec spec = {
	    .model = LATENCY_LOGNORMAL, .median_ms = 20, .p99_ms = 20};
	struct latency_spec wild = {.model = LATENCY_LOGNORMAL,
	                            .median_ms = 3000000,
	                            .p99_ms = LATENCY_MAX_MS};
	uint64_t n, top = 0;

	lognormal(50, 400, 1);
	lognormal(100, 150, 99);
	lognormal(5, 2000, 7);
	is_int(latency_draw_us(&spec, 3, 3), 20000,
	       "lognormal 20:20: no spread, the median");
	for (n = 0; n < 10000; n++) {
		uint64_t us = latency_draw_us(&wild, 0, n);

		if (us > top)
			top = us;
	}
	is_int(top, (uint64_t)LATENCY_MAX_MS * 1000,
	       "lognormal near the maximum: clamped to it");
}

int main(void)
{
	test_parse();
	test_check();
	test_fixed();
	test_uniform();
	test_lognormal();
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/*
 * stats_test: timing summaries and their formatting (core/stats.c): the
 * unit timeit would choose and the "%.3g UNIT" text it prints, best, mean,
 * median and sample standard deviation on known data, and byte figures.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "stats.h"
#include "../tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void is_near(double got, double want, const char *what)
{
	if (!ok(fabs(got - want) <= 1e-12 * (fabs(want) > 1 ? fabs(want) : 1),
	        "%s", what))
		diag("got %.17g, want %.17g", got, want);
}

static void test_format_time(void)
{
	static const struct {
		double dt;
		const char *text;
	} cases[] = {
	    {0.228, "228 msec"},      {1.93, "1.93 sec"},
	    {9.43, "9.43 sec"},       {2.5e-7, "250 nsec"},
	    {1234.5, "1.23e+03 sec"}, {0.000999, "999 usec"},
	    {1e-10, "0.1 nsec"},      {1.0, "1 sec"},
	    {0.001, "1 msec"},        {1e-6, "1 usec"},
	    {1e-9, "1 nsec"},         {0.0, "0 nsec"},
	    {59.99, "60 sec"},        {0.0123456, "12.3 msec"},
	};
	char buf[64];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		stats_format_time(cases[i].dt, buf, sizeof(buf));
		is_str(buf, cases[i].text, "%g s prints as \"%s\"", cases[i].dt,
		       cases[i].text);
	}
	stats_format_time(0.228, buf, 5);
	is_str(buf, "228 ", "a short buffer is cut, NUL-terminated");
}

static void test_time_unit(void)
{
	static const struct {
		double dt;
		const char *unit;
		double scale;
	} cases[] = {
	    {3600, "sec", 1.0},      {1.0, "sec", 1.0},
	    {0.999, "msec", 1e-3},   {1e-3, "msec", 1e-3},
	    {9.99e-4, "usec", 1e-6}, {1e-6, "usec", 1e-6},
	    {9.99e-7, "nsec", 1e-9}, {1e-12, "nsec", 1e-9},
	    {0.0, "nsec", 1e-9},
	};
	char buf[64];
	double scale;
	size_t i;

	for (i = 0; i < N(cases); i++) {
		scale = -1;
		is_str(stats_time_unit(cases[i].dt, &scale), cases[i].unit,
		       "unit of %g s is %s", cases[i].dt, cases[i].unit);
		ok(scale == cases[i].scale, "scale of %s is %g", cases[i].unit,
		   cases[i].scale);
	}

	/* A table prints every figure in the unit of its best one. */
	stats_format_in(0.5, "msec", 1e-3, buf, sizeof(buf));
	is_str(buf, "500 msec", "0.5 s in msec");
	stats_format_in(1.5, "msec", 1e-3, buf, sizeof(buf));
	is_str(buf, "1500 msec", "1.5 s in msec, without an exponent");
	stats_format_in(2e-3, "sec", 1.0, buf, sizeof(buf));
	is_str(buf, "0.002 sec", "2 ms in sec");
}

static void test_summary(void)
{
	static const double three[] = {3, 1, 2};
	static const double four[] = {4, 1, 3, 2};
	static const double eight[] = {2, 4, 4, 4, 5, 5, 7, 9};
	static const double one[] = {0.25};
	static const double same[] = {0.1, 0.1, 0.1};
	static const double times[] = {0.31, 0.228, 0.25, 0.229, 0.4};
	struct summary s;

	stats_summarize(three, N(three), &s);
	is_int(s.n, 3, "n = 3");
	is_near(s.best, 1, "best of {3,1,2}");
	is_near(s.mean, 2, "mean of {3,1,2}");
	is_near(s.median, 2, "median of {3,1,2}: the middle one");
	is_near(s.stdev, 1, "sample stdev of {3,1,2}");

	stats_summarize(four, N(four), &s);
	is_near(s.median, 2.5, "median of {4,1,3,2}: mean of the middle two");
	is_near(s.mean, 2.5, "mean of {4,1,3,2}");
	is_near(s.stdev, 1.2909944487358056, "sample stdev: sqrt(5/3)");

	stats_summarize(eight, N(eight), &s);
	is_near(s.best, 2, "best of eight");
	is_near(s.mean, 5, "mean of eight");
	is_near(s.median, 4.5, "median of eight");
	is_near(s.stdev, 2.1380899352993950,
	        "sample stdev sqrt(32/7), not "
	        "the population's 2");

	stats_summarize(one, 1, &s);
	is_int(s.n, 1, "n = 1");
	is_near(s.best, 0.25, "best of one");
	is_near(s.mean, 0.25, "mean of one");
	is_near(s.median, 0.25, "median of one");
	ok(s.stdev == 0.0, "stdev of one is 0");

	stats_summarize(same, N(same), &s);
	ok(s.stdev < 1e-15, "stdev of equal values is 0");

	stats_summarize(times, N(times), &s);
	is_near(s.best, 0.228, "best of five timings");
	is_near(s.median, 0.25, "median of five timings");
	is_near(s.mean, 0.2834, "mean of five timings");
	ok(times[0] == 0.31 && times[4] == 0.4, "the input is not reordered");

	s.n = 99;
	s.best = 1;
	stats_summarize(NULL, 0, &s);
	is_int(s.n, 0, "n = 0");
	ok(s.best == 0 && s.mean == 0 && s.median == 0 && s.stdev == 0,
	   "an empty summary is all zero");
}

static void test_bytes(void)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
	    {0, "0 B"},
	    {1, "1 B"},
	    {1023, "1023 B"},
	    {1024, "1 KiB"},
	    {1536, "1.5 KiB"},
	    {100 * 1024, "100 KiB"},
	    {1024 * 1024, "1 MiB"},
	    {13002342, "12.4 MiB"},
	    {27 * 1024 * 1024, "27 MiB"},
	    {1ull << 30, "1 GiB"},
	    {3ull << 30 | 1ull << 29, "3.5 GiB"},
	};
	static const uint64_t near[] = {1040000, 1048575, 1000ull << 20,
	                                (1ull << 30) - 1};
	char buf[32];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		stats_format_bytes(cases[i].bytes, buf, sizeof(buf));
		is_str(buf, cases[i].text, "%llu bytes print as \"%s\"",
		       (unsigned long long)cases[i].bytes, cases[i].text);
	}

	/* From 1000 to 1023.99 of a unit, %.3g would switch to an exponent. */
	for (i = 0; i < N(near); i++) {
		stats_format_bytes(near[i], buf, sizeof(buf));
		if (!ok(strstr(buf, "e+") == NULL,
		        "%llu bytes print without an exponent",
		        (unsigned long long)near[i]))
			diag("got \"%s\"", buf);
	}
}

int main(void)
{
	test_format_time();
	test_time_unit();
	test_summary();
	test_bytes();
	return done_testing();
}

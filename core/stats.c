/* SPDX-License-Identifier: MIT */
/*
 * stats: summaries of repeated timings (best, mean, median, standard
 * deviation) and their formatting the way Python's timeit prints them.
 */
#include "config.h"

#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void stats_summarize(const double *x, size_t n, struct summary *out)
{
	double sum = 0, sq = 0, *sorted;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->n = n;
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		sum += x[i];
	out->mean = sum / (double)n;
	for (i = 0; i < n; i++)
		sq += (x[i] - out->mean) * (x[i] - out->mean);
	out->stdev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0.0;

	sorted = malloc(n * sizeof(*sorted));
	if (!sorted) {
		/* fall back to a linear minimum; the median stays the mean */
		out->best = x[0];
		for (i = 1; i < n; i++)
			if (x[i] < out->best)
				out->best = x[i];
		out->median = out->mean;
		return;
	}
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	out->best = sorted[0];
	out->median =
	    n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
	free(sorted);
}

const char *stats_time_unit(double dt, double *scale)
{
	static const struct {
		const char *name;
		double scale;
	} units[] = {
	    {"sec", 1.0}, {"msec", 1e-3}, {"usec", 1e-6}, {"nsec", 1e-9}};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]) - 1; i++)
		if (dt >= units[i].scale)
			break;
	*scale = units[i].scale;
	return units[i].name;
}

/* Three significant digits, but never an exponent: 1020, not 1.02e+03. */
static void format_3sig(double v, const char *unit, char *buf, size_t len)
{
	if (v >= 999.5)
		snprintf(buf, len, "%.0f %s", v, unit);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
}

void stats_format_in(double dt, const char *unit, double scale, char *buf,
                     size_t len)
{
	format_3sig(dt / scale, unit, buf, len);
}

void stats_format_time(double dt, char *buf, size_t len)
{
	double scale;
	const char *unit = stats_time_unit(dt, &scale);
	/* timeit's own format, exponent and all: "1.23e+03 sec" */
	snprintf(buf, len, "%.3g %s", dt / scale, unit);
}

void stats_format_duration(double seconds, char *buf, size_t len)
{
	if (seconds >= 1)
		format_3sig(seconds, "s", buf, len);
	else if (seconds >= 1e-3)
		format_3sig(seconds * 1e3, "ms", buf, len);
	else
		format_3sig(seconds * 1e6, "us", buf, len);
}

void stats_format_number(double v, char *buf, size_t len)
{
	if (v >= 999.5 || v <= -999.5)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

void stats_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= 1024ull * 1024 * 1024)
		format_3sig((double)bytes / (1 << 30), "GiB", buf, len);
	else if (bytes >= 1024 * 1024)
		format_3sig((double)bytes / (1 << 20), "MiB", buf, len);
	else if (bytes >= 1024)
		format_3sig((double)bytes / 1024, "KiB", buf, len);
	else
		snprintf(buf, len, "%u B", (unsigned)bytes);
}

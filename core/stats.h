/* SPDX-License-Identifier: MIT */
/*
 * stats: summaries of repeated timings (best, mean, median, standard
 * deviation) and their formatting the way Python's timeit prints them.
 */
#ifndef CB_STATS_H
#define CB_STATS_H

#include <stddef.h>
#include <stdint.h>

struct summary {
	size_t n;
	double best, mean, median,
	    stdev; /* stdev: sample (n - 1); 0 if n < 2 */
};

void stats_summarize(const double *x, size_t n, struct summary *out);

/*
 * The unit timeit would choose for dt seconds: the largest of sec, msec,
 * usec, nsec that is not larger than dt (nsec below that). Sets *scale.
 */
const char *stats_time_unit(double dt, double *scale);

/* dt in `unit` (from stats_time_unit), to 3 significant digits without
 * an exponent: for the figures printed beside timeit's best. */
void stats_format_in(double dt, const char *unit, double scale, char *buf,
                     size_t len);

/* dt in its own unit: "228 msec", "1.93 sec", "950 usec". */
void stats_format_time(double dt, char *buf, size_t len);

/* A duration to 3 significant digits in the largest unit it has a whole
 * one of, never an exponent: "51.2 ms", "96 ms", "950 us", "1.23 s". */
void stats_format_duration(double seconds, char *buf, size_t len);

/* A number to 3 significant digits without an exponent: "31.2", "1020". */
void stats_format_number(double v, char *buf, size_t len);

/* "12.4 MiB" style, for memory figures. */
void stats_format_bytes(uint64_t bytes, char *buf, size_t len);

#endif

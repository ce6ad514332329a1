/* SPDX-License-Identifier: MIT */
/*
 * export: a run's results (results.h) in the formats other tools read or
 * people look at, one writer per format: CSV (RFC 4180, a row per cell),
 * Markdown (a table of strategies by concurrency per latency and URL
 * count, then a detail table), the terminal's results matrix, a cell's
 * memory timeline in memory_profiler's .dat format (what `mprof plot`
 * draws) and its latency distribution in HdrHistogram's percentile
 * format (.hgrm, what wrk2 prints and HdrHistogram's plotter reads).
 * Each returns 0, or -1 if writing failed.
 */
#ifndef CB_EXPORT_H
#define CB_EXPORT_H

#include <stdio.h>

struct result_cell;
struct results;

/* The note under a table with a saturated cell, for SERVER_SATURATED. */
#define EXPORT_SATURATED_NOTE                                                  \
	"server saturated: the test server was busy more than %.2f of its "    \
	"threads' time in the cell, which may measure the server, not the "    \
	"strategy."

/* The CSV columns, in order (concbench(1)). */
extern const char *const export_csv_columns[];

int export_csv(FILE *out, const struct results *r);
int export_markdown(FILE *out, const struct results *r);
/* Per latency and URL count: concurrencies by strategies, best times
 * aligned, the fastest of each row marked with '*'; nothing for a run of
 * one strategy. */
int export_matrix(FILE *out, const struct results *r);

/* "4.35 MiB", or "-" for a size that is not known (NaN). */
void export_format_bytes(double bytes, char *buf, size_t len);
int export_mprof(FILE *out, const struct results *r,
                 const struct result_cell *c);
int export_hgrm(FILE *out, const struct result_cell *c);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * report: what a run prints: one timeit-style line per cell, the
 * comparison per (latency, url count, concurrency), and the JSON results
 * file.
 */
#ifndef CB_REPORT_H
#define CB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "runner.h"

/*
 * What a cell varies in: "urls=100 concurrency=10", with "latency=300ms "
 * in front when the scenario lists several server latencies, and
 * "urls=discovered" when the URLs are discovered. Like snprintf.
 */
int report_cell_params(const struct scenario *scn, const struct cell *cell,
                       char *buf, size_t len);

/* "bing: eventloop urls=100 concurrency=10: 1 loop, best of 3: ..." and
 * a second line with the check's match count when it has one */
void report_cell(FILE *out, const struct run_config *cfg,
                 const struct cell *cell, const struct cell_result *res);

/* Per (url count, concurrency): the fastest strategy and the ratios. */
void report_comparison(FILE *out, const struct scenario *scn,
                       const struct cell *cells,
                       const struct cell_result *results, size_t n);

/* The JSON document of concbench(1). 0, or -1 on a write error. */
int report_json(FILE *out, const struct run_config *cfg,
                const struct cell *cells, const struct cell_result *results,
                size_t n);

#endif

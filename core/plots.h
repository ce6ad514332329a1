/* SPDX-License-Identifier: MIT */
/*
 * plots: the report's pictures, drawn by gnuplot: for each plot a script
 * (NAME.gp) and its data (NAME.dat) written into a directory, and, when
 * gnuplot is on PATH, NAME.svg rendered from them there, so that a user
 * can restyle or re-render a plot without concbench. The plots: memory
 * over time, best times with their spread, time against concurrency,
 * latency percentiles on HdrHistogram's axis, CPU per request.
 */
#ifndef CB_PLOTS_H
#define CB_PLOTS_H

#include <stddef.h>

struct results;

/* The plots, in the order a page shows them; NULL-ended. */
struct plot_info {
	const char *name;    /* file name without .gp, .dat, .svg */
	const char *caption; /* what it shows */
};
extern const struct plot_info plots_all[];

/*
 * Write every plot's script and data into dir, and render them if
 * gnuplot can be run (*rendered then says so; a plot whose data is empty,
 * scaling with one concurrency, is left out). 0, or -1 with err when a
 * file cannot be written; gnuplot's failures are warned about, its
 * messages in dir/gnuplot.log.
 */
int plots_write(const char *dir, const struct results *r, int *rendered,
                char *err, size_t errlen);

#endif

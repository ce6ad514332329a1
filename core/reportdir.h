/* SPDX-License-Identifier: MIT */
/*
 * reportdir: the report directory of a run (--report DIR, concbench
 * report -o DIR): index.html, one self-contained page with the scenario,
 * the environment, the results tables and every plot inline;
 * results.json, results.csv and results.md; memory/CELL.dat (for mprof
 * plot); latency/CELL.hgrm (for HdrHistogram's plotter); plots/ with
 * each plot's gnuplot script, data and SVG. A directory that holds other
 * things than a concbench report is refused unless forced.
 */
#ifndef CB_REPORTDIR_H
#define CB_REPORTDIR_H

#include <stddef.h>

struct results;

/*
 * Whether dir can take a report: it does not exist, is empty, holds a
 * concbench report, or force is set; and the file keep (the scenario;
 * NULL: none) is not in it. 0, or -1 with why not in err. Called before a
 * run, so a run that could not be reported does not start.
 */
int reportdir_check(const char *dir, int force, const char *keep, char *err,
                    size_t errlen);

/*
 * Write the report of r, whose JSON document is json[0, len), into dir,
 * replacing what dir holds (reportdir_check() said it may). 0, or -1 with
 * err.
 */
int reportdir_write(const char *dir, const struct results *r, const char *json,
                    size_t len, char *err, size_t errlen);

#endif

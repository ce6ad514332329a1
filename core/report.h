/* SPDX-License-Identifier: MIT */
/*
 * report: everything a run prints or writes: the plan (--dry-run), the
 * progress line on a terminal, one timeit-style line per cell, the
 * comparison per (latency, url count, concurrency), the messages that end
 * a run early, the JSON results file, and the plugin listings. JSON goes
 * through json.h's writer.
 */
#ifndef CB_REPORT_H
#define CB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "machine.h"
#include "outfile.h"
#include "runner.h"

struct plugin;

/* What a run ran on and how it was asked for: stored with its results. */
struct run_env {
	char date[32]; /* ISO 8601, UTC, when the run started */
	struct machine machine;
	int argc;
	char *const *argv; /* the command line */
};

/* Where a run's report goes. */
struct report {
	FILE *text;   /* result lines and comparison; NULL: none */
	int progress; /* redraw a progress line on stderr */
	int quiet;    /* the result lines only */
	struct outfile json, csv, markdown; /* --json, --csv, --markdown */
	int json_failed;        /* a rewrite of --json during the run failed */
	const char *report_dir; /* --report DIR; NULL: none */
	const struct cell_result *results; /* the run's, as it goes */
	struct run_env env;
	double run_started, progress_drawn; /* on clock_now()'s clock */
};

struct report_options {
	const char *json_path;     /* --json FILE, "-" for stdout; NULL: none */
	int quiet;                 /* -q */
	const char *csv_path;      /* --csv FILE, "-" for stdout; NULL */
	const char *markdown_path; /* --markdown FILE, likewise */
	const char *report_dir;    /* --report DIR; NULL: none */
	int force;                 /* --force: DIR may hold other things */
	const char *scenario;      /* the scenario file, never overwritten */
	int argc;                  /* the command line, for the results */
	char *const *argv;
};

/*
 * Open the report of a run: the JSON, CSV and Markdown files, if any
 * (checked now, so that an unwritable one is known before anything runs),
 * and the report directory's check; text on stdout unless one of those
 * goes there, progress when stderr is a terminal and not quiet. 0, or -1
 * with the reason in err.
 */
int report_open(struct report *r, const struct report_options *o, char *err,
                size_t errlen);
/* The sink that reports the cells as the runner runs them into results;
 * the JSON file is rewritten as the run starts and after each cell. */
struct run_sink report_sink(struct report *r,
                            const struct cell_result *results);
/*
 * After the run: the results matrix and the comparison, what ended it
 * early (on stderr), the JSON document, CSV, Markdown and the report
 * directory. 0, or -1 if one of them could not be written (said on
 * stderr).
 */
int report_finish(struct report *r, const struct plan *plan,
                  const struct cell_result *results,
                  const struct run_outcome *outcome);
void report_close(struct report *r);

/* `concbench report RESULTS.json -o DIR`: the report directory of a
 * saved results file. 0, or -1 with err. */
int report_saved(const char *results, const char *dir, int force, char *err,
                 size_t errlen);

/* --dry-run: the cells that would run, one a line. */
void report_plan(FILE *out, const struct plan *plan);

/*
 * What a cell varies in: "urls=100 concurrency=10", with "latency=300ms "
 * in front when the plan has several server latencies, and
 * "urls=discovered" when the URLs are discovered. Like snprintf.
 */
int report_cell_params(const struct plan *plan, const struct cell *cell,
                       char *buf, size_t len);

/* "bing: eventloop urls=100 concurrency=10: 1 loop, best of 3: ...", and
 * with details, the lines under it: latency, CPU, connections, set-up and
 * how close to the ideal; the check's match count when it has one. */
void report_cell(FILE *out, const struct plan *plan, const struct cell *cell,
                 const struct cell_result *res, int details);

/* Per (latency, url count, concurrency): the fastest strategy and the
 * ratios of the others. */
void report_comparison(FILE *out, const struct plan *plan,
                       const struct cell_result *results);

/* The run's environment, now. */
void report_env(struct run_env *env, int argc, char *const *argv);

/* The JSON document of concbench(1); env NULL writes null for it. 0, or
 * -1 on a write error. */
int report_json(FILE *out, const struct plan *plan,
                const struct cell_result *results, const struct run_env *env);

/* --list-plugins: name, summary and file of each. */
void report_plugins(FILE *out, const struct plugin *list, size_t n);
/* --plugin-help: a plugin's name, file, summary and options. */
void report_plugin_help(FILE *out, const struct plugin *p);

#endif

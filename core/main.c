/* SPDX-License-Identifier: MIT */
/*
 * main: concbench's entry point: the command line, loading the scenario
 * and the strategies, and handing the plan to the runner with the report
 * as its sink. Everything it prints besides usage errors goes through the
 * report; the runner stops every process it starts.
 */
#include "config.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "diag.h"
#include "loader.h"
#include "plan.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "server.h"
#include "strategy.h"

static int list_plugins(const struct plugin_path *path)
{
	struct plugin *list;
	size_t n, i;

	if (loader_list(path, &list, &n) < 0) {
		diag_error("out of memory while listing plugins");
		return EXIT_CELL_FAILED;
	}
	if (n == 0) {
		diag_error("no plugins found (searched:%s%s)",
		           path->len ? " " : "",
		           path->len ? path->dirs[0] : "");
		for (i = 1; i < path->len; i++)
			fprintf(stderr, "  %s\n", path->dirs[i]);
		return EXIT_CELL_FAILED;
	}
	report_plugins(stdout, list, n);
	loader_list_free(list, n);
	return 0;
}

static int plugin_help(const struct plugin_path *path, const char *name)
{
	char err[DIAG_ERR_MAX];
	struct plugin p;

	if (loader_find(path, name, &p, err, sizeof(err)) < 0) {
		diag_error("%s", err);
		return EXIT_USAGE;
	}
	report_plugin_help(stdout, &p);
	loader_close(&p);
	return 0;
}

/* The scenario's run; -SIGNAL when a signal interrupted it. */
static int measure(const struct cli_options *o, const struct scenario *scn,
                   const struct strategy_set *set)
{
	struct plan_options po = {o->repeat, o->loops, o->deadline_s};
	struct report_options ro = {
	    .json_path = o->json,
	    .csv_path = o->csv,
	    .markdown_path = o->markdown,
	    .report_dir = o->report,
	    .force = o->force,
	    .scenario = o->scenario,
	    .quiet = diag_quiet,
	    .argc = o->argc,
	    .argv = o->argv,
	};
	struct cell_result *results = NULL;
	struct run_outcome outcome;
	char err[DIAG_ERR_MAX];
	struct report report;
	struct run_sink sink;
	struct plan plan;
	int rc = EXIT_CELL_FAILED;
	size_t i;

	if (plan_make(&plan, scn, set, &po) < 0) {
		diag_error("out of memory");
		return EXIT_CELL_FAILED;
	}
	if (o->dry_run) {
		report_plan(stdout, &plan);
		plan_free(&plan);
		return 0;
	}
	if (report_open(&report, &ro, err, sizeof(err)) < 0) {
		diag_error("%s", err);
		plan_free(&plan);
		return EXIT_USAGE;
	}
	results = calloc(plan.ncells ? plan.ncells : 1, sizeof(*results));
	if (results) {
		sink = report_sink(&report, results);
		runner_run(&plan, results, &sink, &outcome);
		rc = report_finish(&report, &plan, results, &outcome) < 0 ||
		             outcome.any_failed || outcome.end == RUN_BROKEN
		         ? EXIT_CELL_FAILED
		         : 0;
		if (outcome.end == RUN_INTERRUPTED)
			rc = -outcome.signal;
		for (i = 0; i < plan.ncells; i++)
			cell_result_free(&results[i]);
		free(results);
	} else {
		diag_error("out of memory");
	}
	report_close(&report);
	plan_free(&plan);
	return rc;
}

static int run_scenario(const struct cli_options *o,
                        const struct plugin_path *path)
{
	char err[DIAG_ERR_MAX];
	struct strategy_set set;
	struct scenario scn;
	int rc;

	if (scenario_load(o->scenario, &scn, err, sizeof(err)) < 0) {
		diag_line(err);
		return EXIT_USAGE;
	}
	rc = strategy_set_load(&set, &scn, o->strategies, o->strategy_len, path,
	                       err, sizeof(err));
	if (rc == STRATEGY_ERR_AT)
		diag_line(err);
	else if (rc < 0)
		diag_error("%s", err);
	rc = rc < 0 ? EXIT_USAGE : measure(o, &scn, &set);
	strategy_set_free(&set);
	scenario_free(&scn);
	return rc;
}

/* `concbench serve`: the line other tools wait for before they start. */
static int announce(unsigned port, void *arg)
{
	(void)arg;
	printf("listening on http://127.0.0.1:%u\n", port);
	return fflush(stdout) == 0 ? 0 : -1;
}

static int serve(const struct cli_options *o)
{
	char err[DIAG_ERR_MAX];

	if (server_run(&o->serve, announce, NULL, err, sizeof(err)) < 0) {
		diag_error("test server: %s", err);
		return EXIT_CELL_FAILED;
	}
	return 0;
}

/* `concbench report RESULTS.json -o DIR`. */
static int report_from(const struct cli_options *o)
{
	char err[DIAG_ERR_MAX];

	if (report_saved(o->results, o->report, o->force, err, sizeof(err)) <
	    0) {
		diag_error("%s", err);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_options opts;
	struct plugin_path path;
	int rc;

	rc = cli_parse(argc, argv, &opts);
	if (!rc && opts.action == CLI_SERVE)
		rc = serve(&opts);
	if (!rc && opts.action == CLI_REPORT)
		rc = report_from(&opts);
	if (rc || opts.action == CLI_EXIT_OK || opts.action == CLI_SERVE ||
	    opts.action == CLI_REPORT) {
		cli_free(&opts);
		return rc;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		diag_error("cannot initialize libcurl");
		cli_free(&opts);
		return EXIT_CELL_FAILED;
	}
	if (loader_path_init(&path, opts.plugin_dirs, opts.plugin_dir_len) <
	    0) {
		diag_error("out of memory");
		rc = EXIT_CELL_FAILED;
	} else if (opts.action == CLI_LIST_PLUGINS) {
		rc = list_plugins(&path);
	} else if (opts.action == CLI_PLUGIN_HELP) {
		rc = plugin_help(&path, opts.plugin_help);
	} else {
		rc = run_scenario(&opts, &path);
	}
	loader_path_free(&path);
	cli_free(&opts);
	curl_global_cleanup();
	if (rc < 0) {
		/* die of the signal we caught, as a shell expects */
		signal(-rc, SIG_DFL);
		raise(-rc);
		return 128 - rc;
	}
	return rc;
}

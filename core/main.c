/* SPDX-License-Identifier: MIT */
/*
 * main: concbench's entry point: reads the command line and the scenario,
 * loads the strategies, starts the embedded server when the scenario asks
 * for one, measures every cell and reports. Every exit path stops the
 * server and the measurement child.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "loader.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "server.h"
#include "serverproc.h"

struct run {
	struct cli_options opts;
	struct plugin_path path;
	struct scenario scn;
	struct strategy_set set;
	struct cell *cells;
	struct cell_result *results;
	size_t ncells;
	FILE *json;
	struct server_process server;
	size_t server_latency; /* what the running server serves */
	char base_url[64];
	unsigned deadline_s; /* 0: none */
};

static int list_plugins(struct run *run)
{
	struct plugin *list;
	size_t n, i;

	if (loader_list(&run->path, &list, &n) < 0) {
		diag_error("out of memory while listing plugins");
		return EXIT_CELL_FAILED;
	}
	if (n == 0) {
		diag_error("no plugins found (searched:%s%s)",
		           run->path.len ? " " : "",
		           run->path.len ? run->path.dirs[0] : "");
		for (i = 1; i < run->path.len; i++)
			fprintf(stderr, "  %s\n", run->path.dirs[i]);
		return EXIT_CELL_FAILED;
	}
	for (i = 0; i < n; i++)
		printf("%-14s %s\n%-14s %s\n", list[i].desc->name,
		       list[i].desc->summary ? list[i].desc->summary : "", "",
		       list[i].path);
	loader_list_free(list, n);
	return 0;
}

static int plugin_help(struct run *run)
{
	struct plugin p;
	char err[2048];

	if (loader_find(&run->path, run->opts.plugin_help, &p, err,
	                sizeof(err)) < 0) {
		diag_error("%s", err);
		return EXIT_USAGE;
	}
	loader_describe(&p, stdout);
	loader_close(&p);
	return 0;
}

static void print_plan(const struct run *run, const struct run_config *cfg)
{
	size_t i;

	for (i = 0; i < run->ncells; i++) {
		const struct cell *c = &run->cells[i];
		char params[128];
		report_cell_params(&run->scn, c, params, sizeof(params));
		printf("%s: %s %s: %u repeat%s of %u loop%s (%s)\n",
		       run->scn.name, c->spec->label, params, cfg->repeat,
		       cfg->repeat == 1 ? "" : "s", cfg->loops,
		       cfg->loops == 1 ? "" : "s", c->plugin->path);
	}
}

static void progress(const struct run *run, size_t i, int show)
{
	const struct cell *c = &run->cells[i];
	char params[128];

	if (!show)
		return;
	report_cell_params(&run->scn, c, params, sizeof(params));
	fprintf(stderr, "\r\033[K[%zu/%zu] %s %s ...", i + 1, run->ncells,
	        c->spec->label, params);
	fflush(stderr);
}

static void progress_clear(int show)
{
	if (show) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* Serve the cell's latency: (re)start the embedded server if needed. */
static int serve_latency(struct run *run, struct run_config *cfg,
                         size_t latency)
{
	char err[DIAG_ERR_MAX];

	if (!scenario_uses_server(&run->scn))
		return 0;
	if (run->server.pid && run->server_latency == latency)
		return 0;
	serverproc_stop(&run->server);
	run->scn.server.latency = run->scn.latencies[latency];
	if (serverproc_spawn(&run->scn.server, &run->server, err, sizeof(err)) <
	    0) {
		diag_error("%s: cannot start the embedded server: %s",
		           run->scn.path, err);
		return -1;
	}
	run->server_latency = latency;
	snprintf(run->base_url, sizeof(run->base_url), "http://127.0.0.1:%u",
	         run->server.port);
	cfg->base_url = run->base_url;
	cfg->server_port = run->server.port;
	return 0;
}

/* Cells the deadline left out say so, in the text and in the JSON. */
static void skip_rest(struct run *run, size_t from, FILE *text,
                      const struct run_config *cfg)
{
	size_t i;

	for (i = from; i < run->ncells; i++) {
		snprintf(run->results[i].status, sizeof(run->results[i].status),
		         "not run: the run's deadline passed");
		if (text)
			report_cell(text, cfg, &run->cells[i],
			            &run->results[i]);
	}
}

/* Measure every cell; returns the exit status (or -signal if interrupted). */
static int measure(struct run *run, struct run_config *cfg)
{
	int show_progress = isatty(STDERR_FILENO) && !diag_quiet;
	FILE *text = run->json == stdout ? NULL : stdout;
	int failed = 0;
	size_t i;

	runner_catch_signals();
	for (i = 0; i < run->ncells; i++) {
		int rc;

		if (serve_latency(run, cfg, run->cells[i].latency) < 0)
			return EXIT_CELL_FAILED;
		progress(run, i, show_progress);
		rc = runner_run_cell(cfg, &run->cells[i], &run->results[i]);
		progress_clear(show_progress);
		if (rc < 0) {
			diag_error("interrupted by signal %d: %zu of %zu cells "
			           "measured",
			           runner_interrupted(), i, run->ncells);
			return -runner_interrupted();
		}
		if (!run->results[i].ok)
			failed = 1;
		if (text) {
			report_cell(text, cfg, &run->cells[i],
			            &run->results[i]);
			fflush(text);
		}
		if (rc > 0) {
			diag_error("the deadline of %u s passed: %zu of %zu "
			           "cells measured",
			           run->deadline_s, i, run->ncells);
			skip_rest(run, i + 1, text, cfg);
			break;
		}
	}
	if (text && !diag_quiet)
		report_comparison(text, &run->scn, run->cells, run->results,
		                  run->ncells);
	return failed ? EXIT_CELL_FAILED : 0;
}

static int prepare(struct run *run, struct run_config *cfg)
{
	char err[DIAG_ERR_MAX];
	int rc;

	if (scenario_load(run->opts.scenario, &run->scn, err, sizeof(err)) <
	    0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	rc = strategy_set_load(&run->set, &run->scn, run->opts.strategies,
	                       run->opts.strategy_len, &run->path, err,
	                       sizeof(err));
	if (rc == STRATEGY_ERR_AT)
		fprintf(stderr, "%s\n", err);
	else if (rc < 0)
		diag_error("%s", err);
	if (rc < 0)
		return EXIT_USAGE;
	cfg->scn = &run->scn;
	cfg->repeat = run->opts.repeat ? run->opts.repeat : run->scn.repeat;
	cfg->loops = run->opts.loops ? run->opts.loops : run->scn.loops;
	run->cells = runner_plan(&run->scn, run->set.specs, run->set.plugins,
	                         run->set.len, &run->ncells);
	run->results =
	    calloc(run->ncells ? run->ncells : 1, sizeof(*run->results));
	if (!run->cells || !run->results) {
		diag_error("out of memory");
		return EXIT_CELL_FAILED;
	}
	if (run->opts.json && !run->opts.dry_run) {
		run->json = strcmp(run->opts.json, "-") == 0
		                ? stdout
		                : fopen(run->opts.json, "w");
		if (!run->json) {
			diag_error("--json %s: cannot open for writing: %s",
			           run->opts.json, strerror(errno));
			return EXIT_USAGE;
		}
	}
	return 0;
}

static int run_scenario(struct run *run)
{
	struct run_config cfg = {0};
	int rc = prepare(run, &cfg);

	if (rc)
		return rc;
	if (run->opts.dry_run) {
		print_plan(run, &cfg);
		return 0;
	}
	if (run->scn.base_url)
		cfg.base_url = run->scn.base_url;
	run->deadline_s =
	    run->opts.deadline_s ? run->opts.deadline_s : run->scn.deadline_s;
	if (run->deadline_s)
		cfg.deadline = runner_now() + run->deadline_s;
	rc = measure(run, &cfg);
	serverproc_stop(&run->server);
	if (run->json && report_json(run->json, &cfg, run->cells, run->results,
	                             run->ncells) < 0) {
		diag_error("--json %s: write failed", run->opts.json);
		if (rc == 0)
			rc = EXIT_CELL_FAILED;
	}
	return rc;
}

static void run_free(struct run *run)
{
	size_t i;

	for (i = 0; i < run->ncells; i++)
		cell_result_free(&run->results[i]);
	free(run->results);
	free(run->cells);
	strategy_set_free(&run->set);
	if (run->json && run->json != stdout)
		fclose(run->json);
	scenario_free(&run->scn);
	loader_path_free(&run->path);
	cli_free(&run->opts);
}

/* `concbench serve`: the line other tools wait for before they start. */
static int announce(unsigned port, void *arg)
{
	(void)arg;
	printf("listening on http://127.0.0.1:%u\n", port);
	return fflush(stdout) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct run run;
	int rc;

	memset(&run, 0, sizeof(run));
	rc = cli_parse(argc, argv, &run.opts);
	if (rc || run.opts.action == CLI_EXIT_OK) {
		cli_free(&run.opts);
		return rc;
	}
	if (run.opts.action == CLI_SERVE) {
		char err[DIAG_ERR_MAX];

		rc = 0;
		if (server_run(&run.opts.serve, announce, NULL, err,
		               sizeof(err)) < 0) {
			diag_error("test server: %s", err);
			rc = EXIT_CELL_FAILED;
		}
		cli_free(&run.opts);
		return rc;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		diag_error("cannot initialize libcurl");
		return EXIT_CELL_FAILED;
	}
	if (loader_path_init(&run.path, run.opts.plugin_dirs,
	                     run.opts.plugin_dir_len) < 0) {
		diag_error("out of memory");
		rc = EXIT_CELL_FAILED;
	} else if (run.opts.action == CLI_LIST_PLUGINS) {
		rc = list_plugins(&run);
	} else if (run.opts.action == CLI_PLUGIN_HELP) {
		rc = plugin_help(&run);
	} else {
		rc = run_scenario(&run);
	}
	run_free(&run);
	curl_global_cleanup();
	if (rc < 0) {
		/* die of the signal we caught, as a shell expects */
		signal(-rc, SIG_DFL);
		raise(-rc);
		return 128 - rc;
	}
	return rc;
}

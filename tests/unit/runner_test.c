/* SPDX-License-Identifier: MIT */
/*
 * runner_test: the plan (core/plan.c) and the run (core/runner.c with
 * core/cell.c) with the test plugins against the embedded server: the
 * cells and their order, the latency rule, the command line's overrides;
 * the sink told of each cell in order; each result's times, totals,
 * status and server view; a failed strategy, a crash and lost jobs
 * accounted as such while the other cells keep their results; the
 * deadline; a server that cannot start.
 */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "diag.h"
#include "loader.h"
#include "plan.h"
#include "runner.h"
#include "scenario.h"
#include "strategy.h"
#include "../tap.h"
#include "../testenv.h"

static struct plugin_path path;

/* A scenario from text, loaded, with its strategies loaded. */
static int load(const char *text, struct scenario *scn,
                struct strategy_set *set)
{
	char file[] = "/tmp/cbrunXXXXXX", err[DIAG_ERR_MAX];
	int fd = mkstemp(file), rc;
	FILE *f;

	if (fd < 0 || !(f = fdopen(fd, "w")))
		return -1;
	fputs(text, f);
	fclose(f);
	rc = scenario_load(file, scn, err, sizeof(err));
	unlink(file);
	if (rc < 0) {
		diag("%s", err);
		return -1;
	}
	if (strategy_set_load(set, scn, NULL, 0, &path, err, sizeof(err)) < 0) {
		diag("%s", err);
		strategy_set_free(set);
		scenario_free(scn);
		return -1;
	}
	return 0;
}

static void test_plan(void)
{
	struct plan_options none = {0, 0, 0}, over = {7, 2, 30};
	struct strategy_set set;
	struct scenario scn;
	struct plan plan;
	size_t i;
	int ordered = 1;

	if (!ok(load("name: p\n"
	             "server: {latency: [{ms: 10}, {ms: 20}]}\n"
	             "urls: {pattern: \"/x/{i}\", count: [3, 4]}\n"
	             "concurrency: [1, 2]\n"
	             "strategies: [good, {plugin: good, name: g2}]\n"
	             "repeat: 2\n",
	             &scn, &set) == 0,
	        "the scenario loads"))
		return;
	is_int(plan_make(&plan, &scn, &set, &none), 0, "plan: made");
	is_int(plan.ncells, 2 * 2 * 2 * 2, "plan: 2 latencies x 2 x 2 x 2");
	for (i = 0; i < plan.ncells; i++) {
		const struct cell *c = &plan.cells[i];

		ordered &= c->latency == i / 8 && c->urls == 3 + (i / 4) % 2 &&
		           c->concurrency == 1 + (i / 2) % 2 &&
		           c->spec == &set.specs[i % 2] &&
		           c->plugin == &set.plugins[i % 2];
	}
	ok(ordered, "plan: latency, then urls, concurrency, strategy");
	ok(plan_serves(&plan), "plan: the embedded server serves it");
	ok(plan_latency_varies(&plan), "plan: latency is a dimension");
	is_int(plan_latency(&plan, &plan.cells[9])->ms, 20,
	       "plan: a cell's latency");
	is_int(plan.repeat * 10 + plan.loops, 21,
	       "plan: the scenario's repeat, loops");
	ok(plan.base_url == NULL && plan.deadline_s == 0,
	   "plan: no base_url, no deadline");
	plan_free(&plan);
	plan_make(&plan, &scn, &set, &over);
	is_int(plan.repeat * 100 + plan.loops * 10, 720,
	       "plan: -r and -n override");
	is_int(plan.deadline_s, 30, "plan: --deadline overrides");
	plan_free(&plan);
	strategy_set_free(&set);
	scenario_free(&scn);

	if (!ok(load("name: p\nserver: {latency: [{ms: 10}, {ms: 20}]}\n"
	             "base_url: http://127.0.0.1:9\n"
	             "urls: {pattern: \"/x/{i}\", count: 3}\n"
	             "strategies: [good]\n",
	             &scn, &set) == 0,
	        "the scenario loads"))
		return;
	plan_make(&plan, &scn, &set, &none);
	is_int(plan.ncells, 1,
	       "plan with base_url: latencies are no dimension");
	ok(!plan_serves(&plan) && !plan_latency(&plan, &plan.cells[0]),
	   "plan with base_url: no server, no latency");
	is_str(plan.base_url, "http://127.0.0.1:9", "plan: the base_url");
	plan_free(&plan);
	strategy_set_free(&set);
	scenario_free(&scn);
}

/* What the sink was told, in order. */
struct journal {
	char text[4096];
	size_t len;
};

static void on_begin(void *arg, const struct plan *plan, size_t i)
{
	struct journal *j = arg;

	(void)plan;
	j->len += (size_t)snprintf(j->text + j->len, sizeof(j->text) - j->len,
	                           "begin %zu;", i);
}

static void on_end(void *arg, const struct plan *plan, size_t i,
                   const struct cell_result *res)
{
	struct journal *j = arg;

	(void)plan;
	j->len += (size_t)snprintf(j->text + j->len, sizeof(j->text) - j->len,
	                           "end %zu %s;", i, res->ok ? "ok" : "failed");
}

static void free_results(struct cell_result *res, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cell_result_free(&res[i]);
}

static void test_run(void)
{
	struct plan_options none = {0, 0, 0};
	struct journal j = {.len = 0};
	struct run_sink sink = {&j, on_begin, on_end, NULL};
	struct cell_result res[4];
	struct run_outcome out;
	struct strategy_set set;
	struct scenario scn;
	struct plan plan;

	if (!ok(load("name: r\n"
	             "server: {latency: {ms: 1}, body_bytes: 100}\n"
	             "urls: {pattern: \"/x/{i}\", count: 5}\n"
	             "strategies: [good, fail, crash, lose]\n"
	             "repeat: 3\nloops: 2\n",
	             &scn, &set) == 0,
	        "the scenario loads"))
		return;
	plan_make(&plan, &scn, &set, &none);
	memset(res, 0, sizeof(res));
	runner_run(&plan, res, &sink, &out);
	is_str(j.text,
	       "begin 0;end 0 ok;begin 1;end 1 failed;begin 2;end 2 failed;"
	       "begin 3;end 3 failed;",
	       "run: the sink hears of each cell, begin then end, in order");
	is_int(out.end, RUN_COMPLETE, "run: complete");
	is_int(out.measured, 4, "run: 4 cells measured");
	ok(out.any_failed, "run: some cell failed");

	ok(res[0].ok && res[0].ran, "good: ok");
	is_str(res[0].status, "ok", "good: status ok");
	is_int(res[0].repeats_done, 3, "good: 3 repeats");
	ok(res[0].times && res[0].times[0] > 0 && res[0].summary.n == 3 &&
	       res[0].summary.best <= res[0].summary.median,
	   "good: a time per repeat, summarized");
	is_int(res[0].requests_ok, 5 * 3 * 2,
	       "good: 5 URLs x 3 repeats x 2 loops");
	is_int(res[0].requests_failed, 0, "good: none failed");
	is_int(res[0].bytes, 100 * 5 * 3 * 2, "good: every body's bytes");
	is_int(res[0].jobs_per_loop, 5, "good: 5 jobs a loop");
	ok(res[0].has_server_stats && res[0].server.requests == 30,
	   "good: the server saw 30 requests in its cell");
	ok(res[0].peak_rss > 0, "good: a peak memory figure");

	is_str(res[1].status,
	       "strategy failed in repeat 1, loop 1: 5 ok, 0 failed, 0 "
	       "missing, 0 duplicated",
	       "fail: run() returned -1, said where");
	is_int(res[1].repeats_done, 0, "fail: no repeat counted");
	is_int(res[1].requests_ok, 5, "fail: its loop's requests counted");
	ok(strncmp(res[2].status,
	           "crashed: killed by signal 11 (Segmentation fault) in "
	           "repeat 1, loop 1",
	           60) == 0,
	   "crash: the signal and where: %s", res[2].status);
	ok(strstr(res[3].status, "2 missing") != NULL,
	   "lose: the unreported jobs are missing: %s", res[3].status);
	free_results(res, 4);
	plan_free(&plan);
	strategy_set_free(&set);
	scenario_free(&scn);
}

static void test_deadline(void)
{
	struct plan_options po = {0, 0, 1};
	struct journal j = {.len = 0};
	struct run_sink sink = {&j, on_begin, on_end, NULL};
	struct cell_result res[3];
	struct run_outcome out;
	struct strategy_set set;
	struct scenario scn;
	struct plan plan;
	double t0;

	if (!ok(load("name: d\n"
	             "server: {latency: {ms: 400}}\n"
	             "urls: {pattern: \"/x/{i}\", count: 5}\n"
	             "strategies: [good, {plugin: good, name: g2}, "
	             "{plugin: good, name: g3}]\n"
	             "repeat: 1\n",
	             &scn, &set) == 0,
	        "the scenario loads"))
		return;
	plan_make(&plan, &scn, &set, &po);
	memset(res, 0, sizeof(res));
	t0 = clock_now();
	runner_run(&plan, res, &sink, &out);
	ok(clock_now() - t0 < 1.8, "deadline: the run stops at about 1 s");
	is_int(out.end, RUN_DEADLINE, "deadline: said so");
	is_int(out.measured, 0, "deadline: no cell measured to its end");
	ok(strncmp(res[0].status,
	           "stopped: the run's deadline passed in repeat 1", 46) == 0,
	   "deadline: the running cell is stopped: %s", res[0].status);
	is_str(res[1].status, "not run: the run's deadline passed",
	       "deadline: later cells not run");
	ok(!res[1].ran && !res[2].ran, "deadline: and not started");
	is_str(j.text, "begin 0;end 0 failed;end 1 failed;end 2 failed;",
	       "deadline: the sink hears of the cells not run too");
	free_results(res, 3);
	plan_free(&plan);

	/* A server that cannot start breaks the run before any cell. */
	scn.server.fail_status = 100;
	plan_make(&plan, &scn, &set, &po);
	memset(res, 0, sizeof(res));
	j.len = 0;
	j.text[0] = '\0';
	runner_run(&plan, res, &sink, &out);
	is_int(out.end, RUN_BROKEN, "no server: the run is broken");
	ok(strstr(out.error, ": cannot start the embedded server: test server: "
	                     "fail status 100 is not in 200..599") != NULL,
	   "no server: why: %s", out.error);
	is_str(j.text, "", "no server: no cell started");
	free_results(res, 3);
	plan_free(&plan);
	strategy_set_free(&set);
	scenario_free(&scn);
}

int main(void)
{
	char *dirs[] = {(char *)TEST_PLUGIN_DIR};

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		printf("Bail out! curl_global_init failed\n");
		return 1;
	}
	if (loader_path_init(&path, dirs, 1) < 0) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	test_plan();
	test_run();
	test_deadline();
	loader_path_free(&path);
	curl_global_cleanup();
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/*
 * report_test: what the report prints and writes (core/report.c), for
 * plans and results made here: the parameters of a cell, the timeit line
 * and the FAILED line, the comparison of a group, the dry-run plan, the
 * plugin listings, and the JSON document, which stays valid JSON with
 * every name a scenario can have (quotes, control characters, bytes that
 * are not UTF-8).
 */
#include "config.h"

#include <concbench/plugin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"
#include "json.h"
#include "latency.h"
#include "loader.h"
#include "plan.h"
#include "report.h"
#include "scenario.h"
#include "strategy.h"
#include "../tap.h"
#include "../testenv.h"

static const char *built(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s.so", TEST_PLUGIN_DIR, name);
	return path;
}

static const struct concbench_plugin desc_a = {.name = "alpha"};
static const struct concbench_plugin desc_b = {.name = "beta"};

/* A scenario, two strategies and a plan of them, all in memory. */
struct fixture {
	struct scenario scn;
	struct strategy_spec specs[2];
	struct plugin plugins[2];
	struct strategy_set set;
	struct plan plan;
	uint64_t counts[1];
	unsigned conc[2];
	struct latency_spec lat[2];
	struct cell_result res[8];
};

static void fixture_make(struct fixture *f, const char *name, size_t nlat,
                         int serves)
{
	struct plan_options none = {0, 0, 0};

	memset(f, 0, sizeof(*f));
	f->scn.name = (char *)name;
	f->scn.path = (char *)"/tmp/x.yaml";
	f->scn.has_server = serves;
	if (!serves)
		f->scn.base_url = (char *)"https://example.com";
	f->scn.urls.relative = 1;
	f->scn.repeat = 3;
	f->scn.loops = 1;
	f->counts[0] = 100;
	f->scn.url_counts = f->counts;
	f->scn.url_count_len = 1;
	f->conc[0] = 5;
	f->conc[1] = 10;
	f->scn.concurrency = f->conc;
	f->scn.concurrency_len = 2;
	f->lat[0].ms = 10;
	f->lat[1].ms = 300;
	f->scn.latencies = f->lat;
	f->scn.latency_len = nlat;
	f->specs[0].label = (char *)"a";
	f->specs[1].label = (char *)"b";
	f->plugins[0].desc = &desc_a;
	f->plugins[0].path = (char *)"/p/alpha.so";
	f->plugins[1].desc = &desc_b;
	f->plugins[1].path = (char *)"/p/beta.so";
	f->set.specs = f->specs;
	f->set.plugins = f->plugins;
	f->set.len = 2;
	plan_make(&f->plan, &f->scn, &f->set, &none);
}

static double three[3] = {0.228, 0.25, 0.3};

/* An ok result with times t[0..2], or a failed one. */
static void result(struct cell_result *r, int ok, double scale)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->ran = 1;
	r->ok = ok;
	if (!ok) {
		snprintf(r->status, sizeof(r->status), "crashed: for a test");
		return;
	}
	snprintf(r->status, sizeof(r->status), "ok");
	r->times = malloc(3 * sizeof(double));
	r->times[0] = three[0] * scale;
	r->times[1] = three[1] * scale;
	r->times[2] = three[2] * scale;
	r->repeats_done = 3;
	stats_summarize(r->times, 3, &r->summary);
	r->peak_rss = 4056088;
	r->requests_ok = 300;
	r->repeats = calloc(3, sizeof(*r->repeats));
	for (i = 0; i < 3; i++) {
		r->repeats[i].seconds = r->times[i];
		r->repeats[i].cpu_user_s = 0.02;
		r->repeats[i].cpu_sys_s = 0.01;
		r->repeats[i].setup_s = 0.0004;
		r->repeats[i].teardown_s = NAN;
		r->repeats[i].connections = 5;
		r->repeats[i].requests = 100;
	}
	/* 50 at 10 ms, 49 at 20 ms, 1 at 30 ms */
	r->latency_ok = malloc(sizeof(*r->latency_ok));
	histogram_clear(r->latency_ok);
	for (i = 0; i < 100; i++)
		histogram_record(r->latency_ok, i < 50   ? 10000
		                                : i < 99 ? 20000
		                                         : 30000);
}

static char *capture_begin(FILE **out, char **text, size_t *len)
{
	*text = NULL;
	*out = open_memstream(text, len);
	return *text;
}

static void test_lines(void)
{
	struct fixture f;
	char buf[256], *text;
	size_t len, i;
	FILE *out;

	fixture_make(&f, "bing", 1, 1);
	is_int(f.plan.ncells, 4, "plan: 2 concurrencies x 2 strategies");
	report_cell_params(&f.plan, &f.plan.cells[0], buf, sizeof(buf));
	is_str(buf, "urls=100 concurrency=5", "params: urls and concurrency");
	result(&f.res[0], 1, 1);
	result(&f.res[1], 0, 1);
	capture_begin(&out, &text, &len);
	report_cell(out, &f.plan, &f.plan.cells[0], &f.res[0], 1);
	report_cell(out, &f.plan, &f.plan.cells[1], &f.res[1], 1);
	fclose(out);
	is_str(
	    text,
	    "bing: a urls=100 concurrency=5: 1 loop, best of 3: 228 msec "
	    "per loop (mean 259 msec, median 250 msec, sd 36.9 msec; peak "
	    "RSS 3.87 MiB)\n"
	    "  latency p50 10 ms, p99 20.1 ms, max 30 ms; CPU 300 "
	    "us/request; 5 connections; setup 400 us; 0.88 of ideal\n"
	    "bing: b urls=100 concurrency=5: FAILED: crashed: for a test\n",
	    "cell lines: timeit's with its costs, and FAILED with the reason");
	free(text);
	capture_begin(&out, &text, &len);
	report_cell(out, &f.plan, &f.plan.cells[0], &f.res[0], 0);
	fclose(out);
	is_str(text,
	       "bing: a urls=100 concurrency=5: 1 loop, best of 3: 228 msec "
	       "per loop (mean 259 msec, median 250 msec, sd 36.9 msec; peak "
	       "RSS 3.87 MiB)\n",
	       "cell lines without details: the timeit line alone");
	free(text);

	f.scn.check.match = (char *)"price";
	f.res[0].matches_per_loop = 569;
	capture_begin(&out, &text, &len);
	report_cell(out, &f.plan, &f.plan.cells[0], &f.res[0], 1);
	fclose(out);
	ok(strstr(text, "\n  569 matches of /price/ per loop\n") != NULL,
	   "cell lines: the matches of check.match: %s", text);
	free(text);
	f.scn.check.match = NULL;

	/* concurrency 10: b is fastest, a 2x slower */
	result(&f.res[2], 1, 2);
	result(&f.res[3], 1, 1);
	capture_begin(&out, &text, &len);
	report_comparison(out, &f.plan, f.res);
	fclose(out);
	is_str(text,
	       "urls=100 concurrency=5: a fastest (228 msec); b failed\n"
	       "urls=100 concurrency=10: b fastest (228 msec); a 2.00x "
	       "slower\n",
	       "comparison: one line per group, failed cells last");
	free(text);

	capture_begin(&out, &text, &len);
	report_plan(out, &f.plan);
	fclose(out);
	ok(strncmp(text,
	           "bing: a urls=100 concurrency=5: 3 repeats of 1 loop "
	           "(/p/alpha.so)\n",
	           strlen("bing: a urls=100 concurrency=5: 3 repeats of 1 loop "
	                  "(/p/alpha.so)\n")) == 0,
	   "dry-run plan: a line per cell: %s", text);
	free(text);
	for (i = 0; i < 4; i++)
		cell_result_free(&f.res[i]);
	plan_free(&f.plan);

	fixture_make(&f, "lat", 2, 1);
	is_int(f.plan.ncells, 8, "plan: 2 latencies x 2 x 2");
	report_cell_params(&f.plan, &f.plan.cells[4], buf, sizeof(buf));
	is_str(buf, "latency=300ms urls=100 concurrency=5",
	       "params: the latency when it varies");
	plan_free(&f.plan);

	fixture_make(&f, "disc", 1, 1);
	f.scn.has_discover = 1;
	report_cell_params(&f.plan, &f.plan.cells[0], buf, sizeof(buf));
	is_str(buf, "urls=discovered concurrency=5", "params: discovered URLs");
	plan_free(&f.plan);
}

/* The value of a top-level string member of the document, or "". */
static const char *member(const char *doc, const char *key)
{
	static char value[256];

	if (json_object_string(doc, strlen(doc), key, value, sizeof(value)) !=
	    0)
		value[0] = '\0';
	return value;
}

static void test_json(void)
{
	static const char odd[] = "q\"uo\\te \x01\x1b[2J \xff\xfe caf\xc3\xa9";
	struct fixture f;
	char *text, err[128];
	size_t len;
	FILE *out;

	fixture_make(&f, odd, 1, 1);
	f.scn.path = (char *)"/tmp/\xe9t\xe9/\"x\"\n.yaml";
	result(&f.res[0], 1, 1);
	result(&f.res[1], 0, 1);
	/* res[2], res[3]: not run */
	capture_begin(&out, &text, &len);
	is_int(report_json(out, &f.plan, f.res, NULL), 0, "json: written");
	fclose(out);
	if (!ok(json_check(text, len, err, sizeof(err)) == 0,
	        "json: valid JSON whatever the names hold"))
		diag("%s: %s", err, text);
	is_str(member(text, "scenario"),
	       "q\"uo\\te \x01\x1b[2J \xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9",
	       "json: the name, each bad byte as U+FFFD");
	is_str(member(text, "file"),
	       "/tmp/\xef\xbf\xbdt\xef\xbf\xbd/\"x\"\n.yaml",
	       "json: the path too");
	ok(strstr(text, "\"status\": \"crashed: for a test\"") != NULL,
	   "json: a failed cell's status");
	ok(strstr(text, "\"best_s\": null") != NULL,
	   "json: no best time for a failed cell");
	ok(strstr(text, "\"status\": \"not run\"") != NULL,
	   "json: a cell that did not run says so");
	ok(strstr(text, "\"latency\": \"10ms\"") != NULL,
	   "json: the server latency of each cell");
	ok(strstr(text, "\"times_s\": [0.228, 0.25, 0.3]") != NULL,
	   "json: the times of each repeat");
	ok(strstr(text, "\"latency_ms\": {\"count\": 100, \"min\": 10, ") !=
	       NULL,
	   "json: latency_ms: count and min");
	ok(strstr(text, "\"max\": 30}") != NULL, "json: latency_ms: max");
	ok(strstr(text,
	          "\"histogram\": [[10047, 50], [20095, 49], [30079, 1]]") !=
	       NULL,
	   "json: histogram: [upper bound, count] of each non-empty slot");
	ok(strstr(text, "\"cpu_us_per_request\": 300,") != NULL,
	   "json: cpu_us_per_request of the best repeat");
	ok(strstr(text, "\"cpu_user_s\": [0.02, 0.02, 0.02]") != NULL,
	   "json: cpu_user_s: one per repeat");
	ok(strstr(text, "\"teardown_s\": [null, null, null]") != NULL,
	   "json: what was not known is null");
	ok(strstr(text, "\"ideal_s\": 0.2,") != NULL,
	   "json: ideal_s = ceil(100 / 5) x 10 ms");
	ok(strstr(text, "\"efficiency\": 0.877192982,") != NULL,
	   "json: efficiency = ideal / best");
	ok(strstr(text, "\"requests_per_s\": 438.596491") != NULL,
	   "json: requests_per_s of the best repeat");
	ok(strstr(text, "\"environment\": null") != NULL,
	   "json: no environment given, null");
	free(text);
	cell_result_free(&f.res[0]);
	plan_free(&f.plan);

	fixture_make(&f, "remote", 1, 0);
	capture_begin(&out, &text, &len);
	report_json(out, &f.plan, f.res, NULL);
	fclose(out);
	ok(strstr(text, "\"latency\"") == NULL,
	   "json: no latency without the embedded server");
	free(text);
	plan_free(&f.plan);
}

static void test_plugin_help(void)
{
	char err[1024] = "", *text = NULL, want[8192];
	struct plugin p;
	size_t len = 0;
	FILE *out;

	if (!is_int(loader_open(built("good"), &p, err, sizeof(err)), 0,
	            "good.so loads")) {
		diag("%s", err);
		return;
	}
	out = open_memstream(&text, &len);
	report_plugin_help(out, &p);
	fclose(out);
	snprintf(want, sizeof(want),
	         "good: test plugin: serial fetches, one option of each type\n"
	         "  file: %s\n"
	         "  options:\n"
	         "    workers (integer, 1..64, default 4)\n"
	         "        an integer in 1..64\n"
	         "    offset (integer, -100..100, default unset)\n"
	         "        an integer in -100..100, unset by default\n"
	         "    any (integer, default unset)\n"
	         "        an integer without a range\n"
	         "    keepalive (boolean, default true)\n"
	         "        a boolean, true\n"
	         "    trace (boolean, default unset)\n"
	         "        a boolean, unset\n"
	         "    tag (string, default none)\n"
	         "        a string, \"none\"\n"
	         "    note (string, default unset)\n"
	         "        a string, unset\n",
	         built("good"));
	is_str(text, want, "report_plugin_help");
	free(text);
	out = open_memstream(&text, &len);
	report_plugins(out, &p, 1);
	fclose(out);
	snprintf(want, sizeof(want),
	         "good           test plugin: serial fetches, one option of "
	         "each type\n               %s\n",
	         built("good"));
	is_str(text, want, "report_plugins: name, summary, file");
	free(text);
	loader_close(&p);

	if (!is_int(loader_open(built("crash"), &p, err, sizeof(err)), 0,
	            "crash.so loads (it only crashes when run)")) {
		diag("%s", err);
		return;
	}
	out = open_memstream(&text, &len);
	report_plugin_help(out, &p);
	fclose(out);
	snprintf(want, sizeof(want),
	         "crash: test plugin: run() segfaults\n  file: %s\n"
	         "  options: none\n",
	         built("crash"));
	is_str(text, want, "report_plugin_help without options");
	free(text);
	loader_close(&p);
}

int main(void)
{
	test_lines();
	test_json();
	test_plugin_help();
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/*
 * report: everything a run prints or writes.
 */
#include "config.h"

#include "report.h"

#include <concbench/plugin.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "latency.h"
#include "loader.h"
#include "scenario.h"

static void format_latency(const struct latency_spec *spec, char *buf,
                           size_t len)
{
	int n = latency_format(spec, buf, len);

	if (spec->model == LATENCY_FIXED && n > 0 && (size_t)n + 2 < len)
		strcat(buf, "ms");
}

int report_cell_params(const struct plan *plan, const struct cell *cell,
                       char *buf, size_t len)
{
	char latency[64] = "", urls[32];

	if (plan_latency_varies(plan)) {
		strcpy(latency, "latency=");
		format_latency(plan_latency(plan, cell),
		               latency + strlen(latency),
		               sizeof(latency) - strlen(latency) - 1);
		strcat(latency, " ");
	}
	if (plan->scn->has_discover)
		snprintf(urls, sizeof(urls), "discovered");
	else
		snprintf(urls, sizeof(urls), "%" PRIu64, cell->urls);
	return snprintf(buf, len, "%surls=%s concurrency=%u", latency, urls,
	                cell->concurrency);
}

void report_cell(FILE *out, const struct plan *plan, const struct cell *cell,
                 const struct cell_result *res)
{
	const struct summary *s = &res->summary;
	char best[32], mean[32], median[32], sd[32], rss[32], params[128];
	const char *unit;
	double scale;

	report_cell_params(plan, cell, params, sizeof(params));
	fprintf(out, "%s: %s %s: ", plan->scn->name, cell->spec->label, params);
	if (!res->ok) {
		fprintf(out, "FAILED: %s\n", res->status);
		return;
	}
	stats_format_time(s->best, best, sizeof(best));
	unit = stats_time_unit(s->best, &scale);
	stats_format_in(s->mean, unit, scale, mean, sizeof(mean));
	stats_format_in(s->median, unit, scale, median, sizeof(median));
	stats_format_in(s->stdev, unit, scale, sd, sizeof(sd));
	stats_format_bytes(res->peak_rss, rss, sizeof(rss));
	fprintf(out,
	        "%u loop%s, best of %zu: %s per loop (mean %s, median %s, "
	        "sd %s; peak RSS %s)\n",
	        plan->loops, plan->loops == 1 ? "" : "s", s->n, best, mean,
	        median, sd, rss);
	if (plan->scn->check.match)
		fprintf(out, "  %" PRIu64 " matches of /%s/ per loop\n",
		        res->matches_per_loop, plan->scn->check.match);
}

struct ranked {
	const struct cell *cell;
	const struct cell_result *res;
};

static int by_best(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->res->ok != y->res->ok)
		return y->res->ok - x->res->ok; /* failed cells last */
	if (!x->res->ok)
		return 0;
	return (x->res->summary.best > y->res->summary.best) -
	       (x->res->summary.best < y->res->summary.best);
}

static void compare_group(FILE *out, const struct plan *plan,
                          struct ranked *group, size_t n)
{
	double fastest;
	char t[32], params[128];
	size_t i;

	qsort(group, n, sizeof(*group), by_best);
	report_cell_params(plan, group[0].cell, params, sizeof(params));
	fprintf(out, "%s: ", params);
	if (!group[0].res->ok) {
		fprintf(out, "every strategy failed\n");
		return;
	}
	fastest = group[0].res->summary.best;
	stats_format_time(fastest, t, sizeof(t));
	fprintf(out, "%s fastest (%s)", group[0].cell->spec->label, t);
	for (i = 1; i < n; i++) {
		fprintf(out, "; %s ", group[i].cell->spec->label);
		if (!group[i].res->ok)
			fprintf(out, "failed");
		else if (fastest > 0)
			fprintf(out, "%.2fx slower",
			        group[i].res->summary.best / fastest);
		else
			fprintf(out, "as fast");
	}
	fputc('\n', out);
}

void report_comparison(FILE *out, const struct plan *plan,
                       const struct cell_result *results)
{
	const struct cell *cells = plan->cells;
	size_t n = plan->ncells;
	struct ranked *group = calloc(n ? n : 1, sizeof(*group));
	size_t i = 0, len;

	if (!group)
		return;
	/* The plan keeps the cells of one (latency, urls, concurrency)
	 * together. */
	while (i < n) {
		len = 0;
		while (i + len < n &&
		       cells[i + len].latency == cells[i].latency &&
		       cells[i + len].urls == cells[i].urls &&
		       cells[i + len].concurrency == cells[i].concurrency) {
			group[len].cell = &cells[i + len];
			group[len].res = &results[i + len];
			len++;
		}
		if (len > 1 && results[i].ran)
			compare_group(out, plan, group, len);
		i += len;
	}
	free(group);
}

/* A figure of the repeats done: null when there are none. */
static void json_seconds(struct json_out *w, const char *key, double v,
                         int have)
{
	json_out_member_double(w, key, have ? v : NAN);
}

static void json_cell(struct json_out *w, const struct plan *plan,
                      const struct cell *cell, const struct cell_result *res)
{
	const struct latency_spec *latency = plan_latency(plan, cell);
	const struct summary *s = &res->summary;
	int have = res->repeats_done > 0;
	size_t i;

	json_out_begin_object(w);
	json_out_member_string(w, "strategy", cell->spec->label);
	json_out_member_string(w, "plugin", cell->plugin->desc->name);
	json_out_key(w, "urls");
	if (plan->scn->has_discover)
		json_out_string(w, "discovered");
	else
		json_out_u64(w, cell->urls);
	if (latency) {
		char text[64];
		format_latency(latency, text, sizeof(text));
		json_out_member_string(w, "latency", text);
	}
	json_out_member_u64(w, "concurrency", cell->concurrency);
	json_out_member_u64(w, "repeat", plan->repeat);
	json_out_member_u64(w, "loops", plan->loops);
	json_out_key(w, "times_s");
	json_out_begin_array(w);
	for (i = 0; i < res->repeats_done; i++)
		json_out_double(w, res->times[i]);
	json_out_end_array(w);
	json_seconds(w, "best_s", s->best, have);
	json_seconds(w, "mean_s", s->mean, have);
	json_seconds(w, "median_s", s->median, have);
	json_seconds(w, "stdev_s", s->stdev, have);
	json_out_member_u64(w, "requests_ok", res->requests_ok);
	json_out_member_u64(w, "requests_failed", res->requests_failed);
	json_out_member_u64(w, "bytes", res->bytes);
	json_out_member_u64(w, "peak_rss_bytes", res->peak_rss);
	json_out_key(w, "status");
	json_out_string(w,
	                res->ran || res->status[0] ? res->status : "not run");
	json_out_member_u64(w, "jobs_per_loop", res->jobs_per_loop);
	json_out_member_u64(w, "matches_per_loop", res->matches_per_loop);
	json_out_key(w, "failures");
	json_out_begin_object(w);
	for (i = 0; i < JOB_FAIL_KINDS; i++) {
		json_out_member_u64(w, jobs_failure_name((enum job_failure)i),
		                    res->failures[i]);
	}
	json_out_end_object(w);
	if (res->has_server_stats) {
		const struct server_stats *sv = &res->server;
		json_out_key(w, "server");
		json_out_begin_object(w);
		json_out_member_u64(w, "requests", sv->requests);
		json_out_member_u64(w, "max_in_flight", sv->max_in_flight);
		json_out_member_u64(w, "faults_status", sv->faults_status);
		json_out_member_u64(w, "faults_close", sv->faults_close);
		json_out_member_u64(w, "faults_stall", sv->faults_stall);
		json_out_member_string(w, "request_digest", sv->digest);
		json_out_end_object(w);
	}
	json_out_end_object(w);
}

/* The results: each cell's members on a line of their own, what they
 * hold (lists, counts by kind) on that line. */
#define RESULTS_PRETTY_DEPTH 3

int report_json(FILE *out, const struct plan *plan,
                const struct cell_result *results)
{
	struct json_out w;
	const char *text;
	size_t i, len;

	json_out_init(&w, RESULTS_PRETTY_DEPTH);
	json_out_begin_object(&w);
	json_out_key(&w, "scenario");
	json_out_string(&w, plan->scn->name);
	json_out_key(&w, "file");
	json_out_string(&w, plan->scn->path);
	json_out_key(&w, "concbench_version");
	json_out_string(&w, PACKAGE_VERSION);
	json_out_key(&w, "cells");
	json_out_begin_array(&w);
	for (i = 0; i < plan->ncells; i++)
		json_cell(&w, plan, &plan->cells[i], &results[i]);
	json_out_end_array(&w);
	json_out_end_object(&w);
	text = json_out_text(&w, &len);
	if (text) {
		fwrite(text, 1, len, out);
		fputc('\n', out);
	}
	json_out_free(&w);
	fflush(out);
	return !text || ferror(out) ? -1 : 0;
}

/* ---- the run ------------------------------------------------------------ */

int report_open(struct report *r, const struct report_options *o, char *err,
                size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->json_path = o->json_path;
	r->quiet = o->quiet;
	r->text = stdout;
	if (o->json_path && strcmp(o->json_path, "-") == 0) {
		r->json = stdout;
		r->text = NULL;
	} else if (o->json_path) {
		r->json = fopen(o->json_path, "w");
		if (!r->json) {
			snprintf(err, errlen,
			         "--json %s: cannot open for writing: %s",
			         o->json_path, strerror(errno));
			return -1;
		}
	}
	r->progress = isatty(STDERR_FILENO) && !o->quiet;
	return 0;
}

void report_close(struct report *r)
{
	if (r->json && r->json != stdout)
		fclose(r->json);
	r->json = NULL;
}

static void on_cell_begin(void *arg, const struct plan *plan, size_t i)
{
	struct report *r = arg;
	char params[128];

	if (!r->progress)
		return;
	report_cell_params(plan, &plan->cells[i], params, sizeof(params));
	fprintf(stderr, "\r\033[K[%zu/%zu] %s %s ...", i + 1, plan->ncells,
	        plan->cells[i].spec->label, params);
	fflush(stderr);
}

static void on_cell_end(void *arg, const struct plan *plan, size_t i,
                        const struct cell_result *res)
{
	struct report *r = arg;

	if (r->progress) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	if (r->text) {
		report_cell(r->text, plan, &plan->cells[i], res);
		fflush(r->text);
	}
}

struct run_sink report_sink(struct report *r)
{
	return (struct run_sink){
	    .arg = r, .cell_begin = on_cell_begin, .cell_end = on_cell_end};
}

int report_finish(struct report *r, const struct plan *plan,
                  const struct cell_result *results,
                  const struct run_outcome *outcome)
{
	if (r->progress && outcome->end == RUN_INTERRUPTED) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	switch (outcome->end) {
	case RUN_COMPLETE:
		if (r->text && !r->quiet)
			report_comparison(r->text, plan, results);
		break;
	case RUN_DEADLINE:
		diag_error("the deadline of %u s passed: %zu of %zu cells "
		           "measured",
		           plan->deadline_s, outcome->measured, plan->ncells);
		if (r->text && !r->quiet)
			report_comparison(r->text, plan, results);
		break;
	case RUN_INTERRUPTED:
		diag_error(
		    "interrupted by signal %d: %zu of %zu cells measured",
		    outcome->signal, outcome->measured, plan->ncells);
		break;
	case RUN_BROKEN:
		diag_error("%s", outcome->error);
		break;
	}
	if (r->json && report_json(r->json, plan, results) < 0) {
		diag_error("--json %s: write failed", r->json_path);
		return -1;
	}
	return 0;
}

void report_plan(FILE *out, const struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ncells; i++) {
		const struct cell *c = &plan->cells[i];
		char params[128];

		report_cell_params(plan, c, params, sizeof(params));
		fprintf(out, "%s: %s %s: %u repeat%s of %u loop%s (%s)\n",
		        plan->scn->name, c->spec->label, params, plan->repeat,
		        plan->repeat == 1 ? "" : "s", plan->loops,
		        plan->loops == 1 ? "" : "s", c->plugin->path);
	}
}

/* ---- plugins --------------------------------------------------------------
 */

void report_plugins(FILE *out, const struct plugin *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "%-14s %s\n%-14s %s\n", list[i].desc->name,
		        list[i].desc->summary ? list[i].desc->summary : "", "",
		        list[i].path);
}

static const char *type_name(enum concbench_option_type type)
{
	switch (type) {
	case CONCBENCH_OPT_INT:
		return "integer";
	case CONCBENCH_OPT_BOOL:
		return "boolean";
	case CONCBENCH_OPT_STRING:
		return "string";
	}
	return "?";
}

void report_plugin_help(FILE *out, const struct plugin *p)
{
	const struct concbench_option *o = p->desc->options;

	fprintf(out, "%s: %s\n  file: %s\n", p->desc->name,
	        p->desc->summary ? p->desc->summary : "", p->path);
	if (!o || !o->name) {
		fprintf(out, "  options: none\n");
		return;
	}
	fprintf(out, "  options:\n");
	for (; o->name; o++) {
		fprintf(out, "    %s (%s", o->name, type_name(o->type));
		if (o->type == CONCBENCH_OPT_INT && (o->min || o->max))
			fprintf(out, ", %" PRId64 "..%" PRId64, o->min, o->max);
		fprintf(out, ", default %s)\n",
		        o->default_value ? o->default_value : "unset");
		if (o->help)
			fprintf(out, "        %s\n", o->help);
	}
}

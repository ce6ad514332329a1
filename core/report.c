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
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "histogram.h"
#include "clock.h"
#include "export.h"
#include "json.h"
#include "latency.h"
#include "loader.h"
#include "reportdir.h"
#include "results.h"
#include "timeline.h"
#include "scenario.h"
#include "servercounts.h"

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

/* The best repeat's figures, or NULL if no repeat was measured. */
static const struct repeat_result *best_repeat(const struct cell_result *res)
{
	return res->repeats && res->repeats_done ? &res->repeats[res->best]
	                                         : NULL;
}

/* CPU microseconds per request of the best repeat; -1 if unknown. */
static double cpu_us_per_request(const struct cell_result *res)
{
	const struct repeat_result *b = best_repeat(res);

	if (!b || !(b->requests > 0))
		return -1;
	return (b->cpu_user_s + b->cpu_sys_s) / b->requests * 1e6;
}

/* ideal_s / best_s; -1 where the ideal is not defined. */
static double efficiency(const struct plan *plan, const struct cell *cell,
                         const struct cell_result *res)
{
	double ideal = plan_ideal(plan, cell);

	if (!(ideal > 0) || !res->repeats_done || !(res->summary.best > 0))
		return -1;
	return ideal / res->summary.best;
}

/* Above this fraction of its CPU, the server may be what a cell measures. */

/* "  latency p50 51.2 ms, p99 88.9 ms, max 96 ms; CPU 31 us/request;
 * 100 connections; setup 0.4 ms; 0.93 of ideal" */
static void cell_details(FILE *out, const struct plan *plan,
                         const struct cell *cell, const struct cell_result *res)
{
	const struct repeat_result *b = best_repeat(res);
	const struct histogram *h = res->latency_ok;
	char a[32], c[32], d[32];
	double cpu = cpu_us_per_request(res), eff = efficiency(plan, cell, res);
	const char *sep = "  ";

	if (h) {
		stats_format_duration(histogram_percentile(h, 50) * 1e-6, a,
		                      sizeof(a));
		stats_format_duration(histogram_percentile(h, 99) * 1e-6, c,
		                      sizeof(c));
		stats_format_duration((double)histogram_max(h) * 1e-6, d,
		                      sizeof(d));
		fprintf(out, "%slatency p50 %s, p99 %s, max %s", sep, a, c, d);
		sep = "; ";
	}
	if (cpu >= 0) {
		stats_format_number(cpu, a, sizeof(a));
		fprintf(out, "%sCPU %s us/request", sep, a);
		sep = "; ";
	}
	if (b) {
		stats_format_number(b->connections, a, sizeof(a));
		fprintf(out, "%s%s connection%s", sep, a,
		        b->connections == 1 ? "" : "s");
		sep = "; ";
	}
	if (b && !isnan(b->setup_s)) {
		stats_format_duration(b->setup_s, a, sizeof(a));
		fprintf(out, "%ssetup %s", sep, a);
		sep = "; ";
	}
	if (eff >= 0) {
		fprintf(out, "%s%.2f of ideal", sep, eff);
		sep = "; ";
	}
	if (sep[0] == ';')
		fputc('\n', out);
}

/* "bing: eventloop urls=100 concurrency=10: ", the names escaped. */
static void cell_name(FILE *out, const struct plan *plan,
                      const struct cell *cell, const char *params)
{
	diag_put(out, plan->scn->name);
	fputs(": ", out);
	diag_put(out, cell->spec->label);
	fprintf(out, " %s: ", params);
}

void report_cell(FILE *out, const struct plan *plan, const struct cell *cell,
                 const struct cell_result *res, int details)
{
	const struct summary *s = &res->summary;
	char best[32], mean[32], median[32], sd[32], rss[32], params[128];
	const char *unit;
	double scale;

	report_cell_params(plan, cell, params, sizeof(params));
	cell_name(out, plan, cell, params);
	if (!res->ok) {
		fputs("FAILED: ", out);
		diag_put(out, res->status);
		fputc('\n', out);
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
	if (!details)
		return;
	cell_details(out, plan, cell, res);
	if (plan->scn->check.match)
		fprintf(out, "  %" PRIu64 " matches of /%s/ per loop\n",
		        res->matches_per_loop, plan->scn->check.match);
	if (res->has_server_stats &&
	    res->server_busy_fraction > SERVER_SATURATED)
		fprintf(
		    out,
		    "  warning: the test server was saturated (busy %.2f of "
		    "the time of its %" PRIu64 " thread%s: %.2f running, "
		    "%.2f waiting for a CPU): this cell may measure the "
		    "server, not the strategy\n",
		    res->server_busy_fraction, res->server.threads,
		    res->server.threads == 1 ? "" : "s",
		    res->server_cpu_fraction,
		    res->server_busy_fraction - res->server_cpu_fraction);
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
	diag_put(out, group[0].cell->spec->label);
	fprintf(out, " fastest (%s)", t);
	for (i = 1; i < n; i++) {
		fputs("; ", out);
		diag_put(out, group[i].cell->spec->label);
		fputc(' ', out);
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

/* A number; null when it is negative (not known). */
static void json_known(struct json_out *w, const char *key, double v)
{
	json_out_member_double(w, key, v >= 0 ? v : NAN);
}

/* {"count", "min", "mean", "p50", ...} in milliseconds, or null. */
static void json_latency(struct json_out *w, const char *key,
                         const struct histogram *h, int full)
{
	static const struct {
		const char *name;
		double p;
	} points[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p999", 99.9}};
	size_t i;

	json_out_key(w, key);
	if (!h) {
		json_out_null(w);
		return;
	}
	json_out_begin_object(w);
	json_out_member_u64(w, "count", histogram_count(h));
	json_out_member_double(w, "min", (double)histogram_min(h) / 1000);
	if (full)
		json_out_member_double(w, "mean", histogram_mean(h) / 1000);
	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		if (full || i == 0)
			json_out_member_double(
			    w, points[i].name,
			    histogram_percentile(h, points[i].p) / 1000);
	json_out_member_double(w, "max", (double)histogram_max(h) / 1000);
	json_out_end_object(w);
}

/* One figure of every repeat, per loop, like times_s. */
static void json_per_repeat(struct json_out *w, const char *key,
                            const struct cell_result *res, size_t offset)
{
	size_t r;

	json_out_key(w, key);
	json_out_begin_array(w);
	for (r = 0; res->repeats && r < res->repeats_done; r++)
		json_out_double(
		    w,
		    *(const double *)((const char *)&res->repeats[r] + offset));
	json_out_end_array(w);
}

/* What the cell cost besides its time (concbench(1), JSON OUTPUT). */
static void json_costs(struct json_out *w, const struct plan *plan,
                       const struct cell *cell, const struct cell_result *res)
{
	const struct repeat_result *b = best_repeat(res);
	const struct histogram *h = res->latency_ok;
	size_t i;

	json_latency(w, "latency_ms", h, 1);
	json_latency(w, "latency_failed_ms", res->latency_failed, 0);
	json_out_key(w, "histogram");
	json_out_begin_array(w);
	for (i = h ? histogram_next(h, 0) : HISTOGRAM_SLOTS;
	     i < HISTOGRAM_SLOTS; i = histogram_next(h, i + 1)) {
		json_out_begin_array(w);
		json_out_u64(w, histogram_slot_highest(i));
		json_out_u64(w, histogram_slot_count(h, i));
		json_out_end_array(w);
	}
	json_out_end_array(w);
	json_known(w, "connections_per_loop", b ? b->connections : -1);
	json_per_repeat(w, "cpu_user_s", res,
	                offsetof(struct repeat_result, cpu_user_s));
	json_per_repeat(w, "cpu_sys_s", res,
	                offsetof(struct repeat_result, cpu_sys_s));
	json_known(w, "cpu_us_per_request", cpu_us_per_request(res));
	json_out_key(w, "ctx_switches");
	if (b) {
		json_out_begin_object(w);
		json_out_member_double(w, "voluntary", b->ctx_voluntary);
		json_out_member_double(w, "involuntary", b->ctx_involuntary);
		json_out_end_object(w);
	} else {
		json_out_null(w);
	}
	json_out_key(w, "memory");
	json_out_begin_object(w);
	json_out_member_u64(w, "interval_ms", res->memory_interval_ms);
	json_out_member_double(w, "start_unix", res->start_unix);
	json_out_key(w, "samples");
	json_out_begin_array(w);
	for (i = 0; i < res->memory_len; i++) {
		json_out_begin_array(w);
		json_out_double(w, res->memory[i].t_s);
		json_out_u64(w, res->memory[i].bytes);
		json_out_end_array(w);
	}
	json_out_end_array(w);
	json_out_end_object(w);
	json_per_repeat(w, "setup_s", res,
	                offsetof(struct repeat_result, setup_s));
	json_per_repeat(w, "teardown_s", res,
	                offsetof(struct repeat_result, teardown_s));
	json_known(w, "ideal_s", plan_ideal(plan, cell));
	json_known(w, "efficiency", efficiency(plan, cell, res));
	json_known(w, "requests_per_s",
	           b && res->summary.best > 0 ? b->requests / res->summary.best
	                                      : -1);
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
		json_out_member_u64(w, "threads", sv->threads);
		json_out_member_double(w, "cpu_fraction",
		                       res->server_cpu_fraction);
		json_out_member_double(w, "busy_fraction",
		                       res->server_busy_fraction);
		json_out_end_object(w);
	}
	json_costs(w, plan, cell, res);
	json_out_end_object(w);
}

/* The results: each cell's members on a line of their own, what they
 * hold (lists, counts by kind) on that line. */
#define RESULTS_PRETTY_DEPTH 3

void report_env(struct run_env *env, int argc, char *const *argv)
{
	time_t now = time(NULL);
	struct tm tm;

	memset(env, 0, sizeof(*env));
	if (gmtime_r(&now, &tm))
		strftime(env->date, sizeof(env->date), "%Y-%m-%dT%H:%M:%SZ",
		         &tm);
	machine_read(&env->machine);
	env->argc = argc;
	env->argv = argv;
}

static void json_env(struct json_out *w, const struct run_env *env,
                     const struct scenario *scn)
{
	const struct machine *m = &env->machine;
	int i;

	json_out_key(w, "environment");
	json_out_begin_object(w);
	json_out_member_string(w, "date", env->date);
	json_out_member_string(w, "host", m->host);
	json_out_member_string(w, "kernel", m->kernel);
	json_out_member_u64(w, "cpus", m->cpus);
	json_out_member_string(w, "cpu_model", m->cpu_model);
	json_out_member_u64(w, "memory_bytes", m->memory_bytes);
	json_out_member_string(w, "libcurl", m->libcurl);
	json_out_member_string(w, "libevent", m->libevent);
	json_out_member_string(w, "concbench", m->concbench);
	json_out_key(w, "command_line");
	json_out_begin_array(w);
	for (i = 0; i < env->argc; i++)
		json_out_string(w, env->argv[i]);
	json_out_end_array(w);
	json_out_member_string(w, "scenario_digest", scn->digest);
	json_out_end_object(w);
}

int report_json(FILE *out, const struct plan *plan,
                const struct cell_result *results, const struct run_env *env)
{
	struct json_out w;
	const char *text;
	size_t i, len;

	json_out_init(&w, RESULTS_PRETTY_DEPTH);
	json_out_begin_object(&w);
	json_out_member_string(&w, "scenario", plan->scn->name);
	json_out_member_string(&w, "file", plan->scn->path);
	json_out_member_string(&w, "concbench_version", PACKAGE_VERSION);
	if (env) {
		json_env(&w, env, plan->scn);
	} else {
		json_out_key(&w, "environment");
		json_out_null(&w);
	}
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
	r->report_dir = o->report_dir;
	r->quiet = o->quiet;
	if ((o->report_dir && reportdir_check(o->report_dir, o->force,
	                                      o->scenario, err, errlen) < 0) ||
	    outfile_open(&r->json, "--json", o->json_path, o->scenario, err,
	                 errlen) < 0 ||
	    outfile_open(&r->csv, "--csv", o->csv_path, o->scenario, err,
	                 errlen) < 0 ||
	    outfile_open(&r->markdown, "--markdown", o->markdown_path,
	                 o->scenario, err, errlen) < 0) {
		report_close(r);
		return -1;
	}
	/* One of them on stdout takes the place of the text. */
	r->text = r->json.stream == stdout || r->csv.stream == stdout ||
	                  r->markdown.stream == stdout
	              ? NULL
	              : stdout;
	r->progress = isatty(STDERR_FILENO) && !o->quiet;
	report_env(&r->env, o->argc, o->argv);
	return 0;
}

void report_close(struct report *r)
{
	outfile_close(&r->json);
	outfile_close(&r->csv);
	outfile_close(&r->markdown);
}

/* The progress line: the cell of the plan, where it is, and an estimate
 * of what is left of the run, at most PROGRESS_HZ times a second. */
#define PROGRESS_HZ 10

static void draw_progress(struct report *r, const struct plan *plan, size_t i,
                          const struct cell_progress *p)
{
	double now = clock_now(), part = 0, elapsed, done;
	char params[128], left[32] = "";

	if (p && now - r->progress_drawn < 1.0 / PROGRESS_HZ)
		return;
	r->progress_drawn = now;
	if (i == 0 && !p)
		r->run_started = now;
	report_cell_params(plan, &plan->cells[i], params, sizeof(params));
	fprintf(stderr, "\r\033[K[%zu/%zu] ", i + 1, plan->ncells);
	diag_put(stderr, plan->cells[i].spec->label);
	fprintf(stderr, " %s", params);
	if (p) {
		fprintf(stderr, ": repeat %u/%u", p->repeat + 1, plan->repeat);
		if (plan->loops > 1)
			fprintf(stderr, ", loop %u/%u", p->loop + 1,
			        plan->loops);
		fprintf(stderr, ", %llu/%llu%s requests",
		        (unsigned long long)p->done,
		        (unsigned long long)p->jobs,
		        plan->scn->has_discover ? " found so far" : "");
		part = ((double)p->repeat * plan->loops + p->loop +
		        (p->jobs ? (double)p->done / (double)p->jobs : 0)) /
		       ((double)plan->repeat * plan->loops);
	}
	/* What is done of the run, a cell counting as much as any other. */
	done = ((double)i + part) / (double)plan->ncells;
	elapsed = now - r->run_started;
	if (done > 0.01 && elapsed > 1)
		stats_format_duration(elapsed * (1 - done) / done, left,
		                      sizeof(left));
	if (left[0])
		fprintf(stderr, "; about %s left", left);
	fflush(stderr);
}

/* The JSON document in memory; NULL if out of memory. */
static char *json_text(const struct plan *plan,
                       const struct cell_result *results,
                       const struct run_env *env, size_t *len)
{
	char *text = NULL;
	FILE *mem = open_memstream(&text, len);
	int rc;

	if (!mem)
		return NULL;
	rc = report_json(mem, plan, results, env);
	if (fclose(mem) != 0 || rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The results file as the run stands (the cells not measured yet say
 * "not run"), so that a run killed now leaves what it measured. A failure
 * is said once; the run goes on, and the end tries again. */
static void save_progress(struct report *r, const struct plan *plan)
{
	char err[DIAG_ERR_MAX];
	size_t len = 0;
	char *doc;

	if (!outfile_replaces(&r->json) || r->json_failed)
		return;
	doc = json_text(plan, r->results, &r->env, &len);
	if (!doc || outfile_write(&r->json, doc, len, err, sizeof(err)) < 0) {
		diag_error("%s", doc ? err : "out of memory for the results");
		r->json_failed = 1;
	}
	free(doc);
}

static void on_cell_begin(void *arg, const struct plan *plan, size_t i)
{
	struct report *r = arg;

	if (i == 0)
		save_progress(r, plan);
	if (r->progress)
		draw_progress(r, plan, i, NULL);
}

static void on_cell_progress(void *arg, const struct plan *plan, size_t i,
                             const struct cell_progress *p)
{
	struct report *r = arg;

	if (r->progress)
		draw_progress(r, plan, i, p);
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
		report_cell(r->text, plan, &plan->cells[i], res, !r->quiet);
		fflush(r->text);
	}
	if (res->ran)
		save_progress(r, plan);
}

struct run_sink report_sink(struct report *r, const struct cell_result *results)
{
	r->results = results;
	return (struct run_sink){.arg = r,
	                         .cell_begin = on_cell_begin,
	                         .cell_end = on_cell_end,
	                         .cell_progress = on_cell_progress};
}

/* What fn writes of the results, as the whole of the file out. 0, or -1
 * said on stderr. */
static int export_to(struct outfile *out,
                     int (*fn)(FILE *, const struct results *),
                     const struct results *res)
{
	char err[DIAG_ERR_MAX], *text = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if (!out->path)
		return 0;
	mem = open_memstream(&text, &len);
	rc = mem ? fn(mem, res) : -1;
	if (!mem || fclose(mem) != 0 || rc < 0) {
		diag_error("%s %s: out of memory", out->option, out->path);
		rc = -1;
	} else if (outfile_write(out, text, len, err, sizeof(err)) < 0) {
		diag_error("%s", err);
		rc = -1;
	}
	free(text);
	return rc;
}

/* The exports of the document: each says on stderr what failed. */
static int exports(struct report *r, const char *doc, size_t len,
                   const struct run_outcome *outcome)
{
	char err[DIAG_ERR_MAX];
	struct results res;
	int rc = 0;

	if (results_read(&res, doc, len, err, sizeof(err)) < 0) {
		diag_error("the results: %s", err);
		return -1;
	}
	if (r->text && !r->quiet && outcome->end != RUN_INTERRUPTED &&
	    outcome->end != RUN_BROKEN)
		export_matrix(r->text, &res);
	if (export_to(&r->csv, export_csv, &res) < 0 ||
	    export_to(&r->markdown, export_markdown, &res) < 0)
		rc = -1;
	if (r->report_dir && reportdir_write(r->report_dir, &res, doc, len, err,
	                                     sizeof(err)) < 0) {
		diag_error("--report %s: %s", r->report_dir, err);
		rc = -1;
	}
	results_free(&res);
	return rc;
}

int report_finish(struct report *r, const struct plan *plan,
                  const struct cell_result *results,
                  const struct run_outcome *outcome)
{
	char err[DIAG_ERR_MAX];
	size_t len = 0;
	char *doc;
	int rc = 0;

	if (r->progress && outcome->end == RUN_INTERRUPTED) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	doc = json_text(plan, results, &r->env, &len);
	if (!doc) {
		diag_error("out of memory for the results");
		return -1;
	}
	rc = exports(r, doc, len, outcome);
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
	if (outfile_write(&r->json, doc, len, err, sizeof(err)) < 0) {
		diag_error("%s", err);
		rc = -1;
	}
	free(doc);
	return rc;
}

int report_saved(const char *results, const char *dir, int force, char *err,
                 size_t errlen)
{
	struct results res;
	int rc;

	if (reportdir_check(dir, force, NULL, err, errlen) < 0 ||
	    results_load(&res, results, err, errlen) < 0)
		return -1;
	rc = reportdir_write(dir, &res, res.text, res.text_len, err, errlen);
	results_free(&res);
	return rc;
}

void report_plan(FILE *out, const struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ncells; i++) {
		const struct cell *c = &plan->cells[i];
		char params[128];

		report_cell_params(plan, c, params, sizeof(params));
		cell_name(out, plan, c, params);
		fprintf(out, "%u repeat%s of %u loop%s (", plan->repeat,
		        plan->repeat == 1 ? "" : "s", plan->loops,
		        plan->loops == 1 ? "" : "s");
		diag_put(out, c->plugin->path);
		fputs(")\n", out);
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * report: what a run prints: one timeit-style line per cell, the
 * comparison per (url count, concurrency), and the JSON results file.
 */
#include "config.h"

#include "report.h"

#include "json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void format_latency(const struct latency_spec *spec, char *buf,
                           size_t len)
{
	int n = latency_format(spec, buf, len);

	if (spec->model == LATENCY_FIXED && n > 0 && (size_t)n + 2 < len)
		strcat(buf, "ms");
}

int report_cell_params(const struct scenario *scn, const struct cell *cell,
                       char *buf, size_t len)
{
	char latency[64] = "", urls[32];

	if (scenario_uses_server(scn) && scn->latency_len > 1) {
		strcpy(latency, "latency=");
		format_latency(&scn->latencies[cell->latency],
		               latency + strlen(latency),
		               sizeof(latency) - strlen(latency) - 1);
		strcat(latency, " ");
	}
	if (scn->has_discover)
		snprintf(urls, sizeof(urls), "discovered");
	else
		snprintf(urls, sizeof(urls), "%" PRIu64, cell->urls);
	return snprintf(buf, len, "%surls=%s concurrency=%u", latency, urls,
	                cell->concurrency);
}

void report_cell(FILE *out, const struct run_config *cfg,
                 const struct cell *cell, const struct cell_result *res)
{
	const struct summary *s = &res->summary;
	char best[32], mean[32], median[32], sd[32], rss[32], params[128];
	const char *unit;
	double scale;

	report_cell_params(cfg->scn, cell, params, sizeof(params));
	fprintf(out, "%s: %s %s: ", cfg->scn->name, cell->spec->label, params);
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
	        cfg->loops, cfg->loops == 1 ? "" : "s", s->n, best, mean,
	        median, sd, rss);
	if (cfg->scn->check.match)
		fprintf(out, "  %" PRIu64 " matches of /%s/ per loop\n",
		        res->matches_per_loop, cfg->scn->check.match);
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

static void compare_group(FILE *out, const struct scenario *scn,
                          struct ranked *group, size_t n)
{
	double fastest;
	char t[32], params[128];
	size_t i;

	qsort(group, n, sizeof(*group), by_best);
	report_cell_params(scn, group[0].cell, params, sizeof(params));
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

void report_comparison(FILE *out, const struct scenario *scn,
                       const struct cell *cells,
                       const struct cell_result *results, size_t n)
{
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
			compare_group(out, scn, group, len);
		i += len;
	}
	free(group);
}

static void json_seconds(struct json_out *w, const char *key, double v,
                         int have)
{
	json_out_key(w, key);
	if (have)
		json_out_double(w, v);
	else
		json_out_null(w);
}

static void json_cell(struct json_out *w, const struct run_config *cfg,
                      const struct cell *cell, const struct cell_result *res)
{
	const struct summary *s = &res->summary;
	int have = res->repeats_done > 0;
	size_t i;

	json_out_begin_object(w);
	json_out_key(w, "strategy");
	json_out_string(w, cell->spec->label);
	json_out_key(w, "plugin");
	json_out_string(w, cell->plugin->desc->name);
	json_out_key(w, "urls");
	if (cfg->scn->has_discover)
		json_out_string(w, "discovered");
	else
		json_out_u64(w, cell->urls);
	if (scenario_uses_server(cfg->scn)) {
		char latency[64];
		format_latency(&cfg->scn->latencies[cell->latency], latency,
		               sizeof(latency));
		json_out_key(w, "latency");
		json_out_string(w, latency);
	}
	json_out_key(w, "concurrency");
	json_out_u64(w, cell->concurrency);
	json_out_key(w, "repeat");
	json_out_u64(w, cfg->repeat);
	json_out_key(w, "loops");
	json_out_u64(w, cfg->loops);
	json_out_key(w, "times_s");
	json_out_begin_array(w);
	for (i = 0; i < res->repeats_done; i++)
		json_out_double(w, res->times[i]);
	json_out_end_array(w);
	json_seconds(w, "best_s", s->best, have);
	json_seconds(w, "mean_s", s->mean, have);
	json_seconds(w, "median_s", s->median, have);
	json_seconds(w, "stdev_s", s->stdev, have);
	json_out_key(w, "requests_ok");
	json_out_u64(w, res->requests_ok);
	json_out_key(w, "requests_failed");
	json_out_u64(w, res->requests_failed);
	json_out_key(w, "bytes");
	json_out_u64(w, res->bytes);
	json_out_key(w, "peak_rss_bytes");
	json_out_u64(w, res->peak_rss);
	json_out_key(w, "status");
	json_out_string(w,
	                res->ran || res->status[0] ? res->status : "not run");
	json_out_key(w, "jobs_per_loop");
	json_out_u64(w, res->jobs_per_loop);
	json_out_key(w, "matches_per_loop");
	json_out_u64(w, res->matches_per_loop);
	json_out_key(w, "failures");
	json_out_begin_object(w);
	for (i = 0; i < JOB_FAIL_KINDS; i++) {
		json_out_key(w, jobs_failure_name((enum job_failure)i));
		json_out_u64(w, res->failures[i]);
	}
	json_out_end_object(w);
	if (res->has_server_stats) {
		const struct server_stats *sv = &res->server;
		json_out_key(w, "server");
		json_out_begin_object(w);
		json_out_key(w, "requests");
		json_out_u64(w, sv->requests);
		json_out_key(w, "max_in_flight");
		json_out_u64(w, sv->max_in_flight);
		json_out_key(w, "faults_status");
		json_out_u64(w, sv->faults_status);
		json_out_key(w, "faults_close");
		json_out_u64(w, sv->faults_close);
		json_out_key(w, "faults_stall");
		json_out_u64(w, sv->faults_stall);
		json_out_key(w, "request_digest");
		json_out_string(w, sv->digest);
		json_out_end_object(w);
	}
	json_out_end_object(w);
}

/* The results: each cell's members on a line of their own, what they
 * hold (lists, counts by kind) on that line. */
#define RESULTS_PRETTY_DEPTH 3

int report_json(FILE *out, const struct run_config *cfg,
                const struct cell *cells, const struct cell_result *results,
                size_t n)
{
	struct json_out w;
	const char *text;
	size_t i, len;

	json_out_init(&w, RESULTS_PRETTY_DEPTH);
	json_out_begin_object(&w);
	json_out_key(&w, "scenario");
	json_out_string(&w, cfg->scn->name);
	json_out_key(&w, "file");
	json_out_string(&w, cfg->scn->path);
	json_out_key(&w, "concbench_version");
	json_out_string(&w, PACKAGE_VERSION);
	json_out_key(&w, "cells");
	json_out_begin_array(&w);
	for (i = 0; i < n; i++)
		json_cell(&w, cfg, &cells[i], &results[i]);
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

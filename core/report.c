/* SPDX-License-Identifier: MIT */
/*
 * report: what a run prints: one timeit-style line per cell, the
 * comparison per (url count, concurrency), and the JSON results file.
 */
#include "config.h"

#include "report.h"

#include <inttypes.h>
#include <math.h>
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

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_seconds(FILE *out, double v, int have)
{
	if (have && isfinite(v))
		fprintf(out, "%.9g", v);
	else
		fputs("null", out);
}

static void json_cell(FILE *out, const struct run_config *cfg,
                      const struct cell *cell, const struct cell_result *res)
{
	const struct summary *s = &res->summary;
	int have = res->repeats_done > 0;
	size_t i;

	fputs("    {\"strategy\": ", out);
	json_string(out, cell->spec->label);
	fputs(", \"plugin\": ", out);
	json_string(out, cell->plugin->desc->name);
	if (cfg->scn->has_discover)
		fputs(", \"urls\": \"discovered\"", out);
	else
		fprintf(out, ", \"urls\": %" PRIu64, cell->urls);
	if (scenario_uses_server(cfg->scn)) {
		char latency[64];
		format_latency(&cfg->scn->latencies[cell->latency], latency,
		               sizeof(latency));
		fputs(", \"latency\": ", out);
		json_string(out, latency);
	}
	fprintf(out,
	        ", \"concurrency\": %u, \"repeat\": %u, \"loops\": %u,\n"
	        "     \"times_s\": [",
	        cell->concurrency, cfg->repeat, cfg->loops);
	for (i = 0; i < res->repeats_done; i++) {
		if (i)
			fputs(", ", out);
		json_seconds(out, res->times[i], 1);
	}
	fputs("], \"best_s\": ", out);
	json_seconds(out, s->best, have);
	fputs(", \"mean_s\": ", out);
	json_seconds(out, s->mean, have);
	fputs(", \"median_s\": ", out);
	json_seconds(out, s->median, have);
	fputs(", \"stdev_s\": ", out);
	json_seconds(out, s->stdev, have);
	fprintf(out,
	        ",\n     \"requests_ok\": %" PRIu64
	        ", \"requests_failed\": %" PRIu64 ", \"bytes\": %" PRIu64
	        ", \"peak_rss_bytes\": %" PRIu64 ", \"status\": ",
	        res->requests_ok, res->requests_failed, res->bytes,
	        res->peak_rss);
	json_string(out, res->ran || res->status[0] ? res->status : "not run");
	fprintf(out,
	        ",\n     \"jobs_per_loop\": %" PRIu64
	        ", \"matches_per_loop\": %" PRIu64 ", \"failures\": {",
	        res->jobs_per_loop, res->matches_per_loop);
	for (i = 0; i < JOB_FAIL_KINDS; i++)
		fprintf(out, "%s\"%s\": %" PRIu64, i ? ", " : "",
		        jobs_failure_name((enum job_failure)i),
		        res->failures[i]);
	fputc('}', out);
	if (res->has_server_stats) {
		const struct server_stats *sv = &res->server;
		fprintf(out,
		        ",\n     \"server\": {\"requests\": %" PRIu64
		        ", \"max_in_flight\": %" PRIu64
		        ", \"faults_status\": %" PRIu64
		        ", \"faults_close\": %" PRIu64
		        ", \"faults_stall\": %" PRIu64 ", \"request_digest\": ",
		        sv->requests, sv->max_in_flight, sv->faults_status,
		        sv->faults_close, sv->faults_stall);
		json_string(out, sv->digest);
		fputc('}', out);
	}
	fputc('}', out);
}

int report_json(FILE *out, const struct run_config *cfg,
                const struct cell *cells, const struct cell_result *results,
                size_t n)
{
	size_t i;

	fputs("{\n  \"scenario\": ", out);
	json_string(out, cfg->scn->name);
	fputs(",\n  \"file\": ", out);
	json_string(out, cfg->scn->path);
	fputs(",\n  \"concbench_version\": ", out);
	json_string(out, PACKAGE_VERSION);
	fputs(",\n  \"cells\": [\n", out);
	for (i = 0; i < n; i++) {
		json_cell(out, cfg, &cells[i], &results[i]);
		fputs(i + 1 < n ? ",\n" : "\n", out);
	}
	fputs("  ]\n}\n", out);
	fflush(out);
	return ferror(out) ? -1 : 0;
}

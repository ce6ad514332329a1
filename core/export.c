/* SPDX-License-Identifier: MIT */
/*
 * export: a run's results in the formats other tools read or people look
 * at, one writer per format.
 */
#include "config.h"

#include "export.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "json.h"
#include "results.h"
#include "servercounts.h"
#include "stats.h"

const char *const export_csv_columns[] = {"strategy",
                                          "latency",
                                          "urls",
                                          "concurrency",
                                          "repeat",
                                          "loops",
                                          "best_s",
                                          "mean_s",
                                          "median_s",
                                          "stdev_s",
                                          "requests_per_s",
                                          "p50_ms",
                                          "p90_ms",
                                          "p99_ms",
                                          "max_ms",
                                          "cpu_us_per_request",
                                          "peak_rss_bytes",
                                          "connections_per_loop",
                                          "setup_s",
                                          "efficiency",
                                          "server_busy_fraction",
                                          "status",
                                          NULL};

static int done(FILE *out)
{
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ---- CSV ------------------------------------------------------------------
 */

/* A field, quoted when it holds a comma, a quote or a line break. */
static void csv_text(FILE *out, const char *s, int last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

/* A number as JSON writes it; empty for NAN. */
static void csv_number(FILE *out, double v)
{
	if (!isnan(v))
		fprintf(out, "%.9g", v);
	fputc(',', out);
}

int export_csv(FILE *out, const struct results *r)
{
	size_t i;

	for (i = 0; export_csv_columns[i]; i++)
		csv_text(out, export_csv_columns[i],
		         !export_csv_columns[i + 1]);
	for (i = 0; i < r->ncells; i++) {
		const struct result_cell *c = &r->cells[i];

		csv_text(out, c->strategy, 0);
		csv_text(out, c->latency, 0);
		if (c->discovered)
			csv_text(out, "discovered", 0);
		else
			csv_number(out, c->urls);
		fprintf(out, "%u,%u,%u,", c->concurrency, c->repeat, c->loops);
		csv_number(out, c->best_s);
		csv_number(out, c->mean_s);
		csv_number(out, c->median_s);
		csv_number(out, c->stdev_s);
		csv_number(out, c->requests_per_s);
		csv_number(out, c->p50_ms);
		csv_number(out, c->p90_ms);
		csv_number(out, c->p99_ms);
		csv_number(out, c->max_ms);
		csv_number(out, c->cpu_us_per_request);
		csv_number(out, c->peak_rss_bytes);
		csv_number(out, c->connections_per_loop);
		csv_number(out, c->setup_s);
		csv_number(out, c->efficiency);
		csv_number(out, c->server_busy_fraction);
		csv_text(out, c->status, 1);
	}
	return done(out);
}

/* ---- tables ------------------------------------------------------------- */

/* A cell of a table: "107 msec", "FAILED", with how much slower, and
 * whether the server was saturated. */
static void table_cell(const struct result_cell *c, double fastest,
                       int markdown, char *buf, size_t len)
{
	const char *saturated = "";
	char t[32];

	if (!c->ok || isnan(c->best_s)) {
		snprintf(buf, len, "FAILED");
		return;
	}
	if (c->server_saturated)
		saturated = markdown ? " (server saturated)" : "!";
	stats_format_time(c->best_s, t, sizeof(t));
	if (c->best_s <= fastest)
		snprintf(buf, len, markdown ? "**%s**%s" : "*%s%s", t,
		         saturated);
	else if (markdown)
		snprintf(buf, len, "%s (%.2f x)%s", t, c->best_s / fastest,
		         saturated);
	else
		snprintf(buf, len, " %s%s", t, saturated);
}

/* Markdown text: '|' and line breaks would end the cell. */
static void md_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_')
			fputc('\\', out);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
	}
}

/* " X |": a figure of a cell (%.3g, or with two decimals), "-" if it
 * has none. */
static void md_number(FILE *out, double x, int two_decimals)
{
	fputc(' ', out);
	if (isnan(x))
		fputc('-', out);
	else if (two_decimals)
		fprintf(out, "%.2f", x);
	else
		fprintf(out, "%.3g", x);
	fputs(" |", out);
}

int export_markdown(FILE *out, const struct results *r)
{
	char buf[160], t[32];
	size_t g, row, i;

	fputs("# ", out);
	md_text(out, r->scenario);
	fputs("\n", out);
	for (g = 0; g < r->ncells; g = results_group_end(r, g)) {
		size_t end = results_group_end(r, g), first_row_end;

		results_group_title(r, &r->cells[g], buf, sizeof(buf));
		fprintf(out, "\n## %s\n\n| concurrency |", buf);
		first_row_end = results_row_end(r, g);
		for (i = g; i < first_row_end; i++) {
			fputc(' ', out);
			md_text(out, r->cells[i].strategy);
			fputs(" |", out);
		}
		fputs("\n|---:|", out);
		for (i = g; i < first_row_end; i++)
			fputs("---:|", out);
		fputc('\n', out);
		for (row = g; row < end; row = results_row_end(r, row)) {
			size_t row_end = results_row_end(r, row);
			double fastest = results_row_fastest(r, row, row_end);

			fprintf(out, "| %u |", r->cells[row].concurrency);
			for (i = row; i < row_end; i++) {
				table_cell(&r->cells[i], fastest, 1, buf,
				           sizeof(buf));
				fprintf(out, " %s |", buf);
			}
			fputc('\n', out);
		}
	}
	if (r->any_saturated)
		fprintf(out, "\n" EXPORT_SATURATED_NOTE "\n", SERVER_SATURATED);
	fputs("\n## Cells\n\n| cell | best | p50 ms | p90 ms | p99 ms | max "
	      "ms | CPU us/request | peak RSS | connections/loop | setup | "
	      "efficiency | server busy | status |\n"
	      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	      "\n",
	      out);
	for (i = 0; i < r->ncells; i++) {
		const struct result_cell *c = &r->cells[i];

		fputs("| ", out);
		md_text(out, c->name);
		if (isnan(c->best_s))
			fputs(" | - |", out);
		else {
			stats_format_time(c->best_s, t, sizeof(t));
			fprintf(out, " | %s |", t);
		}
		md_number(out, c->p50_ms, 0);
		md_number(out, c->p90_ms, 0);
		md_number(out, c->p99_ms, 0);
		md_number(out, c->max_ms, 0);
		md_number(out, c->cpu_us_per_request, 0);
		export_format_bytes(c->peak_rss_bytes, t, sizeof(t));
		fprintf(out, " %s |", t);
		md_number(out, c->connections_per_loop, 0);
		if (isnan(c->setup_s))
			fputs(" - |", out);
		else {
			stats_format_duration(c->setup_s, t, sizeof(t));
			fprintf(out, " %s |", t);
		}
		md_number(out, c->efficiency, 1);
		md_number(out, c->server_busy_fraction, 1);
		fputc(' ', out);
		md_text(out, c->status);
		fputs(" |\n", out);
	}
	return done(out);
}

void export_format_bytes(double bytes, char *buf, size_t len)
{
	if (isnan(bytes))
		snprintf(buf, len, "-");
	else
		stats_format_bytes((uint64_t)bytes, buf, len);
}

int export_matrix(FILE *out, const struct results *r)
{
	char title[160], cellbuf[64], label[64];
	size_t g, row, i;
	int width = 0;

	/* One strategy has nothing to compare: its lines say it all. */
	if (!r->ncells || results_row_end(r, 0) < 2)
		return 0;

	/* One width for every column: the longest strategy or time. */
	for (i = 0; i < r->ncells; i++) {
		int n = (int)diag_escape(label, sizeof(label),
		                         r->cells[i].strategy);

		if (n > width)
			width = n;
	}
	if (width < 12)
		width = 12;
	for (g = 0; g < r->ncells; g = results_group_end(r, g)) {
		size_t end = results_group_end(r, g), first_row_end;

		results_group_title(r, &r->cells[g], title, sizeof(title));
		first_row_end = results_row_end(r, g);
		fprintf(out, "%s:\n  %-14s", title, "concurrency");
		for (i = g; i < first_row_end; i++) {
			diag_escape(label, sizeof(label), r->cells[i].strategy);
			fprintf(out, " %*s", width, label);
		}
		fputc('\n', out);
		for (row = g; row < end; row = results_row_end(r, row)) {
			size_t row_end = results_row_end(r, row);
			double fastest = results_row_fastest(r, row, row_end);

			fprintf(out, "  %-14u", r->cells[row].concurrency);
			for (i = row; i < row_end; i++) {
				table_cell(&r->cells[i], fastest, 0, cellbuf,
				           sizeof(cellbuf));
				fprintf(out, " %*s", width, cellbuf);
			}
			fputc('\n', out);
		}
	}
	if (r->any_saturated)
		fprintf(out,
		        "  ! the test server was saturated (busy more than "
		        "%.2f of its threads' time): the cell may measure "
		        "the server, not the strategy\n",
		        SERVER_SATURATED);
	return done(out);
}

/* ---- memory_profiler and HdrHistogram ----------------------------------- */

int export_mprof(FILE *out, const struct results *r,
                 const struct result_cell *c)
{
	const struct json_value *cmd = json_get(r->environment, "command_line");
	size_t i;

	fputs("CMDLINE", out);
	for (i = 0; i < json_len(cmd); i++)
		fprintf(out, " %s", json_str(json_item(cmd, i)));
	fprintf(out, " (%s)\n", c->name);
	for (i = 0; i < json_len(c->memory); i++) {
		const struct json_value *s = json_item(c->memory, i);

		fprintf(out, "MEM %.6f %.4f\n",
		        json_number(json_item(s, 1)) / 1048576.0,
		        c->memory_start_unix + json_number(json_item(s, 0)));
	}
	return done(out);
}

/* The reporting percentiles of HdrHistogram's percentile iteration with
 * 5 ticks per half distance: 0, 10, ..., 50, 55, ..., 75, 77.5, ... */
static double next_level(double p)
{
	double ticks = 5 * pow(2, floor(log2(100 / (100 - p))) + 1);

	return p + 100 / ticks;
}

int export_hgrm(FILE *out, const struct result_cell *c)
{
	const struct json_value *h = c->histogram;
	double total = 0, seen = 0, level = 0, sum = 0, sq = 0, mean, max = 0;
	size_t i, buckets = 0;

	for (i = 0; i < json_len(h); i++)
		total += json_number(json_item(json_item(h, i), 1));
	fprintf(out, "%12s %14s %10s %14s\n\n", "Value", "Percentile",
	        "TotalCount", "1/(1-Percentile)");
	for (i = 0; i < json_len(h) && total > 0; i++) {
		const struct json_value *b = json_item(h, i);
		double value = json_number(json_item(b, 0)) / 1000;
		double n = json_number(json_item(b, 1));

		seen += n;
		sum += value * n;
		max = value;
		/* a line at each reporting level the count reaches here */
		while (level < 100 && seen / total * 100 >= level) {
			double p = seen >= total ? 1 : level / 100;

			fprintf(out, "%12.3f %2.12f %10.0f %14.2f\n", value, p,
			        seen, p < 1 ? 1 / (1 - p) : INFINITY);
			if (seen >= total)
				level = 100;
			else
				level = next_level(level);
		}
	}
	mean = total > 0 ? sum / total : 0;
	for (i = 0; i < json_len(h); i++) {
		const struct json_value *b = json_item(h, i);
		double d = json_number(json_item(b, 0)) / 1000 - mean;

		sq += d * d * json_number(json_item(b, 1));
		buckets++;
	}
	fprintf(out, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", mean,
	        total > 0 ? sqrt(sq / total) : 0);
	fprintf(out, "#[Max     = %12.3f, Total count    = %12.0f]\n", max,
	        total);
	fprintf(out, "#[Buckets = %12zu, SubBuckets     = %12d]\n", buckets,
	        256);
	return done(out);
}

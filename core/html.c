/* SPDX-License-Identifier: MIT */
/*
 * html: the report directory's index.html, one self-contained page.
 */
#include "config.h"

#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "json.h"
#include "plots.h"
#include "results.h"
#include "servercounts.h"
#include "stats.h"

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "max-width:1200px;margin:2em auto;padding:0 1em;color:#222;"
    "line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:0.2em}h2{margin-top:1.6em;"
    "border-bottom:1px solid #ccc}\n"
    "table{border-collapse:collapse;margin:0.6em 0 1.2em;font-size:0.9em}\n"
    "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}\n"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}\n"
    "td.best{font-weight:bold;background:#eaf6ea}td.failed{color:#b00}\n"
    "td.saturated,p.saturated{color:#8a5a00}\n"
    "figure{margin:1em 0;page-break-inside:avoid}\n"
    "figure svg{max-width:100%;height:auto}\n"
    "figcaption{font-size:0.9em;color:#555}\n"
    "code{font-size:0.9em}.meta td{text-align:left}\n"
    "@media print{body{max-width:none;margin:0;font-size:10pt}"
    "h2{page-break-after:avoid}table{page-break-inside:avoid}}\n";

/* Text as HTML: markup characters escaped. */
static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			fputc(*s, out);
		}
}

static void meta_row(FILE *out, const char *key, const char *value)
{
	fputs("<tr><th class=\"l\">", out);
	esc(out, key);
	fputs("</th><td>", out);
	esc(out, value);
	fputs("</td></tr>\n", out);
}

static void environment(FILE *out, const struct results *r)
{
	const struct json_value *env = r->environment;
	size_t i, k;
	char num[64];

	fputs("<h2>Scenario and environment</h2>\n<table class=\"meta\">\n",
	      out);
	meta_row(out, "scenario", r->scenario);
	meta_row(out, "file", r->file);
	meta_row(out, "concbench", r->version);
	for (i = 0; i < json_len(env); i++) {
		const struct json_value *v = json_item(env, i);

		if (v->type == JSON_STRING) {
			meta_row(out, env->keys[i], v->string);
		} else if (v->type == JSON_NUMBER) {
			snprintf(num, sizeof(num), "%.0f", v->number);
			meta_row(out, env->keys[i], num);
		} else if (v->type == JSON_ARRAY) {
			fputs("<tr><th class=\"l\">", out);
			esc(out, env->keys[i]);
			fputs("</th><td><code>", out);
			for (k = 0; k < json_len(v); k++) {
				if (k)
					fputc(' ', out);
				esc(out, json_str(json_item(v, k)));
			}
			fputs("</code></td></tr>\n", out);
		}
	}
	fputs("</table>\n", out);
}

/* Per latency and URL count: concurrencies by strategies. */
static void matrix(FILE *out, const struct results *r)
{
	char title[200], t[32];
	size_t g, row, i;

	fputs("<h2>Best time per loop</h2>\n"
	      "<p>Each cell the best repeat's time per loop; the fastest of "
	      "each row in bold, the others with how many times slower.</p>\n",
	      out);
	for (g = 0; g < r->ncells; g = results_group_end(r, g)) {
		results_group_title(r, &r->cells[g], title, sizeof(title));
		fputs("<h3>", out);
		esc(out, title);
		fputs("</h3>\n<table>\n<tr><th>concurrency</th>", out);
		for (i = g; i < results_row_end(r, g); i++) {
			fputs("<th>", out);
			esc(out, r->cells[i].strategy);
			fputs("</th>", out);
		}
		fputs("</tr>\n", out);
		for (row = g; row < results_group_end(r, g);
		     row = results_row_end(r, row)) {
			double fastest = results_row_fastest(
			    r, row, results_row_end(r, row));
			fprintf(out, "<tr><td>%u</td>",
			        r->cells[row].concurrency);
			for (i = row; i < results_row_end(r, row); i++) {
				const struct result_cell *c = &r->cells[i];

				if (!c->ok || isnan(c->best_s)) {
					fputs(
					    "<td class=\"failed\">FAILED</td>",
					    out);
					continue;
				}
				stats_format_time(c->best_s, t, sizeof(t));
				static const char *const td[] = {
				    "<td>", "<td class=\"best\">",
				    "<td class=\"saturated\">",
				    "<td class=\"best saturated\">"};

				fprintf(out, "%s%s",
				        td[(c->best_s <= fastest) |
				           c->server_saturated << 1],
				        t);
				if (c->best_s > fastest)
					fprintf(out, " (%.2f&times;)",
					        c->best_s / fastest);
				fputs(c->server_saturated
				          ? " (server saturated)</td>"
				          : "</td>",
				      out);
			}
			fputs("</tr>\n", out);
		}
		fputs("</table>\n", out);
	}
	if (r->any_saturated)
		fprintf(out,
		        "<p class=\"saturated\">" EXPORT_SATURATED_NOTE
		        "</p>\n",
		        SERVER_SATURATED);
}

/* A figure to `digits` significant digits, or a dash. */
static void number_cell(FILE *out, int digits, double v)
{
	if (isnan(v))
		fputs("<td>&ndash;</td>", out);
	else
		fprintf(out, "<td>%.*g</td>", digits, v);
}

static void cells(FILE *out, const struct results *r)
{
	char t[32];
	size_t i;

	fputs("<h2>Cells</h2>\n<table>\n<tr><th class=\"l\">cell</th>"
	      "<th>best</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th>"
	      "<th>max ms</th><th>CPU us/request</th><th>peak RSS</th>"
	      "<th>connections/loop</th><th>requests/s</th><th>efficiency"
	      "</th><th>server busy</th><th class=\"l\">status</th></tr>\n",
	      out);
	for (i = 0; i < r->ncells; i++) {
		const struct result_cell *c = &r->cells[i];

		fputs("<tr><td class=\"l\">", out);
		esc(out, c->name);
		fputs("</td>", out);
		if (isnan(c->best_s)) {
			fputs("<td>&ndash;</td>", out);
		} else {
			stats_format_time(c->best_s, t, sizeof(t));
			fprintf(out, "<td>%s</td>", t);
		}
		number_cell(out, 3, c->p50_ms);
		number_cell(out, 3, c->p90_ms);
		number_cell(out, 3, c->p99_ms);
		number_cell(out, 3, c->max_ms);
		number_cell(out, 3, c->cpu_us_per_request);
		export_format_bytes(c->peak_rss_bytes, t, sizeof(t));
		fprintf(out, "<td>%s</td>", t);
		number_cell(out, 3, c->connections_per_loop);
		number_cell(out, 6, c->requests_per_s);
		number_cell(out, 2, c->efficiency);
		number_cell(out, 2, c->server_busy_fraction);
		fprintf(out, "<td class=\"l%s\">", c->ok ? "" : " failed");
		esc(out, c->status);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* plots/NAME.svg inline, without its XML declaration; 0 if it is not
 * there. */
static int inline_svg(FILE *out, const char *dir, const char *name)
{
	char path[4096], *svg = NULL, *start;
	size_t len = 0, got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/plots/%s.svg", dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fseek(f, 0, SEEK_END) == 0 && (len = (size_t)ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0)
		svg = malloc(len + 1);
	got = svg ? fread(svg, 1, len, f) : 0;
	fclose(f);
	if (!svg)
		return 0;
	svg[got] = '\0';
	start = strstr(svg, "<svg");
	if (start)
		fputs(start, out);
	free(svg);
	return start != NULL;
}

static void figures(FILE *out, const char *dir)
{
	size_t p;
	int any = 0;

	fputs("<h2>Plots</h2>\n", out);
	for (p = 0; plots_all[p].name; p++) {
		fputs("<figure>\n", out);
		if (!inline_svg(out, dir, plots_all[p].name)) {
			fputs("</figure>\n", out);
			continue;
		}
		any = 1;
		fprintf(out,
		        "\n<figcaption>%s <a href=\"plots/%s.svg\">%s.svg"
		        "</a>, drawn by <code>gnuplot plots/%s.gp</code>."
		        "</figcaption>\n</figure>\n",
		        plots_all[p].caption, plots_all[p].name,
		        plots_all[p].name, plots_all[p].name);
	}
	if (!any)
		fputs(
		    "<p>The plots were not drawn (gnuplot was not found); "
		    "their scripts and data are in <code>plots/</code>.</p>\n",
		    out);
}

static void files(FILE *out)
{
	fputs("<h2>Files</h2>\n<ul>\n"
	      "<li><a href=\"results.json\">results.json</a>: every figure "
	      "(concbench(1), JSON OUTPUT)</li>\n"
	      "<li><a href=\"results.csv\">results.csv</a> and <a "
	      "href=\"results.md\">results.md</a></li>\n"
	      "<li><code>memory/CELL.dat</code>: memory over time, for "
	      "<code>mprof plot</code></li>\n"
	      "<li><code>latency/CELL.hgrm</code>: latency percentiles, for "
	      "HdrHistogram's plotter</li>\n"
	      "<li><code>plots/</code>: each plot's gnuplot script, data and "
	      "SVG</li>\n</ul>\n",
	      out);
}

int html_write(const char *dir, const struct results *r, char *err,
               size_t errlen)
{
	char path[4096];
	FILE *out;
	int bad;

	snprintf(path, sizeof(path), "%s/index.html", dir);
	out = fopen(path, "w");
	if (!out) {
		snprintf(err, errlen, "%s: cannot write: %s", path,
		         strerror(errno));
		return -1;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	esc(out, r->scenario);
	fprintf(out,
	        " &ndash; concbench report</title>\n<style>\n%s</style>\n"
	        "</head>\n<body>\n<h1>",
	        style);
	esc(out, r->scenario);
	fputs("</h1>\n<p>concbench report: each strategy measured in a fresh "
	      "process, best of the repeats.</p>\n",
	      out);
	matrix(out, r);
	cells(out, r);
	figures(out, dir);
	environment(out, r);
	files(out);
	fputs("</body>\n</html>\n", out);
	bad = ferror(out);
	bad |= fclose(out) != 0;
	if (bad)
		snprintf(err, errlen, "%s: write failed: %s", path,
		         strerror(errno));
	return bad ? -1 : 0;
}

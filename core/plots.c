/* SPDX-License-Identifier: MIT */
/*
 * plots: the report's pictures, as gnuplot scripts and data beside them,
 * rendered to SVG by gnuplot when it is there.
 */
#include "config.h"

#include "plots.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "json.h"
#include "results.h"
#include "subproc.h"

const struct plot_info plots_all[] = {
    {"memory", "Memory over time: the measurement process's resident set "
               "and its workers' private memory, one line per strategy."},
    {"times", "Best time per loop of each cell, with the fastest and "
              "slowest repeat as whiskers."},
    {"scaling", "Best time against concurrency, one line per strategy."},
    {"latency", "Latency by percentile, on HdrHistogram's axis: 10 is the "
                "90th percentile, 100 the 99th, 1000 the 99.9th."},
    {"cpu", "CPU time (user and system) per request of the best repeat."},
    {NULL, NULL}};

/* Panels of a multiplot: as square as they come. */
#define PANEL_W 420
#define PANEL_H 300

struct plot_files {
	FILE *gp, *dat;
	size_t blocks; /* data blocks written, for gnuplot's index */
	size_t series; /* plot clauses in the current plot command */
};

static void gp_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

static int open_plot(struct plot_files *pf, const char *dir, const char *name,
                     char *err, size_t errlen)
{
	char path[4096];

	memset(pf, 0, sizeof(*pf));
	snprintf(path, sizeof(path), "%s/%s.gp", dir, name);
	pf->gp = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	pf->dat = pf->gp ? fopen(path, "w") : NULL;
	if (!pf->gp || !pf->dat) {
		snprintf(err, errlen, "%s: cannot write: %s", path,
		         strerror(errno));
		if (pf->gp)
			fclose(pf->gp);
		return -1;
	}
	return 0;
}

static int close_plot(struct plot_files *pf, char *err, size_t errlen)
{
	int bad = ferror(pf->gp) || ferror(pf->dat);

	bad |= fclose(pf->gp) != 0;
	bad |= fclose(pf->dat) != 0;
	if (bad)
		snprintf(err, errlen, "cannot write a plot: %s",
		         strerror(errno));
	return bad ? -1 : 0;
}

/* The script's head: SVG of w x h, data separated by tabs. */
static void gp_head(struct plot_files *pf, const char *name,
                    const struct results *r, const char *what, size_t panels)
{
	size_t cols = panels ? (size_t)ceil(sqrt((double)panels)) : 1;
	size_t rows = panels ? (panels + cols - 1) / cols : 1;
	/* One panel alone is drawn wider, so that its text is no larger than
	 * the panels' of the other plots on the same page. */
	size_t w = panels > 1 ? cols * PANEL_W + 160 : 2 * PANEL_W + 160;
	size_t h = panels > 1 ? rows * PANEL_H + 40 : PANEL_H + 120;

	fprintf(pf->gp, "# concbench: %s of ", name);
	gp_string(pf->gp, r->scenario);
	fprintf(pf->gp,
	        "\n# Re-render with: gnuplot %s.gp (data in %s.dat)\n"
	        "set terminal svg size %zu,%zu dynamic noenhanced font "
	        "\"sans,10\" background rgb \"white\"\n"
	        "set output \"%s.svg\"\n"
	        "set datafile separator \"\\t\"\n"
	        "set key outside right top box\n"
	        "set grid\n",
	        name, name, w, h, name);
	if (panels > 1) {
		fprintf(pf->gp, "set multiplot layout %zu,%zu title ", rows,
		        cols);
		gp_string(pf->gp, r->scenario);
		fprintf(pf->gp, " . \": %s\"\n", what);
	} else {
		fputs("set title ", pf->gp);
		gp_string(pf->gp, r->scenario);
		fprintf(pf->gp, " . \": %s\"\n", what);
	}
}

/* Begin a data block; its index for `plot ... index N`. */
static size_t block(struct plot_files *pf, const char *name)
{
	if (pf->blocks)
		fputs("\n\n", pf->dat);
	fprintf(pf->dat, "# %s\n", name);
	return pf->blocks++;
}

/* One clause of a plot command. */
static void clause(struct plot_files *pf, const char *file, size_t index,
                   const char *using, const char *style, const char *title)
{
	fputs(pf->series++ ? ", \\\n     " : "plot ", pf->gp);
	fprintf(pf->gp, "\"%s.dat\" index %zu using %s with %s title ", file,
	        index, using, style);
	gp_string(pf->gp, title);
}

static void end_plot(struct plot_files *pf)
{
	if (pf->series)
		fputc('\n', pf->gp);
	pf->series = 0;
}

static void panel_title(struct plot_files *pf, const struct results *r,
                        const struct result_cell *c, int with_concurrency)
{
	char title[200];

	results_group_title(r, c, title, sizeof(title));
	fputs("set title ", pf->gp);
	if (with_concurrency) {
		char t[240];
		snprintf(t, sizeof(t), "%s concurrency=%u", title,
		         c->concurrency);
		gp_string(pf->gp, t);
	} else {
		gp_string(pf->gp, title);
	}
	fputc('\n', pf->gp);
}

static size_t count_rows(const struct results *r)
{
	size_t n = 0, i;

	for (i = 0; i < r->ncells; i = results_row_end(r, i))
		n++;
	return n;
}

/* ---- memory ---------------------------------------------------------- */

static void plot_memory(struct plot_files *pf, const struct results *r)
{
	size_t row, i, k;

	gp_head(pf, "memory", r, "memory over time", count_rows(r));
	fputs("set xlabel \"seconds since the cell started\"\n"
	      "set ylabel \"MiB\"\nset yrange [0:*]\n",
	      pf->gp);
	for (row = 0; row < r->ncells; row = results_row_end(r, row)) {
		panel_title(pf, r, &r->cells[row], 1);
		for (i = row; i < results_row_end(r, row); i++) {
			const struct result_cell *c = &r->cells[i];
			size_t n = json_len(c->memory), index;

			if (!n)
				continue;
			index = block(pf, c->name);
			for (k = 0; k < n; k++) {
				const struct json_value *s =
				    json_item(c->memory, k);
				fprintf(pf->dat, "%.4f\t%.3f\n",
				        json_number(json_item(s, 0)),
				        json_number(json_item(s, 1)) /
				            1048576.0);
			}
			clause(pf, "memory", index, "1:2", "lines lw 2",
			       c->strategy);
		}
		end_plot(pf);
	}
}

/* ---- times and CPU: a point or bar per strategy per row ---------------- */

/* The strategies in plan order (those of the first row). */
static size_t strategies(const struct results *r)
{
	return r->ncells ? results_row_end(r, 0) : 0;
}

static void xtics(struct plot_files *pf, const struct results *r)
{
	size_t row, n = 0;
	char title[200], label[260];

	fputs("set xtics rotate by -30 (", pf->gp);
	for (row = 0; row < r->ncells; row = results_row_end(r, row)) {
		results_group_title(r, &r->cells[row], title, sizeof(title));
		snprintf(label, sizeof(label), "%s c=%u", title,
		         r->cells[row].concurrency);
		if (n)
			fputs(", ", pf->gp);
		gp_string(pf->gp, label);
		fprintf(pf->gp, " %zu", n++);
	}
	fprintf(pf->gp, ")\nset xrange [-0.5:%zu.5]\n", n ? n - 1 : 0);
}

/* Strategy s's x in row n, side by side within the row's slot. */
static double x_of(size_t n, size_t s, size_t ns)
{
	return (double)n +
	       ((double)s - ((double)ns - 1) / 2) * 0.8 / (double)ns;
}

static void plot_bars(struct plot_files *pf, const struct results *r, int times)
{
	size_t ns = strategies(r), s, row, n;

	gp_head(pf, times ? "times" : "cpu", r,
	        times ? "best time per loop" : "CPU per request", 1);
	xtics(pf, r);
	if (times)
		fputs("set ylabel \"seconds per loop\"\nset logscale y\n",
		      pf->gp);
	else
		fprintf(pf->gp,
		        "set ylabel \"CPU microseconds per request\"\n"
		        "set yrange [0:*]\nset boxwidth %.3f\n"
		        "set style fill solid 0.8\n",
		        0.8 / (double)(ns ? ns : 1));
	for (s = 0; s < ns; s++) {
		size_t index = block(pf, r->cells[s].strategy), points = 0;

		for (row = 0, n = 0; row < r->ncells;
		     row = results_row_end(r, row), n++) {
			const struct result_cell *c = &r->cells[row + s];

			if (row + s >= results_row_end(r, row))
				continue;
			if (times && c->ok && !isnan(c->best_s))
				fprintf(pf->dat, "%.4f\t%.9g\t%.9g\t%.9g\n",
				        x_of(n, s, ns), c->best_s, c->min_s,
				        c->max_s);
			else if (!times && !isnan(c->cpu_us_per_request))
				fprintf(pf->dat, "%.4f\t%.6g\n", x_of(n, s, ns),
				        c->cpu_us_per_request);
			else
				continue;
			points++;
		}
		if (!points)
			continue;
		clause(pf, times ? "times" : "cpu", index,
		       times ? "1:2:3:4" : "1:2",
		       times ? "yerrorbars pt 7 ps 0.8 lw 2" : "boxes",
		       r->cells[s].strategy);
	}
	end_plot(pf);
}

/* ---- scaling ------------------------------------------------------------ */

/* Whether some group has several concurrencies. */
static int several_concurrencies(const struct results *r)
{
	size_t g;

	for (g = 0; g < r->ncells; g = results_group_end(r, g))
		if (results_row_end(r, g) < results_group_end(r, g))
			return 1;
	return 0;
}

static size_t count_groups(const struct results *r)
{
	size_t n = 0, g;

	for (g = 0; g < r->ncells; g = results_group_end(r, g))
		n++;
	return n;
}

static void plot_scaling(struct plot_files *pf, const struct results *r)
{
	size_t ns = strategies(r), g, s, i;

	gp_head(pf, "scaling", r, "time against concurrency", count_groups(r));
	fputs("set xlabel \"concurrency\"\nset ylabel \"seconds per loop\"\n"
	      "set logscale xy\n",
	      pf->gp);
	for (g = 0; g < r->ncells; g = results_group_end(r, g)) {
		panel_title(pf, r, &r->cells[g], 0);
		for (s = 0; s < ns; s++) {
			size_t index = block(pf, r->cells[g + s].strategy);
			size_t points = 0;

			for (i = g + s; i < results_group_end(r, g); i += ns) {
				const struct result_cell *c = &r->cells[i];

				if (!c->ok || isnan(c->best_s))
					continue;
				fprintf(pf->dat, "%u\t%.9g\n", c->concurrency,
				        c->best_s);
				points++;
			}
			if (points)
				clause(pf, "scaling", index, "1:2",
				       "linespoints pt 7 lw 2",
				       r->cells[g + s].strategy);
		}
		end_plot(pf);
	}
}

/* ---- latency ------------------------------------------------------------ */

static void plot_latency(struct plot_files *pf, const struct results *r)
{
	size_t row, i, k;

	gp_head(pf, "latency", r, "latency by percentile", count_rows(r));
	fputs("set xlabel \"1/(1-percentile)\"\nset ylabel \"milliseconds\"\n"
	      "set logscale x\nset yrange [0:*]\n",
	      pf->gp);
	for (row = 0; row < r->ncells; row = results_row_end(r, row)) {
		panel_title(pf, r, &r->cells[row], 1);
		for (i = row; i < results_row_end(r, row); i++) {
			const struct result_cell *c = &r->cells[i];
			const struct json_value *h = c->histogram;
			double total = 0, seen = 0;
			size_t index;

			for (k = 0; k < json_len(h); k++)
				total +=
				    json_number(json_item(json_item(h, k), 1));
			if (!(total > 0))
				continue;
			index = block(pf, c->name);
			fprintf(pf->dat, "1\t%.3f\n",
			        json_number(json_item(json_item(h, 0), 0)) /
			            1000);
			for (k = 0; k < json_len(h); k++) {
				const struct json_value *b = json_item(h, k);

				seen += json_number(json_item(b, 1));
				if (seen >= total)
					break;
				fprintf(pf->dat, "%.6g\t%.3f\n",
				        1 / (1 - seen / total),
				        json_number(json_item(b, 0)) / 1000);
			}
			clause(pf, "latency", index, "1:2", "steps lw 2",
			       c->strategy);
		}
		end_plot(pf);
	}
}

/* ---- rendering ------------------------------------------------------------
 */

/* Whether an executable `name` is on PATH. */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char file[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(file, sizeof(file), "%.*s/%s", (int)n, path, name);
		if (n && access(file, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

/* gnuplot NAME.gp in dir, its messages appended to dir/gnuplot.log. */
static int render(const char *dir, const char *name)
{
	char script[256];
	int status = 0, log;
	pid_t pid;

	snprintf(script, sizeof(script), "%s.gp", name);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (chdir(dir) < 0)
			_exit(127);
		log = open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND, 0666);
		if (log >= 0) {
			dup2(log, STDOUT_FILENO);
			dup2(log, STDERR_FILENO);
		}
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || subproc_wait(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int plots_write(const char *dir, const struct results *r, int *rendered,
                char *err, size_t errlen)
{
	int gnuplot = on_path("gnuplot"), failed = 0;
	size_t p;

	*rendered = 0;
	for (p = 0; plots_all[p].name; p++) {
		const char *name = plots_all[p].name;
		struct plot_files pf;

		if (strcmp(name, "scaling") == 0 && !several_concurrencies(r))
			continue;
		if (open_plot(&pf, dir, name, err, errlen) < 0)
			return -1;
		if (strcmp(name, "memory") == 0)
			plot_memory(&pf, r);
		else if (strcmp(name, "times") == 0)
			plot_bars(&pf, r, 1);
		else if (strcmp(name, "cpu") == 0)
			plot_bars(&pf, r, 0);
		else if (strcmp(name, "scaling") == 0)
			plot_scaling(&pf, r);
		else
			plot_latency(&pf, r);
		if (pf.blocks == 0)
			fputs("# no data: nothing to plot\n", pf.gp);
		fputs("unset multiplot\n", pf.gp);
		if (close_plot(&pf, err, errlen) < 0)
			return -1;
		if (gnuplot && pf.blocks && render(dir, name) < 0)
			failed = 1;
	}
	if (!gnuplot)
		diag_warn("the plots were not drawn: gnuplot is not on PATH "
		          "(install the Debian package gnuplot-nox); their "
		          "scripts are in %s",
		          dir);
	else if (failed)
		diag_warn("gnuplot failed on some plots; see %s/gnuplot.log",
		          dir);
	*rendered = gnuplot && !failed;
	return 0;
}

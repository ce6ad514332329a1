/* SPDX-License-Identifier: MIT */
/*
 * results: a results document read back for the exports and the report
 * directory.
 */
#include "config.h"

#include "results.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "servercounts.h"

/* A results file of more is not one concbench wrote. */
#define RESULTS_MAX_BYTES (1u << 30)

static double num(const struct json_value *cell, const char *key)
{
	return json_number(json_get(cell, key));
}

static double member(const struct json_value *cell, const char *obj,
                     const char *key)
{
	return json_number(json_get(json_get(cell, obj), key));
}

/* A member that counts something: an integer from 0 to max, else NaN (it
 * is absent, null, or not such a number: a results file may have been
 * written by hand). */
static double count(const struct json_value *cell, const char *key, double max)
{
	double x = num(cell, key);

	return x >= 0 && x <= max && x == floor(x) ? x : NAN;
}

static void same_or_varies(struct results *r, const char *latency)
{
	if (r->ncells && (latency != NULL) != (r->cells[0].latency != NULL))
		r->latency_varies = 1;
	else if (r->ncells && latency &&
	         strcmp(latency, r->cells[0].latency) != 0)
		r->latency_varies = 1;
}

/* Keep [A-Za-z0-9._-] of text in a file name, the rest as '-'. */
static void put_name(char *buf, size_t len, size_t *used, const char *text)
{
	for (; *text && *used + 1 < len; text++) {
		char c = *text;
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		            c == '-';
		buf[(*used)++] = plain ? c : '-';
	}
	buf[*used] = '\0';
}

static void cell_name(const struct results *r, struct result_cell *c)
{
	size_t used = 0;
	char part[64];

	c->name[0] = '\0';
	put_name(c->name, sizeof(c->name), &used, c->strategy);
	if (r->latency_varies && c->latency) {
		put_name(c->name, sizeof(c->name), &used, "-latency");
		put_name(c->name, sizeof(c->name), &used, c->latency);
	}
	if (c->discovered)
		snprintf(part, sizeof(part), "-discovered");
	else
		snprintf(part, sizeof(part), "-urls%.0f", c->urls);
	put_name(c->name, sizeof(c->name), &used, part);
	snprintf(part, sizeof(part), "-c%u", c->concurrency);
	put_name(c->name, sizeof(c->name), &used, part);
}

/* The smallest and largest of times_s, and where the smallest is. */
static size_t times_range(const struct json_value *times, double *min,
                          double *max)
{
	size_t i, best = 0;

	*min = *max = NAN;
	for (i = 0; i < json_len(times); i++) {
		double t = json_number(json_item(times, i));

		if (isnan(*min) || t < *min) {
			*min = t;
			best = i;
		}
		if (isnan(*max) || t > *max)
			*max = t;
	}
	return best;
}

static int read_cell(struct results *r, const struct json_value *v, size_t i,
                     char *err, size_t errlen)
{
	struct result_cell *c = &r->cells[i];
	const struct json_value *urls = json_get(v, "urls");
	size_t best;

	memset(c, 0, sizeof(*c));
	c->json = v;
	c->strategy = json_str(json_get(v, "strategy"));
	c->plugin = json_str(json_get(v, "plugin"));
	c->status = json_str(json_get(v, "status"));
	c->latency = json_str(json_get(v, "latency"));
	c->discovered =
	    json_str(urls) && strcmp(json_str(urls), "discovered") == 0;
	c->urls = json_number(urls);
	if (!c->strategy || !c->status || (!c->discovered && isnan(c->urls)) ||
	    isnan(count(v, "concurrency", UINT_MAX))) {
		snprintf(err, errlen,
		         "cell %zu lacks a strategy, status, urls or "
		         "concurrency (an integer)",
		         i + 1);
		return -1;
	}
	c->concurrency = (unsigned)count(v, "concurrency", UINT_MAX);
	c->repeat = isnan(count(v, "repeat", UINT_MAX))
	                ? 0
	                : (unsigned)count(v, "repeat", UINT_MAX);
	c->loops = isnan(count(v, "loops", UINT_MAX))
	               ? 0
	               : (unsigned)count(v, "loops", UINT_MAX);
	c->ok = strcmp(c->status, "ok") == 0;
	c->times_s = json_get(v, "times_s");
	best = times_range(c->times_s, &c->min_s, &c->max_s);
	c->best_s = num(v, "best_s");
	c->mean_s = num(v, "mean_s");
	c->median_s = num(v, "median_s");
	c->stdev_s = num(v, "stdev_s");
	c->requests_per_s = num(v, "requests_per_s");
	c->cpu_us_per_request = num(v, "cpu_us_per_request");
	c->peak_rss_bytes = count(v, "peak_rss_bytes", 0x1p62);
	c->connections_per_loop = num(v, "connections_per_loop");
	c->setup_s = json_number(json_item(json_get(v, "setup_s"), best));
	c->efficiency = num(v, "efficiency");
	c->p50_ms = member(v, "latency_ms", "p50");
	c->p90_ms = member(v, "latency_ms", "p90");
	c->p99_ms = member(v, "latency_ms", "p99");
	c->max_ms = member(v, "latency_ms", "max");
	c->server_busy_fraction = member(v, "server", "busy_fraction");
	c->server_saturated = c->server_busy_fraction > SERVER_SATURATED;
	r->any_saturated |= c->server_saturated;
	c->histogram = json_get(v, "histogram");
	c->memory = json_get(json_get(v, "memory"), "samples");
	c->memory_start_unix = member(v, "memory", "start_unix");
	same_or_varies(r, c->latency);
	r->ncells = i + 1;
	return 0;
}

int results_read(struct results *r, const char *text, size_t len, char *err,
                 size_t errlen)
{
	const struct json_value *cells;
	char why[256];
	size_t i;

	memset(r, 0, sizeof(*r));
	r->doc = json_parse(text, len, why, sizeof(why));
	if (!r->doc) {
		snprintf(err, errlen, "not JSON: %s", why);
		return -1;
	}
	r->version = json_str(json_get(r->doc, "concbench_version"));
	cells = json_get(r->doc, "cells");
	if (r->doc->type != JSON_OBJECT || !r->version || !cells ||
	    cells->type != JSON_ARRAY) {
		snprintf(err, errlen,
		         "not concbench results (an object with "
		         "concbench_version and cells)");
		results_free(r);
		return -1;
	}
	r->scenario = json_str(json_get(r->doc, "scenario"));
	r->file = json_str(json_get(r->doc, "file"));
	r->environment = json_get(r->doc, "environment");
	if (r->environment && r->environment->type != JSON_OBJECT)
		r->environment = NULL;
	r->cells =
	    calloc(json_len(cells) ? json_len(cells) : 1, sizeof(*r->cells));
	if (!r->cells) {
		snprintf(err, errlen, "out of memory");
		results_free(r);
		return -1;
	}
	for (i = 0; i < json_len(cells); i++)
		if (read_cell(r, json_item(cells, i), i, err, errlen) < 0) {
			results_free(r);
			return -1;
		}
	for (i = 0; i < r->ncells; i++)
		cell_name(r, &r->cells[i]);
	return 0;
}

int results_load(struct results *r, const char *path, char *err, size_t errlen)
{
	char why[512];
	struct stat st;
	char *text;
	size_t got;
	FILE *f;
	int rc;

	memset(r, 0, sizeof(*r));
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st) < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		         strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > RESULTS_MAX_BYTES) {
		snprintf(err, errlen, "%s: not concbench results (%s)", path,
		         S_ISREG(st.st_mode) ? "too large" : "not a file");
		fclose(f);
		return -1;
	}
	text = malloc((size_t)st.st_size + 1);
	got = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = results_read(r, text, got, why, sizeof(why));
	if (rc < 0) {
		free(text);
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	r->text = text;
	r->text_len = got;
	return 0;
}

void results_free(struct results *r)
{
	free(r->text);
	json_free(r->doc);
	free(r->cells);
	memset(r, 0, sizeof(*r));
}

static int same_group(const struct result_cell *a, const struct result_cell *b)
{
	int same_latency =
	    (!a->latency && !b->latency) ||
	    (a->latency && b->latency && strcmp(a->latency, b->latency) == 0);

	return same_latency && a->discovered == b->discovered &&
	       (a->discovered || a->urls == b->urls);
}

size_t results_group_end(const struct results *r, size_t first)
{
	size_t i = first;

	while (i < r->ncells && same_group(&r->cells[first], &r->cells[i]))
		i++;
	return i;
}

size_t results_row_end(const struct results *r, size_t first)
{
	size_t i = first;

	while (i < r->ncells && same_group(&r->cells[first], &r->cells[i]) &&
	       r->cells[i].concurrency == r->cells[first].concurrency)
		i++;
	return i;
}

double results_row_fastest(const struct results *r, size_t first, size_t end)
{
	double fastest = NAN;
	size_t i;

	for (i = first; i < end; i++)
		if (r->cells[i].ok &&
		    (isnan(fastest) || r->cells[i].best_s < fastest))
			fastest = r->cells[i].best_s;
	return fastest;
}

int results_group_title(const struct results *r, const struct result_cell *c,
                        char *buf, size_t len)
{
	char urls[32];

	if (c->discovered)
		snprintf(urls, sizeof(urls), "discovered");
	else
		snprintf(urls, sizeof(urls), "%.0f", c->urls);
	if (r->latency_varies && c->latency)
		return snprintf(buf, len, "latency=%s urls=%s", c->latency,
		                urls);
	return snprintf(buf, len, "urls=%s", urls);
}

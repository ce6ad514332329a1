/* SPDX-License-Identifier: MIT */
/*
 * results: a results document (concbench(1), JSON OUTPUT) read back as
 * what every export and the report directory draw from: the run's JSON
 * whether it was just written or saved long ago, so that `--report` and
 * `concbench report` make the same files. A document that is not
 * concbench results is refused with what is wrong.
 */
#ifndef CB_RESULTS_H
#define CB_RESULTS_H

#include <stddef.h>

struct json_value;

/* A cell, its figures as numbers (NAN where the JSON has null). */
struct result_cell {
	const struct json_value *json; /* the cell's object */
	const char *strategy, *plugin, *status;
	const char *latency; /* NULL without the embedded server */
	int discovered;      /* urls is "discovered" */
	double urls;
	unsigned concurrency, repeat, loops;
	int ok;
	double best_s, mean_s, median_s, stdev_s, min_s, max_s;
	double requests_per_s, cpu_us_per_request, peak_rss_bytes;
	double connections_per_loop, setup_s, efficiency;
	double p50_ms, p90_ms, p99_ms, max_ms;
	double server_busy_fraction;      /* NAN without the embedded server */
	int server_saturated;             /* above SERVER_SATURATED */
	const struct json_value *times_s; /* array */
	const struct json_value *histogram; /* [[upper_bound_us, count]...] */
	const struct json_value *memory;    /* [[t_s, bytes]...] */
	double memory_start_unix;
	char name[160]; /* for file names: eventloop-urls100-c10 */
};

struct results {
	struct json_value *doc;
	char *text; /* the document, as results_load() read it */
	size_t text_len;
	const char *scenario, *file, *version;
	const struct json_value *environment; /* object, or NULL */
	struct result_cell *cells;
	size_t ncells;
	int latency_varies; /* cells differ in latency */
	int any_saturated;  /* a cell's server_saturated */
};

/* Read a results document from text. 0, or -1 with err. */
int results_read(struct results *r, const char *text, size_t len, char *err,
                 size_t errlen);
/* The same from a file; err names it. */
int results_load(struct results *r, const char *path, char *err, size_t errlen);
void results_free(struct results *r);

/*
 * Groups of cells with the same latency and URL count (the plan keeps
 * them together, concurrency then strategy within): the end of the group
 * that starts at cell `first`, and of the row (one concurrency) there.
 */
size_t results_group_end(const struct results *r, size_t first);
size_t results_row_end(const struct results *r, size_t first);
/* The best time of the fastest ok cell of the row [first, end), or NAN:
 * what the tables compare the row's cells with. */
double results_row_fastest(const struct results *r, size_t first, size_t end);

/* "latency=300ms urls=100" (no latency unless it varies), "urls=..."
 * with "discovered"; like snprintf. */
int results_group_title(const struct results *r, const struct result_cell *c,
                        char *buf, size_t len);

#endif

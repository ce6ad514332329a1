/* SPDX-License-Identifier: MIT */
/*
 * discovery: a cell's job set found through a paginated list API while
 * the loop runs (the scenario's urls.discover). The first listing page is
 * a job added when the loop begins; each listing page that comes back adds
 * the next page (while its "more" header says true) and then the URLs it
 * lists. A listing page is a producer of the job table from its claim to
 * its result, so claimers wait for what it may add.
 */
#ifndef CB_DISCOVERY_H
#define CB_DISCOVERY_H

#include <stddef.h>
#include <stdint.h>

struct discover_spec;
struct job_table;

/* The longest discovered URL, and the room kept per discoverable one. */
#define DISCOVERY_URL_MAX 4096
#define DISCOVERY_TEXT_PER_URL 256

/* The added jobs and the room for their texts a discovery may need. */
void discovery_table_shape(const struct discover_spec *d, uint64_t *extra,
                           size_t *text_bytes);

/* After jobs_reset(): add the first listing page. */
void discovery_loop_begin(struct job_table *jobs);

/* A listing page's job is over (reported or lost): it adds no more. */
void discovery_listing_end(struct job_table *jobs);

/* Whether the response header line data[0, n) is d's "more" header, and
 * if so whether it says true. -1: another header. */
int discovery_more_header(const struct discover_spec *d, const char *data,
                          size_t n);

/* A listing page's response, its status a success. */
struct listing_page {
	const char *url;
	uint64_t page;    /* 0-based */
	const char *body; /* NUL-terminated, or NULL if empty */
	size_t len;
	int cut;  /* too large to keep whole */
	int more; /* the "more" header said true */
};

/*
 * Add what a listing page lists, and the page after it if there is one.
 * 0, or -1 with why the page cannot be used.
 */
int discovery_read(const struct discover_spec *d, struct job_table *jobs,
                   const struct listing_page *lp, char *why, size_t whylen);

#endif

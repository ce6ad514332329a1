/* SPDX-License-Identifier: MIT */
/*
 * discovery: a cell's job set found through a paginated list API while
 * the loop runs.
 */
#include "config.h"

#include "discovery.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jobs.h"
#include "json.h"
#include "request.h"
#include "urlsource.h"

void discovery_table_shape(const struct discover_spec *d, uint64_t *extra,
                           size_t *text_bytes)
{
	uint64_t found = (uint64_t)d->max_pages * d->per_page;

	*extra = (uint64_t)d->max_pages + found;
	*text_bytes =
	    (size_t)found * DISCOVERY_TEXT_PER_URL + DISCOVERY_URL_MAX;
}

void discovery_loop_begin(struct job_table *jobs)
{
	jobs_producer_begin(jobs);
	if (jobs_add(jobs, JOB_LISTING, 0, NULL, NULL) < 0)
		jobs_producer_end(jobs); /* no room: the loop shows it */
}

void discovery_listing_end(struct job_table *jobs)
{
	jobs_producer_end(jobs);
}

int discovery_more_header(const struct discover_spec *d, const char *data,
                          size_t n)
{
	size_t name_len = strlen(d->more_header), v, end;

	if (n <= name_len || data[name_len] != ':' ||
	    strncasecmp(data, d->more_header, name_len) != 0)
		return -1;
	for (v = name_len + 1; v < n && (data[v] == ' ' || data[v] == '\t');)
		v++;
	for (end = n; end > v && isspace((unsigned char)data[end - 1]);)
		end--;
	return end - v == 4 && strncasecmp(data + v, "true", 4) == 0;
}

struct listing {
	struct job_table *jobs;
	size_t items;
	int adding; /* the second walk: add the jobs */
	char problem[JOBS_ERROR_MAX];
};

static int on_listed(const char *s, size_t n, void *arg)
{
	struct listing *l = arg;

	if (!l->adding) {
		if (n == 0 || n >= DISCOVERY_URL_MAX || strlen(s) != n ||
		    strpbrk(s, " \t\r\n") ||
		    (s[0] != '/' && strncmp(s, "http://", 7) != 0 &&
		     strncmp(s, "https://", 8) != 0)) {
			snprintf(l->problem, sizeof(l->problem),
			         "item %zu, \"%.64s\", is not a URL or a path",
			         l->items + 1, s);
			return 1;
		}
		l->items++;
		return 0;
	}
	if (jobs_add(l->jobs, JOB_FOUND, 0, s, NULL) < 0) {
		snprintf(l->problem, sizeof(l->problem),
		         "no room for more discovered URLs (max_pages x "
		         "per_page)");
		return 1;
	}
	return 0;
}

int discovery_read(const struct discover_spec *d, struct job_table *jobs,
                   const struct listing_page *lp, char *why, size_t whylen)
{
	struct listing l = {.jobs = jobs};
	char err[200];
	int rc;

	if (!lp->body || lp->cut) {
		snprintf(why, whylen,
		         "%s: listing page %" PRIu64 " has %s body", lp->url,
		         lp->page + 1, lp->cut ? "too large a" : "an empty");
		return -1;
	}
	rc = json_string_array(lp->body, lp->len, on_listed, &l, err,
	                       sizeof(err));
	if (rc < 0) {
		snprintf(why, whylen,
		         "%s: listing page %" PRIu64
		         " is not a JSON array of strings: %s",
		         lp->url, lp->page + 1, err);
		return -1;
	}
	if (rc == 0 && l.items > d->per_page)
		snprintf(l.problem, sizeof(l.problem),
		         "%zu items, more than per_page (%u)", l.items,
		         d->per_page);
	if (l.problem[0]) {
		snprintf(why, whylen, "%s: listing page %" PRIu64 ": %s",
		         lp->url, lp->page + 1, l.problem);
		return -1;
	}
	/* The next page first: the listing is the critical path, as in a
	 * client that asks for the next page as soon as it has this one. */
	if (lp->more) {
		if (lp->page + 1 >= d->max_pages) {
			snprintf(why, whylen,
			         "%s: the listing still says '%s: true' after "
			         "max_pages (%u) pages",
			         lp->url, d->more_header, d->max_pages);
			return -1;
		}
		jobs_producer_begin(jobs);
		if (jobs_add(jobs, JOB_LISTING, lp->page + 1, NULL, NULL) < 0) {
			jobs_producer_end(jobs);
			snprintf(why, whylen,
			         "%s: no room for listing page %" PRIu64,
			         lp->url, lp->page + 2);
			return -1;
		}
	}
	l.adding = 1;
	json_string_array(lp->body, lp->len, on_listed, &l, err, sizeof(err));
	if (l.problem[0]) {
		snprintf(why, whylen, "%s: listing page %" PRIu64 ": %s",
		         lp->url, lp->page + 1, l.problem);
		return -1;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * urlsource: the urls key of a scenario, which says where a cell's jobs
 * come from: a pattern over counts or over a date range, an explicit list,
 * a URL file (relative to the scenario), or a discovery through a
 * paginated list API while the loop runs. It fills the scenario's urls,
 * url_counts and discover.
 */
#ifndef CB_URLSOURCE_H
#define CB_URLSOURCE_H

struct schema;
struct scenario;
struct ynode;

/* urls.discover: the job set is found through a paginated list API. */
struct discover_spec {
	char *url;          /* the list endpoint */
	char *method;       /* default POST */
	char *body;         /* a template ({start}, {per_page}) */
	char *content_type; /* NULL: a form body */
	char *more_header;  /* default "More" */
	unsigned per_page;  /* default 5 */
	unsigned max_pages; /* default 1000 */
};

/* Check the urls node n into scn. 0, or -1 with the error in s. */
int urlsource_parse(struct schema *s, const struct ynode *n,
                    struct scenario *scn);
/* Free what urlsource_parse() put into scn. */
void urlsource_free(struct scenario *scn);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * urlsource: the urls key of a scenario: a pattern over counts or a date
 * range, an explicit list, a URL file, or a discovery through a paginated
 * list API, each checked where it is written.
 */
#include "config.h"

#include "urlsource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "schema.h"

/* Limits that catch typos without getting in the way of real runs. */
#define MAX_URL_COUNT 1000000000u
#define MAX_PER_PAGE 10000u
#define MAX_PAGES 1000000u
#define MAX_DISCOVERED 10000000u

/* `nth` is the URL's place in its set: the first sets relative or not. */
static int check_url(struct schema *s, const struct ynode *n, const char *url,
                     struct urlset *set, size_t nth)
{
	int relative = url[0] == '/';

	if (!relative && strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0)
		return schema_fail(
		    s, n,
		    "URL \"%s\" must start with http://, https:// or / "
		    "(a path on the server)",
		    url);
	if (nth > 0 && relative != set->relative)
		return schema_fail(
		    s, n,
		    "URL \"%s\": mixing server paths and absolute URLs "
		    "in one set is not supported",
		    url);
	set->relative = relative;
	return 0;
}

/* dates: {from: YYYY-MM-DD, days: N or [N, ...], format: "%Y-%m-%d"} */
static int parse_dates(struct schema *s, const struct ynode *n,
                       struct scenario *scn)
{
	static const char *const keys[] = {"from", "days", "format", NULL};
	struct urlset *set = &scn->urls;
	const struct ynode *from, *days, *format;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "dates") < 0 ||
	    schema_check_keys(s, n, keys, "dates") < 0)
		return -1;
	if (!(from = yamldoc_get(n, "from")))
		return schema_fail(s, n,
		                   "missing required key 'from' in dates");
	if (!(days = yamldoc_get(n, "days")))
		return schema_fail(s, n,
		                   "missing required key 'days' in dates "
		                   "(how many days from 'from')");
	if (schema_expect_kind(s, from, YNODE_SCALAR, "from") < 0)
		return -1;
	/* From year 1000 on: strftime's %Y has four digits then. */
	if (urlset_parse_day(from->text, &set->first_day) < 0 ||
	    from->text[0] == '0')
		return schema_fail(
		    s, from,
		    "'from' must be a date YYYY-MM-DD from 1000-01-01 "
		    "on, got \"%s\"",
		    from->text);
	format = yamldoc_get(n, "format");
	if (schema_get_string(s, format ? format : from, "format",
	                      &set->date_format) < 0)
		return -1;
	if (!format) {
		free(set->date_format);
		if (!(set->date_format = strdup("%Y-%m-%d")))
			return schema_fail(s, n, "out of memory");
	}
	if (urlset_check_date_format(set->date_format) < 0)
		return schema_fail(
		    s, format ? format : n,
		    "'format' must make a non-empty date of fewer than "
		    "%d bytes (strftime(3) conversions)",
		    URLSET_DATE_MAX);
	set->has_dates = 1;
	return schema_get_uint_list(s, days, "days", 1, MAX_URL_COUNT,
	                            &scn->url_counts, &scn->url_count_len);
}

/* The URLs of a file, each checked where it stands in the file. */
static int parse_url_file(struct schema *s, const struct ynode *n,
                          struct scenario *scn)
{
	struct urlset *set = &scn->urls;
	struct schema in_file = *s;
	char *path = NULL, msg[256];
	unsigned *lines = NULL;
	const char *slash;
	size_t i;
	int rc = -1;

	if (schema_expect_kind(s, n, YNODE_SCALAR, "file") < 0)
		return -1;
	if (n->text[0] == '\0')
		return schema_fail(s, n, "'file' must not be empty");
	slash = strrchr(s->path, '/');
	if (n->text[0] == '/' || !slash)
		path = strdup(n->text);
	else if (asprintf(&path, "%.*s/%s", (int)(slash - s->path), s->path,
	                  n->text) < 0)
		path = NULL;
	if (!path)
		return schema_fail(s, n, "out of memory");
	if (urlset_read_file(path, &set->list, &lines, &set->list_len, msg,
	                     sizeof(msg)) < 0) {
		schema_fail(s, n, "cannot read URL file %s: %s", path, msg);
		goto out;
	}
	if (set->list_len == 0) {
		schema_fail(s, n,
		            "URL file %s has no URLs (only blank lines and "
		            "# comments)",
		            path);
		goto out;
	}
	in_file.path = path;
	for (i = 0; i < set->list_len; i++) {
		struct ynode at = {.kind = YNODE_SCALAR,
		                   .line = lines[i],
		                   .col = 1,
		                   .text = set->list[i]};
		if (check_url(&in_file, &at, set->list[i], set, i) < 0)
			goto out;
	}
	rc = 0;
out:
	free(lines);
	free(path);
	return rc;
}

/* discover: {url, method, body, content_type, per_page, max_pages,
 * more_header} */
static int parse_discover(struct schema *s, const struct ynode *n,
                          struct scenario *scn)
{
	static const char *const keys[] = {
	    "url",      "method",    "body",        "content_type",
	    "per_page", "max_pages", "more_header", NULL};
	struct discover_spec *d = &scn->discover;
	const struct ynode *v;
	const unsigned paging = URLSET_VAR_START | URLSET_VAR_PER_PAGE;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "discover") < 0 ||
	    schema_check_keys(s, n, keys, "discover") < 0)
		return -1;
	scn->has_discover = 1;
	d->per_page = 5;
	d->max_pages = 1000;
	if (!(v = yamldoc_get(n, "url")))
		return schema_fail(
		    s, n,
		    "missing required key 'url' in discover (the "
		    "list endpoint)");
	if (schema_get_template(s, v, "url", "list URL", URLSET_STRICT, paging,
	                        NULL, &d->url) < 0 ||
	    check_url(s, v, d->url, &scn->urls, 0) < 0)
		return -1;
	if ((v = yamldoc_get(n, "method")) &&
	    schema_get_method(s, v, &d->method) < 0)
		return -1;
	if ((v = yamldoc_get(n, "body")) &&
	    schema_get_template(s, v, "body", "listing body", URLSET_BODY,
	                        paging, NULL, &d->body) < 0)
		return -1;
	if ((v = yamldoc_get(n, "content_type")) &&
	    schema_get_string(s, v, "content_type", &d->content_type) < 0)
		return -1;
	if ((v = yamldoc_get(n, "more_header")) &&
	    schema_get_string(s, v, "more_header", &d->more_header) < 0)
		return -1;
	if ((v = yamldoc_get(n, "per_page")) &&
	    schema_get_unsigned(s, v, "per_page", 1, MAX_PER_PAGE,
	                        &d->per_page) < 0)
		return -1;
	if ((v = yamldoc_get(n, "max_pages")) &&
	    schema_get_unsigned(s, v, "max_pages", 1, MAX_PAGES,
	                        &d->max_pages) < 0)
		return -1;
	if ((uint64_t)d->max_pages * d->per_page > MAX_DISCOVERED)
		return schema_fail(
		    s, n,
		    "max_pages x per_page, %u x %u, may be at most %u "
		    "(the URLs a discovery can find)",
		    d->max_pages, d->per_page, MAX_DISCOVERED);
	if (!d->method && !(d->method = strdup("POST")))
		return schema_fail(s, n, "out of memory");
	if (!d->body && strcmp(d->method, "POST") == 0 &&
	    !(d->body = strdup("start={start}&per_page={per_page}")))
		return schema_fail(s, n, "out of memory");
	if (!d->more_header && !(d->more_header = strdup("More")))
		return schema_fail(s, n, "out of memory");
	scn->url_counts = calloc(1, sizeof(*scn->url_counts));
	if (!scn->url_counts)
		return schema_fail(s, n, "out of memory");
	scn->url_count_len = 1; /* the count, 0, stands for "discovered" */
	return 0;
}

int urlsource_parse(struct schema *s, const struct ynode *n,
                    struct scenario *scn)
{
	static const char *const keys[] = {
	    "pattern", "count", "dates", "list", "file", "discover", NULL};
	static const char *const sources[] = {"pattern", "list", "file",
	                                      "discover"};
	const struct ynode *source = NULL, *count, *dates, *list, *v;
	struct urlset *set = &scn->urls;
	size_t i, k, nsources = sizeof(sources) / sizeof(sources[0]);
	unsigned used;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "urls") < 0 ||
	    schema_check_keys(s, n, keys, "urls") < 0)
		return -1;
	for (k = 0; k < nsources; k++) {
		if (!(v = yamldoc_get(n, sources[k])))
			continue;
		if (source)
			return schema_fail(
			    s, v,
			    "'urls' takes one of 'pattern', 'list', "
			    "'file' or 'discover', not both '%s' and "
			    "'%s'",
			    source == yamldoc_get(n, "pattern") ? "pattern"
			    : source == yamldoc_get(n, "list")  ? "list"
			                                        : "file",
			    sources[k]);
		source = v;
	}
	if (!source)
		return schema_fail(s, n,
		                   "'urls' needs 'pattern' (with 'count' or "
		                   "'dates'), 'list', 'file' or 'discover'");
	count = yamldoc_get(n, "count");
	dates = yamldoc_get(n, "dates");
	if (source == yamldoc_get(n, "discover")) {
		if (count || dates)
			return schema_fail(
			    s, count ? count : dates,
			    "'%s' goes with 'pattern'; 'discover' finds "
			    "its URLs",
			    count ? "count" : "dates");
		return parse_discover(s, source, scn);
	}
	if (source == yamldoc_get(n, "pattern")) {
		if (schema_get_template(s, source, "pattern", "URL pattern",
		                        URLSET_STRICT,
		                        URLSET_VAR_I | URLSET_VAR_DATE, &used,
		                        &set->pattern) < 0 ||
		    check_url(s, source, set->pattern, set, 0) < 0)
			return -1;
		if (count && dates)
			return schema_fail(s, dates,
			                   "'urls' takes either 'count' or "
			                   "'dates', not both");
		if ((used & URLSET_VAR_DATE) && !dates)
			return schema_fail(s, source,
			                   "the pattern uses {date}: give "
			                   "'dates' (from, days) instead of "
			                   "'count'");
		if (dates)
			return parse_dates(s, dates, scn);
		if (!count)
			return schema_fail(
			    s, n,
			    "missing required key 'count' in urls "
			    "(how many URLs the pattern makes)");
		return schema_get_uint_list(s, count, "count", 1, MAX_URL_COUNT,
		                            &scn->url_counts,
		                            &scn->url_count_len);
	}
	if (count || dates)
		return schema_fail(
		    s, count ? count : dates,
		    "'%s' goes with 'pattern'; a '%s' is fetched whole",
		    count ? "count" : "dates",
		    source == yamldoc_get(n, "list") ? "list" : "file");
	scn->url_counts = calloc(1, sizeof(*scn->url_counts));
	if (!scn->url_counts)
		return schema_fail(s, n, "out of memory");
	if (source == yamldoc_get(n, "file")) {
		if (parse_url_file(s, source, scn) < 0)
			return -1;
	} else {
		list = source;
		if (schema_expect_kind(s, list, YNODE_SEQUENCE, "list") < 0)
			return -1;
		if (list->count == 0)
			return schema_fail(s, list, "'list' must not be empty");
		set->list = calloc(list->count, sizeof(*set->list));
		if (!set->list)
			return schema_fail(s, list, "out of memory");
		for (i = 0; i < list->count; i++) {
			const struct ynode *item = list->items[i];
			if (schema_get_string(s, item, "list item",
			                      &set->list[i]) < 0)
				return -1;
			set->list_len = i + 1;
			if (check_url(s, item, set->list[i], set, i) < 0)
				return -1;
		}
	}
	scn->url_counts[0] = set->list_len;
	scn->url_count_len = 1;
	return 0;
}

void urlsource_free(struct scenario *scn)
{
	free(scn->url_counts);
	urlset_free(&scn->urls);
	free(scn->discover.url);
	free(scn->discover.method);
	free(scn->discover.body);
	free(scn->discover.content_type);
	free(scn->discover.more_header);
}

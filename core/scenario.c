/* SPDX-License-Identifier: MIT */
/*
 * scenario: a scenario file (YAML) checked strictly against its schema and
 * turned into a struct scenario. Every error names FILE:LINE:COL. The format
 * is documented in concbench-scenario(5).
 */
#include "config.h"

#include "scenario.h"

#include <concbench/plugin.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "number.h"
#include "yamldoc.h"

/* Limits that catch typos without getting in the way of real runs. */
#define MAX_REPEAT 1000u
#define MAX_LOOPS 1000000u
#define MAX_CONCURRENCY 100000u
#define MAX_URL_COUNT 1000000000u
#define MAX_BODY_BYTES (1u << 30)
#define MAX_TIMEOUT_MS 86400000u
#define MAX_PER_PAGE 10000u
#define MAX_PAGES 1000000u
#define MAX_DISCOVERED 10000000u
#define MAX_DEADLINE_S 31536000u

#define DEFAULT_REPEAT 3u
#define DEFAULT_LOOPS 1u
#define DEFAULT_TIMEOUT_MS 10000u
#define DEFAULT_BODY_BYTES 1024u

struct schema {
	const char *path;
	char *err;
	size_t errlen;
};

static int fail_at(struct schema *s, unsigned line, unsigned col,
                   const char *fmt, ...)
{
	va_list ap;
	size_t used;

	used = (size_t)snprintf(s->err, s->errlen, "%s:%u:%u: ", s->path, line,
	                        col);
	if (used < s->errlen) {
		va_start(ap, fmt);
		vsnprintf(s->err + used, s->errlen - used, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define fail(s, node, ...) fail_at((s), (node)->line, (node)->col, __VA_ARGS__)

static int expect_kind(struct schema *s, const struct ynode *n,
                       enum ynode_kind kind, const char *what)
{
	if (n->kind == kind)
		return 0;
	return fail(s, n, "'%s' must be %s, got %s", what,
	            ynode_kind_name(kind), ynode_kind_name(n->kind));
}

/* Rejects keys not in `allowed` (NULL-ended), naming the ones that are. */
static int check_keys(struct schema *s, const struct ynode *map,
                      const char *const *allowed, const char *where)
{
	size_t i, k;

	for (i = 0; i < map->count; i++) {
		const struct ynode *key = ynode_key(map, i);
		char known[256] = "";
		size_t used = 0;

		for (k = 0; allowed[k]; k++)
			if (strcmp(key->text, allowed[k]) == 0)
				break;
		if (allowed[k])
			continue;
		for (k = 0; allowed[k] && used < sizeof(known); k++)
			used +=
			    (size_t)snprintf(known + used, sizeof(known) - used,
			                     "%s%s", k ? ", " : "", allowed[k]);
		return fail(s, key, "unknown key '%s' in %s (known: %s)",
		            key->text, where, known);
	}
	return 0;
}

static int get_uint(struct schema *s, const struct ynode *n, const char *what,
                    uint64_t min, uint64_t max, uint64_t *out)
{
	int64_t v;

	if (expect_kind(s, n, YNODE_SCALAR, what) < 0)
		return -1;
	if (!n->plain || number_parse_int(n->text, SCENARIO_INT_SYNTAX, &v) < 0)
		return fail(s, n, "'%s' must be an integer, got \"%s\"", what,
		            n->text);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return fail(s, n,
		            "'%s' must be between %" PRIu64 " and %" PRIu64
		            ", got %" PRId64,
		            what, min, max, v);
	*out = (uint64_t)v;
	return 0;
}

static int get_unsigned(struct schema *s, const struct ynode *n,
                        const char *what, unsigned min, unsigned max,
                        unsigned *out)
{
	uint64_t v;

	if (get_uint(s, n, what, min, max, &v) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int get_string(struct schema *s, const struct ynode *n, const char *what,
                      char **out)
{
	if (expect_kind(s, n, YNODE_SCALAR, what) < 0)
		return -1;
	if (n->text[0] == '\0')
		return fail(s, n, "'%s' must not be empty", what);
	free(*out);
	*out = strdup(n->text);
	return *out ? 0 : fail(s, n, "out of memory");
}

/* A number or a non-empty list of distinct numbers. */
static int get_uint_list(struct schema *s, const struct ynode *n,
                         const char *what, uint64_t min, uint64_t max,
                         uint64_t **out, size_t *len)
{
	size_t count = n->kind == YNODE_SEQUENCE ? n->count : 1;
	size_t i, j;

	if (n->kind == YNODE_MAPPING)
		return fail(s, n, "'%s' must be a number or a list of numbers",
		            what);
	if (count == 0)
		return fail(s, n, "'%s' must not be an empty list", what);
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return fail(s, n, "out of memory");
	*len = count;
	for (i = 0; i < count; i++) {
		const struct ynode *item =
		    n->kind == YNODE_SEQUENCE ? n->items[i] : n;
		if (get_uint(s, item, what, min, max, &(*out)[i]) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if ((*out)[j] == (*out)[i])
				return fail(s, item,
				            "'%s' lists %" PRIu64 " twice",
				            what, (*out)[i]);
	}
	return 0;
}

static int get_fraction(struct schema *s, const struct ynode *n,
                        const char *what, double *out)
{
	if (expect_kind(s, n, YNODE_SCALAR, what) < 0)
		return -1;
	if (!n->plain || number_parse_fraction(n->text, out) < 0)
		return fail(s, n,
		            "'%s' must be a number from 0 to 1, got \"%s\"",
		            what, n->text);
	return 0;
}

/* faults: {status: {fraction, code}, close: {fraction}, stall: {fraction}} */
static int parse_faults(struct schema *s, const struct ynode *n,
                        struct server_config *cfg)
{
	static const char *const keys[] = {"status", "close", "stall", NULL};
	static const char *const status_keys[] = {"fraction", "code", NULL};
	static const char *const fraction_keys[] = {"fraction", NULL};
	static const char *const kinds[] = {"status", "close", "stall"};
	double *fractions[] = {&cfg->fail_fraction, &cfg->close_fraction,
	                       &cfg->stall_fraction};
	size_t k;

	if (expect_kind(s, n, YNODE_MAPPING, "faults") < 0 ||
	    check_keys(s, n, keys, "faults") < 0)
		return -1;
	for (k = 0; k < 3; k++) {
		const struct ynode *f = ynode_get(n, kinds[k]), *v;
		if (!f)
			continue;
		if (expect_kind(s, f, YNODE_MAPPING, kinds[k]) < 0 ||
		    check_keys(s, f, k == 0 ? status_keys : fraction_keys,
		               kinds[k]) < 0)
			return -1;
		if (!(v = ynode_get(f, "fraction")))
			return fail(s, f,
			            "missing required key 'fraction' in %s",
			            kinds[k]);
		if (get_fraction(s, v, "fraction", fractions[k]) < 0)
			return -1;
		if (k == 0 && (v = ynode_get(f, "code")) &&
		    get_unsigned(s, v, "code", 200, 599, &cfg->fail_status) < 0)
			return -1;
	}
	return 0;
}

/* {ms: N}, {model: uniform, min_ms, max_ms}, {model: lognormal,
 * median_ms, p99_ms} */
static int parse_latency(struct schema *s, const struct ynode *n,
                         int list_allowed, struct latency_spec *spec)
{
	static const char *const fixed_keys[] = {"model", "ms", NULL};
	static const char *const uniform_keys[] = {"model", "min_ms", "max_ms",
	                                           NULL};
	static const char *const lognormal_keys[] = {"model", "median_ms",
	                                             "p99_ms", NULL};
	static const struct {
		const char *model;
		const char *const *keys;
	} models[] = {{"fixed", fixed_keys},
	              {"uniform", uniform_keys},
	              {"lognormal", lognormal_keys}};
	unsigned *fields[3][2] = {{&spec->ms, NULL},
	                          {&spec->min_ms, &spec->max_ms},
	                          {&spec->median_ms, &spec->p99_ms}};
	const struct ynode *model;
	char err[200];
	size_t m, k;

	memset(spec, 0, sizeof(*spec));
	if (n->kind != YNODE_MAPPING)
		return fail(s, n,
		            "'latency' must be a mapping such as {ms: 50} "
		            "or {model: uniform, min_ms: 10, max_ms: 90}%s",
		            list_allowed ? ", or a list of them" : "");
	m = 0;
	if ((model = ynode_get(n, "model"))) {
		if (expect_kind(s, model, YNODE_SCALAR, "model") < 0)
			return -1;
		for (m = 0; m < 3; m++)
			if (strcmp(model->text, models[m].model) == 0)
				break;
		if (m == 3)
			return fail(s, model,
			            "unknown latency model '%s' (known: fixed, "
			            "uniform, lognormal)",
			            model->text);
	}
	if (check_keys(s, n, models[m].keys, "latency") < 0)
		return -1;
	spec->model = (enum latency_model)m;
	for (k = 0; k < 2 && fields[m][k]; k++) {
		const char *key = models[m].keys[k + 1];
		const struct ynode *v = ynode_get(n, key);
		if (!v)
			return fail(
			    s, n, "missing required key '%s' in latency", key);
		if (get_unsigned(s, v, key, 0, LATENCY_MAX_MS, fields[m][k]) <
		    0)
			return -1;
	}
	if (latency_check(spec, err, sizeof(err)) < 0)
		return fail(s, n, "%s", err);
	return 0;
}

/* routes: {NAME: {latency: {...}}} */
static int parse_routes(struct schema *s, const struct ynode *n,
                        struct server_config *cfg)
{
	static const char *const route_keys[] = {"latency", NULL};
	size_t i;

	if (expect_kind(s, n, YNODE_MAPPING, "routes") < 0)
		return -1;
	for (i = 0; i < n->count; i++) {
		const struct ynode *k = ynode_key(n, i), *v = ynode_value(n, i);
		const struct ynode *lat;
		int route = routes_lookup(k->text);
		if (route < 0)
			return fail(s, k,
			            "unknown route '%s' (known: page, prices, "
			            "list, files, echo)",
			            k->text);
		if (expect_kind(s, v, YNODE_MAPPING, k->text) < 0 ||
		    check_keys(s, v, route_keys, k->text) < 0)
			return -1;
		if (!(lat = ynode_get(v, "latency")))
			return fail(s, v,
			            "missing required key 'latency' in %s",
			            k->text);
		if (parse_latency(s, lat, 0, &cfg->route_latency[route]) < 0)
			return -1;
		cfg->route_latency_set[route] = 1;
	}
	return 0;
}

static int parse_server(struct schema *s, const struct ynode *n,
                        struct scenario *scn)
{
	static const char *const keys[] = {
	    "latency", "body_bytes", "faults", "seed", "files", "routes", NULL};
	const struct ynode *v;
	uint64_t number;
	size_t i, count;

	if (expect_kind(s, n, YNODE_MAPPING, "server") < 0 ||
	    check_keys(s, n, keys, "server") < 0)
		return -1;
	scn->has_server = 1;
	scn->server.body_bytes = DEFAULT_BODY_BYTES;
	v = ynode_get(n, "latency");
	count = v && v->kind == YNODE_SEQUENCE ? v->count : 1;
	if (count == 0)
		return fail(s, v, "'latency' must not be an empty list");
	scn->latencies = calloc(count, sizeof(*scn->latencies));
	if (!scn->latencies)
		return fail(s, n, "out of memory");
	scn->latency_len = count;
	for (i = 0; v && i < count; i++)
		if (parse_latency(s,
		                  v->kind == YNODE_SEQUENCE ? v->items[i] : v,
		                  1, &scn->latencies[i]) < 0)
			return -1;
	scn->server.latency = scn->latencies[0];
	if ((v = ynode_get(n, "body_bytes"))) {
		if (get_uint(s, v, "body_bytes", 0, MAX_BODY_BYTES, &number) <
		    0)
			return -1;
		scn->server.body_bytes = (size_t)number;
	}
	if ((v = ynode_get(n, "seed"))) {
		if (get_uint(s, v, "seed", 0, INT64_MAX, &number) < 0)
			return -1;
		scn->server.seed = number;
	}
	if ((v = ynode_get(n, "files")) &&
	    get_unsigned(s, v, "files", 1, SERVER_MAX_FILES,
	                 &scn->server.files) < 0)
		return -1;
	if ((v = ynode_get(n, "routes")) &&
	    parse_routes(s, v, &scn->server) < 0)
		return -1;
	if ((v = ynode_get(n, "faults")))
		return parse_faults(s, v, &scn->server);
	return 0;
}

/* `nth` is the URL's place in its set: the first sets relative or not. */
static int check_url(struct schema *s, const struct ynode *n, const char *url,
                     struct urlset *set, size_t nth)
{
	int relative = url[0] == '/';

	if (!relative && strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0)
		return fail(s, n,
		            "URL \"%s\" must start with http://, https:// or / "
		            "(a path on the server)",
		            url);
	if (nth > 0 && relative != set->relative)
		return fail(s, n,
		            "URL \"%s\": mixing server paths and absolute URLs "
		            "in one set is not supported",
		            url);
	set->relative = relative;
	return 0;
}

/* An HTTP method: a token of capital letters. */
static int get_method(struct schema *s, const struct ynode *n, char **out)
{
	const char *p;

	if (get_string(s, n, "method", out) < 0)
		return -1;
	for (p = *out; *p; p++)
		if (*p < 'A' || *p > 'Z')
			return fail(
			    s, n,
			    "'method' must be an HTTP method in capitals "
			    "(GET, POST, ...), got \"%s\"",
			    *out);
	return 0;
}

/* Fail at the character of node n's text at byte offset `at`. */
static int fail_in_text(struct schema *s, const struct ynode *n, size_t at,
                        const char *msg)
{
	/* Only a plain scalar maps offsets to columns: a quoted one may
	 * hold escapes. */
	unsigned col = n->col;
	size_t b;

	for (b = 0; n->plain && b < at && n->text[b]; b++)
		if (((unsigned char)n->text[b] & 0xc0) != 0x80)
			col++; /* count UTF-8 characters */
	return fail_at(s, n->line, col, "%s", msg);
}

/* A template string: checked against the placeholders `allowed`. */
static int get_template(struct schema *s, const struct ynode *n,
                        const char *what, const char *describe,
                        enum urlset_syntax syntax, unsigned allowed,
                        unsigned *used, char **out)
{
	char msg[200];
	size_t at;

	if (get_string(s, n, what, out) < 0)
		return -1;
	if (urlset_check_template(*out, syntax, allowed, describe, used, msg,
	                          sizeof(msg), &at) < 0)
		return fail_in_text(s, n, at, msg);
	return 0;
}

/* dates: {from: YYYY-MM-DD, days: N or [N, ...], format: "%Y-%m-%d"} */
static int parse_dates(struct schema *s, const struct ynode *n,
                       struct scenario *scn)
{
	static const char *const keys[] = {"from", "days", "format", NULL};
	struct urlset *set = &scn->urls;
	const struct ynode *from, *days, *format;

	if (expect_kind(s, n, YNODE_MAPPING, "dates") < 0 ||
	    check_keys(s, n, keys, "dates") < 0)
		return -1;
	if (!(from = ynode_get(n, "from")))
		return fail(s, n, "missing required key 'from' in dates");
	if (!(days = ynode_get(n, "days")))
		return fail(s, n,
		            "missing required key 'days' in dates "
		            "(how many days from 'from')");
	if (expect_kind(s, from, YNODE_SCALAR, "from") < 0)
		return -1;
	/* From year 1000 on: strftime's %Y has four digits then. */
	if (urlset_parse_day(from->text, &set->first_day) < 0 ||
	    from->text[0] == '0')
		return fail(s, from,
		            "'from' must be a date YYYY-MM-DD from 1000-01-01 "
		            "on, got \"%s\"",
		            from->text);
	format = ynode_get(n, "format");
	if (get_string(s, format ? format : from, "format", &set->date_format) <
	    0)
		return -1;
	if (!format) {
		free(set->date_format);
		if (!(set->date_format = strdup("%Y-%m-%d")))
			return fail(s, n, "out of memory");
	}
	if (urlset_check_date_format(set->date_format) < 0)
		return fail(s, format ? format : n,
		            "'format' must make a non-empty date of fewer than "
		            "%d bytes (strftime(3) conversions)",
		            URLSET_DATE_MAX);
	set->has_dates = 1;
	return get_uint_list(s, days, "days", 1, MAX_URL_COUNT,
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

	if (expect_kind(s, n, YNODE_SCALAR, "file") < 0)
		return -1;
	if (n->text[0] == '\0')
		return fail(s, n, "'file' must not be empty");
	slash = strrchr(s->path, '/');
	if (n->text[0] == '/' || !slash)
		path = strdup(n->text);
	else if (asprintf(&path, "%.*s/%s", (int)(slash - s->path), s->path,
	                  n->text) < 0)
		path = NULL;
	if (!path)
		return fail(s, n, "out of memory");
	if (urlset_read_file(path, &set->list, &lines, &set->list_len, msg,
	                     sizeof(msg)) < 0) {
		fail(s, n, "cannot read URL file %s: %s", path, msg);
		goto out;
	}
	if (set->list_len == 0) {
		fail(s, n,
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

	if (expect_kind(s, n, YNODE_MAPPING, "discover") < 0 ||
	    check_keys(s, n, keys, "discover") < 0)
		return -1;
	scn->has_discover = 1;
	d->per_page = 5;
	d->max_pages = 1000;
	if (!(v = ynode_get(n, "url")))
		return fail(s, n,
		            "missing required key 'url' in discover (the "
		            "list endpoint)");
	if (get_template(s, v, "url", "list URL", URLSET_STRICT, paging, NULL,
	                 &d->url) < 0 ||
	    check_url(s, v, d->url, &scn->urls, 0) < 0)
		return -1;
	if ((v = ynode_get(n, "method")) && get_method(s, v, &d->method) < 0)
		return -1;
	if ((v = ynode_get(n, "body")) &&
	    get_template(s, v, "body", "listing body", URLSET_BODY, paging,
	                 NULL, &d->body) < 0)
		return -1;
	if ((v = ynode_get(n, "content_type")) &&
	    get_string(s, v, "content_type", &d->content_type) < 0)
		return -1;
	if ((v = ynode_get(n, "more_header")) &&
	    get_string(s, v, "more_header", &d->more_header) < 0)
		return -1;
	if ((v = ynode_get(n, "per_page")) &&
	    get_unsigned(s, v, "per_page", 1, MAX_PER_PAGE, &d->per_page) < 0)
		return -1;
	if ((v = ynode_get(n, "max_pages")) &&
	    get_unsigned(s, v, "max_pages", 1, MAX_PAGES, &d->max_pages) < 0)
		return -1;
	if ((uint64_t)d->max_pages * d->per_page > MAX_DISCOVERED)
		return fail(s, n,
		            "max_pages x per_page, %u x %u, may be at most %u "
		            "(the URLs a discovery can find)",
		            d->max_pages, d->per_page, MAX_DISCOVERED);
	if (!d->method && !(d->method = strdup("POST")))
		return fail(s, n, "out of memory");
	if (!d->body && strcmp(d->method, "POST") == 0 &&
	    !(d->body = strdup("start={start}&per_page={per_page}")))
		return fail(s, n, "out of memory");
	if (!d->more_header && !(d->more_header = strdup("More")))
		return fail(s, n, "out of memory");
	scn->url_counts = calloc(1, sizeof(*scn->url_counts));
	if (!scn->url_counts)
		return fail(s, n, "out of memory");
	scn->url_count_len = 1; /* the count, 0, stands for "discovered" */
	return 0;
}

static int parse_urls(struct schema *s, const struct ynode *n,
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

	if (expect_kind(s, n, YNODE_MAPPING, "urls") < 0 ||
	    check_keys(s, n, keys, "urls") < 0)
		return -1;
	for (k = 0; k < nsources; k++) {
		if (!(v = ynode_get(n, sources[k])))
			continue;
		if (source)
			return fail(s, v,
			            "'urls' takes one of 'pattern', 'list', "
			            "'file' or 'discover', not both '%s' and "
			            "'%s'",
			            source == ynode_get(n, "pattern")
			                ? "pattern"
			            : source == ynode_get(n, "list") ? "list"
			                                             : "file",
			            sources[k]);
		source = v;
	}
	if (!source)
		return fail(s, n,
		            "'urls' needs 'pattern' (with 'count' or "
		            "'dates'), 'list', 'file' or 'discover'");
	count = ynode_get(n, "count");
	dates = ynode_get(n, "dates");
	if (source == ynode_get(n, "discover")) {
		if (count || dates)
			return fail(
			    s, count ? count : dates,
			    "'%s' goes with 'pattern'; 'discover' finds "
			    "its URLs",
			    count ? "count" : "dates");
		return parse_discover(s, source, scn);
	}
	if (source == ynode_get(n, "pattern")) {
		if (get_template(s, source, "pattern", "URL pattern",
		                 URLSET_STRICT, URLSET_VAR_I | URLSET_VAR_DATE,
		                 &used, &set->pattern) < 0 ||
		    check_url(s, source, set->pattern, set, 0) < 0)
			return -1;
		if (count && dates)
			return fail(s, dates,
			            "'urls' takes either 'count' or "
			            "'dates', not both");
		if ((used & URLSET_VAR_DATE) && !dates)
			return fail(s, source,
			            "the pattern uses {date}: give "
			            "'dates' (from, days) instead of "
			            "'count'");
		if (dates)
			return parse_dates(s, dates, scn);
		if (!count)
			return fail(s, n,
			            "missing required key 'count' in urls "
			            "(how many URLs the pattern makes)");
		return get_uint_list(s, count, "count", 1, MAX_URL_COUNT,
		                     &scn->url_counts, &scn->url_count_len);
	}
	if (count || dates)
		return fail(s, count ? count : dates,
		            "'%s' goes with 'pattern'; a '%s' is fetched whole",
		            count ? "count" : "dates",
		            source == ynode_get(n, "list") ? "list" : "file");
	scn->url_counts = calloc(1, sizeof(*scn->url_counts));
	if (!scn->url_counts)
		return fail(s, n, "out of memory");
	if (source == ynode_get(n, "file")) {
		if (parse_url_file(s, source, scn) < 0)
			return -1;
	} else {
		list = source;
		if (expect_kind(s, list, YNODE_SEQUENCE, "list") < 0)
			return -1;
		if (list->count == 0)
			return fail(s, list, "'list' must not be empty");
		set->list = calloc(list->count, sizeof(*set->list));
		if (!set->list)
			return fail(s, list, "out of memory");
		for (i = 0; i < list->count; i++) {
			const struct ynode *item = list->items[i];
			if (get_string(s, item, "list item", &set->list[i]) < 0)
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

static int valid_label(const char *text)
{
	const char *p;

	for (p = text; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return 0;
	return p != text;
}

static int parse_strategy(struct schema *s, const struct ynode *n,
                          struct strategy_spec *spec)
{
	static const char *const keys[] = {"plugin", "name", "options", NULL};
	const struct ynode *plugin, *label, *options;
	size_t i;

	spec->line = n->line;
	spec->col = n->col;
	if (n->kind == YNODE_SCALAR) {
		if (get_string(s, n, "strategies", &spec->plugin) < 0)
			return -1;
	} else {
		if (expect_kind(s, n, YNODE_MAPPING, "strategies item") < 0 ||
		    check_keys(s, n, keys, "strategy") < 0)
			return -1;
		plugin = ynode_get(n, "plugin");
		if (!plugin)
			return fail(s, n,
			            "missing required key 'plugin' in "
			            "strategy");
		if (get_string(s, plugin, "plugin", &spec->plugin) < 0)
			return -1;
		spec->line = plugin->line;
		spec->col = plugin->col;
		label = ynode_get(n, "name");
		if (label && get_string(s, label, "name", &spec->label) < 0)
			return -1;
		if (label && !valid_label(spec->label))
			return fail(s, label,
			            "strategy name \"%s\" may hold only "
			            "letters, digits, '_', '.' and '-'",
			            spec->label);
		options = ynode_get(n, "options");
		if (options) {
			if (expect_kind(s, options, YNODE_MAPPING, "options") <
			    0)
				return -1;
			spec->options =
			    calloc(options->count, sizeof(*spec->options));
			if (!spec->options && options->count)
				return fail(s, options, "out of memory");
			for (i = 0; i < options->count; i++) {
				const struct ynode *k = ynode_key(options, i);
				const struct ynode *v = ynode_value(options, i);
				struct option_value *o = &spec->options[i];
				if (expect_kind(s, v, YNODE_SCALAR, k->text) <
				    0)
					return -1;
				o->name = strdup(k->text);
				o->text = strdup(v->text);
				spec->option_count = i + 1;
				if (!o->name || !o->text)
					return fail(s, v, "out of memory");
				o->line = v->line;
				o->col = v->col;
				o->key_line = k->line;
				o->key_col = k->col;
				o->quoted = !v->plain;
			}
		}
	}
	if (!spec->label) {
		const char *base = strrchr(spec->plugin, '/');
		size_t len;
		base = base ? base + 1 : spec->plugin;
		len = strlen(base);
		if (len > 3 && strcmp(base + len - 3, ".so") == 0)
			len -= 3;
		spec->label = strndup(base, len);
		if (!spec->label)
			return fail(s, n, "out of memory");
	}
	return 0;
}

static int parse_strategies(struct schema *s, const struct ynode *n,
                            struct scenario *scn)
{
	size_t i, j;

	if (n->kind == YNODE_SCALAR)
		return fail(s, n,
		            "'strategies' must be a list, such as "
		            "[serial, eventloop]");
	if (expect_kind(s, n, YNODE_SEQUENCE, "strategies") < 0)
		return -1;
	if (n->count == 0)
		return fail(s, n,
		            "'strategies' must not be an empty list "
		            "(leave it out to run every installed one)");
	scn->strategies = calloc(n->count, sizeof(*scn->strategies));
	if (!scn->strategies)
		return fail(s, n, "out of memory");
	for (i = 0; i < n->count; i++) {
		scn->strategy_len = i + 1;
		if (parse_strategy(s, n->items[i], &scn->strategies[i]) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(scn->strategies[j].label,
			           scn->strategies[i].label) == 0)
				return fail(
				    s, n->items[i],
				    "strategy '%s' is listed twice (give "
				    "one of them another 'name')",
				    scn->strategies[i].label);
	}
	return 0;
}

/* headers: {Name: value, ...} */
static int parse_headers(struct schema *s, const struct ynode *n,
                         struct request_spec *req)
{
	size_t i;

	if (expect_kind(s, n, YNODE_MAPPING, "headers") < 0)
		return -1;
	req->headers = calloc(n->count ? n->count : 1, sizeof(*req->headers));
	if (!req->headers)
		return fail(s, n, "out of memory");
	for (i = 0; i < n->count; i++) {
		const struct ynode *k = ynode_key(n, i), *v = ynode_value(n, i);
		const char *p;
		for (p = k->text; *p; p++)
			if (!isalnum((unsigned char)*p) &&
			    !strchr("!#$%&'*+-.^_`|~", *p))
				break;
		if (*p || p == k->text)
			return fail(s, k, "'%s' is not a valid header name",
			            k->text);
		if (expect_kind(s, v, YNODE_SCALAR, k->text) < 0)
			return -1;
		if (strpbrk(v->text, "\r\n"))
			return fail(s, v, "header '%s' must fit on one line",
			            k->text);
		if (asprintf(&req->headers[i], "%s: %s", k->text, v->text) < 0)
			return fail(s, v, "out of memory");
		req->header_len = i + 1;
	}
	return 0;
}

/* request: {method, headers, body} */
static int parse_request(struct schema *s, const struct ynode *n,
                         struct scenario *scn)
{
	static const char *const keys[] = {"method", "headers", "body", NULL};
	struct request_spec *req = &scn->request;
	const struct ynode *v;

	if (expect_kind(s, n, YNODE_MAPPING, "request") < 0 ||
	    check_keys(s, n, keys, "request") < 0)
		return -1;
	if ((v = ynode_get(n, "method")) && get_method(s, v, &req->method) < 0)
		return -1;
	if ((v = ynode_get(n, "headers")) && parse_headers(s, v, req) < 0)
		return -1;
	if ((v = ynode_get(n, "body"))) {
		unsigned used;
		if (get_template(s, v, "body", "request body", URLSET_BODY,
		                 URLSET_VAR_I | URLSET_VAR_DATE, &used,
		                 &req->body) < 0)
			return -1;
		if ((used & URLSET_VAR_DATE) && !scn->urls.has_dates)
			return fail(s, v,
			            "the body uses {date}, and 'urls' has "
			            "no 'dates'");
	}
	return 0;
}

/* check: {status, contains, match, x_of_n} */
static int parse_check(struct schema *s, const struct ynode *n,
                       struct check_spec *chk)
{
	static const char *const keys[] = {"status", "contains", "match",
	                                   "x_of_n", NULL};
	const struct ynode *v;

	if (expect_kind(s, n, YNODE_MAPPING, "check") < 0 ||
	    check_keys(s, n, keys, "check") < 0)
		return -1;
	if ((v = ynode_get(n, "status"))) {
		uint64_t *codes = NULL;
		size_t i;
		if (get_uint_list(s, v, "status", 100, 599, &codes,
		                  &chk->status_len) < 0) {
			free(codes);
			return -1;
		}
		chk->status = calloc(chk->status_len, sizeof(*chk->status));
		for (i = 0; chk->status && i < chk->status_len; i++)
			chk->status[i] = (unsigned)codes[i];
		free(codes);
		if (!chk->status)
			return fail(s, v, "out of memory");
	}
	if ((v = ynode_get(n, "contains")) &&
	    get_string(s, v, "contains", &chk->contains) < 0)
		return -1;
	if ((v = ynode_get(n, "match"))) {
		regex_t re;
		int rc;
		if (get_string(s, v, "match", &chk->match) < 0)
			return -1;
		rc = regcomp(&re, chk->match, REG_EXTENDED);
		if (rc != 0) {
			char msg[200];
			regerror(rc, &re, msg, sizeof(msg));
			return fail(s, v,
			            "'match' is not a POSIX extended regular "
			            "expression: %s",
			            msg);
		}
		regfree(&re);
	}
	if ((v = ynode_get(n, "x_of_n"))) {
		if (expect_kind(s, v, YNODE_SCALAR, "x_of_n") < 0)
			return -1;
		if (!v->plain || (strcmp(v->text, "true") != 0 &&
		                  strcmp(v->text, "false") != 0))
			return fail(s, v,
			            "'x_of_n' must be true or false, got "
			            "\"%s\"",
			            v->text);
		chk->x_of_n = strcmp(v->text, "true") == 0;
	}
	return 0;
}

/* base_url: scheme and host (and port), where relative URLs go. */
static int parse_base_url(struct schema *s, const struct ynode *n,
                          struct scenario *scn)
{
	size_t len;

	if (get_string(s, n, "base_url", &scn->base_url) < 0)
		return -1;
	if (strncmp(scn->base_url, "http://", 7) != 0 &&
	    strncmp(scn->base_url, "https://", 8) != 0)
		return fail(s, n,
		            "'base_url' must start with http:// or "
		            "https://, got \"%s\"",
		            scn->base_url);
	len = strlen(scn->base_url);
	while (len > 8 && scn->base_url[len - 1] == '/')
		scn->base_url[--len] = '\0';
	return 0;
}

static int parse_root(struct schema *s, const struct ynode *root,
                      struct scenario *scn)
{
	static const char *const keys[] = {
	    "name",       "description", "server", "urls",       "concurrency",
	    "strategies", "repeat",      "loops",  "timeout_ms", "deadline_s",
	    "base_url",   "request",     "check",  NULL};
	const struct ynode *v;
	uint64_t *conc = NULL;
	size_t i;

	if (root->kind != YNODE_MAPPING)
		return fail(s, root,
		            "a scenario must be a mapping of keys "
		            "(name, urls, ...), got %s",
		            ynode_kind_name(root->kind));
	if (check_keys(s, root, keys, "scenario") < 0)
		return -1;

	if (!(v = ynode_get(root, "name")))
		return fail(s, root, "missing required key 'name'");
	if (get_string(s, v, "name", &scn->name) < 0)
		return -1;
	if ((v = ynode_get(root, "description")) &&
	    get_string(s, v, "description", &scn->description) < 0)
		return -1;
	if ((v = ynode_get(root, "server")) && parse_server(s, v, scn) < 0)
		return -1;
	if (!(v = ynode_get(root, "urls")))
		return fail(s, root, "missing required key 'urls'");
	if (parse_urls(s, v, scn) < 0)
		return -1;
	if ((v = ynode_get(root, "base_url")) && parse_base_url(s, v, scn) < 0)
		return -1;
	if (scn->urls.relative && !scn->has_server && !scn->base_url)
		return fail(s, ynode_get(root, "urls"),
		            "relative URLs (starting with /) need a 'server:' "
		            "block to serve them, or a 'base_url'");
	if ((v = ynode_get(root, "request")) && parse_request(s, v, scn) < 0)
		return -1;
	if ((v = ynode_get(root, "check")) &&
	    parse_check(s, v, &scn->check) < 0)
		return -1;
	if (scn->check.x_of_n && !scn->has_discover)
		return fail(s, ynode_get(ynode_get(root, "check"), "x_of_n"),
		            "'x_of_n' checks discovered endpoints: it needs "
		            "'urls: discover'");

	if ((v = ynode_get(root, "concurrency"))) {
		if (get_uint_list(s, v, "concurrency", 1, MAX_CONCURRENCY,
		                  &conc, &scn->concurrency_len) < 0) {
			free(conc);
			return -1;
		}
	} else {
		conc = calloc(1, sizeof(*conc));
		if (!conc)
			return fail(s, root, "out of memory");
		conc[0] = 1;
		scn->concurrency_len = 1;
	}
	scn->concurrency = calloc(scn->concurrency_len, sizeof(unsigned));
	if (!scn->concurrency) {
		free(conc);
		return fail(s, root, "out of memory");
	}
	for (i = 0; i < scn->concurrency_len; i++)
		scn->concurrency[i] = (unsigned)conc[i];
	free(conc);

	if ((v = ynode_get(root, "strategies")) &&
	    parse_strategies(s, v, scn) < 0)
		return -1;
	if ((v = ynode_get(root, "repeat")) &&
	    get_unsigned(s, v, "repeat", 1, MAX_REPEAT, &scn->repeat) < 0)
		return -1;
	if ((v = ynode_get(root, "loops")) &&
	    get_unsigned(s, v, "loops", 1, MAX_LOOPS, &scn->loops) < 0)
		return -1;
	if ((v = ynode_get(root, "timeout_ms")) &&
	    get_unsigned(s, v, "timeout_ms", 1, MAX_TIMEOUT_MS,
	                 &scn->timeout_ms) < 0)
		return -1;
	if ((v = ynode_get(root, "deadline_s")) &&
	    get_unsigned(s, v, "deadline_s", 1, MAX_DEADLINE_S,
	                 &scn->deadline_s) < 0)
		return -1;
	return 0;
}

int scenario_load(const char *path, struct scenario *scn, char *err,
                  size_t errlen)
{
	struct schema s = {.path = path, .err = err, .errlen = errlen};
	struct ynode *root;
	int rc;

	memset(scn, 0, sizeof(*scn));
	scn->repeat = DEFAULT_REPEAT;
	scn->loops = DEFAULT_LOOPS;
	scn->timeout_ms = DEFAULT_TIMEOUT_MS;
	scn->path = strdup(path);
	if (!scn->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	root = ydoc_load(path, err, errlen);
	if (!root) {
		scenario_free(scn);
		return -1;
	}
	rc = parse_root(&s, root, scn);
	ydoc_free(root);
	if (rc < 0)
		scenario_free(scn);
	return rc;
}

void strategy_spec_free(struct strategy_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->option_count; i++) {
		free(spec->options[i].name);
		free(spec->options[i].text);
	}
	free(spec->options);
	free(spec->label);
	free(spec->plugin);
	memset(spec, 0, sizeof(*spec));
}

int strategy_spec_init(struct strategy_spec *spec, const char *plugin)
{
	struct schema s = {.path = "command line", .err = NULL, .errlen = 0};
	struct ynode n = {.kind = YNODE_SCALAR, .text = (char *)plugin};

	memset(spec, 0, sizeof(*spec));
	if (parse_strategy(&s, &n, spec) < 0) {
		strategy_spec_free(spec);
		return -1;
	}
	return 0;
}

int strategy_spec_copy(struct strategy_spec *dst,
                       const struct strategy_spec *src)
{
	size_t i;

	*dst = *src;
	dst->label = strdup(src->label);
	dst->plugin = strdup(src->plugin);
	dst->options = calloc(src->option_count + 1, sizeof(*dst->options));
	dst->option_count = 0;
	if (!dst->label || !dst->plugin || !dst->options)
		goto fail;
	for (i = 0; i < src->option_count; i++) {
		struct option_value *o = &dst->options[i];
		*o = src->options[i];
		o->name = strdup(src->options[i].name);
		o->text = strdup(src->options[i].text);
		dst->option_count = i + 1;
		if (!o->name || !o->text)
			goto fail;
	}
	return 0;
fail:
	strategy_spec_free(dst);
	return -1;
}

int scenario_uses_server(const struct scenario *scn)
{
	return scn->has_server && scn->urls.relative && !scn->base_url;
}

void scenario_free(struct scenario *scn)
{
	size_t i;

	for (i = 0; i < scn->strategy_len; i++)
		strategy_spec_free(&scn->strategies[i]);
	free(scn->strategies);
	free(scn->concurrency);
	free(scn->url_counts);
	urlset_free(&scn->urls);
	free(scn->latencies);
	free(scn->base_url);
	free(scn->discover.url);
	free(scn->discover.method);
	free(scn->discover.body);
	free(scn->discover.content_type);
	free(scn->discover.more_header);
	free(scn->request.method);
	for (i = 0; i < scn->request.header_len; i++)
		free(scn->request.headers[i]);
	free(scn->request.headers);
	free(scn->request.body);
	free(scn->check.status);
	free(scn->check.contains);
	free(scn->check.match);
	free(scn->description);
	free(scn->name);
	free(scn->path);
	memset(scn, 0, sizeof(*scn));
}

static int bind_value(struct schema *s, struct option_value *o)
{
	const struct concbench_option *d = o->decl;
	int64_t v;

	switch (d->type) {
	case CONCBENCH_OPT_INT:
		if (o->quoted ||
		    number_parse_int(o->text, SCENARIO_INT_SYNTAX, &v) < 0)
			return fail_at(s, o->line, o->col,
			               "option '%s' must be an integer, got "
			               "\"%s\"",
			               o->name, o->text);
		if ((d->min || d->max) && (v < d->min || v > d->max))
			return fail_at(s, o->line, o->col,
			               "option '%s' must be between %" PRId64
			               " and %" PRId64 ", got %" PRId64,
			               o->name, d->min, d->max, v);
		o->number = v;
		return 0;
	case CONCBENCH_OPT_BOOL:
		if (o->quoted || (strcmp(o->text, "true") != 0 &&
		                  strcmp(o->text, "false") != 0))
			return fail_at(s, o->line, o->col,
			               "option '%s' must be true or false, got "
			               "\"%s\"",
			               o->name, o->text);
		o->number = strcmp(o->text, "true") == 0;
		return 0;
	case CONCBENCH_OPT_STRING:
		return 0;
	}
	return fail_at(s, o->line, o->col,
	               "option '%s' has a type this concbench does not know",
	               o->name);
}

int scenario_bind_options(struct strategy_spec *spec,
                          const struct concbench_option *decls,
                          const char *file, char *err, size_t errlen)
{
	struct schema s = {.path = file, .err = err, .errlen = errlen};
	size_t i, k, ndecl = 0;
	struct option_value *all;

	while (decls && decls[ndecl].name)
		ndecl++;
	for (i = 0; i < spec->option_count; i++) {
		struct option_value *o = &spec->options[i];

		for (k = 0; k < ndecl; k++)
			if (strcmp(decls[k].name, o->name) == 0)
				break;
		if (k == ndecl)
			return fail_at(&s, o->key_line, o->key_col,
			               "strategy '%s': plugin '%s' has no "
			               "option '%s'%s",
			               spec->label, spec->plugin, o->name,
			               ndecl ? " (see concbench --plugin-help)"
			                     : " (it takes no options)");
		o->decl = &decls[k];
		if (bind_value(&s, o) < 0)
			return -1;
	}
	/* Append declared defaults for what the scenario leaves unset. */
	all = realloc(spec->options,
	              (spec->option_count + ndecl + 1) * sizeof(*all));
	if (!all)
		return fail_at(&s, spec->line, spec->col, "out of memory");
	spec->options = all;
	for (k = 0; k < ndecl; k++) {
		struct option_value *o;
		if (!decls[k].default_value ||
		    strategy_option(spec, decls[k].name))
			continue;
		o = &spec->options[spec->option_count];
		memset(o, 0, sizeof(*o));
		o->name = strdup(decls[k].name);
		o->text = strdup(decls[k].default_value);
		o->decl = &decls[k];
		spec->option_count++;
		if (!o->name || !o->text)
			return fail_at(&s, spec->line, spec->col,
			               "out of memory");
		if (bind_value(&s, o) < 0)
			return fail_at(&s, spec->line, spec->col,
			               "plugin '%s' declares a bad default "
			               "\"%s\" for option '%s'",
			               spec->plugin, decls[k].default_value,
			               decls[k].name);
	}
	return 0;
}

const struct option_value *strategy_option(const struct strategy_spec *spec,
                                           const char *name)
{
	size_t i;

	for (i = 0; i < spec->option_count; i++)
		if (spec->options[i].decl &&
		    strcmp(spec->options[i].name, name) == 0)
			return &spec->options[i];
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * scenario_test: the scenario parser (core/scenario.c on core/yamldoc.c).
 *
 * Every file in tests/scenarios/bad must be refused: its first line says
 * "# expect: LINE:COL: MESSAGE" (or "# expect: -: MESSAGE" for an error
 * that has no position), and the error must be exactly "PATH:LINE:COL: "
 * followed by text that contains MESSAGE. The files in tests/scenarios/good
 * must load, and their values are checked one by one here. The scenarios in
 * tests/scenarios/sources read URL files there; their errors name the URL
 * file's line, so they are checked here rather than by "# expect:".
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "scenario.h"
#include "../tap.h"

static const char *srcdir;

static char *fixture(const char *dir, const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s/%s", srcdir, dir,
	         name);
	return path;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yaml files of a fixture directory, sorted. */
static size_t list_yaml(const char *dir, char ***out)
{
	char path[4096];
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s", srcdir, dir);
	d = opendir(path);
	if (!d) {
		*out = NULL;
		return 0;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	*out = names;
	return n;
}

/* Reads "# expect: L:C: MSG" or "# expect: -: MSG" from the first line. */
static int read_expect(const char *path, char *prefix, size_t plen, char *msg,
                       size_t mlen, char *where, size_t wlen)
{
	char line[1024];
	unsigned l, c;
	int at = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "# expect: -: ", 13) == 0) {
		snprintf(prefix, plen, "%s: ", path);
		snprintf(msg, mlen, "%s", line + 13);
		snprintf(where, wlen, "no position");
		return 0;
	}
	if (sscanf(line, "# expect: %u:%u: %n", &l, &c, &at) != 2 || !at)
		return -1;
	snprintf(prefix, plen, "%s:%u:%u: ", path, l, c);
	snprintf(msg, mlen, "%s", line + at);
	snprintf(where, wlen, "%u:%u", l, c);
	return 0;
}

static void test_bad_files(void)
{
	char **names;
	size_t n = list_yaml("bad", &names), i;

	ok(n >= 130, "found %zu bad scenario fixtures", n);
	for (i = 0; i < n; i++) {
		char err[DIAG_ERR_MAX], prefix[4200], msg[1024], where[32];
		char *path = fixture("bad", names[i]);
		struct scenario scn;
		int rc;

		if (!ok(read_expect(path, prefix, sizeof(prefix), msg,
		                    sizeof(msg), where, sizeof(where)) == 0,
		        "%s: has an '# expect:' first line", names[i])) {
			free(names[i]);
			continue;
		}
		memset(err, 'x', sizeof(err));
		rc = scenario_load(path, &scn, err, sizeof(err));
		is_int(rc, -1, "%s: refused", names[i]);
		if (rc == 0)
			scenario_free(&scn);
		if (!ok(strncmp(err, prefix, strlen(prefix)) == 0 &&
		            strstr(err + strlen(prefix), msg),
		        "%s: error at %s", names[i], where))
			diag("got:  %s\n# want: %s%s", err, prefix, msg);
		free(names[i]);
	}
	free(names);
}

static void test_missing_and_empty(void)
{
	char err[DIAG_ERR_MAX], want[4200], path[] = "/tmp/cbscnXXXXXX";
	struct scenario scn;
	int fd;

	is_int(scenario_load("/nonexistent/x.yaml", &scn, err, sizeof(err)), -1,
	       "a missing file is refused");
	is_str(err,
	       "/nonexistent/x.yaml: cannot open: No such file or directory",
	       "and the error names it");

	fd = mkstemp(path);
	ok(fd >= 0, "a zero-byte file is made");
	close(fd);
	is_int(scenario_load(path, &scn, err, sizeof(err)), -1,
	       "a zero-byte file is refused");
	snprintf(want, sizeof(want), "%s: empty scenario file", path);
	is_str(err, want, "as an empty scenario file");
	unlink(path);

	/* An error message longer than the buffer is cut, not overrun. */
	memset(want, '#', sizeof(want));
	is_int(
	    scenario_load(fixture("bad", "unknown_key.yaml"), &scn, want, 20),
	    -1, "refused with a 20-byte error buffer");
	is_int(strlen(want), 19, "the message is cut to 19 characters");
	is_int(want[20], '#', "nothing written past the buffer");
}

static void test_minimal(void)
{
	char err[DIAG_ERR_MAX] = "", buf[256];
	struct scenario scn;
	char *path = fixture("good", "minimal.yaml");

	if (!is_int(scenario_load(path, &scn, err, sizeof(err)), 0,
	            "minimal.yaml loads"))
		diag("%s", err);
	is_str(scn.path, path, "path kept");
	is_str(scn.name, "minimal", "name");
	ok(scn.description == NULL, "no description");
	is_int(scn.has_server, 0, "no server");
	is_int(scn.repeat, 3, "repeat defaults to 3");
	is_int(scn.loops, 1, "loops defaults to 1");
	is_int(scn.timeout_ms, 10000, "timeout_ms defaults to 10000");
	is_int(scn.concurrency_len, 1, "one concurrency by default");
	is_int(scn.concurrency ? scn.concurrency[0] : 0, 1,
	       "concurrency defaults to 1");
	is_int(scn.url_count_len, 1, "one url count");
	is_int(scn.url_counts ? scn.url_counts[0] : 0, 10, "count 10");
	is_int(scn.strategy_len, 0, "no strategies: every installed one");
	is_str(scn.urls.pattern, "http://example.com/item/{i}", "pattern");
	ok(scn.urls.list == NULL, "no list");
	is_int(scn.urls.relative, 0, "absolute URLs");
	urlset_format(&scn.urls, "http://ignored", 9, buf, sizeof(buf));
	is_str(buf, "http://example.com/item/9", "URL 9 of the set");
	scenario_free(&scn);
	ok(scn.name == NULL && scn.path == NULL, "scenario_free clears");
}

static void test_full(void)
{
	char err[DIAG_ERR_MAX] = "", buf[256];
	struct scenario scn;

	if (!is_int(scenario_load(fixture("good", "full.yaml"), &scn, err,
	                          sizeof(err)),
	            0, "full.yaml loads"))
		diag("%s", err);
	is_str(scn.name, "bing", "name");
	is_str(scn.description,
	       "Bing search result pages: threads vs processes", "description");
	is_int(scn.has_server, 1, "server");
	is_int(scn.server.latency.ms, 50, "latency 50 ms");
	is_int(scn.server.body_bytes, 30000, "body_bytes 30_000");
	is_int(scn.urls.relative, 1, "relative URLs");
	is_int(scn.url_count_len, 3, "three url counts");
	if (scn.url_count_len == 3) {
		is_int(scn.url_counts[0], 50, "count[0]");
		is_int(scn.url_counts[1], 100, "count[1]");
		is_int(scn.url_counts[2], 200, "count[2]");
	}
	is_int(scn.concurrency_len, 3, "three concurrencies");
	if (scn.concurrency_len == 3) {
		is_int(scn.concurrency[0], 5, "concurrency[0]");
		is_int(scn.concurrency[1], 10, "concurrency[1]");
		is_int(scn.concurrency[2], 15, "concurrency[2]");
	}
	is_int(scn.strategy_len, 3, "three strategies");
	if (scn.strategy_len == 3) {
		is_str(scn.strategies[0].plugin, "threads", "strategy 0");
		is_str(scn.strategies[0].label, "threads",
		       "labelled by plugin");
		is_str(scn.strategies[1].plugin, "processes", "strategy 1");
		is_str(scn.strategies[2].plugin, "eventloop", "strategy 2");
		is_int(scn.strategies[2].line, 11, "strategy 2 line");
		is_int(scn.strategies[2].col, 34, "strategy 2 column");
		is_int(scn.strategies[2].option_count, 0, "no options");
	}
	is_int(scn.repeat, 5, "repeat");
	is_int(scn.loops, 2, "loops");
	is_int(scn.timeout_ms, 2500, "timeout_ms");
	urlset_format(&scn.urls, "http://127.0.0.1:9", 7, buf, sizeof(buf));
	is_str(buf, "http://127.0.0.1:9/search?q=7&x={y}",
	       "relative URL gets the server prefix, {{ }} unescaped");
	scenario_free(&scn);
}

static void test_server_defaults(void)
{
	char err[DIAG_ERR_MAX] = "";
	struct scenario scn;

	if (!is_int(scenario_load(fixture("good", "server_defaults.yaml"), &scn,
	                          err, sizeof(err)),
	            0, "server_defaults.yaml loads"))
		diag("%s", err);
	is_int(scn.has_server, 1, "empty server block: server on");
	is_int(scn.server.latency.ms, 0, "latency defaults to 0");
	is_int(scn.server.body_bytes, 1024, "body_bytes defaults to 1024");
	is_int(scn.concurrency_len, 1, "a single concurrency");
	is_int(scn.concurrency ? scn.concurrency[0] : 0, 100000,
	       "concurrency at its maximum");
	is_int(scn.repeat, 1000, "repeat at its maximum");
	is_int(scn.loops, 1000000, "loops at its maximum");
	is_int(scn.timeout_ms, 86400000, "timeout_ms at its maximum");
	scenario_free(&scn);
}

static void test_strategies(void)
{
	char err[DIAG_ERR_MAX] = "";
	struct scenario scn;
	const struct strategy_spec *s;

	if (!is_int(scenario_load(fixture("good", "strategies.yaml"), &scn, err,
	                          sizeof(err)),
	            0, "strategies.yaml loads"))
		diag("%s", err);
	if (!is_int(scn.strategy_len, 4, "four strategies")) {
		scenario_free(&scn);
		return;
	}
	s = &scn.strategies[0];
	is_str(s->plugin, "serial", "0: plugin");
	is_str(s->label, "serial", "0: label from the plugin name");
	is_int(s->line, 8, "0: line");
	is_int(s->col, 5, "0: column");
	is_int(s->option_count, 0, "0: no options");

	s = &scn.strategies[1];
	is_str(s->plugin, "eventloop", "1: plugin");
	is_str(s->label, "ev-batch.10", "1: label from 'name'");
	is_int(s->line, 9, "1: line of the plugin value");
	is_int(s->col, 13, "1: column of the plugin value");
	is_int(s->option_count, 2, "1: two raw options");
	if (s->option_count == 2) {
		is_str(s->options[0].name, "batch", "option 0 name");
		is_str(s->options[0].text, "10", "option 0 raw text");
		is_int(s->options[0].key_line, 12, "option 0 key line");
		is_int(s->options[0].key_col, 7, "option 0 key column");
		is_int(s->options[0].line, 12, "option 0 value line");
		is_int(s->options[0].col, 14, "option 0 value column");
		ok(s->options[0].decl == NULL, "option 0 not bound yet");
		is_str(s->options[1].name, "flag", "option 1 name");
		is_str(s->options[1].text, "yes",
		       "option 1 raw text, unchecked");
		is_int(s->options[1].key_line, 13, "option 1 key line");
		ok(strategy_option(s, "batch") == NULL,
		   "strategy_option sees only bound options");
	}

	s = &scn.strategies[2];
	is_str(s->plugin, "./build/tests/plugins/.libs/good.so", "2: a path");
	is_str(s->label, "good", "2: label is the file name without .so");

	s = &scn.strategies[3];
	is_str(s->plugin, "/opt/strategies/mine", "3: a path without .so");
	is_str(s->label, "mine", "3: label is the last component");
	scenario_free(&scn);
}

static void test_list(void)
{
	char err[DIAG_ERR_MAX] = "", buf[64];
	struct scenario scn;

	if (!is_int(scenario_load(fixture("good", "list.yaml"), &scn, err,
	                          sizeof(err)),
	            0, "list.yaml loads"))
		diag("%s", err);
	ok(scn.urls.pattern == NULL, "no pattern");
	is_int(scn.urls.list_len, 3, "three URLs");
	is_int(scn.urls.relative, 1, "relative");
	is_int(scn.url_count_len, 1, "one url count");
	is_int(scn.url_counts ? scn.url_counts[0] : 0, 3,
	       "the url count is the list length");
	is_int(scn.server.latency.ms, 0, "latency 0");
	is_int(scn.server.body_bytes, 0, "body_bytes 0");
	if (scn.urls.list_len == 3) {
		is_str(scn.urls.list[0], "/a", "list[0]");
		is_str(scn.urls.list[1], "/b?c=d", "list[1]");
		is_str(scn.urls.list[2], "/{literal}", "list[2]");
		urlset_format(&scn.urls, "http://s", 2, buf, sizeof(buf));
		is_str(buf, "http://s/{literal}", "braces in a list are text");
	}
	is_int(scn.concurrency_len, 2, "two concurrencies");
	scenario_free(&scn);
}

/* Loads good/NAME; 0 if it loaded (else says why). */
static int load_good(const char *name, struct scenario *scn)
{
	char err[DIAG_ERR_MAX] = "";

	if (!is_int(scenario_load(fixture("good", name), scn, err, sizeof(err)),
	            0, "%s loads", name)) {
		diag("%s", err);
		return -1;
	}
	return 0;
}

static void test_dates(void)
{
	struct scenario scn;
	char buf[256];

	if (load_good("dates.yaml", &scn) < 0)
		return;
	is_int(scn.urls.has_dates, 1, "dates: has_dates");
	is_int(scn.urls.first_day, 20817, "dates: from 2026-12-30");
	is_str(scn.urls.date_format, "%d.%m.%Y", "dates: format");
	is_str(scn.urls.pattern, "/prices/{date}?n={i}", "dates: pattern");
	is_int(scn.urls.relative, 1, "dates: relative");
	is_int(scn.url_count_len, 2, "dates: two day counts");
	if (scn.url_count_len == 2) {
		is_int(scn.url_counts[0], 3, "dates: days[0]");
		is_int(scn.url_counts[1], 7, "dates: days[1]");
	}
	urlset_format(&scn.urls, "http://s", 3, buf, sizeof(buf));
	is_str(buf, "http://s/prices/02.01.2027?n=3",
	       "dates: URL 3 is the day after new year's day");
	is_str(scn.request.body, "{\"day\": \"{date}\", \"n\": {i}}",
	       "dates: a body with {date}");
	ok(scn.request.method == NULL, "dates: no method");
	is_int(scn.request.header_len, 0, "dates: no headers");
	is_str(scn.check.match, "class=\"price\">[0-9]+ CZK<", "dates: match");
	ok(scn.check.contains == NULL, "dates: no contains");
	is_int(scn.check.status_len, 0, "dates: any 2xx");
	is_int(scn.server.seed, 7, "dates: seed");
	is_int(scn.has_discover, 0, "dates: no discovery");
	is_int(scn.deadline_s, 0, "dates: no deadline");
	ok(scn.base_url == NULL, "dates: no base_url");
	scenario_free(&scn);

	if (load_good("dates_default.yaml", &scn) < 0)
		return;
	is_int(scn.urls.has_dates, 1, "dates_default: has_dates");
	is_int(scn.urls.first_day, 19781, "dates_default: from 2024-02-28");
	is_str(scn.urls.date_format, "%Y-%m-%d", "dates_default: %%Y-%%m-%%d");
	is_int(scn.url_count_len, 1, "dates_default: one count");
	is_int(scn.url_counts ? scn.url_counts[0] : 0, 2,
	       "dates_default: 2 days");
	is_int(scn.urls.relative, 0, "dates_default: absolute");
	is_int(scn.has_server, 0, "dates_default: no server");
	is_int(scn.latency_len, 0, "dates_default: no latency dimension");
	urlset_format(&scn.urls, NULL, 1, buf, sizeof(buf));
	is_str(buf, "http://h/day/2024-02-29", "dates_default: a leap day");
	scenario_free(&scn);
}

static void test_discover(void)
{
	struct scenario scn;
	const struct discover_spec *d = &scn.discover;

	if (load_good("discover.yaml", &scn) < 0)
		return;
	is_int(scn.has_discover, 1, "discover: has_discover");
	is_str(d->url, "/api/list_files", "discover: url");
	is_str(d->method, "POST", "discover: method defaults to POST");
	is_str(d->body, "start={start}&per_page={per_page}",
	       "discover: the default form body");
	ok(d->content_type == NULL, "discover: no content_type");
	is_str(d->more_header, "More",
	       "discover: more_header defaults to More");
	is_int(d->per_page, 5, "discover: per_page defaults to 5");
	is_int(d->max_pages, 1000, "discover: max_pages defaults to 1000");
	is_int(scn.url_count_len, 1, "discover: one url count");
	is_int(scn.url_counts ? scn.url_counts[0] : 99, 0,
	       "discover: the count is 0, no static jobs");
	is_int(scn.urls.relative, 1, "discover: a relative list URL");
	ok(scn.urls.pattern == NULL && scn.urls.list == NULL,
	   "discover: no pattern, no list");
	is_int(scn.check.x_of_n, 1, "discover: x_of_n");
	is_int(scn.server.files, 25, "discover: files");
	scenario_free(&scn);

	if (load_good("discover_full.yaml", &scn) < 0)
		return;
	is_str(d->url,
	       "http://api.example.com/v1/files?size={per_page}&from={start}",
	       "discover_full: url");
	is_str(d->method, "PUT", "discover_full: method");
	is_str(d->body, "{\"start\": {start}, \"per_page\": {per_page}}",
	       "discover_full: body");
	is_str(d->content_type, "application/json",
	       "discover_full: content_type");
	is_str(d->more_header, "X-More-Pages", "discover_full: more_header");
	is_int(d->per_page, 3, "discover_full: per_page");
	is_int(d->max_pages, 20, "discover_full: max_pages");
	is_int(scn.urls.relative, 0, "discover_full: absolute");
	is_int(scn.has_server, 0, "discover_full: no server");
	is_str(scn.request.method, "GET", "discover_full: request method");
	is_int(scn.check.x_of_n, 0, "discover_full: x_of_n false");
	is_int(scn.check.status_len, 1, "discover_full: one status");
	is_int(scn.check.status ? scn.check.status[0] : 0, 200,
	       "discover_full: status 200");
	scenario_free(&scn);

	if (load_good("discover_get.yaml", &scn) < 0)
		return;
	is_str(d->method, "GET", "discover_get: method GET");
	ok(d->body == NULL, "discover_get: no default body with GET");
	is_str(d->url, "/api/list_files?start={start}", "discover_get: url");
	scenario_free(&scn);

	if (load_good("discover_put.yaml", &scn) < 0)
		return;
	is_str(d->method, "PUT", "discover_put: method PUT");
	ok(d->body == NULL, "discover_put: the default body is POST's only");
	scenario_free(&scn);
}

static void test_request(void)
{
	struct scenario scn;
	size_t r;

	if (load_good("request.yaml", &scn) < 0)
		return;
	is_str(scn.request.method, "POST", "request: method");
	if (is_int(scn.request.header_len, 3, "request: three headers")) {
		is_str(scn.request.headers[0], "Content-Type: application/json",
		       "request: header 0, 'Name: value'");
		is_str(scn.request.headers[1], "X-Trace-Id: a b: c",
		       "request: header 1");
		is_str(scn.request.headers[2], "Accept: */*",
		       "request: header 2");
	}
	is_str(scn.request.body, "{\"id\": {i}, \"tags\": [\"x\"], \"o\": {}}",
	       "request: body, JSON braces as written");
	is_int(scn.check.status_len, 2, "request: two statuses");
	if (scn.check.status_len == 2) {
		is_int(scn.check.status[0], 200, "request: status[0]");
		is_int(scn.check.status[1], 201, "request: status[1]");
	}
	is_str(scn.check.contains, "\"echo\":", "request: contains");
	ok(scn.check.match == NULL, "request: no match");
	is_int(scn.deadline_s, 30, "request: deadline_s");
	is_int(scn.urls.list_len, 1, "request: one URL");
	for (r = 0; r < ROUTE_COUNT; r++)
		is_int(scn.server.route_latency_set[r], r == ROUTE_ECHO,
		       "request: route %s latency %s", routes_name(r),
		       r == ROUTE_ECHO ? "set" : "not set");
	is_int(scn.server.route_latency[ROUTE_ECHO].model, LATENCY_FIXED,
	       "request: echo latency fixed");
	is_int(scn.server.route_latency[ROUTE_ECHO].ms, 3,
	       "request: echo latency 3 ms");
	is_int(scn.latency_len, 1, "request: one latency, the default");
	is_int(scn.server.latency.ms, 0, "request: server latency 0");
	scenario_free(&scn);

	if (load_good("base_url.yaml", &scn) < 0)
		return;
	is_str(scn.base_url, "http://127.0.0.1:8080",
	       "base_url: trailing slashes dropped");
	is_int(scn.has_server, 0, "base_url: no server");
	is_int(scn.urls.relative, 1, "base_url: relative URLs");
	is_int(scn.latency_len, 0, "base_url: no latency dimension");
	is_int(scn.check.status_len, 1, "base_url: one status");
	is_int(scn.check.status ? scn.check.status[0] : 0, 404,
	       "base_url: status 404");
	scenario_free(&scn);
}

/* Which scenarios start the embedded server. */
static void test_uses_server(void)
{
	static const struct {
		const char *name;
		int uses;
	} cases[] = {
	    {"full.yaml", 1},          /* server, relative */
	    {"request.yaml", 1},       /* server, a relative list */
	    {"discover.yaml", 1},      /* server, a relative list URL */
	    {"url_file.yaml", 1},      /* server, relative paths of a file */
	    {"base_url.yaml", 0},      /* relative, but to base_url */
	    {"minimal.yaml", 0},       /* no server */
	    {"discover_full.yaml", 0}, /* an absolute list URL */
	    {"url_file_absolute.yaml", 0},
	};
	struct scenario scn;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (load_good(cases[i].name, &scn) < 0)
			continue;
		is_int(scenario_uses_server(&scn), cases[i].uses,
		       "%s %s the embedded server", cases[i].name,
		       cases[i].uses ? "uses" : "does not use");
		scenario_free(&scn);
	}
}

static void test_latency_models(void)
{
	struct scenario scn;
	const struct latency_spec *l;

	if (load_good("latency_models.yaml", &scn) < 0)
		return;
	if (is_int(scn.latency_len, 4, "models: four latencies")) {
		l = scn.latencies;
		is_int(l[0].model * 1000 + l[0].ms, LATENCY_FIXED * 1000 + 0,
		       "models: 0: {ms: 0}");
		is_int(l[1].model * 1000 + l[1].ms, LATENCY_FIXED * 1000 + 20,
		       "models: 1: fixed 20");
		is_int(l[2].model, LATENCY_UNIFORM, "models: 2: uniform");
		is_int(l[2].min_ms, 10, "models: 2: min_ms");
		is_int(l[2].max_ms, 90, "models: 2: max_ms");
		is_int(l[3].model, LATENCY_LOGNORMAL, "models: 3: lognormal");
		is_int(l[3].median_ms, 50, "models: 3: median_ms");
		is_int(l[3].p99_ms, 400, "models: 3: p99_ms");
		ok(memcmp(&scn.server.latency, &l[0], sizeof(*l)) == 0,
		   "models: the server starts with the first");
	}
	is_int(scn.server.seed, INT64_MAX, "models: seed at its maximum");
	is_int(scn.server.files, 1000000, "models: files at its maximum");
	l = scn.server.route_latency;
	is_int(scn.server.route_latency_set[ROUTE_PAGE], 1, "models: page set");
	is_int(l[ROUTE_PAGE].model, LATENCY_UNIFORM, "models: page uniform");
	is_int(l[ROUTE_PAGE].min_ms + l[ROUTE_PAGE].max_ms, 0,
	       "models: page 0..0");
	is_int(scn.server.route_latency_set[ROUTE_PRICES], 1,
	       "models: prices set");
	is_int(l[ROUTE_PRICES].ms, 3600000, "models: prices at the maximum");
	is_int(scn.server.route_latency_set[ROUTE_FILES], 1,
	       "models: files set");
	is_int(l[ROUTE_FILES].model, LATENCY_LOGNORMAL,
	       "models: files lognormal");
	is_int(l[ROUTE_FILES].median_ms * 10 + l[ROUTE_FILES].p99_ms, 11,
	       "models: files median 1, p99 1");
	is_int(scn.server.route_latency_set[ROUTE_LIST] +
	           scn.server.route_latency_set[ROUTE_ECHO],
	       0, "models: list and echo not set");
	scenario_free(&scn);
}

static void test_url_files(void)
{
	char err[DIAG_ERR_MAX] = "", want[8400], dir[4096], here[4096];
	char spath[] = "/tmp/cbscnXXXXXX", upath[] = "/tmp/cburlXXXXXX";
	struct scenario scn;
	FILE *f;
	int fd;

	if (load_good("url_file.yaml", &scn) == 0) {
		if (is_int(scn.urls.list_len, 3, "url_file: three URLs")) {
			is_str(scn.urls.list[0], "/a", "url_file: list[0]");
			is_str(scn.urls.list[1], "/b?c=d",
			       "url_file: list[1], trimmed");
			is_str(scn.urls.list[2], "/c/{literal}",
			       "url_file: list[2], braces as text");
		}
		is_int(scn.url_count_len, 1, "url_file: one url count");
		is_int(scn.url_counts ? scn.url_counts[0] : 0, 3,
		       "url_file: the count is the number of URLs");
		is_int(scn.urls.relative, 1, "url_file: relative");
		ok(scn.urls.pattern == NULL, "url_file: no pattern");
		scenario_free(&scn);
	}
	if (load_good("url_file_absolute.yaml", &scn) == 0) {
		if (is_int(scn.urls.list_len, 2,
		           "url_file_absolute: two URLs")) {
			is_str(scn.urls.list[0], "http://h/1",
			       "url_file_absolute: CR trimmed");
			is_str(scn.urls.list[1], "https://h/2?x=y#frag",
			       "url_file_absolute: '#' inside a URL kept");
		}
		is_int(scn.urls.relative, 0, "url_file_absolute: absolute");
		is_int(scn.has_server, 0, "url_file_absolute: no server");
		scenario_free(&scn);
	}

	/* Errors inside the file name the file, its line and column 1. */
	snprintf(dir, sizeof(dir), "%s/tests/scenarios/sources", srcdir);
	is_int(scenario_load(fixture("sources", "mixed.yaml"), &scn, err,
	                     sizeof(err)),
	       -1, "mixed: refused");
	snprintf(want, sizeof(want),
	         "%s/mixed.txt:4:1: URL \"http://h/b\": mixing server paths "
	         "and absolute URLs in one set is not supported",
	         dir);
	is_str(err, want, "mixed: at URLFILE:4:1");
	is_int(scenario_load(fixture("sources", "bad_scheme.yaml"), &scn, err,
	                     sizeof(err)),
	       -1, "bad_scheme: refused");
	snprintf(want, sizeof(want),
	         "%s/bad_scheme.txt:2:1: URL \"ftp://h/2\" must start with "
	         "http://, https:// or / (a path on the server)",
	         dir);
	is_str(err, want, "bad_scheme: at URLFILE:2:1");

	/* A missing file and a file of comments: at the 'file' value. */
	is_int(scenario_load(fixture("bad", "file_missing.yaml"), &scn, err,
	                     sizeof(err)),
	       -1, "file_missing: refused");
	snprintf(
	    want, sizeof(want),
	    "%s/tests/scenarios/bad/file_missing.yaml:4:9: cannot read URL "
	    "file %s/tests/scenarios/bad/../sources/no-such-file.txt: No "
	    "such file or directory",
	    srcdir, srcdir);
	is_str(err, want, "file_missing: the whole message");
	is_int(scenario_load(fixture("bad", "file_only_comments.yaml"), &scn,
	                     err, sizeof(err)),
	       -1, "file_only_comments: refused");
	snprintf(want, sizeof(want),
	         "%s/tests/scenarios/bad/file_only_comments.yaml:5:9: URL file "
	         "%s/tests/scenarios/bad/../sources/comments.txt has no URLs "
	         "(only blank lines and # comments)",
	         srcdir, srcdir);
	is_str(err, want, "file_only_comments: the whole message");

	/* A scenario named without a directory: the file is found next to
	 * it, in the current directory. */
	if (getcwd(here, sizeof(here)) && chdir(dir) == 0) {
		if (is_int(
		        scenario_load("relative.yaml", &scn, err, sizeof(err)),
		        0, "relative.yaml loads from its own directory"))
			is_int(scn.urls.list_len, 2, "relative: two URLs");
		else
			diag("%s", err);
		scenario_free(&scn);
		ok(chdir(here) == 0, "back to the first directory");
	} else {
		ok(0, "cannot change to %s", dir);
	}

	/* An absolute file name is taken as it is. */
	fd = mkstemp(upath);
	f = fdopen(fd, "w");
	fputs("http://h/x\n# c\nhttp://h/y\nhttp://h/z\n", f);
	fclose(f);
	fd = mkstemp(spath);
	f = fdopen(fd, "w");
	fprintf(f, "name: abs\nurls: {file: \"%s\"}\n", upath);
	fclose(f);
	if (is_int(scenario_load(spath, &scn, err, sizeof(err)), 0,
	           "an absolute URL file name loads"))
		is_int(scn.urls.list_len, 3, "absolute name: three URLs");
	else
		diag("%s", err);
	scenario_free(&scn);
	unlink(upath);
	unlink(spath);
}

int main(void)
{
	srcdir = getenv("srcdir");
	if (!srcdir)
		srcdir = ".";
	test_bad_files();
	test_missing_and_empty();
	test_minimal();
	test_full();
	test_server_defaults();
	test_strategies();
	test_list();
	test_dates();
	test_discover();
	test_request();
	test_latency_models();
	test_uses_server();
	test_url_files();
	return done_testing();
}

/*
 * scenario_test: the scenario parser (core/scenario.c on core/yamldoc.c).
 *
 * Every file in tests/scenarios/bad must be refused: its first line says
 * "# expect: LINE:COL: MESSAGE" (or "# expect: -: MESSAGE" for an error
 * that has no position), and the error must be exactly "PATH:LINE:COL: "
 * followed by text that contains MESSAGE. The files in tests/scenarios/good
 * must load, and their values are checked one by one here, as are
 * scenario_parse_int() and strategy_spec_init().
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "tap.h"

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
static int read_expect(const char *path, char *prefix, size_t plen,
                       char *msg, size_t mlen, char *where,
                       size_t wlen)
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

	ok(n >= 40, "found %zu bad scenario fixtures", n);
	for (i = 0; i < n; i++) {
		char err[SCENARIO_ERR_MAX], prefix[4200], msg[1024], where[32];
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
	char err[SCENARIO_ERR_MAX], want[4200], path[] = "/tmp/cbscnXXXXXX";
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
	is_int(scenario_load(fixture("bad", "unknown_key.yaml"), &scn, want,
	                     20),
	       -1, "refused with a 20-byte error buffer");
	is_int(strlen(want), 19, "the message is cut to 19 characters");
	is_int(want[20], '#', "nothing written past the buffer");
}

static void test_minimal(void)
{
	char err[SCENARIO_ERR_MAX] = "", buf[256];
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
	char err[SCENARIO_ERR_MAX] = "", buf[256];
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
	char err[SCENARIO_ERR_MAX] = "";
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
	char err[SCENARIO_ERR_MAX] = "";
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
	char err[SCENARIO_ERR_MAX] = "", buf[64];
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

static void test_parse_int(void)
{
	static const struct {
		const char *text;
		int rc;
		int64_t value;
	} cases[] = {
	    {"0", 0, 0},
	    {"42", 0, 42},
	    {"-7", 0, -7},
	    {"+7", 0, 7},
	    {"1_000_000", 0, 1000000},
	    {"9223372036854775807", 0, INT64_MAX},
	    {"9223372036854775808", -1, 0},
	    {"99999999999999999999999", -1, 0},
	    {"", -1, 0},
	    {"-", -1, 0},
	    {"_1", -1, 0},
	    {"1_", -1, 0},
	    {"1__0", -1, 0},
	    {"12a", -1, 0},
	    {" 1", -1, 0},
	    {"0x10", -1, 0},
	    {"1.5", -1, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 12345;
		int rc = scenario_parse_int(cases[i].text, &v);
		is_int(rc, cases[i].rc, "parse_int(\"%s\") returns %d",
		       cases[i].text, cases[i].rc);
		is_int(v, cases[i].rc ? 12345 : cases[i].value,
		       "parse_int(\"%s\") value", cases[i].text);
	}
}

static void test_spec_init(void)
{
	struct strategy_spec spec;

	is_int(strategy_spec_init(&spec, "threadpool"), 0, "spec for a name");
	is_str(spec.plugin, "threadpool", "plugin");
	is_str(spec.label, "threadpool", "label");
	is_int(spec.option_count, 0, "no options");
	strategy_spec_free(&spec);
	ok(spec.plugin == NULL && spec.label == NULL, "spec freed and cleared");

	is_int(strategy_spec_init(&spec, "../x/my-way.so"), 0,
	       "spec for a path");
	is_str(spec.plugin, "../x/my-way.so", "plugin is the path");
	is_str(spec.label, "my-way", "label is the base name");
	strategy_spec_free(&spec);

	is_int(strategy_spec_init(&spec, ""), -1, "an empty name is refused");
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
	test_parse_int();
	test_spec_init();
	return done_testing();
}

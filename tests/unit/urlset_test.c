/* SPDX-License-Identifier: MIT */
/*
 * urlset_test: URL patterns and lists (core/urlset.c): which patterns
 * urlset_check_template() accepts, its messages and offsets, and what
 * urlset_format() writes: {i}, {{ and }}, the server prefix of relative
 * sets, list indexing, and snprintf-like truncation. Then the newer parts:
 * request-body templates (URLSET_BODY), {start} and {per_page}, date
 * ranges (urlset_parse_day, urlset_check_date_format, {date} of an index)
 * and URL files (urlset_read_file).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "urlset.h"

static void check_ok(const char *pattern)
{
	char err[200] = "untouched";
	size_t at = 12345;

	is_int(urlset_check_template(pattern, URLSET_STRICT, URLSET_VAR_I,
	                             "URL pattern", NULL, err, sizeof(err),
	                             &at),
	       0, "pattern \"%s\" accepted", pattern);
	is_str(err, "untouched", "no error for \"%s\"", pattern);
}

static void check_bad(const char *pattern, size_t want_at, const char *want)
{
	char err[200] = "";
	size_t at = 12345;

	is_int(urlset_check_template(pattern, URLSET_STRICT, URLSET_VAR_I,
	                             "URL pattern", NULL, err, sizeof(err),
	                             &at),
	       -1, "pattern \"%s\" refused", pattern);
	is_int(at, want_at, "at offset %zu", want_at);
	is_str(err, want, "with the right message");
}

static void test_check(void)
{
	static const char unknown[] =
	    "unknown placeholder '%s' in URL pattern (known: {i})";
	static const char unclosed[] =
	    "unclosed '{' in URL pattern (write {{ for a literal brace)";
	static const char stray[] =
	    "stray '}' in URL pattern (write }} for a literal brace)";
	char msg[200];

	check_ok("http://h/{i}");
	check_ok("/search?q={i}&page={i}");
	check_ok("/static");
	check_ok("");
	check_ok("/{{i}}");
	check_ok("/{{{i}}}");
	check_ok("{i}{i}");

	snprintf(msg, sizeof(msg), unknown, "{x}");
	check_bad("/a/{x}", 3, msg);
	snprintf(msg, sizeof(msg), unknown, "{}");
	check_bad("{}", 0, msg);
	snprintf(msg, sizeof(msg), unknown, "{ii}");
	check_bad("/{i}/{ii}", 5, msg);
	snprintf(msg, sizeof(msg), unknown, "{I}");
	check_bad("/{I}", 1, msg);
	snprintf(msg, sizeof(msg), unknown, "{ i}");
	check_bad("/{ i}", 1, msg);
	check_bad("/a/{i", 3, unclosed);
	check_bad("{", 0, unclosed);
	check_bad("/a}b", 2, stray);
	check_bad("/{i}}", 4, stray);
	check_bad("}}}", 2, stray);
	check_bad("/{{i}", 4, stray);
}

static void test_format_pattern(void)
{
	struct urlset set = {.pattern = "/q?{i}&x={{{i}}}", .relative = 1};
	struct urlset abs = {.pattern = "http://h/{i}/{i}", .relative = 0};
	char buf[128];
	size_t n;

	n = urlset_format(&set, "http://127.0.0.1:8080", 42, buf, sizeof(buf));
	is_str(buf, "http://127.0.0.1:8080/q?42&x={42}",
	       "relative: base + pattern, {{ and }} are braces");
	is_int(n, strlen("http://127.0.0.1:8080/q?42&x={42}"), "its length");

	n = urlset_format(&set, NULL, 0, buf, sizeof(buf));
	is_str(buf, "/q?0&x={0}", "relative without a base: the path alone");
	is_int(n, 10, "its length");

	n = urlset_format(&abs, "http://ignored", 7, buf, sizeof(buf));
	is_str(buf, "http://h/7/7", "absolute: base ignored, {i} twice");
	is_int(n, 12, "its length");

	n = urlset_format(&abs, NULL, UINT64_MAX, buf, sizeof(buf));
	is_str(buf, "http://h/18446744073709551615/18446744073709551615",
	       "the largest index");
	is_int(n, 50, "its length");
}

static void test_truncation(void)
{
	struct urlset set = {.pattern = "/p/{i}", .relative = 1};
	const char *full = "http://b/p/123";
	char buf[32];
	size_t n;

	memset(buf, '#', sizeof(buf));
	n = urlset_format(&set, "http://b", 123, buf, 10);
	is_int(n, 14, "truncated: returns the full length, like snprintf");
	is_str(buf, "http://b/", "keeps the first len - 1 bytes");
	is_int(buf[10], '#', "writes nothing past len");

	memset(buf, '#', sizeof(buf));
	n = urlset_format(&set, "http://b", 123, buf, 5);
	is_int(n, 14, "cut inside the base: full length");
	is_str(buf, "http", "keeps 4 bytes of the base");

	memset(buf, '#', sizeof(buf));
	n = urlset_format(&set, "http://b", 123, buf, 13);
	is_str(buf, "http://b/p/1", "cut inside the number");
	n = urlset_format(&set, "http://b", 123, buf, 14);
	is_int(n, 14, "len == length: truncated by one");
	is_str(buf, "http://b/p/12", "last byte dropped for the NUL");
	n = urlset_format(&set, "http://b", 123, buf, 15);
	is_str(buf, full, "len == length + 1: fits");

	memset(buf, '#', sizeof(buf));
	n = urlset_format(&set, "http://b", 123, buf, 1);
	is_int(n, 14, "len 1: full length");
	is_int(buf[0], '\0', "an empty string");
	is_int(buf[1], '#', "nothing more");

	n = urlset_format(&set, "http://b", 123, NULL, 0);
	is_int(n, 14, "len 0 and no buffer: just the length");
}

static void test_list(void)
{
	char *urls[] = {"/a", "/bb", "http://x/{i}"};
	struct urlset rel = {.list = urls, .list_len = 2, .relative = 1};
	struct urlset abs = {.list = urls + 2, .list_len = 1, .relative = 0};
	char buf[64];
	size_t n;

	n = urlset_format(&rel, "http://s:1", 0, buf, sizeof(buf));
	is_str(buf, "http://s:1/a", "list[0] with the server prefix");
	is_int(n, 12, "its length");
	n = urlset_format(&rel, "http://s:1", 1, buf, sizeof(buf));
	is_str(buf, "http://s:1/bb", "list[1]");
	n = urlset_format(&abs, "http://s:1", 0, buf, sizeof(buf));
	is_str(buf, "http://x/{i}", "a listed URL is not a pattern");
	is_int(n, 12, "its length");
	n = urlset_format(&rel, "http://s:1", 1, buf, 6);
	is_int(n, 13, "a list URL truncates like a pattern");
	is_str(buf, "http:", "keeping len - 1 bytes");
}

/* ---- several placeholders; bodies ------------------------------------- */

#define ALL_VARS                                                               \
	(URLSET_VAR_I | URLSET_VAR_DATE | URLSET_VAR_START |                   \
	 URLSET_VAR_PER_PAGE)

/* Accepted under `syntax` and `allowed`, using exactly `want_used`. */
static void template_ok(const char *text, enum urlset_syntax syntax,
                        unsigned allowed, unsigned want_used)
{
	char err[200] = "untouched";
	size_t at = 12345;
	unsigned used = 999;

	is_int(urlset_check_template(text, syntax, allowed, "T", &used, err,
	                             sizeof(err), &at),
	       0, "%s \"%s\" accepted", syntax == URLSET_BODY ? "body" : "URL",
	       text);
	is_int(used, want_used, "%s \"%s\" uses mask %u",
	       syntax == URLSET_BODY ? "body" : "URL", text, want_used);
	is_str(err, "untouched", "no error for \"%s\"", text);
}

static void template_bad(const char *text, enum urlset_syntax syntax,
                         unsigned allowed, const char *what, size_t want_at,
                         const char *want)
{
	char err[200] = "";
	size_t at = 12345;
	unsigned used = 999;

	is_int(urlset_check_template(text, syntax, allowed, what, &used, err,
	                             sizeof(err), &at),
	       -1, "%s \"%s\" refused", syntax == URLSET_BODY ? "body" : "URL",
	       text);
	is_int(at, want_at, "\"%s\": at offset %zu", text, want_at);
	is_str(err, want, "\"%s\": the message", text);
	is_int(used, 999, "\"%s\": used untouched on an error", text);
}

static void test_templates(void)
{
	/* URLs: every placeholder, as the mask allows. */
	template_ok("/p/{date}?i={i}", URLSET_STRICT,
	            URLSET_VAR_I | URLSET_VAR_DATE,
	            URLSET_VAR_I | URLSET_VAR_DATE);
	template_ok("/l?s={start}&n={per_page}", URLSET_STRICT,
	            URLSET_VAR_START | URLSET_VAR_PER_PAGE,
	            URLSET_VAR_START | URLSET_VAR_PER_PAGE);
	template_ok("/l?s={start}", URLSET_STRICT, ALL_VARS, URLSET_VAR_START);
	template_ok("/static/{{date}}", URLSET_STRICT, ALL_VARS, 0);
	template_bad("/l?p={page}", URLSET_STRICT,
	             URLSET_VAR_START | URLSET_VAR_PER_PAGE, "list URL", 5,
	             "unknown placeholder '{page}' in list URL (known: "
	             "{start}, {per_page})");
	template_bad("/p/{i}/{start}", URLSET_STRICT,
	             URLSET_VAR_I | URLSET_VAR_DATE, "URL pattern", 7,
	             "unknown placeholder '{start}' in URL pattern (known: "
	             "{i}, {date})");
	template_bad("/{date}", URLSET_STRICT, URLSET_VAR_I, "URL pattern", 1,
	             "unknown placeholder '{date}' in URL pattern (known: "
	             "{i})");
	template_bad("{i}", URLSET_STRICT, 0, "nothing", 0,
	             "unknown placeholder '{i}' in nothing (known: )");

	/* Bodies: JSON as written; only {name} of [a-z_]+ is a placeholder. */
	template_ok("{\"id\": {i}}", URLSET_BODY,
	            URLSET_VAR_I | URLSET_VAR_DATE, URLSET_VAR_I);
	template_ok("{\"day\": \"{date}\", \"n\": {i}}", URLSET_BODY,
	            URLSET_VAR_I | URLSET_VAR_DATE,
	            URLSET_VAR_I | URLSET_VAR_DATE);
	template_ok("start={start}&per_page={per_page}", URLSET_BODY,
	            URLSET_VAR_START | URLSET_VAR_PER_PAGE,
	            URLSET_VAR_START | URLSET_VAR_PER_PAGE);
	template_ok("{}", URLSET_BODY, ALL_VARS, 0);
	template_ok("{", URLSET_BODY, ALL_VARS, 0);
	template_ok("}}}", URLSET_BODY, ALL_VARS, 0);
	template_ok("{I}", URLSET_BODY, ALL_VARS, 0);
	template_ok("{ i}", URLSET_BODY, ALL_VARS, 0);
	template_ok("{i ", URLSET_BODY, ALL_VARS, 0);
	template_ok("{x-y}", URLSET_BODY, ALL_VARS, 0);
	template_ok("{a1}", URLSET_BODY, ALL_VARS, 0);
	template_ok("{\"a\": {\"b\": []}}", URLSET_BODY, 0, 0);
	template_ok("{{i}}", URLSET_BODY, URLSET_VAR_I, URLSET_VAR_I);
	template_ok("", URLSET_BODY, ALL_VARS, 0);
	template_bad("{\"a\": {x}}", URLSET_BODY, URLSET_VAR_I, "request body",
	             6,
	             "unknown placeholder '{x}' in request body (known: {i})");
	template_bad("n={i}&p={per_page}", URLSET_BODY,
	             URLSET_VAR_I | URLSET_VAR_DATE, "request body", 8,
	             "unknown placeholder '{per_page}' in request body (known: "
	             "{i}, {date})");
	template_bad("n={i}", URLSET_BODY,
	             URLSET_VAR_START | URLSET_VAR_PER_PAGE, "listing body", 2,
	             "unknown placeholder '{i}' in listing body (known: "
	             "{start}, {per_page})");
	template_bad("{{start_at}}", URLSET_BODY, ALL_VARS, "body", 1,
	             "unknown placeholder '{start_at}' in body (known: {i}, "
	             "{date}, {start}, {per_page})");
}

static void expect_expand(const char *text, enum urlset_syntax syntax,
                          const struct urlset_values *v, const char *want)
{
	char buf[256];
	size_t n;

	memset(buf, '#', sizeof(buf));
	n = urlset_expand(text, syntax, v, buf, sizeof(buf));
	is_str(buf, want, "expand \"%s\"", text);
	is_int(n, strlen(want), "expand \"%s\": its length", text);
}

static void test_expand(void)
{
	struct urlset_values v = {
	    .i = 7, .date = "2027-01-02", .start = 10, .per_page = 5};
	struct urlset_values nodate = {.i = 3};
	char buf[16];
	size_t n;

	expect_expand("/api/list_files?start={start}&per_page={per_page}",
	              URLSET_STRICT, &v, "/api/list_files?start=10&per_page=5");
	expect_expand("/p/{date}/{i}/{{x}}", URLSET_STRICT, &v,
	              "/p/2027-01-02/7/{x}");
	expect_expand("start={start}&per_page={per_page}", URLSET_BODY, &v,
	              "start=10&per_page=5");
	expect_expand("{\"id\": {i}, \"day\": \"{date}\"}", URLSET_BODY, &v,
	              "{\"id\": 7, \"day\": \"2027-01-02\"}");
	expect_expand("{{i}}", URLSET_BODY, &v, "{7}");
	expect_expand("{\"id\": {i}", URLSET_BODY, &v, "{\"id\": 7");
	expect_expand("{I} {x-y} { i} {", URLSET_BODY, &v, "{I} {x-y} { i} {");
	expect_expand("}}", URLSET_BODY, &v, "}}");
	expect_expand("d={date}.", URLSET_BODY, &nodate, "d=.");
	expect_expand("/d/{date}/{i}", URLSET_STRICT, &nodate, "/d//3");
	expect_expand("", URLSET_BODY, &v, "");

	memset(buf, '#', sizeof(buf));
	n = urlset_expand("start={start}&per_page={per_page}", URLSET_BODY, &v,
	                  buf, 8);
	is_int(n, 19, "expand truncates like snprintf: the full length");
	is_str(buf, "start=1", "keeping len - 1 bytes");
	is_int(buf[8], '#', "nothing written past len");
	is_int(urlset_expand("{\"id\": {i}}", URLSET_BODY, &v, NULL, 0), 9,
	       "no buffer: just the length");
}

/* ---- date ranges ------------------------------------------------------ */

static void test_parse_day(void)
{
	static const struct {
		const char *text;
		int rc;
		int64_t day;
	} cases[] = {
	    {"1970-01-01", 0, 0},
	    {"1970-01-02", 0, 1},
	    {"1969-12-31", 0, -1},
	    {"2000-02-29", 0, 11016}, /* divisible by 400: a leap year */
	    {"2000-03-01", 0, 11017},
	    {"2024-02-29", 0, 19782},
	    {"2024-03-01", 0, 19783},
	    {"2026-02-28", 0, 20512},
	    {"2026-12-30", 0, 20817},
	    {"1600-02-29", 0, -135081},
	    {"0001-01-01", 0, -719162},
	    {"9999-12-31", 0, 2932896},
	    {"2026-02-29", -1, 0}, /* not a leap year */
	    {"2100-02-29", -1, 0}, /* divisible by 100 only */
	    {"1900-02-29", -1, 0},
	    {"2026-04-31", -1, 0},
	    {"2026-06-31", -1, 0},
	    {"2026-01-32", -1, 0},
	    {"2026-13-01", -1, 0},
	    {"2026-00-10", -1, 0},
	    {"2026-01-00", -1, 0},
	    {"0000-01-01", -1, 0},
	    {"2026-4-01", -1, 0},
	    {"2026-04-1", -1, 0},
	    {"26-04-01", -1, 0},
	    {"20260401", -1, 0},
	    {"2026/04/01", -1, 0},
	    {"2026-04-01 ", -1, 0},
	    {" 2026-04-01", -1, 0},
	    {"2026-04-01T00", -1, 0},
	    {"+026-04-01", -1, 0},
	    {"2026-+4-01", -1, 0},
	    {"2026-04- 1", -1, 0},
	    {"2026-04-0x", -1, 0},
	    {"abcd-ef-gh", -1, 0},
	    {"12026-04-01", -1, 0},
	    {"", -1, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t day = 424242;
		is_int(urlset_parse_day(cases[i].text, &day), cases[i].rc,
		       "parse_day(\"%s\") returns %d", cases[i].text,
		       cases[i].rc);
		is_int(day, cases[i].rc ? 424242 : cases[i].day,
		       "parse_day(\"%s\") day", cases[i].text);
	}
}

static void test_date_format_check(void)
{
	char longest[URLSET_DATE_MAX + 8];

	is_int(urlset_check_date_format("%Y-%m-%d"), 0, "%%Y-%%m-%%d is fine");
	is_int(urlset_check_date_format("%d.%m.%Y"), 0, "%%d.%%m.%%Y is fine");
	is_int(urlset_check_date_format("%A, %d %B %Y"), 0,
	       "names of days and months are fine");
	is_int(urlset_check_date_format("today"), 0,
	       "a constant is non-empty, so fine");
	is_int(urlset_check_date_format(""), -1, "an empty format is refused");
	/* 15 x "%Y" and "abc": 63 bytes, the most that fits with the NUL. */
	strcpy(longest, "%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Yabc");
	is_int(urlset_check_date_format(longest), 0, "a date of %d bytes fits",
	       URLSET_DATE_MAX - 1);
	strcat(longest, "d");
	is_int(urlset_check_date_format(longest), -1,
	       "a date of %d bytes does not", URLSET_DATE_MAX);
	is_int(urlset_check_date_format(
	           "%A %A %A %A %A %A %A %A %A %A %A %A %A %A"),
	       -1, "14 weekday names are too long");
}

/* {date} and the URL of index `index` of a date set from `from`. */
static void expect_day(const char *from, const char *format, uint64_t index,
                       const char *want_date)
{
	struct urlset set = {.pattern = "/prices/{date}?n={i}",
	                     .relative = 1,
	                     .has_dates = 1,
	                     .date_format = (char *)format};
	struct urlset_values v;
	char date[URLSET_DATE_MAX], url[128], want_url[128];

	if (!is_int(urlset_parse_day(from, &set.first_day), 0, "from %s", from))
		return;
	memset(date, '#', sizeof(date));
	urlset_values_of(&set, index, &v, date);
	is_str(v.date, want_date, "from %s, \"%s\", index %llu: {date}", from,
	       format, (unsigned long long)index);
	ok(v.date == date, "{date} is formatted into date_buf");
	is_int(v.i, index, "and {i} is the index");
	is_int(v.start + v.per_page, 0, "{start} and {per_page} are 0");
	urlset_format(&set, "http://s:1", index, url, sizeof(url));
	snprintf(want_url, sizeof(want_url), "http://s:1/prices/%s?n=%llu",
	         want_date, (unsigned long long)index);
	is_str(url, want_url, "urlset_format of index %llu",
	       (unsigned long long)index);
}

static void test_dates(void)
{
	struct urlset plain = {.pattern = "/x/{i}", .relative = 1};
	struct urlset_values v;
	char date[URLSET_DATE_MAX] = "untouched";

	expect_day("2026-12-30", "%Y-%m-%d", 0, "2026-12-30");
	expect_day("2026-12-30", "%Y-%m-%d", 1, "2026-12-31");
	expect_day("2026-12-30", "%Y-%m-%d", 3, "2027-01-02");
	expect_day("2026-12-30", "%d.%m.%Y", 3, "02.01.2027");
	expect_day("2026-12-30", "%Y%m%d", 2, "20270101");
	expect_day("2026-12-30", "%A %d %B", 3, "Saturday 02 January");
	expect_day("2024-02-28", "%Y-%m-%d", 1, "2024-02-29");
	expect_day("2024-02-28", "%Y-%m-%d", 2, "2024-03-01");
	expect_day("2026-02-28", "%Y-%m-%d", 1, "2026-03-01");
	expect_day("2000-02-28", "%Y-%m-%d", 1, "2000-02-29");
	expect_day("2100-02-28", "%Y-%m-%d", 1, "2100-03-01");
	expect_day("1969-12-31", "%Y-%m-%d", 1, "1970-01-01");
	expect_day("2026-01-01", "%j", 364, "365");
	expect_day("2026-01-01", "%Y-%m-%d", 365, "2027-01-01");
	expect_day("2024-01-01", "%Y-%m-%d", 365, "2024-12-31");
	expect_day("9999-12-31", "%Y-%m-%d", 0, "9999-12-31");
	/* Scenarios refuse days before 1000-01-01: glibc's %Y does not pad
	 * years below 1000, and /prices/ would not know "999-12-31". */

	memset(&v, 0xff, sizeof(v));
	urlset_values_of(&plain, 12, &v, date);
	ok(v.date == NULL, "without dates: {date} is NULL");
	is_int(v.i, 12, "without dates: {i} is the index");
	is_int(v.start + v.per_page, 0, "without dates: the rest is 0");
	is_str(date, "untouched", "without dates: date_buf is not written");
}

/* ---- URL files -------------------------------------------------------- */

static char *write_temp(const char *content)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/cburlsXXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(content, f);
	fclose(f);
	return path;
}

static void free_urls(char **urls, unsigned *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
	free(lines);
}

static void test_read_file(void)
{
	char err[200], *path;
	char **urls = NULL;
	unsigned *lines = NULL;
	size_t n = 999;

	path = write_temp("# the URLs of a test\n"
	                  "\n"
	                  "http://h/a\n"
	                  "   /b?c=d   \n"
	                  "\t/tabbed\t\r\n"
	                  "  # an indented comment\n"
	                  " \t \n"
	                  "/x # not a comment: the URL holds it\n"
	                  "\r\n"
	                  "http://h/{i}\n"
	                  "http://h/last-without-newline");
	if (!ok(path != NULL, "a URL file is written"))
		return;
	is_int(urlset_read_file(path, &urls, &lines, &n, err, sizeof(err)), 0,
	       "the URL file is read");
	if (is_int(n, 6, "six URLs: blank lines and comments skipped")) {
		is_str(urls[0], "http://h/a", "URL 1");
		is_int(lines[0], 3, "URL 1 on line 3");
		is_str(urls[1], "/b?c=d", "URL 2, trimmed of blanks");
		is_int(lines[1], 4, "URL 2 on line 4");
		is_str(urls[2], "/tabbed", "URL 3, trimmed of tabs and CR");
		is_int(lines[2], 5, "URL 3 on line 5");
		is_str(urls[3], "/x # not a comment: the URL holds it",
		       "URL 4: '#' after the start is part of the line");
		is_int(lines[3], 8, "URL 4 on line 8");
		is_str(urls[4], "http://h/{i}", "URL 5: braces kept as text");
		is_int(lines[4], 10, "URL 5 on line 10");
		is_str(urls[5], "http://h/last-without-newline",
		       "URL 6: the last line needs no newline");
		is_int(lines[5], 11, "URL 6 on line 11");
		free_urls(urls, lines, n);
	}
	unlink(path);

	path = write_temp("# nothing\n\n   # but comments\n");
	urls = NULL;
	n = 999;
	is_int(urlset_read_file(path, &urls, &lines, &n, err, sizeof(err)), 0,
	       "a file of only comments is read");
	is_int(n, 0, "and has no URLs");
	free_urls(urls, lines, 0);
	unlink(path);

	path = write_temp("");
	n = 999;
	is_int(urlset_read_file(path, &urls, &lines, &n, err, sizeof(err)), 0,
	       "an empty file is read");
	is_int(n, 0, "and has no URLs");
	free_urls(urls, lines, 0);
	unlink(path);

	/* Many lines: the arrays grow. */
	{
		FILE *f;
		size_t k, good = 0;
		path = write_temp("");
		f = fopen(path, "w");
		for (k = 0; k < 1000; k++)
			fprintf(f, k % 10 == 0 ? "# %zu\n" : "/u/%zu\n", k);
		fclose(f);
		is_int(
		    urlset_read_file(path, &urls, &lines, &n, err, sizeof(err)),
		    0, "a file of 1000 lines is read");
		if (is_int(n, 900, "900 URLs, 100 comments")) {
			for (k = 0; k < n; k++) {
				char want[32];
				size_t line0 = k + k / 9 + 1; /* 0-based line */
				snprintf(want, sizeof(want), "/u/%zu", line0);
				good += strcmp(urls[k], want) == 0 &&
				        lines[k] == line0 + 1;
			}
			is_int(good, 900, "each URL with its own line number");
		}
		free_urls(urls, lines, n);
		unlink(path);
	}

	strcpy(err, "");
	n = 999;
	is_int(urlset_read_file("/nonexistent/urls.txt", &urls, &lines, &n, err,
	                        sizeof(err)),
	       -1, "a missing file is refused");
	is_str(err, strerror(ENOENT), "with errno's text");
	is_int(n, 999, "len untouched");

	strcpy(err, "");
	is_int(urlset_read_file("/", &urls, &lines, &n, err, sizeof(err)), -1,
	       "a directory is refused");
	is_str(err, "a directory, not a file of URLs", "saying so");
	is_int(
	    urlset_read_file("/dev/zero", &urls, &lines, &n, err, sizeof(err)),
	    -1, "a device is refused");
	is_str(err, "a device or socket, not a file of URLs",
	       "before reading it");
	is_int(n, 999, "len untouched");

	/* A FIFO that no one writes to would block the read for ever. */
	path = write_temp("");
	unlink(path);
	if (mkfifo(path, 0600) == 0) {
		is_int(
		    urlset_read_file(path, &urls, &lines, &n, err, sizeof(err)),
		    -1, "a FIFO is refused");
		is_str(err, "a FIFO, not a file of URLs",
		       "without waiting for a writer");
		unlink(path);
	}
}

int main(void)
{
	test_check();
	test_format_pattern();
	test_truncation();
	test_list();
	test_templates();
	test_expand();
	test_parse_day();
	test_date_format_check();
	test_dates();
	test_read_file();
	return done_testing();
}

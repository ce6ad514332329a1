/*
 * urlset_test: URL patterns and lists (core/urlset.c): which patterns
 * urlset_check_pattern() accepts, its messages and offsets, and what
 * urlset_format() writes: {i}, {{ and }}, the server prefix of relative
 * sets, list indexing, and snprintf-like truncation.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "urlset.h"

static void check_ok(const char *pattern)
{
	char err[200] = "untouched";
	size_t at = 12345;

	is_int(urlset_check_template(pattern, URLSET_STRICT, URLSET_VAR_I, "URL pattern", NULL, err, sizeof(err), &at), 0,
	       "pattern \"%s\" accepted", pattern);
	is_str(err, "untouched", "no error for \"%s\"", pattern);
}

static void check_bad(const char *pattern, size_t want_at, const char *want)
{
	char err[200] = "";
	size_t at = 12345;

	is_int(urlset_check_template(pattern, URLSET_STRICT, URLSET_VAR_I, "URL pattern", NULL, err, sizeof(err), &at), -1,
	       "pattern \"%s\" refused", pattern);
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

int main(void)
{
	test_check();
	test_format_pattern();
	test_truncation();
	test_list();
	return done_testing();
}

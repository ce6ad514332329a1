/* SPDX-License-Identifier: MIT */
/*
 * json_test: the strict JSON reader (core/json.c). Documents it must
 * accept; documents it must refuse, each with the exact message and byte
 * offset; string escapes (surrogate pairs to UTF-8) and raw UTF-8; the depth
 * limit; walking an array of strings, with the callback's stop value; and
 * reading one integer member of an object.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "../tap.h"

static void accepts(const char *text)
{
	char err[128] = "";

	ok(json_check(text, strlen(text), err, sizeof(err)) == 0, "accepts %s",
	   text);
	if (err[0] != '\0')
		diag("error: %s", err);
}

/* A document of len bytes (NULs allowed) and the exact error it gets. */
static void refuses_n(const char *text, size_t len, const char *want,
                      const char *what)
{
	char err[128] = "";

	ok(json_check(text, len, err, sizeof(err)) < 0, "refuses %s", what);
	is_str(err, want, "%s: the message", what);
}

static void refuses(const char *text, const char *want)
{
	refuses_n(text, strlen(text), want, text);
}

static void test_valid(void)
{
	static const char *const docs[] = {
	    "0",
	    "-0",
	    "7",
	    "-12",
	    "1.5",
	    "-0.25e-3",
	    "1E+2",
	    "6.02e23",
	    "\"\"",
	    "\"text\"",
	    "true",
	    "false",
	    "null",
	    "[]",
	    "{}",
	    " \t\r\n[ 1 , \"x\" , { \"a\" : [ null ] } ] \n",
	    "{\"a\":1,\"b\":{\"c\":[],\"d\":{}},\"e\":[true,false]}",
	    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"",
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	    "[\"\\u0000\"]",
	    "-9223372036854775809",
	    "1e999",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		accepts(docs[i]);
}

static void test_invalid(void)
{
	refuses("", "byte 0: expected a value, got the end of the input");
	refuses("  \n", "byte 3: expected a value, got the end of the input");
	refuses("[1,]", "byte 3: expected a value, got ']'");
	refuses("[1 2]", "byte 3: expected ',' or ']', got '2'");
	refuses("[1", "byte 2: expected ',' or ']', got the end of the input");
	refuses("{\"a\" 1}", "byte 5: expected ':', got '1'");
	refuses("{\"a\":1,}", "byte 7: expected a member name, got '}'");
	refuses("{a:1}", "byte 1: expected a member name, got 'a'");
	refuses("{\"a\":1 \"b\":2}", "byte 7: expected ',' or '}', got '\"'");
	refuses("01", "byte 0: a number has a leading zero");
	refuses("-01", "byte 0: a number has a leading zero");
	refuses("-", "byte 1: expected a digit, got the end of the input");
	refuses("-a", "byte 1: expected a digit, got 'a'");
	refuses("+1", "byte 0: expected a value, got '+'");
	refuses(".5", "byte 0: expected a value, got '.'");
	refuses("1.", "byte 2: expected a digit after '.', got the end of "
	              "the input");
	refuses("1.e5", "byte 2: expected a digit after '.', got 'e'");
	refuses("1e+", "byte 3: expected a digit in the exponent, got the "
	               "end of the input");
	refuses("tru", "byte 0: expected a value, got 't'");
	refuses("nul", "byte 0: expected a value, got 'n'");
	refuses("True", "byte 0: expected a value, got 'T'");
	refuses("NaN", "byte 0: expected a value, got 'N'");
	refuses("'a'", "byte 0: expected a value, got '''");
	refuses("1 2", "byte 2: expected the end after the value, got '2'");
	refuses("[] x", "byte 3: expected the end after the value, got 'x'");
	refuses("\"abc", "byte 0: unterminated string");
	refuses("[\"ab\\", "byte 1: unterminated string");
	refuses("\"a\nb\"", "byte 2: control character 0x0a in a string");
	refuses("\"a\tb\"", "byte 2: control character 0x09 in a string");
	refuses("\"\\q\"", "byte 1: invalid escape '\\q'");
	refuses("\"\\u12g4\"", "byte 1: \\u needs four hex digits");
	refuses("\"\\u12\"", "byte 1: \\u needs four hex digits");
	refuses("\"\\udc00\"", "byte 1: lone low surrogate \\udc00");
	refuses("\"\\ud800\"", "byte 1: high surrogate \\ud800 without a "
	                       "low one");
	refuses("\"\\ud800\\u0041\"", "byte 1: high surrogate \\ud800 "
	                              "without a low one");
	refuses("\"x\\ud800\\uzzzz\"", "byte 8: \\u needs four hex digits");
	refuses("\"\xff\"", "byte 1: invalid UTF-8");
	refuses("\"\xc0\xaf\"", "byte 1: invalid UTF-8");     /* overlong */
	refuses("\"\xed\xa0\x80\"", "byte 1: invalid UTF-8"); /* surrogate */
	refuses("\"\xf4\x90\x80\x80\"", "byte 1: invalid UTF-8"); /* > 10FFFF */
	refuses("\"ab\xe2\x82\"", "byte 3: invalid UTF-8"); /* cut short */
	refuses("\xef\xbb\xbf{}", "byte 0: expected a value, got byte 0xef");
	refuses_n("[1]\0", 4,
	          "byte 3: expected the end after the value, "
	          "got byte 0x00",
	          "[1] and a NUL byte");
	refuses_n("\"a\0\"", 4, "byte 2: control character 0x00 in a string",
	          "a NUL byte in a string");
}

static void test_depth(void)
{
	char deep[2 * (JSON_MAX_DEPTH + 1) + 1];
	char err[128] = "";
	int i;

	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[JSON_MAX_DEPTH + i] = ']';
	}
	ok(json_check(deep, 2 * JSON_MAX_DEPTH, err, sizeof(err)) == 0,
	   "depth: %d nested arrays are fine", JSON_MAX_DEPTH);
	for (i = 0; i <= JSON_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[JSON_MAX_DEPTH + 1 + i] = ']';
	}
	ok(json_check(deep, 2 * (JSON_MAX_DEPTH + 1), err, sizeof(err)) < 0,
	   "depth: %d are too many", JSON_MAX_DEPTH + 1);
	is_str(err, "byte 64: nested deeper than 64", "depth: the message");
	ok(json_check(deep, 2 * (JSON_MAX_DEPTH + 1), NULL, 0) < 0,
	   "depth: no message buffer is fine");
}

/* Collects the strings of an array, one after another, NUL-separated. */
struct collected {
	char text[256];
	size_t len;
	int calls;
	int stop_at;        /* return 7 from this call on (1-based) */
	int nul_terminated; /* every s[n] was NUL */
};

static int collect(const char *s, size_t n, void *arg)
{
	struct collected *c = arg;

	c->calls++;
	c->nul_terminated &= s[n] == '\0';
	if (c->len + n + 1 <= sizeof(c->text)) {
		memcpy(c->text + c->len, s, n);
		c->text[c->len + n] = '|';
		c->len += n + 1;
	}
	return c->calls == c->stop_at ? 7 : 0;
}

static int walk(const char *text, struct collected *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->nul_terminated = 1;
	return json_string_array(text, strlen(text), collect, c, err, errlen);
}

static void test_string_array(void)
{
	struct collected c;
	char err[128] = "";
	int rc;

	rc = walk(" [\"a\\\"b\", \"\\u00e9\", \"\\ud83d\\ude00\", "
	          "\"\\/\\b\\f\\n\\r\\t\", \"\xc3\xa9\", \"\"] ",
	          &c, err, sizeof(err));
	is_int(rc, 0, "array: walked");
	is_int(c.calls, 6, "array: six strings");
	ok(c.len == 23 && memcmp(c.text,
	                         "a\"b|\xc3\xa9|\xf0\x9f\x98\x80|"
	                         "/\b\f\n\r\t|\xc3\xa9||",
	                         23) == 0,
	   "array: escapes decoded, surrogate pair to 4 bytes of UTF-8");
	ok(c.nul_terminated, "array: every string NUL-terminated at s[n]");

	rc = json_string_array("[\"a\\u0000b\"]", 12, collect, &c, err,
	                       sizeof(err));
	ok(rc == 0 && c.len == 23 + 4 && memcmp(c.text + 23, "a\0b|", 4) == 0,
	   "array: \\u0000 is a NUL inside the string, its length says so");

	is_int(walk("[]", &c, err, sizeof(err)), 0, "array: empty");
	is_int(c.calls, 0, "array: empty: no calls");

	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	rc = json_string_array("[\"x\", \"y\", \"z\"]", 15, collect, &c, err,
	                       sizeof(err));
	is_int(rc, 7, "array: the callback's nonzero value is returned");
	is_int(c.calls, 2, "array: and the walk stops there");

	err[0] = '\0';
	is_int(walk("{\"a\": \"b\"}", &c, err, sizeof(err)), -1,
	       "array: an object is refused");
	is_str(err, "byte 0: expected an array, got '{'",
	       "array: an object: the message");
	is_int(walk(" [\"a\", 1]", &c, err, sizeof(err)), -1,
	       "array: a number in it is refused");
	is_str(err, "byte 7: expected a string, got '1'",
	       "array: a number: the message");
	is_int(walk("[\"a\", \"b\"", &c, err, sizeof(err)), -1,
	       "array: unterminated");
	is_int(c.calls, 0, "array: invalid JSON: no callback at all");
	is_str(err, "byte 9: expected ',' or ']', got the end of the input",
	       "array: unterminated: the message");
	is_int(walk("[\"/files/", &c, err, sizeof(err)), -1,
	       "array: what broken=json sends is refused");
}

static void object_int(const char *text, const char *key, int want_rc,
                       int64_t want, const char *what)
{
	int64_t v = 12345;
	int rc = json_object_int(text, strlen(text), key, &v);

	is_int(rc, want_rc, "object: %s: returns %d", what, want_rc);
	if (want_rc == 0)
		ok(v == want, "object: %s: value %lld", what, (long long)want);
	else
		ok(v == 12345, "object: %s: *out untouched", what);
}

static void test_object_int(void)
{
	const char *doc = " {\"start\": 10, \"per_page\": -3, \"s\": \"5\", "
	                  "\"f\": 1.5, \"e\": 1e2, \"z\": -0, \"n\": null, "
	                  "\"o\": {\"deep\": 1}} ";

	object_int(doc, "start", 0, 10, "start");
	object_int(doc, "per_page", 0, -3, "a negative");
	object_int(doc, "z", 0, 0, "-0");
	object_int(doc, "absent", 1, 0, "absent");
	object_int(doc, "deep", 1, 0, "a nested member is not the object's");
	object_int(doc, "s", -1, 0, "a string");
	object_int(doc, "f", -1, 0, "a fraction");
	object_int(doc, "e", -1, 0, "an exponent");
	object_int(doc, "n", -1, 0, "null");
	object_int(doc, "o", -1, 0, "an object");
	object_int("{\"v\": 9223372036854775807}", "v", 0, INT64_MAX,
	           "INT64_MAX");
	object_int("{\"v\": -9223372036854775808}", "v", 0, INT64_MIN,
	           "INT64_MIN");
	object_int("{\"v\": 9223372036854775808}", "v", -1, 0, "INT64_MAX + 1");
	object_int("{\"v\": -9223372036854775809}", "v", -1, 0,
	           "INT64_MIN - 1");
	object_int("{\"v\": 99999999999999999999999}", "v", -1, 0, "huge");
	object_int("{\"a\": 1, \"a\": 2}", "a", 0, 2, "the last duplicate");
	object_int("{\"st\\u0061rt\": 4}", "start", 0, 4, "an escaped name");
	object_int("{}", "start", 1, 0, "empty object");
	object_int("[1]", "start", -1, 0, "an array");
	object_int("5", "start", -1, 0, "a number");
	object_int("{\"start\": 1", "start", -1, 0, "invalid JSON");
	object_int("{\"start\": 1} x", "start", -1, 0, "text after it");
}

static void test_object_string(void)
{
	const char *doc = "{\"digest\": \"0123abcd\", \"n\": 5, "
	                  "\"esc\": \"a\\u00e9\\n\", \"nul\": \"a\\u0000b\"}";
	char out[16];

	is_int(json_object_string(doc, strlen(doc), "digest", out, sizeof(out)),
	       0, "string member: found");
	is_str(out, "0123abcd", "string member: its value");
	is_int(json_object_string(doc, strlen(doc), "esc", out, sizeof(out)), 0,
	       "string member: escapes");
	is_str(out, "a\xc3\xa9\n", "string member: decoded");
	is_int(json_object_string(doc, strlen(doc), "n", out, sizeof(out)), -1,
	       "string member: a number is not a string");
	is_int(json_object_string(doc, strlen(doc), "nul", out, sizeof(out)),
	       -1, "string member: a NUL inside is refused");
	is_int(json_object_string(doc, strlen(doc), "none", out, sizeof(out)),
	       1, "string member: absent");
	is_int(json_object_string(doc, strlen(doc), "digest", out, 8), -1,
	       "string member: no room");
	is_int(json_object_string("[\"a\"]", 5, "a", out, sizeof(out)), -1,
	       "string member: not an object");
}

/* The writer's document, checked by the reader; "" if it failed. */
static const char *written(struct json_out *w)
{
	static char copy[4096];
	size_t len;
	const char *text = json_out_text(w, &len);

	if (!text)
		return "";
	snprintf(copy, sizeof(copy), "%s", text);
	ok(json_check(text, len, NULL, 0) == 0, "writer: valid JSON: %s", copy);
	json_out_free(w);
	return copy;
}

static void test_writer(void)
{
	static const char odd[] =
	    "q\"b\\\n\t\x01\x1b[2J \xff\xc3( \xe2\x82\xac "
	    "\xed\xa0\x80 \xf4\x90\x80\x80 \xc3\xa9";
	struct json_out w;
	int i;

	json_out_init(&w, 0);
	json_out_begin_object(&w);
	json_out_key(&w, "a");
	json_out_u64(&w, 1);
	json_out_key(&w, "b");
	json_out_begin_array(&w);
	json_out_i64(&w, -2);
	json_out_double(&w, 0.5);
	json_out_double(&w, 0.0 / 0.0);
	json_out_null(&w);
	json_out_bool(&w, 1);
	json_out_string(&w, NULL);
	json_out_end_array(&w);
	json_out_key(&w, "e");
	json_out_begin_object(&w);
	json_out_end_object(&w);
	json_out_key(&w, "raw");
	json_out_raw(&w, "{\"x\": [1]}", 10);
	json_out_end_object(&w);
	is_str(written(&w),
	       "{\"a\":1,\"b\":[-2,0.5,null,null,true,null],\"e\":{},"
	       "\"raw\":{\"x\": [1]}}",
	       "writer: compact, no blanks; NaN is null");

	json_out_init(&w, 2);
	json_out_begin_object(&w);
	json_out_key(&w, "list");
	json_out_begin_array(&w);
	json_out_begin_object(&w);
	json_out_key(&w, "x");
	json_out_u64(&w, 1);
	json_out_key(&w, "y");
	json_out_u64(&w, 2);
	json_out_end_object(&w);
	json_out_begin_array(&w);
	json_out_end_array(&w);
	json_out_end_array(&w);
	json_out_key(&w, "n");
	json_out_u64(&w, 3);
	json_out_end_object(&w);
	is_str(written(&w),
	       "{\n  \"list\": [\n    {\"x\": 1, \"y\": 2},\n    []\n  ],\n"
	       "  \"n\": 3\n}",
	       "writer: pretty to depth 2, one line below");

	json_out_init(&w, 0);
	json_out_string_n(&w, odd, sizeof(odd) - 1);
	is_str(written(&w),
	       "\"q\\\"b\\\\\\n\\t\\u0001\\u001b[2J \\ufffd\\ufffd( "
	       "\xe2\x82\xac \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd"
	       "\\ufffd \xc3\xa9\"",
	       "writer: escapes, and U+FFFD for each byte of bad UTF-8 "
	       "(stray, truncated, surrogate, above U+10FFFF)");

	json_out_init(&w, 0);
	json_out_string_n(&w, "a\0b", 3);
	is_str(written(&w), "\"a\\u0000b\"", "writer: a NUL is escaped");

	json_out_init(&w, 0);
	json_out_begin_array(&w);
	for (i = 0; i < 1000; i++)
		json_out_string(&w, "0123456789");
	json_out_end_array(&w);
	{
		size_t len;
		const char *text = json_out_text(&w, &len);
		ok(text && len == 2 + 1000 * 12 + 999 &&
		       json_check(text, len, NULL, 0) == 0,
		   "writer: grows past its first buffer");
	}
	json_out_free(&w);

	json_out_init(&w, 0);
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		json_out_begin_array(&w);
	{
		size_t len;
		ok(json_out_text(&w, &len) == NULL,
		   "writer: deeper than JSON_MAX_DEPTH fails");
	}
	json_out_free(&w);
	json_out_init(&w, 0);
	json_out_end_array(&w);
	{
		size_t len;
		ok(json_out_text(&w, &len) == NULL,
		   "writer: closing what was not opened fails");
	}
	json_out_free(&w);
}

static void test_tree(void)
{
	static const char doc[] =
	    " {\"a\": [1, -2.5e3, true, null, \"x\\u00e9\\n\"], \"o\": "
	    "{\"k\": {}}, \"a\": \"last\", \"n\": 0.125} ";
	struct json_value *v;
	const struct json_value *a;
	char err[128];

	v = json_parse(doc, strlen(doc), err, sizeof(err));
	if (!ok(v != NULL, "tree: parsed")) {
		diag("%s", err);
		return;
	}
	is_int(v->type, JSON_OBJECT, "tree: an object");
	is_int(json_len(v), 4, "tree: four members, duplicates kept");
	is_str(json_str(json_get(v, "a")), "last", "tree: get finds the last");
	a = json_item(v, 0);
	is_int(json_len(a), 5, "tree: the array's five items");
	ok(json_number(json_item(a, 0)) == 1 &&
	       json_number(json_item(a, 1)) == -2500,
	   "tree: numbers as doubles");
	ok(json_item(a, 2)->type == JSON_BOOL && json_item(a, 2)->boolean,
	   "tree: true");
	ok(json_item(a, 3)->type == JSON_NULL &&
	       isnan(json_number(json_item(a, 3))),
	   "tree: null, NAN as a number");
	is_str(json_str(json_item(a, 4)), "x\xc3\xa9\n",
	       "tree: strings decoded");
	is_int(json_len(json_get(json_get(v, "o"), "k")), 0,
	       "tree: an empty object inside");
	ok(json_get(v, "none") == NULL && json_item(a, 5) == NULL &&
	       json_str(json_item(a, 0)) == NULL,
	   "tree: absent members and items, wrong types: NULL");
	ok(json_number(json_get(v, "n")) == 0.125, "tree: a fraction");
	json_free(v);
	ok(json_parse("[1,]", 4, err, sizeof(err)) == NULL,
	   "tree: invalid JSON is refused");
	is_str(err, "byte 3: expected a value, got ']'", "tree: with where");
}

int main(void)
{
	test_valid();
	test_invalid();
	test_depth();
	test_string_array();
	test_object_int();
	test_object_string();
	test_writer();
	test_tree();
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/*
 * json: JSON for everything concbench reads or writes in it. The reader is
 * strict RFC 8259, for the small documents concbench exchanges: the echo
 * endpoint's check of a request body, the list API's parameters, a
 * listing (an array of strings), the test server's statistics; its errors
 * say where: "byte N: what". The writer makes the results file and the
 * test server's JSON answers; its output is always valid UTF-8 JSON.
 */
#ifndef CB_JSON_H
#define CB_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

/* 0 if text[0, len) is exactly one JSON value (blanks around it allowed),
 * else -1 with the problem in err. */
int json_check(const char *text, size_t len, char *err, size_t errlen);

/* Called with each decoded string of an array (escapes resolved, UTF-8,
 * NUL-terminated at s[n]); a nonzero return stops the walk with it. */
typedef int (*json_string_fn)(const char *s, size_t n, void *arg);

/* Walk a JSON array of strings. 0, the callback's nonzero value, or -1
 * with err if text is not an array of strings. */
int json_string_array(const char *text, size_t len, json_string_fn fn,
                      void *arg, char *err, size_t errlen);

/* The top-level object's member `key` as an integer: 0 and *out, 1 if the
 * object has no such member, -1 if text is not an object or the member is
 * not an integer in range. */
int json_object_int(const char *text, size_t len, const char *key,
                    int64_t *out);

/* The top-level object's string member `key` (decoded, NUL-terminated)
 * into out[0, size): 0; 1 if there is no such member; -1 if text is not an
 * object, the member is not a string, holds a NUL or does not fit. */
int json_object_string(const char *text, size_t len, const char *key, char *out,
                       size_t size);

/* A document as a tree, for what reads a whole document (a results file):
 * strings decoded and NUL-terminated (string_len counts a NUL inside),
 * numbers as doubles, object members in order. */
enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json_value {
	enum json_type type;
	int boolean;
	double number;
	char *string;
	size_t string_len;
	struct json_value **items; /* of an array, or an object's values */
	char **keys;               /* an object's member names */
	size_t len;
};

/* The tree of text[0, len), or NULL with err (not JSON, out of memory). */
struct json_value *json_parse(const char *text, size_t len, char *err,
                              size_t errlen);
void json_free(struct json_value *v);
/* Member `key` of an object (the last of duplicates), or NULL. */
const struct json_value *json_get(const struct json_value *v, const char *key);
/* An array's or object's length, and item i; 0 and NULL otherwise. */
size_t json_len(const struct json_value *v);
const struct json_value *json_item(const struct json_value *v, size_t i);
/* A number's value, NAN for anything else (null too); a string's text,
 * NULL for anything else. */
double json_number(const struct json_value *v);
const char *json_str(const struct json_value *v);

/* The length of the well-formed UTF-8 sequence at s, of `left` bytes
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
 * or 0 if there is none. */
size_t json_utf8_length(const unsigned char *s, size_t left);

/*
 * The writer (json_out.c): values are appended in order, commas placed by the
 * writer. Containers nested at most pretty_depth deep put each member on its
 * own line, indented by two spaces per level, with ": " and ", " inside the
 * deeper ones; pretty_depth 0 writes everything on one line with no
 * blanks at all. Strings have their control characters escaped and each
 * byte that is not part of well-formed UTF-8 written as U+FFFD. Running
 * out of memory (or nesting deeper than JSON_MAX_DEPTH) makes
 * json_out_text() answer NULL.
 */
struct json_out {
	char *buf;
	size_t len, cap;
	int failed;
	unsigned pretty_depth;
	unsigned depth;
	int after_key;
	unsigned char first[JSON_MAX_DEPTH + 1]; /* nothing in it yet */
	char small[256];                         /* buf until it outgrows it */
};

void json_out_init(struct json_out *w, unsigned pretty_depth);
void json_out_free(struct json_out *w);
/* The document so far (NUL-terminated), or NULL if the writer failed. */
const char *json_out_text(const struct json_out *w, size_t *len);

void json_out_begin_object(struct json_out *w);
void json_out_end_object(struct json_out *w);
void json_out_begin_array(struct json_out *w);
void json_out_end_array(struct json_out *w);
/* A member's name, in an object; its value follows. */
void json_out_key(struct json_out *w, const char *key);
/* s; NULL writes null. */
void json_out_string(struct json_out *w, const char *s);
void json_out_string_n(struct json_out *w, const char *s, size_t n);
void json_out_u64(struct json_out *w, uint64_t v);
void json_out_i64(struct json_out *w, int64_t v);
/* %.9g; null for NaN and the infinities. */
void json_out_double(struct json_out *w, double v);
void json_out_bool(struct json_out *w, int v);
void json_out_null(struct json_out *w);
/* A member of an object: its key, then its value. */
void json_out_member_u64(struct json_out *w, const char *key, uint64_t v);
void json_out_member_string(struct json_out *w, const char *key, const char *s);
void json_out_member_double(struct json_out *w, const char *key, double v);
/* text, a JSON value the caller vouches for (json_check() accepted it). */
void json_out_raw(struct json_out *w, const char *text, size_t n);

#endif

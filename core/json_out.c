/* SPDX-License-Identifier: MIT */
/*
 * json_out: the writer of json.h, whose output is always valid UTF-8 JSON
 * (json.c has the reader).
 */
#include "config.h"

#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_out_init(struct json_out *w, unsigned pretty_depth)
{
	memset(w, 0, sizeof(*w));
	w->buf = w->small;
	w->cap = sizeof(w->small);
	w->pretty_depth = pretty_depth;
	w->first[0] = 1;
}

void json_out_free(struct json_out *w)
{
	if (w->buf != w->small)
		free(w->buf);
	w->buf = w->small;
	w->cap = sizeof(w->small);
	w->len = 0;
}

const char *json_out_text(const struct json_out *w, size_t *len)
{
	if (w->failed)
		return NULL;
	*len = w->len;
	return w->buf;
}

static void put(struct json_out *w, const void *bytes, size_t n)
{
	if (w->failed)
		return;
	if (n > w->cap - w->len - 1) {
		size_t cap = w->cap;
		char *grown;

		while (n > cap - w->len - 1) {
			if (cap > SIZE_MAX / 2) {
				w->failed = 1;
				return;
			}
			cap *= 2;
		}
		grown = w->buf == w->small ? malloc(cap) : realloc(w->buf, cap);
		if (!grown) {
			w->failed = 1;
			return;
		}
		if (w->buf == w->small)
			memcpy(grown, w->small, w->len);
		w->buf = grown;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, bytes, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void put_str(struct json_out *w, const char *s)
{
	put(w, s, strlen(s));
}

static void newline(struct json_out *w, unsigned depth)
{
	unsigned i;

	put(w, "\n", 1);
	for (i = 0; i < depth; i++)
		put(w, "  ", 2);
}

/* What goes before a value or a key: a comma, and a line break when the
 * container is pretty-printed. Nothing after a key. */
static void before_item(struct json_out *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		int lines = w->depth <= w->pretty_depth;

		if (!w->first[w->depth])
			put(w, ", ", lines || !w->pretty_depth ? 1 : 2);
		if (lines)
			newline(w, w->depth);
	}
	w->first[w->depth] = 0;
}

static void open_container(struct json_out *w, char c)
{
	before_item(w);
	put(w, &c, 1);
	if (w->depth >= JSON_MAX_DEPTH) {
		w->failed = 1;
		return;
	}
	w->first[++w->depth] = 1;
}

static void close_container(struct json_out *w, char c)
{
	int empty = w->first[w->depth];

	if (w->depth == 0) {
		w->failed = 1;
		return;
	}
	w->depth--;
	if (!empty && w->depth < w->pretty_depth)
		newline(w, w->depth);
	put(w, &c, 1);
}

void json_out_begin_object(struct json_out *w)
{
	open_container(w, '{');
}

void json_out_end_object(struct json_out *w)
{
	close_container(w, '}');
}

void json_out_begin_array(struct json_out *w)
{
	open_container(w, '[');
}

void json_out_end_array(struct json_out *w)
{
	close_container(w, ']');
}

/* s as a JSON string: control characters escaped, invalid UTF-8 as
 * U+FFFD, one replacement per bad byte. */
static void put_string(struct json_out *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	put(w, "\"", 1);
	while (p < end) {
		const unsigned char *run = p;
		char esc[8];

		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' &&
		       *p != '\\')
			p++;
		put(w, run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p >= 0x80) {
			size_t len = json_utf8_length(p, (size_t)(end - p));

			if (len) {
				put(w, p, len);
				p += len;
			} else {
				put_str(w, "\\ufffd");
				p++;
			}
			continue;
		}
		switch (*p) {
		case '"':
			put_str(w, "\\\"");
			break;
		case '\\':
			put_str(w, "\\\\");
			break;
		case '\n':
			put_str(w, "\\n");
			break;
		case '\r':
			put_str(w, "\\r");
			break;
		case '\t':
			put_str(w, "\\t");
			break;
		case '\b':
			put_str(w, "\\b");
			break;
		case '\f':
			put_str(w, "\\f");
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			put_str(w, esc);
		}
		p++;
	}
	put(w, "\"", 1);
}

void json_out_key(struct json_out *w, const char *key)
{
	before_item(w);
	put_string(w, key, strlen(key));
	put(w, ": ", w->pretty_depth ? 2 : 1);
	w->after_key = 1;
}

void json_out_string(struct json_out *w, const char *s)
{
	if (!s) {
		json_out_null(w);
		return;
	}
	json_out_string_n(w, s, strlen(s));
}

void json_out_string_n(struct json_out *w, const char *s, size_t n)
{
	before_item(w);
	put_string(w, s, n);
}

void json_out_u64(struct json_out *w, uint64_t v)
{
	char num[24];

	before_item(w);
	put(w, num, (size_t)snprintf(num, sizeof(num), "%" PRIu64, v));
}

void json_out_i64(struct json_out *w, int64_t v)
{
	char num[24];

	before_item(w);
	put(w, num, (size_t)snprintf(num, sizeof(num), "%" PRId64, v));
}

void json_out_double(struct json_out *w, double v)
{
	char num[32];

	if (!isfinite(v)) {
		json_out_null(w);
		return;
	}
	before_item(w);
	put(w, num, (size_t)snprintf(num, sizeof(num), "%.9g", v));
}

void json_out_bool(struct json_out *w, int v)
{
	before_item(w);
	put_str(w, v ? "true" : "false");
}

void json_out_null(struct json_out *w)
{
	before_item(w);
	put_str(w, "null");
}

void json_out_raw(struct json_out *w, const char *text, size_t n)
{
	before_item(w);
	put(w, text, n);
}

void json_out_member_u64(struct json_out *w, const char *key, uint64_t v)
{
	json_out_key(w, key);
	json_out_u64(w, v);
}

void json_out_member_string(struct json_out *w, const char *key, const char *s)
{
	json_out_key(w, key);
	json_out_string(w, s);
}

void json_out_member_double(struct json_out *w, const char *key, double v)
{
	json_out_key(w, key);
	json_out_double(w, v);
}

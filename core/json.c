/* SPDX-License-Identifier: MIT */
/*
 * json: a strict RFC 8259 reader, by recursive descent over a byte range.
 * It keeps no tree: callers walk what they need (an array of strings, one
 * member of an object) after a full check of the document, so that a
 * malformed document never yields half of its content.
 */
#include "config.h"

#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

struct parser {
	const unsigned char *text;
	size_t len;
	size_t pos;
	/* Where strings are decoded to, if the caller wants them; at least
	 * len + 1 bytes, since decoding never lengthens a string. */
	char *decoded;
	size_t decoded_len;
	char *err;
	size_t errlen;
};

static int fail_at(struct parser *p, size_t at, const char *fmt, ...)
    CB_PRINTF(3, 4);

static int fail_at(struct parser *p, size_t at, const char *fmt, ...)
{
	char what[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen > 0)
		snprintf(p->err, p->errlen, "byte %zu: %s", at, what);
	return -1;
}

/* What the byte at `at` is, for a message; "end of input" past the end. */
static int fail_unexpected(struct parser *p, size_t at, const char *wanted)
{
	unsigned char c;

	if (at >= p->len)
		return fail_at(p, at, "%s, got the end of the input", wanted);
	c = p->text[at];
	if (c > 0x20 && c < 0x7f)
		return fail_at(p, at, "%s, got '%c'", wanted, c);
	return fail_at(p, at, "%s, got byte 0x%02x", wanted, c);
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len) {
		unsigned char c = p->text[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? p->text[p->pos] : -1;
}

/* ---- strings ----------------------------------------------------------- */

static void emit(struct parser *p, const void *bytes, size_t n)
{
	if (!p->decoded)
		return;
	memcpy(p->decoded + p->decoded_len, bytes, n);
	p->decoded_len += n;
}

static void emit_utf8(struct parser *p, unsigned long cp)
{
	unsigned char out[4];
	size_t n;

	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		out[0] = (unsigned char)(0xf0 | (cp >> 18));
		out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	emit(p, out, n);
}

/* The four hex digits after "\u" at p->pos; -1 if they are not. */
static long read_hex4(const struct parser *p)
{
	long v = 0;
	size_t i;

	if (p->len - p->pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = p->text[p->pos + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* A \uXXXX escape, p->pos just past the 'u'; a surrogate pair is one. */
static int parse_unicode_escape(struct parser *p, size_t escape_at)
{
	long hi = read_hex4(p), lo;

	if (hi < 0)
		return fail_at(p, escape_at, "\\u needs four hex digits");
	p->pos += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail_at(p, escape_at, "lone low surrogate \\u%04lx", hi);
	if (hi < 0xd800 || hi > 0xdbff) {
		emit_utf8(p, (unsigned long)hi);
		return 0;
	}
	if (p->len - p->pos < 2 || p->text[p->pos] != '\\' ||
	    p->text[p->pos + 1] != 'u')
		return fail_at(p, escape_at,
		               "high surrogate \\u%04lx without a low one", hi);
	p->pos += 2;
	lo = read_hex4(p);
	if (lo < 0)
		return fail_at(p, p->pos - 2, "\\u needs four hex digits");
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail_at(p, escape_at,
		               "high surrogate \\u%04lx without a low one", hi);
	p->pos += 4;
	emit_utf8(p, 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
	                 ((unsigned long)lo - 0xdc00));
	return 0;
}

size_t json_utf8_length(const unsigned char *s, size_t left)
{
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* A string at p->pos (its opening quote); decoded if p->decoded is set. */
static int parse_string(struct parser *p)
{
	size_t start = p->pos;

	if (peek(p) != '"')
		return fail_unexpected(p, p->pos, "expected a string");
	p->pos++;
	p->decoded_len = 0;
	for (;;) {
		size_t at = p->pos, n;
		unsigned char c;

		if (at >= p->len)
			return fail_at(p, start, "unterminated string");
		c = p->text[at];
		if (c == '"') {
			p->pos++;
			if (p->decoded)
				p->decoded[p->decoded_len] = '\0';
			return 0;
		}
		if (c < 0x20)
			return fail_at(p, at,
			               "control character 0x%02x in a "
			               "string",
			               c);
		if (c < 0x80 && c != '\\') {
			emit(p, &c, 1);
			p->pos++;
			continue;
		}
		if (c >= 0x80) {
			n = json_utf8_length(p->text + at, p->len - at);
			if (n == 0)
				return fail_at(p, at, "invalid UTF-8");
			emit(p, p->text + at, n);
			p->pos += n;
			continue;
		}
		/* A backslash. */
		if (at + 1 >= p->len)
			return fail_at(p, start, "unterminated string");
		c = p->text[at + 1];
		p->pos += 2;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			emit(p, &c, 1);
			break;
		case 'b':
			emit(p, "\b", 1);
			break;
		case 'f':
			emit(p, "\f", 1);
			break;
		case 'n':
			emit(p, "\n", 1);
			break;
		case 'r':
			emit(p, "\r", 1);
			break;
		case 't':
			emit(p, "\t", 1);
			break;
		case 'u':
			if (parse_unicode_escape(p, at) < 0)
				return -1;
			break;
		default:
			if (c > 0x20 && c < 0x7f)
				return fail_at(p, at, "invalid escape '\\%c'",
				               c);
			return fail_at(p, at,
			               "invalid escape: backslash and "
			               "byte 0x%02x",
			               c);
		}
	}
}

/* ---- numbers and literals ---------------------------------------------- */

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * A number at p->pos. If it has neither fraction nor exponent and fits,
 * *is_int is 1 and *value holds it; otherwise *is_int is 0.
 */
static int parse_number(struct parser *p, int *is_int, int64_t *value)
{
	size_t start = p->pos;
	int negative = 0, fits = 1;
	uint64_t magnitude = 0;
	/* 2^63: the magnitude of INT64_MIN; INT64_MAX is one less. */
	const uint64_t limit = UINT64_C(1) << 63;

	if (peek(p) == '-') {
		negative = 1;
		p->pos++;
	}
	if (!is_digit(peek(p)))
		return fail_unexpected(p, p->pos, "expected a digit");
	if (peek(p) == '0') {
		p->pos++;
		if (is_digit(peek(p)))
			return fail_at(p, start, "a number has a leading zero");
	} else {
		while (is_digit(peek(p))) {
			unsigned d = (unsigned)(peek(p) - '0');

			if (magnitude > (limit - d) / 10)
				fits = 0;
			else
				magnitude = magnitude * 10 + d;
			p->pos++;
		}
	}
	*is_int = fits && magnitude <= limit - (negative ? 0 : 1);
	if (peek(p) == '.') {
		p->pos++;
		*is_int = 0;
		if (!is_digit(peek(p)))
			return fail_unexpected(p, p->pos,
			                       "expected a digit after '.'");
		while (is_digit(peek(p)))
			p->pos++;
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		*is_int = 0;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!is_digit(peek(p)))
			return fail_unexpected(
			    p, p->pos, "expected a digit in the exponent");
		while (is_digit(peek(p)))
			p->pos++;
	}
	if (*is_int)
		*value =
		    negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
	return 0;
}

static int parse_literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
		return fail_unexpected(p, p->pos, "expected a value");
	p->pos += n;
	return 0;
}

/* ---- values ------------------------------------------------------------ */

static int parse_value(struct parser *p, unsigned depth);

/* An array or object at p->pos; depth counts this one. */
static int parse_container(struct parser *p, unsigned depth)
{
	int object = peek(p) == '{';
	char close = object ? '}' : ']';

	if (depth > JSON_MAX_DEPTH)
		return fail_at(p, p->pos, "nested deeper than %d",
		               JSON_MAX_DEPTH);
	p->pos++;
	skip_blanks(p);
	if (peek(p) == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (object) {
			skip_blanks(p);
			if (peek(p) != '"')
				return fail_unexpected(
				    p, p->pos, "expected a member name");
			if (parse_string(p) < 0)
				return -1;
			skip_blanks(p);
			if (peek(p) != ':')
				return fail_unexpected(p, p->pos,
				                       "expected ':'");
			p->pos++;
		}
		if (parse_value(p, depth) < 0)
			return -1;
		skip_blanks(p);
		if (peek(p) == close) {
			p->pos++;
			return 0;
		}
		if (peek(p) != ',')
			return fail_unexpected(p, p->pos,
			                       object ? "expected ',' or '}'"
			                              : "expected ',' or ']'");
		p->pos++;
	}
}

/* Any value, with the blanks before it; depth is that of its container. */
static int parse_value(struct parser *p, unsigned depth)
{
	int is_int;
	int64_t v;

	skip_blanks(p);
	switch (peek(p)) {
	case '{':
	case '[':
		return parse_container(p, depth + 1);
	case '"':
		return parse_string(p);
	case 't':
		return parse_literal(p, "true");
	case 'f':
		return parse_literal(p, "false");
	case 'n':
		return parse_literal(p, "null");
	default:
		if (peek(p) == '-' || is_digit(peek(p)))
			return parse_number(p, &is_int, &v);
		return fail_unexpected(p, p->pos, "expected a value");
	}
}

static void parser_init(struct parser *p, const char *text, size_t len,
                        char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->text = (const unsigned char *)text;
	p->len = len;
	p->err = err;
	p->errlen = errlen;
	if (err && errlen > 0)
		err[0] = '\0';
}

int json_check(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser p;

	parser_init(&p, text, len, err, errlen);
	if (parse_value(&p, 0) < 0)
		return -1;
	skip_blanks(&p);
	if (p.pos < p.len)
		return fail_unexpected(&p, p.pos,
		                       "expected the end after the value");
	return 0;
}

/*
 * Both walks below run on a document json_check() accepted, so their own
 * errors can only be about its shape.
 */

int json_string_array(const char *text, size_t len, json_string_fn fn,
                      void *arg, char *err, size_t errlen)
{
	struct parser p;
	int rc = 0;

	if (json_check(text, len, err, errlen) < 0)
		return -1;
	parser_init(&p, text, len, err, errlen);
	skip_blanks(&p);
	if (peek(&p) != '[')
		return fail_unexpected(&p, p.pos, "expected an array");
	p.decoded = malloc(len + 1);
	if (!p.decoded)
		return fail_at(&p, p.pos, "out of memory");
	p.pos++;
	skip_blanks(&p);
	if (peek(&p) == ']')
		goto out;
	for (;;) {
		skip_blanks(&p);
		if (peek(&p) != '"') {
			rc = fail_unexpected(&p, p.pos, "expected a string");
			break;
		}
		/* json_check() accepted it: this cannot fail. */
		if (parse_string(&p) < 0) {
			rc = -1;
			break;
		}
		rc = fn(p.decoded, p.decoded_len, arg);
		if (rc != 0)
			break;
		skip_blanks(&p);
		if (peek(&p) == ']')
			break;
		p.pos++; /* the comma */
	}
out:
	free(p.decoded);
	return rc;
}

int json_object_int(const char *text, size_t len, const char *key, int64_t *out)
{
	size_t key_len = strlen(key);
	struct parser p;
	int found = 0, rc = 1;
	int64_t value = 0;

	if (json_check(text, len, NULL, 0) < 0)
		return -1;
	parser_init(&p, text, len, NULL, 0);
	skip_blanks(&p);
	if (peek(&p) != '{')
		return -1;
	p.decoded = malloc(len + 1);
	if (!p.decoded)
		return -1;
	p.pos++;
	skip_blanks(&p);
	while (peek(&p) == '"') {
		int match, is_int = 0;

		if (parse_string(&p) < 0) {
			rc = -1;
			break;
		}
		match = p.decoded_len == key_len &&
		        memcmp(p.decoded, key, key_len) == 0;
		skip_blanks(&p);
		p.pos++; /* the colon */
		skip_blanks(&p);
		if (match && (peek(&p) == '-' || is_digit(peek(&p)))) {
			if (parse_number(&p, &is_int, &value) < 0) {
				rc = -1;
				break;
			}
		} else if (parse_value(&p, 1) < 0) {
			rc = -1;
			break;
		}
		/* As most readers do, the last of duplicate members wins. */
		if (match)
			found = is_int ? 1 : -1;
		skip_blanks(&p);
		if (peek(&p) != ',')
			break;
		p.pos++;
		skip_blanks(&p);
	}
	free(p.decoded);
	if (rc < 0 || found < 0)
		return -1;
	if (found == 0)
		return 1;
	*out = value;
	return 0;
}

int json_object_string(const char *text, size_t len, const char *key, char *out,
                       size_t size)
{
	size_t key_len = strlen(key);
	struct parser p;
	int found = 0, rc = 0;

	if (json_check(text, len, NULL, 0) < 0)
		return -1;
	parser_init(&p, text, len, NULL, 0);
	skip_blanks(&p);
	if (peek(&p) != '{')
		return -1;
	p.decoded = malloc(len + 1);
	if (!p.decoded)
		return -1;
	p.pos++;
	skip_blanks(&p);
	while (rc == 0 && peek(&p) == '"') {
		int match;

		parse_string(&p); /* checked: cannot fail */
		match = p.decoded_len == key_len &&
		        memcmp(p.decoded, key, key_len) == 0;
		skip_blanks(&p);
		p.pos++; /* the colon */
		skip_blanks(&p);
		if (match && peek(&p) == '"') {
			parse_string(&p);
			/* a NUL inside, or no room: not a string we can hand
			 * out */
			if (strlen(p.decoded) != p.decoded_len ||
			    p.decoded_len >= size)
				rc = -1;
			else
				memcpy(out, p.decoded, p.decoded_len + 1);
			found = 1;
		} else {
			parse_value(&p, 1);
			if (match)
				rc = -1;
		}
		skip_blanks(&p);
		if (peek(&p) != ',')
			break;
		p.pos++;
		skip_blanks(&p);
	}
	free(p.decoded);
	if (rc < 0)
		return -1;
	return found ? 0 : 1;
}

/* ---- the tree ---------------------------------------------------------- */

static void tree_free(struct json_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->len; i++) {
		tree_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

void json_free(struct json_value *v)
{
	tree_free(v);
}

static int append_item(struct json_value *v, char *key, struct json_value *item)
{
	struct json_value **items =
	    realloc(v->items, (v->len + 1) * sizeof(*items));
	char **keys = NULL;

	if (!items)
		return -1;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		keys = realloc(v->keys, (v->len + 1) * sizeof(*keys));
		if (!keys)
			return -1;
		v->keys = keys;
		keys[v->len] = key;
	}
	items[v->len++] = item;
	return 0;
}

/* The value at p->pos of a document json_check() accepted; NULL if out of
 * memory. */
static struct json_value *build(struct parser *p)
{
	struct json_value *v = calloc(1, sizeof(*v));
	int is_int, c;
	int64_t iv;

	if (!v)
		return NULL;
	skip_blanks(p);
	c = peek(p);
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';

		v->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
		p->pos++;
		for (;;) {
			struct json_value *item;
			char *key = NULL;

			skip_blanks(p);
			if (peek(p) == close) {
				p->pos++;
				return v;
			}
			if (peek(p) == ',') {
				p->pos++;
				skip_blanks(p);
			}
			if (v->type == JSON_OBJECT) {
				parse_string(p);
				key = strdup(p->decoded);
				skip_blanks(p);
				p->pos++; /* the colon */
			}
			item = build(p);
			if (!item || (v->type == JSON_OBJECT && !key) ||
			    append_item(v, key, item) < 0) {
				free(key);
				tree_free(item);
				tree_free(v);
				return NULL;
			}
		}
	}
	if (c == '"') {
		parse_string(p);
		v->type = JSON_STRING;
		v->string_len = p->decoded_len;
		v->string = malloc(p->decoded_len + 1);
		if (!v->string) {
			free(v);
			return NULL;
		}
		memcpy(v->string, p->decoded, p->decoded_len + 1);
		return v;
	}
	if (c == 't' || c == 'f' || c == 'n') {
		v->type = c == 'n' ? JSON_NULL : JSON_BOOL;
		v->boolean = c == 't';
		p->pos += c == 'f' ? 5 : 4;
		return v;
	}
	{
		size_t start = p->pos;
		char num[64];

		parse_number(p, &is_int, &iv);
		v->type = JSON_NUMBER;
		snprintf(num, sizeof(num), "%.*s", (int)(p->pos - start),
		         (const char *)p->text + start);
		/* Longer than any double needs: its digits past 63 do not
		 * change it. */
		v->number = strtod(num, NULL);
	}
	return v;
}

struct json_value *json_parse(const char *text, size_t len, char *err,
                              size_t errlen)
{
	struct json_value *root;
	struct parser p;

	if (json_check(text, len, err, errlen) < 0)
		return NULL;
	parser_init(&p, text, len, err, errlen);
	p.decoded = malloc(len + 1);
	root = p.decoded ? build(&p) : NULL;
	free(p.decoded);
	if (!root)
		snprintf(err, errlen, "out of memory");
	return root;
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	size_t i;

	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (i = v->len; i-- > 0;) /* the last of duplicates, as readers do */
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

double json_number(const struct json_value *v)
{
	return v && v->type == JSON_NUMBER ? v->number : NAN;
}

const char *json_str(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->string : NULL;
}

size_t json_len(const struct json_value *v)
{
	return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ? v->len
	                                                              : 0;
}

const struct json_value *json_item(const struct json_value *v, size_t i)
{
	return i < json_len(v) ? v->items[i] : NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * schema: the typed getters of scenario values. Each checks a node of the
 * YAML tree against what the key takes (a kind, a range, a list of
 * distinct numbers, a template, a method) and says what is wrong at the
 * node's FILE:LINE:COL.
 */
#include "config.h"

#include "schema.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

int schema_fail_at(struct schema *s, unsigned line, unsigned col,
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

int schema_expect_kind(struct schema *s, const struct ynode *n,
                       enum ynode_kind kind, const char *what)
{
	if (n->kind == kind)
		return 0;
	return schema_fail(s, n, "'%s' must be %s, got %s", what,
	                   yamldoc_kind_name(kind), yamldoc_kind_name(n->kind));
}

/* Rejects keys not in `allowed` (NULL-ended), naming the ones that are. */
int schema_check_keys(struct schema *s, const struct ynode *map,
                      const char *const *allowed, const char *where)
{
	size_t i, k;

	for (i = 0; i < map->count; i++) {
		const struct ynode *key = yamldoc_key(map, i);
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
		return schema_fail(s, key, "unknown key '%s' in %s (known: %s)",
		                   key->text, where, known);
	}
	return 0;
}

int schema_get_uint(struct schema *s, const struct ynode *n, const char *what,
                    uint64_t min, uint64_t max, uint64_t *out)
{
	int64_t v;

	if (schema_expect_kind(s, n, YNODE_SCALAR, what) < 0)
		return -1;
	if (!n->plain || number_parse_int(n->text, SCHEMA_INT_SYNTAX, &v) < 0)
		return schema_fail(s, n, "'%s' must be an integer, got \"%s\"",
		                   what, n->text);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return schema_fail(s, n,
		                   "'%s' must be between %" PRIu64
		                   " and %" PRIu64 ", got %" PRId64,
		                   what, min, max, v);
	*out = (uint64_t)v;
	return 0;
}

int schema_get_unsigned(struct schema *s, const struct ynode *n,
                        const char *what, unsigned min, unsigned max,
                        unsigned *out)
{
	uint64_t v;

	if (schema_get_uint(s, n, what, min, max, &v) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int schema_get_string(struct schema *s, const struct ynode *n, const char *what,
                      char **out)
{
	if (schema_expect_kind(s, n, YNODE_SCALAR, what) < 0)
		return -1;
	if (n->text[0] == '\0')
		return schema_fail(s, n, "'%s' must not be empty", what);
	free(*out);
	*out = strdup(n->text);
	return *out ? 0 : schema_fail(s, n, "out of memory");
}

/* A number or a non-empty list of distinct numbers. */
struct indexed {
	uint64_t value;
	size_t index;
};

static int by_value_then_index(const void *a, const void *b)
{
	const struct indexed *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* The smallest index whose value is also at an earlier one; n if none (or
 * out of memory, when the caller's own check cannot fail either). */
static size_t first_repeat(const uint64_t *v, size_t n)
{
	struct indexed *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	size_t i, first = n;

	if (!sorted)
		return n;
	for (i = 0; i < n; i++)
		sorted[i] = (struct indexed){v[i], i};
	qsort(sorted, n, sizeof(*sorted), by_value_then_index);
	for (i = 1; i < n; i++)
		if (sorted[i].value == sorted[i - 1].value &&
		    (i < 2 || sorted[i - 2].value != sorted[i].value) &&
		    sorted[i].index < first)
			first = sorted[i].index;
	free(sorted);
	return first;
}

int schema_get_uint_list(struct schema *s, const struct ynode *n,
                         const char *what, uint64_t min, uint64_t max,
                         uint64_t **out, size_t *len)
{
	size_t count = n->kind == YNODE_SEQUENCE ? n->count : 1;
	const struct ynode *item;
	size_t i, dup;

	if (n->kind == YNODE_MAPPING)
		return schema_fail(
		    s, n, "'%s' must be a number or a list of numbers", what);
	if (count == 0)
		return schema_fail(s, n, "'%s' must not be an empty list",
		                   what);
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return schema_fail(s, n, "out of memory");
	*len = count;
	/* The values up to the first that is not one; then the first of
	 * them that repeats an earlier one, found by sorting: the error
	 * that comes first in the list is the one reported. */
	for (i = 0; i < count; i++) {
		item = n->kind == YNODE_SEQUENCE ? n->items[i] : n;
		if (schema_get_uint(s, item, what, min, max, &(*out)[i]) < 0)
			break;
	}
	dup = first_repeat(*out, i);
	if (dup < i)
		return schema_fail(
		    s, n->kind == YNODE_SEQUENCE ? n->items[dup] : n,
		    "'%s' lists %" PRIu64 " twice", what, (*out)[dup]);
	return i < count ? -1 : 0;
}

int schema_get_fraction(struct schema *s, const struct ynode *n,
                        const char *what, double *out)
{
	if (schema_expect_kind(s, n, YNODE_SCALAR, what) < 0)
		return -1;
	if (!n->plain || number_parse_fraction(n->text, out) < 0)
		return schema_fail(
		    s, n, "'%s' must be a number from 0 to 1, got \"%s\"", what,
		    n->text);
	return 0;
}

/* An HTTP method: a token of capital letters. */
int schema_get_method(struct schema *s, const struct ynode *n, char **out)
{
	const char *p;

	if (schema_get_string(s, n, "method", out) < 0)
		return -1;
	for (p = *out; *p; p++)
		if (*p < 'A' || *p > 'Z')
			return schema_fail(
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
	return schema_fail_at(s, n->line, col, "%s", msg);
}

/* A template string: checked against the placeholders `allowed`. */
int schema_get_template(struct schema *s, const struct ynode *n,
                        const char *what, const char *describe,
                        enum urlset_syntax syntax, unsigned allowed,
                        unsigned *used, char **out)
{
	char msg[200];
	size_t at;

	if (schema_get_string(s, n, what, out) < 0)
		return -1;
	if (urlset_check_template(*out, syntax, allowed, describe, used, msg,
	                          sizeof(msg), &at) < 0)
		return fail_in_text(s, n, at, msg);
	return 0;
}

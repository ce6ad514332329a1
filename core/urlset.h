/* SPDX-License-Identifier: MIT */
/*
 * urlset: the URLs and request bodies of a job set, generated on demand
 * from templates and a job's index (or taken from an explicit list), so
 * that a million-URL set costs nothing per URL until a job for it is
 * claimed. Templates hold placeholders in braces: {i} (the index), {date}
 * (a day of a date range), and for listing requests {start} and
 * {per_page}. In URLs every brace belongs to a placeholder, and {{ and }}
 * stand for literal ones; in bodies (JSON, mostly) only "{name}" with a
 * name of lowercase letters and '_' is a placeholder, other braces are
 * literal and there are no escapes.
 */
#ifndef CB_URLSET_H
#define CB_URLSET_H

#include <stddef.h>
#include <stdint.h>

/* Placeholders, as bits of a mask. */
#define URLSET_VAR_I 1u
#define URLSET_VAR_DATE 2u
#define URLSET_VAR_START 4u
#define URLSET_VAR_PER_PAGE 8u

#define URLSET_DATE_MAX 64 /* a formatted {date}, with its NUL */

struct urlset {
	char *pattern; /* a template; NULL for a list */
	char **list;   /* explicit URLs; NULL for a pattern */
	size_t list_len;
	int relative; /* URLs start with '/': prefixed by the server */
	/* A date range: {date} of index i is first_day + i, formatted. */
	int has_dates;
	int64_t first_day; /* days since 1970-01-01 */
	char *date_format; /* strftime(3) */
};

enum urlset_syntax { URLSET_STRICT, URLSET_BODY };

/* What the placeholders of a template stand for. */
struct urlset_values {
	uint64_t i;
	const char *date;
	uint64_t start, per_page;
};

/*
 * Check a template against the placeholders `allowed` (a mask); `what`
 * names it in messages ("URL pattern"). Returns 0 with the placeholders
 * used in *used (may be NULL), or -1 with the problem in err and its
 * 0-based offset in *at.
 */
int urlset_check_template(const char *text, enum urlset_syntax syntax,
                          unsigned allowed, const char *what, unsigned *used,
                          char *err, size_t errlen, size_t *at);

/*
 * Expand a checked template into buf (NUL-terminated). Returns its length;
 * if that is >= len the text was truncated, as with snprintf.
 */
size_t urlset_expand(const char *text, enum urlset_syntax syntax,
                     const struct urlset_values *values, char *buf, size_t len);

/* Parse "YYYY-MM-DD", a day of the Gregorian calendar in years 1 to
 * 9999, into its year, month and day. 0, or -1. */
int urlset_parse_date(const char *text, unsigned *y, unsigned *m, unsigned *d);

/*
 * Parse "YYYY-MM-DD" (a real calendar day) into days since 1970-01-01.
 * 0, or -1.
 */
int urlset_parse_day(const char *text, int64_t *day);

/* 0 if a strftime(3) format makes a non-empty date that fits in
 * URLSET_DATE_MAX bytes, else -1. */
int urlset_check_date_format(const char *format);

/* The values of job `index`; date_buf holds the formatted {date}. */
void urlset_values_of(const struct urlset *set, uint64_t index,
                      struct urlset_values *values,
                      char date_buf[URLSET_DATE_MAX]);

/*
 * Write URL number `index` into buf (NUL-terminated), prefixed with base
 * when the set is relative. Returns its length, truncating like snprintf.
 */
size_t urlset_format(const struct urlset *set, const char *base, uint64_t index,
                     char *buf, size_t len);

/* The largest URL file read. */
#define URLSET_FILE_MAX (INT64_C(1) << 30)

/*
 * Read a URL file (a regular file of at most URLSET_FILE_MAX bytes): one
 * URL per line; blank lines and lines whose first
 * non-blank character is '#' are skipped, and blanks around a URL are
 * trimmed. Returns 0 with malloc'ed arrays of the URLs and of their
 * 1-based line numbers (count in *len), or -1 with why in err (errno's
 * text, or what the file is instead of a regular one).
 */
int urlset_read_file(const char *path, char ***urls, unsigned **lines,
                     size_t *len, char *err, size_t errlen);

void urlset_free(struct urlset *set);

#endif

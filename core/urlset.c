/* SPDX-License-Identifier: MIT */
/*
 * urlset: the URLs and request bodies of a job set, generated on demand
 * from templates and a job's index (or taken from an explicit list), so
 * that a million-URL set costs nothing per URL until a job for it is
 * claimed.
 */
#include "config.h"

#include "urlset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "number.h"
#include "regfile.h"

static const struct {
	const char *name;
	unsigned bit;
} placeholders[] = {
    {"i", URLSET_VAR_I},
    {"date", URLSET_VAR_DATE},
    {"start", URLSET_VAR_START},
    {"per_page", URLSET_VAR_PER_PAGE},
};
#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* The placeholder named by text[0, len), or 0. */
static unsigned placeholder_bit(const char *text, size_t len)
{
	size_t k;

	for (k = 0; k < NPLACEHOLDERS; k++)
		if (strlen(placeholders[k].name) == len &&
		    memcmp(placeholders[k].name, text, len) == 0)
			return placeholders[k].bit;
	return 0;
}

/* In a body: the length of the placeholder name after the '{' at p, if
 * "{name}" is there, else 0 (the brace is literal). */
static size_t body_name(const char *p)
{
	size_t n = 0;

	while ((p[1 + n] >= 'a' && p[1 + n] <= 'z') || p[1 + n] == '_')
		n++;
	return n && p[1 + n] == '}' ? n : 0;
}

static void unknown(const char *p, size_t n, unsigned allowed, const char *what,
                    char *err, size_t errlen)
{
	char known[128] = "";
	size_t k, used = 0;

	for (k = 0; k < NPLACEHOLDERS; k++)
		if (placeholders[k].bit & allowed)
			used += (size_t)snprintf(
			    known + used, sizeof(known) - used, "%s{%s}",
			    used ? ", " : "", placeholders[k].name);
	snprintf(err, errlen, "unknown placeholder '%.*s' in %s (known: %s)",
	         (int)n, p, what, known);
}

int urlset_check_template(const char *text, enum urlset_syntax syntax,
                          unsigned allowed, const char *what, unsigned *used,
                          char *err, size_t errlen, size_t *at)
{
	unsigned seen = 0, bit;
	const char *p;
	size_t n;

	for (p = text; *p; p++) {
		*at = (size_t)(p - text);
		if (syntax == URLSET_BODY) {
			if (*p != '{' || !(n = body_name(p)))
				continue;
			bit = placeholder_bit(p + 1, n);
			if (!(bit & allowed)) {
				unknown(p, n + 2, allowed, what, err, errlen);
				return -1;
			}
			seen |= bit;
			p += n + 1;
		} else if ((p[0] == '{' && p[1] == '{') ||
		           (p[0] == '}' && p[1] == '}')) {
			p++;
		} else if (p[0] == '{') {
			const char *close = strchr(p, '}');
			if (!close) {
				snprintf(err, errlen,
				         "unclosed '{' in %s (write {{ for a "
				         "literal brace)",
				         what);
				return -1;
			}
			bit = placeholder_bit(p + 1, (size_t)(close - p - 1));
			if (!(bit & allowed)) {
				unknown(p, (size_t)(close - p + 1), allowed,
				        what, err, errlen);
				return -1;
			}
			seen |= bit;
			p = close;
		} else if (p[0] == '}') {
			snprintf(err, errlen,
			         "stray '}' in %s (write }} for a literal "
			         "brace)",
			         what);
			return -1;
		}
	}
	if (used)
		*used = seen;
	return 0;
}

/* Appends like snprintf into buf at *used, counting what did not fit. */
static void put(char *buf, size_t len, size_t *used, const char *s, size_t n)
{
	if (*used < len) {
		size_t room = len - *used - 1;
		memcpy(buf + *used, s, n < room ? n : room);
	}
	*used += n;
}

static void put_number(char *buf, size_t len, size_t *used, uint64_t v)
{
	char num[NUMBER_U64_DIGITS];

	put(buf, len, used, num, number_format_u64(v, num));
}

static void put_value(char *buf, size_t len, size_t *used, unsigned bit,
                      const struct urlset_values *v)
{
	switch (bit) {
	case URLSET_VAR_I:
		put_number(buf, len, used, v->i);
		break;
	case URLSET_VAR_DATE:
		if (v->date)
			put(buf, len, used, v->date, strlen(v->date));
		break;
	case URLSET_VAR_START:
		put_number(buf, len, used, v->start);
		break;
	case URLSET_VAR_PER_PAGE:
		put_number(buf, len, used, v->per_page);
		break;
	}
}

/* Expands at buf + *used; the text was checked. Literal text is copied a
 * run at a time: this runs for every request. */
static void expand(const char *text, enum urlset_syntax syntax,
                   const struct urlset_values *v, char *buf, size_t len,
                   size_t *used)
{
	const char *braces = syntax == URLSET_BODY ? "{" : "{}";
	const char *p = text;
	size_t n;

	for (;;) {
		n = strcspn(p, braces);
		put(buf, len, used, p, n);
		p += n;
		if (!*p)
			return;
		if (syntax == URLSET_BODY) {
			if ((n = body_name(p))) {
				put_value(buf, len, used,
				          placeholder_bit(p + 1, n), v);
				p += n + 2;
			} else {
				put(buf, len, used, p++, 1);
			}
		} else if (p[0] == p[1]) { /* {{ or }} */
			put(buf, len, used, p, 1);
			p += 2;
		} else if (p[0] == '{') {
			const char *close = strchr(p, '}');
			put_value(
			    buf, len, used,
			    placeholder_bit(p + 1, (size_t)(close - p - 1)), v);
			p = close + 1;
		} else {
			put(buf, len, used, p++, 1);
		}
	}
}

static void terminate(char *buf, size_t len, size_t used)
{
	if (len)
		buf[used < len ? used : len - 1] = '\0';
}

size_t urlset_expand(const char *text, enum urlset_syntax syntax,
                     const struct urlset_values *values, char *buf, size_t len)
{
	size_t used = 0;

	expand(text, syntax, values, buf, len, &used);
	terminate(buf, len, used);
	return used;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int urlset_parse_date(const char *text, unsigned *y, unsigned *m, unsigned *d)
{
	static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30,
	                                      31, 31, 30, 31, 30, 31};
	unsigned v[3] = {0, 0, 0}, field, i, last;
	static const unsigned widths[3] = {4, 2, 2};
	const char *p = text;

	for (field = 0; field < 3; field++) {
		for (i = 0; i < widths[field]; i++, p++) {
			if (*p < '0' || *p > '9')
				return -1;
			v[field] = v[field] * 10 + (unsigned)(*p - '0');
		}
		if (*p != (field < 2 ? '-' : '\0'))
			return -1;
		p++;
	}
	if (v[0] < 1 || v[1] < 1 || v[1] > 12)
		return -1;
	last = mdays[v[1] - 1] + (v[1] == 2 && v[0] % 4 == 0 &&
	                          (v[0] % 100 != 0 || v[0] % 400 == 0));
	if (v[2] < 1 || v[2] > last)
		return -1;
	*y = v[0];
	*m = v[1];
	*d = v[2];
	return 0;
}

int urlset_parse_day(const char *text, int64_t *day)
{
	unsigned y, m, d;

	if (urlset_parse_date(text, &y, &m, &d) < 0)
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

/* The format is the scenario's: checked by urlset_check_date_format(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static size_t format_day(const char *format, const struct tm *tm,
                         char buf[URLSET_DATE_MAX])
{
	size_t n = strftime(buf, URLSET_DATE_MAX, format, tm);

	if (n == 0)
		buf[0] = '\0';
	return n;
}
#pragma GCC diagnostic pop

int urlset_check_date_format(const char *format)
{
	/* The longest day a format is likely to make: a long month name and
	 * weekday, late in the year. */
	struct tm tm = {.tm_year = 2026 - 1900,
	                .tm_mon = 8,
	                .tm_mday = 30,
	                .tm_wday = 3,
	                .tm_yday = 272};
	char probe[URLSET_DATE_MAX];

	return format_day(format, &tm, probe) ? 0 : -1;
}

void urlset_values_of(const struct urlset *set, uint64_t index,
                      struct urlset_values *values,
                      char date_buf[URLSET_DATE_MAX])
{
	memset(values, 0, sizeof(*values));
	values->i = index;
	if (set->has_dates) {
		time_t t = (time_t)((set->first_day + (int64_t)index) * 86400);
		struct tm tm;
		date_buf[0] = '\0';
		if (gmtime_r(&t, &tm))
			format_day(set->date_format, &tm, date_buf);
		values->date = date_buf;
	}
}

size_t urlset_format(const struct urlset *set, const char *base, uint64_t index,
                     char *buf, size_t len)
{
	size_t used = 0;

	if (set->relative && base)
		put(buf, len, &used, base, strlen(base));
	if (!set->pattern) {
		const char *url = set->list[index % set->list_len];
		put(buf, len, &used, url, strlen(url));
	} else {
		struct urlset_values v;
		char date[URLSET_DATE_MAX];
		urlset_values_of(set, index, &v, date);
		expand(set->pattern, URLSET_STRICT, &v, buf, len, &used);
	}
	terminate(buf, len, used);
	return used;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	return s;
}

/* path if it is a regular file of at most URLSET_FILE_MAX bytes. */
static FILE *open_url_file(const char *path, char *err, size_t errlen)
{
	const char *what;
	FILE *f = regfile_open(path, URLSET_FILE_MAX, &what);

	if (!f && !what)
		snprintf(err, errlen, "%s", strerror(errno));
	else if (!f && strcmp(what, "too large") == 0)
		snprintf(err, errlen,
		         "larger than 1 GiB, the most it may hold");
	else if (!f)
		snprintf(err, errlen, "%s, not a file of URLs", what);
	return f;
}

int urlset_read_file(const char *path, char ***urls, unsigned **lines,
                     size_t *len, char *err, size_t errlen)
{
	FILE *f = open_url_file(path, err, errlen);
	char *line = NULL, **u = NULL;
	unsigned *ln = NULL, lineno = 0;
	size_t cap = 0, n = 0, size = 0;

	if (!f)
		return -1;
	while ((errno = 0, getline(&line, &size, f)) >= 0) {
		char *url = trim(line);
		lineno++;
		if (*url == '\0' || *url == '#')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nu = realloc(u, ncap * sizeof(*u));
			unsigned *nl =
			    nu ? realloc(ln, ncap * sizeof(*ln)) : NULL;
			if (nu)
				u = nu;
			if (!nl)
				goto oom;
			ln = nl;
			cap = ncap;
		}
		if (!(u[n] = strdup(url)))
			goto oom;
		ln[n++] = lineno;
	}
	if (errno == ENOMEM)
		goto oom; /* a line larger than memory */
	if (ferror(f)) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	*urls = u;
	*lines = ln;
	*len = n;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	while (n)
		free(u[--n]);
	free(u);
	free(ln);
	free(line);
	fclose(f);
	return -1;
}

void urlset_free(struct urlset *set)
{
	size_t i;

	free(set->pattern);
	for (i = 0; i < set->list_len; i++)
		free(set->list[i]);
	free(set->list);
	free(set->date_format);
	memset(set, 0, sizeof(*set));
}

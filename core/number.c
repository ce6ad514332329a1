/* SPDX-License-Identifier: MIT */
/*
 * number: the one reader of decimal numbers, for every number concbench
 * takes from text. Digits in ASCII only, no locale, no blanks, and never
 * a silent overflow. Also the writer of the numbers in requests.
 */
#include "config.h"

#include "number.h"

#include <errno.h>
#include <stdlib.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int number_scan(const char **p, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int over = 0;

	if (!is_digit(*s))
		return -1;
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (over || v > (max - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	*p = s;
	*out = over ? max : v;
	return over ? -2 : 0;
}

/* Digits with optional '_' between them, to the end of text, up to max. */
static int parse_magnitude(const char *text, unsigned flags, uint64_t max,
                           uint64_t *out)
{
	const char *p = text;
	uint64_t v = 0, part;

	for (;;) {
		const char *start = p;

		if (number_scan(&p, max, &part) < 0)
			return -1;
		/* v * 10^(digits of part) + part, without overflow */
		for (; start < p; start++) {
			if (v > max / 10)
				return -1;
			v *= 10;
		}
		if (part > max - v)
			return -1;
		v += part;
		if (*p == '\0')
			break;
		if (!(flags & NUMBER_UNDERSCORE) || *p != '_' ||
		    !is_digit(p[1]))
			return -1;
		p++;
	}
	*out = v;
	return 0;
}

int number_parse_u64(const char *text, unsigned flags, uint64_t *out)
{
	if (*text == '+' && (flags & NUMBER_PLUS))
		text++;
	return parse_magnitude(text, flags, UINT64_MAX, out);
}

int number_parse_int(const char *text, unsigned flags, int64_t *out)
{
	int negative = 0;
	uint64_t v;

	if (*text == '-' && (flags & NUMBER_MINUS))
		negative = *text++ == '-';
	else if (*text == '+' && (flags & NUMBER_PLUS))
		text++;
	if (parse_magnitude(text, flags,
	                    negative ? (uint64_t)INT64_MAX + 1 : INT64_MAX,
	                    &v) < 0)
		return -1;
	*out = negative ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int number_parse_fraction(const char *text, double *out)
{
	char *end;
	double v;

	if (!is_digit(text[0]) && text[0] != '.')
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (*end != '\0' || errno || !(v >= 0.0 && v <= 1.0))
		return -1;
	*out = v;
	return 0;
}

size_t number_format_u64(uint64_t v, char out[NUMBER_U64_DIGITS])
{
	char rev[NUMBER_U64_DIGITS];
	size_t n = 0, i;

	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	out[n] = '\0';
	return n;
}

/* SPDX-License-Identifier: MIT */
/*
 * fuzz_template: URL patterns and request-body templates (check, then
 * expand into a roomy buffer and a tiny one), the {date} format and the
 * dates of a range. The first byte picks the syntax and the placeholders
 * allowed; the rest is the text.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "urlset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct urlset_values values = {
	    .i = 12345, .date = "2026-02-28", .start = 10, .per_page = 5};
	enum urlset_syntax syntax;
	unsigned allowed, used, y, m, d;
	char err[256], big[8192], tiny[7], *text;
	size_t at;
	int64_t day;

	if (size == 0)
		return 0;
	syntax = data[0] & 1 ? URLSET_BODY : URLSET_STRICT;
	allowed = (data[0] >> 1) & 15u;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (urlset_check_template(text, syntax, allowed, "URL pattern", &used,
	                          err, sizeof(err), &at) == 0) {
		values.i = data[0];
		urlset_expand(text, syntax, &values, big, sizeof(big));
		urlset_expand(text, syntax, &values, tiny, sizeof(tiny));
	}
	urlset_check_date_format(text);
	urlset_parse_date(text, &y, &m, &d);
	urlset_parse_day(text, &day);
	free(text);
	return 0;
}

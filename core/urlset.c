/*
 * urlset: the URLs of a job set, generated on demand from a pattern and an
 * index (or taken from an explicit list), so that a million-URL set costs
 * nothing per URL until a job for it is claimed.
 */
#include "config.h"

#include "urlset.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int urlset_check_pattern(const char *pattern, char *err, size_t errlen,
                         size_t *at)
{
	const char *p;

	for (p = pattern; *p; p++) {
		if (p[0] == '{' && p[1] == '{') {
			p++;
		} else if (p[0] == '}' && p[1] == '}') {
			p++;
		} else if (p[0] == '{') {
			const char *close = strchr(p, '}');
			*at = (size_t)(p - pattern);
			if (!close) {
				snprintf(err, errlen,
				         "unclosed '{' in URL pattern "
				         "(write {{ for a literal brace)");
				return -1;
			}
			if (close - p != 2 || p[1] != 'i') {
				snprintf(err, errlen,
				         "unknown placeholder '%.*s' in URL "
				         "pattern (known: {i})",
				         (int)(close - p + 1), p);
				return -1;
			}
			p = close;
		} else if (p[0] == '}') {
			*at = (size_t)(p - pattern);
			snprintf(err, errlen,
			         "stray '}' in URL pattern (write }} for a "
			         "literal brace)");
			return -1;
		}
	}
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

size_t urlset_format(const struct urlset *set, const char *base,
                     uint64_t index, char *buf, size_t len)
{
	size_t used = 0;
	const char *p;

	if (set->relative && base)
		put(buf, len, &used, base, strlen(base));
	if (!set->pattern) {
		const char *url = set->list[index % set->list_len];
		put(buf, len, &used, url, strlen(url));
	} else {
		for (p = set->pattern; *p; p++) {
			if ((p[0] == '{' && p[1] == '{') ||
			    (p[0] == '}' && p[1] == '}')) {
				put(buf, len, &used, p, 1);
				p++;
			} else if (p[0] == '{') {
				char num[24];
				int n = snprintf(num, sizeof(num), "%" PRIu64,
				                 index);
				put(buf, len, &used, num, (size_t)n);
				p += 2; /* "{i}": the checked pattern */
			} else {
				put(buf, len, &used, p, 1);
			}
		}
	}
	if (len)
		buf[used < len ? used : len - 1] = '\0';
	return used;
}

void urlset_free(struct urlset *set)
{
	size_t i;

	free(set->pattern);
	for (i = 0; i < set->list_len; i++)
		free(set->list[i]);
	free(set->list);
	memset(set, 0, sizeof(*set));
}

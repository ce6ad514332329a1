/*
 * urlset: the URLs of a job set, generated on demand from a pattern and an
 * index (or taken from an explicit list), so that a million-URL set costs
 * nothing per URL until a job for it is claimed.
 */
#ifndef CB_URLSET_H
#define CB_URLSET_H

#include <stddef.h>
#include <stdint.h>

struct urlset {
	char *pattern;    /* with {i}; NULL for a list */
	char **list;      /* explicit URLs; NULL for a pattern */
	size_t list_len;
	int relative;     /* URLs start with '/': prefixed by the server */
};

/*
 * Check a pattern: only {i} is a placeholder, {{ and }} stand for braces.
 * Returns 0, or -1 with the problem in err and its 0-based offset in *at.
 */
int urlset_check_pattern(const char *pattern, char *err, size_t errlen,
                         size_t *at);

/*
 * Write URL number `index` into buf (NUL-terminated), prefixed with base
 * when the set is relative. Returns its length; if that is >= len the URL
 * was truncated, as with snprintf.
 */
size_t urlset_format(const struct urlset *set, const char *base,
                     uint64_t index, char *buf, size_t len);

void urlset_free(struct urlset *set);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * schema: the typed getters of scenario values. Each checks a node of the
 * YAML tree against what its key takes and, when it does not fit, writes
 * "FILE:LINE:COL: message" into the schema's error buffer and returns -1;
 * `what` names the key in the message.
 */
#ifndef CB_SCHEMA_H
#define CB_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "number.h"
#include "urlset.h"
#include "yamldoc.h"

/* The file being checked, and where its first error goes. */
struct schema {
	const char *path;
	char *err;
	size_t errlen;
};

/* How integers are written in scenarios (and on the command line). */
#define SCHEMA_INT_SYNTAX (NUMBER_MINUS | NUMBER_PLUS | NUMBER_UNDERSCORE)

/* "FILE:LINE:COL: message" into s->err; always -1. */
int schema_fail_at(struct schema *s, unsigned line, unsigned col,
                   const char *fmt, ...) CB_PRINTF(4, 5);
#define schema_fail(s, node, ...)                                              \
	schema_fail_at((s), (node)->line, (node)->col, __VA_ARGS__)

int schema_expect_kind(struct schema *s, const struct ynode *n,
                       enum ynode_kind kind, const char *what);
/* Refuse keys not in `allowed` (NULL-ended), naming the ones that are;
 * `where` names the mapping. */
int schema_check_keys(struct schema *s, const struct ynode *map,
                      const char *const *allowed, const char *where);

/* A plain integer scalar in [min, max]. */
int schema_get_uint(struct schema *s, const struct ynode *n, const char *what,
                    uint64_t min, uint64_t max, uint64_t *out);
int schema_get_unsigned(struct schema *s, const struct ynode *n,
                        const char *what, unsigned min, unsigned max,
                        unsigned *out);
/* A non-empty scalar, copied (an earlier *out is freed). */
int schema_get_string(struct schema *s, const struct ynode *n, const char *what,
                      char **out);
/* A number or a non-empty list of distinct numbers; *out is malloc'ed. */
int schema_get_uint_list(struct schema *s, const struct ynode *n,
                         const char *what, uint64_t min, uint64_t max,
                         uint64_t **out, size_t *len);
/* A plain number from 0 to 1. */
int schema_get_fraction(struct schema *s, const struct ynode *n,
                        const char *what, double *out);
/* An HTTP method: a token of capital letters. */
int schema_get_method(struct schema *s, const struct ynode *n, char **out);
/* A template string, checked against the placeholders `allowed`; those
 * it uses go to *used (may be NULL). `describe` names it in messages. */
int schema_get_template(struct schema *s, const struct ynode *n,
                        const char *what, const char *describe,
                        enum urlset_syntax syntax, unsigned allowed,
                        unsigned *used, char **out);

#endif

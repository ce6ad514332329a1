/* SPDX-License-Identifier: MIT */
/*
 * yamldoc: a YAML file read into a small tree of scalars, sequences and
 * mappings, each node carrying its 1-based line and column, so that the
 * schema checks of the scenario can point at the offending text.
 */
#ifndef CB_YAMLDOC_H
#define CB_YAMLDOC_H

#include <stddef.h>

enum ynode_kind { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING };

struct ynode {
	enum ynode_kind kind;
	unsigned line, col;   /* 1-based position of the node's start */
	char *text;           /* SCALAR: the value */
	int plain;            /* SCALAR: written unquoted */
	struct ynode **items; /* SEQUENCE: items; MAPPING: key, value, ... */
	size_t count;         /* SEQUENCE: items; MAPPING: pairs */
	size_t slots;         /* entries in items (a key may lack its value) */
};

/*
 * Read `path`. Returns the root node, with the SHA-256 of the file's bytes
 * in digest (SHA256_HEX bytes; may be NULL), or NULL with
 * "PATH:LINE:COL: message" (or "PATH: message") in err. Rejects anchors,
 * aliases, tags, duplicate keys, non-scalar keys, several documents and an
 * empty file.
 */
struct ynode *yamldoc_load(const char *path, char *digest, char *err,
                           size_t errlen);
void yamldoc_free(struct ynode *node);

/* The value for `key` in a MAPPING, or NULL. */
const struct ynode *yamldoc_get(const struct ynode *map, const char *key);
/* The key node of pair i of a MAPPING, and its value. */
const struct ynode *yamldoc_key(const struct ynode *map, size_t i);
const struct ynode *yamldoc_value(const struct ynode *map, size_t i);

const char *yamldoc_kind_name(enum ynode_kind kind);

#endif

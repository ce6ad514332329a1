/* SPDX-License-Identifier: MIT */
/*
 * yamldoc: a YAML file read into a small tree of scalars, sequences and
 * mappings, each node carrying its 1-based line and column, so that the
 * schema checks of the scenario can point at the offending text.
 */
#include "config.h"

#include "yamldoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "diag.h"
#include "regfile.h"
#include "sha256.h"

/* Scenario files are small; deeper nesting than this is a mistake. */
#define YDOC_MAX_DEPTH 32

struct loader {
	yaml_parser_t parser;
	FILE *file;
	struct sha256 digest; /* of the bytes read */
	const char *path;
	char *err;
	size_t errlen;
	int failed;
};

static void loader_error(struct loader *ld, const yaml_mark_t *mark,
                         const char *fmt, ...) CB_PRINTF(3, 4);

static void loader_error(struct loader *ld, const yaml_mark_t *mark,
                         const char *fmt, ...)
{
	va_list ap;
	size_t used;

	if (ld->failed)
		return;
	ld->failed = 1;
	if (mark)
		used = (size_t)snprintf(ld->err, ld->errlen,
		                        "%s:%zu:%zu: ", ld->path,
		                        mark->line + 1, mark->column + 1);
	else
		used = (size_t)snprintf(ld->err, ld->errlen, "%s: ", ld->path);
	if (used >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + used, ld->errlen - used, fmt, ap);
	va_end(ap);
}

static int next_event(struct loader *ld, yaml_event_t *ev)
{
	if (yaml_parser_parse(&ld->parser, ev))
		return 0;
	if (ld->parser.error == YAML_MEMORY_ERROR)
		loader_error(ld, NULL, "out of memory");
	else if (ld->parser.context)
		loader_error(ld, &ld->parser.problem_mark, "%s %s",
		             ld->parser.problem, ld->parser.context);
	else
		loader_error(ld, &ld->parser.problem_mark, "%s",
		             ld->parser.problem ? ld->parser.problem
		                                : "invalid YAML");
	return -1;
}

static struct ynode *node_new(enum ynode_kind kind, const yaml_mark_t *mark)
{
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = (unsigned)mark->line + 1;
	n->col = (unsigned)mark->column + 1;
	return n;
}

static int node_append(struct ynode *parent, struct ynode *child)
{
	size_t n = parent->slots;

	/* Room doubles at each power of two: appending stays linear. */
	if (n == 0 || (n & (n - 1)) == 0) {
		struct ynode **items =
		    realloc(parent->items, (n ? 2 * n : 4) * sizeof(*items));
		if (!items)
			return -1;
		parent->items = items;
	}
	parent->items[parent->slots++] = child;
	return 0;
}

/* The keys of a mapping being read, to find a duplicate in linear time. */
struct keyset {
	const char **slots; /* open addressing; NULL: free */
	size_t cap, len;
};

static size_t key_hash(const char *s)
{
	size_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* 1 if key was added, 0 if it was there already, -1 if out of memory. */
static int keyset_add(struct keyset *ks, const char *key)
{
	size_t i;

	if (2 * (ks->len + 1) > ks->cap) {
		struct keyset grown = {
		    calloc(ks->cap ? 2 * ks->cap : 16, sizeof(*grown.slots)),
		    ks->cap ? 2 * ks->cap : 16, 0};
		if (!grown.slots)
			return -1;
		for (i = 0; i < ks->cap; i++)
			if (ks->slots[i])
				keyset_add(&grown, ks->slots[i]);
		free(ks->slots);
		*ks = grown;
	}
	for (i = key_hash(key) & (ks->cap - 1); ks->slots[i];
	     i = (i + 1) & (ks->cap - 1))
		if (strcmp(ks->slots[i], key) == 0)
			return 0;
	ks->slots[i] = key;
	ks->len++;
	return 1;
}

void yamldoc_free(struct ynode *node)
{
	size_t i;

	if (!node)
		return;
	for (i = 0; i < node->slots; i++)
		yamldoc_free(node->items[i]);
	free(node->items);
	free(node->text);
	free(node);
}

static int check_event_props(struct loader *ld, const yaml_event_t *ev,
                             const yaml_char_t *anchor, const yaml_char_t *tag,
                             int implicit_tag)
{
	if (anchor) {
		loader_error(ld, &ev->start_mark,
		             "anchors (&%s) are not supported in scenarios",
		             (const char *)anchor);
		return -1;
	}
	if (tag && !implicit_tag) {
		loader_error(ld, &ev->start_mark,
		             "tags (%s) are not supported in scenarios",
		             (const char *)tag);
		return -1;
	}
	return 0;
}

static struct ynode *load_node(struct loader *ld, yaml_event_t *ev, int depth);
static int load_items_into(struct loader *ld, struct ynode *coll, int depth,
                           struct keyset *keys);

/* Reads the items of a collection whose start event was already taken. */
static int load_items(struct loader *ld, struct ynode *coll, int depth)
{
	struct keyset keys = {NULL, 0, 0};
	int rc = load_items_into(ld, coll, depth, &keys);

	free(keys.slots);
	return rc;
}

static int load_items_into(struct loader *ld, struct ynode *coll, int depth,
                           struct keyset *keys)
{
	yaml_event_type_t end = coll->kind == YNODE_MAPPING
	                            ? YAML_MAPPING_END_EVENT
	                            : YAML_SEQUENCE_END_EVENT;
	int want_key = coll->kind == YNODE_MAPPING;

	for (;;) {
		yaml_event_t ev;
		struct ynode *child;
		int added;

		if (next_event(ld, &ev) < 0)
			return -1;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (coll->kind == YNODE_MAPPING && want_key &&
		    ev.type != YAML_SCALAR_EVENT) {
			loader_error(ld, &ev.start_mark,
			             "mapping keys must be plain names");
			yaml_event_delete(&ev);
			return -1;
		}
		child = load_node(ld, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!child)
			return -1;
		added = coll->kind == YNODE_MAPPING && want_key
		            ? keyset_add(keys, child->text)
		            : 1;
		if (added <= 0) {
			if (added == 0)
				loader_error(ld,
				             &(yaml_mark_t){0, child->line - 1,
				                            child->col - 1},
				             "duplicate key '%s'", child->text);
			else
				loader_error(ld, NULL, "out of memory");
			yamldoc_free(child);
			return -1;
		}
		if (node_append(coll, child) < 0) {
			yamldoc_free(child);
			loader_error(ld, NULL, "out of memory");
			return -1;
		}
		if (coll->kind == YNODE_SEQUENCE || !want_key)
			coll->count++;
		if (coll->kind == YNODE_MAPPING)
			want_key = !want_key;
	}
}

static struct ynode *load_node(struct loader *ld, yaml_event_t *ev, int depth)
{
	struct ynode *n = NULL;

	if (depth > YDOC_MAX_DEPTH) {
		loader_error(ld, &ev->start_mark, "nested too deeply");
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (check_event_props(ld, ev, ev->data.scalar.anchor,
		                      ev->data.scalar.tag,
		                      ev->data.scalar.plain_implicit ||
		                          ev->data.scalar.quoted_implicit) < 0)
			return NULL;
		n = node_new(YNODE_SCALAR, &ev->start_mark);
		if (!n)
			break;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (memchr(ev->data.scalar.value, '\0',
		           ev->data.scalar.length)) {
			free(n);
			loader_error(ld, &ev->start_mark,
			             "a NUL character (\\0 or \\u0000) cannot "
			             "be in a scenario's text");
			return NULL;
		}
		n->text = strndup((const char *)ev->data.scalar.value,
		                  ev->data.scalar.length);
		if (!n->text) {
			free(n);
			n = NULL;
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int is_map = ev->type == YAML_MAPPING_START_EVENT;
		if (check_event_props(
		        ld, ev,
		        is_map ? ev->data.mapping_start.anchor
		               : ev->data.sequence_start.anchor,
		        is_map ? ev->data.mapping_start.tag
		               : ev->data.sequence_start.tag,
		        is_map ? ev->data.mapping_start.implicit
		               : ev->data.sequence_start.implicit) < 0)
			return NULL;
		n = node_new(is_map ? YNODE_MAPPING : YNODE_SEQUENCE,
		             &ev->start_mark);
		if (n && load_items(ld, n, depth) < 0) {
			yamldoc_free(n);
			return NULL;
		}
		if (n)
			return n;
		break;
	}
	case YAML_ALIAS_EVENT:
		loader_error(ld, &ev->start_mark,
		             "aliases (*%s) are not supported in scenarios",
		             (const char *)ev->data.alias.anchor);
		return NULL;
	default:
		loader_error(ld, &ev->start_mark, "unexpected YAML event");
		return NULL;
	}
	if (!n)
		loader_error(ld, NULL, "out of memory");
	return n;
}

/* Takes events up to the start of the first document's root node. */
static int expect_event(struct loader *ld, yaml_event_type_t type)
{
	yaml_event_t ev;
	int ok;

	if (next_event(ld, &ev) < 0)
		return -1;
	ok = ev.type == type;
	if (!ok) {
		if (type == YAML_DOCUMENT_START_EVENT &&
		    ev.type == YAML_STREAM_END_EVENT)
			loader_error(ld, NULL, "empty scenario file");
		else if (type == YAML_STREAM_END_EVENT)
			loader_error(ld, &ev.start_mark,
			             "only one YAML document is allowed");
		else
			loader_error(ld, &ev.start_mark,
			             "unexpected YAML event");
	}
	yaml_event_delete(&ev);
	return ok ? 0 : -1;
}

/* libyaml's read handler: the file, hashed as it is read. */
static int read_hashed(void *arg, unsigned char *buf, size_t size, size_t *got)
{
	struct loader *ld = arg;

	*got = fread(buf, 1, size, ld->file);
	sha256_add(&ld->digest, buf, *got);
	return !ferror(ld->file);
}

/* The file, if it is a regular one (regfile.h). */
static FILE *open_regular(const char *path, struct loader *ld)
{
	const char *what;
	FILE *f = regfile_open(path, 0, &what);

	if (!f && what)
		loader_error(ld, NULL, "%s, not a scenario file", what);
	else if (!f)
		loader_error(ld, NULL, "cannot open: %s", strerror(errno));
	return f;
}

struct ynode *yamldoc_load(const char *path, char *digest, char *err,
                           size_t errlen)
{
	struct loader ld = {.path = path, .err = err, .errlen = errlen};
	struct ynode *root = NULL;
	yaml_event_t ev;
	FILE *f;

	if (errlen)
		err[0] = '\0';
	f = open_regular(path, &ld);
	if (!f)
		return NULL;
	if (!yaml_parser_initialize(&ld.parser)) {
		fclose(f);
		loader_error(&ld, NULL, "out of memory");
		return NULL;
	}
	ld.file = f;
	sha256_init(&ld.digest);
	yaml_parser_set_input(&ld.parser, read_hashed, &ld);

	if (expect_event(&ld, YAML_STREAM_START_EVENT) < 0 ||
	    expect_event(&ld, YAML_DOCUMENT_START_EVENT) < 0 ||
	    next_event(&ld, &ev) < 0)
		goto out;
	if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
	    ev.data.scalar.plain_implicit) {
		loader_error(&ld, NULL, "empty scenario file");
		yaml_event_delete(&ev);
		goto out;
	}
	root = load_node(&ld, &ev, 0);
	yaml_event_delete(&ev);
	if (root && (expect_event(&ld, YAML_DOCUMENT_END_EVENT) < 0 ||
	             expect_event(&ld, YAML_STREAM_END_EVENT) < 0)) {
		yamldoc_free(root);
		root = NULL;
	}
	if (root && digest) {
		unsigned char rest[4096];
		size_t n;

		/* libyaml has seen the end; whatever it did not read counts */
		while ((n = fread(rest, 1, sizeof(rest), f)) > 0)
			sha256_add(&ld.digest, rest, n);
		sha256_hex(&ld.digest, digest);
	}
out:
	yaml_parser_delete(&ld.parser);
	fclose(f);
	return root;
}

const struct ynode *yamldoc_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (!map || map->kind != YNODE_MAPPING)
		return NULL;
	for (i = 0; i < map->count; i++)
		if (strcmp(map->items[2 * i]->text, key) == 0)
			return map->items[2 * i + 1];
	return NULL;
}

const struct ynode *yamldoc_key(const struct ynode *map, size_t i)
{
	return map->items[2 * i];
}

const struct ynode *yamldoc_value(const struct ynode *map, size_t i)
{
	return map->items[2 * i + 1];
}

const char *yamldoc_kind_name(enum ynode_kind kind)
{
	switch (kind) {
	case YNODE_SCALAR:
		return "a scalar";
	case YNODE_SEQUENCE:
		return "a list";
	case YNODE_MAPPING:
		return "a mapping";
	}
	return "?";
}

/* SPDX-License-Identifier: MIT */
/*
 * strategy: the strategies of a run. A spec is a strategy as a scenario
 * or the command line names it (a label, a plugin name or path, options
 * as written); binding checks its options against what the plugin
 * declares. A set is the strategies a run measures, chosen from the
 * scenario and -s and loaded, one plugin per spec.
 */
#ifndef CB_STRATEGY_H
#define CB_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"

struct concbench_option;
struct schema;
struct scenario;
struct ynode;

/* A strategy option as written in the scenario, or a declared default. */
struct option_value {
	char *name;
	char *text;                          /* scalar text */
	unsigned line, col;                  /* of the value; 0: default */
	unsigned key_line, key_col;          /* of the name */
	int quoted;                          /* the value was quoted */
	const struct concbench_option *decl; /* set by strategy_bind_options */
	int64_t number;                      /* INT and BOOL, once bound */
};

struct strategy_spec {
	char *label;        /* the name results are shown under */
	char *plugin;       /* plugin name, or a path to a .so */
	unsigned line, col; /* where the strategy is named; 0: not in a file */
	struct option_value *options;
	size_t option_count;
};

/* One item of the scenario's strategies: a name, or {plugin, name,
 * options}. 0, or -1 with the error in s. */
int strategy_parse(struct schema *s, const struct ynode *n,
                   struct strategy_spec *spec);
/* The scenario's strategies: a non-empty list of distinct labels. */
int strategy_parse_list(struct schema *s, const struct ynode *n,
                        struct strategy_spec **specs, size_t *len);

/*
 * Check a strategy's options against the plugin's declarations (a
 * NULL-name ended array, or NULL), convert INT and BOOL values, and add the
 * declared defaults of options the scenario leaves out. 0, or -1 with
 * "FILE:LINE:COL: message" in err (file is the scenario's path).
 */
int strategy_bind_options(struct strategy_spec *spec,
                          const struct concbench_option *decls,
                          const char *file, char *err, size_t errlen);

/* The bound option `name` of spec, or NULL. */
const struct option_value *strategy_option(const struct strategy_spec *spec,
                                           const char *name);

/* Fill spec for a plugin named on the command line: no options. */
int strategy_spec_init(struct strategy_spec *spec, const char *plugin);
/* A deep copy of src (its options not yet bound). 0, or -1 if out of memory. */
int strategy_spec_copy(struct strategy_spec *dst,
                       const struct strategy_spec *src);
void strategy_spec_free(struct strategy_spec *spec);

/* The strategies a run measures: specs[i] runs plugins[i]. */
struct strategy_set {
	struct strategy_spec *specs;
	struct plugin *plugins;
	size_t len;
};

/* How strategy_set_load() failed: its message is about the command line
 * or a plugin, or it begins with the place in the scenario it is about. */
enum { STRATEGY_ERR = -1, STRATEGY_ERR_AT = -2 };

/*
 * Choose the strategies: those named with -s (`names`, n of them: a label
 * of the scenario's, a plugin name or a path), else the scenario's list,
 * else every plugin in the search path; then load each plugin and bind
 * its options. 0, or STRATEGY_ERR or STRATEGY_ERR_AT with the reason in
 * err (DIAG_ERR_MAX bytes). Free with strategy_set_free() either way.
 */
int strategy_set_load(struct strategy_set *set, const struct scenario *scn,
                      char *const *names, size_t n,
                      const struct plugin_path *path, char *err, size_t errlen);
void strategy_set_free(struct strategy_set *set);

#endif

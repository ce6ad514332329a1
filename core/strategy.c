/* SPDX-License-Identifier: MIT */
/*
 * strategy: the strategies of a run: their specs as the scenario or the
 * command line names them, the binding of their options to what each
 * plugin declares, and the set of them chosen and loaded for a run.
 */
#include "config.h"

#include "strategy.h"

#include <concbench/plugin.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "number.h"
#include "scenario.h"
#include "schema.h"

static int valid_label(const char *text)
{
	const char *p;

	for (p = text; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return 0;
	return p != text;
}

int strategy_parse(struct schema *s, const struct ynode *n,
                   struct strategy_spec *spec)
{
	static const char *const keys[] = {"plugin", "name", "options", NULL};
	const struct ynode *plugin, *label, *options;
	size_t i;

	spec->line = n->line;
	spec->col = n->col;
	if (n->kind == YNODE_SCALAR) {
		if (schema_get_string(s, n, "strategies", &spec->plugin) < 0)
			return -1;
	} else {
		if (schema_expect_kind(s, n, YNODE_MAPPING, "strategies item") <
		        0 ||
		    schema_check_keys(s, n, keys, "strategy") < 0)
			return -1;
		plugin = yamldoc_get(n, "plugin");
		if (!plugin)
			return schema_fail(s, n,
			                   "missing required key 'plugin' in "
			                   "strategy");
		if (schema_get_string(s, plugin, "plugin", &spec->plugin) < 0)
			return -1;
		spec->line = plugin->line;
		spec->col = plugin->col;
		label = yamldoc_get(n, "name");
		if (label &&
		    schema_get_string(s, label, "name", &spec->label) < 0)
			return -1;
		if (label && !valid_label(spec->label))
			return schema_fail(s, label,
			                   "strategy name \"%s\" may hold only "
			                   "letters, digits, '_', '.' and '-'",
			                   spec->label);
		options = yamldoc_get(n, "options");
		if (options) {
			if (schema_expect_kind(s, options, YNODE_MAPPING,
			                       "options") < 0)
				return -1;
			spec->options =
			    calloc(options->count, sizeof(*spec->options));
			if (!spec->options && options->count)
				return schema_fail(s, options, "out of memory");
			for (i = 0; i < options->count; i++) {
				const struct ynode *k = yamldoc_key(options, i);
				const struct ynode *v =
				    yamldoc_value(options, i);
				struct option_value *o = &spec->options[i];
				if (schema_expect_kind(s, v, YNODE_SCALAR,
				                       k->text) < 0)
					return -1;
				o->name = strdup(k->text);
				o->text = strdup(v->text);
				spec->option_count = i + 1;
				if (!o->name || !o->text)
					return schema_fail(s, v,
					                   "out of memory");
				o->line = v->line;
				o->col = v->col;
				o->key_line = k->line;
				o->key_col = k->col;
				o->quoted = !v->plain;
			}
		}
	}
	if (!spec->label) {
		const char *base = strrchr(spec->plugin, '/');
		size_t len;
		base = base ? base + 1 : spec->plugin;
		len = strlen(base);
		if (len > 3 && strcmp(base + len - 3, ".so") == 0)
			len -= 3;
		spec->label = strndup(base, len);
		if (!spec->label)
			return schema_fail(s, n, "out of memory");
	}
	return 0;
}

static const struct strategy_spec *sort_base;

static int by_label_then_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_base[x].label, sort_base[y].label);

	return c ? c : (x > y) - (x < y);
}

/* The smallest index whose label is also at an earlier one; n if none. */
static size_t first_repeated_label(const struct strategy_spec *specs, size_t n)
{
	size_t *order = malloc((n ? n : 1) * sizeof(*order)), i, first = n;

	if (!order)
		return n;
	for (i = 0; i < n; i++)
		order[i] = i;
	sort_base = specs;
	qsort(order, n, sizeof(*order), by_label_then_index);
	for (i = 1; i < n; i++)
		if (strcmp(specs[order[i]].label, specs[order[i - 1]].label) ==
		        0 &&
		    (i < 2 || strcmp(specs[order[i]].label,
		                     specs[order[i - 2]].label) != 0) &&
		    order[i] < first)
			first = order[i];
	free(order);
	return first;
}

int strategy_parse_list(struct schema *s, const struct ynode *n,
                        struct strategy_spec **specs, size_t *len)
{
	size_t i, dup;

	if (n->kind == YNODE_SCALAR)
		return schema_fail(s, n,
		                   "'strategies' must be a list, such as "
		                   "[serial, eventloop]");
	if (schema_expect_kind(s, n, YNODE_SEQUENCE, "strategies") < 0)
		return -1;
	if (n->count == 0)
		return schema_fail(s, n,
		                   "'strategies' must not be an empty list "
		                   "(leave it out to run every installed one)");
	*specs = calloc(n->count, sizeof(**specs));
	if (!*specs)
		return schema_fail(s, n, "out of memory");
	for (i = 0; i < n->count; i++) {
		*len = i + 1;
		if (strategy_parse(s, n->items[i], &(*specs)[i]) < 0)
			break;
	}
	/* the first label that repeats one before it, as sorting finds it */
	dup = first_repeated_label(*specs, i);
	if (dup < i)
		return schema_fail(s, n->items[dup],
		                   "strategy '%s' is listed twice (give "
		                   "one of them another 'name')",
		                   (*specs)[dup].label);
	return i < n->count ? -1 : 0;
}

void strategy_spec_free(struct strategy_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->option_count; i++) {
		free(spec->options[i].name);
		free(spec->options[i].text);
	}
	free(spec->options);
	free(spec->label);
	free(spec->plugin);
	memset(spec, 0, sizeof(*spec));
}

int strategy_spec_init(struct strategy_spec *spec, const char *plugin)
{
	struct schema s = {.path = "command line", .err = NULL, .errlen = 0};
	struct ynode n = {.kind = YNODE_SCALAR, .text = (char *)plugin};

	memset(spec, 0, sizeof(*spec));
	if (strategy_parse(&s, &n, spec) < 0) {
		strategy_spec_free(spec);
		return -1;
	}
	return 0;
}

int strategy_spec_copy(struct strategy_spec *dst,
                       const struct strategy_spec *src)
{
	size_t i;

	*dst = *src;
	dst->label = strdup(src->label);
	dst->plugin = strdup(src->plugin);
	dst->options = calloc(src->option_count + 1, sizeof(*dst->options));
	dst->option_count = 0;
	if (!dst->label || !dst->plugin || !dst->options)
		goto fail;
	for (i = 0; i < src->option_count; i++) {
		struct option_value *o = &dst->options[i];
		*o = src->options[i];
		o->name = strdup(src->options[i].name);
		o->text = strdup(src->options[i].text);
		dst->option_count = i + 1;
		if (!o->name || !o->text)
			goto fail;
	}
	return 0;
fail:
	strategy_spec_free(dst);
	return -1;
}

static int bind_value(struct schema *s, struct option_value *o)
{
	const struct concbench_option *d = o->decl;
	int64_t v;

	switch (d->type) {
	case CONCBENCH_OPT_INT:
		if (o->quoted ||
		    number_parse_int(o->text, SCHEMA_INT_SYNTAX, &v) < 0)
			return schema_fail_at(
			    s, o->line, o->col,
			    "option '%s' must be an integer, got "
			    "\"%s\"",
			    o->name, o->text);
		if ((d->min || d->max) && (v < d->min || v > d->max))
			return schema_fail_at(
			    s, o->line, o->col,
			    "option '%s' must be between %" PRId64
			    " and %" PRId64 ", got %" PRId64,
			    o->name, d->min, d->max, v);
		o->number = v;
		return 0;
	case CONCBENCH_OPT_BOOL:
		if (o->quoted || (strcmp(o->text, "true") != 0 &&
		                  strcmp(o->text, "false") != 0))
			return schema_fail_at(
			    s, o->line, o->col,
			    "option '%s' must be true or false, got "
			    "\"%s\"",
			    o->name, o->text);
		o->number = strcmp(o->text, "true") == 0;
		return 0;
	case CONCBENCH_OPT_STRING:
		return 0;
	}
	return schema_fail_at(
	    s, o->line, o->col,
	    "option '%s' has a type this concbench does not know", o->name);
}

int strategy_bind_options(struct strategy_spec *spec,
                          const struct concbench_option *decls,
                          const char *file, char *err, size_t errlen)
{
	struct schema s = {.path = file, .err = err, .errlen = errlen};
	size_t i, k, ndecl = 0;
	struct option_value *all;

	while (decls && decls[ndecl].name)
		ndecl++;
	for (i = 0; i < spec->option_count; i++) {
		struct option_value *o = &spec->options[i];

		for (k = 0; k < ndecl; k++)
			if (strcmp(decls[k].name, o->name) == 0)
				break;
		/* The plugin as the scenario names it: --plugin-help takes
		 * a name or a path alike, so the hint runs as it stands. */
		if (k == ndecl && ndecl)
			return schema_fail_at(
			    &s, o->key_line, o->key_col,
			    "strategy '%s': plugin '%s' has no option '%s' "
			    "(see concbench --plugin-help %s)",
			    spec->label, spec->plugin, o->name, spec->plugin);
		if (k == ndecl)
			return schema_fail_at(
			    &s, o->key_line, o->key_col,
			    "strategy '%s': plugin '%s' has no option '%s' "
			    "(it takes no options)",
			    spec->label, spec->plugin, o->name);
		o->decl = &decls[k];
		if (bind_value(&s, o) < 0)
			return -1;
	}
	/* Append declared defaults for what the scenario leaves unset. */
	all = realloc(spec->options,
	              (spec->option_count + ndecl + 1) * sizeof(*all));
	if (!all)
		return schema_fail_at(&s, spec->line, spec->col,
		                      "out of memory");
	spec->options = all;
	for (k = 0; k < ndecl; k++) {
		struct option_value *o;
		if (!decls[k].default_value ||
		    strategy_option(spec, decls[k].name))
			continue;
		o = &spec->options[spec->option_count];
		memset(o, 0, sizeof(*o));
		o->name = strdup(decls[k].name);
		o->text = strdup(decls[k].default_value);
		o->decl = &decls[k];
		spec->option_count++;
		if (!o->name || !o->text)
			return schema_fail_at(&s, spec->line, spec->col,
			                      "out of memory");
		if (bind_value(&s, o) < 0)
			return schema_fail_at(
			    &s, spec->line, spec->col,
			    "plugin '%s' declares a bad default "
			    "\"%s\" for option '%s'",
			    spec->plugin, decls[k].default_value,
			    decls[k].name);
	}
	return 0;
}

const struct option_value *strategy_option(const struct strategy_spec *spec,
                                           const char *name)
{
	size_t i;

	for (i = 0; i < spec->option_count; i++)
		if (spec->options[i].decl &&
		    strcmp(spec->options[i].name, name) == 0)
			return &spec->options[i];
	return NULL;
}

/* Specs for every plugin of the search path, by name. */
static int every_plugin(struct strategy_set *set,
                        const struct plugin_path *path, char *err,
                        size_t errlen)
{
	struct plugin *list;
	size_t n, i;

	if (loader_list(path, &list, &n) < 0) {
		snprintf(err, errlen, "out of memory while listing plugins");
		return STRATEGY_ERR;
	}
	set->specs = calloc(n ? n : 1, sizeof(*set->specs));
	for (i = 0; set->specs && i < n; i++)
		if (strategy_spec_init(&set->specs[set->len],
		                       list[i].desc->name) == 0)
			set->len++;
	loader_list_free(list, n);
	if (!set->specs) {
		snprintf(err, errlen, "out of memory");
		return STRATEGY_ERR;
	}
	if (set->len == 0) {
		snprintf(err, errlen,
		         "no plugins found; see concbench "
		         "--list-plugins");
		return STRATEGY_ERR;
	}
	return 0;
}

/* -s NAME picks the scenario's strategy of that label, or a bare plugin. */
static int named(struct strategy_set *set, const struct scenario *scn,
                 char *const *names, size_t n, char *err, size_t errlen)
{
	size_t i, j;

	set->specs = calloc(n, sizeof(*set->specs));
	if (!set->specs) {
		snprintf(err, errlen, "out of memory");
		return STRATEGY_ERR;
	}
	for (i = 0; i < n; i++) {
		const struct strategy_spec *listed = NULL;
		struct strategy_spec *spec = &set->specs[i];

		for (j = 0; j < scn->strategy_len; j++)
			if (strcmp(scn->strategies[j].label, names[i]) == 0)
				listed = &scn->strategies[j];
		if ((listed ? strategy_spec_copy(spec, listed)
		            : strategy_spec_init(spec, names[i])) < 0) {
			snprintf(err, errlen,
			         "-s '%s': not a strategy of the scenario, a "
			         "plugin name nor a path to a .so",
			         names[i]);
			return STRATEGY_ERR;
		}
		set->len = i + 1;
		for (j = 0; j < i; j++)
			if (strcmp(set->specs[j].label, spec->label) == 0) {
				snprintf(err, errlen, "-s %s is given twice",
				         names[i]);
				return STRATEGY_ERR;
			}
	}
	return 0;
}

/* The scenario's own list. */
static int listed(struct strategy_set *set, const struct scenario *scn,
                  char *err, size_t errlen)
{
	size_t i;

	set->specs = calloc(scn->strategy_len, sizeof(*set->specs));
	for (i = 0; set->specs && i < scn->strategy_len; i++) {
		if (strategy_spec_copy(&set->specs[i], &scn->strategies[i]) < 0)
			break;
		set->len = i + 1;
	}
	if (set->len < scn->strategy_len) {
		snprintf(err, errlen, "out of memory");
		return STRATEGY_ERR;
	}
	return 0;
}

int strategy_set_load(struct strategy_set *set, const struct scenario *scn,
                      char *const *names, size_t n,
                      const struct plugin_path *path, char *err, size_t errlen)
{
	char why[DIAG_ERR_MAX];
	size_t i;
	int rc;

	memset(set, 0, sizeof(*set));
	if (n > 0)
		rc = named(set, scn, names, n, err, errlen);
	else if (scn->strategy_len > 0)
		rc = listed(set, scn, err, errlen);
	else
		rc = every_plugin(set, path, err, errlen);
	if (rc < 0)
		return rc;
	set->plugins = calloc(set->len, sizeof(*set->plugins));
	if (!set->plugins) {
		snprintf(err, errlen, "out of memory");
		return STRATEGY_ERR;
	}
	for (i = 0; i < set->len; i++) {
		struct strategy_spec *spec = &set->specs[i];

		if (loader_find(path, spec->plugin, &set->plugins[i], why,
		                sizeof(why)) < 0) {
			if (!spec->line) {
				snprintf(err, errlen, "%s", why);
				return STRATEGY_ERR;
			}
			/* like every scenario error */
			snprintf(err, errlen, "%s:%u:%u: %s", scn->path,
			         spec->line, spec->col, why);
			return STRATEGY_ERR_AT;
		}
		if (strategy_bind_options(spec, set->plugins[i].desc->options,
		                          scn->path, err, errlen) < 0)
			return STRATEGY_ERR_AT;
	}
	return 0;
}

void strategy_set_free(struct strategy_set *set)
{
	size_t i;

	for (i = 0; i < set->len; i++) {
		if (set->plugins)
			loader_close(&set->plugins[i]);
		strategy_spec_free(&set->specs[i]);
	}
	free(set->plugins);
	free(set->specs);
	memset(set, 0, sizeof(*set));
}

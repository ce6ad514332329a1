/* SPDX-License-Identifier: MIT */
/*
 * report_plugins: the report's plugin listings: --list-plugins and
 * --plugin-help (report.h).
 */
#include "config.h"

#include "report.h"

#include <concbench/plugin.h>
#include <inttypes.h>

#include "loader.h"

void report_plugins(FILE *out, const struct plugin *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "%-14s %s\n%-14s %s\n", list[i].desc->name,
		        list[i].desc->summary ? list[i].desc->summary : "", "",
		        list[i].path);
}

static const char *type_name(enum concbench_option_type type)
{
	switch (type) {
	case CONCBENCH_OPT_INT:
		return "integer";
	case CONCBENCH_OPT_BOOL:
		return "boolean";
	case CONCBENCH_OPT_STRING:
		return "string";
	}
	return "?";
}

void report_plugin_help(FILE *out, const struct plugin *p)
{
	const struct concbench_option *o = p->desc->options;

	fprintf(out, "%s: %s\n  file: %s\n", p->desc->name,
	        p->desc->summary ? p->desc->summary : "", p->path);
	if (!o || !o->name) {
		fprintf(out, "  options: none\n");
		return;
	}
	fprintf(out, "  options:\n");
	for (; o->name; o++) {
		fprintf(out, "    %s (%s", o->name, type_name(o->type));
		if (o->type == CONCBENCH_OPT_INT && (o->min || o->max))
			fprintf(out, ", %" PRId64 "..%" PRId64, o->min, o->max);
		fprintf(out, ", default %s)\n",
		        o->default_value ? o->default_value : "unset");
		if (o->help)
			fprintf(out, "        %s\n", o->help);
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * cli: the command line: options of a run and of `concbench serve`, the
 * --help and --version texts, and usage errors (exit status 2).
 */
#ifndef CB_CLI_H
#define CB_CLI_H

#include <stddef.h>

#include "serverconf.h"

/* Exit statuses, as documented in concbench(1). */
#define EXIT_CELL_FAILED 1
#define EXIT_USAGE 2

enum cli_action {
	CLI_RUN,
	CLI_LIST_PLUGINS,
	CLI_PLUGIN_HELP,
	CLI_EXIT_OK, /* --help or --version was printed */
	CLI_SERVE,
	CLI_REPORT /* concbench report */
};

struct cli_options {
	enum cli_action action;
	const char *scenario;
	unsigned repeat, loops; /* 0: as the scenario says */
	char **strategies;      /* -s, in order; points into argv */
	size_t strategy_len;
	char **plugin_dirs; /* --plugin-dir, in order */
	size_t plugin_dir_len;
	const char *json;        /* --json FILE; "-" is stdout */
	const char *csv;         /* --csv FILE; "-" is stdout */
	const char *markdown;    /* --markdown FILE; "-" is stdout */
	const char *report;      /* --report DIR; concbench report -o DIR */
	int force;               /* --force */
	const char *results;     /* concbench report RESULTS.json */
	const char *plugin_help; /* --plugin-help NAME */
	int dry_run;
	unsigned deadline_s;        /* 0: as the scenario says */
	struct server_config serve; /* concbench serve */
	int argc;                   /* the whole command line */
	char **argv;
};

/*
 * Parse argv. Returns 0 with *o filled, or EXIT_USAGE after printing the
 * problem and a hint on stderr. Free with cli_free().
 */
int cli_parse(int argc, char **argv, struct cli_options *o);
void cli_free(struct cli_options *o);

#endif

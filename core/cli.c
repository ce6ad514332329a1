/* SPDX-License-Identifier: MIT */
/*
 * cli: the command line: options of a run and of `concbench serve`, the
 * --help and --version texts, and usage errors (exit status 2).
 */
#include "config.h"

#include "cli.h"

#include <concbench/plugin.h>
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "paths.h"
#include "latency.h"
#include "number.h"
#include "scenario.h"

/* The help texts are laid out as they print: */
/* clang-format off */
static const char run_help[] =
    "Usage: concbench [OPTION]... SCENARIO.yaml\n"
    "       concbench --list-plugins | --plugin-help NAME\n"
    "       concbench serve [--port P] [--latency SPEC] [--body-bytes N] ...\n"
    "       concbench report RESULTS.json -o DIR [--force]\n"
    "\n"
    "Measure concurrency strategies (plugins) on the job set a scenario\n"
    "describes, and print timeit-style best-of-N results per cell\n"
    "(strategy x url count x concurrency) with a comparison.\n"
    "\n"
    "  -r, --repeat N         repeats per cell, best of N (overrides the scenario)\n"
    "  -n, --loops N          loops per repeat (overrides the scenario)\n"
    "  -s, --strategy NAME    run only this strategy; repeatable. NAME is a name\n"
    "                         from the scenario's list, a plugin name, or a path\n"
    "                         to a plugin .so\n"
    "      --json FILE        also write every result as JSON to FILE; with '-'\n"
    "                         the JSON goes to stdout instead of the text report\n"
    "      --csv FILE         also write a row per cell as CSV to FILE ('-': to\n"
    "                         stdout instead of the text report)\n"
    "      --markdown FILE    also write the results as Markdown tables to FILE\n"
    "                         ('-': to stdout instead of the text report)\n"
    "      --report DIR       also write a report directory: index.html with its\n"
    "                         plots, the results as JSON, CSV and Markdown, each\n"
    "                         cell's memory (.dat) and latency (.hgrm)\n"
    "      --force            let --report replace a directory that is not a\n"
    "                         concbench report\n"
    "      --plugin-dir DIR   search DIR for plugins first; repeatable\n"
    "      --list-plugins     list the plugins found and the files they are in\n"
    "      --plugin-help NAME show a plugin's summary and options\n"
    "      --dry-run          check the scenario and plugins, print the cells\n"
    "                         that would run, and run nothing\n"
    "      --deadline SECONDS stop the run after SECONDS: the cell running then\n"
    "                         is stopped, later ones are not run (overrides the\n"
    "                         scenario's deadline_s)\n"
    "  -q, --quiet            print only each cell's timeit line: no costs,\n"
    "                         no progress, no warnings, no matrix, no comparison\n"
    "  -v, --verbose          show the plugins' info lines (twice: debug)\n"
    "  -h, --help             show this help and exit\n"
    "  -V, --version          show the version and exit\n"
    "\n"
    "Plugins are searched in: --plugin-dir, $CONCBENCH_PLUGIN_PATH\n"
    "(colon-separated), the build tree when run from it, then " CB_PKGLIBDIR
    ".\n"
    "\n"
    "Exit status: 0 every cell ok; 1 a cell failed (errors, incomplete loop,\n"
    "crashed strategy) or the run could not be carried out; 2 usage or\n"
    "scenario error, nothing run.\n"
    "\n"
    "See concbench(1), concbench-scenario(5) and concbench-plugin(7).\n";

static const char serve_help[] =
    "Usage: concbench serve [--port P] [--latency SPEC] [--body-bytes N] ...\n"
    "\n"
    "Run the embedded test server in the foreground on 127.0.0.1, print\n"
    "\"listening on http://127.0.0.1:PORT\" once it accepts connections, and\n"
    "serve until SIGINT or SIGTERM.\n"
    "\n"
    "  -p, --port P           port to listen on (default 0: any free port)\n"
    "      --latency SPEC     delay each response: MS (fixed), uniform:MIN:MAX\n"
    "                         or lognormal:MEDIAN:P99, in milliseconds\n"
    "                         (default 0)\n"
    "  -l, --latency-ms MS    the same as --latency MS\n"
    "      --route-latency ROUTE=SPEC\n"
    "                         the latency of one route instead; repeatable.\n"
    "                         ROUTE: page, prices, list, files or echo\n"
    "      --seed N           seed of the latency draws, file names and\n"
    "                         prices (0 to 2^64-1, default 0)\n"
    "      --files N          files behind /api/list_files (default 25)\n"
    "  -b, --body-bytes N     size in bytes of the page every other path\n"
    "                         gets (default 1024)\n"
    "      --fail-fraction F  answer this fraction of requests (0 to 1) with\n"
    "                         an error status\n"
    "      --fail-status CODE the status of those answers (default 500)\n"
    "      --close-fraction F close the connection in the middle of this\n"
    "                         fraction of responses\n"
    "      --stall-fraction F never answer this fraction of requests\n"
    "      --max-header-bytes N\n"
    "                         the most a request's line and headers may\n"
    "                         take (default 65536; 400 beyond)\n"
    "      --max-body-bytes N the most a request's body may take (default\n"
    "                         16777216; 413 beyond)\n"
    "      --idle-timeout S   close a connection that sends nothing for S\n"
    "                         seconds while it is read (default 60); never\n"
    "                         one waiting for its answer\n"
    "      --threads N        serve with N threads on the one port (default 1)\n"
    "      --cpus LIST        run on these CPUs only, e.g. 0 or 0,2-3\n"
    "      --work-us US       spend US microseconds of CPU on each request,\n"
    "                         as a server that computes (default 0)\n"
    "  -h, --help             show this help and exit\n"
    "\n"
    "Routes: GET /prices/YYYY-MM-DD (prices), GET and POST /api/list_files\n"
    "(list; start, per_page), GET /files/HEX (files), POST /api/echo (echo),\n"
    "any other path (page). See concbench(1), SERVE.\n";

static const char report_help[] =
    "Usage: concbench report RESULTS.json -o DIR [--force]\n"
    "\n"
    "Write the report directory of a saved results file (--json's or\n"
    "--report's results.json), as --report does after a run: a run on a\n"
    "server, reported on a laptop.\n"
    "\n"
    "  -o, --output DIR       the report directory: created, or replaced if\n"
    "                         it holds a concbench report\n"
    "      --force            replace DIR even if it is not a concbench report\n"
    "  -h, --help             show this help and exit\n"
    "\n"
    "See concbench(1), REPORTS.\n";
/* clang-format on */

/* The help that a usage error points to: the run's, or serve's. */
static const char *help_command = "concbench --help";

static int usage_hint(void)
{
	fprintf(stderr, "Try '%s' for more information.\n", help_command);
	return EXIT_USAGE;
}

static int usage_error(const char *fmt, ...) CB_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "concbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return usage_hint();
}

/* getopt's '?' or ':' for argv, said the way every other error is. */
static int option_error(int c, char **argv, const char *prefix)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return usage_error("%soption '%s' needs an argument", prefix,
		                   arg);
	if (optopt && strncmp(arg, "--", 2) != 0)
		return usage_error("%sunknown option '-%c'", prefix, optopt);
	return usage_error("%sunknown option '%s'", prefix, arg);
}

static int parse_number(const char *opt, const char *text, uint64_t min,
                        uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (number_parse_u64(text, NUMBER_PLUS | NUMBER_UNDERSCORE, &v) == 0 &&
	    v >= min && v <= max) {
		*out = v;
		return 0;
	}
	return usage_error("%s: '%s' is not an integer from %" PRIu64
	                   " to %" PRIu64,
	                   opt, text, min, max);
}

static int parse_fraction(const char *opt, const char *text, double *out)
{
	if (number_parse_fraction(text, out) == 0)
		return 0;
	return usage_error("%s: '%s' is not a number from 0 to 1", opt, text);
}

static int push(char ***list, size_t *len, char *item)
{
	char **grown = realloc(*list, (*len + 1) * sizeof(**list));
	if (!grown)
		return -1;
	*list = grown;
	grown[(*len)++] = item;
	return 0;
}

enum {
	OPT_JSON = 256,
	OPT_CSV,
	OPT_MARKDOWN,
	OPT_REPORT,
	OPT_FORCE,
	OPT_PLUGIN_DIR,
	OPT_LIST_PLUGINS,
	OPT_PLUGIN_HELP,
	OPT_DRY_RUN,
	OPT_DEADLINE,
	OPT_FAIL_FRACTION,
	OPT_FAIL_STATUS,
	OPT_CLOSE_FRACTION,
	OPT_STALL_FRACTION,
	OPT_LATENCY,
	OPT_ROUTE_LATENCY,
	OPT_SEED,
	OPT_FILES,
	OPT_MAX_HEADER_BYTES,
	OPT_MAX_BODY_BYTES,
	OPT_IDLE_TIMEOUT,
	OPT_THREADS,
	OPT_WORK_US,
	OPT_CPUS
};

static int parse_latency(const char *opt, const char *text,
                         struct latency_spec *spec)
{
	char err[200];

	if (latency_parse(text, spec, err, sizeof(err)) == 0)
		return 0;
	return usage_error("serve: %s: %s", opt, err);
}

/* --route-latency ROUTE=SPEC. */
static int parse_route_latency(const char *text, struct server_config *cfg)
{
	const char *eq = strchr(text, '=');
	char name[32];
	int route;

	if (!eq || (size_t)(eq - text) >= sizeof(name))
		return usage_error("serve: --route-latency: '%s' is not "
		                   "ROUTE=SPEC",
		                   text);
	memcpy(name, text, (size_t)(eq - text));
	name[eq - text] = '\0';
	route = routes_lookup(name);
	if (route < 0)
		return usage_error("serve: --route-latency: unknown route '%s' "
		                   "(routes: " ROUTES_KNOWN ")",
		                   name);
	if (parse_latency("--route-latency", eq + 1,
	                  &cfg->route_latency[route]))
		return EXIT_USAGE;
	cfg->route_latency_set[route] = 1;
	return 0;
}

static int parse_serve(int argc, char **argv, struct cli_options *o)
{
	static const struct option longopts[] = {
	    {"port", required_argument, NULL, 'p'},
	    {"latency-ms", required_argument, NULL, 'l'},
	    {"latency", required_argument, NULL, OPT_LATENCY},
	    {"route-latency", required_argument, NULL, OPT_ROUTE_LATENCY},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"files", required_argument, NULL, OPT_FILES},
	    {"body-bytes", required_argument, NULL, 'b'},
	    {"fail-fraction", required_argument, NULL, OPT_FAIL_FRACTION},
	    {"fail-status", required_argument, NULL, OPT_FAIL_STATUS},
	    {"close-fraction", required_argument, NULL, OPT_CLOSE_FRACTION},
	    {"stall-fraction", required_argument, NULL, OPT_STALL_FRACTION},
	    {"max-header-bytes", required_argument, NULL, OPT_MAX_HEADER_BYTES},
	    {"max-body-bytes", required_argument, NULL, OPT_MAX_BODY_BYTES},
	    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"work-us", required_argument, NULL, OPT_WORK_US},
	    {"cpus", required_argument, NULL, OPT_CPUS},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	uint64_t v = 0;
	int c;

	o->action = CLI_SERVE;
	help_command = "concbench serve --help";
	o->serve.body_bytes = 1024;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:l:b:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'p':
			if (parse_number("serve: --port", optarg, 0, 65535, &v))
				return EXIT_USAGE;
			o->serve.port = (unsigned)v;
			break;
		case 'l':
			if (parse_number("serve: --latency-ms", optarg, 0,
			                 LATENCY_MAX_MS, &v))
				return EXIT_USAGE;
			memset(&o->serve.latency, 0, sizeof(o->serve.latency));
			o->serve.latency.model = LATENCY_FIXED;
			o->serve.latency.ms = (unsigned)v;
			break;
		case OPT_LATENCY:
			if (parse_latency("--latency", optarg,
			                  &o->serve.latency))
				return EXIT_USAGE;
			break;
		case OPT_ROUTE_LATENCY:
			if (parse_route_latency(optarg, &o->serve))
				return EXIT_USAGE;
			break;
		case OPT_SEED:
			if (parse_number("serve: --seed", optarg, 0, UINT64_MAX,
			                 &o->serve.seed))
				return EXIT_USAGE;
			break;
		case OPT_FILES:
			if (parse_number("serve: --files", optarg, 1,
			                 SERVER_MAX_FILES, &v))
				return EXIT_USAGE;
			o->serve.files = (unsigned)v;
			break;
		case 'b':
			if (parse_number("serve: --body-bytes", optarg, 0,
			                 1u << 30, &v))
				return EXIT_USAGE;
			o->serve.body_bytes = (size_t)v;
			break;
		case OPT_FAIL_FRACTION:
			if (parse_fraction("serve: --fail-fraction", optarg,
			                   &o->serve.fail_fraction))
				return EXIT_USAGE;
			break;
		case OPT_CLOSE_FRACTION:
			if (parse_fraction("serve: --close-fraction", optarg,
			                   &o->serve.close_fraction))
				return EXIT_USAGE;
			break;
		case OPT_STALL_FRACTION:
			if (parse_fraction("serve: --stall-fraction", optarg,
			                   &o->serve.stall_fraction))
				return EXIT_USAGE;
			break;
		case OPT_FAIL_STATUS:
			if (parse_number("serve: --fail-status", optarg, 200,
			                 599, &v))
				return EXIT_USAGE;
			o->serve.fail_status = (unsigned)v;
			break;
		case OPT_MAX_HEADER_BYTES:
			if (parse_number("serve: --max-header-bytes", optarg,
			                 SERVER_MIN_HEADER_BYTES,
			                 SERVER_MAX_LIMIT_BYTES, &v))
				return EXIT_USAGE;
			o->serve.max_header_bytes = (size_t)v;
			break;
		case OPT_MAX_BODY_BYTES:
			if (parse_number("serve: --max-body-bytes", optarg, 1,
			                 SERVER_MAX_LIMIT_BYTES, &v))
				return EXIT_USAGE;
			o->serve.max_body_bytes = (size_t)v;
			break;
		case OPT_IDLE_TIMEOUT:
			if (parse_number("serve: --idle-timeout", optarg, 1,
			                 SERVER_MAX_IDLE_S, &v))
				return EXIT_USAGE;
			o->serve.idle_s = (unsigned)v;
			break;
		case OPT_THREADS:
			if (parse_number("serve: --threads", optarg, 1,
			                 SERVER_MAX_THREADS, &v))
				return EXIT_USAGE;
			o->serve.threads = (unsigned)v;
			break;
		case OPT_WORK_US:
			if (parse_number("serve: --work-us", optarg, 0,
			                 SERVER_MAX_WORK_US, &v))
				return EXIT_USAGE;
			o->serve.work_us = (unsigned)v;
			break;
		case OPT_CPUS: {
			char why[160];

			if (serverconf_parse_cpus(optarg, &o->serve.cpus, why,
			                          sizeof(why)) < 0)
				return usage_error("serve: --cpus: %s", why);
			break;
		}
		case 'h':
			fputs(serve_help, stdout);
			o->action = CLI_EXIT_OK;
			return 0;
		default:
			return option_error(c, argv, "serve: ");
		}
	}
	if (optind < argc)
		return usage_error("serve: unexpected argument '%s'",
		                   argv[optind]);
	return 0;
}

/* `concbench report RESULTS.json -o DIR [--force]` */
static int parse_report(int argc, char **argv, struct cli_options *o)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int c;

	o->action = CLI_REPORT;
	help_command = "concbench report --help";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->report = optarg;
			break;
		case OPT_FORCE:
			o->force = 1;
			break;
		case 'h':
			fputs(report_help, stdout);
			o->action = CLI_EXIT_OK;
			return 0;
		default:
			return option_error(c, argv, "report: ");
		}
	}
	if (optind >= argc)
		return usage_error("report: no results file given");
	if (optind + 1 < argc)
		return usage_error("report: one results file at a time ('%s' "
		                   "is extra)",
		                   argv[optind + 1]);
	if (!o->report)
		return usage_error("report: -o DIR is required");
	o->results = argv[optind];
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_options *o)
{
	static const struct option longopts[] = {
	    {"repeat", required_argument, NULL, 'r'},
	    {"loops", required_argument, NULL, 'n'},
	    {"strategy", required_argument, NULL, 's'},
	    {"json", required_argument, NULL, OPT_JSON},
	    {"csv", required_argument, NULL, OPT_CSV},
	    {"markdown", required_argument, NULL, OPT_MARKDOWN},
	    {"report", required_argument, NULL, OPT_REPORT},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
	    {"list-plugins", no_argument, NULL, OPT_LIST_PLUGINS},
	    {"plugin-help", required_argument, NULL, OPT_PLUGIN_HELP},
	    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	    {"deadline", required_argument, NULL, OPT_DEADLINE},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0}};
	uint64_t v = 0;
	int c;

	memset(o, 0, sizeof(*o));
	o->argc = argc;
	o->argv = argv;
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return parse_serve(argc - 1, argv + 1, o);
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return parse_report(argc - 1, argv + 1, o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:n:s:qvhV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'r':
			if (parse_number("--repeat", optarg, 1,
			                 SCENARIO_MAX_REPEAT, &v))
				return EXIT_USAGE;
			o->repeat = (unsigned)v;
			break;
		case 'n':
			if (parse_number("--loops", optarg, 1,
			                 SCENARIO_MAX_LOOPS, &v))
				return EXIT_USAGE;
			o->loops = (unsigned)v;
			break;
		case 's':
			if (push(&o->strategies, &o->strategy_len, optarg))
				return usage_error("out of memory");
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_CSV:
			o->csv = optarg;
			break;
		case OPT_MARKDOWN:
			o->markdown = optarg;
			break;
		case OPT_REPORT:
			o->report = optarg;
			break;
		case OPT_FORCE:
			o->force = 1;
			break;
		case OPT_PLUGIN_DIR:
			if (push(&o->plugin_dirs, &o->plugin_dir_len, optarg))
				return usage_error("out of memory");
			break;
		case OPT_LIST_PLUGINS:
			o->action = CLI_LIST_PLUGINS;
			break;
		case OPT_PLUGIN_HELP:
			o->action = CLI_PLUGIN_HELP;
			o->plugin_help = optarg;
			break;
		case OPT_DRY_RUN:
			o->dry_run = 1;
			break;
		case OPT_DEADLINE:
			if (parse_number("--deadline", optarg, 1,
			                 SCENARIO_MAX_DEADLINE_S, &v))
				return EXIT_USAGE;
			o->deadline_s = (unsigned)v;
			break;
		case 'q':
			diag_quiet = 1;
			break;
		case 'v':
			diag_verbose++;
			break;
		case 'h':
			fputs(run_help, stdout);
			o->action = CLI_EXIT_OK;
			return 0;
		case 'V':
			printf("concbench %s (plugin ABI %u.%u)\n%s\n",
			       PACKAGE_VERSION, CONCBENCH_ABI_MAJOR,
			       CONCBENCH_ABI_MINOR, curl_version());
			o->action = CLI_EXIT_OK;
			return 0;
		default:
			return option_error(c, argv, "");
		}
	}
	if (o->action != CLI_RUN) {
		if (optind < argc)
			return usage_error("unexpected argument '%s'",
			                   argv[optind]);
		return 0;
	}
	if (optind >= argc)
		return usage_error("no scenario file given");
	if (optind + 1 < argc)
		return usage_error("one scenario at a time ('%s' is extra)",
		                   argv[optind + 1]);
	o->scenario = argv[optind];
	if (!!(o->json && strcmp(o->json, "-") == 0) +
	        !!(o->csv && strcmp(o->csv, "-") == 0) +
	        !!(o->markdown && strcmp(o->markdown, "-") == 0) >
	    1)
		return usage_error("only one of --json, --csv and --markdown "
		                   "can write to stdout ('-')");
	if (o->force && !o->report)
		return usage_error("--force goes with --report");
	return 0;
}

void cli_free(struct cli_options *o)
{
	free(o->strategies);
	free(o->plugin_dirs);
	o->strategies = o->plugin_dirs = NULL;
}

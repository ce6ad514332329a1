/* SPDX-License-Identifier: MIT */
/*
 * scenario: a scenario file (YAML) checked strictly against its schema and
 * turned into a struct scenario. Every error names FILE:LINE:COL. The format
 * is documented in concbench-scenario(5).
 */
#ifndef CB_SCENARIO_H
#define CB_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "number.h"
#include "serverconf.h"
#include "urlset.h"

struct concbench_option;

/* A strategy option as written in the scenario, or a declared default. */
struct option_value {
	char *name;
	char *text;                          /* scalar text */
	unsigned line, col;                  /* of the value; 0: default */
	unsigned key_line, key_col;          /* of the name */
	int quoted;                          /* the value was quoted */
	const struct concbench_option *decl; /* set by scenario_bind_options */
	int64_t number;                      /* INT and BOOL, once bound */
};

struct strategy_spec {
	char *label;        /* the name results are shown under */
	char *plugin;       /* plugin name, or a path to a .so */
	unsigned line, col; /* where the strategy is named */
	struct option_value *options;
	size_t option_count;
};

/* request: how every job's request is made. */
struct request_spec {
	char *method;   /* NULL: GET, or POST with a body */
	char **headers; /* "Name: value" */
	size_t header_len;
	char *body; /* a template ({i}, {date}); NULL: none */
};

/* urls.discover: the job set is found through a paginated list API. */
struct discover_spec {
	char *url;          /* the list endpoint */
	char *method;       /* default POST */
	char *body;         /* a template ({start}, {per_page}) */
	char *content_type; /* NULL: a form body */
	char *more_header;  /* default "More" */
	unsigned per_page;  /* default 5 */
	unsigned max_pages; /* default 1000 */
};

/* check: what makes a response a success. */
struct check_spec {
	unsigned *status; /* empty: any 2xx */
	size_t status_len;
	char *contains; /* a string the body must hold */
	char *match;    /* a POSIX ERE; its matches are counted */
	int x_of_n;     /* bodies "x of N": each x exactly once */
};

struct scenario {
	char *path;
	char *name;
	char *description;
	int has_server;
	struct server_config server;
	struct urlset urls;
	uint64_t *url_counts; /* the url-count dimension of the plan */
	size_t url_count_len;
	unsigned *concurrency; /* the concurrency dimension */
	size_t concurrency_len;
	struct strategy_spec *strategies; /* empty: every installed plugin */
	size_t strategy_len;
	unsigned repeat;
	unsigned loops;
	unsigned timeout_ms;
	unsigned deadline_s; /* 0: none */
	char *base_url;      /* relative URLs go there, no server */
	/* The server's latency dimension: server.latency is latencies[0]. */
	struct latency_spec *latencies;
	size_t latency_len;
	int has_discover;
	struct discover_spec discover;
	struct request_spec request;
	struct check_spec check;
};

/* Parse `path`. 0, or -1 with "FILE:LINE:COL: message" in err. */
int scenario_load(const char *path, struct scenario *scn, char *err,
                  size_t errlen);
void scenario_free(struct scenario *scn);

/* The scenario's URLs go to the embedded server (which then runs). */
int scenario_uses_server(const struct scenario *scn);

/*
 * Check a strategy's options against the plugin's declarations (a
 * NULL-name ended array, or NULL), convert INT and BOOL values, and add the
 * declared defaults of options the scenario leaves out. 0, or -1 with
 * "FILE:LINE:COL: message" in err (file is the scenario's path).
 */
int scenario_bind_options(struct strategy_spec *spec,
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

/* How integers are written in scenarios and on the command line. */
#define SCENARIO_INT_SYNTAX (NUMBER_MINUS | NUMBER_PLUS | NUMBER_UNDERSCORE)

#endif

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

#include "serverconf.h"
#include "sha256.h"
#include "strategy.h"
#include "urlset.h"
#include "urlsource.h"

/* request: how every job's request is made. */
struct request_spec {
	char *method;   /* NULL: GET, or POST with a body */
	char **headers; /* "Name: value" */
	size_t header_len;
	char *body; /* a template ({i}, {date}); NULL: none */
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
	char digest[SHA256_HEX]; /* of the file's bytes */
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

/* Parse `path`. 0, or -1 with "FILE:LINE:COL: message" in err (of
 * DIAG_ERR_MAX bytes). */
int scenario_load(const char *path, struct scenario *scn, char *err,
                  size_t errlen);
void scenario_free(struct scenario *scn);

/* The scenario's URLs go to the embedded server (which then runs). */
int scenario_uses_server(const struct scenario *scn);

/* The limits of repeat, loops and deadline_s, which the command line
 * overrides within the same bounds. */
#define SCENARIO_MAX_REPEAT 1000u
#define SCENARIO_MAX_LOOPS 1000000u
#define SCENARIO_MAX_DEADLINE_S 31536000u

#endif

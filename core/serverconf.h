/* SPDX-License-Identifier: MIT */
/*
 * serverconf: what the embedded test server is told and what it tells:
 * its configuration (port, latency models per route, seed, files, page
 * size, faults), the check of that configuration, and the statistics it
 * keeps. The types the scenario, the command line and the runner share
 * with the server, without the server itself.
 */
#ifndef CB_SERVERCONF_H
#define CB_SERVERCONF_H

#include <stddef.h>
#include <stdint.h>

#include "latency.h"
#include "routes.h"

/* The list API's default number of files, and the most it may have. */
#define SERVER_DEFAULT_FILES 25
#define SERVER_MAX_FILES 1000000

/* All zero: an ephemeral port, no latency, an empty body, no faults. */
struct server_config {
	unsigned port;               /* 0: an ephemeral port */
	struct latency_spec latency; /* of every route without its own */
	struct latency_spec route_latency[ROUTE_COUNT];
	unsigned char route_latency_set[ROUTE_COUNT];
	uint64_t seed;     /* latency draws, file paths, prices */
	unsigned files;    /* the list API's N; 0: SERVER_DEFAULT_FILES */
	size_t body_bytes; /* size of each page body */
	/* Fractions are in [0, 1]; 0 turns the fault off (server.h). */
	double fail_fraction;  /* answered with fail_status */
	unsigned fail_status;  /* 0: 500; else 200..599 */
	double close_fraction; /* closed in the middle of the response */
	double stall_fraction; /* never answered */
};

/* 0 if cfg is in range, else -1 with what is not in err. */
int serverconf_check(const struct server_config *cfg, char *err, size_t errlen);

/* The status of the fault answers: fail_status, or its default. */
unsigned serverconf_fail_status(const struct server_config *cfg);

/* What GET /_concbench/stats reports (server.h). */
struct server_stats {
	uint64_t requests, in_flight, max_in_flight;
	uint64_t faults_status, faults_close, faults_stall;
	char digest[17]; /* 16 lowercase hex digits */
};

#endif

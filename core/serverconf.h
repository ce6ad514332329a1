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

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "latency.h"
#include "routes.h"

/* The list API's default number of files, and the most it may have. */
#define SERVER_DEFAULT_FILES 25
#define SERVER_MAX_FILES 1000000

/* What one request may send and how long a connection may stay silent:
 * the defaults fit every route and any request a scenario makes; a
 * connection waiting for its answer is never timed out, however long the
 * latency model delays it. */
#define SERVER_DEFAULT_HEADER_BYTES (64u * 1024)
#define SERVER_DEFAULT_REQUEST_BODY_BYTES (16u * 1024 * 1024)
#define SERVER_DEFAULT_IDLE_S 60u
#define SERVER_MIN_HEADER_BYTES 1024u
#define SERVER_MAX_LIMIT_BYTES (1u << 30)
#define SERVER_MAX_IDLE_S 86400u
/* Listener threads; CPU per request of a server that computes. */
#define SERVER_MAX_THREADS 256u
#define SERVER_MAX_WORK_US 1000000u

/* All zero: an ephemeral port, no latency, an empty body, no faults, the
 * default limits. */
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
	/* 0: the SERVER_DEFAULT_ of each */
	size_t max_header_bytes; /* request line and headers; 400 beyond */
	size_t max_body_bytes;   /* a request's body; 413 beyond */
	unsigned idle_s;         /* a silent connection is closed after it */
	unsigned threads;        /* listener threads; 0: serverconf_threads */
	unsigned work_us;        /* CPU spent on each request before it */
	/* Bit i: the server runs on CPU i (and the measurement process on
	 * the others); 0: wherever the kernel puts them. */
	uint64_t cpus;
};

/* The most CPUs a list may name: 0 to SERVER_MAX_CPU. */
#define SERVER_MAX_CPU 63

/* "0", "0,2", "1-3": into *mask; 0, or -1 with what is wrong in err. */
int serverconf_parse_cpus(const char *text, uint64_t *mask, char *err,
                          size_t errlen);
/* The CPUs of mask as a set for sched_setaffinity. */
void serverconf_cpu_set(uint64_t mask, cpu_set_t *set);

/* 0 if cfg is in range, else -1 with what is not in err. */
int serverconf_check(const struct server_config *cfg, char *err, size_t errlen);

/* The limits in force: the configured ones, or their defaults. */
size_t serverconf_header_bytes(const struct server_config *cfg);
size_t serverconf_body_bytes(const struct server_config *cfg);
unsigned serverconf_idle_s(const struct server_config *cfg);
/* Threads: the configured number, or by default 1 on machines of up to 4
 * CPUs and a quarter of the CPUs (at most 16) on bigger ones. */
unsigned serverconf_threads(const struct server_config *cfg);

/* The status of the fault answers: fail_status, or its default. */
unsigned serverconf_fail_status(const struct server_config *cfg);

/* What GET /_concbench/stats reports (server.h). */
struct server_stats {
	uint64_t requests, in_flight, max_in_flight;
	uint64_t faults_status, faults_close, faults_stall;
	char digest[17]; /* 16 lowercase hex digits */
	uint64_t threads;
	/* The server's user and system CPU, and how long its threads
	 * waited for a CPU while runnable, since the last reset. */
	uint64_t cpu_us, run_delay_us;
};

#endif

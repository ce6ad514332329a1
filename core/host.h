/* SPDX-License-Identifier: MIT */
/*
 * host: the host of the plugin ABI in a measurement process: the services
 * of struct concbench_host (jobs, curl handles configured by request.c,
 * results checked by check.c or read by discovery.c, options, logging)
 * over the cell's shared job table, which it owns. It times every request
 * from easy() to done(), and notes each loop's first transfer, last
 * result and new connections.
 */
#ifndef CB_HOST_H
#define CB_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <stdatomic.h>

struct concbench_host;
struct histogram;
struct loop_tally;

/* How far the loop is, for a progress line: results reported, of the
 * jobs there are so far (discovery adds to them). */
struct host_progress {
	_Atomic uint64_t done, jobs;
};
struct scenario;
struct strategy_spec;

/* What a cell's host serves. */
struct host_config {
	const struct scenario *scn;
	const struct strategy_spec *spec; /* options bound */
	uint64_t urls;                    /* the cell's URL count */
	unsigned concurrency;
	const char *base_url; /* where relative URLs go, or NULL */
	int no_proxy;         /* the embedded server: never via a proxy */
	/* Where each request's latency goes, from easy() to done(), by
	 * whether it succeeded (in shared memory, for forked workers); NULL:
	 * not recorded. */
	struct histogram *latency_ok, *latency_failed;
	/* Where the loop's progress goes (shared memory too); NULL: none. */
	struct host_progress *progress;
};

struct host;

/* NULL with the reason in err. cfg's pointers must outlive the host. */
struct host *host_new(const struct host_config *cfg, char *err, size_t errlen);
void host_free(struct host *h);

/* The services to hand to the plugin; as long-lived as h. */
struct concbench_host *host_services(struct host *h);

/* Before each loop: forget the last one, seed the discovery, and allow
 * host calls; after run() returns, end: a later call breaks the
 * contract. */
void host_loop_begin(struct host *h);
void host_loop_end(struct host *h);
/* After it: what it did. */
void host_loop_tally(struct host *h, struct loop_tally *out);

/* The first rule of the contract the strategy broke, in any loop so far
 * and in any of its processes ("strategy called done() with a NULL job"),
 * or NULL. */
const char *host_contract_broken(const struct host *h);

/* Job index's URL into buf, cut to fit. */
void host_job_url(const struct host *h, uint64_t index, char *buf, size_t len);

#endif

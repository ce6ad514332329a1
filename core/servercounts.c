/* SPDX-License-Identifier: MIT */
/*
 * servercounts: the embedded server's statistics, shared by its threads,
 * and their JSON (servercounts.h).
 */
#include "config.h"

#include "servercounts.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "json.h"
#include "proctree.h"

uint64_t servercounts_arrive(struct server_counts *c, uint64_t digest)
{
	uint64_t n = atomic_fetch_add(&c->requests, 1);
	uint64_t flying = atomic_fetch_add(&c->in_flight, 1) + 1;
	uint64_t max = atomic_load(&c->max_in_flight);

	atomic_fetch_add(&c->digest, digest);
	while (flying > max &&
	       !atomic_compare_exchange_weak(&c->max_in_flight, &max, flying))
		;
	return n;
}

void servercounts_leave(struct server_counts *c)
{
	atomic_fetch_sub(&c->in_flight, 1);
}

void servercounts_fault(struct server_counts *c, unsigned kind)
{
	if (kind < SERVERCOUNTS_FAULTS)
		atomic_fetch_add(&c->faults[kind], 1);
}

static uint64_t cpu_us(void);
static uint64_t run_delay_us(void);

void servercounts_reset(struct server_counts *c)
{
	unsigned k;

	atomic_store(&c->cpu_base_us, cpu_us());
	atomic_store(&c->run_delay_base_us, run_delay_us());
	atomic_store(&c->requests, 0);
	atomic_store(&c->digest, 0);
	for (k = 0; k < SERVERCOUNTS_FAULTS; k++)
		atomic_store(&c->faults[k], 0);
	/* Requests still pending stay in flight, and the maximum with them. */
	atomic_store(&c->max_in_flight, atomic_load(&c->in_flight));
}

/* The CPU time of the server process, user and system. */
static uint64_t cpu_us(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/*
 * How long the server's threads have waited for a CPU while runnable, in
 * us: a server that wants to run and cannot is as saturated as a busy one.
 */
static uint64_t run_delay_us(void)
{
	uint64_t waited_ns = 0;

	proctree_sched(getpid(), NULL, &waited_ns);
	return waited_ns / 1000;
}

/* now less the figure at the last reset (0 if a clock went back) */
static uint64_t since(uint64_t now, const _Atomic uint64_t *base)
{
	uint64_t b = atomic_load(base);

	return now > b ? now - b : 0;
}

void servercounts_json(const struct server_counts *c, unsigned threads,
                       struct json_out *w)
{
	static const char *const names[SERVERCOUNTS_FAULTS] = {
	    "faults_status", "faults_close", "faults_stall"};
	char digest[17];
	unsigned k;

	json_out_begin_object(w);
	json_out_member_u64(w, "requests", atomic_load(&c->requests));
	json_out_member_u64(w, "in_flight", atomic_load(&c->in_flight));
	json_out_member_u64(w, "max_in_flight", atomic_load(&c->max_in_flight));
	for (k = 0; k < SERVERCOUNTS_FAULTS; k++)
		json_out_member_u64(w, names[k], atomic_load(&c->faults[k]));
	json_out_member_u64(w, "threads", threads);
	json_out_member_u64(w, "cpu_us", since(cpu_us(), &c->cpu_base_us));
	json_out_member_u64(w, "run_delay_us",
	                    since(run_delay_us(), &c->run_delay_base_us));
	snprintf(digest, sizeof(digest), "%016" PRIx64,
	         atomic_load(&c->digest));
	json_out_member_string(w, "digest", digest);
	json_out_end_object(w);
}

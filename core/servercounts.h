/* SPDX-License-Identifier: MIT */
/*
 * servercounts: the embedded server's statistics (server.h), shared by
 * its threads as atomics, and the JSON that GET /_concbench/stats
 * answers, with what the server process costs: its CPU and its threads'
 * wait for a CPU.
 */
#ifndef CB_SERVERCOUNTS_H
#define CB_SERVERCOUNTS_H

#include <stdatomic.h>
#include <stdint.h>

struct json_out;

/* Busy more than this fraction of its threads' time over a cell, the
 * server may be what the cell measured: the reports say so. */
#define SERVER_SATURATED 0.9

/* The fault kinds counted: status, close, stall. */
#define SERVERCOUNTS_FAULTS 3

struct server_counts {
	_Atomic uint64_t requests; /* also the number of the next one */
	_Atomic uint64_t in_flight, max_in_flight;
	_Atomic uint64_t faults[SERVERCOUNTS_FAULTS];
	_Atomic uint64_t digest;
	/* The process's CPU and its threads' wait for a CPU at the last
	 * reset, so that both are reported since then, as the rest is. */
	_Atomic uint64_t cpu_base_us, run_delay_base_us;
};

/* A request arrived with this digest: its number, from 0. */
uint64_t servercounts_arrive(struct server_counts *c, uint64_t digest);
/* It is answered, or its connection is gone. */
void servercounts_leave(struct server_counts *c);
/* A fault of kind 0..SERVERCOUNTS_FAULTS-1 picked it. */
void servercounts_fault(struct server_counts *c, unsigned kind);
/* Zero the numbering, the faults, the digest and the CPU figures; the
 * maximum in flight becomes what is in flight now. */
void servercounts_reset(struct server_counts *c);

/* The statistics as one JSON object into w (json_out_init'ed). */
void servercounts_json(const struct server_counts *c, unsigned threads,
                       struct json_out *w);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * machine: what a run ran on, stored with its results (as pyperf does) so
 * that two result files can be compared honestly: the host, kernel, CPUs
 * and memory, and the versions of concbench and the libraries it measures
 * with.
 */
#ifndef CB_MACHINE_H
#define CB_MACHINE_H

#include <stdint.h>

struct machine {
	char host[256];
	char kernel[4 * 65 + 4]; /* "Linux 6.1.0-27-amd64 #1 SMP ... x86_64" */
	char cpu_model[256];     /* /proc/cpuinfo's model name, or "" */
	unsigned cpus;           /* online */
	uint64_t memory_bytes;
	const char *libcurl, *libevent, *concbench;
};

/* Read it now; what cannot be read is left empty (or 0). */
void machine_read(struct machine *m);

#endif

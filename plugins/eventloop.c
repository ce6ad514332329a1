/* SPDX-License-Identifier: MIT */
/*
 * eventloop: one thread, one libevent loop driving libcurl's multi socket
 * API (the engine in evloop.c). Up to C transfers are in flight at all
 * times, a new one starting as soon as one finishes, on connections kept
 * alive and reused; with the option batch: B, jobs are fetched in batches
 * of B, each finished entirely before the next one starts.
 *
 * The seed it stands for: asyncio + aiohttp (one event loop, a semaphore
 * of C, one ClientSession whose connector pools the connections), and
 * seed 004's batched asyncio (gather over 10,000 URLs at a time).
 *
 * This file owns only the plugin: its descriptor and its options.
 */
#include <stdint.h>

#include <concbench/plugin.h>

#include "evloop.h"

static const struct concbench_option eventloop_options[] = {
    {"batch", CONCBENCH_OPT_INT, NULL, 1, 100000000,
     "fetch in batches of B: schedule B jobs, wait for all of them, "
     "then the next B (seed 004's batched asyncio)"},
    {NULL, 0, NULL, 0, 0, NULL}};

static int eventloop_run(struct concbench_host *host, void *state)
{
	int64_t batch;

	(void)state;
	/* Unset (the default) means no batches: C in flight at all times. */
	if (host->option_int(host, "batch", &batch) < 0)
		batch = 0;
	return evloop_fetch(host, host->concurrency, (uint64_t)batch, NULL);
}

static const struct concbench_plugin eventloop_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "eventloop",
    .summary = "libevent + curl multi socket API, up to C transfers in "
               "flight on kept-alive connections; optionally in batches",
    .options = eventloop_options,
    .init = NULL,
    .run = eventloop_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(eventloop_plugin)

/* SPDX-License-Identifier: MIT */
/*
 * evloop: the event-loop engine behind the eventloop and mp-eventloop
 * strategies, a convenience library linked into both plugins.
 *
 * It owns everything about driving transfers: one libevent base with
 * precise timers, one curl multi handle on its socket API, connections
 * kept alive, slots whose easy handles are reused from job to job, and
 * the rule of how many jobs are claimed when (concurrency and batches).
 * It owns nothing about processes or options: its callers decide those.
 *
 * Its symbols are hidden, so each plugin still exports only its entry.
 */
#ifndef CB_EVLOOP_H
#define CB_EVLOOP_H

#include <stdint.h>

#include <concbench/plugin.h>

#if defined(__GNUC__)
#define EVLOOP_HIDDEN __attribute__((visibility("hidden")))
#else
#define EVLOOP_HIDDEN
#endif

/*
 * What one entry of a track array says about one slot of the engine.
 * Any other value is the index + 1 of a job claimed and not yet reported.
 * CLAIMING covers next_job() itself: a process killed inside it may own
 * a job whose index nobody can know.
 */
#define EVLOOP_IDLE 0u
#define EVLOOP_CLAIMING UINT64_MAX

/*
 * Run one event loop that fetches jobs from host until next_job() answers
 * DONE, with at most `concurrency` transfers in flight, and report every
 * job it claimed. batch 0 keeps `concurrency` in flight at all times;
 * batch B claims up to B jobs, finishes all of them, then claims the next
 * B (the batched asyncio of seed 004).
 *
 * track is NULL, or `concurrency` entries, IDLE on entry, that the engine
 * keeps up to date as described above (so that a parent can learn what a
 * worker killed in the middle of this call had claimed); they are IDLE
 * again on return. Put them in shared memory to read them from another
 * process.
 *
 * Returns 0, or -1 if the engine itself broke (logged; every job it
 * claimed has still been reported).
 */
EVLOOP_HIDDEN int evloop_fetch(struct concbench_host *host,
                               unsigned concurrency, uint64_t batch,
                               _Atomic uint64_t *track);

#endif

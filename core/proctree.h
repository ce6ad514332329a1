/* SPDX-License-Identifier: MIT */
/*
 * proctree: what /proc says of a process: the resident memory of it and
 * all its descendants, for the peak-memory figure of a measurement cell,
 * its children, and the CPU its threads ran and waited for.
 */
#ifndef CB_PROCTREE_H
#define CB_PROCTREE_H

#include <stdint.h>
#include <sys/types.h>

/*
 * The resident memory of root and every live descendant, in bytes: the
 * resident set of root plus the private resident memory of each
 * descendant. A forked worker shares its parent's pages until it writes
 * them; counting its whole resident set would count those pages once per
 * worker (a thousand workers of 4 MiB would "use" 4 GiB). 0 if root is
 * gone.
 */
uint64_t proctree_rss(pid_t root);

/* Up to max children of pid (of any of its threads) into out; how many,
 * or -1 if pid is gone. */
int proctree_children(pid_t pid, pid_t *out, int max);

/*
 * The time all of pid's threads have run on a CPU and waited for one
 * while runnable, in ns, as the scheduler counts them (each thread's
 * /proc/PID/task/TID/schedstat); either pointer may be NULL. 0, or -1 if
 * pid is gone.
 */
int proctree_sched(pid_t pid, uint64_t *ran_ns, uint64_t *waited_ns);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * subproc: the children concbench forks (the embedded server, the
 * measurement process of each cell) leave the terminal's process group and
 * die with their parent, so that ^C reaches only concbench, which stops
 * them itself, and none of them outlives it.
 */
#ifndef CB_SUBPROC_H
#define CB_SUBPROC_H

#include <sys/types.h>

/*
 * In a child just forked from `parent`: a process group of its own, and
 * `deathsig` when the parent dies. 0, or -1 if the parent is gone already
 * (the child should exit).
 */
int subproc_detach(pid_t parent, int deathsig);

/* waitpid() that is not cut short by a signal. */
pid_t subproc_wait(pid_t pid, int *status, int options);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * subproc: the children concbench forks leave the terminal's process group
 * and die with their parent.
 */
#include "config.h"

#include "subproc.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int subproc_detach(pid_t parent, int deathsig)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, deathsig);
	/* The parent may have died before prctl() took effect. */
	return getppid() == parent ? 0 : -1;
}

pid_t subproc_wait(pid_t pid, int *status, int options)
{
	pid_t r;

	do
		r = waitpid(pid, status, options);
	while (r < 0 && errno == EINTR);
	return r;
}

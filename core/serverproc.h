/* SPDX-License-Identifier: MIT */
/*
 * serverproc: the embedded test server in a child process of its own,
 * owned by the runner: started, waited for until it accepts connections,
 * and stopped.
 */
#ifndef CB_SERVERPROC_H
#define CB_SERVERPROC_H

#include <stddef.h>
#include <sys/types.h>

#include "serverconf.h"

/* A server running in a child process. */
struct server_process {
	pid_t pid; /* 0 when not running */
	unsigned port;
};

/*
 * Fork a child that runs server_run() in its own process group and dies
 * with its parent. 0 once it accepts connections, with sp filled; -1 with
 * the reason in err otherwise (no child is left behind).
 */
int serverproc_spawn(const struct server_config *cfg, struct server_process *sp,
                     char *err, size_t errlen);

/* Stop a spawned server: SIGTERM, then SIGKILL after 2 s; reap it. A
 * server that did not exit cleanly is warned about. */
void serverproc_stop(struct server_process *sp);

#endif

/*
 * server: the embedded HTTP test server (libevent evhttp).
 *
 * Serves every path with a 200 HTML page of a configured size after a
 * configured latency, armed as a timer (never by sleeping). Runs either in
 * a child process owned by the runner (server_spawn/server_stop) or in the
 * foreground for `concbench serve` (server_run).
 */
#ifndef CB_SERVER_H
#define CB_SERVER_H

#include <stddef.h>
#include <sys/types.h>

struct server_config {
	unsigned port;          /* 0: an ephemeral port */
	unsigned latency_ms;    /* delay before each response */
	size_t body_bytes;      /* size of each response body */
};

/* A server running in a child process. */
struct server_process {
	pid_t pid;              /* 0 when not running */
	unsigned port;
};

/* Told the bound port once the server accepts connections; 0 or -1. */
typedef int (*server_ready_fn)(unsigned port, void *arg);

/*
 * Listen on 127.0.0.1:cfg->port with a backlog of at least 4096, after
 * raising the soft descriptor limit to the hard one. Once accepting, call
 * ready (if not NULL); serve until SIGINT or SIGTERM, then free everything
 * and return 0. Returns -1 with a message on stderr if it cannot listen or
 * ready fails.
 */
int server_run(const struct server_config *cfg, server_ready_fn ready,
               void *arg);

/*
 * Fork a child that runs server_run() in its own process group and dies
 * with its parent. Returns 0 once it accepts connections, with sp filled;
 * -1 with a message on stderr otherwise (no child is left behind).
 */
int server_spawn(const struct server_config *cfg, struct server_process *sp);

/* Stop a spawned server: SIGTERM, then SIGKILL after 2 s; reap it. */
void server_stop(struct server_process *sp);

#endif

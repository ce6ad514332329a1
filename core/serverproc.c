/* SPDX-License-Identifier: MIT */
/*
 * serverproc: the embedded test server in a child process. The child
 * tells its parent how its start went through a pipe, with one line:
 * the port it listens on, or "error: " and why it could not.
 */
#include "config.h"

#include "serverproc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "number.h"
#include "server.h"
#include "subproc.h"

#define READY_TIMEOUT_MS 10000
#define STOP_GRACE_MS 2000
#define STOP_POLL_MS 10
#define ERROR_PREFIX "error: "

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	/* An early wake-up only makes the caller poll sooner. */
	nanosleep(&ts, NULL);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The child's ready callback: the port goes up the pipe. */
static int report_ready(unsigned port, void *arg)
{
	int *fd = arg;
	char line[16];
	int n = snprintf(line, sizeof(line), "%u\n", port);
	int rc = write_all(*fd, line, (size_t)n);

	close(*fd);
	*fd = -1;
	return rc;
}

static int child_main(const struct server_config *cfg, int ready_fd,
                      pid_t parent)
{
	char err[DIAG_ERR_MAX], line[DIAG_ERR_MAX + 16];
	sigset_t none;
	int n;

	/* Keep the terminal's ^C for the runner, which stops us itself. */
	if (subproc_detach(parent, SIGTERM) < 0)
		return 1;
	/* A mask inherited from the runner must not block our stop signals. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (server_run(cfg, report_ready, &ready_fd, err, sizeof(err)) == 0)
		return 0;
	/* Before it was ready, the parent waits to hear why. */
	if (ready_fd >= 0) {
		n = snprintf(line, sizeof(line), ERROR_PREFIX "%s\n", err);
		write_all(ready_fd, line,
		          (size_t)n < sizeof(line) ? (size_t)n
		                                   : sizeof(line) - 1);
	} else {
		diag_error("test server: %s", err);
	}
	return 1;
}

/*
 * The child's line, up to its '\n', into buf. 0; -1 on timeout; -2 on a
 * read error (errno set); -3 at the end of the file before a line.
 */
static int read_line(int fd, char *buf, size_t size)
{
	long long deadline = now_ms() + READY_TIMEOUT_MS;
	size_t len = 0;

	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char *nl;
		ssize_t n;
		int r;

		if (left <= 0)
			return -1;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -2;
		if (r <= 0)
			continue;
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -2;
		}
		if (n == 0)
			return -3;
		len += (size_t)n;
		buf[len] = '\0';
		if ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			return 0;
		}
		if (len == size - 1)
			return 0;
	}
}

/* What the child's line or its end says, when it is not a port. */
static void explain_failure(int rc, const char *line, int err, int status,
                            char *buf, size_t len)
{
	if (rc == 0 && strncmp(line, ERROR_PREFIX, strlen(ERROR_PREFIX)) == 0)
		snprintf(buf, len, "test server: %s",
		         line + strlen(ERROR_PREFIX));
	else if (rc == 0)
		snprintf(buf, len, "test server: said \"%.64s\", not its port",
		         line);
	else if (rc == -1)
		snprintf(buf, len, "test server: not ready within %d s",
		         READY_TIMEOUT_MS / 1000);
	else if (rc == -2)
		snprintf(buf, len, "test server: waiting for it to start: %s",
		         strerror(err));
	else if (WIFSIGNALED(status))
		snprintf(buf, len,
		         "test server: killed by signal %d before it was ready",
		         WTERMSIG(status));
	else if (WIFEXITED(status))
		snprintf(buf, len,
		         "test server: exited with status %d before it was "
		         "ready",
		         WEXITSTATUS(status));
	else
		snprintf(buf, len, "test server: failed to start");
}

int serverproc_spawn(const struct server_config *cfg, struct server_process *sp,
                     char *err, size_t errlen)
{
	char line[DIAG_ERR_MAX + 16];
	pid_t parent = getpid();
	uint64_t port = 0;
	int status = 0, rc, saved;
	int fds[2];
	pid_t pid;

	sp->pid = 0;
	sp->port = 0;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "test server: pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "test server: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		/* _exit: the parent's atexit handlers and stdio are not ours.
		 */
		_exit(child_main(cfg, fds[1], parent));
	}
	close(fds[1]);
	/* Also from this side, so the group exists whoever runs first. */
	setpgid(pid, pid);
	rc = read_line(fds[0], line, sizeof(line));
	saved = errno;
	close(fds[0]);
	if (rc == 0 && number_parse_u64(line, 0, &port) == 0 && port >= 1 &&
	    port <= 65535) {
		sp->pid = pid;
		sp->port = (unsigned)port;
		return 0;
	}
	kill(pid, SIGKILL);
	if (subproc_wait(pid, &status, 0) < 0)
		status = 0;
	explain_failure(rc, line, saved, status, err, errlen);
	return -1;
}

void serverproc_stop(struct server_process *sp)
{
	pid_t pid = sp->pid;
	long long deadline;
	int status;
	pid_t r;

	sp->pid = 0;
	if (pid <= 0)
		return;
	/* ESRCH: someone else reaped it already; nothing left to do. */
	if (kill(pid, SIGTERM) < 0 && errno == ESRCH)
		return;
	deadline = now_ms() + STOP_GRACE_MS;
	do {
		r = subproc_wait(pid, &status, WNOHANG);
		if (r == pid) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				diag_warn("test server: did not exit cleanly "
				          "(status 0x%x)",
				          (unsigned)status);
			return;
		}
		if (r < 0)
			return;
		sleep_ms(STOP_POLL_MS);
	} while (now_ms() < deadline);
	diag_warn("test server: still running %d s after SIGTERM; killing it",
	          STOP_GRACE_MS / 1000);
	kill(pid, SIGKILL);
	subproc_wait(pid, &status, 0);
}

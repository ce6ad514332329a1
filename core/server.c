/*
 * server: the embedded HTTP test server (libevent evhttp).
 *
 * Serves every path with a 200 HTML page of a configured size after a
 * configured latency, armed as a timer (never by sleeping). Runs either in
 * a child process owned by the runner (server_spawn/server_stop) or in the
 * foreground for `concbench serve` (server_run).
 */
#include "config.h"

#include "server.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/util.h>

/* Well above what 1000 simultaneous connects need; the kernel may cap it. */
#define LISTEN_BACKLOG 4096
/* How long accepting pauses when accept() fails, e.g. out of descriptors. */
#define ACCEPT_PAUSE_US 100000
#define READY_TIMEOUT_MS 10000
#define STOP_GRACE_MS 2000
#define STOP_POLL_MS 10

struct delayed;

struct server {
	struct event_base *base;
	struct evhttp *http;
	struct event *sigint;
	struct event *sigterm;
	/* A common timeout (all delays are equal, so O(1) timer queueing);
	 * NULL when responses go out at once. */
	const struct timeval *delay;
	char *page;
	size_t page_len;
	struct delayed *delayed;        /* responses waiting for their timer */
};

/*
 * One response waiting for its latency to pass. evhttp reads nothing more
 * from a connection until its request is answered, so a connection has at
 * most one of these, and its close callback can point straight at it.
 */
struct delayed {
	struct server *srv;
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	struct event *timer;
	struct delayed *prev, *next;
};

/* ---- the page ---------------------------------------------------------- */

static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>concbench test - Search</title></head>\n"
	"<body><div id=\"b_content\"><ol id=\"b_results\">\n";
static const char page_tail[] = "</ol></div></body></html>\n";

static void page_put(char *page, size_t size, size_t *len,
		     const char *s, size_t n)
{
	if (n > size - *len)
		n = size - *len;
	memcpy(page + *len, s, n);
	*len += n;
}

/*
 * A search result page of exactly size bytes: head, as many results as
 * fit, blank padding, tail. Sizes too small for head and tail get a prefix
 * of them; the size is what the scenario measures, not the markup.
 */
static char *page_make(size_t size)
{
	size_t tail = sizeof(page_tail) - 1;
	size_t len = 0;
	char item[256];
	char *page;
	unsigned i;

	page = malloc(size > 0 ? size : 1);
	if (page == NULL)
		return NULL;
	page_put(page, size, &len, page_head, sizeof(page_head) - 1);
	for (i = 1;; i++) {
		int n = snprintf(item, sizeof(item),
			"<li class=\"b_algo\"><h2><a href=\"https://www.example."
			"com/result/%u\">Result %u</a></h2><div class=\"b_caption"
			"\"><p>Snippet of result %u, filler text that stands for "
			"a real result.</p></div></li>\n", i, i, i);

		if (n < 0 || (size_t)n >= sizeof(item) ||
		    size - len < (size_t)n + tail)
			break;
		page_put(page, size, &len, item, (size_t)n);
	}
	if (size - len > tail) {
		memset(page + len, ' ', size - len - tail);
		len = size - tail;
	}
	page_put(page, size, &len, page_tail, tail);
	return page;
}

/* ---- requests ---------------------------------------------------------- */

static void send_page(struct server *srv, struct evhttp_request *req)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	evhttp_add_header(headers, "Content-Type", "text/html");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		/* evhttp would send a HEAD body and break keep-alive. */
		char len[32];

		snprintf(len, sizeof(len), "%zu", srv->page_len);
		evhttp_add_header(headers, "Content-Length", len);
	} else if (srv->page_len > 0 &&
		   evbuffer_add_reference(out, srv->page, srv->page_len,
					  NULL, NULL) < 0) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

static void delayed_drop(struct delayed *d)
{
	struct server *srv = d->srv;

	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		srv->delayed = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	event_free(d->timer);
	free(d);
}

static void on_delay_over(evutil_socket_t fd, short what, void *arg)
{
	struct delayed *d = arg;
	struct server *srv = d->srv;
	struct evhttp_request *req = d->req;

	(void)fd;
	(void)what;
	/* The connection outlives this response on keep-alive. */
	evhttp_connection_set_closecb(d->evcon, NULL, NULL);
	delayed_drop(d);
	send_page(srv, req);
}

/*
 * The connection of a delayed response is going away (the client left, or
 * the server is shutting down) before the timer fired.
 */
static void on_delayed_close(struct evhttp_connection *evcon, void *arg)
{
	struct delayed *d = arg;

	(void)evcon;
	/*
	 * A request still on its connection is freed with it; one evhttp has
	 * detached (the peer closed before we answered) is ours to free.
	 */
	if (evhttp_request_get_connection(d->req) == NULL)
		evhttp_request_free(d->req);
	delayed_drop(d);
}

/*
 * evhttp writes the headers and the body of a reply separately; with Nagle
 * the tail of a body waits for the client's delayed ACK (40 ms on Linux),
 * which would add to the configured latency at random.
 */
static void set_nodelay(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	int one = 1;

	if (evcon == NULL)
		return;
	bev = evhttp_connection_get_bufferevent(evcon);
	if (bev != NULL)
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
			   &one, sizeof(one));
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct server *srv = arg;
	struct delayed *d;

	set_nodelay(req);
	if (srv->delay == NULL) {
		send_page(srv, req);
		return;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		goto fail;
	d->srv = srv;
	d->req = req;
	d->evcon = evhttp_request_get_connection(req);
	d->timer = evtimer_new(srv->base, on_delay_over, d);
	if (d->timer == NULL || evtimer_add(d->timer, srv->delay) < 0)
		goto fail;
	evhttp_connection_set_closecb(d->evcon, on_delayed_close, d);
	d->next = srv->delayed;
	if (d->next != NULL)
		d->next->prev = d;
	srv->delayed = d;
	return;
fail:
	if (d != NULL && d->timer != NULL)
		event_free(d->timer);
	free(d);
	evhttp_send_error(req, HTTP_SERVUNAVAIL, NULL);
}

/* ---- listening --------------------------------------------------------- */

static void on_accept_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evconnlistener_enable(arg);
}

/*
 * accept() failed for a reason retrying at once will not fix (typically
 * EMFILE: the pending connection stays queued, the listener stays readable,
 * and the loop would spin at full CPU). Stop accepting for a moment; the
 * queued connections wait in the backlog until descriptors free up.
 */
static void on_accept_error(struct evconnlistener *lev, void *arg)
{
	static const struct timeval pause_tv = { 0, ACCEPT_PAUSE_US };
	static int warned;
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg;              /* evhttp's, not ours */
	if (!warned) {
		diag_warn("test server: accept: %s; pausing accepts",
			  strerror(err));
		warned = 1;
	}
	evconnlistener_disable(lev);
	/* A once-event needs no handle: event_base_free reclaims it. */
	if (event_base_once(evconnlistener_get_base(lev), -1, EV_TIMEOUT,
			    on_accept_resume, lev, &pause_tv) < 0)
		evconnlistener_enable(lev);
}

/* Large concurrency needs descriptors; the soft limit is often 1024. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0 || rl.rlim_max != RLIM_INFINITY)
		return;
	/* Linux refuses "infinity" beyond fs.nr_open; try its default. */
	rl.rlim_cur = 1048576;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int listen_local(struct server *srv, unsigned port, unsigned *bound)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct evconnlistener *lev;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	lev = evconnlistener_new_bind(srv->base, NULL, NULL,
		LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE |
		LEV_OPT_CLOSE_ON_EXEC, LISTEN_BACKLOG,
		(struct sockaddr *)&sin, sizeof(sin));
	if (lev == NULL) {
		diag_error("test server: cannot listen on 127.0.0.1:%u: %s",
			   port, strerror(errno));
		return -1;
	}
	/* From here on evhttp_free() frees the listener. */
	if (evhttp_bind_listener(srv->http, lev) == NULL) {
		evconnlistener_free(lev);
		diag_error("test server: cannot attach the listener");
		return -1;
	}
	evconnlistener_set_error_cb(lev, on_accept_error);
	if (getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin,
			&len) < 0) {
		diag_error("test server: getsockname: %s", strerror(errno));
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return 0;
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

/* The spawned child's ready callback: the port goes up the pipe. */
static int report_ready(unsigned port, void *arg)
{
	int fd = *(int *)arg;
	char line[16];
	int n = snprintf(line, sizeof(line), "%u\n", port);
	int rc = write_all(fd, line, (size_t)n);

	if (rc < 0)
		diag_error("test server: cannot report its port: %s",
			   strerror(errno));
	close(fd);
	return rc;
}

/* ---- running ----------------------------------------------------------- */

/*
 * libevent 2.1 reads a coarse clock (one jiffy, 4 ms here) unless asked
 * for a precise one; latency timers would then fire up to 4 ms late.
 */
static struct event_base *precise_event_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (cfg == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

static void server_free(struct server *srv)
{
	if (srv->sigint != NULL)
		event_free(srv->sigint);
	if (srv->sigterm != NULL)
		event_free(srv->sigterm);
	/* Closing the connections settles every delayed response... */
	if (srv->http != NULL)
		evhttp_free(srv->http);
	/* ...unless evhttp skipped a close callback; never leak the rest. */
	while (srv->delayed != NULL)
		delayed_drop(srv->delayed);
	if (srv->base != NULL)
		event_base_free(srv->base);
	/* Last: evhttp_free() dropped every buffer referencing the page. */
	free(srv->page);
}

static int server_setup(struct server *srv, const struct server_config *cfg,
			unsigned *port)
{
	struct sigaction sa;

	if (cfg->port > 65535) {
		diag_error("test server: port %u out of range", cfg->port);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	/* A client closing early must cost a write error, not the process. */
	sigaction(SIGPIPE, &sa, NULL);
	raise_fd_limit();

	srv->page_len = cfg->body_bytes;
	srv->page = page_make(cfg->body_bytes);
	srv->base = precise_event_base();
	if (srv->page == NULL || srv->base == NULL)
		goto nomem;
	srv->http = evhttp_new(srv->base);
	srv->sigint = evsignal_new(srv->base, SIGINT, on_signal, srv->base);
	srv->sigterm = evsignal_new(srv->base, SIGTERM, on_signal, srv->base);
	if (srv->http == NULL || srv->sigint == NULL || srv->sigterm == NULL)
		goto nomem;
	if (evsignal_add(srv->sigint, NULL) < 0 ||
	    evsignal_add(srv->sigterm, NULL) < 0) {
		diag_error("test server: cannot handle signals");
		return -1;
	}
	if (cfg->latency_ms > 0) {
		struct timeval tv;

		tv.tv_sec = cfg->latency_ms / 1000;
		tv.tv_usec = (suseconds_t)(cfg->latency_ms % 1000) * 1000;
		srv->delay = event_base_init_common_timeout(srv->base, &tv);
		if (srv->delay == NULL)
			goto nomem;
	}
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET |
		EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
		EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
		EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(srv->http, on_request, srv);
	return listen_local(srv, cfg->port, port);
nomem:
	diag_error("test server: out of memory");
	return -1;
}

int server_run(const struct server_config *cfg, server_ready_fn ready,
	       void *arg)
{
	struct server srv;
	unsigned port = 0;
	int rc = -1;

	memset(&srv, 0, sizeof(srv));
	if (server_setup(&srv, cfg, &port) < 0)
		goto out;
	if (ready != NULL && ready(port, arg) < 0)
		goto out;
	if (event_base_dispatch(srv.base) < 0) {
		diag_error("test server: event loop failed");
		goto out;
	}
	rc = 0;
out:
	server_free(&srv);
	return rc;
}

/* ---- the child process ------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	/* An early wake-up only makes the caller poll sooner. */
	nanosleep(&ts, NULL);
}

static pid_t wait_child(pid_t pid, int *status, int options)
{
	pid_t r;

	do
		r = waitpid(pid, status, options);
	while (r < 0 && errno == EINTR);
	return r;
}

static int child_main(const struct server_config *cfg, int ready_fd,
		      pid_t parent)
{
	sigset_t none;

	/* Keep the terminal's ^C for the runner, which stops us itself. */
	setpgid(0, 0);
#ifdef HAVE_SYS_PRCTL_H
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	/* The parent may have died before prctl() took effect. */
	if (getppid() != parent)
		return 1;
	/* A mask inherited from the runner must not block our stop signals. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	return server_run(cfg, report_ready, &ready_fd) == 0 ? 0 : 1;
}

/*
 * Read the port line from the child. Returns the port; 0 on end of file or
 * a malformed line; -1 on timeout; -2 on an error, with errno set.
 */
static long read_port(int fd)
{
	long long deadline = now_ms() + READY_TIMEOUT_MS;
	char buf[16];
	size_t len = 0;
	char *end;
	long port;

	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r;

		if (left <= 0)
			return -1;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -2;
		if (r <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -2;
		}
		if (n == 0)
			return 0;
		len += (size_t)n;
		buf[len] = '\0';
		if (strchr(buf, '\n') != NULL)
			break;
		if (len == sizeof(buf) - 1)
			return 0;
	}
	errno = 0;
	port = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\n' || port < 1 ||
	    port > 65535)
		return 0;
	return port;
}

static void explain_failure(long port, int err, int status)
{
	if (port == -1)
		diag_error("test server: not ready within %d s",
			   READY_TIMEOUT_MS / 1000);
	else if (port < 0)
		diag_error("test server: waiting for it to start: %s",
			   strerror(err));
	else if (WIFSIGNALED(status))
		diag_error("test server: killed by signal %d before it was "
			   "ready", WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 1)
		diag_error("test server: exited with status %d before it was "
			   "ready", WEXITSTATUS(status));
	else if (!WIFEXITED(status))
		diag_error("test server: failed to start");
	/* Exit status 1: server_run() has said why. */
}

int server_spawn(const struct server_config *cfg, struct server_process *sp)
{
	pid_t parent = getpid();
	int status = 0;
	int fds[2];
	int err;
	long port;
	pid_t pid;

	sp->pid = 0;
	sp->port = 0;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		diag_error("test server: pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		diag_error("test server: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		/* _exit: the parent's atexit handlers and stdio are not ours. */
		_exit(child_main(cfg, fds[1], parent));
	}
	close(fds[1]);
	/* Also from this side, so the group exists whoever runs first. */
	setpgid(pid, pid);
	port = read_port(fds[0]);
	err = errno;
	close(fds[0]);
	if (port <= 0) {
		kill(pid, SIGKILL);
		if (wait_child(pid, &status, 0) < 0)
			status = 0;
		explain_failure(port, err, status);
		return -1;
	}
	sp->pid = pid;
	sp->port = (unsigned)port;
	return 0;
}

void server_stop(struct server_process *sp)
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
		r = wait_child(pid, &status, WNOHANG);
		if (r == pid) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				diag_warn("test server: did not exit cleanly "
					  "(status 0x%x)", (unsigned)status);
			return;
		}
		if (r < 0)
			return;
		sleep_ms(STOP_POLL_MS);
	} while (now_ms() < deadline);
	diag_warn("test server: still running %d s after SIGTERM; killing it",
		  STOP_GRACE_MS / 1000);
	kill(pid, SIGKILL);
	wait_child(pid, &status, 0);
}

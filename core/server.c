/* SPDX-License-Identifier: MIT */
/*
 * server: the embedded HTTP test server (libevent evhttp).
 *
 * Answers each request on its route (routes.c has what they answer) after
 * the route's latency, armed as a timer (never by sleeping), injects faults
 * into a chosen fraction of requests and keeps statistics (server.h has the
 * rules). Runs either in a child process owned by the runner
 * (server_spawn/server_stop) or in the foreground for `concbench serve`
 * (server_run); the runner reads the statistics over HTTP
 * (server_stats_read).
 */
#include "config.h"

#include "server.h"
#include "diag.h"
#include "json.h"
#include "latency.h"
#include "routes.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <curl/curl.h>

/* Well above what 1000 simultaneous connects need; the kernel may cap it. */
#define LISTEN_BACKLOG 4096
/* How long accepting pauses when accept() fails, e.g. out of descriptors. */
#define ACCEPT_PAUSE_US 100000
#define READY_TIMEOUT_MS 10000
#define STOP_GRACE_MS 2000
#define STOP_POLL_MS 10
/* The statistics endpoints live here; scenario paths never start so. */
#define CONTROL_PREFIX "/_concbench/"
#define CONTROL_TIMEOUT_MS 5000
/* The stats JSON is about 200 bytes; anything much longer is not ours. */
#define CONTROL_REPLY_MAX 1024

/* In order of precedence when several kinds select the same request. */
enum fault { FAULT_NONE, FAULT_STATUS, FAULT_CLOSE, FAULT_STALL, FAULT_KINDS };

struct pending;

/* How long a route's answers wait. */
struct route_timing {
	struct latency_spec spec;
	/*
	 * For a fixed latency: a common timeout (all its delays are equal, so
	 * timers queue in O(1)), or NULL when answers go out at once.
	 */
	const struct timeval *fixed;
};

struct server {
	struct event_base *base;
	struct evhttp *http;
	struct event *sigint;
	struct event *sigterm;
	struct routes *routes;
	struct route_timing timing[ROUTE_COUNT];
	uint64_t seed;
	struct pending *pending; /* requests not answered yet */
	struct pending *spare;   /* released records, kept for reuse */
	/* Faults: the fraction of each kind ([FAULT_NONE] unused). */
	double fraction[FAULT_KINDS];
	int faulty; /* any fraction above 0 */
	int fail_status;
	char fail_body[64];
	size_t fail_body_len;
	/* Statistics since the start or the last reset. */
	uint64_t requests; /* also the number of the next one */
	uint64_t in_flight, max_in_flight;
	uint64_t faults[FAULT_KINDS];
	uint64_t digest;
};

/*
 * One request not answered at once: waiting for its latency to pass, for a
 * fault to be carried out, or stalled for good. evhttp reads nothing more
 * from a connection until its request is answered, so a connection has at
 * most one of these, and its close callback can point straight at it.
 * Records are recycled through srv->spare, with their event, so a steady
 * load allocates nothing here.
 */
struct pending {
	struct server *srv;
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	struct event *ev; /* the latency timer, or a stall's close watch */
	enum fault fault;
	int status; /* of the answer waiting in req's output */
	struct pending *prev, *next;
};

/* ---- the digest -------------------------------------------------------- */

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static uint64_t fnv_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len-- > 0) {
		h ^= *p++;
		h *= FNV_PRIME;
	}
	return h;
}

/* Hashes a string in place, without a strlen() pass over it first. */
static uint64_t fnv_str(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		h ^= *p;
		h *= FNV_PRIME;
	}
	return h;
}

static const char *method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_TRACE:
		return "TRACE";
	case EVHTTP_REQ_CONNECT:
		return "CONNECT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	}
	return "";
}

/* The body can span several buffer chunks; hash them where they lie. */
static uint64_t fnv_evbuffer(uint64_t h, struct evbuffer *buf)
{
	size_t left = evbuffer_get_length(buf);
	struct evbuffer_iovec vec[8];
	struct evbuffer_ptr at;

	if (left == 0 || evbuffer_ptr_set(buf, &at, 0, EVBUFFER_PTR_SET) < 0)
		return h;
	while (left > 0) {
		int n = evbuffer_peek(buf, -1, &at, vec, 8);
		size_t done = 0;
		int i;

		if (n <= 0)
			break;
		for (i = 0; i < n && i < 8 && done < left; i++) {
			size_t len = vec[i].iov_len;

			if (len > left - done)
				len = left - done;
			h = fnv_bytes(h, vec[i].iov_base, len);
			done += len;
		}
		left -= done;
		if (done == 0 ||
		    (left > 0 &&
		     evbuffer_ptr_set(buf, &at, done, EVBUFFER_PTR_ADD) < 0))
			break;
	}
	return h;
}

/* FNV-1a over method, URI, "Name: value\n" per header, body (server.h). */
static uint64_t request_hash(struct evhttp_request *req)
{
	const struct evkeyvalq *headers = evhttp_request_get_input_headers(req);
	const struct evkeyval *kv;
	uint64_t h = FNV_OFFSET;

	h = fnv_str(h, method_name(evhttp_request_get_command(req)));
	h = fnv_str(h, evhttp_request_get_uri(req));
	for (kv = headers->tqh_first; kv; kv = kv->next.tqe_next) {
		h = fnv_str(h, kv->key);
		h = fnv_bytes(h, ": ", 2);
		h = fnv_str(h, kv->value);
		h = fnv_bytes(h, "\n", 1);
	}
	return fnv_evbuffer(h, evhttp_request_get_input_buffer(req));
}

/* ---- answers ----------------------------------------------------------- */

/* The status fault's answer, in place of the route's. */
static int prepare_fault_status(struct server *srv, struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	                  "Content-Type", "text/plain");
	if (evbuffer_add_reference(evhttp_request_get_output_buffer(req),
	                           srv->fail_body, srv->fail_body_len, NULL,
	                           NULL) < 0)
		return -1;
	return srv->fail_status;
}

/* Whether a close fault has nothing to cut short, so it closes at once. */
static int close_sends_nothing(struct evhttp_request *req)
{
	return evbuffer_get_length(evhttp_request_get_output_buffer(req)) ==
	           0 ||
	       evhttp_request_get_command(req) == EVHTTP_REQ_HEAD;
}

/*
 * Keep the first half of out (rounded down). The close fault's headers
 * promise the whole body, and "Connection: close" has evhttp close the
 * connection once this much is written, so the client sees a transfer cut
 * short.
 */
static int cut_in_half(struct evbuffer *out)
{
	size_t len = evbuffer_get_length(out);
	struct evbuffer *half = evbuffer_new();
	int rc = -1;

	if (!half)
		return -1;
	if (evbuffer_remove_buffer(out, half, len / 2) == (int)(len / 2) &&
	    evbuffer_drain(out, len - len / 2) == 0 &&
	    evbuffer_add_buffer(out, half) == 0)
		rc = 0;
	evbuffer_free(half);
	return rc;
}

/* Send the answer prepared in req's output: whole, or cut by the fault. */
static void send_prepared(struct evhttp_request *req, int status,
                          enum fault fault)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
	struct evbuffer *out = evhttp_request_get_output_buffer(req);
	size_t len = evbuffer_get_length(out);
	char clen[32];

	if (fault == FAULT_CLOSE) {
		snprintf(clen, sizeof(clen), "%zu", len);
		evhttp_add_header(headers, "Content-Length", clen);
		evhttp_add_header(headers, "Connection", "close");
		if (cut_in_half(out) < 0) {
			evhttp_send_error(req, HTTP_INTERNAL, NULL);
			return;
		}
	} else if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		/* evhttp would send a HEAD body and break keep-alive. */
		snprintf(clen, sizeof(clen), "%zu", len);
		evhttp_add_header(headers, "Content-Length", clen);
		evbuffer_drain(out, len);
	}
	/* A NULL reason: evhttp supplies the standard phrase. */
	evhttp_send_reply(req, status, NULL, NULL);
}

/* ---- pending requests -------------------------------------------------- */

static void on_pending_timer(evutil_socket_t fd, short what, void *arg);

static struct pending *pending_get(struct server *srv)
{
	struct pending *p = srv->spare;

	if (p) {
		srv->spare = p->next;
		return p;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->srv = srv;
	/* Re-assigned before every use; created once per record. */
	p->ev = event_new(srv->base, -1, 0, on_pending_timer, p);
	if (!p->ev) {
		free(p);
		return NULL;
	}
	return p;
}

/* The request is no longer pending: answered, or its connection is gone. */
static void pending_release(struct pending *p)
{
	struct server *srv = p->srv;

	if (p->prev)
		p->prev->next = p->next;
	else
		srv->pending = p->next;
	if (p->next)
		p->next->prev = p->prev;
	event_del(p->ev);
	p->req = NULL;
	p->evcon = NULL;
	p->prev = NULL;
	p->next = srv->spare;
	srv->spare = p;
	srv->in_flight--;
}

/* Close the connection of a pending request, with the request. */
static void pending_abort(struct pending *p)
{
	struct evhttp_connection *evcon = p->evcon;

	evhttp_connection_set_closecb(evcon, NULL, NULL);
	pending_release(p);
	/* Frees the request, which is still on the connection. */
	evhttp_connection_free(evcon);
}

static void on_pending_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	struct evhttp_request *req = p->req;
	enum fault fault = p->fault;
	int status = p->status;

	(void)fd;
	(void)what;
	if (fault == FAULT_CLOSE && close_sends_nothing(req)) {
		pending_abort(p);
		return;
	}
	/* The connection outlives this response on keep-alive. */
	evhttp_connection_set_closecb(p->evcon, NULL, NULL);
	pending_release(p);
	send_prepared(req, status, fault);
}

/*
 * A stalled request's connection became readable. evhttp does not read
 * while a request awaits its answer, so it would never notice the client
 * giving up; this watch does. End of file or an error: the client left.
 * Data: the client sends more on a connection that will never answer, so
 * it is closed all the same (evhttp cannot read it in this state anyway).
 */
static void on_stall_readable(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	char c;
	ssize_t n;

	(void)what;
	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) &&
	    event_add(p->ev, NULL) == 0)
		return;
	pending_abort(p);
}

/*
 * The connection of a pending request is going away (evhttp noticed the
 * client leave when writing, or the server is shutting down) first.
 */
static void on_pending_close(struct evhttp_connection *evcon, void *arg)
{
	struct pending *p = arg;

	(void)evcon;
	/*
	 * A request still on its connection is freed with it; one evhttp has
	 * detached (the peer closed before we answered) is ours to free.
	 */
	if (!evhttp_request_get_connection(p->req))
		evhttp_request_free(p->req);
	pending_release(p);
}

/*
 * Park a request: until tv passes, then send its prepared answer (status),
 * or (tv NULL) until the client leaves.
 */
static int pending_start(struct server *srv, struct evhttp_request *req,
                         enum fault fault, int status, const struct timeval *tv)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct pending *p;
	int rc;

	if (!evcon)
		return -1;
	p = pending_get(srv);
	if (!p)
		return -1;
	if (tv) {
		rc = event_assign(p->ev, srv->base, -1, 0, on_pending_timer, p);
		if (rc == 0)
			rc = event_add(p->ev, tv);
	} else {
		struct bufferevent *bev =
		    evhttp_connection_get_bufferevent(evcon);

		rc = event_assign(p->ev, srv->base, bufferevent_getfd(bev),
		                  EV_READ, on_stall_readable, p);
		if (rc == 0)
			rc = event_add(p->ev, NULL);
	}
	if (rc < 0) {
		p->next = srv->spare;
		srv->spare = p;
		return -1;
	}
	p->req = req;
	p->evcon = evcon;
	p->fault = fault;
	p->status = status;
	p->prev = NULL;
	p->next = srv->pending;
	if (p->next)
		p->next->prev = p;
	srv->pending = p;
	evhttp_connection_set_closecb(evcon, on_pending_close, p);
	return 0;
}

/* ---- requests ---------------------------------------------------------- */

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

	if (!evcon)
		return;
	bev = evhttp_connection_get_bufferevent(evcon);
	if (bev)
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
		           &one, sizeof(one));
}

/* floor((n+1)*f) > floor(n*f); the casts floor these non-negatives. */
static int selects(double f, uint64_t n)
{
	return (uint64_t)((double)(n + 1) * f) > (uint64_t)((double)n * f);
}

/* Count a request in, number it (*number), and choose its fault. */
static enum fault admit(struct server *srv, struct evhttp_request *req,
                        uint64_t *number)
{
	uint64_t n = srv->requests++;
	int k;

	*number = n;
	srv->digest += request_hash(req);
	if (++srv->in_flight > srv->max_in_flight)
		srv->max_in_flight = srv->in_flight;
	if (!srv->faulty)
		return FAULT_NONE;
	for (k = FAULT_STATUS; k < FAULT_KINDS; k++)
		if (selects(srv->fraction[k], n)) {
			srv->faults[k]++;
			return (enum fault)k;
		}
	return FAULT_NONE;
}

static void send_stats(struct server *srv, struct evhttp_request *req)
{
	static const char *const names[FAULT_KINDS] = {
	    [FAULT_STATUS] = "faults_status",
	    [FAULT_CLOSE] = "faults_close",
	    [FAULT_STALL] = "faults_stall"};
	struct json_out w;
	char digest[17];
	const char *text;
	size_t len;
	int k;

	json_out_init(&w, 0);
	json_out_begin_object(&w);
	json_out_key(&w, "requests");
	json_out_u64(&w, srv->requests);
	json_out_key(&w, "in_flight");
	json_out_u64(&w, srv->in_flight);
	json_out_key(&w, "max_in_flight");
	json_out_u64(&w, srv->max_in_flight);
	for (k = FAULT_STATUS; k < FAULT_KINDS; k++) {
		json_out_key(&w, names[k]);
		json_out_u64(&w, srv->faults[k]);
	}
	snprintf(digest, sizeof(digest), "%016" PRIx64, srv->digest);
	json_out_key(&w, "digest");
	json_out_string(&w, digest);
	json_out_end_object(&w);
	text = json_out_text(&w, &len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	                  "Content-Type", "application/json");
	if (!text ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), text, len) < 0)
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
	else
		evhttp_send_reply(req, HTTP_OK, NULL, NULL);
	json_out_free(&w);
}

static void stats_reset(struct server *srv)
{
	srv->requests = 0;
	srv->digest = 0;
	memset(srv->faults, 0, sizeof(srv->faults));
	/* Requests still pending stay in flight, and the maximum with them. */
	srv->max_in_flight = srv->in_flight;
}

/* A request under CONTROL_PREFIX: answered at once, never counted. */
static void on_control(struct server *srv, struct evhttp_request *req,
                       const char *uri)
{
	const char *name = uri + sizeof(CONTROL_PREFIX) - 1;
	size_t len = strcspn(name, "?");
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

	if (len == 5 && strncmp(name, "stats", 5) == 0) {
		if (cmd == EVHTTP_REQ_GET) {
			send_stats(srv, req);
			return;
		}
		evhttp_add_header(headers, "Allow", "GET");
	} else if (len == 5 && strncmp(name, "reset", 5) == 0) {
		if (cmd == EVHTTP_REQ_POST) {
			stats_reset(srv);
			evhttp_send_reply(req, HTTP_NOCONTENT, NULL, NULL);
			return;
		}
		evhttp_add_header(headers, "Allow", "POST");
	} else {
		evhttp_send_reply(req, HTTP_NOTFOUND, NULL, NULL);
		return;
	}
	evhttp_send_reply(req, HTTP_BADMETHOD, NULL, NULL);
}

/*
 * How long request n waits on route: NULL for not at all, else a common
 * timeout or, for the random models, tv filled in.
 */
static const struct timeval *route_delay(const struct server *srv,
                                         enum server_route route, uint64_t n,
                                         struct timeval *tv)
{
	const struct route_timing *t = &srv->timing[route];
	uint64_t us;

	if (t->spec.model == LATENCY_FIXED)
		return t->fixed;
	us = latency_draw_us(&t->spec, srv->seed, n);
	if (us == 0)
		return NULL;
	tv->tv_sec = (time_t)(us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
	return tv;
}

static void on_request(struct evhttp_request *req, void *arg)
{
	static const struct timeval now = {0, 0};
	struct server *srv = arg;
	const char *uri = evhttp_request_get_uri(req);
	const struct timeval *delay;
	enum server_route route;
	struct timeval drawn;
	enum fault fault;
	uint64_t n;
	int status;

	set_nodelay(req);
	if (strncmp(uri, CONTROL_PREFIX, sizeof(CONTROL_PREFIX) - 1) == 0) {
		on_control(srv, req, uri);
		return;
	}
	fault = admit(srv, req, &n);
	if (fault == FAULT_STALL) {
		if (pending_start(srv, req, fault, 0, NULL) < 0)
			goto fail;
		return;
	}
	/* The answer is made now and waits in req for its latency. */
	route = routes_match(req);
	status = fault == FAULT_STATUS ? prepare_fault_status(srv, req)
	                               : routes_answer(srv->routes, route, req);
	if (status < 0)
		goto fail;
	delay = route_delay(srv, route, n, &drawn);
	if (delay || (fault == FAULT_CLOSE && close_sends_nothing(req))) {
		/*
		 * Closing at once goes through a zero timer too: freeing the
		 * connection inside evhttp's own request callback is unsafe.
		 */
		if (pending_start(srv, req, fault, status,
		                  delay ? delay : &now) < 0)
			goto fail;
		return;
	}
	/* The common case: answered at once, nothing allocated. */
	srv->in_flight--;
	send_prepared(req, status, fault);
	return;
fail:
	srv->in_flight--;
	/* Whatever part of an answer is in place must not go out with it. */
	evhttp_clear_headers(evhttp_request_get_output_headers(req));
	evbuffer_drain(
	    evhttp_request_get_output_buffer(req),
	    evbuffer_get_length(evhttp_request_get_output_buffer(req)));
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
	static const struct timeval pause_tv = {0, ACCEPT_PAUSE_US};
	static int warned;
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg; /* evhttp's, not ours */
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
	lev = evconnlistener_new_bind(
	    srv->base, NULL, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
	    LISTEN_BACKLOG, (struct sockaddr *)&sin, sizeof(sin));
	if (!lev) {
		diag_error("test server: cannot listen on 127.0.0.1:%u: %s",
		           port, strerror(errno));
		return -1;
	}
	/* From here on evhttp_free() frees the listener. */
	if (!evhttp_bind_listener(srv->http, lev)) {
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

	if (!cfg)
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
	if (srv->sigint)
		event_free(srv->sigint);
	if (srv->sigterm)
		event_free(srv->sigterm);
	/*
	 * Closing the connections settles every pending request, stalled
	 * ones included, through their close callbacks...
	 */
	if (srv->http)
		evhttp_free(srv->http);
	/* ...unless evhttp skipped one; never leak the rest. */
	while (srv->pending)
		pending_release(srv->pending);
	while (srv->spare) {
		struct pending *p = srv->spare;

		srv->spare = p->next;
		event_free(p->ev);
		free(p);
	}
	if (srv->base)
		event_base_free(srv->base);
	/* Last: evhttp_free() dropped every buffer referencing the page. */
	routes_free(srv->routes);
}

static int fraction_ok(const char *what, double f)
{
	/* Written so that NaN fails too. */
	if (f >= 0 && f <= 1)
		return 1;
	diag_error("test server: %s fraction %g is not in [0, 1]", what, f);
	return 0;
}

static int check_faults(struct server *srv, const struct server_config *cfg)
{
	unsigned status = cfg->fail_status != 0 ? cfg->fail_status : 500;
	int n;

	if (!fraction_ok("fail", cfg->fail_fraction) ||
	    !fraction_ok("close", cfg->close_fraction) ||
	    !fraction_ok("stall", cfg->stall_fraction))
		return -1;
	/* A 1xx is not a final answer: the client would wait for another. */
	if (status < 200 || status > 599) {
		diag_error("test server: fail status %u is not in 200..599",
		           status);
		return -1;
	}
	srv->fraction[FAULT_STATUS] = cfg->fail_fraction;
	srv->fraction[FAULT_CLOSE] = cfg->close_fraction;
	srv->fraction[FAULT_STALL] = cfg->stall_fraction;
	srv->faulty = cfg->fail_fraction > 0 || cfg->close_fraction > 0 ||
	              cfg->stall_fraction > 0;
	srv->fail_status = (int)status;
	n = snprintf(srv->fail_body, sizeof(srv->fail_body),
	             "concbench test server: injected fault %u\n", status);
	srv->fail_body_len = n > 0 ? (size_t)n : 0;
	return 0;
}

/* Every route's latency: its own if set, else the server's. */
static int check_latency(struct server *srv, const struct server_config *cfg)
{
	char err[160];
	int r;

	for (r = 0; r < ROUTE_COUNT; r++) {
		const struct latency_spec *spec = cfg->route_latency_set[r]
		                                      ? &cfg->route_latency[r]
		                                      : &cfg->latency;

		if (latency_check(spec, err, sizeof(err)) < 0) {
			if (cfg->route_latency_set[r])
				diag_error(
				    "test server: route %s: %s",
				    server_route_name((enum server_route)r),
				    err);
			else
				diag_error("test server: %s", err);
			return -1;
		}
		srv->timing[r].spec = *spec;
	}
	srv->seed = cfg->seed;
	return 0;
}

/* The fixed latencies' common timeouts, once the event base exists. */
static int arm_fixed_latencies(struct server *srv)
{
	int r;

	for (r = 0; r < ROUTE_COUNT; r++) {
		struct route_timing *t = &srv->timing[r];
		struct timeval tv;

		if (t->spec.model != LATENCY_FIXED || t->spec.ms == 0)
			continue;
		tv.tv_sec = t->spec.ms / 1000;
		tv.tv_usec = (suseconds_t)(t->spec.ms % 1000) * 1000;
		/* Equal durations share one common timeout. */
		t->fixed = event_base_init_common_timeout(srv->base, &tv);
		if (!t->fixed)
			return -1;
	}
	return 0;
}

static int server_setup(struct server *srv, const struct server_config *cfg,
                        unsigned *port)
{
	struct sigaction sa;

	if (cfg->port > 65535) {
		diag_error("test server: port %u out of range", cfg->port);
		return -1;
	}
	if (cfg->files > SERVER_MAX_FILES) {
		diag_error("test server: %u files is more than %u", cfg->files,
		           SERVER_MAX_FILES);
		return -1;
	}
	if (check_faults(srv, cfg) < 0 || check_latency(srv, cfg) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	/* A client closing early must cost a write error, not the process. */
	sigaction(SIGPIPE, &sa, NULL);
	raise_fd_limit();

	srv->routes = routes_new(cfg);
	srv->base = precise_event_base();
	if (!srv->routes || !srv->base)
		goto nomem;
	srv->http = evhttp_new(srv->base);
	srv->sigint = evsignal_new(srv->base, SIGINT, on_signal, srv->base);
	srv->sigterm = evsignal_new(srv->base, SIGTERM, on_signal, srv->base);
	if (!srv->http || !srv->sigint || !srv->sigterm)
		goto nomem;
	if (evsignal_add(srv->sigint, NULL) < 0 ||
	    evsignal_add(srv->sigterm, NULL) < 0) {
		diag_error("test server: cannot handle signals");
		return -1;
	}
	if (arm_fixed_latencies(srv) < 0)
		goto nomem;
	evhttp_set_allowed_methods(
	    srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	                   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                   EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
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
	if (ready && ready(port, arg) < 0)
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
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

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
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
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
		if (strchr(buf, '\n'))
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
		           "ready",
		           WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 1)
		diag_error("test server: exited with status %d before it was "
		           "ready",
		           WEXITSTATUS(status));
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
		/* _exit: the parent's atexit handlers and stdio are not ours.
		 */
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
	wait_child(pid, &status, 0);
}

/* ---- the client side --------------------------------------------------- */

struct control_reply {
	char text[CONTROL_REPLY_MAX];
	size_t len;
};

static size_t on_control_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct control_reply *r = arg;
	size_t n = size * nmemb;

	/* Returning less than n fails the transfer: not our server. */
	if (n >= sizeof(r->text) - r->len)
		return 0;
	memcpy(r->text + r->len, data, n);
	r->len += n;
	r->text[r->len] = '\0';
	return n;
}

/* One request to a control endpoint; 0 if it answered want. */
static int control_call(unsigned port, const char *name, int post, long want,
                        struct control_reply *r)
{
	char url[64], err[CURL_ERROR_SIZE];
	long status = 0;
	CURLcode rc;
	CURL *h;

	r->len = 0;
	r->text[0] = '\0';
	if (port < 1 || port > 65535) {
		diag_error("test server: port %u out of range", port);
		return -1;
	}
	h = curl_easy_init();
	if (!h) {
		diag_error("test server: %s: cannot make a curl handle", name);
		return -1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u" CONTROL_PREFIX "%s",
	         port, name);
	err[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	/* An empty proxy overrides http_proxy and friends from the environment.
	 */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)CONTROL_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/* The runner has threads and signal handlers of its own. */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_control_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	if (post) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		diag_error("test server: %s: %s", url,
		           err[0] != '\0' ? err : curl_easy_strerror(rc));
		return -1;
	}
	if (status != want) {
		diag_error("test server: %s: status %ld, expected %ld", url,
		           status, want);
		return -1;
	}
	return 0;
}

/* A counter of the statistics: a member that is an integer >= 0. */
static int stats_counter(const struct control_reply *r, const char *key,
                         uint64_t *out)
{
	int64_t v;

	if (json_object_int(r->text, r->len, key, &v) != 0 || v < 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* The digest: 16 lowercase hex digits. */
static int stats_digest(const struct control_reply *r, char out[17])
{
	size_t i;

	if (json_object_string(r->text, r->len, "digest", out, 17) != 0 ||
	    strlen(out) != 16)
		return -1;
	for (i = 0; i < 16; i++)
		if (!isxdigit((unsigned char)out[i]) ||
		    isupper((unsigned char)out[i]))
			return -1;
	return 0;
}

int server_stats_reset(unsigned port)
{
	struct control_reply r;

	return control_call(port, "reset", 1, 204, &r);
}

int server_stats_read(unsigned port, struct server_stats *out)
{
	struct control_reply r;
	struct server_stats st;

	if (control_call(port, "stats", 0, 200, &r) < 0)
		return -1;
	memset(&st, 0, sizeof(st));
	if (stats_counter(&r, "requests", &st.requests) < 0 ||
	    stats_counter(&r, "in_flight", &st.in_flight) < 0 ||
	    stats_counter(&r, "max_in_flight", &st.max_in_flight) < 0 ||
	    stats_counter(&r, "faults_status", &st.faults_status) < 0 ||
	    stats_counter(&r, "faults_close", &st.faults_close) < 0 ||
	    stats_counter(&r, "faults_stall", &st.faults_stall) < 0 ||
	    stats_digest(&r, st.digest) < 0) {
		diag_error(
		    "test server on port %u: malformed statistics: %.200s",
		    port, r.text);
		return -1;
	}
	*out = st;
	return 0;
}

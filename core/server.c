/* SPDX-License-Identifier: MIT */
/*
 * server: the embedded HTTP test server (libevent evhttp).
 *
 * Answers each request on its route (routes.c has what they answer) after
 * the route's latency, armed as a timer (never by sleeping), injects faults
 * into a chosen fraction of requests and keeps statistics (server.h has the
 * rules, servercounts.c the counters). serverproc.c runs it in a child
 * process for the runner, and statsclient.c reads its statistics.
 *
 * With N threads, each has its own event base, evhttp and listener on the
 * one port (SO_REUSEPORT: the kernel spreads connections over them), its
 * own routes and pending requests; they share only the statistics, as
 * atomics, so requests are numbered and faults chosen across all threads
 * as with one.
 */
#include "config.h"

#include "server.h"

#include "diag.h"
#include "digest.h"
#include "json.h"
#include "latency.h"
#include "routes.h"
#include "servercounts.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
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

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

/* Well above what 1000 simultaneous connects need; the kernel may cap it. */
#define LISTEN_BACKLOG 4096
/* How long accepting pauses when accept() fails, e.g. out of descriptors. */
#define ACCEPT_PAUSE_US 100000
/* The statistics endpoints live here; scenario paths never start so. */
#define CONTROL_PREFIX "/_concbench/"

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

/* What the threads of a server share: statistics since the start or the
 * last reset, and the pipe whose closing stops them. */
struct server_shared {
	struct server_counts counts;
	unsigned threads;
	int stop[2];
};

/* One thread's server. */
struct server {
	struct server_shared *sh;
	pthread_t thread;
	struct event_base *base;
	struct evhttp *http;
	struct event *sigint; /* the first thread's only */
	struct event *sigterm;
	struct event *stop;
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
	unsigned work_us; /* CPU spent on each request */
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
	servercounts_leave(&srv->sh->counts);
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
	uint64_t n = servercounts_arrive(&srv->sh->counts, digest_request(req));
	int k;

	*number = n;
	if (!srv->faulty)
		return FAULT_NONE;
	for (k = FAULT_STATUS; k < FAULT_KINDS; k++)
		if (selects(srv->fraction[k], n)) {
			servercounts_fault(&srv->sh->counts,
			                   (unsigned)(k - FAULT_STATUS));
			return (enum fault)k;
		}
	return FAULT_NONE;
}

/* A server that computes: work_us of this thread's CPU, busily. */
static void work(unsigned us)
{
	struct timespec t0, t;

	if (!us || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0) < 0)
		return;
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000L +
	           (t.tv_nsec - t0.tv_nsec) / 1000 <
	       (long)us);
}

static void send_stats(struct server *srv, struct evhttp_request *req)
{
	struct json_out w;
	const char *text;
	size_t len;

	json_out_init(&w, 0);
	servercounts_json(&srv->sh->counts, srv->sh->threads, &w);
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
			servercounts_reset(&srv->sh->counts);
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
                                         enum route_id route, uint64_t n,
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
	enum route_id route;
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
	work(srv->work_us);
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
	servercounts_leave(&srv->sh->counts);
	send_prepared(req, status, fault);
	return;
fail:
	servercounts_leave(&srv->sh->counts);
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
	static _Atomic int warned;
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg; /* evhttp's, not ours */
	if (!atomic_exchange(&warned, 1))
		diag_warn("test server: accept: %s; pausing accepts",
		          strerror(err));
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

static int listen_local(struct server *srv, unsigned port, unsigned *bound,
                        char *err, size_t errlen)
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
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
	        (srv->sh->threads > 1 ? LEV_OPT_REUSEABLE_PORT : 0),
	    LISTEN_BACKLOG, (struct sockaddr *)&sin, sizeof(sin));
	if (!lev) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", port,
		         strerror(errno));
		return -1;
	}
	/* From here on evhttp_free() frees the listener. */
	if (!evhttp_bind_listener(srv->http, lev)) {
		evconnlistener_free(lev);
		snprintf(err, errlen, "cannot attach the listener");
		return -1;
	}
	evconnlistener_set_error_cb(lev, on_accept_error);
	if (getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin,
	                &len) < 0) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return 0;
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

/* Another thread's server stopped: so does this one. */
static void on_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static void server_free(struct server *srv)
{
	if (srv->sigint)
		event_free(srv->sigint);
	if (srv->sigterm)
		event_free(srv->sigterm);
	if (srv->stop)
		event_free(srv->stop);
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

/* What the configuration says, once serverconf_check() accepted it. */
static void apply_config(struct server *srv, const struct server_config *cfg)
{
	unsigned status = serverconf_fail_status(cfg);
	int n, r;

	srv->fraction[FAULT_STATUS] = cfg->fail_fraction;
	srv->fraction[FAULT_CLOSE] = cfg->close_fraction;
	srv->fraction[FAULT_STALL] = cfg->stall_fraction;
	srv->faulty = cfg->fail_fraction > 0 || cfg->close_fraction > 0 ||
	              cfg->stall_fraction > 0;
	srv->fail_status = (int)status;
	n = snprintf(srv->fail_body, sizeof(srv->fail_body),
	             "concbench test server: injected fault %u\n", status);
	srv->fail_body_len = n > 0 ? (size_t)n : 0;
	srv->work_us = cfg->work_us;
	/* Every route's latency: its own if set, else the server's. */
	for (r = 0; r < ROUTE_COUNT; r++)
		srv->timing[r].spec = cfg->route_latency_set[r]
		                          ? cfg->route_latency[r]
		                          : cfg->latency;
	srv->seed = cfg->seed;
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

/*
 * One thread's server, listening on port (0: an ephemeral one, into
 * *port). The first thread's (signals) handles SIGINT and SIGTERM: libevent
 * lets one base have them.
 */
static int server_setup(struct server *srv, const struct server_config *cfg,
                        int signals, unsigned port, unsigned *bound, char *err,
                        size_t errlen)
{
	apply_config(srv, cfg);
	srv->routes = routes_new(cfg);
	srv->base = precise_event_base();
	if (!srv->routes || !srv->base)
		goto nomem;
	srv->http = evhttp_new(srv->base);
	srv->stop =
	    event_new(srv->base, srv->sh->stop[0], EV_READ, on_stop, srv->base);
	if (!srv->http || !srv->stop || event_add(srv->stop, NULL) < 0)
		goto nomem;
	if (signals) {
		srv->sigint =
		    evsignal_new(srv->base, SIGINT, on_signal, srv->base);
		srv->sigterm =
		    evsignal_new(srv->base, SIGTERM, on_signal, srv->base);
		if (!srv->sigint || !srv->sigterm)
			goto nomem;
		if (evsignal_add(srv->sigint, NULL) < 0 ||
		    evsignal_add(srv->sigterm, NULL) < 0) {
			snprintf(err, errlen, "cannot handle signals");
			return -1;
		}
	}
	if (arm_fixed_latencies(srv) < 0)
		goto nomem;
	evhttp_set_allowed_methods(
	    srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	                   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                   EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	                   EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	/* libevent answers a request over a limit itself: 400 for its
	 * headers (it knows no 431), 413 for its body. Its timeout closes a
	 * connection that sends nothing for idle_s while it is read (idle
	 * between requests, or stuck in its headers or body); while the
	 * server delays an answer nothing is read, so no latency is cut. */
	evhttp_set_max_headers_size(srv->http,
	                            (ev_ssize_t)serverconf_header_bytes(cfg));
	evhttp_set_max_body_size(srv->http,
	                         (ev_ssize_t)serverconf_body_bytes(cfg));
	evhttp_set_timeout(srv->http, (int)serverconf_idle_s(cfg));
	evhttp_set_gencb(srv->http, on_request, srv);
	return listen_local(srv, port, bound, err, errlen);
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* Run the process, and the threads it starts, on the CPUs of mask. */
static int pin_to(uint64_t mask, char *err, size_t errlen)
{
	cpu_set_t set;

	serverconf_cpu_set(mask, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		return 0;
	snprintf(err, errlen, "cannot run on the CPUs asked for: %s",
	         strerror(errno));
	return -1;
}

static void *thread_main(void *arg)
{
	struct server *srv = arg;

	event_base_dispatch(srv->base);
	return NULL;
}

int server_run(const struct server_config *cfg, server_ready_fn ready,
               void *arg, char *err, size_t errlen)
{
	struct server_shared sh;
	struct server *srv = NULL;
	struct sigaction sa;
	unsigned port = cfg->port, i, started = 0;
	sigset_t all, old;
	int rc = -1;

	memset(&sh, 0, sizeof(sh));
	sh.stop[0] = sh.stop[1] = -1;
	if (serverconf_check(cfg, err, errlen) < 0)
		return -1;
	sh.threads = serverconf_threads(cfg);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	/* A client closing early must cost a write error, not the process. */
	sigaction(SIGPIPE, &sa, NULL);
	raise_fd_limit();
	if (cfg->cpus && pin_to(cfg->cpus, err, errlen) < 0)
		return -1;
	if (pipe(sh.stop) < 0 || fcntl(sh.stop[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(sh.stop[1], F_SETFD, FD_CLOEXEC) < 0 ||
	    !(srv = calloc(sh.threads, sizeof(*srv)))) {
		snprintf(err, errlen, "cannot set up: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < sh.threads; i++) {
		srv[i].sh = &sh;
		if (server_setup(&srv[i], cfg, i == 0, port, &port, err,
		                 errlen) < 0)
			goto out;
	}
	/* Signals go to the first thread, whose base handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (; started + 1 < sh.threads; started++)
		if (pthread_create(&srv[started + 1].thread, NULL, thread_main,
		                   &srv[started + 1]) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started + 1 < sh.threads) {
		snprintf(err, errlen, "cannot start thread %u of %u",
		         started + 2, sh.threads);
		goto stop;
	}
	if (ready && ready(port, arg) < 0) {
		snprintf(err, errlen, "cannot say it is ready: %s",
		         strerror(errno));
		goto stop;
	}
	if (event_base_dispatch(srv[0].base) < 0) {
		snprintf(err, errlen, "event loop failed");
		goto stop;
	}
	rc = 0;
stop:
	/* Closing the pipe's end wakes every thread's stop event. */
	close(sh.stop[1]);
	sh.stop[1] = -1;
	for (i = 1; i <= started; i++)
		pthread_join(srv[i].thread, NULL);
out:
	for (i = 0; srv && i < sh.threads; i++)
		server_free(&srv[i]);
	free(srv);
	if (sh.stop[0] >= 0)
		close(sh.stop[0]);
	if (sh.stop[1] >= 0)
		close(sh.stop[1]);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * curlev: a curl multi handle watched by a libevent base, for the plugins
 * that use curl's multi socket API. curl's socket and timer callbacks arm
 * events; whatever fires is handed to a wake function in the form
 * curl_multi_socket_action() takes.
 */
#include "curlev.h"

#include <stdlib.h>
#include <string.h>

/*
 * What curl asks us to watch on a socket is an event, found with
 * curl_multi_assign and kept by descriptor after curl removes the socket:
 * curl removes it whenever its connection goes back to the pool and adds
 * it again when the connection is reused, a hundred transfers later, so
 * the same memory serves every transfer on that connection.
 */
struct curlev {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	struct event **by_fd; /* by_fd[fd]: NULL or its event */
	size_t fds;
	curlev_wake_fn wake;
	void *arg;
};

/* The event of fd, made zeroed (event_initialized() says no) if need be;
 * NULL if out of memory. */
static struct event *event_of(struct curlev *cv, curl_socket_t fd)
{
	size_t i = (size_t)fd;

	if (i >= cv->fds) {
		size_t fds = cv->fds ? cv->fds : 64;
		struct event **by_fd;

		while (fds <= i)
			fds *= 2;
		if (!(by_fd = realloc(cv->by_fd, fds * sizeof(*by_fd))))
			return NULL;
		memset(by_fd + cv->fds, 0, (fds - cv->fds) * sizeof(*by_fd));
		cv->by_fd = by_fd;
		cv->fds = fds;
	}
	if (!cv->by_fd[i])
		cv->by_fd[i] = calloc(1, event_get_struct_event_size());
	return cv->by_fd[i];
}

/* The event's argument is the curlev, not the socket: the event of a
 * socket curl closed serves the next socket of that descriptor. */
static void on_socket(evutil_socket_t fd, short kind, void *arg)
{
	struct curlev *cv = arg;
	int mask = 0;

	if (kind & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (kind & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	cv->wake(cv->arg, fd, mask);
}

static void on_timer(evutil_socket_t fd, short kind, void *arg)
{
	struct curlev *cv = arg;

	(void)fd;
	(void)kind;
	cv->wake(cv->arg, CURL_SOCKET_TIMEOUT, 0);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
                     void *socketp)
{
	struct curlev *cv = userp;
	struct event *ev = socketp;
	short kinds = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		/* Safe even from the event's own callback: libevent 2.1 does
		 * not touch a persistent event after its callback returns. */
		if (ev)
			event_del(ev);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kinds |= EV_READ;
	if (what & CURL_POLL_OUT)
		kinds |= EV_WRITE;

	if (!ev) {
		if (fd < 0 || !(ev = event_of(cv, fd)))
			return -1;
		curl_multi_assign(cv->multi, fd, ev);
	}
	/* Level-triggered: a readiness lost by re-arming is seen again on
	 * the next turn of the loop. */
	if (event_initialized(ev))
		event_del(ev);
	event_assign(ev, cv->base, fd, kinds, on_socket, cv);
	if (!(kinds & (EV_READ | EV_WRITE)))
		return 0; /* CURL_POLL_NONE: known, but not watched */
	return event_add(ev, NULL) == 0 ? 0 : -1;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct curlev *cv = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0)
		return evtimer_del(cv->timer) == 0 ? 0 : -1;
	/* Never call curl from here; a zero timeout runs on the next turn
	 * of the loop, outside of curl. */
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(cv->timer, &tv) == 0 ? 0 : -1;
}

struct event_base *curlev_base_new(void)
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

struct curlev *curlev_new(struct event_base *base, CURLM *multi,
                          curlev_wake_fn wake, void *arg)
{
	struct curlev *cv = calloc(1, sizeof(*cv));

	if (!cv)
		return NULL;
	cv->timer = evtimer_new(base, on_timer, cv);
	if (!cv->timer) {
		free(cv);
		return NULL;
	}
	cv->base = base;
	cv->multi = multi;
	cv->wake = wake;
	cv->arg = arg;
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, cv);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERDATA, cv);
	return cv;
}

void curlev_free(struct curlev *cv)
{
	size_t i;

	if (!cv)
		return;
	for (i = 0; i < cv->fds; i++) {
		struct event *ev = cv->by_fd[i];

		if (ev && event_initialized(ev))
			event_del(ev);
		free(ev);
	}
	free(cv->by_fd);
	event_free(cv->timer);
	free(cv);
}

/* SPDX-License-Identifier: MIT */
/*
 * ref-multi: the bare curl-multi + libevent client that bench/overhead.sh
 * holds concbench's eventloop (and mp-eventloop with one process) up to.
 * C easy handles, each given the next URL as soon as its transfer ends,
 * driven by curl's multi socket API on a plain libevent base: libcurl
 * used as simply as it can be, so that whatever concbench spends beyond
 * this is the cost of its host and its plugin.
 *
 *   ref-multi BASE_URL PATTERN N C [TIMEOUT_MS]
 *
 * One line of figures on stdout (see ref.h); exit status 1 if any request
 * failed or had a status other than 2xx.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "ref.h"

/* The longest URL: a base, a path and an index fit with room. */
#define URL_MAX 2048

struct handle {
	CURL *easy;
	char url[URL_MAX];
	char err[CURL_ERROR_SIZE];
};

struct client {
	struct ref_args args;
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	struct handle *handles;
	unsigned long next; /* the index of the next URL to fetch */
	unsigned long ended;
	struct ref_tally tally;
	int broken;
};

static void reap(struct client *cl);

static void on_socket(evutil_socket_t fd, short kind, void *arg)
{
	struct client *cl = arg;
	int mask = 0, running;

	if (kind & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (kind & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	curl_multi_socket_action(cl->multi, fd, mask, &running);
	reap(cl);
}

static void on_timer(evutil_socket_t fd, short kind, void *arg)
{
	struct client *cl = arg;
	int running;

	(void)fd;
	(void)kind;
	curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	reap(cl);
}

/* curl's CURLMOPT_SOCKETFUNCTION: one persistent event per socket, kept
 * with curl_multi_assign, re-armed when curl wants other directions. */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp,
                          void *socketp)
{
	struct client *cl = userp;
	struct event *ev = socketp;
	short kinds = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (ev)
			event_free(ev);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kinds |= EV_READ;
	if (what & CURL_POLL_OUT)
		kinds |= EV_WRITE;
	if (!ev) {
		ev = event_new(cl->base, fd, kinds, on_socket, cl);
		if (!ev)
			return -1;
		curl_multi_assign(cl->multi, fd, ev);
	} else {
		event_del(ev);
		event_assign(ev, cl->base, fd, kinds, on_socket, cl);
	}
	return event_add(ev, NULL);
}

/* curl's CURLMOPT_TIMERFUNCTION: the one timer, never curl called from
 * here (a zero timeout fires on the loop's next turn). */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct client *cl = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0)
		return evtimer_del(cl->timer);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(cl->timer, &tv);
}

/* Give h the next URL, if one is left, and add it to the multi. */
static void start(struct client *cl, struct handle *h)
{
	CURLMcode mc;

	if (cl->next >= cl->args.n)
		return;
	if (ref_url(&cl->args, cl->next, h->url, sizeof(h->url)) < 0 ||
	    curl_easy_setopt(h->easy, CURLOPT_URL, h->url) != CURLE_OK) {
		fprintf(stderr, "URL %lu: too long, or out of memory\n",
		        cl->next);
		cl->broken = 1;
		event_base_loopbreak(cl->base);
		return;
	}
	cl->next++;
	mc = curl_multi_add_handle(cl->multi, h->easy);
	if (mc != CURLM_OK) {
		fprintf(stderr, "curl_multi_add_handle: %s\n",
		        curl_multi_strerror(mc));
		cl->broken = 1;
		event_base_loopbreak(cl->base);
	}
}

/* Count the finished transfers and put their handles back to work at
 * once; stop the loop after the last. */
static void reap(struct client *cl)
{
	struct handle *h;
	CURLcode result;
	CURLMsg *m;
	CURL *easy;
	int left;

	while ((m = curl_multi_info_read(cl->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		easy = m->easy_handle;
		result = m->data.result;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&h);
		curl_multi_remove_handle(cl->multi, easy);
		ref_count(easy, result, h->err, h->url, &cl->tally);
		cl->ended++;
		start(cl, h);
	}
	if (cl->ended >= cl->args.n)
		event_base_loopbreak(cl->base);
}

int main(int argc, char **argv)
{
	struct client cl = {0};
	struct ref_mark from, to;
	unsigned long i, c;
	int rc;

	ref_init(argc, argv, "", &cl.args);
	c = cl.args.c < cl.args.n ? cl.args.c : cl.args.n;
	ref_mark(&from);
	cl.base = event_base_new();
	cl.multi = curl_multi_init();
	cl.handles = calloc(c, sizeof(*cl.handles));
	if (!cl.base || !cl.multi || !cl.handles) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	cl.timer = evtimer_new(cl.base, on_timer, &cl);
	if (!cl.timer)
		return 1;
	curl_multi_setopt(cl.multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(cl.multi, CURLMOPT_SOCKETDATA, &cl);
	curl_multi_setopt(cl.multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(cl.multi, CURLMOPT_TIMERDATA, &cl);
	for (i = 0; i < c; i++) {
		struct handle *h = &cl.handles[i];

		if (!(h->easy = ref_easy(&cl.args, h->err)))
			return 1;
		curl_easy_setopt(h->easy, CURLOPT_PRIVATE, h);
		start(&cl, h);
	}
	/* The loop breaks only after the last transfer, or when broken:
	 * returning otherwise, it ran out of events with work left. */
	if (!cl.broken && (event_base_dispatch(cl.base) < 0 ||
	                   (!cl.broken && cl.ended < cl.args.n))) {
		fprintf(stderr, "the event loop stopped with transfers left\n");
		cl.broken = 1;
	}
	curl_multi_cleanup(cl.multi);
	for (i = 0; i < c; i++)
		curl_easy_cleanup(cl.handles[i].easy);
	event_free(cl.timer);
	event_base_free(cl.base);
	free(cl.handles);
	ref_mark(&to);
	rc = ref_report("ref-multi", &cl.args, &from, &to, &cl.tally);
	curl_global_cleanup();
	return cl.broken ? 1 : rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * evloop: the event-loop engine of eventloop and mp-eventloop (see
 * evloop.h). One thread, one libevent loop driving libcurl's multi socket
 * API, slots that keep their easy handles warm between jobs, and the
 * claiming rule: keep C in flight, or fetch in batches of B.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <event2/event.h>

#include <concbench/plugin.h>

#include "evloop.h"
#include "curlev.h"

struct loop;

/*
 * One transfer at a time. A slot keeps its easy handle between transfers
 * so that each new job reuses a handle that curl has already warmed up.
 * There are never more slots than the concurrency: a new one is made only
 * when every other slot is busy and room is left.
 */
struct slot {
	struct loop *loop;
	struct concbench_job *job; /* NULL while the slot is idle */
	CURL *easy;                /* NULL until the first job */
	unsigned id;               /* its entry in the track array */
	struct slot *next;         /* every slot, for the final cleanup */
	struct slot *next_idle;
};

struct loop {
	struct concbench_host *host;
	struct event_base *base;
	CURLM *multi;
	struct curlev *cv; /* the multi's sockets and timer */
	unsigned limit;
	unsigned in_flight;
	unsigned nslots;
	uint64_t batch;          /* 0: no batches */
	uint64_t batch_left;     /* jobs the current batch may still claim */
	_Atomic uint64_t *track; /* NULL, or limit entries */
	int exhausted;           /* next_job() answered DONE */
	int failed;              /* the engine itself broke */
	struct slot *slots;
	struct slot *idle;
};

static void track(struct loop *l, struct slot *s, uint64_t what)
{
	/* Sequentially consistent: the store must be done before the call
	 * that follows it, or a parent could miss a job of a killed worker. */
	if (l->track)
		atomic_store(&l->track[s->id], what);
}

static struct slot *slot_get(struct loop *l)
{
	struct slot *s = l->idle;

	if (s) {
		l->idle = s->next_idle;
		return s;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->loop = l;
	s->id = l->nslots++;
	s->next = l->slots;
	l->slots = s;
	return s;
}

static void slot_put(struct loop *l, struct slot *s)
{
	track(l, s, EVLOOP_IDLE);
	s->next_idle = l->idle;
	l->idle = s;
}

static void start(struct loop *l, struct slot *s, struct concbench_job *job)
{
	struct concbench_host *host = l->host;
	CURLMcode mc;
	CURL *easy;

	easy = host->easy(host, job, s->easy);
	if (!easy) {
		/* The host recorded the job as failed; s->easy is still ours.
		 */
		slot_put(l, s);
		return;
	}
	s->easy = easy;
	s->job = job;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, s);
	mc = curl_multi_add_handle(l->multi, easy);
	if (mc != CURLM_OK) {
		host->log(host, CONCBENCH_LOG_WARN,
		          "job %llu: curl_multi_add_handle: %s",
		          (unsigned long long)job->index,
		          curl_multi_strerror(mc));
		s->job = NULL;
		host->done(host, job, easy,
		           mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY
		                                     : CURLE_FAILED_INIT);
		slot_put(l, s);
		return;
	}
	l->in_flight++;
}

/*
 * May one more job be claimed now? Without batches, whenever a slot is
 * free. With batches, only while the current batch has room; a new batch
 * opens once the previous one has finished entirely.
 */
static int may_claim(struct loop *l)
{
	if (l->exhausted || l->failed || l->in_flight >= l->limit)
		return 0;
	if (!l->batch)
		return 1;
	if (l->batch_left == 0) {
		if (l->in_flight > 0)
			return 0;
		l->batch_left = l->batch;
	}
	return 1;
}

/*
 * Claim jobs until no more may be claimed or the source has nothing for
 * now. Returns with at least one transfer in flight, or with the source
 * exhausted, or failed: never with an idle loop that still has work.
 */
static void fill(struct loop *l)
{
	struct concbench_host *host = l->host;
	struct concbench_job *job;
	enum concbench_next r;
	struct slot *s;

	while (may_claim(l)) {
		/* Take the slot before the job: a claimed job must run. */
		s = slot_get(l);
		if (!s) {
			if (l->in_flight == 0) {
				host->log(host, CONCBENCH_LOG_ERROR,
				          "out of memory for a transfer");
				l->failed = 1;
			}
			return;
		}
		track(l, s, EVLOOP_CLAIMING);
		r = host->next_job(host, 0, &job);
		/* Nothing in flight can make new jobs appear from here, so
		 * only the host can: let it block. */
		if (r == CONCBENCH_NEXT_NONE_NOW && l->in_flight == 0)
			r = host->next_job(host, CONCBENCH_NEXT_WAIT, &job);
		if (r != CONCBENCH_NEXT_JOB) {
			slot_put(l, s);
			if (r == CONCBENCH_NEXT_DONE) {
				l->exhausted = 1;
			} else if (l->in_flight == 0) {
				host->log(host, CONCBENCH_LOG_ERROR,
				          "next_job answered NONE_NOW to a "
				          "waiting call");
				l->failed = 1;
			}
			return;
		}
		track(l, s, job->index + 1);
		if (l->batch)
			l->batch_left--;
		start(l, s, job);
	}
}

/* Report a job whose transfer ended, and put its slot back to work. */
static void finish(struct loop *l, struct slot *s, CURLcode result)
{
	struct concbench_job *job = s->job;

	s->job = NULL;
	l->in_flight--;
	l->host->done(l->host, job, s->easy, result);
	/* Only now: a worker killed before done() returned still has it. */
	slot_put(l, s);
}

/* Report finished transfers, then claim what may be claimed. */
static void reap(struct loop *l)
{
	CURLcode result;
	CURLMsg *m;
	CURL *easy;
	char *priv;
	int left;

	while ((m = curl_multi_info_read(l->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		/* m dies with curl_multi_remove_handle: copy it first. */
		easy = m->easy_handle;
		result = m->data.result;
		priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		curl_multi_remove_handle(l->multi, easy);
		finish(l, (struct slot *)priv, result);
	}
	fill(l);
	if (l->in_flight == 0)
		event_base_loopbreak(l->base);
}

/* curlev's wake: drive the multi with what fired, then collect. */
static void drive(void *arg, curl_socket_t fd, int mask)
{
	struct loop *l = arg;
	int running;

	curl_multi_socket_action(l->multi, fd, mask, &running);
	reap(l);
}

/* Only reached when the loop broke down: every claimed job is reported. */
static void abandon(struct loop *l)
{
	struct slot *s;

	for (s = l->slots; s; s = s->next) {
		if (!s->job)
			continue;
		curl_multi_remove_handle(l->multi, s->easy);
		finish(l, s, CURLE_ABORTED_BY_CALLBACK);
	}
}

int evloop_fetch(struct concbench_host *host, unsigned concurrency,
                 uint64_t batch, _Atomic uint64_t *track_slots)
{
	struct loop l = {0};
	struct slot *s, *snext;
	int r;

	l.host = host;
	l.limit = concurrency ? concurrency : 1;
	l.batch = batch;
	l.track = track_slots;

	l.base = curlev_base_new();
	if (!l.base) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "cannot create an event base");
		return -1;
	}
	l.multi = curl_multi_init();
	if (!l.multi) {
		host->log(host, CONCBENCH_LOG_ERROR, "curl_multi_init failed");
		event_base_free(l.base);
		return -1;
	}
	l.cv = curlev_new(l.base, l.multi, drive, &l);
	if (!l.cv) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "out of memory for events");
		curl_multi_cleanup(l.multi);
		event_base_free(l.base);
		return -1;
	}
	/* One connection per transfer in flight, all of them kept: with
	 * fewer, curl would close and reopen connections under load. */
	curl_multi_setopt(l.multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	                  (long)l.limit);
	curl_multi_setopt(l.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	                  (long)l.limit);
	curl_multi_setopt(l.multi, CURLMOPT_MAXCONNECTS, (long)l.limit);

	fill(&l);
	while (l.in_flight > 0) {
		r = event_base_dispatch(l.base);
		if (r != 0 && l.in_flight > 0) {
			/* No event left (1) or a backend error (-1): curl
			 * would never be called again. */
			host->log(
			    host, CONCBENCH_LOG_ERROR,
			    "event loop stopped with %u transfers in flight",
			    l.in_flight);
			l.failed = 1;
			abandon(&l);
		}
	}

	/* The cleanup may still call curlev's callbacks: it goes second. */
	curl_multi_cleanup(l.multi);
	curlev_free(l.cv);
	for (s = l.slots; s; s = snext) {
		snext = s->next;
		if (s->easy)
			curl_easy_cleanup(s->easy);
		free(s);
	}
	event_base_free(l.base);
	return l.failed ? -1 : 0;
}

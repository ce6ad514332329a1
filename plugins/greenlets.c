/* SPDX-License-Identifier: MIT */
/*
 * greenlets: C user-space coroutines on one OS thread, driven by a
 * libevent hub, the way gevent runs greenlets.
 *
 * The seed it stands for: gevent (000, 001), where monkey-patched blocking
 * code (requests.get in a loop) runs in greenlets; a greenlet that would
 * block on its socket switches to the hub, which switches back to it when
 * that socket is ready.
 *
 * Each coroutine runs straight-line code:
 *
 *	while ((job = next job)) {
 *		easy = host->easy(host, job, easy);
 *		host->done(host, job, easy, green_perform(co, easy));
 *	}
 *
 * green_perform() looks blocking to its caller. Underneath, every
 * coroutine owns a curl multi handle holding at most its one easy handle;
 * the multi's socket and timer callbacks arm libevent events whose
 * callbacks resume that coroutine. green_perform() adds the handle, then
 * loops { curl_multi_socket_action() for what woke us (first: the
 * timeout that starts the transfer); curl_multi_info_read(); yield to
 * the hub } until the transfer is done, and removes the handle. The
 * connection stays in that multi's cache, so one coroutine's jobs share a
 * kept-alive connection, as a requests.Session in a greenlet does. curl
 * runs on the coroutine's stack, as gevent runs the socket code in the
 * greenlet: the hub only waits and switches.
 *
 * One OS thread, no threads of our own; contexts are switched with
 * ucontext. swapcontext costs a sigprocmask system call per switch; with
 * keep-alive a request takes about one resume, small next to the socket
 * calls it stands for. The price of a multi per coroutine is memory:
 * libcurl 7.88 gives each multi a 911-slot socket hash (29 KiB) once it
 * watches a socket, so a coroutine costs about 48 KiB more than a slot of
 * the eventloop strategy, of which its stack is only 8 KiB.
 *
 * The coroutines are started together, min(C, jobs known at the start)
 * of them, each running one transfer at a time, so at most C are in
 * flight. With CONCBENCH_NEXT_NONE_NOW a coroutine parks until another
 * one reports a job; when every live coroutine is parked so, nothing is
 * in flight, and the last one to park asks the host with
 * CONCBENCH_NEXT_WAIT instead.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, MAP_STACK */
#endif

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#include <concbench/plugin.h>

#include "curlev.h"

/*
 * valgrind cannot tell a stack switch from a huge stack-pointer move
 * unless told where the stacks are; without its header it only warns.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define GREEN_VALGRIND 1
#endif
#endif

/*
 * AddressSanitizer keeps a shadow of the current stack; it must be told
 * about each switch, or it reports false positives on the other stack.
 */
#if defined(__SANITIZE_ADDRESS__)
#define GREEN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GREEN_ASAN 1
#endif
#endif
#ifdef GREEN_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

/*
 * The usable stack of one coroutine. Everything a transfer does runs on
 * it: curl_multi_socket_action() down through libcurl's protocol code and
 * its TLS backend, the host's easy(), done() and log() with their line
 * buffers, and our libevent calls. Measured on loopback with libcurl 7.88:
 * 8 KiB deep for HTTP, 12 KiB for an HTTPS handshake (OpenSSL 3, RSA
 * 2048). 256 KiB is for what that did not exercise and a thread stack
 * would have absorbed: getaddrinfo() with NSS modules on a libcurl built
 * without the threaded resolver, other TLS backends, HTTP/2, proxies,
 * later libcurl versions. The size costs address space only: the mapping
 * is MAP_NORESERVE and faulted in lazily, so only touched pages count in
 * RSS. One PROT_NONE page below it turns an overflow into a crash, not
 * silent corruption of whatever lies below.
 */
#define GREEN_STACK_SIZE (256u * 1024u)

#ifndef MAP_STACK
#define MAP_STACK 0
#endif

struct green;

enum co_state {
	CO_NEW, /* made, never run */
	CO_RUN, /* running on its stack */
	CO_IO,  /* blocked in green_perform() */
	CO_JOB, /* parked: next_job() answered NONE_NOW */
	CO_DEAD /* returned to the hub for good: never resume */
};

/* Why the hub resumed a blocked coroutine. */
enum wake {
	WAKE_NONE,
	WAKE_SOCKET, /* wake_fd is ready for wake_mask */
	WAKE_TIMER,  /* the multi's timer expired */
	WAKE_JOBS,   /* another coroutine reported a job or finished */
	WAKE_ABORT   /* the hub is tearing down: unwind */
};

struct coro {
	struct green *g;
	ucontext_t ctx;
	enum co_state state;
	char *map; /* guard page + stack */
	size_t map_len;
	char *stack; /* lowest usable byte */
#ifdef GREEN_VALGRIND
	unsigned vg_stack;
#endif
#ifdef GREEN_ASAN
	void *asan_fake; /* its fake stack while it is switched out */
#endif
	CURLM *multi;
	CURL *easy;        /* reused for every job; NULL until the first */
	struct curlev *cv; /* the multi's sockets and timer */
	enum wake wake;
	curl_socket_t wake_fd;
	int wake_mask;
};

/* The hub: the scheduler, running on the stack of run(). */
struct green {
	struct concbench_host *host;
	struct event_base *base;
	struct event *jobs_ev; /* activated when parked coroutines may retry */
	ucontext_t hub;
#ifdef GREEN_ASAN
	void *asan_fake;
	const void *hub_bottom;
	size_t hub_size;
#endif
	struct coro *coros;
	unsigned n;
	unsigned alive;  /* not CO_DEAD */
	unsigned parked; /* CO_JOB */
	int failed;      /* the strategy itself broke */
	int aborting;    /* every coroutine must unwind */
};

static void co_release(struct coro *co);

/* ---- switching ---------------------------------------------------------- */

/* Hub -> coroutine; returns when it blocks or dies. */
static void co_resume(struct coro *co)
{
	struct green *g = co->g;

	/* A dead coroutine's context points into a finished frame. */
	if (co->state == CO_DEAD)
		return;
#ifdef GREEN_ASAN
	__sanitizer_start_switch_fiber(&g->asan_fake, co->stack,
	                               GREEN_STACK_SIZE);
#endif
	swapcontext(&g->hub, &co->ctx);
#ifdef GREEN_ASAN
	__sanitizer_finish_switch_fiber(g->asan_fake, NULL, NULL);
#endif
	if (co->state != CO_DEAD)
		return;
	/* Its connections and events go now: a socket still watched for a
	 * coroutine that will never drive it again could only spin. */
	co_release(co);
	g->alive--;
	if (g->alive == 0)
		event_base_loopbreak(g->base);
	else if (g->parked)
		/* It saw DONE, or the parked ones are now alone: let them
		 * ask again. */
		event_active(g->jobs_ev, 0, 0);
}

/* Coroutine -> hub. Returns when the hub resumes us; co->wake says why. */
static void co_block(struct coro *co, enum co_state state)
{
	struct green *g = co->g;

	co->state = state;
	co->wake = WAKE_NONE;
#ifdef GREEN_ASAN
	__sanitizer_start_switch_fiber(&co->asan_fake, g->hub_bottom,
	                               g->hub_size);
#endif
	swapcontext(&co->ctx, &g->hub);
#ifdef GREEN_ASAN
	__sanitizer_finish_switch_fiber(co->asan_fake, NULL, NULL);
#endif
	co->state = CO_RUN;
}

/* Event callbacks run on the hub: hand the event to its coroutine. */
static void co_wake(struct coro *co, enum wake why, curl_socket_t fd, int mask)
{
	/* Only a blocked coroutine can take a wake; a dead one has no
	 * events left, and this keeps it that way. A wake may be stale (two
	 * events were active, the first finished the transfer): curl ignores
	 * a socket it no longer knows and a timeout not yet due. */
	if (co->state != CO_IO && co->state != CO_JOB)
		return;
	co->wake = why;
	co->wake_fd = fd;
	co->wake_mask = mask;
	co_resume(co);
}

/* curlev's wake: resume the coroutine that owns the multi. */
static void on_curl(void *arg, curl_socket_t fd, int mask)
{
	co_wake(arg, fd == CURL_SOCKET_TIMEOUT ? WAKE_TIMER : WAKE_SOCKET, fd,
	        mask);
}

static void on_jobs(evutil_socket_t fd, short kind, void *arg)
{
	struct green *g = arg;
	unsigned i;

	(void)fd;
	(void)kind;
	for (i = 0; i < g->n; i++)
		if (g->coros[i].state == CO_JOB)
			co_wake(&g->coros[i], WAKE_JOBS, CURL_SOCKET_BAD, 0);
}

/* A job was reported: parked coroutines may find a new one now. */
static void jobs_changed(struct green *g)
{
	if (g->parked)
		event_active(g->jobs_ev, 0, 0);
}

/* Tear everything down; the coroutines notice at their next wake. */
static void fail(struct green *g)
{
	g->failed = 1;
	g->aborting = 1;
	event_base_loopbreak(g->base);
}

/* ---- the coroutine side ----------------------------------------------- */

/* Give the multi what woke us. */
static CURLMcode co_drive(struct coro *co)
{
	int running;

	switch (co->wake) {
	case WAKE_SOCKET:
		return curl_multi_socket_action(co->multi, co->wake_fd,
		                                co->wake_mask, &running);
	case WAKE_TIMER:
		return curl_multi_socket_action(co->multi, CURL_SOCKET_TIMEOUT,
		                                0, &running);
	default:
		return CURLM_OK;
	}
}

/*
 * Fetch with easy as if blocking, letting the other coroutines run
 * whenever the transfer waits. Returns the transfer's CURLcode.
 */
static CURLcode green_perform(struct coro *co, CURL *easy)
{
	struct concbench_host *host = co->g->host;
	CURLcode result = CURLE_OK;
	CURLMcode mc;
	CURLMsg *m;
	int left, done = 0;

	mc = curl_multi_add_handle(co->multi, easy);
	if (mc != CURLM_OK) {
		host->log(host, CONCBENCH_LOG_WARN, "curl_multi_add_handle: %s",
		          curl_multi_strerror(mc));
		return mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY
		                                 : CURLE_FAILED_INIT;
	}
	/*
	 * Adding armed a zero timer; run that timeout now rather than
	 * through the hub: the request goes out without a round trip
	 * through the loop, and curl re-arms the timer for what comes next.
	 */
	co->wake = WAKE_TIMER;
	for (;;) {
		mc = co_drive(co);
		if (mc != CURLM_OK) {
			host->log(host, CONCBENCH_LOG_WARN,
			          "curl_multi_socket_action: %s",
			          curl_multi_strerror(mc));
			result = CURLE_FAILED_INIT;
			break;
		}
		/* Our multi holds this one handle: any DONE is ours. */
		while ((m = curl_multi_info_read(co->multi, &left))) {
			if (m->msg == CURLMSG_DONE) {
				result = m->data.result;
				done = 1;
			}
		}
		if (done)
			break;
		co_block(co, CO_IO);
		if (co->g->aborting) {
			result = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
	}
	/* The connection goes back to the multi's cache for the next job. */
	curl_multi_remove_handle(co->multi, easy);
	return result;
}

/* next_job() for a coroutine: parks it while the answer is NONE_NOW. */
static enum concbench_next co_next_job(struct coro *co,
                                       struct concbench_job **job)
{
	struct green *g = co->g;
	struct concbench_host *host = g->host;
	enum concbench_next r;

	for (;;) {
		if (g->aborting)
			return CONCBENCH_NEXT_DONE;
		r = host->next_job(host, 0, job);
		if (r != CONCBENCH_NEXT_NONE_NOW)
			return r;
		if (g->parked + 1 >= g->alive) {
			/* Every other live coroutine is parked too: no
			 * transfer is in flight, only the host can make a
			 * job appear, so let it block. */
			r = host->next_job(host, CONCBENCH_NEXT_WAIT, job);
			if (r == CONCBENCH_NEXT_NONE_NOW) {
				host->log(host, CONCBENCH_LOG_ERROR,
				          "next_job answered NONE_NOW to a "
				          "waiting call");
				fail(g);
				return CONCBENCH_NEXT_DONE;
			}
			/* Whatever it said holds for the others too. */
			jobs_changed(g);
			return r;
		}
		g->parked++;
		do {
			co_block(co, CO_JOB);
			/* Our idle multi may still have housekeeping on its
			 * cached connection. */
			co_drive(co);
		} while (co->wake != WAKE_JOBS && !g->aborting);
		g->parked--;
	}
}

static void co_main(struct coro *co)
{
	struct green *g = co->g;
	struct concbench_host *host = g->host;
	struct concbench_job *job;
	CURL *easy;

	while (co_next_job(co, &job) == CONCBENCH_NEXT_JOB) {
		easy = host->easy(host, job, co->easy);
		if (easy) {
			co->easy = easy;
			host->done(host, job, easy, green_perform(co, easy));
		}
		/* else: recorded as failed and released; co->easy is ours */
		jobs_changed(g);
	}
}

/* makecontext() passes ints: the coroutine's address comes in halves. */
static void co_entry(unsigned hi, unsigned lo)
{
	/* Two 16-bit shifts: well defined when uintptr_t has 32 bits. */
	struct coro *co =
	    (struct coro *)(((uintptr_t)hi << 16 << 16) | (uintptr_t)lo);
	struct green *g = co->g;

#ifdef GREEN_ASAN
	__sanitizer_finish_switch_fiber(NULL, &g->hub_bottom, &g->hub_size);
#endif
	co->state = CO_RUN;
	co_main(co);
	co->state = CO_DEAD;
	/* Leave for good. Returning would need uc_link, and the hub frees
	 * this stack only once it runs on its own again. */
#ifdef GREEN_ASAN
	__sanitizer_start_switch_fiber(NULL, g->hub_bottom, g->hub_size);
#endif
	setcontext(&g->hub);
	abort(); /* setcontext() does not return on success */
}

/* ---- the hub side ---------------------------------------------------------
 */

/* Returns NULL, or what could not be set up. */
static const char *co_init(struct green *g, struct coro *co)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t p = (uintptr_t)co;

	co->g = g;
	co->state = CO_NEW;
	co->wake_fd = CURL_SOCKET_BAD;
	if (page <= 0)
		page = 4096;
	co->map_len = (size_t)page + GREEN_STACK_SIZE;
	co->map = mmap(NULL, co->map_len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
	               -1, 0);
	if (co->map == MAP_FAILED) {
		co->map = NULL;
		return "mmap of its stack failed";
	}
	if (mprotect(co->map, (size_t)page, PROT_NONE) != 0)
		return "mprotect of its guard page failed";
	co->stack = co->map + page;
#ifdef GREEN_VALGRIND
	co->vg_stack =
	    VALGRIND_STACK_REGISTER(co->stack, co->stack + GREEN_STACK_SIZE);
#endif
	if (getcontext(&co->ctx) != 0)
		return "getcontext failed";
	co->ctx.uc_stack.ss_sp = co->stack;
	co->ctx.uc_stack.ss_size = GREEN_STACK_SIZE;
	co->ctx.uc_link = NULL; /* co_entry never returns */
	makecontext(&co->ctx, (void (*)(void))co_entry, 2,
	            (unsigned)(p >> 16 >> 16), (unsigned)p);

	co->multi = curl_multi_init();
	if (!co->multi)
		return "curl_multi_init failed";
	co->cv = curlev_new(g->base, co->multi, on_curl, co);
	if (!co->cv)
		return "out of memory for events";
	return NULL;
}

/*
 * Free a coroutine's curl handles and events; it must never run curl
 * again (dead, or never started). Safe from the callback of one of
 * those events: libevent does not touch an event after its callback.
 */
static void co_release(struct coro *co)
{
	/* The cleanup may still call curlev's callbacks: it goes second. */
	if (co->multi)
		curl_multi_cleanup(co->multi);
	co->multi = NULL;
	curlev_free(co->cv);
	co->cv = NULL;
	if (co->easy)
		curl_easy_cleanup(co->easy);
	co->easy = NULL;
}

/* Only for a coroutine that never ran or is dead: not on its stack. */
static void co_free(struct coro *co)
{
	co_release(co);
#ifdef GREEN_VALGRIND
	if (co->stack)
		VALGRIND_STACK_DEREGISTER(co->vg_stack);
#endif
	if (co->map)
		munmap(co->map, co->map_len);
}

static int greenlets_run(struct concbench_host *host, void *state)
{
	struct green g = {0};
	unsigned i, made = 0;
	const char *why;
	int r;

	(void)state;
	g.host = host;
	/* One coroutine per transfer in flight, no more than there are
	 * jobs: each runs one transfer at a time, so C is never exceeded. */
	g.n = host->concurrency ? host->concurrency : 1;
	if (host->jobs_hint && host->jobs_hint < g.n) /* 0: not known */
		g.n = (unsigned)host->jobs_hint;

	g.base = curlev_base_new();
	if (!g.base) {
		host->log(host, CONCBENCH_LOG_ERROR,
		          "cannot create an event base");
		return -1;
	}
	g.jobs_ev = event_new(g.base, -1, 0, on_jobs, &g);
	g.coros = calloc(g.n, sizeof(*g.coros));
	if (!g.jobs_ev || !g.coros) {
		host->log(host, CONCBENCH_LOG_ERROR, "out of memory");
		g.failed = 1;
		goto out;
	}
	for (made = 0; made < g.n; made++) {
		why = co_init(&g, &g.coros[made]);
		if (why) {
			host->log(host, CONCBENCH_LOG_ERROR,
			          "cannot set up coroutine %u of %u: %s",
			          made + 1, g.n, why);
			made++; /* partly set up: co_free() knows how */
			g.failed = 1;
			goto out;
		}
	}

	/* Start them all: each claims a job and blocks in its transfer. */
	g.alive = g.n;
	for (i = 0; i < g.n; i++)
		co_resume(&g.coros[i]);

	while (g.alive > 0 && !g.aborting) {
		r = event_base_dispatch(g.base);
		if (g.alive > 0 && !g.aborting && r != 0) {
			/* No event left (1) or a backend error (-1): the
			 * blocked coroutines would never be resumed. */
			host->log(
			    host, CONCBENCH_LOG_ERROR,
			    "event loop stopped with %u coroutines blocked",
			    g.alive);
			fail(&g);
		}
	}
	/* Unwind whatever still runs: a transfer in flight is reported as
	 * abandoned, and each coroutine dies on its first resume. */
	g.aborting = 1;
	for (i = 0; i < g.n; i++) {
		g.coros[i].wake = WAKE_ABORT;
		co_resume(&g.coros[i]);
	}

out:
	for (i = 0; i < made; i++)
		co_free(&g.coros[i]);
	free(g.coros);
	if (g.jobs_ev)
		event_free(g.jobs_ev);
	event_base_free(g.base);
	return g.failed ? -1 : 0;
}

static const struct concbench_plugin greenlets_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "greenlets",
    .summary = "C user-space coroutines on one thread (gevent): "
               "blocking-style fetch code that yields to a libevent hub",
    .options = NULL,
    .init = NULL,
    .run = greenlets_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(greenlets_plugin)

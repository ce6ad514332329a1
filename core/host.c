/* SPDX-License-Identifier: MIT */
/*
 * host: the host of the plugin ABI in a measurement process. A job the
 * plugin holds is a struct host_job: its URL and request body (request.c),
 * the body received when a check or a listing reads it, and where its
 * result goes.
 *
 * The plugin is not trusted with job objects. They are slots of a slab the
 * host owns, never freed while it lives, so a job pointer is checked
 * against the slab before it is read, a job reported twice is seen as
 * such, and a slot is reused only after many others were (a stale pointer
 * used late still finds its old job). A call the contract forbids (a
 * foreign job, a call after run() returned) is recorded in memory shared
 * with forked workers, and fails the loop.
 *
 * A slot is one cache line; what a held job needs beyond it (its URL,
 * body, error buffer) is a work area, taken back the moment the job is
 * reported and handed to the next job first: a request then works in
 * memory still in the cache, where slots cycling through the quarantine
 * whole cost a cache miss for every line a request touched.
 *
 * The host also keeps a book of the curl handles it configured, and for
 * which kind of job: a reused handle is reset and configured whole only
 * when the job is of another kind, or the handle is not one it knows.
 */
#include "config.h"

#include "host.h"

#include <concbench/plugin.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "clock.h"
#include "diag.h"
#include "discovery.h"
#include "histogram.h"
#include "jobs.h"
#include "request.h"
#include "scenario.h"

/* A body is kept for checks and listings up to this size. */
#define HOST_BODY_MAX (64u << 20)
/* A URL and request body up to this size live in the job's slot. */
#define HOST_JOB_INLINE 192
/* A released slot is reused after this many others were released. */
#define SLAB_QUARANTINE 1024
/* The slab grows by chunks of 64, 128, 256, ... slots. */
#define SLAB_FIRST_CHUNK 64
#define SLAB_CHUNKS 40

enum slot_state { SLOT_HELD = 1, SLOT_RELEASED };

/* A line wanted soon, for writing: a slot comes back to use after a
 * thousand others and is out of the cache by then. */
#if defined(__GNUC__)
#define SLOT_PREFETCH(p) __builtin_prefetch((p), 1)
#else
#define SLOT_PREFETCH(p) ((void)(p))
#endif

/* What a held job has beyond its slot; free (on the slab's list) once the
 * job was reported. */
struct job_work {
	struct host_job *slot; /* of the job holding it */
	struct job_work *next_free;
	struct job_work *next_made; /* every work area, for slab_free() */
	/* From here to `inline_text`, cleared when the area is reused. */
	struct host *h;
	char *url; /* then the request body: in inline_text or malloc'd */
	enum job_kind kind;
	uint64_t page; /* of a listing */
	uint64_t bytes;
	int keep_body; /* checks or a listing read it */
	int more;      /* a listing's "there is more" header said so */
	int body_cut;  /* the body outgrew HOST_BODY_MAX */
	char *body;    /* kept body, NUL-terminated */
	size_t body_len, body_cap;
	const char *request_body; /* NULL: none */
	size_t request_body_len;
	uint64_t started_ns; /* when easy() handed it out; 0: never */
	uint64_t ended_ns;   /* when done() was called */
	char inline_text[HOST_JOB_INLINE];
	char errbuf[CURL_ERROR_SIZE]; /* only [0] cleared: curl writes it */
};

/* A job as the host sees it; the plugin sees only `pub`, which comes first
 * so that the plugin's pointer is the slot's. One cache line. */
struct host_job {
	_Alignas(64) struct concbench_job pub;
	_Atomic unsigned state;
	uint64_t index; /* pub.index is the plugin's to overwrite */
	struct host_job *next_released; /* in the slab's quarantine */
	struct job_work *work;          /* NULL once released */
};
_Static_assert(sizeof(struct host_job) == 64, "a slot is one cache line");

/* The job objects of a host: chunks of slots that never move, a FIFO of
 * released slots, and the work areas, the free ones last freed first. */
struct job_slab {
	struct host_job *chunk[SLAB_CHUNKS];
	size_t chunk_len[SLAB_CHUNKS];
	_Atomic unsigned chunks; /* raised after chunk[] and chunk_len[] */
	size_t carved;           /* slots handed out of the last chunk */
	struct host_job *released, *released_tail;
	size_t released_count;
	struct job_work *free_work, *made_work;
};

/* The handles easy() configured, by address: open addressing, never
 * emptied (a handle freed and another made at its address is noted anew
 * when easy() configures that one). */
struct handle_book {
	struct handle_note {
		CURL *easy;
		int kind; /* of its last job; -1: unknown, configure whole */
	} * note;
	size_t len, cap; /* cap: 0 or a power of two */
};

/* What the plugin's processes share: whether run() is running, and the
 * first broken rule of the contract. */
struct host_shared {
	_Atomic int open, ran; /* run() is running; it has returned once */
	_Atomic int broken_taken, broken_ready;
	char broken[JOBS_ERROR_MAX];
};

struct host {
	struct concbench_host pub;
	struct host_config cfg;
	struct job_table *jobs;
	struct request_maker req;
	struct checker check;
	struct job_slab slab;
	struct handle_book book;
	struct host_shared *shared;
	int has_req, has_check; /* initialized, so to be freed */
};

static struct host *host_of(struct concbench_host *pub)
{
	return pub->host_private;
}

/* ---- the contract -------------------------------------------------------- */

static void broken(struct host *h, const char *fmt, ...) CB_PRINTF(2, 3);

/* Keep the first breach; later ones add nothing the first did not say. */
static void broken(struct host *h, const char *fmt, ...)
{
	va_list ap;

	if (atomic_exchange(&h->shared->broken_taken, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(h->shared->broken, sizeof(h->shared->broken), fmt, ap);
	va_end(ap);
	atomic_store(&h->shared->broken_ready, 1);
}

/* A host call is allowed only while run() runs. */
static int call_allowed(struct host *h, const char *call)
{
	if (atomic_load_explicit(&h->shared->open, memory_order_relaxed))
		return 1;
	broken(h, "strategy called %s %s", call,
	       atomic_load(&h->shared->ran) ? "after run() returned"
	                                    : "before run()");
	return 0;
}

/* ---- job objects ----------------------------------------------------- */

/*
 * One lock for every slab and book of handles of the process, held across
 * fork() so that a worker forked while another thread claims a job
 * inherits it unlocked.
 */
static pthread_mutex_t slab_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t slab_atfork_once = PTHREAD_ONCE_INIT;

static void slab_lock_take(void)
{
	pthread_mutex_lock(&slab_lock);
}

static void slab_lock_give(void)
{
	pthread_mutex_unlock(&slab_lock);
}

static void slab_atfork(void)
{
	pthread_atfork(slab_lock_take, slab_lock_give, slab_lock_give);
}

/* A free work area, the last one freed first; NULL if out of memory.
 * Under the slab's lock. */
static struct job_work *work_take(struct job_slab *s)
{
	struct job_work *w = s->free_work;

	if (w) {
		s->free_work = w->next_free;
		return w;
	}
	if (!(w = calloc(1, sizeof(*w))))
		return NULL;
	w->next_made = s->made_work;
	s->made_work = w;
	return w;
}

/* w back to the free ones, to be taken first. Under the slab's lock. */
static void work_give(struct job_slab *s, struct job_work *w)
{
	w->next_free = s->free_work;
	s->free_work = w;
}

/* A slot with a work area, or NULL if out of memory. */
static struct host_job *slot_take(struct job_slab *s)
{
	struct host_job *job = NULL;
	struct job_work *w;

	slab_lock_take();
	if (!(w = work_take(s)))
		goto out;
	if (s->released_count > SLAB_QUARANTINE) {
		job = s->released;
		s->released = job->next_released;
		s->released_count--;
		SLOT_PREFETCH(s->released); /* the next one taken */
	} else {
		if (!s->chunks || s->carved == s->chunk_len[s->chunks - 1]) {
			size_t len = (size_t)SLAB_FIRST_CHUNK << s->chunks;
			struct host_job *chunk = NULL;

			if (s->chunks < SLAB_CHUNKS &&
			    (chunk = aligned_alloc(_Alignof(struct host_job),
			                           len * sizeof(*chunk)))) {
				memset(chunk, 0, len * sizeof(*chunk));
				s->chunk[s->chunks] = chunk;
				s->chunk_len[s->chunks] = len;
				s->chunks++; /* publishes them to slot_of() */
				s->carved = 0;
			}
		}
		if (s->chunks && s->carved < s->chunk_len[s->chunks - 1])
			job = &s->chunk[s->chunks - 1][s->carved++];
	}
	if (job) {
		job->work = w;
		w->slot = job;
	} else {
		work_give(s, w);
	}
out:
	slab_lock_give();
	return job;
}

/* A stale pointer's late look at the job finds no text of another. */
static const char released_url[] = "";

static void slot_release(struct job_slab *s, struct host_job *job)
{
	struct job_work *w = job->work;

	atomic_store(&job->state, SLOT_RELEASED);
	if (w->url != w->inline_text)
		free(w->url);
	free(w->body);
	w->url = w->body = NULL;
	job->work = NULL;
	job->pub.url = released_url;
	job->next_released = NULL;
	slab_lock_take();
	if (s->released)
		s->released_tail->next_released = job;
	else
		s->released = job;
	s->released_tail = job;
	s->released_count++;
	work_give(s, w);
	slab_lock_give();
}

/* The slot a plugin's job pointer names, or NULL if it names none. The
 * chunks never move or shrink, so they are read without the lock, up to
 * the count loaded (an acquire of slot_take()'s release). */
static struct host_job *slot_of(struct job_slab *s,
                                const struct concbench_job *pub)
{
	uintptr_t p = (uintptr_t)pub;
	unsigned i = s->chunks;

	/* Newest first: each chunk is as large as all before it together. */
	while (i-- > 0) {
		uintptr_t base = (uintptr_t)s->chunk[i];
		size_t bytes = s->chunk_len[i] * sizeof(struct host_job);

		if (p >= base && p - base < bytes)
			return (p - base) % sizeof(struct host_job)
			           ? NULL
			           : (struct host_job *)pub;
	}
	return NULL;
}

static void slab_free(struct job_slab *s)
{
	struct job_work *w, *next;
	unsigned i;

	/* A released area has freed its own; a held one's job was lost. */
	for (w = s->made_work; w; w = next) {
		next = w->next_made;
		if (w->url != w->inline_text)
			free(w->url);
		free(w->body);
		free(w);
	}
	for (i = 0; i < s->chunks; i++)
		free(s->chunk[i]);
	memset(s, 0, sizeof(*s));
}

/* ---- the book of handles ---------------------------------------------- */

static struct handle_note *note_slot(struct handle_note *note, size_t cap,
                                     const CURL *easy)
{
	/* Fibonacci hashing of the address: handles are 16-byte aligned. */
	size_t i = (size_t)(((uintptr_t)easy >> 4) * 0x9E3779B97F4A7C15ull) &
	           (cap - 1);

	while (note[i].easy && note[i].easy != easy)
		i = (i + 1) & (cap - 1);
	return &note[i];
}

/* The kind of job easy was last configured for, -1 if not known. */
static int book_kind(struct handle_book *b, const CURL *easy)
{
	int kind = -1;

	slab_lock_take();
	if (b->cap) {
		struct handle_note *n = note_slot(b->note, b->cap, easy);
		if (n->easy)
			kind = n->kind;
	}
	slab_lock_give();
	return kind;
}

/* Note easy as configured for kind (-1: in a state not known). Out of
 * memory, a handle is left out of the book: configured whole next time. */
static void book_note(struct handle_book *b, CURL *easy, int kind)
{
	struct handle_note *n;

	slab_lock_take();
	if ((b->len + 1) * 2 > b->cap && kind >= 0) {
		size_t cap = b->cap ? b->cap * 2 : 64, i;
		struct handle_note *note = calloc(cap, sizeof(*note));

		if (note) {
			for (i = 0; i < b->cap; i++)
				if (b->note[i].easy)
					*note_slot(note, cap, b->note[i].easy) =
					    b->note[i];
			free(b->note);
			b->note = note;
			b->cap = cap;
		}
	}
	if (b->cap) {
		n = note_slot(b->note, b->cap, easy);
		if (n->easy)
			n->kind = kind;
		else if ((b->len + 1) * 2 <= b->cap && kind >= 0) {
			n->easy = easy;
			n->kind = kind;
			b->len++;
		}
	}
	slab_lock_give();
}

/*
 * The held job a plugin's pointer names, or NULL after recording why not.
 * With `release` (done()), the job stops being held at once, so that a
 * second report, even in a thread racing this one, counts as a duplicate
 * of its index.
 */
static struct host_job *held_job(struct host *h, struct concbench_job *pub,
                                 const char *call, int release)
{
	struct host_job *job;

	if (!call_allowed(h, call))
		return NULL;
	if (!pub) {
		broken(h, "strategy called %s with a NULL job", call);
		return NULL;
	}
	if (!(job = slot_of(&h->slab, pub))) {
		broken(h,
		       "strategy called %s with a job the host did not hand "
		       "out",
		       call);
		return NULL;
	}
	if (release) {
		unsigned held = SLOT_HELD;
		if (atomic_compare_exchange_strong(&job->state, &held,
		                                   SLOT_RELEASED))
			return job;
		jobs_record(h->jobs, job->index, 0, NULL);
		return NULL;
	}
	if (atomic_load(&job->state) != SLOT_HELD) {
		broken(h, "strategy called %s for job %" PRIu64 " after done()",
		       call, job->index);
		return NULL;
	}
	return job;
}

/* ---- jobs -------------------------------------------------------------- */

/* What job index is: static, or added with a kind, number and text. */
struct job_origin {
	unsigned kind;
	uint64_t number;
	const char *text;
};

static int job_origin(const struct host *h, uint64_t index,
                      struct job_origin *o)
{
	o->kind = JOB_STATIC;
	o->number = 0;
	o->text = NULL;
	if (index < h->cfg.urls)
		return 0;
	return jobs_added(h->jobs, index, &o->kind, &o->number, &o->text);
}

static struct host_job *job_new(struct host *h, uint64_t index)
{
	struct job_origin o;
	size_t need, body_at;
	struct host_job *job;
	struct job_work *w;

	if (job_origin(h, index, &o) < 0)
		return NULL;
	if (!(job = slot_take(&h->slab)))
		return NULL;
	w = job->work;
	memset(&w->h, 0,
	       offsetof(struct job_work, inline_text) -
	           offsetof(struct job_work, h));
	w->errbuf[0] = '\0';
	w->url = w->inline_text;
	need =
	    request_describe(&h->req, index, o.kind, o.number, o.text,
	                     w->inline_text, sizeof(w->inline_text), &body_at);
	if (need > sizeof(w->inline_text)) {
		if (!(w->url = malloc(need))) {
			slot_release(&h->slab, job);
			return NULL;
		}
		request_describe(&h->req, index, o.kind, o.number, o.text,
		                 w->url, need, &body_at);
	}
	job->pub.index = job->index = index;
	job->pub.url = w->url;
	job->pub.plugin_data = NULL;
	w->h = h;
	w->kind = o.kind;
	w->page = o.number;
	if (request_has_body(&h->req, o.kind)) {
		w->request_body = w->url + body_at;
		w->request_body_len = strlen(w->request_body);
	}
	w->keep_body =
	    o.kind == JOB_LISTING ||
	    check_reads_body(&h->cfg.scn->check, o.kind == JOB_FOUND);
	atomic_store(&job->state, SLOT_HELD);
	return job;
}

static enum concbench_next host_next_job(struct concbench_host *pub,
                                         unsigned flags,
                                         struct concbench_job **out)
{
	struct host *h = host_of(pub);
	int wait = (flags & CONCBENCH_NEXT_WAIT) != 0;
	struct host_job *job;
	uint64_t index;

	*out = NULL;
	if (!call_allowed(h, "next_job()"))
		return CONCBENCH_NEXT_DONE;
	for (;;) {
		switch (jobs_take(h->jobs, wait, &index)) {
		case JOBS_NONE_NOW:
			return CONCBENCH_NEXT_NONE_NOW;
		case JOBS_DONE:
			return CONCBENCH_NEXT_DONE;
		case JOBS_TAKEN:
			break;
		}
		if (h->cfg.progress && h->cfg.scn->has_discover)
			atomic_store_explicit(&h->cfg.progress->jobs,
			                      jobs_count(h->jobs),
			                      memory_order_relaxed);
		job = job_new(h, index);
		if (job) {
			*out = &job->pub;
			return CONCBENCH_NEXT_JOB;
		}
		jobs_fail(h->jobs, index, 0, JOB_FAIL_TRANSFER,
		          "out of memory for a job");
	}
}

/* The request's latency, into the histogram of its outcome. */
static void record_latency(const struct host_job *job, int ok)
{
#ifndef CB_NO_RECORDING
	const struct job_work *w = job->work;
	struct histogram *h =
	    ok ? w->h->cfg.latency_ok : w->h->cfg.latency_failed;

	if (h && w->started_ns && w->ended_ns >= w->started_ns)
		histogram_record(h, (w->ended_ns - w->started_ns) / 1000);
#else
	(void)job;
	(void)ok;
#endif
}

static void finish(struct host_job *job, enum job_failure kind, const char *fmt,
                   ...) CB_PRINTF(3, 4);

/* Record the job's result (fmt NULL: success) and free it. A listing
 * ends its part in the discovery here, after adding what it found. */
static void finish(struct host_job *job, enum job_failure kind, const char *fmt,
                   ...)
{
	struct job_work *w = job->work;
	struct job_table *jobs = w->h->jobs;
	char msg[JOBS_ERROR_MAX];
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		jobs_fail(jobs, job->index, w->bytes, kind, msg);
	} else {
		jobs_record(jobs, job->index, w->bytes, NULL);
	}
	record_latency(job, fmt == NULL);
	if (w->kind == JOB_LISTING)
		discovery_listing_end(jobs);
	if (w->h->cfg.progress)
		atomic_fetch_add_explicit(&w->h->cfg.progress->done, 1,
		                          memory_order_relaxed);
	slot_release(&w->h->slab, job);
}

/* ---- transfers --------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct job_work *w = userp;
	size_t n = size * nmemb;

	/* done() is next, and checks the slot. */
	SLOT_PREFETCH(w->slot);
	w->bytes += n;
	if (!w->keep_body || w->body_cut)
		return n;
	if (w->body_len + n > HOST_BODY_MAX) {
		w->body_cut = 1; /* keep nothing after a gap */
		return n;
	}
	if (w->body_len + n + 1 > w->body_cap) {
		/* Small first: buffers of 4 KiB, one per job in flight and
		 * beyond glibc's per-thread cache, fragmented the heap by
		 * about 9 bytes per job (local-1m's peak grew 11 MiB). */
		size_t cap = w->body_cap ? w->body_cap : 256;
		char *b;
		while (cap < w->body_len + n + 1)
			cap *= 2;
		if (!(b = realloc(w->body, cap)))
			return 0; /* fails the transfer: out of memory */
		w->body = b;
		w->body_cap = cap;
	}
	memcpy(w->body + w->body_len, data, n);
	w->body_len += n;
	w->body[w->body_len] = '\0';
	return n;
}

/* A listing's "there is more" header. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct job_work *w = userp;
	size_t n = size * nmemb;
	int more = discovery_more_header(&w->h->cfg.scn->discover, data, n);

	if (more >= 0)
		w->more = more;
	return n;
}

static CURL *host_easy(struct concbench_host *pub,
                       struct concbench_job *job_pub, CURL *reuse)
{
	struct host *h = host_of(pub);
	struct host_job *job = held_job(h, job_pub, "easy()", 0);
	CURL *easy = reuse;
	struct job_work *w;
	CURLcode rc;
	int again;

	if (!job)
		return NULL;
	w = job->work;
	/* curl_easy_reset() and every option again were 3.8k of the 6.5k
	 * instructions the host added to a request (callgrind, eventloop
	 * against bench/ref-multi): done only when the options change. */
	again = easy && book_kind(&h->book, easy) == (int)w->kind;
	if (!easy)
		easy = curl_easy_init();
	else if (!again)
		curl_easy_reset(easy);
	if (!easy) {
		finish(job, JOB_FAIL_TRANSFER,
		       "%s: cannot create a curl handle", w->url);
		return NULL;
	}
	rc = request_configure(&h->req, easy, w->kind, w->url, w->request_body,
	                       w->request_body_len, again);
	if (rc == CURLE_OK) {
#ifndef CB_NO_RECORDING
		w->started_ns = clock_now_ns();
#endif
		jobs_note_start(w->h->jobs, job->index, w->started_ns);
	}
	if (rc == CURLE_OK && !again)
		rc = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_WRITEDATA, w);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, w->errbuf);
	if (rc == CURLE_OK && w->kind == JOB_LISTING && !again)
		rc = curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	if (rc == CURLE_OK && w->kind == JOB_LISTING)
		rc = curl_easy_setopt(easy, CURLOPT_HEADERDATA, w);
	if (rc == CURLE_OK) {
		if (!again)
			book_note(&h->book, easy, (int)w->kind);
	} else {
		if (reuse)
			book_note(&h->book, easy, -1);
		finish(job, JOB_FAIL_TRANSFER,
		       "%s: cannot configure a curl handle: %s", w->url,
		       curl_easy_strerror(rc));
		if (!reuse)
			curl_easy_cleanup(easy);
		return NULL;
	}
	return easy;
}

/* The transfer is over: when, and the connections it made. */
static void note_end(struct host_job *job, CURL *easy)
{
	struct job_work *w = job->work;
	long connections = 0;

#ifndef CB_NO_RECORDING
	w->ended_ns = clock_now_ns();
	if (easy && curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS,
	                              &connections) != CURLE_OK)
		connections = 0;
#else
	(void)easy;
#endif
	jobs_note_end(w->h->jobs, job->index, w->ended_ns,
	              connections > 0 ? (uint64_t)connections : 0);
}

/* A listing page came back with a success status. */
static void read_listing(struct host_job *job)
{
	const struct job_work *w = job->work;
	struct listing_page lp = {.url = w->url,
	                          .page = w->page,
	                          .body = w->body,
	                          .len = w->body_len,
	                          .cut = w->body_cut,
	                          .more = w->more};
	char why[JOBS_ERROR_MAX];

	if (discovery_read(&w->h->cfg.scn->discover, w->h->jobs, &lp, why,
	                   sizeof(why)) < 0)
		finish(job, JOB_FAIL_DISCOVERY, "%s", why);
	else
		finish(job, 0, NULL);
}

/* A target came back with a success status. */
static void check_target(struct host_job *job)
{
	const struct job_work *w = job->work;
	struct check_body b = {.url = w->url,
	                       .text = w->body,
	                       .len = w->body_len,
	                       .bytes = w->bytes,
	                       .cut = w->body_cut,
	                       .found = w->kind == JOB_FOUND};
	char why[JOBS_ERROR_MAX];

	/* The body is kept exactly when a check reads it: without one, what
	 * the status said is all there is to check. */
	if (!w->keep_body)
		finish(job, 0, NULL);
	else if (check_body(&w->h->check, w->h->jobs, &b, why, sizeof(why)) < 0)
		finish(job, JOB_FAIL_CHECK, "%s", why);
	else
		finish(job, 0, NULL);
}

static void host_done(struct concbench_host *pub, struct concbench_job *job_pub,
                      CURL *easy, CURLcode result)
{
	struct host_job *job = held_job(host_of(pub), job_pub, "done()", 1);
	const struct job_work *w;
	long status = 0;

	if (!job)
		return;
	w = job->work;
	note_end(job, easy);
	if (result != CURLE_OK) {
		finish(job, JOB_FAIL_TRANSFER, "%s: %s", w->url,
		       w->errbuf[0] ? w->errbuf : curl_easy_strerror(result));
		return;
	}
	if (!easy || curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status) !=
	                 CURLE_OK) {
		finish(job, JOB_FAIL_TRANSFER, "%s: no response status",
		       w->url);
		return;
	}
	if (w->kind == JOB_LISTING
	        ? status < 200 || status > 299
	        : !check_status(&w->h->cfg.scn->check, status)) {
		finish(job, JOB_FAIL_STATUS, "%s: HTTP status %ld", w->url,
		       status);
		return;
	}
	if (w->kind == JOB_LISTING)
		read_listing(job);
	else
		check_target(job);
}

static void host_job_lost(struct concbench_host *pub, uint64_t index,
                          const char *reason)
{
	struct host *h = host_of(pub);
	struct job_origin o;

	/* A lost listing adds nothing more: the discovery ends with it. */
	if (jobs_record_lost(h->jobs, index, reason) &&
	    job_origin(h, index, &o) == 0 && o.kind == JOB_LISTING)
		discovery_listing_end(h->jobs);
}

/* ---- options and logging ----------------------------------------------- */

static int host_option_int(struct concbench_host *pub, const char *name,
                           int64_t *value)
{
	const struct option_value *o =
	    strategy_option(host_of(pub)->cfg.spec, name);

	if (!o || o->decl->type == CONCBENCH_OPT_STRING)
		return -1;
	*value = o->number;
	return 0;
}

static const char *host_option_string(struct concbench_host *pub,
                                      const char *name)
{
	const struct option_value *o =
	    strategy_option(host_of(pub)->cfg.spec, name);

	if (!o || o->decl->type != CONCBENCH_OPT_STRING)
		return NULL;
	return o->text;
}

static void host_log(struct concbench_host *pub, enum concbench_log_level level,
                     const char *fmt, ...) CB_PRINTF(3, 4);

static void host_log(struct concbench_host *pub, enum concbench_log_level level,
                     const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info",
	                                    "debug"};
	char line[1024];
	va_list ap;
	int used;

	if ((level == CONCBENCH_LOG_WARN && diag_quiet) ||
	    (level == CONCBENCH_LOG_INFO && diag_verbose < 1) ||
	    (level >= CONCBENCH_LOG_DEBUG && diag_verbose < 2))
		return;
	if ((unsigned)level > CONCBENCH_LOG_DEBUG)
		level = CONCBENCH_LOG_DEBUG;
	used = snprintf(line, sizeof(line),
	                "concbench: %s: %s: ", pub->strategy, names[level]);
	va_start(ap, fmt);
	vsnprintf(line + used, sizeof(line) - (size_t)used, fmt, ap);
	va_end(ap);
	/* One write per line, so lines of threads do not interleave. */
	fprintf(stderr, "%s\n", line);
}

/* ---- the host ---------------------------------------------------------- */

struct host *host_new(const struct host_config *cfg, char *err, size_t errlen)
{
	const struct scenario *scn = cfg->scn;
	struct host *h = calloc(1, sizeof(*h));
	uint64_t extra = 0;
	size_t text_bytes = 0;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->cfg = *cfg;
	pthread_once(&slab_atfork_once, slab_atfork);
	h->shared = mmap(NULL, sizeof(*h->shared), PROT_READ | PROT_WRITE,
	                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (h->shared == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the host's shared state: %s",
		         strerror(errno));
		free(h);
		return NULL;
	}
	if (scn->has_discover)
		discovery_table_shape(&scn->discover, &extra, &text_bytes);
	h->jobs = jobs_create_dynamic(cfg->urls, extra, text_bytes);
	if (!h->jobs) {
		snprintf(err, errlen, "cannot map the job table: %s",
		         strerror(errno));
		host_free(h);
		return NULL;
	}
	if (request_maker_init(&h->req, scn, cfg->base_url, cfg->no_proxy, err,
	                       errlen) < 0) {
		host_free(h);
		return NULL;
	}
	h->has_req = 1;
	if (check_init(&h->check, &scn->check, err, errlen) < 0) {
		host_free(h);
		return NULL;
	}
	h->has_check = 1;
	h->pub.size = sizeof(h->pub);
	h->pub.abi_major = CONCBENCH_ABI_MAJOR;
	h->pub.strategy = cfg->spec->label;
	h->pub.concurrency = cfg->concurrency;
	/* Discovered jobs are not known in advance: 0 says so. */
	h->pub.jobs_hint = scn->has_discover ? 0 : cfg->urls;
	h->pub.timeout_ms = (long)scn->timeout_ms;
	h->pub.next_job = host_next_job;
	h->pub.easy = host_easy;
	h->pub.done = host_done;
	h->pub.option_int = host_option_int;
	h->pub.option_string = host_option_string;
	h->pub.log = host_log;
	h->pub.host_private = h;
	h->pub.job_lost = host_job_lost;
	return h;
}

void host_free(struct host *h)
{
	if (!h)
		return;
	if (h->has_check)
		check_free(&h->check);
	if (h->has_req)
		request_maker_free(&h->req);
	slab_free(&h->slab);
	free(h->book.note);
	jobs_destroy(h->jobs);
	munmap(h->shared, sizeof(*h->shared));
	free(h);
}

struct concbench_host *host_services(struct host *h)
{
	return &h->pub;
}

void host_loop_begin(struct host *h)
{
	atomic_store(&h->shared->open, 1);
	jobs_reset(h->jobs);
	if (h->cfg.scn->has_discover)
		discovery_loop_begin(h->jobs);
	if (h->cfg.progress) {
		atomic_store(&h->cfg.progress->done, 0);
		atomic_store(&h->cfg.progress->jobs, jobs_count(h->jobs));
	}
}

void host_loop_end(struct host *h)
{
	atomic_store(&h->shared->open, 0);
	atomic_store(&h->shared->ran, 1);
}

void host_loop_tally(struct host *h, struct loop_tally *out)
{
	jobs_tally(h->jobs, out);
}

const char *host_contract_broken(const struct host *h)
{
	return atomic_load(&h->shared->broken_ready) ? h->shared->broken : NULL;
}

void host_job_url(const struct host *h, uint64_t index, char *buf, size_t len)
{
	struct job_origin o;
	size_t body_at;

	if (job_origin(h, index, &o) < 0) {
		snprintf(buf, len, "?");
		return;
	}
	if (request_describe(&h->req, index, o.kind, o.number, o.text, buf, len,
	                     &body_at) > len &&
	    len)
		diag_cut_utf8(buf);
}

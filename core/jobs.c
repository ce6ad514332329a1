/* SPDX-License-Identifier: MIT */
/*
 * jobs: the job table of one measured loop, in shared memory so that the
 * threads and forked processes of a strategy claim jobs and record results
 * atomically: no job handed out twice, no result lost or counted twice.
 * Bookkeeping is one byte per job, plus the records of added ones.
 */
#include "config.h"

#include "jobs.h"

#include "diag.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* An added job. */
struct added_job {
	unsigned kind;
	uint64_t number;
	size_t text; /* offset into the text area; SIZE_MAX: none */
};

struct job_table {
	size_t mapped;
	uint64_t static_count;
	uint64_t extra;  /* room for added jobs */
	uint64_t x_room; /* the largest N of "x of N" */
	size_t text_room;
	_Atomic uint64_t published; /* jobs [0, published) exist */
	_Atomic uint64_t reserved;  /* slots taken by jobs_add() */
	_Atomic uint64_t next;      /* the next job to hand out */
	_Atomic size_t text_used;
	_Atomic uint32_t producers;
	/* A futex word: bumped whenever jobs appear or a producer ends. */
	_Atomic uint32_t generation;
	_Atomic uint64_t ok, failed, bytes, matches;
	_Atomic uint64_t failures[JOB_FAIL_KINDS];
	_Atomic uint64_t x_total; /* the N of "x of N"; 0: none yet */
	_Atomic uint64_t connections;
	_Atomic uint64_t first_start_ns; /* UINT64_MAX: none yet */
	_Atomic uint64_t last_end_ns;
	_Atomic uint64_t in_flight, max_in_flight;
	_Atomic int error_taken;
	_Atomic int error_ready;
	char first_error[JOBS_ERROR_MAX];
	/* Then: added_job[extra], x_seen[x_room + 1], text[text_room],
	 * completions[static_count + extra], flying[static_count + extra]. */
};

static struct added_job *added(const struct job_table *t)
{
	return (struct added_job *)(t + 1);
}

static _Atomic uint8_t *x_seen(const struct job_table *t)
{
	return (_Atomic uint8_t *)(added(t) + t->extra);
}

static char *text_area(const struct job_table *t)
{
	return (char *)(x_seen(t) + t->x_room + 1);
}

/* Per job: 0 never reported, 1 once, 2 more than once. */
static _Atomic uint8_t *completions(const struct job_table *t)
{
	return (_Atomic uint8_t *)(text_area(t) + t->text_room);
}

/* Per job: 1 while its transfer is in flight. */
static _Atomic uint8_t *flying(const struct job_table *t)
{
	return completions(t) + t->static_count + t->extra;
}

const char *jobs_failure_name(enum job_failure kind)
{
	static const char *const names[JOB_FAIL_KINDS] = {
	    "transfer", "status", "check", "discovery", "lost"};

	return (unsigned)kind < JOB_FAIL_KINDS ? names[kind] : "unknown";
}

struct job_table *jobs_create_dynamic(uint64_t count, uint64_t extra,
                                      size_t text_bytes)
{
	/* N is what the bodies say, not what was found: a discovery cut
	 * short still checks its files against the N they name. */
	uint64_t x_room = extra == 0            ? 0
	                  : extra > JOBS_X_ROOM ? extra
	                                        : JOBS_X_ROOM;
	size_t size = sizeof(struct job_table) +
	              (size_t)extra * sizeof(struct added_job) +
	              (size_t)x_room + 1 + text_bytes +
	              2 * (size_t)(count + extra);
	struct job_table *t;

	/* Only what a loop touches becomes resident: NORESERVE. */
	t = mmap(NULL, size, PROT_READ | PROT_WRITE,
	         MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	t->mapped = size;
	t->static_count = count;
	t->extra = extra;
	t->x_room = x_room;
	t->text_room = text_bytes;
	jobs_reset(t);
	return t;
}

struct job_table *jobs_create(uint64_t count)
{
	return jobs_create_dynamic(count, 0, 0);
}

void jobs_destroy(struct job_table *t)
{
	if (t)
		munmap(t, t->mapped);
}

uint64_t jobs_count(const struct job_table *t)
{
	return atomic_load(&t->published);
}

uint64_t jobs_static_count(const struct job_table *t)
{
	return t->static_count;
}

void jobs_reset(struct job_table *t)
{
	uint64_t was = atomic_load(&t->published);
	uint64_t x_was = atomic_load(&t->x_total);
	size_t k;

	atomic_store(&t->published, t->static_count);
	atomic_store(&t->reserved, t->static_count);
	atomic_store(&t->next, 0);
	atomic_store(&t->text_used, 0);
	atomic_store(&t->producers, 0);
	atomic_store(&t->ok, 0);
	atomic_store(&t->failed, 0);
	atomic_store(&t->bytes, 0);
	atomic_store(&t->matches, 0);
	for (k = 0; k < JOB_FAIL_KINDS; k++)
		atomic_store(&t->failures[k], 0);
	atomic_store(&t->x_total, 0);
	atomic_store(&t->connections, 0);
	atomic_store(&t->first_start_ns, UINT64_MAX);
	atomic_store(&t->last_end_ns, 0);
	atomic_store(&t->in_flight, 0);
	atomic_store(&t->max_in_flight, 0);
	atomic_store(&t->error_taken, 0);
	atomic_store(&t->error_ready, 0);
	t->first_error[0] = '\0';
	/* Clear only what the last loop used: a loop of a million static
	 * jobs clears its bytes, but the room for added ones stays
	 * untouched (and not resident) until used. */
	if (was < t->static_count)
		was = t->static_count;
	memset((void *)completions(t), 0, (size_t)was);
	memset((void *)flying(t), 0, (size_t)was);
	if (x_was)
		memset((void *)x_seen(t), 0, (size_t)x_was + 1);
}

static void wake_all(struct job_table *t)
{
	atomic_fetch_add(&t->generation, 1);
	syscall(SYS_futex, (uint32_t *)&t->generation, FUTEX_WAKE, INT_MAX,
	        NULL, NULL, 0);
}

static void wait_for_change(struct job_table *t, uint32_t seen)
{
	/* A bounded wait: a producer that dies without ending is noticed
	 * by whoever watches the strategy, not by us spinning. */
	struct timespec ts = {0, 100 * 1000000L};

	syscall(SYS_futex, (uint32_t *)&t->generation, FUTEX_WAIT, seen, &ts,
	        NULL, 0);
}

static int try_claim(struct job_table *t, uint64_t *index)
{
	uint64_t n = atomic_load(&t->next);

	while (n < atomic_load(&t->published)) {
		if (atomic_compare_exchange_weak(&t->next, &n, n + 1)) {
			*index = n;
			return 1;
		}
	}
	return 0;
}

enum jobs_take jobs_take(struct job_table *t, int wait, uint64_t *index)
{
	for (;;) {
		uint32_t seen = atomic_load(&t->generation);

		if (try_claim(t, index))
			return JOBS_TAKEN;
		/* Producers add their jobs before they end: once none is
		 * left, one more look sees everything. */
		if (atomic_load(&t->producers) == 0)
			return try_claim(t, index) ? JOBS_TAKEN : JOBS_DONE;
		if (!wait)
			return JOBS_NONE_NOW;
		wait_for_change(t, seen);
	}
}

int jobs_claim(struct job_table *t, uint64_t *index)
{
	return jobs_take(t, 0, index) == JOBS_TAKEN ? 0 : -1;
}

/*
 * Publication. The record of an added job (kind, number, text offset) and
 * its text are plain stores, made before the seq_cst store that raises
 * `published` past its slot; whoever reads them (try_claim() then
 * jobs_added(), jobs_record_lost() then jobs_added()) first loads
 * `published` above the slot, seq_cst too. The store is a release and the
 * load an acquire, so the record and text happen before their reads. The
 * value loaded may come from a later slot's store: each adder stores only
 * after its acquire load saw the slot before it published, so the chain
 * carries happens-before down to every earlier slot. The text's bytes are
 * claimed with text_used and the slot with reserved, whose order does not
 * matter: only `published` publishes. Across fork() the same holds: the
 * table is MAP_SHARED and these atomics are lock-free. None of these
 * operations may be relaxed: jobs_test's crowd, built with
 * -fsanitize=thread, reports the race if they are.
 */
int jobs_add(struct job_table *t, unsigned kind, uint64_t number,
             const char *text, uint64_t *index)
{
	size_t len = text ? strlen(text) + 1 : 0, at = SIZE_MAX;
	uint64_t slot;
	struct added_job *rec;

	if (text) {
		at = atomic_fetch_add(&t->text_used, len);
		if (at > t->text_room || len > t->text_room - at)
			return -1;
		memcpy(text_area(t) + at, text, len);
	}
	slot = atomic_fetch_add(&t->reserved, 1);
	if (slot >= t->static_count + t->extra)
		return -1;
	rec = &added(t)[slot - t->static_count];
	rec->kind = kind;
	rec->number = number;
	rec->text = at;
	/* Publish in slot order, so that [0, published) is always filled. */
	while (atomic_load(&t->published) != slot)
		sched_yield();
	atomic_store(&t->published, slot + 1);
	wake_all(t);
	if (index)
		*index = slot;
	return 0;
}

int jobs_added(const struct job_table *t, uint64_t index, unsigned *kind,
               uint64_t *number, const char **text)
{
	const struct added_job *rec;

	if (index < t->static_count || index >= atomic_load(&t->published))
		return -1;
	rec = &added(t)[index - t->static_count];
	*kind = rec->kind;
	*number = rec->number;
	*text = rec->text == SIZE_MAX ? NULL : text_area(t) + rec->text;
	return 0;
}

void jobs_producer_begin(struct job_table *t)
{
	atomic_fetch_add(&t->producers, 1);
}

void jobs_producer_end(struct job_table *t)
{
	atomic_fetch_sub(&t->producers, 1);
	wake_all(t);
}

static void count_completion(struct job_table *t, uint64_t index)
{
	_Atomic uint8_t *c = completions(t);
	uint8_t seen;

	if (index >= atomic_load(&t->published))
		return;
	seen = atomic_load(&c[index]);
	while (seen < 2 && !atomic_compare_exchange_weak(&c[index], &seen,
	                                                 (uint8_t)(seen + 1)))
		;
}

static void keep_first_error(struct job_table *t, const char *error)
{
	if (atomic_exchange(&t->error_taken, 1) == 0) {
		snprintf(t->first_error, sizeof(t->first_error), "%s", error);
		diag_cut_utf8(t->first_error);
		atomic_store(&t->error_ready, 1);
	}
}

void jobs_fail(struct job_table *t, uint64_t index, uint64_t bytes,
               enum job_failure kind, const char *error)
{
	count_completion(t, index);
	atomic_fetch_add(&t->bytes, bytes);
	atomic_fetch_add(&t->failed, 1);
	if ((unsigned)kind < JOB_FAIL_KINDS)
		atomic_fetch_add(&t->failures[kind], 1);
	keep_first_error(t, error);
}

void jobs_record(struct job_table *t, uint64_t index, uint64_t bytes,
                 const char *error)
{
	if (error) {
		jobs_fail(t, index, bytes, JOB_FAIL_TRANSFER, error);
		return;
	}
	count_completion(t, index);
	atomic_fetch_add(&t->bytes, bytes);
	atomic_fetch_add(&t->ok, 1);
}

/* *a = max(*a, v), whoever else raises it meanwhile. */
static void raise_to(_Atomic uint64_t *a, uint64_t v)
{
	uint64_t was = atomic_load_explicit(a, memory_order_relaxed);

	while (v > was && !atomic_compare_exchange_weak(a, &was, v))
		;
}

/* Job index's transfer is no longer in flight. */
static void land(struct job_table *t, uint64_t index)
{
	if (index < atomic_load(&t->published) &&
	    atomic_exchange(&flying(t)[index], 0))
		atomic_fetch_sub(&t->in_flight, 1);
}

int jobs_record_lost(struct job_table *t, uint64_t index, const char *why)
{
	uint8_t none = 0;

	/* Claim the completion first: a late result then counts as a
	 * duplicate, not as a second record of a lost job. */
	if (index >= atomic_load(&t->published) ||
	    !atomic_compare_exchange_strong(&completions(t)[index], &none, 1))
		return 0;
	land(t, index);
	atomic_fetch_add(&t->failed, 1);
	atomic_fetch_add(&t->failures[JOB_FAIL_LOST], 1);
	keep_first_error(t, why);
	return 1;
}

void jobs_note_start(struct job_table *t, uint64_t index, uint64_t now_ns)
{
	uint64_t was =
	    atomic_load_explicit(&t->first_start_ns, memory_order_relaxed);

	if (index < atomic_load(&t->published) &&
	    !atomic_exchange(&flying(t)[index], 1))
		raise_to(&t->max_in_flight,
		         atomic_fetch_add(&t->in_flight, 1) + 1);
	while (now_ns && now_ns < was &&
	       !atomic_compare_exchange_weak(&t->first_start_ns, &was, now_ns))
		;
}

void jobs_note_end(struct job_table *t, uint64_t index, uint64_t now_ns,
                   uint64_t connections)
{
	land(t, index);
	raise_to(&t->last_end_ns, now_ns);
	if (connections)
		atomic_fetch_add_explicit(&t->connections, connections,
		                          memory_order_relaxed);
}

void jobs_add_matches(struct job_table *t, uint64_t matches)
{
	atomic_fetch_add(&t->matches, matches);
}

int jobs_note_x_of_n(struct job_table *t, uint64_t x, uint64_t n, char *why,
                     size_t whylen)
{
	uint64_t expected = 0;
	_Atomic uint8_t *seen;
	uint8_t was;

	if (n == 0 || n > t->x_room || x == 0 || x > n) {
		snprintf(why, whylen,
		         "\"%" PRIu64 " of %" PRIu64 "\" is out of range", x,
		         n);
		return -1;
	}
	if (!atomic_compare_exchange_strong(&t->x_total, &expected, n) &&
	    expected != n) {
		snprintf(why, whylen,
		         "\"%" PRIu64 " of %" PRIu64 "\" after bodies said "
		         "\"of %" PRIu64 "\"",
		         x, n, expected);
		return -1;
	}
	seen = x_seen(t);
	was = atomic_load(&seen[x]);
	while (was < 2 && !atomic_compare_exchange_weak(&seen[x], &was,
	                                                (uint8_t)(was + 1)))
		;
	return 0;
}

void jobs_tally(const struct job_table *t, struct loop_tally *out)
{
	const _Atomic uint8_t *c = completions(t);
	uint64_t i;
	size_t k;

	memset(out, 0, sizeof(*out));
	out->jobs = atomic_load(&t->published);
	out->ok = atomic_load(&t->ok);
	out->failed = atomic_load(&t->failed);
	for (k = 0; k < JOB_FAIL_KINDS; k++)
		out->failures[k] = atomic_load(&t->failures[k]);
	out->bytes = atomic_load(&t->bytes);
	out->matches = atomic_load(&t->matches);
	for (i = 0; i < out->jobs; i++) {
		uint8_t n = atomic_load_explicit(&c[i], memory_order_relaxed);
		if (n == 0) {
			if (out->missing < JOBS_NAMED)
				out->missing_first[out->missing] = i;
			out->missing++;
		} else if (n > 1) {
			if (out->duplicated < JOBS_NAMED)
				out->duplicated_first[out->duplicated] = i;
			out->duplicated++;
		}
	}
	out->max_in_flight = atomic_load(&t->max_in_flight);
	out->x_total = atomic_load(&t->x_total);
	for (i = 1; i <= out->x_total; i++) {
		uint8_t n = atomic_load(&x_seen(t)[i]);
		if (n == 0)
			out->x_missing++;
		else if (n > 1)
			out->x_duplicated++;
	}
	out->connections = atomic_load(&t->connections);
	out->first_start_ns = atomic_load(&t->first_start_ns);
	if (out->first_start_ns == UINT64_MAX)
		out->first_start_ns = 0;
	out->last_end_ns = atomic_load(&t->last_end_ns);
	if (atomic_load(&t->error_ready))
		snprintf(out->first_error, sizeof(out->first_error), "%s",
		         t->first_error);
}

int jobs_tally_clean(const struct loop_tally *t)
{
	return t->failed == 0 && t->missing == 0 && t->duplicated == 0 &&
	       t->ok == t->jobs && t->x_missing == 0 && t->x_duplicated == 0;
}

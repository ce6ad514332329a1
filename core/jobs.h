/* SPDX-License-Identifier: MIT */
/*
 * jobs: the job table of one measured loop, in shared memory so that the
 * threads and forked processes of a strategy claim jobs and record results
 * atomically: no job handed out twice, no result lost or counted twice.
 *
 * Jobs [0, static_count) are known up front (a URL set); more can be added
 * while the loop runs (discovered URLs), each with a kind, a number and a
 * text kept in the table, up to a capacity fixed at creation. A job that
 * may add more holds the table open as a "producer": while one does, a
 * claim that finds nothing answers "none now" instead of "done".
 * Bookkeeping is one byte per job, plus the records of added ones.
 */
#ifndef CB_JOBS_H
#define CB_JOBS_H

#include <stddef.h>
#include <stdint.h>

#define JOBS_ERROR_MAX 256
/* The largest N of "x of N" a table with added jobs tracks, at least. */
#define JOBS_X_ROOM 1000000u

struct job_table;

/* Why a job failed, as counted per loop. */
enum job_failure {
	JOB_FAIL_TRANSFER,  /* the transfer did not complete */
	JOB_FAIL_STATUS,    /* an unexpected HTTP status */
	JOB_FAIL_CHECK,     /* the body failed a response check */
	JOB_FAIL_DISCOVERY, /* a listing could not be used */
	JOB_FAIL_LOST,      /* the strategy lost the job (a worker died) */
	JOB_FAIL_KINDS
};

/* "transfer", "status", ... */
const char *jobs_failure_name(enum job_failure kind);

/* How many missing or duplicated jobs a tally names. */
#define JOBS_NAMED 3

/* What one loop did, as checked after it. */
struct loop_tally {
	uint64_t jobs;   /* jobs that existed in the loop */
	uint64_t ok;     /* results recorded as success */
	uint64_t failed; /* results recorded as failure */
	uint64_t failures[JOB_FAIL_KINDS];
	uint64_t missing;    /* jobs never reported */
	uint64_t duplicated; /* jobs reported more than once */
	/* The first of them by index, to name them: [0, min(n, NAMED)). */
	uint64_t missing_first[JOBS_NAMED], duplicated_first[JOBS_NAMED];
	/* The most transfers handed out and not yet reported at once. */
	uint64_t max_in_flight;
	uint64_t bytes;   /* body bytes received */
	uint64_t matches; /* regex matches counted by checks */
	/* The x-of-N check: N as reported, and the x never or doubly seen. */
	uint64_t x_total, x_missing, x_duplicated;
	uint64_t connections; /* new connections made for its transfers */
	/* The first transfer handed out and the last result reported, on
	 * clock.h's clock; 0 if none. */
	uint64_t first_start_ns, last_end_ns;
	char first_error[JOBS_ERROR_MAX]; /* "" if none */
};

/* A table for `count` static jobs, mapped shared. NULL on failure. */
struct job_table *jobs_create(uint64_t count);

/*
 * A table for `count` static jobs and up to `extra` added ones whose texts
 * take at most `text_bytes` in all. NULL on failure (errno set).
 */
struct job_table *jobs_create_dynamic(uint64_t count, uint64_t extra,
                                      size_t text_bytes);
void jobs_destroy(struct job_table *t);

/* The jobs that exist now: static and added ones. */
uint64_t jobs_count(const struct job_table *t);
uint64_t jobs_static_count(const struct job_table *t);

/* Forget everything recorded and added: before each loop. */
void jobs_reset(struct job_table *t);

enum jobs_take { JOBS_TAKEN, JOBS_NONE_NOW, JOBS_DONE };

/*
 * Claim the next unclaimed job into *index. With `wait`, block while
 * producers are at work rather than answer JOBS_NONE_NOW.
 */
enum jobs_take jobs_take(struct job_table *t, int wait, uint64_t *index);

/* jobs_take() without waiting: 0 and *index, or -1 when none is there. */
int jobs_claim(struct job_table *t, uint64_t *index);

/*
 * Add a job with a kind, a number and a text (copied; may be NULL), and
 * wake waiting claimers. 0 and its index in *index (may be NULL), or -1
 * when the capacity or the text room is used up.
 */
int jobs_add(struct job_table *t, unsigned kind, uint64_t number,
             const char *text, uint64_t *index);

/* What jobs_add() stored for an added job; 0, or -1 for a static job. */
int jobs_added(const struct job_table *t, uint64_t index, unsigned *kind,
               uint64_t *number, const char **text);

/* Producers: the loop is not done while one is at work. */
void jobs_producer_begin(struct job_table *t);
void jobs_producer_end(struct job_table *t);

/* Record one result for job `index`; `error` is NULL on success, and a
 * failure is counted as JOB_FAIL_TRANSFER. */
void jobs_record(struct job_table *t, uint64_t index, uint64_t bytes,
                 const char *error);

/* Record a failure of a given kind. */
void jobs_fail(struct job_table *t, uint64_t index, uint64_t bytes,
               enum job_failure kind, const char *error);

/* Record job `index` as failed (lost) only if it has no result yet;
 * 1 if it was recorded so. */
int jobs_record_lost(struct job_table *t, uint64_t index, const char *why);

/*
 * Job index's transfer is handed out (at now_ns), or its result reported
 * with the connections it made: what is in flight at once, counted across
 * threads and processes, and the loop's set-up and tear-down times and its
 * connection count. A job is in flight once however often it starts; a
 * lost job is no longer. now_ns 0: not timed.
 */
void jobs_note_start(struct job_table *t, uint64_t index, uint64_t now_ns);
void jobs_note_end(struct job_table *t, uint64_t index, uint64_t now_ns,
                   uint64_t connections);

/* Count regex matches found by a check. */
void jobs_add_matches(struct job_table *t, uint64_t matches);

/*
 * The x-of-N check: note that a body said "x of n". 0, or -1 with the
 * reason in why if x or n is out of range (n up to the larger of
 * JOBS_X_ROOM and the room for added jobs) or n differs from an earlier n.
 */
int jobs_note_x_of_n(struct job_table *t, uint64_t x, uint64_t n, char *why,
                     size_t whylen);

/* Count the outcome of the loop; only when no transfer is running. */
void jobs_tally(const struct job_table *t, struct loop_tally *out);

/* A tally is clean when every job completed exactly once, successfully,
 * and the x-of-N check (if used) saw every x once. */
int jobs_tally_clean(const struct loop_tally *t);

#endif

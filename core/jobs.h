/*
 * jobs: the job table of one measured loop, in shared memory so that the
 * threads and forked processes of a strategy claim jobs and record results
 * atomically: no job handed out twice, no result lost or counted twice.
 * Bookkeeping is one byte per job.
 */
#ifndef CB_JOBS_H
#define CB_JOBS_H

#include <stddef.h>
#include <stdint.h>

#define JOBS_ERROR_MAX 256

struct job_table;

/* What one loop did, as checked after it. */
struct loop_tally {
	uint64_t ok;          /* results recorded as success */
	uint64_t failed;      /* results recorded as failure */
	uint64_t missing;     /* jobs never reported */
	uint64_t duplicated;  /* jobs reported more than once */
	uint64_t bytes;       /* body bytes received */
	char first_error[JOBS_ERROR_MAX]; /* "" if none */
};

/* A table for `count` jobs, mapped shared. NULL on failure (errno set). */
struct job_table *jobs_create(uint64_t count);
void jobs_destroy(struct job_table *t);

uint64_t jobs_count(const struct job_table *t);

/* Forget everything recorded: before each loop. */
void jobs_reset(struct job_table *t);

/* Claim the next unclaimed job: 0 and *index, or -1 when none is left. */
int jobs_claim(struct job_table *t, uint64_t *index);

/* Record one result for job `index`; `error` is NULL on success. */
void jobs_record(struct job_table *t, uint64_t index, uint64_t bytes,
                 const char *error);

/* Record job `index` as failed only if it has no result yet. */
void jobs_record_lost(struct job_table *t, uint64_t index, const char *why);

/* Count the outcome of the loop; only when no transfer is running. */
void jobs_tally(const struct job_table *t, struct loop_tally *out);

/* A tally is clean when every job completed exactly once, successfully. */
int loop_tally_clean(const struct loop_tally *t, uint64_t jobs);

#endif

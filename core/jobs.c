/*
 * jobs: the job table of one measured loop, in shared memory so that the
 * threads and forked processes of a strategy claim jobs and record results
 * atomically: no job handed out twice, no result lost or counted twice.
 * Bookkeeping is one byte per job.
 */
#include "config.h"

#include "jobs.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

struct job_table {
	size_t mapped;
	uint64_t count;
	_Atomic uint64_t next;
	_Atomic uint64_t ok, failed, bytes;
	_Atomic int error_taken;
	_Atomic int error_ready;
	char first_error[JOBS_ERROR_MAX];
	/* Per job: 0 never reported, 1 once, 2 more than once. */
	_Atomic uint8_t completions[];
};

struct job_table *jobs_create(uint64_t count)
{
	size_t size = sizeof(struct job_table) + (size_t)count;
	struct job_table *t;

	t = mmap(NULL, size, PROT_READ | PROT_WRITE,
	         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	t->mapped = size;
	t->count = count;
	jobs_reset(t);
	return t;
}

void jobs_destroy(struct job_table *t)
{
	if (t)
		munmap(t, t->mapped);
}

uint64_t jobs_count(const struct job_table *t)
{
	return t->count;
}

void jobs_reset(struct job_table *t)
{
	atomic_store(&t->next, 0);
	atomic_store(&t->ok, 0);
	atomic_store(&t->failed, 0);
	atomic_store(&t->bytes, 0);
	atomic_store(&t->error_taken, 0);
	atomic_store(&t->error_ready, 0);
	t->first_error[0] = '\0';
	memset((void *)t->completions, 0, (size_t)t->count);
}

int jobs_claim(struct job_table *t, uint64_t *index)
{
	uint64_t i;

	/* Load first so that spinning callers after the end do not wrap. */
	if (atomic_load_explicit(&t->next, memory_order_relaxed) >= t->count)
		return -1;
	i = atomic_fetch_add(&t->next, 1);
	if (i >= t->count)
		return -1;
	*index = i;
	return 0;
}

void jobs_record(struct job_table *t, uint64_t index, uint64_t bytes,
                 const char *error)
{
	uint8_t seen;

	if (index < t->count) {
		seen = atomic_load(&t->completions[index]);
		while (seen < 2 && !atomic_compare_exchange_weak(
		                       &t->completions[index], &seen,
		                       (uint8_t)(seen + 1)))
			;
	}
	atomic_fetch_add(&t->bytes, bytes);
	if (!error) {
		atomic_fetch_add(&t->ok, 1);
		return;
	}
	atomic_fetch_add(&t->failed, 1);
	if (atomic_exchange(&t->error_taken, 1) == 0) {
		snprintf(t->first_error, sizeof(t->first_error), "%s", error);
		atomic_store(&t->error_ready, 1);
	}
}

void jobs_record_lost(struct job_table *t, uint64_t index, const char *why)
{
	if (index < t->count && atomic_load(&t->completions[index]) == 0)
		jobs_record(t, index, 0, why);
}

void jobs_tally(const struct job_table *t, struct loop_tally *out)
{
	uint64_t i;

	memset(out, 0, sizeof(*out));
	out->ok = atomic_load(&t->ok);
	out->failed = atomic_load(&t->failed);
	out->bytes = atomic_load(&t->bytes);
	for (i = 0; i < t->count; i++) {
		uint8_t c = atomic_load_explicit(&t->completions[i],
		                                 memory_order_relaxed);
		if (c == 0)
			out->missing++;
		else if (c > 1)
			out->duplicated++;
	}
	if (atomic_load(&t->error_ready))
		snprintf(out->first_error, sizeof(out->first_error), "%s",
		         t->first_error);
}

int loop_tally_clean(const struct loop_tally *t, uint64_t jobs)
{
	return t->failed == 0 && t->missing == 0 && t->duplicated == 0 &&
	       t->ok == jobs;
}

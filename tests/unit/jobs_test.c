/*
 * jobs_test: the shared job table (core/jobs.c). Four threads, then four
 * forked processes, claim and record N jobs concurrently: every index must
 * be claimed exactly once and the tally be clean. Then results recorded
 * twice, never or with an error must show as duplicated, missing, failed
 * and first_error; jobs_reset must forget everything; and N = 0, N = 1.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "tap.h"

#define WORKERS 4
#define BIG 200000u

struct race {
	struct job_table *t;
	_Atomic uint8_t *claims; /* per index, in shared memory */
	_Atomic uint64_t total;  /* claims made, all workers */
};

/* Claims until none is left; records each with 1 byte, every 1000th failed. */
static void claim_all(struct race *r)
{
	uint64_t i, mine = 0;

	while (jobs_claim(r->t, &i) == 0) {
		if (i < jobs_count(r->t))
			atomic_fetch_add(&r->claims[i], 1);
		jobs_record(r->t, i, 1, i % 1000 == 999 ? "boom" : NULL);
		mine++;
	}
	atomic_fetch_add(&r->total, mine);
}

static void *thread_main(void *arg)
{
	claim_all(arg);
	return NULL;
}

static struct race *race_new(uint64_t n)
{
	struct race *r = mmap(NULL, sizeof(*r) + n, PROT_READ | PROT_WRITE,
	                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	r->t = jobs_create(n);
	r->claims = (_Atomic uint8_t *)(r + 1);
	atomic_store(&r->total, 0);
	return r;
}

static void race_check(struct race *r, uint64_t n, const char *who)
{
	struct loop_tally tally;
	uint64_t i, once = 0, bad = 0, fails = n / 1000;

	for (i = 0; i < n; i++) {
		uint8_t c = atomic_load(&r->claims[i]);
		once += c == 1;
		bad += c != 1;
	}
	is_int(atomic_load(&r->total), n, "%s: %u claims in all", who,
	       (unsigned)n);
	is_int(once, n, "%s: every index claimed exactly once", who);
	is_int(bad, 0, "%s: no index claimed twice or never", who);
	jobs_tally(r->t, &tally);
	is_int(tally.ok, n - fails, "%s: ok", who);
	is_int(tally.failed, fails, "%s: failed", who);
	is_int(tally.missing, 0, "%s: none missing", who);
	is_int(tally.duplicated, 0, "%s: none duplicated", who);
	is_int(tally.bytes, n, "%s: bytes summed", who);
	is_str(tally.first_error, "boom", "%s: first error kept", who);

	/* Without the failures the same run is clean. */
	jobs_reset(r->t);
	for (i = 0; i < n; i++)
		jobs_record(r->t, i, 0, NULL);
	jobs_tally(r->t, &tally);
	ok(loop_tally_clean(&tally), "%s: all recorded ok is clean", who);
}

static void test_threads(void)
{
	pthread_t th[WORKERS];
	struct race *r = race_new(BIG);
	uint64_t i;
	int k;

	if (!ok(r && r->t, "table of %u jobs for threads", BIG))
		return;
	for (k = 0; k < WORKERS; k++)
		pthread_create(&th[k], NULL, thread_main, r);
	for (k = 0; k < WORKERS; k++)
		pthread_join(th[k], NULL);
	is_int(jobs_claim(r->t, &i), -1, "4 threads: nothing left to claim");
	race_check(r, BIG, "4 threads");
	jobs_destroy(r->t);
	munmap(r, sizeof(*r) + BIG);
}

static void test_processes(void)
{
	struct race *r = race_new(BIG);
	pid_t pid[WORKERS];
	int k, status, clean_exits = 0;

	if (!ok(r && r->t, "table of %u jobs for processes", BIG))
		return;
	fflush(stdout);
	for (k = 0; k < WORKERS; k++) {
		pid[k] = fork();
		if (pid[k] == 0) {
			claim_all(r);
			_exit(0);
		}
	}
	for (k = 0; k < WORKERS; k++)
		if (pid[k] > 0 && waitpid(pid[k], &status, 0) == pid[k] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			clean_exits++;
	is_int(clean_exits, WORKERS, "4 processes forked and exited 0");
	race_check(r, BIG, "4 processes");
	jobs_destroy(r->t);
	munmap(r, sizeof(*r) + BIG);
}

static void test_outcomes(void)
{
	struct job_table *t = jobs_create(5);
	struct loop_tally tally;
	uint64_t i, k, claimed = 0;

	if (!ok(t != NULL, "table of 5 jobs"))
		return;
	is_int(jobs_count(t), 5, "jobs_count");
	for (k = 0; k < 7; k++)
		claimed += jobs_claim(t, &i) == 0;
	is_int(claimed, 5, "7 claims on 5 jobs: 5 succeed");
	jobs_record(t, 0, 100, NULL);
	jobs_record(t, 1, 10, NULL);
	jobs_record(t, 1, 10, NULL);
	jobs_record(t, 1, 10, NULL); /* a third time: still one duplicate */
	jobs_record(t, 2, 0, "http://h/2: HTTP status 500");
	jobs_record(t, 3, 5, "http://h/3: Timeout was reached");
	/* job 4 never reported */
	jobs_tally(t, &tally);
	is_int(tally.ok, 4, "ok counts every success, duplicates included");
	is_int(tally.failed, 2, "failed");
	is_int(tally.missing, 1, "missing: job 4");
	is_int(tally.duplicated, 1, "duplicated: job 1, once however often");
	is_int(tally.bytes, 135, "bytes of every result");
	is_str(tally.first_error, "http://h/2: HTTP status 500",
	       "first_error is the first recorded");
	ok(!loop_tally_clean(&tally), "not clean");

	jobs_reset(t);
	jobs_tally(t, &tally);
	is_int(tally.ok, 0, "reset: ok 0");
	is_int(tally.failed, 0, "reset: failed 0");
	is_int(tally.missing, 5, "reset: all 5 missing");
	is_int(tally.duplicated, 0, "reset: duplicated 0");
	is_int(tally.bytes, 0, "reset: bytes 0");
	is_str(tally.first_error, "", "reset: no error");
	i = 99;
	is_int(jobs_claim(t, &i), 0, "reset: claiming starts over");
	is_int(i, 0, "at job 0");
	jobs_record(t, 0, 0, "a new first error");
	jobs_tally(t, &tally);
	is_str(tally.first_error, "a new first error", "a new first error");
	jobs_destroy(t);

	/* A clean count of ok is not enough: 0 twice and 1 never. */
	t = jobs_create(2);
	jobs_record(t, 0, 0, NULL);
	jobs_record(t, 0, 0, NULL);
	jobs_tally(t, &tally);
	is_int(tally.ok, 2, "two successes for two jobs");
	is_int(tally.missing, 1, "but job 1 is missing");
	is_int(tally.duplicated, 1, "and job 0 duplicated");
	ok(!loop_tally_clean(&tally), "so not clean");
	jobs_destroy(t);
}

static void test_long_error(void)
{
	struct job_table *t = jobs_create(1);
	struct loop_tally tally;
	char msg[JOBS_ERROR_MAX + 50];

	memset(msg, 'e', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	jobs_record(t, 0, 0, msg);
	jobs_tally(t, &tally);
	is_int(strlen(tally.first_error), JOBS_ERROR_MAX - 1,
	       "a long error is cut to %d characters", JOBS_ERROR_MAX - 1);
	ok(strncmp(tally.first_error, msg, JOBS_ERROR_MAX - 1) == 0,
	   "keeping its start");
	jobs_destroy(t);
}

static void test_small(void)
{
	struct job_table *t = jobs_create(0);
	struct loop_tally tally;
	uint64_t i = 77;

	if (ok(t != NULL, "N = 0: a table")) {
		is_int(jobs_count(t), 0, "N = 0: count 0");
		is_int(jobs_claim(t, &i), -1, "N = 0: nothing to claim");
		is_int(i, 77, "N = 0: index untouched");
		jobs_tally(t, &tally);
		is_int(tally.missing, 0, "N = 0: none missing");
		ok(loop_tally_clean(&tally), "N = 0: clean");
		jobs_destroy(t);
	}

	t = jobs_create(1);
	if (ok(t != NULL, "N = 1: a table")) {
		is_int(jobs_claim(t, &i), 0, "N = 1: one claim");
		is_int(i, 0, "N = 1: job 0");
		is_int(jobs_claim(t, &i), -1, "N = 1: then none");
		is_int(jobs_claim(t, &i), -1, "N = 1: and still none");
		jobs_tally(t, &tally);
		is_int(tally.missing, 1, "N = 1: missing before its result");
		ok(!loop_tally_clean(&tally), "N = 1: not clean yet");
		jobs_record(t, 0, 3, NULL);
		jobs_tally(t, &tally);
		is_int(tally.missing, 0, "N = 1: recorded");
		ok(loop_tally_clean(&tally), "N = 1: clean");
		jobs_destroy(t);
	}
	jobs_destroy(NULL); /* harmless */
}

int main(void)
{
	test_threads();
	test_processes();
	test_outcomes();
	test_long_error();
	test_small();
	return done_testing();
}

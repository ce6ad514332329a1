/* SPDX-License-Identifier: MIT */
/*
 * jobs_test: the shared job table (core/jobs.c). Four threads, then four
 * forked processes, claim and record N jobs concurrently: every index must
 * be claimed exactly once and the tally be clean. Then results recorded
 * twice, never or with an error must show as duplicated, missing, failed
 * and first_error; jobs_reset must forget everything; and N = 0, N = 1.
 *
 * The dynamic table: jobs added while a loop runs (their kind, number and
 * text), capacity and text room, producers and waiting claimers (woken
 * across threads and across fork()), claimers that read added jobs while
 * other threads still add (a ThreadSanitizer build checks that each record
 * is published before its index), failure kinds, lost jobs, matches and
 * the x-of-N check.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jobs.h"
#include "../tap.h"

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
	ok(jobs_tally_clean(&tally), "%s: all recorded ok is clean", who);
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
	ok(!jobs_tally_clean(&tally), "not clean");

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

	/* An error longer than its room, in 2-byte characters: the room
	 * for 255 bytes ends inside one, which is dropped. */
	{
		char error[2 * JOBS_ERROR_MAX + 2];
		size_t k2;
		for (k2 = 0; k2 + 2 < sizeof(error); k2 += 2)
			memcpy(error + k2, "\xc3\xa9", 2);
		error[k2] = '\0';
		jobs_reset(t);
		jobs_record(t, 0, 0, error);
		jobs_tally(t, &tally);
		is_int(
		    strlen(tally.first_error), JOBS_ERROR_MAX - 2,
		    "a long error is cut before its last, partial character");
		is_int(memcmp(tally.first_error, error, JOBS_ERROR_MAX - 2), 0,
		       "and is the error's beginning");
	}
	jobs_destroy(t);

	/* A clean count of ok is not enough: 0 twice and 1 never. */
	t = jobs_create(2);
	jobs_record(t, 0, 0, NULL);
	jobs_record(t, 0, 0, NULL);
	jobs_tally(t, &tally);
	is_int(tally.ok, 2, "two successes for two jobs");
	is_int(tally.missing, 1, "but job 1 is missing");
	is_int(tally.duplicated, 1, "and job 0 duplicated");
	ok(!jobs_tally_clean(&tally), "so not clean");
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
		ok(jobs_tally_clean(&tally), "N = 0: clean");
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
		ok(!jobs_tally_clean(&tally), "N = 1: not clean yet");
		jobs_record(t, 0, 3, NULL);
		jobs_tally(t, &tally);
		is_int(tally.missing, 0, "N = 1: recorded");
		ok(jobs_tally_clean(&tally), "N = 1: clean");
		jobs_destroy(t);
	}
	jobs_destroy(NULL); /* harmless */
}

/* ---- the dynamic table -------------------------------------------------- */

/* ok() that grown KiB stay below 4 MiB, saying how much otherwise. */
static void cmp_ok_kib(long grown, const char *what)
{
	if (!ok(grown < 4096, "%s", what))
		diag("%ld KiB more resident", grown);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void test_failure_names(void)
{
	is_str(jobs_failure_name(JOB_FAIL_TRANSFER), "transfer",
	       "name: transfer");
	is_str(jobs_failure_name(JOB_FAIL_STATUS), "status", "name: status");
	is_str(jobs_failure_name(JOB_FAIL_CHECK), "check", "name: check");
	is_str(jobs_failure_name(JOB_FAIL_DISCOVERY), "discovery",
	       "name: discovery");
	is_str(jobs_failure_name(JOB_FAIL_LOST), "lost", "name: lost");
	is_str(jobs_failure_name(JOB_FAIL_KINDS), "unknown",
	       "name: out of range");
}

static void test_add(void)
{
	struct job_table *t = jobs_create_dynamic(2, 4, 64);
	struct loop_tally tally;
	uint64_t i = 99, idx = 99, number;
	unsigned kind;
	const char *text;

	if (!ok(t != NULL, "dynamic table: 2 static jobs, room for 4 more"))
		return;
	is_int(jobs_count(t), 2, "dynamic: 2 jobs to begin with");
	is_int(jobs_static_count(t), 2, "dynamic: 2 static");
	is_int(jobs_take(t, 0, &i), JOBS_TAKEN, "take job 0");
	is_int(i, 0, "it is job 0");
	is_int(jobs_take(t, 1, &i), JOBS_TAKEN, "take job 1, waiting");
	is_int(i, 1, "it is job 1");
	i = 99;
	is_int(jobs_take(t, 0, &i), JOBS_DONE, "no producer: done");
	is_int(jobs_take(t, 1, &i), JOBS_DONE,
	       "no producer: done, even when waiting");
	is_int(i, 99, "index untouched when done");

	jobs_producer_begin(t);
	is_int(jobs_take(t, 0, &i), JOBS_NONE_NOW,
	       "a producer at work: none now");
	is_int(jobs_claim(t, &i), -1, "jobs_claim: -1 for none now");
	is_int(i, 99, "index untouched when none now");
	is_int(jobs_add(t, 1, 7, "http://h/x", &idx), 0, "add a job");
	is_int(idx, 2, "added as job 2");
	is_int(jobs_count(t), 3, "3 jobs now");
	is_int(jobs_static_count(t), 2, "still 2 static");
	is_int(jobs_add(t, 2, 0, NULL, NULL), 0,
	       "add a job without a text or an index");
	is_int(jobs_count(t), 4, "4 jobs now");

	kind = 77;
	number = 77;
	text = "untouched";
	is_int(jobs_added(t, 2, &kind, &number, &text), 0, "job 2 was added");
	is_int(kind, 1, "job 2: its kind");
	is_int(number, 7, "job 2: its number");
	is_str(text, "http://h/x", "job 2: its text, copied");
	is_int(jobs_added(t, 3, &kind, &number, &text), 0, "job 3 was added");
	is_int(kind, 2, "job 3: its kind");
	is_int(number, 0, "job 3: its number");
	ok(text == NULL, "job 3: no text");
	kind = 77;
	is_int(jobs_added(t, 1, &kind, &number, &text), -1,
	       "job 1 is static: -1");
	is_int(jobs_added(t, 4, &kind, &number, &text), -1,
	       "job 4 does not exist yet: -1");
	is_int(kind, 77, "kind untouched on -1");

	is_int(jobs_take(t, 0, &i), JOBS_TAKEN, "the added job is taken");
	is_int(i, 2, "job 2");
	is_int(jobs_take(t, 0, &i), JOBS_TAKEN, "and the next");
	is_int(i, 3, "job 3");
	is_int(jobs_take(t, 0, &i), JOBS_NONE_NOW, "then none now again");

	is_int(jobs_add(t, 1, 8, "a", NULL), 0, "add job 4");
	is_int(jobs_add(t, 1, 9, "b", &idx), 0, "add job 5: the last room");
	is_int(idx, 5, "as job 5");
	idx = 99;
	is_int(jobs_add(t, 1, 10, "c", &idx), -1,
	       "a fifth added job: no capacity, -1");
	is_int(jobs_add(t, 1, 10, NULL, &idx), -1, "without a text too: -1");
	is_int(idx, 99, "index untouched on -1");
	is_int(jobs_count(t), 6, "6 jobs: 2 + 4");
	jobs_producer_end(t);
	is_int(jobs_take(t, 0, &i), JOBS_TAKEN,
	       "job 4 after the producer ended");
	is_int(i, 4, "job 4");
	is_int(jobs_take(t, 1, &i), JOBS_TAKEN, "job 5");
	is_int(jobs_take(t, 1, &i), JOBS_DONE, "then done");

	for (i = 0; i < 6; i++)
		jobs_record(t, i, 1, NULL);
	jobs_tally(t, &tally);
	is_int(tally.jobs, 6, "tally: 6 jobs, static and added");
	is_int(tally.ok, 6, "tally: 6 ok");
	ok(jobs_tally_clean(&tally), "tally: clean");

	/* jobs_reset forgets the added jobs, and frees their room. */
	jobs_reset(t);
	is_int(jobs_count(t), 2, "reset: back to the 2 static jobs");
	is_int(jobs_added(t, 2, &kind, &number, &text), -1,
	       "reset: job 2 is gone");
	jobs_tally(t, &tally);
	is_int(tally.jobs, 2, "reset: tally of 2 jobs");
	is_int(tally.missing, 2, "reset: both missing");
	is_int(jobs_take(t, 0, &i), JOBS_TAKEN, "reset: take again");
	is_int(i, 0, "from job 0");
	is_int(jobs_add(t, 3, 30, "again", &idx), 0, "reset: add again");
	is_int(idx, 2, "as job 2 again");
	is_int(jobs_added(t, 2, &kind, &number, &text), 0, "job 2 is back");
	is_int(kind * 100 + number, 330, "with its new kind and number");
	is_str(text, "again", "and its new text");
	jobs_destroy(t);

	/* A table without room for added jobs. */
	t = jobs_create(1);
	is_int(jobs_add(t, 1, 0, NULL, &idx), -1,
	       "jobs_create: no room to add");
	is_int(jobs_add(t, 1, 0, "x", &idx), -1, "nor for a text");
	is_int(jobs_count(t), 1, "still 1 job");
	jobs_destroy(t);
}

static void test_text_room(void)
{
	/* Room for 10 jobs and 12 bytes of text: "abcde" takes 6 with its
	 * NUL. */
	struct job_table *t = jobs_create_dynamic(0, 10, 12);
	uint64_t idx = 99, number;
	unsigned kind;
	const char *text;

	if (!ok(t != NULL, "table with 12 bytes of text room"))
		return;
	is_int(jobs_add(t, 1, 0, "abcde", &idx), 0, "6 bytes of text fit");
	is_int(jobs_add(t, 1, 1, "fghij", &idx), 0, "12 bytes fit exactly");
	is_int(idx, 1, "as job 1");
	idx = 99;
	is_int(jobs_add(t, 1, 2, "", &idx), -1,
	       "even an empty text does not fit any more: -1");
	is_int(idx, 99, "index untouched");
	is_int(jobs_add(t, 1, 3, NULL, &idx), 0,
	       "a job without text still fits");
	is_int(idx, 2, "as job 2");
	is_int(jobs_count(t), 3, "3 jobs");
	jobs_added(t, 0, &kind, &number, &text);
	is_str(text, "abcde", "job 0's text intact");
	jobs_added(t, 1, &kind, &number, &text);
	is_str(text, "fghij", "job 1's text intact");
	jobs_destroy(t);

	t = jobs_create_dynamic(0, 10, 8);
	is_int(jobs_add(t, 1, 0, "123456789", &idx), -1,
	       "a text longer than all the room: -1");
	is_int(jobs_count(t), 0, "and no job added");
	jobs_reset(t);
	is_int(jobs_add(t, 1, 0, "1234567", &idx), 0,
	       "after a reset, 8 bytes fit");
	jobs_destroy(t);
}

static void test_fail_kinds(void)
{
	struct job_table *t = jobs_create_dynamic(7, 0, 0);
	struct loop_tally tally;
	uint64_t i;

	if (!ok(t != NULL, "table of 7 jobs for failure kinds"))
		return;
	for (i = 0; i < 7; i++)
		jobs_claim(t, &i);
	jobs_fail(t, 0, 10, JOB_FAIL_STATUS, "http://h/0: HTTP status 404");
	jobs_fail(t, 1, 20, JOB_FAIL_CHECK, "check");
	jobs_fail(t, 2, 0, JOB_FAIL_DISCOVERY, "discovery");
	jobs_record(t, 3, 5, "transfer");
	jobs_fail(t, 4, 1, JOB_FAIL_CHECK, "check again");
	is_int(jobs_record_lost(t, 5, "worker died"), 1,
	       "an unreported job is recorded lost: 1");
	is_int(jobs_record_lost(t, 5, "worker died"), 0,
	       "lost a second time: 0");
	is_int(jobs_record_lost(t, 0, "too late"), 0,
	       "a job with a result is not lost: 0");
	is_int(jobs_record_lost(t, 7, "no such job"), 0,
	       "a job that does not exist is not lost: 0");
	jobs_record(t, 6, 3, NULL);
	jobs_tally(t, &tally);
	is_int(tally.jobs, 7, "kinds: 7 jobs");
	is_int(tally.ok, 1, "kinds: 1 ok");
	is_int(tally.failed, 6, "kinds: 6 failed");
	is_int(tally.failures[JOB_FAIL_TRANSFER], 1, "kinds: transfer 1");
	is_int(tally.failures[JOB_FAIL_STATUS], 1, "kinds: status 1");
	is_int(tally.failures[JOB_FAIL_CHECK], 2, "kinds: check 2");
	is_int(tally.failures[JOB_FAIL_DISCOVERY], 1, "kinds: discovery 1");
	is_int(tally.failures[JOB_FAIL_LOST], 1, "kinds: lost 1");
	is_int(tally.missing, 0, "kinds: none missing");
	is_int(tally.duplicated, 0, "kinds: none duplicated");
	is_int(tally.bytes, 39, "kinds: bytes of failures count too");
	is_str(tally.first_error, "http://h/0: HTTP status 404",
	       "kinds: the first error");
	ok(!jobs_tally_clean(&tally), "kinds: not clean");

	/* A late result of a lost job is a duplicate. */
	jobs_record(t, 5, 0, NULL);
	jobs_tally(t, &tally);
	is_int(tally.duplicated, 1, "a result after 'lost' is a duplicate");
	is_int(tally.failures[JOB_FAIL_LOST], 1, "and still 1 lost");

	jobs_reset(t);
	jobs_tally(t, &tally);
	for (i = 0; i < JOB_FAIL_KINDS; i++)
		is_int(tally.failures[i], 0, "reset: %s 0",
		       jobs_failure_name((enum job_failure)i));
	is_int(jobs_record_lost(t, 5, "again"), 1,
	       "reset: job 5 can be lost again");
	jobs_tally(t, &tally);
	is_str(tally.first_error, "again",
	       "the lost reason is the first error");
	jobs_destroy(t);
}

static void test_matches(void)
{
	struct job_table *t = jobs_create(2);
	struct loop_tally tally;

	jobs_add_matches(t, 3);
	jobs_add_matches(t, 0);
	jobs_add_matches(t, 4);
	jobs_record(t, 0, 0, NULL);
	jobs_record(t, 1, 0, NULL);
	jobs_tally(t, &tally);
	is_int(tally.matches, 7, "matches summed");
	ok(jobs_tally_clean(&tally), "matches do not make a loop unclean");
	jobs_reset(t);
	jobs_tally(t, &tally);
	is_int(tally.matches, 0, "reset: matches 0");
	jobs_destroy(t);
}

static void test_x_of_n(void)
{
	struct job_table *t = jobs_create_dynamic(0, 5, 0);
	struct loop_tally tally;
	char why[128];

	if (!ok(t != NULL, "table with room for 5 for x of N"))
		return;
	strcpy(why, "");
	is_int(jobs_note_x_of_n(t, 0, 3, why, sizeof(why)), -1, "0 of 3: -1");
	is_str(why, "\"0 of 3\" is out of range", "0 of 3: why");
	is_int(jobs_note_x_of_n(t, 4, 3, why, sizeof(why)), -1, "4 of 3: -1");
	is_str(why, "\"4 of 3\" is out of range", "4 of 3: why");
	is_int(jobs_note_x_of_n(t, 0, 0, why, sizeof(why)), -1, "0 of 0: -1");
	is_str(why, "\"0 of 0\" is out of range", "0 of 0: why");
	/* N is what the bodies say: up to JOBS_X_ROOM even with room for
	 * only 5 added jobs (a discovery cut short by max_pages). */
	is_int(jobs_note_x_of_n(t, 1, JOBS_X_ROOM + 1, why, sizeof(why)), -1,
	       "1 of JOBS_X_ROOM + 1: -1");
	is_str(why, "\"1 of 1000001\" is out of range",
	       "1 of JOBS_X_ROOM + 1: why");
	jobs_tally(t, &tally);
	is_int(tally.x_total, 0, "refused notes set no N");

	strcpy(why, "untouched");
	is_int(jobs_note_x_of_n(t, 1, 3, why, sizeof(why)), 0, "1 of 3");
	is_str(why, "untouched", "why untouched on success");
	is_int(jobs_note_x_of_n(t, 2, 3, why, sizeof(why)), 0, "2 of 3");
	is_int(jobs_note_x_of_n(t, 2, 3, why, sizeof(why)), 0,
	       "2 of 3 again: noted (a duplicate)");
	is_int(jobs_note_x_of_n(t, 2, 3, why, sizeof(why)), 0,
	       "2 of 3 a third time");
	is_int(jobs_note_x_of_n(t, 1, 4, why, sizeof(why)), -1,
	       "1 of 4 after 'of 3': -1");
	is_str(why, "\"1 of 4\" after bodies said \"of 3\"", "N mismatch: why");
	jobs_tally(t, &tally);
	is_int(tally.x_total, 3, "x_total 3");
	is_int(tally.x_missing, 1, "x_missing 1 (3 never seen)");
	is_int(tally.x_duplicated, 1, "x_duplicated 1 (2, however often)");
	is_int(tally.ok + tally.failed + tally.jobs, 0,
	       "the x-of-N notes are not results");
	ok(!jobs_tally_clean(&tally), "x missing and duplicated: not clean");

	jobs_reset(t);
	is_int(jobs_note_x_of_n(t, 5, 5, why, sizeof(why)), 0,
	       "reset: 5 of 5, N as large as the room");
	jobs_tally(t, &tally);
	is_int(tally.x_total, 5, "reset: a new N");
	is_int(tally.x_missing, 4, "reset: 4 of 5 missing");
	is_int(tally.x_duplicated, 0, "reset: no duplicates");
	jobs_reset(t);
	jobs_note_x_of_n(t, 2, 2, why, sizeof(why));
	jobs_tally(t, &tally);
	is_int(tally.x_missing, 1, "only 2 of 2: 1 missing");
	ok(!jobs_tally_clean(&tally), "not clean with x missing alone");
	jobs_note_x_of_n(t, 1, 2, why, sizeof(why));
	jobs_tally(t, &tally);
	is_int(tally.x_missing + tally.x_duplicated, 0,
	       "1 and 2 of 2: complete");
	ok(jobs_tally_clean(&tally), "and clean");
	jobs_destroy(t);

	t = jobs_create(3);
	is_int(jobs_note_x_of_n(t, 1, 1, why, sizeof(why)), -1,
	       "a table without added room has no N: -1");
	jobs_destroy(t);
}

/* Resident memory of this process in KiB (/proc/self/statm), or -1. */
static long resident_kib(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * The room for added jobs is sized for the worst case (max_pages x
 * per_page of a discovery), and must cost nothing until used: the
 * strategy's peak memory is measured with the table in it.
 */
static void test_room_not_resident(void)
{
	const uint64_t extra = 20u * 1000 * 1000;
	struct job_table *t;
	long before, after;

	before = resident_kib();
	t = jobs_create_dynamic(10, extra, (size_t)extra * 16);
	after = resident_kib();
	if (!ok(t != NULL && before > 0 && after > 0,
	        "a table with room for %llu added jobs",
	        (unsigned long long)extra))
		return;
	/* A reset clears only the x of N the last loop saw. */
	cmp_ok_kib(after - before,
	           "creating it (a reset too) makes at most 4 MiB resident");
	jobs_destroy(t);
}

/* A claimer that waits in another thread. */
struct waiter {
	struct job_table *t;
	_Atomic int done;
	enum jobs_take got;
	uint64_t index;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->got = jobs_take(w->t, 1, &w->index);
	atomic_store(&w->done, 1);
	return NULL;
}

static void waiter_start(struct waiter *w, pthread_t *th)
{
	atomic_store(&w->done, 0);
	w->got = (enum jobs_take) - 1;
	w->index = 99;
	pthread_create(th, NULL, waiter_main, w);
}

/* Waits up to 5 s for the waiter to return. */
static int waiter_returned(struct waiter *w)
{
	int k;

	for (k = 0; k < 500 && !atomic_load(&w->done); k++)
		sleep_ms(10);
	return atomic_load(&w->done);
}

static void test_wait_threads(void)
{
	struct waiter w = {.t = jobs_create_dynamic(0, 4, 64)};
	pthread_t th;

	if (!ok(w.t != NULL, "table for waiting claimers"))
		return;
	jobs_producer_begin(w.t);
	waiter_start(&w, &th);
	sleep_ms(250);
	is_int(atomic_load(&w.done), 0,
	       "a waiting claimer blocks while a producer is at work");
	jobs_add(w.t, 1, 0, "new", NULL);
	ok(waiter_returned(&w), "it returns when a job is added");
	pthread_join(th, NULL);
	is_int(w.got, JOBS_TAKEN, "with the job");
	is_int(w.index, 0, "job 0");

	/* Two producers: done only once both have ended. */
	jobs_producer_begin(w.t);
	waiter_start(&w, &th);
	sleep_ms(150);
	jobs_producer_end(w.t);
	sleep_ms(250);
	is_int(atomic_load(&w.done), 0,
	       "one of two producers ended: the claimer still waits");
	jobs_producer_end(w.t);
	ok(waiter_returned(&w), "the last producer ended: it returns");
	pthread_join(th, NULL);
	is_int(w.got, JOBS_DONE, "done");

	/* A job added just before the last producer ends is not lost. */
	jobs_reset(w.t);
	jobs_producer_begin(w.t);
	waiter_start(&w, &th);
	sleep_ms(100);
	jobs_add(w.t, 1, 0, NULL, NULL);
	jobs_producer_end(w.t);
	ok(waiter_returned(&w), "add, then end: the claimer returns");
	pthread_join(th, NULL);
	is_int(w.got, JOBS_TAKEN, "with the job, not done");
	jobs_destroy(w.t);
}

/*
 * Across fork(): the table lives in shared memory, claims and additions
 * of one process are seen by the other, and a claimer waiting in one
 * process is woken by the other.
 */
static void test_wait_fork(void)
{
	struct job_table *t = jobs_create_dynamic(1, 8, 256);
	struct loop_tally tally;
	uint64_t i = 99, number;
	unsigned kind;
	const char *text;
	int status = -1, fds[2];
	char c;
	pid_t pid;

	if (!ok(t != NULL, "table for fork"))
		return;
	/* The child claims job 0 and says so through a pipe; then the
	 * parent waits while the child adds a job and ends its production:
	 * the parent is woken with the child's job. */
	if (!ok(pipe(fds) == 0, "fork: a pipe")) {
		jobs_destroy(t);
		return;
	}
	jobs_producer_begin(t);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint64_t mine;
		alarm(10);
		close(fds[0]);
		if (jobs_take(t, 0, &mine) != JOBS_TAKEN || mine != 0)
			_exit(1);
		if (write(fds[1], "c", 1) != 1)
			_exit(5);
		sleep_ms(200);
		if (jobs_add(t, 2, 42, "/files/from-child", &mine) < 0 ||
		    mine != 1)
			_exit(2);
		jobs_record(t, 0, 10, NULL);
		jobs_producer_end(t);
		_exit(0);
	}
	close(fds[1]);
	is_int(read(fds[0], &c, 1), 1, "fork: the child claimed job 0");
	close(fds[0]);
	is_int(jobs_take(t, 0, &i), JOBS_NONE_NOW,
	       "fork: the parent sees job 0 claimed, and none now");
	is_int(jobs_take(t, 1, &i), JOBS_TAKEN,
	       "fork: the parent, waiting, gets a job");
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status), "fork: the child exited");
	is_int(WEXITSTATUS(status), 0,
	       "fork: the child claimed job 0 and added job 1");
	is_int(i, 1, "fork: the parent got job 1, added by the child");
	kind = 0;
	number = 0;
	text = NULL;
	is_int(jobs_added(t, 1, &kind, &number, &text), 0,
	       "fork: job 1 is an added job");
	is_int(kind, 2, "fork: its kind, as the child added it");
	is_int(number, 42, "fork: its number");
	is_str(text, "/files/from-child", "fork: its text, in shared memory");
	jobs_record(t, 1, 5, NULL);
	is_int(jobs_take(t, 1, &i), JOBS_DONE,
	       "fork: the child's production ended: done");
	jobs_tally(t, &tally);
	is_int(tally.jobs, 2, "fork: 2 jobs");
	is_int(tally.ok, 2, "fork: 2 ok, one from each process");
	is_int(tally.bytes, 15, "fork: bytes of both");
	ok(jobs_tally_clean(&tally), "fork: clean");

	/* The other way round: the child waits, the parent adds. */
	jobs_reset(t);
	jobs_take(t, 0, &i); /* job 0: ours */
	jobs_producer_begin(t);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint64_t got;
		unsigned k;
		uint64_t n;
		const char *s;
		alarm(10);
		if (jobs_take(t, 1, &got) != JOBS_TAKEN)
			_exit(1);
		if (got != 1 || jobs_added(t, got, &k, &n, &s) < 0)
			_exit(2);
		if (k != 1 || n != 7 || !s || strcmp(s, "/from-parent") != 0)
			_exit(3);
		jobs_record(t, got, 1, NULL);
		if (jobs_take(t, 1, &got) != JOBS_DONE)
			_exit(4);
		_exit(0);
	}
	sleep_ms(250);
	is_int(waitpid(pid, &status, WNOHANG), 0,
	       "fork: the waiting child blocks");
	jobs_add(t, 1, 7, "/from-parent", NULL);
	sleep_ms(100);
	jobs_producer_end(t);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status), "fork: the child exited");
	is_int(WEXITSTATUS(status), 0,
	       "fork: the child was woken with the parent's job, then done");
	jobs_record(t, 0, 1, NULL);
	jobs_tally(t, &tally);
	is_int(tally.ok, 2, "fork: 2 ok");
	ok(jobs_tally_clean(&tally), "fork: clean");
	jobs_destroy(t);
}

/* Many producers adding while many claimers wait and record. */
#define ADDERS 4
#define ADDS 2000u
#define CLAIMERS 3

struct crowd {
	struct job_table *t;
	int id;
	_Atomic uint64_t *taken;
	_Atomic uint64_t *wrong; /* added jobs read wrong when claimed */
};

static void *adder_main(void *arg)
{
	struct crowd *c = arg;
	char text[32];
	unsigned k;

	for (k = 0; k < ADDS; k++) {
		snprintf(text, sizeof(text), "a%d-%u", c->id, k);
		if (jobs_add(c->t, (unsigned)c->id, k, text, NULL) < 0)
			break;
	}
	jobs_producer_end(c->t);
	return NULL;
}

/* The kind, number and text of added job i, read as the host's job_new()
 * reads them: 1 if they are what adder_main() wrote. */
static int added_right(struct job_table *t, uint64_t i)
{
	unsigned kind;
	uint64_t number;
	const char *text;
	char want[32];

	if (jobs_added(t, i, &kind, &number, &text) < 0)
		return 0;
	snprintf(want, sizeof(want), "a%u-%llu", kind,
	         (unsigned long long)number);
	return text && strcmp(text, want) == 0 && kind >= 1 && kind <= ADDERS;
}

static void *claimer_main(void *arg)
{
	struct crowd *c = arg;
	uint64_t i;

	while (jobs_take(c->t, 1, &i) == JOBS_TAKEN) {
		/* While the adders still add: a claimed job must be read
		 * whole, its record and text published before its index
		 * (and ThreadSanitizer says so if they are not). */
		if (i >= jobs_static_count(c->t) && !added_right(c->t, i))
			atomic_fetch_add(c->wrong, 1);
		atomic_fetch_add(c->taken, 1);
		jobs_record(c->t, i, 1, NULL);
	}
	return NULL;
}

static void test_crowd(void)
{
	const uint64_t total = 10 + (uint64_t)ADDERS * ADDS;
	struct job_table *t = jobs_create_dynamic(10, (uint64_t)ADDERS * ADDS,
	                                          ADDERS * ADDS * 10);
	struct crowd adders[ADDERS], claimers[CLAIMERS];
	pthread_t ta[ADDERS], tc[CLAIMERS];
	_Atomic uint64_t taken = 0, wrong = 0;
	struct loop_tally tally;
	uint64_t i, right = 0;
	int k;

	if (!ok(t != NULL, "table for %d adders and %d claimers", ADDERS,
	        CLAIMERS))
		return;
	for (k = 0; k < ADDERS; k++)
		jobs_producer_begin(t);
	for (k = 0; k < CLAIMERS; k++) {
		claimers[k] = (struct crowd){
		    .t = t, .id = k, .taken = &taken, .wrong = &wrong};
		pthread_create(&tc[k], NULL, claimer_main, &claimers[k]);
	}
	for (k = 0; k < ADDERS; k++) {
		adders[k] = (struct crowd){.t = t, .id = k + 1};
		pthread_create(&ta[k], NULL, adder_main, &adders[k]);
	}
	for (k = 0; k < ADDERS; k++)
		pthread_join(ta[k], NULL);
	for (k = 0; k < CLAIMERS; k++)
		pthread_join(tc[k], NULL);
	is_int(jobs_count(t), total, "crowd: every job added");
	is_int(atomic_load(&taken), total, "crowd: every job claimed");
	is_int(atomic_load(&wrong), 0,
	       "crowd: each added job read whole as it was claimed");
	jobs_tally(t, &tally);
	is_int(tally.ok, total, "crowd: every job recorded");
	is_int(tally.missing + tally.duplicated, 0,
	       "crowd: none missing or duplicated");
	ok(jobs_tally_clean(&tally), "crowd: clean");
	for (i = 10; i < total; i++)
		right += added_right(t, i);
	is_int(right, total - 10,
	       "crowd: each added job keeps its own kind, number and text");
	jobs_destroy(t);
}

int main(void)
{
	/* A claimer that never wakes must fail the test, not hang it. */
	alarm(120);
	test_threads();
	test_processes();
	test_outcomes();
	test_long_error();
	test_small();
	test_failure_names();
	test_add();
	test_text_room();
	test_fail_kinds();
	test_matches();
	test_x_of_n();
	test_room_not_resident();
	test_wait_threads();
	test_wait_fork();
	test_crowd();
	return done_testing();
}

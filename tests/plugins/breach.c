/* SPDX-License-Identifier: MIT */
/*
 * breach: fetches serially, but breaks the plugin contract the way its
 * `breach` option says, so that the tests can check the host catches each
 * breach, names it, and keeps running the other cells:
 *
 *   done-twice    reports job 0 twice at once
 *   done-later    reports job 0 again after every other job
 *   done-null     done() with a NULL job
 *   easy-null     easy() with a NULL job
 *   done-foreign  done() with a job object of its own
 *   easy-foreign  easy() with a job object of its own
 *   overflow      hands out 2 x C transfers before reporting any
 *   late          a thread calls next_job() after run() returned
 *   exit          exit(0) in run() in the second repeat
 *   escape        a worker that setsid()s, writes its pid to `pidfile`,
 *                 and outlives run()
 *   hang          claims a job and never returns
 *   keeps         no breach: a worker started in init() lives until fini(),
 *                 as a process pool kept in the state may
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <concbench/plugin.h>

static const struct concbench_option breach_options[] = {
    {"breach", CONCBENCH_OPT_STRING, "none", 0, 0, "what to break"},
    {"pidfile", CONCBENCH_OPT_STRING, "", 0, 0, "escape: where the pid goes"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct breach {
	const char *what;
	const char *pidfile;
	unsigned runs;
	pthread_t late;
	pid_t kept;
	int late_started;
	_Atomic int returned;
	struct concbench_host *host;
};

static int is(const struct breach *b, const char *what)
{
	return strcmp(b->what, what) == 0;
}

/* Fetch one job on a reused handle and report it. */
static void fetch(struct concbench_host *host, struct concbench_job *job,
                  CURL **easy)
{
	CURL *e = host->easy(host, job, *easy);

	if (!e)
		return;
	*easy = e;
	host->done(host, job, e, curl_easy_perform(e));
}

static void *late_caller(void *arg)
{
	struct breach *b = arg;
	struct concbench_job *job;
	struct timespec ms = {0, 1000000L};

	while (!atomic_load(&b->returned))
		nanosleep(&ms, NULL);
	nanosleep(&ms, NULL);
	b->host->next_job(b->host, 0, &job);
	return NULL;
}

/* A worker of its own session, which the process-group kill misses. */
static int escape(const struct breach *b)
{
	pid_t pid = fork();
	FILE *f;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		for (;;)
			pause();
	}
	if (!(f = fopen(b->pidfile, "w")))
		return -1;
	fprintf(f, "%d\n", (int)pid);
	return fclose(f) == 0 ? 0 : -1;
}

/* Hand out 2 x C transfers, then run and report them one by one. */
static void overflow(struct concbench_host *host)
{
	unsigned n = 2 * host->concurrency, held, i;
	struct concbench_job **jobs = calloc(n, sizeof(*jobs));
	CURL **easy = calloc(n, sizeof(*easy));

	for (;;) {
		for (held = 0; held < n; held++) {
			if (host->next_job(host, CONCBENCH_NEXT_WAIT,
			                   &jobs[held]) != CONCBENCH_NEXT_JOB)
				break;
			easy[held] = host->easy(host, jobs[held], easy[held]);
		}
		for (i = 0; i < held; i++)
			if (easy[i])
				host->done(host, jobs[i], easy[i],
				           curl_easy_perform(easy[i]));
		if (held < n)
			break;
	}
	for (i = 0; i < n; i++)
		curl_easy_cleanup(easy[i]);
	free(jobs);
	free(easy);
}

static int breach_init(struct concbench_host *host, void **state)
{
	struct breach *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	b->what = host->option_string(host, "breach");
	b->pidfile = host->option_string(host, "pidfile");
	b->host = host;
	*state = b;
	if (is(b, "keeps") && (b->kept = fork()) == 0)
		for (;;)
			pause();
	return b->kept < 0 ? -1 : 0;
}

static int breach_run(struct concbench_host *host, void *state)
{
	struct breach *b = state;
	struct concbench_job *job, *first = NULL, foreign = {0, "x", NULL};
	CURL *easy = NULL;

	b->runs++;
	if (is(b, "exit") && b->runs == 2)
		exit(0);
	if (is(b, "escape") && escape(b) < 0)
		return -1;
	if (is(b, "late") && !b->late_started)
		b->late_started =
		    pthread_create(&b->late, NULL, late_caller, b) == 0;
	if (is(b, "overflow")) {
		overflow(host);
		return 0;
	}
	while (host->next_job(host, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		if (is(b, "hang"))
			for (;;)
				pause();
		if (job->index == 0 && is(b, "done-null"))
			host->done(host, NULL, easy, CURLE_OK);
		if (job->index == 0 && is(b, "easy-null"))
			host->easy(host, NULL, easy);
		if (job->index == 0 && is(b, "done-foreign"))
			host->done(host, &foreign, easy, CURLE_OK);
		if (job->index == 0 && is(b, "easy-foreign"))
			host->easy(host, &foreign, easy);
		fetch(host, job, &easy);
		if (job->index == 0 && is(b, "done-twice"))
			host->done(host, job, easy, CURLE_OK);
		if (job->index == 0)
			first = job; /* released: only its address is kept */
	}
	if (first && is(b, "done-later"))
		host->done(host, first, easy, CURLE_OK);
	curl_easy_cleanup(easy);
	atomic_store(&b->returned, 1);
	return 0;
}

static void breach_fini(struct concbench_host *host, void *state)
{
	struct breach *b = state;

	(void)host;
	if (b->late_started)
		pthread_join(b->late, NULL);
	if (b->kept > 0) {
		kill(b->kept, SIGKILL);
		waitpid(b->kept, NULL, 0);
	}
	free(b);
}

static const struct concbench_plugin breach_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "breach",
    .summary = "test plugin: serial fetches that break the contract as told",
    .options = breach_options,
    .init = breach_init,
    .run = breach_run,
    .fini = breach_fini,
};

CONCBENCH_PLUGIN(breach_plugin)

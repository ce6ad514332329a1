/* SPDX-License-Identifier: MIT */
/*
 * ref-threads: the bare threaded client that bench/overhead.sh holds
 * concbench's threadpool up to. C threads, each looping one reused
 * blocking easy handle through curl_easy_perform, taking the next index
 * from one shared counter: libcurl used as simply as it can be, so that
 * whatever concbench spends beyond this is the cost of its host and its
 * plugin.
 *
 * With --per-request, what concbench's threads does instead, for it: a
 * new thread for each request, at most C alive, each with a new handle
 * (so a new connection) for its one transfer.
 *
 *   ref-threads [--per-request] BASE_URL PATTERN N C [TIMEOUT_MS]
 *
 * One line of figures on stdout (see ref.h); exit status 1 if any request
 * failed or had a status other than 2xx.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ref.h"

/* The longest URL: a base, a path and an index fit with room. */
#define URL_MAX 2048
/* concbench's threads gives its threads this stack (plugins/threads.c). */
#define PER_REQUEST_STACK (256 * 1024)

static struct ref_args args;
static atomic_ulong next_index;

struct worker {
	pthread_t tid;
	struct ref_tally tally; /* its own: no sharing on the hot path */
	int broken;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char url[URL_MAX], err[CURL_ERROR_SIZE];
	unsigned long i;
	CURL *easy;
	CURLcode rc;

	if (!(easy = ref_easy(&args, err))) {
		w->broken = 1;
		return NULL;
	}
	while ((i = atomic_fetch_add(&next_index, 1)) < args.n) {
		if (ref_url(&args, i, url, sizeof(url)) < 0 ||
		    curl_easy_setopt(easy, CURLOPT_URL, url) != CURLE_OK) {
			fprintf(stderr, "URL %lu: too long, or out of memory\n",
			        i);
			w->broken = 1;
			break;
		}
		rc = curl_easy_perform(easy);
		ref_count(easy, rc, err, url, &w->tally);
	}
	curl_easy_cleanup(easy);
	return NULL;
}

/* --per-request: the threads alive, and what the finished ones got. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned long alive;
	struct ref_tally tally;
	int broken;
} crew = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, {0}, 0};

static void *fetch_one(void *arg)
{
	unsigned long i = (unsigned long)(uintptr_t)arg;
	char url[URL_MAX], err[CURL_ERROR_SIZE];
	struct ref_tally t = {0};
	int broken = 0;
	CURL *easy = ref_easy(&args, err);

	if (!easy || ref_url(&args, i, url, sizeof(url)) < 0 ||
	    curl_easy_setopt(easy, CURLOPT_URL, url) != CURLE_OK)
		broken = 1;
	else
		ref_count(easy, curl_easy_perform(easy), err, url, &t);
	curl_easy_cleanup(easy);
	pthread_mutex_lock(&crew.lock);
	crew.tally.ok += t.ok;
	crew.tally.failed += t.failed;
	crew.tally.connects += t.connects;
	crew.broken |= broken;
	crew.alive--;
	pthread_cond_signal(&crew.changed);
	pthread_mutex_unlock(&crew.lock);
	return NULL;
}

/* A detached thread per request, C at most alive; 1 if one broke. */
static int per_request(struct ref_tally *total)
{
	pthread_attr_t attr;
	pthread_t tid;
	unsigned long i;
	int rc = 0;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, PER_REQUEST_STACK);
	pthread_mutex_lock(&crew.lock);
	for (i = 0; i < args.n && rc == 0; i++) {
		while (crew.alive >= args.c)
			pthread_cond_wait(&crew.changed, &crew.lock);
		rc = pthread_create(&tid, &attr, fetch_one,
		                    (void *)(uintptr_t)i);
		if (rc == 0)
			crew.alive++;
		else
			fprintf(stderr, "pthread_create: %s\n", strerror(rc));
	}
	while (crew.alive > 0)
		pthread_cond_wait(&crew.changed, &crew.lock);
	*total = crew.tally;
	pthread_mutex_unlock(&crew.lock);
	pthread_attr_destroy(&attr);
	return rc != 0 || crew.broken;
}

/* C threads looping a reused handle each; 1 if one broke. */
static int pool(struct ref_tally *total)
{
	unsigned long i, c = args.c < args.n ? args.c : args.n, started;
	struct worker *workers = calloc(c, sizeof(*workers));
	int broken = 0, rc;

	if (!workers) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (started = 0; started < c; started++) {
		rc = pthread_create(&workers[started].tid, NULL, work,
		                    &workers[started]);
		if (rc != 0) {
			fprintf(stderr, "pthread_create: %s\n", strerror(rc));
			broken = 1;
			break;
		}
	}
	for (i = 0; i < started; i++) {
		pthread_join(workers[i].tid, NULL);
		total->ok += workers[i].tally.ok;
		total->failed += workers[i].tally.failed;
		total->connects += workers[i].tally.connects;
		broken |= workers[i].broken;
	}
	free(workers);
	return broken;
}

int main(int argc, char **argv)
{
	struct ref_tally total = {0};
	struct ref_mark from, to;
	int broken, rc, fresh = argc > 1 && !strcmp(argv[1], "--per-request");

	if (fresh) { /* the program's name in the flag's place */
		argv[1] = argv[0];
		argc--, argv++;
	}
	ref_init(argc, argv, "[--per-request] ", &args);
	ref_mark(&from);
	broken = fresh ? per_request(&total) : pool(&total);
	ref_mark(&to);
	rc = ref_report(fresh ? "ref-threads-per-request" : "ref-threads",
	                &args, &from, &to, &total);
	curl_global_cleanup();
	return broken ? 1 : rc;
}

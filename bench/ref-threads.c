/* SPDX-License-Identifier: MIT */
/*
 * ref-threads: the bare threaded client that bench/overhead.sh holds
 * concbench's threadpool up to. C threads, each looping one reused
 * blocking easy handle through curl_easy_perform, taking the next index
 * from one shared counter: libcurl used as simply as it can be, so that
 * whatever concbench spends beyond this is the cost of its host and its
 * plugin.
 *
 *   ref-threads BASE_URL PATTERN N C [TIMEOUT_MS]
 *
 * One line of figures on stdout (see ref.h); exit status 1 if any request
 * failed or had a status other than 2xx.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ref.h"

/* The longest URL: a base, a path and an index fit with room. */
#define URL_MAX 2048

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

int main(int argc, char **argv)
{
	struct ref_tally total = {0};
	struct ref_mark from, to;
	struct worker *workers;
	unsigned long i, c, started;
	int broken = 0, rc;

	ref_init(argc, argv, &args);
	c = args.c < args.n ? args.c : args.n;
	ref_mark(&from);
	if (!(workers = calloc(c, sizeof(*workers)))) {
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
		total.ok += workers[i].tally.ok;
		total.failed += workers[i].tally.failed;
		total.connects += workers[i].tally.connects;
		broken |= workers[i].broken;
	}
	free(workers);
	ref_mark(&to);
	rc = ref_report("ref-threads", &args, &from, &to, &total);
	curl_global_cleanup();
	return broken ? 1 : rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * good: a well-formed test plugin that fetches serially with one reused
 * handle, and declares one option of each type (with and without defaults
 * and ranges) so that the tests can check option binding end to end. At
 * -v it logs the option values it was given.
 */
#include <stdlib.h>

#include <concbench/plugin.h>

struct good_state {
	int64_t workers;
	int64_t keepalive;
	const char *tag;
	unsigned loops;
};

static const struct concbench_option good_options[] = {
    {"workers", CONCBENCH_OPT_INT, "4", 1, 64, "an integer in 1..64"},
    {"offset", CONCBENCH_OPT_INT, NULL, -100, 100,
     "an integer in -100..100, unset by default"},
    {"any", CONCBENCH_OPT_INT, NULL, 0, 0, "an integer without a range"},
    {"keepalive", CONCBENCH_OPT_BOOL, "true", 0, 0, "a boolean, true"},
    {"trace", CONCBENCH_OPT_BOOL, NULL, 0, 0, "a boolean, unset"},
    {"tag", CONCBENCH_OPT_STRING, "none", 0, 0, "a string, \"none\""},
    {"note", CONCBENCH_OPT_STRING, NULL, 0, 0, "a string, unset"},
    {NULL, 0, NULL, 0, 0, NULL},
};

static int good_init(struct concbench_host *host, void **state)
{
	struct good_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	if (host->option_int(host, "workers", &st->workers) < 0 ||
	    host->option_int(host, "keepalive", &st->keepalive) < 0) {
		host->log(host, CONCBENCH_LOG_ERROR, "declared defaults unset");
		free(st);
		return -1;
	}
	st->tag = host->option_string(host, "tag");
	*state = st;
	return 0;
}

static int good_run(struct concbench_host *host, void *state)
{
	struct good_state *st = state;
	struct concbench_job *job;
	CURL *easy = NULL, *e;

	host->log(host, CONCBENCH_LOG_INFO,
	          "loop %u: workers=%lld keepalive=%lld tag=%s", st->loops++,
	          (long long)st->workers, (long long)st->keepalive,
	          st->tag ? st->tag : "(unset)");
	while (host->next_job(host, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		e = host->easy(host, job, easy);
		if (!e)
			continue;
		easy = e;
		host->done(host, job, easy, curl_easy_perform(easy));
	}
	if (easy)
		curl_easy_cleanup(easy);
	return 0;
}

static void good_fini(struct concbench_host *host, void *state)
{
	(void)host;
	free(state);
}

static const struct concbench_plugin good_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "good",
    .summary = "test plugin: serial fetches, one option of each type",
    .options = good_options,
    .init = good_init,
    .run = good_run,
    .fini = good_fini,
};

CONCBENCH_PLUGIN(good_plugin)

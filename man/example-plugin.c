/* SPDX-License-Identifier: MIT */
/* example: one reused blocking easy handle, one URL at a time. */
#include <curl/curl.h>
#include <concbench/plugin.h>

static const struct concbench_option example_options[] = {
    {"trace", CONCBENCH_OPT_BOOL, "false", 0, 0,
     "log every URL at info level (see concbench -v)"},
    {NULL, 0, NULL, 0, 0, NULL}};

static int example_run(struct concbench_host *host, void *state)
{
	struct concbench_job *job;
	CURL *easy = NULL, *e;
	int64_t trace = 0;

	(void)state;
	host->option_int(host, "trace", &trace);
	/* Nothing else is in flight: let the host block for the next job. */
	while (host->next_job(host, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		if (trace)
			host->log(host, CONCBENCH_LOG_INFO, "GET %s", job->url);
		e = host->easy(host, job, easy);
		if (!e)
			continue; /* failed and released; easy is still ours */
		easy = e;
		host->done(host, job, easy, curl_easy_perform(easy));
	}
	curl_easy_cleanup(easy); /* NULL is fine */
	return 0;
}

static const struct concbench_plugin example_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "example",
    .summary = "one reused blocking easy handle, one URL at a time",
    .options = example_options,
    .run = example_run,
};

CONCBENCH_PLUGIN(example_plugin)

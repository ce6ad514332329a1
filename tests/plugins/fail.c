/* SPDX-License-Identifier: MIT */
/*
 * fail: fetches and reports every job like a serial strategy, then returns
 * -1 from run(): the strategy failed although the job set is complete.
 */
#include <concbench/plugin.h>

static int fail_run(struct concbench_host *host, void *state)
{
	struct concbench_job *job;
	CURL *easy = NULL, *e;

	(void)state;
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
	host->log(host, CONCBENCH_LOG_ERROR, "failing on purpose");
	return -1;
}

static const struct concbench_plugin fail_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "fail",
    .summary = "test plugin: reports every job, then run() returns -1",
    .run = fail_run,
};

CONCBENCH_PLUGIN(fail_plugin)

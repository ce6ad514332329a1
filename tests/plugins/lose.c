/* SPDX-License-Identifier: MIT */
/*
 * lose: claims every job but fetches and reports only every other one (the
 * 1st, 3rd, ...), so floor(N / 2) jobs are never reported and the host must
 * count them missing. The unreported jobs stay allocated by the host: the
 * ABI has no way to give a job back other than done(), which is the point.
 */
#include <concbench/plugin.h>

static int lose_run(struct concbench_host *host, void *state)
{
	struct concbench_job *job;
	CURL *easy = NULL, *e;
	unsigned long claimed = 0;

	(void)state;
	while (host->next_job(host, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		if (claimed++ % 2)
			continue; /* dropped on the floor */
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

static const struct concbench_plugin lose_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "lose",
    .summary = "test plugin: claims every job, reports only half",
    .run = lose_run,
};

CONCBENCH_PLUGIN(lose_plugin)

/* SPDX-License-Identifier: MIT */
/*
 * serial: one blocking curl easy handle, reused for every URL, one URL at
 * a time. The baseline every other strategy is measured against.
 *
 * The seed it stands for: synchronous requests in a for loop, with a
 * requests.Session keeping the connection alive.
 */
#include <curl/curl.h>

#include <concbench/plugin.h>

static int serial_run(struct concbench_host *host, void *state)
{
	struct concbench_job *job;
	enum concbench_next r;
	CURL *easy = NULL, *e;
	int ret = 0;

	(void)state;
	/* With one transfer at a time nothing else can make a job appear:
	 * always let the host block until one does. */
	while ((r = host->next_job(host, CONCBENCH_NEXT_WAIT, &job)) !=
	       CONCBENCH_NEXT_DONE) {
		if (r != CONCBENCH_NEXT_JOB) {
			host->log(
			    host, CONCBENCH_LOG_ERROR,
			    "next_job answered NONE_NOW to a waiting call");
			ret = -1;
			break;
		}
		e = host->easy(host, job, easy);
		if (!e)
			continue; /* recorded as failed; easy is still ours */
		easy = e;
		host->done(host, job, easy, curl_easy_perform(easy));
	}
	if (easy)
		curl_easy_cleanup(easy);
	return ret;
}

static const struct concbench_plugin serial_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "serial",
    .summary = "one reused blocking curl easy handle, one URL at a time",
    .options = NULL,
    .init = NULL,
    .run = serial_run,
    .fini = NULL,
};

CONCBENCH_PLUGIN(serial_plugin)

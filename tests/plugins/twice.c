/* SPDX-License-Identifier: MIT */
/*
 * twice: fetches serially, and reports the first job of each loop twice.
 *
 * done() releases the job, so a plugin cannot honestly call it twice on
 * one job object in one process. It can across fork(), which the ABI
 * allows: after the first transfer the plugin forks; the child reports the
 * job (on its copy of the job and of the handle) and exits, then the parent
 * reports its own copy. Both land in the shared job table, so the host sees
 * N + 1 results with that job duplicated, exactly as a buggy process-pool
 * strategy that hands the same job to two workers would produce.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <concbench/plugin.h>

static int report_twice(struct concbench_host *host, struct concbench_job *job,
                        CURL *easy, CURLcode rc)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		host->log(host, CONCBENCH_LOG_ERROR, "fork failed");
		host->done(host, job, easy, rc);
		return -1;
	}
	if (pid == 0) {
		host->done(host, job, easy, rc);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	host->done(host, job, easy, rc);
	return status == 0 ? 0 : -1;
}

static int twice_run(struct concbench_host *host, void *state)
{
	struct concbench_job *job;
	CURL *easy = NULL, *e;
	int first = 1, ret = 0;

	(void)state;
	while (host->next_job(host, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		e = host->easy(host, job, easy);
		if (!e)
			continue;
		easy = e;
		if (first) {
			first = 0;
			if (report_twice(host, job, easy,
			                 curl_easy_perform(easy)) < 0)
				ret = -1;
		} else {
			host->done(host, job, easy, curl_easy_perform(easy));
		}
	}
	if (easy)
		curl_easy_cleanup(easy);
	return ret;
}

static const struct concbench_plugin twice_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "twice",
    .summary = "test plugin: reports the first job twice (via fork)",
    .run = twice_run,
};

CONCBENCH_PLUGIN(twice_plugin)

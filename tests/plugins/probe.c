/* SPDX-License-Identifier: MIT */
/*
 * probe: fetches serially, and costs what its options say, so that the
 * tests can check what concbench measures against a known cost:
 *   sleep_ms  sleep this long in run() before the first easy() (set-up);
 *   burn_us   burn this much CPU per request, after done();
 *   fork      do each request (and its burn) in a forked child, reaped
 *             before the next: the CPU of reaped workers must count;
 *   hog_mib   halfway through the loop, allocate and touch this many MiB,
 *             hold them for hold_ms, then free them.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <concbench/plugin.h>

static const struct concbench_option probe_options[] = {
    {"sleep_ms", CONCBENCH_OPT_INT, "0", 0, 10000, "sleep before set-up"},
    {"burn_us", CONCBENCH_OPT_INT, "0", 0, 1000000, "CPU per request"},
    {"fork", CONCBENCH_OPT_BOOL, "false", 0, 0, "a child per request"},
    {"hog_mib", CONCBENCH_OPT_INT, "0", 0, 4096, "MiB held mid-loop"},
    {"hold_ms", CONCBENCH_OPT_INT, "300", 0, 10000, "how long"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct probe {
	int64_t sleep_ms, burn_us, fork, hog_mib, hold_ms;
};

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Spin until this process has used `us` more microseconds of CPU. */
static void burn(int64_t us)
{
	uint64_t until = cpu_ns() + (uint64_t)us * 1000;
	volatile uint64_t x = 0;

	while (cpu_ns() < until)
		x++;
}

static void hog(int64_t mib, int64_t hold_ms)
{
	size_t len = (size_t)mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	memset(p, 1, len);
	sleep_ms(hold_ms);
	munmap(p, len);
}

static void fetch(struct concbench_host *host, struct concbench_job *job,
                  int64_t burn_us)
{
	CURL *easy = host->easy(host, job, NULL);

	if (!easy)
		return;
	host->done(host, job, easy, curl_easy_perform(easy));
	curl_easy_cleanup(easy);
	burn(burn_us);
}

static int probe_init(struct concbench_host *host, void **state)
{
	struct probe *p = calloc(1, sizeof(*p));

	if (!p || host->option_int(host, "sleep_ms", &p->sleep_ms) < 0 ||
	    host->option_int(host, "burn_us", &p->burn_us) < 0 ||
	    host->option_int(host, "fork", &p->fork) < 0 ||
	    host->option_int(host, "hog_mib", &p->hog_mib) < 0 ||
	    host->option_int(host, "hold_ms", &p->hold_ms) < 0) {
		free(p);
		return -1;
	}
	*state = p;
	return 0;
}

static int probe_run(struct concbench_host *host, void *state)
{
	struct probe *p = state;
	struct concbench_job *job;
	uint64_t n = 0;

	sleep_ms(p->sleep_ms);
	while (host->next_job(host, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		if (p->hog_mib && n++ == host->jobs_hint / 2)
			hog(p->hog_mib, p->hold_ms);
		if (p->fork) {
			pid_t pid = fork();
			int status;

			if (pid == 0) {
				fetch(host, job, p->burn_us);
				_exit(0);
			}
			if (pid < 0 || waitpid(pid, &status, 0) != pid)
				return -1;
		} else {
			fetch(host, job, p->burn_us);
		}
	}
	return 0;
}

static void probe_fini(struct concbench_host *host, void *state)
{
	(void)host;
	free(state);
}

static const struct concbench_plugin probe_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "probe",
    .summary = "test plugin: serial fetches that cost what its options say",
    .options = probe_options,
    .init = probe_init,
    .run = probe_run,
    .fini = probe_fini,
};

CONCBENCH_PLUGIN(probe_plugin)

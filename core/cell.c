/* SPDX-License-Identifier: MIT */
/*
 * cell: the measurement of one cell in a fresh child process: R repeats of
 * L loops, each loop checked for exactly-once completion, with the peak
 * memory of the child's process tree sampled by the parent.
 */
#include "config.h"

#include "cell.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "loader.h"
#include "plan.h"
#include "proctree.h"
#include "subproc.h"

/* Memory sampling: often enough to see a cell's peak, cheap enough not to
 * disturb it (the interval grows when reading /proc gets slow). */
#define SAMPLE_INTERVAL_MS 10
#define SAMPLE_COST_FACTOR 20

/* ---- shared between the measurement child and the parent ------------- */

struct repeat_record {
	double seconds_per_loop;
	uint64_t ok, failed, bytes;
	uint64_t jobs, matches; /* of the repeat's last loop */
	uint64_t failures[JOB_FAIL_KINDS];
};

struct cell_shared {
	size_t mapped;
	_Atomic unsigned repeats_done;
	_Atomic unsigned at_repeat, at_loop; /* where the child is */
	int bad_loop;                        /* an unclean loop was seen */
	int plugin_failed;                   /* run() returned nonzero */
	struct loop_tally bad_tally;
	struct repeat_record bad;      /* counted in the totals */
	char failure[CELL_STATUS_MAX]; /* set before _exit(3) */
	struct repeat_record repeats[];
};

double cell_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Descriptors a cell may need: a blocking easy handle holds three (its
 * socket and a wake-up pair), plus what the process holds anyway.
 */
#define FDS_PER_TRANSFER 3
#define FDS_BASE 64

/* Refuse a cell the descriptor limit cannot serve; 0 if it can run. */
static int check_nofile(unsigned concurrency, char *why, size_t len)
{
	uint64_t need = (uint64_t)concurrency * FDS_PER_TRANSFER + FDS_BASE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
	    rl.rlim_max == RLIM_INFINITY || (uint64_t)rl.rlim_max >= need)
		return 0;
	snprintf(why, len,
	         "refused: concurrency %u needs about %" PRIu64
	         " file descriptors, and the hard limit is %" PRIu64
	         " (raise it with ulimit -Hn, or lower the concurrency)",
	         concurrency, need, (uint64_t)rl.rlim_max);
	return -1;
}

/* Raise the soft descriptor limit: each connection needs descriptors. */
static void raise_nofile_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void child_setup(pid_t parent)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	size_t i;

	if (subproc_detach(parent, SIGKILL) < 0)
		_exit(3);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	/*
	 * CURLOPT_NOSIGNAL stops libcurl from ignoring SIGPIPE itself; a
	 * write to a reset TLS peer must fail the transfer, not kill the
	 * process (or a strategy's worker, which inherits this).
	 */
	signal(SIGPIPE, SIG_IGN);
	raise_nofile_limit();
}

static void __attribute__((noreturn))
child_fail(struct cell_shared *sh, const char *why, const char *detail)
{
	snprintf(sh->failure, sizeof(sh->failure), "%s%s", why, detail);
	_exit(3);
}

/* Add one loop's counts to a repeat's. */
static void add_loop(struct repeat_record *rec, const struct loop_tally *t)
{
	size_t k;

	rec->ok += t->ok;
	rec->failed += t->failed;
	rec->bytes += t->bytes;
	rec->jobs = t->jobs;
	rec->matches = t->matches;
	for (k = 0; k < JOB_FAIL_KINDS; k++)
		rec->failures[k] += t->failures[k];
}

/* The measurement process: never returns. */
static void __attribute__((noreturn))
cell_child(const struct plan *plan, const struct cell *cell,
           const struct cell_env *env, struct cell_shared *sh)
{
	const struct concbench_plugin *desc = cell->plugin->desc;
	struct host_config hc = {
	    .scn = plan->scn,
	    .spec = cell->spec,
	    .urls = cell->urls,
	    .concurrency = cell->concurrency,
	    .base_url = env->base_url,
	    .no_proxy = env->no_proxy,
	};
	struct concbench_host *services;
	struct host *host;
	void *state = NULL;
	char err[DIAG_ERR_MAX];
	unsigned r, l;

	host = host_new(&hc, err, sizeof(err));
	if (!host)
		child_fail(sh, "cannot prepare the requests: ", err);
	services = host_services(host);
	if (desc->init && desc->init(services, &state) != 0)
		child_fail(sh, "the plugin's init failed", "");

	for (r = 0; r < plan->repeat && !sh->bad_loop; r++) {
		struct repeat_record rec = {0};
		double total = 0;

		for (l = 0; l < plan->loops; l++) {
			struct loop_tally tally;
			double start;
			int rc;

			atomic_store(&sh->at_repeat, r);
			atomic_store(&sh->at_loop, l);
			host_loop_begin(host);
			start = cell_now();
			rc = desc->run(services, state);
			total += cell_now() - start;
			host_loop_tally(host, &tally);
			add_loop(&rec, &tally);
			if (rc != 0 || !jobs_tally_clean(&tally)) {
				sh->bad_loop = 1;
				sh->plugin_failed = rc != 0;
				sh->bad_tally = tally;
				sh->bad = rec;
				break;
			}
		}
		if (sh->bad_loop)
			break;
		rec.seconds_per_loop = total / plan->loops;
		sh->repeats[r] = rec;
		atomic_store(&sh->repeats_done, r + 1);
	}
	if (desc->fini)
		desc->fini(services, state);
	host_free(host);
	/* _exit: the parent's stdio buffers and atexit handlers are not ours */
	_exit(0);
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

static void wait_a_little(int pidfd, int ms)
{
	if (pidfd >= 0) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
		poll(&pfd, 1, ms);
	} else {
		struct timespec ts = {0, (long)ms * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* Kill the child's process group, then reap the child. */
static void kill_cell(pid_t pid, int *status, struct rusage *ru)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (wait4(pid, status, 0, ru) < 0 && errno == EINTR)
		;
}

/* Appends like snprintf at buf + *used. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

/* "repeat 1: 25 ok, 5 failed (status 5), 0 missing, 0 duplicated; ..." */
static void describe_loop(const struct loop_tally *t, int plugin_failed,
                          const char *where, char *buf, size_t len)
{
	size_t used = 0, k;
	int first = 1;

	append(buf, len, &used, "%s%s: %" PRIu64 " ok, %" PRIu64 " failed",
	       plugin_failed ? "strategy failed in " : "", where, t->ok,
	       t->failed);
	for (k = 0; k < JOB_FAIL_KINDS; k++) {
		if (!t->failures[k])
			continue;
		append(buf, len, &used, "%s%s %" PRIu64, first ? " (" : ", ",
		       jobs_failure_name((enum job_failure)k), t->failures[k]);
		first = 0;
	}
	append(buf, len, &used,
	       "%s, %" PRIu64 " missing, %" PRIu64 " duplicated",
	       first ? "" : ")", t->missing, t->duplicated);
	if (t->x_missing || t->x_duplicated)
		append(buf, len, &used,
		       "; x of %" PRIu64 ": %" PRIu64 " never seen, %" PRIu64
		       " seen twice or more",
		       t->x_total, t->x_missing, t->x_duplicated);
	if (t->first_error[0])
		append(buf, len, &used, "; first error: %s", t->first_error);
}

/* Why the child ended as it did; 1 if it measured every repeat cleanly. */
static int describe_end(const struct cell_shared *sh, int status,
                        unsigned loops, char *buf, size_t len)
{
	unsigned r = atomic_load(&sh->at_repeat) + 1;
	unsigned l = atomic_load(&sh->at_loop) + 1;
	char where[64];

	if (loops > 1)
		snprintf(where, sizeof(where), "repeat %u, loop %u", r, l);
	else
		snprintf(where, sizeof(where), "repeat %u", r);
	if (WIFSIGNALED(status)) {
		snprintf(buf, len, "crashed: killed by signal %d (%s) in %s",
		         WTERMSIG(status), strsignal(WTERMSIG(status)), where);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		if (sh->failure[0])
			snprintf(buf, len, "%s", sh->failure);
		else
			snprintf(buf, len,
			         "crashed: measurement process exited with "
			         "status %d in %s",
			         WEXITSTATUS(status), where);
	} else if (sh->bad_loop) {
		describe_loop(&sh->bad_tally, sh->plugin_failed, where, buf,
		              len);
	} else {
		snprintf(buf, len, "ok");
		return 1;
	}
	return 0;
}

static void add_totals(struct cell_result *res, const struct repeat_record *rec)
{
	size_t k;

	res->requests_ok += rec->ok;
	res->requests_failed += rec->failed;
	res->bytes += rec->bytes;
	res->jobs_per_loop = rec->jobs;
	res->matches_per_loop = rec->matches;
	for (k = 0; k < JOB_FAIL_KINDS; k++)
		res->failures[k] += rec->failures[k];
}

enum cell_end cell_measure(const struct plan *plan, const struct cell *cell,
                           const struct cell_env *env, struct cell_result *res)
{
	size_t size = sizeof(struct cell_shared) +
	              plan->repeat * sizeof(struct repeat_record);
	int sample_ms = SAMPLE_INTERVAL_MS, status = 0, pidfd, clean = 0;
	enum cell_end end = CELL_MEASURED;
	struct cell_shared *sh;
	struct rusage ru;
	pid_t pid, parent = getpid();
	unsigned r;

	memset(res, 0, sizeof(*res));
	res->ran = 1;
	if (check_nofile(cell->concurrency, res->status, sizeof(res->status)))
		return CELL_REFUSED;
	sh = mmap(NULL, size, PROT_READ | PROT_WRITE,
	          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		snprintf(res->status, sizeof(res->status),
		         "cannot map shared memory: %s", strerror(errno));
		return CELL_REFUSED;
	}
	memset(sh, 0, size);
	sh->mapped = size;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(res->status, sizeof(res->status), "cannot fork: %s",
		         strerror(errno));
		munmap(sh, size);
		return CELL_REFUSED;
	}
	if (pid == 0) {
		child_setup(parent);
		cell_child(plan, cell, env, sh);
	}
	setpgid(pid, pid); /* also done by the child; whoever is first wins */
	pidfd = open_pidfd(pid);
	memset(&ru, 0, sizeof(ru));
	for (;;) {
		pid_t w = wait4(pid, &status, WNOHANG, &ru);
		double t0;
		uint64_t rss;

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			kill_cell(pid, &status, &ru);
			break;
		}
		if (*env->stop) {
			kill_cell(pid, &status, &ru);
			end = CELL_STOPPED;
			break;
		}
		if (env->deadline > 0 && cell_now() >= env->deadline) {
			kill_cell(pid, &status, &ru);
			end = CELL_LATE;
			break;
		}
		t0 = cell_now();
		rss = proctree_rss(pid);
		if (rss > res->peak_rss)
			res->peak_rss = rss;
		sample_ms =
		    (int)((cell_now() - t0) * 1000 * SAMPLE_COST_FACTOR);
		if (sample_ms < SAMPLE_INTERVAL_MS)
			sample_ms = SAMPLE_INTERVAL_MS;
		wait_a_little(pidfd, sample_ms);
	}
	if (pidfd >= 0)
		close(pidfd);
	/* Whatever the plugin left behind in the child's group goes too. */
	kill(-pid, SIGKILL);
	if ((uint64_t)ru.ru_maxrss * 1024 > res->peak_rss)
		res->peak_rss = (uint64_t)ru.ru_maxrss * 1024;

	res->repeats_done = atomic_load(&sh->repeats_done);
	res->times = calloc(res->repeats_done ? res->repeats_done : 1,
	                    sizeof(*res->times));
	for (r = 0; r < res->repeats_done; r++) {
		if (res->times)
			res->times[r] = sh->repeats[r].seconds_per_loop;
		add_totals(res, &sh->repeats[r]);
	}
	/* the bad repeat's earlier loops plus the bad loop itself */
	if (sh->bad_loop)
		add_totals(res, &sh->bad);
	if (end == CELL_STOPPED)
		snprintf(res->status, sizeof(res->status),
		         "interrupted by signal %d", (int)*env->stop);
	else if (end == CELL_LATE)
		snprintf(res->status, sizeof(res->status),
		         "stopped: the run's deadline passed in repeat %u",
		         atomic_load(&sh->at_repeat) + 1);
	else
		clean = describe_end(sh, status, plan->loops, res->status,
		                     sizeof(res->status));
	res->ok = clean && res->repeats_done == plan->repeat;
	if (res->times)
		stats_summarize(res->times, res->repeats_done, &res->summary);
	munmap(sh, size);
	return end;
}

void cell_result_free(struct cell_result *res)
{
	free(res->times);
	res->times = NULL;
}

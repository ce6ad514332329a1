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
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "diag.h"
#include "histogram.h"
#include "host.h"
#include "loader.h"
#include "plan.h"
#include "proctree.h"
#include "scenario.h"
#include "subproc.h"
#include "timeline.h"

/* Memory sampling: often enough to see a cell's peak, cheap enough not to
 * disturb it. The interval grows with what a sample cost, so that the
 * sampling takes at most 1% of a CPU: a sample reads a file per thread of
 * the child, and with threadpool's 100 threads took 2.6% of a CPU at a
 * twentieth, on a machine whose CPUs the server and the strategy fill. */
#define SAMPLE_INTERVAL_MS 10
#define SAMPLE_COST_FACTOR 100

/* ---- shared between the measurement child and the parent ------------- */

/* What one repeat did: counts, and sums over its loops. */
struct repeat_record {
	double seconds; /* all its loops */
	uint64_t ok, failed, bytes;
	uint64_t jobs, matches; /* of the repeat's last loop */
	uint64_t failures[JOB_FAIL_KINDS];
	double cpu_user_s, cpu_sys_s;
	double setup_s, teardown_s;
	unsigned setup_loops, teardown_loops; /* loops they were known in */
	uint64_t connections, ctx_voluntary, ctx_involuntary;
	/* The embedded server's, over the loops' run() */
	uint64_t server_ran_ns, server_waited_ns;
	int server_unknown; /* a reading failed: the two mean nothing */
};

/* What the measurement child is doing. */
enum child_phase { PHASE_INIT, PHASE_RUN, PHASE_HOST, PHASE_FINI, PHASE_DONE };

struct cell_shared {
	size_t mapped;
	_Atomic unsigned repeats_done;
	_Atomic unsigned at_repeat, at_loop; /* where the child is */
	_Atomic int phase;                   /* enum child_phase */
	int bad_loop;                        /* an unclean loop was seen */
	char bad_status[CELL_STATUS_MAX];    /* why, where */
	struct repeat_record bad;            /* counted in the totals */
	char failure[CELL_STATUS_MAX];       /* set before _exit(3) */
	/* Every request's latency, recorded by the host in the child and
	 * in the workers it forks. */
	struct histogram latency_ok, latency_failed;
	struct host_progress progress;
	struct repeat_record repeats[];
};

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
	/* Orphans of the strategy's processes come back to the child, even
	 * those that left its process group: none outlives the cell. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
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

/* Leave the server's CPUs to it: run on the others this process may. */
static void leave_cpus(struct cell_shared *sh, uint64_t server_cpus)
{
	cpu_set_t mine, theirs, either;

	if (!server_cpus)
		return;
	if (sched_getaffinity(0, sizeof(mine), &mine) < 0)
		child_fail(sh, "cannot read the CPUs it may run on: ",
		           strerror(errno));
	serverconf_cpu_set(server_cpus, &theirs);
	CPU_XOR(&either, &mine, &theirs); /* mine and not theirs, or theirs */
	CPU_AND(&mine, &mine, &either);
	if (CPU_COUNT(&mine) == 0)
		child_fail(sh, "refused: the server's CPUs (server.cpus) are ",
		           "every CPU the measurement may run on");
	if (sched_setaffinity(0, sizeof(mine), &mine) < 0)
		child_fail(
		    sh, "cannot leave the server its CPUs: ", strerror(errno));
}

/*
 * Return to the system what earlier loops freed. glibc keeps it resident
 * between the heap's live chunks, and a later loop, allocating in another
 * order, touches new pages besides: local-100k's eventloop peaked at 21
 * MiB in its first repeat and at 28 to 30 MiB in the next two. Done before
 * each loop, outside its timed span, every loop's peak is its own, as a
 * program's that runs once.
 */
static void give_back_freed(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static double seconds_of(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

/* CPU and context switches of the process and the children it reaped. */
struct cpu_use {
	double user_s, sys_s;
	uint64_t voluntary, involuntary;
};

static void cpu_now(struct cpu_use *c)
{
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	c->user_s = seconds_of(&self.ru_utime) + seconds_of(&children.ru_utime);
	c->sys_s = seconds_of(&self.ru_stime) + seconds_of(&children.ru_stime);
	c->voluntary = (uint64_t)self.ru_nvcsw + (uint64_t)children.ru_nvcsw;
	c->involuntary =
	    (uint64_t)self.ru_nivcsw + (uint64_t)children.ru_nivcsw;
}

/* What the embedded server's threads have done, read from outside. */
struct server_use {
	int known;
	uint64_t ran_ns, waited_ns;
};

static void server_now(struct server_use *s, pid_t server)
{
	s->known = server > 0 &&
	           proctree_sched(server, &s->ran_ns, &s->waited_ns) == 0;
}

/* One loop's run() from start_ns to end_ns, on top of a repeat's. */
struct loop_run {
	uint64_t start_ns, end_ns;
	struct cpu_use before, after;
	struct server_use server_before, server_after;
};

/* Add one loop's counts and figures to a repeat's. */
static void add_loop(struct repeat_record *rec, const struct loop_tally *t,
                     const struct loop_run *run)
{
	size_t k;

	rec->seconds += (double)(run->end_ns - run->start_ns) * 1e-9;
	rec->cpu_user_s += run->after.user_s - run->before.user_s;
	rec->cpu_sys_s += run->after.sys_s - run->before.sys_s;
	rec->ctx_voluntary += run->after.voluntary - run->before.voluntary;
	rec->ctx_involuntary +=
	    run->after.involuntary - run->before.involuntary;
	rec->connections += t->connections;
	if (run->server_before.known && run->server_after.known) {
		rec->server_ran_ns +=
		    run->server_after.ran_ns - run->server_before.ran_ns;
		rec->server_waited_ns +=
		    run->server_after.waited_ns - run->server_before.waited_ns;
	} else
		rec->server_unknown = 1;
	if (t->first_start_ns >= run->start_ns) {
		rec->setup_s +=
		    (double)(t->first_start_ns - run->start_ns) * 1e-9;
		rec->setup_loops++;
	}
	if (t->last_end_ns && t->last_end_ns <= run->end_ns) {
		rec->teardown_s +=
		    (double)(run->end_ns - t->last_end_ns) * 1e-9;
		rec->teardown_loops++;
	}
	rec->ok += t->ok;
	rec->failed += t->failed;
	rec->bytes += t->bytes;
	rec->jobs = t->jobs;
	rec->matches = t->matches;
	for (k = 0; k < JOB_FAIL_KINDS; k++)
		rec->failures[k] += t->failures[k];
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
	if (*used >= len)
		diag_cut_utf8(buf);
}

/* "; missing: job 1 (URL), job 3 (URL), and 5 more" */
static void name_jobs(const struct host *host, const char *what, uint64_t count,
                      const uint64_t *first, char *buf, size_t len,
                      size_t *used)
{
	char url[512];
	uint64_t i;

	if (count)
		append(buf, len, used, "; %s:", what);
	for (i = 0; i < count && i < JOBS_NAMED; i++) {
		host_job_url(host, first[i], url, sizeof(url));
		append(buf, len, used, "%s job %" PRIu64 " (%s)", i ? "," : "",
		       first[i], url);
	}
	if (count > JOBS_NAMED)
		append(buf, len, used, ", and %" PRIu64 " more",
		       count - JOBS_NAMED);
}

/* "repeat 1: 25 ok, 5 failed (status 5), 0 missing, 0 duplicated; ..." */
static void describe_loop(const struct host *host, const struct loop_tally *t,
                          int plugin_failed, const char *where, char *buf,
                          size_t len)
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
	name_jobs(host, "missing", t->missing, t->missing_first, buf, len,
	          &used);
	name_jobs(host, "duplicated", t->duplicated, t->duplicated_first, buf,
	          len, &used);
	if (t->first_error[0])
		append(buf, len, &used, "; first error: %s", t->first_error);
}

/* Processes init() started: the plugin's state may keep them until fini. */
#define KEPT_MAX 1024
struct kept {
	pid_t pid[KEPT_MAX];
	int n;
};

static int is_kept(const struct kept *k, pid_t pid)
{
	int i;

	for (i = 0; k && i < k->n; i++)
		if (k->pid[i] == pid)
			return 1;
	return 0;
}

/* Kill and reap whatever the strategy's processes left but those kept
 * (NULL: none): the child is their subreaper, so each round finds the
 * orphans of the last. How many, and the first in *first. */
static unsigned reap_leftovers(const struct kept *keep, pid_t *first)
{
	/* Room for every kept process and more: a list full of kept ones
	 * would hide the rest. */
	pid_t kids[KEPT_MAX + 64];
	unsigned killed = 0, round;
	int n, i, hit;

	for (round = 0; round < 1000; round++) {
		if ((n = proctree_children(getpid(), kids, KEPT_MAX + 64)) <= 0)
			break;
		for (i = hit = 0; i < n; i++) {
			if (is_kept(keep, kids[i]))
				continue;
			if (killed++ == 0)
				*first = kids[i];
			kill(kids[i], SIGKILL);
			subproc_wait(kids[i], NULL, 0);
			hit = 1;
		}
		if (!hit)
			break;
	}
	return killed;
}

/* "repeat 2" or "repeat 2, loop 3": where the child is. */
static void describe_where(const struct cell_shared *sh, unsigned loops,
                           char *buf, size_t len)
{
	unsigned r = atomic_load(&sh->at_repeat) + 1;

	if (loops > 1)
		snprintf(buf, len, "repeat %u, loop %u", r,
		         atomic_load(&sh->at_loop) + 1);
	else
		snprintf(buf, len, "repeat %u", r);
}

/* The first thing wrong with the loop just run, into buf; 0 if none. */
static int judge_loop(struct host *host, const struct loop_tally *t, int rc,
                      unsigned concurrency, const struct kept *keep,
                      const char *where, char *buf, size_t len)
{
	const char *broken = host_contract_broken(host);
	pid_t first = 0;
	unsigned left = reap_leftovers(keep, &first);

	if (broken)
		snprintf(buf, len, "%s: %s", where, broken);
	else if (t->max_in_flight > concurrency)
		snprintf(buf, len,
		         "%s: strategy exceeded concurrency %u: %" PRIu64
		         " transfers in flight",
		         where, concurrency, t->max_in_flight);
	else if (left)
		snprintf(buf, len,
		         "%s: strategy left %u process%s running after run() "
		         "returned (pid %d)",
		         where, left, left == 1 ? "" : "es", (int)first);
	else if (rc != 0 || !jobs_tally_clean(t))
		describe_loop(host, t, rc != 0, where, buf, len);
	else
		return 0;
	return -1;
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
	    .latency_ok = &sh->latency_ok,
	    .latency_failed = &sh->latency_failed,
	    .progress = &sh->progress,
	};
	struct concbench_host *services;
	struct host *host;
	void *state = NULL;
	char err[DIAG_ERR_MAX], where[64];
	const char *broken;
	struct kept *keep;
	pid_t left;
	unsigned r, l;

	host = host_new(&hc, err, sizeof(err));
	if (!host)
		child_fail(sh, "cannot prepare the requests: ", err);
	services = host_services(host);
	if (desc->init && desc->init(services, &state) != 0)
		child_fail(sh, "the plugin's init failed", "");
	if ((keep = calloc(1, sizeof(*keep))))
		keep->n = proctree_children(getpid(), keep->pid, KEPT_MAX);
	if (keep && keep->n < 0)
		keep->n = 0;

	for (r = 0; r < plan->repeat && !sh->bad_loop; r++) {
		struct repeat_record rec = {0};

		for (l = 0; l < plan->loops; l++) {
			struct loop_tally tally;
			struct loop_run run;
			int rc;

			atomic_store(&sh->at_repeat, r);
			atomic_store(&sh->at_loop, l);
			host_loop_begin(host);
			give_back_freed();
			atomic_store(&sh->phase, PHASE_RUN);
			server_now(&run.server_before, env->server_pid);
			cpu_now(&run.before);
			run.start_ns = clock_now_ns();
			rc = desc->run(services, state);
			run.end_ns = clock_now_ns();
			cpu_now(&run.after);
			server_now(&run.server_after, env->server_pid);
			atomic_store(&sh->phase, PHASE_HOST);
			host_loop_end(host);
			host_loop_tally(host, &tally);
			add_loop(&rec, &tally, &run);
			describe_where(sh, plan->loops, where, sizeof(where));
			if (judge_loop(host, &tally, rc, cell->concurrency,
			               keep, where, sh->bad_status,
			               sizeof(sh->bad_status)) < 0) {
				sh->bad_loop = 1;
				sh->bad = rec;
				break;
			}
		}
		if (sh->bad_loop)
			break;
		sh->repeats[r] = rec;
		atomic_store(&sh->repeats_done, r + 1);
	}
	atomic_store(&sh->phase, PHASE_FINI);
	if (desc->fini)
		desc->fini(services, state);
	/* What broke the contract after the last loop was judged. */
	if (!sh->bad_loop && (broken = host_contract_broken(host))) {
		snprintf(sh->bad_status, sizeof(sh->bad_status), "%s", broken);
		sh->bad_loop = 1;
	}
	reap_leftovers(NULL, &left);
	free(keep);
	host_free(host);
	atomic_store(&sh->phase, PHASE_DONE);
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

/*
 * Whether the loop has stalled: no result for longer than any request may
 * take twice over (2 x timeout_ms), and 5 s to spare, while run() runs
 * and jobs remain. A result, or a new loop, restarts the clock.
 */
struct stall_watch {
	double limit_s, since;
	unsigned repeat, loop;
	uint64_t done;
};

static void stall_watch_init(struct stall_watch *w, double timeout_s,
                             double now)
{
	memset(w, 0, sizeof(*w));
	w->limit_s = 2 * timeout_s + 5;
	w->since = now;
}

static int stalled(struct stall_watch *w, const struct cell_shared *sh,
                   double now)
{
	unsigned repeat = atomic_load(&sh->at_repeat);
	unsigned loop = atomic_load(&sh->at_loop);
	uint64_t done = atomic_load(&sh->progress.done);

	if (atomic_load(&sh->phase) != PHASE_RUN || repeat != w->repeat ||
	    loop != w->loop || done != w->done ||
	    done >= atomic_load(&sh->progress.jobs)) {
		w->repeat = repeat;
		w->loop = loop;
		w->done = done;
		w->since = now;
		return 0;
	}
	return now - w->since > w->limit_s;
}

/* Kill the child's process group, then reap the child. */
static void kill_cell(pid_t pid, int *status, struct rusage *ru)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (wait4(pid, status, 0, ru) < 0 && errno == EINTR)
		;
}

/* Why the child ended as it did; 1 if it measured every repeat cleanly. */
static int describe_end(const struct cell_shared *sh, int status,
                        unsigned loops, char *buf, size_t len)
{
	int phase = atomic_load(&sh->phase);
	char where[64];

	if (phase == PHASE_INIT || phase == PHASE_FINI)
		snprintf(where, sizeof(where), "%s",
		         phase == PHASE_INIT ? "init()" : "fini()");
	else
		describe_where(sh, loops, where, sizeof(where));
	if (WIFSIGNALED(status)) {
		snprintf(buf, len, "crashed: killed by signal %d (%s) in %s",
		         WTERMSIG(status), strsignal(WTERMSIG(status)), where);
	} else if (WEXITSTATUS(status) != 0 && sh->failure[0]) {
		snprintf(buf, len, "%s", sh->failure);
	} else if (phase == PHASE_HOST) {
		snprintf(buf, len,
		         "crashed: measurement process exited with status %d "
		         "in %s",
		         WEXITSTATUS(status), where);
	} else if (phase != PHASE_DONE) {
		/* The strategy called exit(), or _exit(), in the child. */
		snprintf(buf, len, "strategy exited (status %d) during %s",
		         WEXITSTATUS(status), where);
	} else if (sh->bad_loop) {
		snprintf(buf, len, "%s", sh->bad_status);
	} else {
		snprintf(buf, len, "ok");
		return 1;
	}
	return 0;
}

/* A sum over the loops it was known in, per loop; NAN if in none. */
static double per_loop(double sum, unsigned loops)
{
	return loops ? sum / loops : NAN;
}

static void repeat_result(struct repeat_result *out,
                          const struct repeat_record *rec, unsigned loops)
{
	out->seconds = rec->seconds / loops;
	out->cpu_user_s = rec->cpu_user_s / loops;
	out->cpu_sys_s = rec->cpu_sys_s / loops;
	out->setup_s = per_loop(rec->setup_s, rec->setup_loops);
	out->teardown_s = per_loop(rec->teardown_s, rec->teardown_loops);
	out->connections = (double)rec->connections / loops;
	out->ctx_voluntary = (double)rec->ctx_voluntary / loops;
	out->ctx_involuntary = (double)rec->ctx_involuntary / loops;
	out->requests = (double)(rec->ok + rec->failed) / loops;
}

/* A copy of a shared histogram, or NULL if it is empty. */
static struct histogram *keep_histogram(const struct histogram *h)
{
	struct histogram *copy;

	if (!histogram_count(h) || !(copy = malloc(sizeof(*copy))))
		return NULL;
	histogram_clear(copy);
	histogram_merge(copy, h);
	return copy;
}

/* The samples into res; the kernel's record of the measurement
 * process's own peak stands last when the sampling missed it. */
static void keep_timeline(struct cell_result *res, struct timeline *tl,
                          double t_end, uint64_t maxrss)
{
	timeline_finish(tl);
	if (maxrss > timeline_peak(tl)) {
		if (tl->len == TIMELINE_MAX)
			tl->samples[tl->len - 1].bytes = maxrss;
		else
			tl->samples[tl->len++] =
			    (struct mem_sample){t_end, maxrss};
	}
	res->peak_rss = timeline_peak(tl);
	res->memory = malloc((tl->len ? tl->len : 1) * sizeof(*res->memory));
	if (res->memory) {
		memcpy(res->memory, tl->samples,
		       tl->len * sizeof(*res->memory));
		res->memory_len = tl->len;
	}
	res->memory_interval_ms = SAMPLE_INTERVAL_MS;
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
	int is_stalled = 0;
	struct stall_watch stall;
	enum cell_end end = CELL_MEASURED;
	struct cell_shared *sh;
	struct timeline *tl;
	struct timespec wall;
	struct rusage ru;
	pid_t pid, parent = getpid();
	double started;
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
	histogram_clear(&sh->latency_ok);
	histogram_clear(&sh->latency_failed);
	tl = malloc(sizeof(*tl));
	if (!tl) {
		snprintf(res->status, sizeof(res->status), "out of memory");
		munmap(sh, size);
		return CELL_REFUSED;
	}
	timeline_init(tl);
	fflush(NULL);
	clock_gettime(CLOCK_REALTIME, &wall);
	res->start_unix = (double)wall.tv_sec + (double)wall.tv_nsec * 1e-9;
	started = clock_now();
	pid = fork();
	if (pid < 0) {
		snprintf(res->status, sizeof(res->status), "cannot fork: %s",
		         strerror(errno));
		free(tl);
		munmap(sh, size);
		return CELL_REFUSED;
	}
	if (pid == 0) {
		free(tl); /* the parent's; the child samples nothing */
		child_setup(parent);
		leave_cpus(sh, env->server_cpus);
		cell_child(plan, cell, env, sh);
	}
	setpgid(pid, pid); /* also done by the child; whoever is first wins */
	pidfd = open_pidfd(pid);
	memset(&ru, 0, sizeof(ru));
	stall_watch_init(&stall, plan->scn->timeout_ms / 1000.0, clock_now());
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
		if (env->deadline > 0 && clock_now() >= env->deadline) {
			kill_cell(pid, &status, &ru);
			end = CELL_LATE;
			break;
		}
		if (stalled(&stall, sh, clock_now())) {
			kill_cell(pid, &status, &ru);
			is_stalled = 1;
			break;
		}
		t0 = clock_now();
		rss = proctree_rss(pid);
		timeline_add(tl, t0 - started, rss);
		if (env->progress) {
			struct cell_progress p = {
			    atomic_load(&sh->at_repeat),
			    atomic_load(&sh->at_loop),
			    atomic_load(&sh->progress.done),
			    atomic_load(&sh->progress.jobs)};
			env->progress(env->progress_arg, &p);
		}
		sample_ms =
		    (int)((clock_now() - t0) * 1000 * SAMPLE_COST_FACTOR);
		if (sample_ms < SAMPLE_INTERVAL_MS)
			sample_ms = SAMPLE_INTERVAL_MS;
		wait_a_little(pidfd, sample_ms);
	}
	if (pidfd >= 0)
		close(pidfd);
	/* Whatever the plugin left behind in the child's group goes too. */
	kill(-pid, SIGKILL);
	keep_timeline(res, tl, clock_now() - started,
	              (uint64_t)ru.ru_maxrss * 1024);
	free(tl);
	res->latency_ok = keep_histogram(&sh->latency_ok);
	res->latency_failed = keep_histogram(&sh->latency_failed);

	res->repeats_done = atomic_load(&sh->repeats_done);
	res->times = calloc(res->repeats_done ? res->repeats_done : 1,
	                    sizeof(*res->times));
	res->repeats = calloc(res->repeats_done ? res->repeats_done : 1,
	                      sizeof(*res->repeats));
	res->has_server_loops = env->server_pid > 0 && res->repeats_done > 0;
	for (r = 0; r < res->repeats_done; r++) {
		if (res->repeats)
			repeat_result(&res->repeats[r], &sh->repeats[r],
			              plan->loops);
		if (res->times)
			res->times[r] = sh->repeats[r].seconds / plan->loops;
		if (res->times && res->times[r] < res->times[res->best])
			res->best = r;
		add_totals(res, &sh->repeats[r]);
		res->server_loops_ran_ns += sh->repeats[r].server_ran_ns;
		res->server_loops_waited_ns += sh->repeats[r].server_waited_ns;
		if (sh->repeats[r].server_unknown)
			res->has_server_loops = 0;
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
	else if (is_stalled) {
		char where[64];
		describe_where(sh, plan->loops, where, sizeof(where));
		snprintf(res->status, sizeof(res->status),
		         "stalled: no request completed for %.0f s in %s",
		         stall.limit_s, where);
	} else
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
	free(res->repeats);
	free(res->latency_ok);
	free(res->latency_failed);
	free(res->memory);
	res->times = NULL;
	res->repeats = NULL;
	res->latency_ok = res->latency_failed = NULL;
	res->memory = NULL;
}

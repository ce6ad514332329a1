/* SPDX-License-Identifier: MIT */
/*
 * proctree_test: what core/proctree.c reads from /proc, against what the
 * test itself did: the resident memory of pages it touched, the CPU of
 * threads that spin for a known CPU time, the wait of two such threads
 * pinned to one CPU, and a process that is gone.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proctree.h"
#include "../tap.h"

#define SPIN_NS 100000000ull /* of each thread's CPU */

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Spun, then read while alive: an ended thread's figures are gone. */
static pthread_barrier_t spun, read_done;

static void *spin(void *arg)
{
	uint64_t until = clock_ns(CLOCK_THREAD_CPUTIME_ID) + SPIN_NS;

	(void)arg;
	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < until)
		;
	pthread_barrier_wait(&spun);
	pthread_barrier_wait(&read_done);
	return NULL;
}

/* Two threads spin SPIN_NS each; what proctree_sched saw meanwhile. */
static void spin_two(uint64_t *ran_ns, uint64_t *waited_ns, uint64_t *cpu_ns)
{
	uint64_t ran0 = 0, waited0 = 0, cpu0;
	pthread_t t[2];
	int i;

	cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	ok(proctree_sched(getpid(), &ran0, &waited0) == 0,
	   "proctree_sched of this process");
	pthread_barrier_init(&spun, NULL, 3);
	pthread_barrier_init(&read_done, NULL, 3);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, spin, NULL);
	pthread_barrier_wait(&spun);
	proctree_sched(getpid(), ran_ns, waited_ns);
	*cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	pthread_barrier_wait(&read_done);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&spun);
	pthread_barrier_destroy(&read_done);
	*ran_ns -= ran0;
	*waited_ns -= waited0;
}

static void test_sched(void)
{
	uint64_t ran, waited, cpu, one;
	cpu_set_t all, first;

	spin_two(&ran, &waited, &cpu);
	if (!ok(ran >= 2 * SPIN_NS * 95 / 100 && ran <= cpu + 5000000,
	        "two threads of 100 ms of CPU: ran 200 ms, as the process's "
	        "CPU clock says"))
		diag("ran %llu ns, process CPU %llu ns",
		     (unsigned long long)ran, (unsigned long long)cpu);

	/* Pinned to one CPU, each waits while the other runs. */
	sched_getaffinity(0, sizeof(all), &all);
	for (one = 0; one < CPU_SETSIZE && !CPU_ISSET(one, &all); one++)
		;
	CPU_ZERO(&first);
	CPU_SET(one, &first);
	sched_setaffinity(0, sizeof(first), &first);
	spin_two(&ran, &waited, &cpu);
	sched_setaffinity(0, sizeof(all), &all);
	if (!ok(waited >= SPIN_NS / 2,
	        "two spinning threads on one CPU: each waited for it"))
		diag("waited %llu ns", (unsigned long long)waited);

	ok(proctree_sched(getpid(), NULL, NULL) == 0,
	   "either figure may be NULL");
}

static void test_gone(void)
{
	uint64_t ran = 7, waited = 7;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	ok(proctree_sched(pid, &ran, &waited) == -1 && ran == 7 && waited == 7,
	   "a process that is gone: -1, nothing written");
	is_int((long long)proctree_rss(pid), 0,
	       "a process that is gone: 0 bytes");
	ok(proctree_children(pid, &pid, 1) == -1,
	   "a process that is gone: no children, -1");
}

static void test_rss(void)
{
	size_t size = 32u << 20;
	uint64_t before = proctree_rss(getpid()), after;
	char *p = malloc(size);

	ok(before > 0, "this process is resident");
	if (!p)
		return;
	memset(p, 1, size);
	after = proctree_rss(getpid());
	if (!ok(after >= before + size * 9 / 10,
	        "32 MiB touched: its resident memory grew by them"))
		diag("%llu then %llu bytes", (unsigned long long)before,
		     (unsigned long long)after);
	free(p);
}

int main(void)
{
	test_sched();
	test_gone();
	test_rss();
	return done_testing();
}

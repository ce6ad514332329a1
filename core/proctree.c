/* SPDX-License-Identifier: MIT */
/*
 * proctree: the resident memory of a process and all its descendants, read
 * from /proc, for the peak-memory figure of a measurement cell.
 */
#include "config.h"

#include "proctree.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Strategies fork at most a few thousand workers; deeper is a loop. */
#define PROCTREE_MAX_DEPTH 16

static uint64_t rss_of(pid_t pid)
{
	char path[64];
	unsigned long size, resident;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%lu %lu", &size, &resident);
	fclose(f);
	if (n != 2)
		return 0;
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Private_Clean + Private_Dirty of smaps_rollup; its RSS if unreadable. */
static uint64_t private_of(pid_t pid)
{
	char path[64], line[256];
	unsigned long long kb, total = 0;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return rss_of(pid);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Private_Clean: %llu kB", &kb) == 1 ||
		    sscanf(line, "Private_Dirty: %llu kB", &kb) == 1) {
			total += kb;
			found++;
		}
	fclose(f);
	return found ? (uint64_t)total * 1024 : rss_of(pid);
}

/*
 * Call fn with each of pid's threads' /proc/PID/task/TID/NAME, open, until
 * it returns nonzero; a thread that ended meanwhile is passed over. -1 if
 * pid is gone.
 */
static int each_task_file(pid_t pid, const char *name,
                          int (*fn)(FILE *f, void *arg), void *arg)
{
	char path[64];
	struct dirent *de;
	DIR *tasks;
	int stop = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if (!(tasks = opendir(path)))
		return -1;
	while (!stop && (de = readdir(tasks))) {
		char file[300];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "/proc/%d/task/%s/%s", (int)pid,
		         de->d_name, name);
		if (!(f = fopen(file, "r")))
			continue;
		stop = fn(f, arg);
		fclose(f);
	}
	closedir(tasks);
	return 0;
}

struct child_visit {
	int (*fn)(pid_t child, void *arg);
	void *arg;
};

static int visit_children(FILE *f, void *arg)
{
	struct child_visit *v = arg;
	long child;
	int stop = 0;

	while (!stop && fscanf(f, "%ld", &child) == 1)
		stop = v->fn((pid_t)child, v->arg);
	return stop;
}

/* Call fn for each child of pid until it returns nonzero; children are
 * listed per thread. -1 if pid is gone. */
static int each_child(pid_t pid, int (*fn)(pid_t child, void *arg), void *arg)
{
	struct child_visit v = {fn, arg};

	return each_task_file(pid, "children", visit_children, &v);
}

struct tree_sum {
	uint64_t total;
	int depth;
};

static uint64_t tree_rss(pid_t pid, int depth);

static int add_subtree(pid_t child, void *arg)
{
	struct tree_sum *sum = arg;

	sum->total += tree_rss(child, sum->depth + 1);
	return 0;
}

static uint64_t tree_rss(pid_t pid, int depth)
{
	struct tree_sum sum = {depth == 0 ? rss_of(pid) : private_of(pid),
	                       depth};

	if (depth < PROCTREE_MAX_DEPTH)
		each_child(pid, add_subtree, &sum);
	return sum.total;
}

uint64_t proctree_rss(pid_t root)
{
	return tree_rss(root, 0);
}

struct child_list {
	pid_t *out;
	int n, max;
};

static int add_child(pid_t child, void *arg)
{
	struct child_list *list = arg;

	list->out[list->n++] = child;
	return list->n == list->max;
}

int proctree_children(pid_t pid, pid_t *out, int max)
{
	struct child_list list = {out, 0, max};

	if (max <= 0)
		return 0;
	return each_child(pid, add_child, &list) < 0 ? -1 : list.n;
}

struct sched_sum {
	unsigned long long ran, waited;
};

static int add_sched(FILE *f, void *arg)
{
	struct sched_sum *sum = arg;
	unsigned long long ran, waited;

	if (fscanf(f, "%llu %llu", &ran, &waited) == 2) {
		sum->ran += ran;
		sum->waited += waited;
	}
	return 0;
}

int proctree_sched(pid_t pid, uint64_t *ran_ns, uint64_t *waited_ns)
{
	struct sched_sum sum = {0, 0};

	if (each_task_file(pid, "schedstat", add_sched, &sum) < 0)
		return -1;
	if (ran_ns)
		*ran_ns = sum.ran;
	if (waited_ns)
		*waited_ns = sum.waited;
	return 0;
}

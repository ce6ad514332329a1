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

/* Children are listed per thread in /proc/PID/task/TID/children. */
static uint64_t tree_rss(pid_t pid, int depth)
{
	uint64_t total = depth == 0 ? rss_of(pid) : private_of(pid);
	char path[64];
	struct dirent *de;
	DIR *tasks;

	if (depth >= PROCTREE_MAX_DEPTH)
		return total;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return total;
	while ((de = readdir(tasks))) {
		char file[300];
		long child;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "/proc/%d/task/%s/children",
		         (int)pid, de->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		while (fscanf(f, "%ld", &child) == 1)
			total += tree_rss((pid_t)child, depth + 1);
		fclose(f);
	}
	closedir(tasks);
	return total;
}

uint64_t proctree_rss(pid_t root)
{
	return tree_rss(root, 0);
}

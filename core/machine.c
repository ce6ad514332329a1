/* SPDX-License-Identifier: MIT */
/*
 * machine: what a run ran on.
 */
#include "config.h"

#include "machine.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* "model name\t: Intel(R) ..." of the first CPU. */
static void read_cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

void machine_read(struct machine *m)
{
	struct utsname u;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(m, 0, sizeof(*m));
	if (uname(&u) == 0) {
		snprintf(m->host, sizeof(m->host), "%s", u.nodename);
		snprintf(m->kernel, sizeof(m->kernel), "%s %s %s %s", u.sysname,
		         u.release, u.version, u.machine);
	}
	read_cpu_model(m->cpu_model, sizeof(m->cpu_model));
	m->cpus = cpus > 0 ? (unsigned)cpus : 0;
	m->memory_bytes =
	    pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
	m->libcurl = curl_version_info(CURLVERSION_NOW)->version;
	m->libevent = event_get_version();
	m->concbench = PACKAGE_VERSION;
}

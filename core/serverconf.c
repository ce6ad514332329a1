/* SPDX-License-Identifier: MIT */
/*
 * serverconf: the check of the embedded test server's configuration.
 */
#include "config.h"

#include "serverconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fraction_ok(const char *what, double f, char *err, size_t errlen)
{
	/* Written so that NaN fails too. */
	if (f >= 0 && f <= 1)
		return 1;
	snprintf(err, errlen, "%s fraction %g is not in [0, 1]", what, f);
	return 0;
}

unsigned serverconf_fail_status(const struct server_config *cfg)
{
	return cfg->fail_status ? cfg->fail_status : 500;
}

size_t serverconf_header_bytes(const struct server_config *cfg)
{
	return cfg->max_header_bytes ? cfg->max_header_bytes
	                             : SERVER_DEFAULT_HEADER_BYTES;
}

size_t serverconf_body_bytes(const struct server_config *cfg)
{
	return cfg->max_body_bytes ? cfg->max_body_bytes
	                           : SERVER_DEFAULT_REQUEST_BODY_BYTES;
}

unsigned serverconf_idle_s(const struct server_config *cfg)
{
	return cfg->idle_s ? cfg->idle_s : SERVER_DEFAULT_IDLE_S;
}

void serverconf_cpu_set(uint64_t mask, cpu_set_t *set)
{
	int cpu;

	CPU_ZERO(set);
	for (cpu = 0; cpu <= SERVER_MAX_CPU; cpu++)
		if (mask & (UINT64_C(1) << cpu))
			CPU_SET(cpu, set);
}

int serverconf_parse_cpus(const char *text, uint64_t *mask, char *err,
                          size_t errlen)
{
	const char *p = text;
	uint64_t m = 0;

	for (;;) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p || *p < '0' || *p > '9')
			goto bad;
		p = end;
		if (*p == '-') {
			hi = strtoul(++p, &end, 10);
			if (end == p || *p < '0' || *p > '9')
				goto bad;
			p = end;
		}
		if (lo > hi || hi > SERVER_MAX_CPU) {
			snprintf(err, errlen,
			         "CPUs '%s': a range is low-high, of CPUs 0 to "
			         "%d",
			         text, SERVER_MAX_CPU);
			return -1;
		}
		for (; lo <= hi; lo++)
			m |= UINT64_C(1) << lo;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			goto bad;
	}
	*mask = m;
	return 0;
bad:
	snprintf(err, errlen,
	         "CPUs '%s': not a list of CPU numbers and ranges such as "
	         "0,2-3",
	         text);
	return -1;
}

unsigned serverconf_threads(const struct server_config *cfg)
{
	long cpus;

	if (cfg->threads)
		return cfg->threads;
	/* Up to 4 CPUs, one thread keeps up with a client that has the
	 * rest; beyond, a quarter of them, so that the server is not what
	 * a bigger machine measures. */
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus <= 4 ? 1 : cpus / 4 > 16 ? 16 : (unsigned)(cpus / 4);
}

int serverconf_check(const struct server_config *cfg, char *err, size_t errlen)
{
	unsigned status = serverconf_fail_status(cfg);
	char why[160];
	int r;

	if (cfg->port > 65535) {
		snprintf(err, errlen, "port %u out of range", cfg->port);
		return -1;
	}
	if (cfg->threads > SERVER_MAX_THREADS ||
	    cfg->work_us > SERVER_MAX_WORK_US) {
		snprintf(
		    err, errlen,
		    "%u threads (1 to %u) or %u us of work a request (0 to "
		    "%u) out of range",
		    cfg->threads, SERVER_MAX_THREADS, cfg->work_us,
		    SERVER_MAX_WORK_US);
		return -1;
	}
	if (cfg->files > SERVER_MAX_FILES) {
		snprintf(err, errlen, "%u files is more than %u", cfg->files,
		         SERVER_MAX_FILES);
		return -1;
	}
	if (serverconf_header_bytes(cfg) < SERVER_MIN_HEADER_BYTES ||
	    serverconf_header_bytes(cfg) > SERVER_MAX_LIMIT_BYTES ||
	    serverconf_body_bytes(cfg) > SERVER_MAX_LIMIT_BYTES ||
	    serverconf_idle_s(cfg) > SERVER_MAX_IDLE_S) {
		snprintf(err, errlen,
		         "limits out of range: header bytes %zu (%u to %u), "
		         "body bytes %zu (1 to %u), idle %u s (1 to %u)",
		         serverconf_header_bytes(cfg), SERVER_MIN_HEADER_BYTES,
		         SERVER_MAX_LIMIT_BYTES, serverconf_body_bytes(cfg),
		         SERVER_MAX_LIMIT_BYTES, serverconf_idle_s(cfg),
		         SERVER_MAX_IDLE_S);
		return -1;
	}
	if (!fraction_ok("fail", cfg->fail_fraction, err, errlen) ||
	    !fraction_ok("close", cfg->close_fraction, err, errlen) ||
	    !fraction_ok("stall", cfg->stall_fraction, err, errlen))
		return -1;
	/* A 1xx is not a final answer: the client would wait for another. */
	if (status < 200 || status > 599) {
		snprintf(err, errlen, "fail status %u is not in 200..599",
		         status);
		return -1;
	}
	for (r = 0; r < ROUTE_COUNT; r++) {
		int own = cfg->route_latency_set[r];

		if (latency_check(own ? &cfg->route_latency[r] : &cfg->latency,
		                  why, sizeof(why)) < 0) {
			if (own)
				snprintf(err, errlen, "route %s: %s",
				         routes_name((enum route_id)r), why);
			else
				snprintf(err, errlen, "%s", why);
			return -1;
		}
	}
	return 0;
}

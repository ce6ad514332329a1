/*
 * fetch: the host services a plugin calls (struct concbench_host): jobs
 * with their URLs, curl easy handles configured the same way for every
 * strategy, result classification and recording, options and logging.
 */
#ifndef CB_FETCH_H
#define CB_FETCH_H

#include <concbench/plugin.h>

#include "jobs.h"
#include "scenario.h"
#include "urlset.h"

struct fetch_setup {
	struct job_table *jobs;
	const struct urlset *urls;
	const char *base_url;   /* prefix of relative URLs, or NULL */
	unsigned timeout_ms;
	unsigned concurrency;
	const struct strategy_spec *spec;
};

/* Fill host with the services; setup must outlive every use of host. */
void fetch_host_init(struct concbench_host *host, struct fetch_setup *setup);

/* The User-Agent every strategy sends. */
#define FETCH_USER_AGENT "concbench/" PACKAGE_VERSION

#endif

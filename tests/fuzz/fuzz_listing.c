/* SPDX-License-Identifier: MIT */
/*
 * fuzz_listing: discovery's reading of a listing page (the JSON array of
 * paths a list API answers, and its "More" header) into the job table, as
 * the host hands it over. The first byte says whether the page was cut
 * and whether More said true; the rest is the body, read as four pages in
 * a row.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "jobs.h"
#include "urlsource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct discover_spec spec = {
    .url = (char *)"/api/list_files",
    .method = (char *)"POST",
    .body = (char *)"start={start}&per_page={per_page}",
    .more_header = (char *)"More",
    .per_page = 5,
    .max_pages = 1000,
};
static struct job_table *jobs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listing_page lp = {.url = "http://127.0.0.1:1/api/list_files"};
	char why[256], *body;
	uint64_t page;

	if (!jobs) {
		uint64_t extra = 0;
		size_t text_bytes = 0;

		discovery_table_shape(&spec, &extra, &text_bytes);
		jobs = jobs_create_dynamic(0, extra, text_bytes);
		if (!jobs)
			abort();
	}
	if (size == 0)
		return 0;
	discovery_more_header(&spec, (const char *)data, size);
	body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	jobs_reset(jobs);
	discovery_loop_begin(jobs);
	lp.body = size > 1 ? body : NULL;
	lp.len = size - 1;
	lp.cut = data[0] & 1;
	lp.more = (data[0] >> 1) & 1;
	/* As the host does: each listing page's job ends after it is read,
	 * and the next one exists only if More said true. */
	for (page = 0; page < 4; page++) {
		int rc;

		lp.page = page;
		rc = discovery_read(&spec, jobs, &lp, why, sizeof(why));
		discovery_listing_end(jobs);
		if (rc < 0 || !lp.more)
			break;
	}
	free(body);
	return 0;
}

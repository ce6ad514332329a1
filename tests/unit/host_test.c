/* SPDX-License-Identifier: MIT */
/*
 * host_test: the host of the plugin ABI (core/host.c with request.c,
 * check.c and discovery.c) driven the way a plugin drives it, against
 * the embedded server: jobs handed out once each and then DONE, the URLs
 * and request bodies made from the templates, every result counted by its
 * kind (success, transfer, status, check, lost) with the first error
 * named, discovery's listing pages and the NONE_NOW while one is out, and
 * the option services of good.so.
 */
#include "config.h"

#include <concbench/plugin.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "host.h"
#include "jobs.h"
#include "loader.h"
#include "scenario.h"
#include "serverproc.h"
#include "../tap.h"
#include "../testenv.h"

static const char *srcdir;
static char base_url[64];

static char *fixture(const char *dir, const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s/%s", srcdir, dir,
	         name);
	return path;
}

static int load(const char *path, struct scenario *scn)
{
	char err[DIAG_ERR_MAX] = "";

	if (scenario_load(path, scn, err, sizeof(err)) == 0)
		return 0;
	diag("%s", err);
	return -1;
}

/* A scenario with a server block and `body` after it, loaded. */
static int load_text(const char *body, struct scenario *scn)
{
	char path[] = "/tmp/cbhostXXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	if (fd < 0 || !(f = fdopen(fd, "w")))
		return -1;
	fprintf(f,
	        "name: host\nserver: {latency: {ms: 0}, body_bytes: 10}\n"
	        "%s",
	        body);
	fclose(f);
	rc = load(path, scn);
	unlink(path);
	return rc;
}

static struct host *make_host(struct scenario *scn, uint64_t urls,
                              unsigned concurrency)
{
	struct host_config cfg = {.scn = scn,
	                          .spec = &scn->strategies[0],
	                          .urls = urls,
	                          .concurrency = concurrency,
	                          .base_url = base_url,
	                          .no_proxy = 1};
	char err[DIAG_ERR_MAX];
	struct host *h = host_new(&cfg, err, sizeof(err));

	if (!h)
		diag("host_new: %s", err);
	return h;
}

/* Fetch one job as a blocking strategy would; its result code. */
static CURLcode fetch(struct concbench_host *hs, struct concbench_job *job,
                      CURL **easy)
{
	CURLcode rc;

	*easy = hs->easy(hs, job, *easy);
	if (!*easy)
		return CURLE_FAILED_INIT;
	rc = curl_easy_perform(*easy);
	hs->done(hs, job, *easy, rc);
	return rc;
}

/* Every job of a loop fetched one at a time; the number fetched. */
static unsigned serial_loop(struct concbench_host *hs)
{
	struct concbench_job *job;
	CURL *easy = NULL;
	unsigned n = 0;

	while (hs->next_job(hs, CONCBENCH_NEXT_WAIT, &job) ==
	       CONCBENCH_NEXT_JOB) {
		fetch(hs, job, &easy);
		n++;
	}
	curl_easy_cleanup(easy);
	return n;
}

static void test_jobs(void)
{
	struct scenario scn;
	struct concbench_host *hs;
	struct concbench_job *job, *a, *b;
	struct loop_tally t;
	struct host *h;
	char want[128];
	CURL *easy = NULL;
	int status = 0;
	pid_t pid;

	if (!ok(load_text("urls: {pattern: \"/p/{i}?x=1\", count: 3}\n"
	                  "strategies: [serial]\n",
	                  &scn) == 0,
	        "the scenario loads"))
		return;
	if (!(h = make_host(&scn, 3, 2))) {
		scenario_free(&scn);
		return;
	}
	hs = host_services(h);
	is_int(hs->jobs_hint, 3, "jobs: the hint is the URL count");
	is_int(hs->timeout_ms, 10000, "jobs: the scenario's timeout");
	host_loop_begin(h);
	is_int(hs->next_job(hs, 0, &a), CONCBENCH_NEXT_JOB, "jobs: a first");
	is_int(a->index, 0, "jobs: index 0 first");
	snprintf(want, sizeof(want), "%s/p/0?x=1", base_url);
	is_str(a->url, want, "jobs: the URL from the pattern and base_url");
	is_int(hs->next_job(hs, 0, &b), CONCBENCH_NEXT_JOB, "jobs: a second");
	is_int(b->index, 1, "jobs: then index 1");
	/* A worker that claims the third and dies with it, as a forked
	 * strategy's may: the job object dies with its process. */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(hs->next_job(hs, 0, &job) == CONCBENCH_NEXT_JOB &&
		              job->index == 2
		          ? 0
		          : 1);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0,
	   "jobs: a forked worker claims the third, index 2");
	is_int(hs->next_job(hs, 0, &job), CONCBENCH_NEXT_DONE,
	       "jobs: DONE once all are handed out, though some are out");
	is_int(fetch(hs, a, &easy), CURLE_OK, "jobs: the first fetched");
	hs->done(hs, b, NULL, CURLE_COULDNT_CONNECT);
	hs->job_lost(hs, 2, "the worker died");
	hs->job_lost(hs, 0, "already reported: nothing happens");
	is_int(hs->next_job(hs, CONCBENCH_NEXT_WAIT, &job), CONCBENCH_NEXT_DONE,
	       "jobs: DONE after the last");
	ok(job == NULL, "jobs: no job with DONE");
	host_loop_tally(h, &t);
	is_int(t.jobs, 3, "tally: 3 jobs");
	is_int(t.ok, 1, "tally: 1 ok");
	is_int(t.failed, 2, "tally: 2 failed");
	is_int(t.failures[JOB_FAIL_TRANSFER], 1, "tally: 1 transfer failure");
	is_int(t.failures[JOB_FAIL_LOST], 1, "tally: 1 lost");
	is_int(t.missing + t.duplicated, 0, "tally: none missing or twice");
	is_int(t.bytes, 10, "tally: the body's 10 bytes");
	snprintf(want, sizeof(want), "%s/p/1?x=1: %s", base_url,
	         curl_easy_strerror(CURLE_COULDNT_CONNECT));
	is_str(t.first_error, want, "tally: the first error names the URL");

	host_loop_begin(h);
	is_int(serial_loop(hs), 3, "a second loop: 3 jobs again");
	host_loop_tally(h, &t);
	is_int(t.ok, 3, "a second loop: starts afresh, all 3 ok");
	ok(jobs_tally_clean(&t), "a second loop: clean");
	curl_easy_cleanup(easy);
	host_free(h);
	scenario_free(&scn);
}

/* Job objects are the host's: a stale or foreign pointer is caught. */
static void test_contract(void)
{
	struct scenario scn;
	struct concbench_host *hs;
	struct concbench_job *job, *first = NULL, *a, *b, foreign = {0};
	struct loop_tally t;
	struct host *h;
	CURL *easy = NULL, *e1, *e2;

	if (!ok(load_text("urls: {pattern: \"/p/{i}\", count: 600}\n"
	                  "strategies: [serial]\n",
	                  &scn) == 0,
	        "contract: the scenario loads"))
		return;
	if (!(h = make_host(&scn, 600, 2))) {
		scenario_free(&scn);
		return;
	}
	hs = host_services(h);
	host_loop_begin(h);
	while (hs->next_job(hs, 0, &job) == CONCBENCH_NEXT_JOB) {
		hs->done(hs, job, NULL, CURLE_COULDNT_CONNECT);
		if (!first)
			first = job;
	}
	/* 599 releases later, within the quarantine: still job 0's slot */
	hs->done(hs, first, NULL, CURLE_COULDNT_CONNECT);
	host_loop_end(h);
	host_loop_tally(h, &t);
	is_int(t.duplicated, 1,
	       "contract: a late second done() is a duplicate");
	is_int(t.duplicated_first[0], 0, "contract: of job 0");
	ok(host_contract_broken(h) == NULL, "contract: and no breach");

	host_loop_begin(h);
	hs->next_job(hs, 0, &a);
	hs->next_job(hs, 0, &b);
	e1 = hs->easy(hs, a, NULL);
	e2 = hs->easy(hs, b, NULL);
	hs->easy(hs, a, e1); /* again: still one transfer */
	hs->job_lost(hs, b->index, "its worker died");
	is_int(fetch(hs, a, &easy), CURLE_OK, "contract: a fetched");
	ok(hs->easy(hs, &foreign, NULL) == NULL,
	   "contract: easy() refuses a foreign job");
	host_loop_end(h);
	host_loop_tally(h, &t);
	is_int(t.max_in_flight, 2, "contract: 2 transfers in flight at most");
	is_str(host_contract_broken(h),
	       "strategy called easy() with a job the host did not hand out",
	       "contract: the foreign job is the breach");
	hs->done(hs, NULL, NULL, CURLE_OK);
	is_str(host_contract_broken(h),
	       "strategy called easy() with a job the host did not hand out",
	       "contract: the first breach is kept");
	curl_easy_cleanup(e1);
	curl_easy_cleanup(e2);
	curl_easy_cleanup(easy);
	host_free(h);
	scenario_free(&scn);

	if (load_text("urls: {pattern: \"/p/{i}\", count: 1}\n"
	              "strategies: [serial]\n",
	              &scn) == 0 &&
	    (h = make_host(&scn, 1, 1))) {
		hs = host_services(h);
		host_loop_begin(h);
		host_loop_end(h);
		is_int(hs->next_job(hs, 0, &job), CONCBENCH_NEXT_DONE,
		       "contract: next_job() after run() answers DONE");
		is_str(host_contract_broken(h),
		       "strategy called next_job() after run() returned",
		       "contract: and says so");
		host_free(h);
	}
	scenario_free(&scn);
}

static void test_checks(void)
{
	struct scenario scn;
	struct concbench_host *hs;
	struct loop_tally t;
	struct host *h;
	char want[256];

	/* The echo route: POST bodies from the template, a JSON answer. */
	if (!ok(load_text(
	            "urls: {pattern: \"/api/echo?n={i}\", count: 4}\n"
	            "request: {body: '{\"id\": {i}}', headers: "
	            "{Content-Type: application/json}}\n"
	            "check: {contains: '\"bytes\":9', match: '\"id\": [0-9]'}\n"
	            "strategies: [serial]\n",
	            &scn) == 0,
	        "the scenario loads"))
		return;
	if ((h = make_host(&scn, 4, 1))) {
		hs = host_services(h);
		host_loop_begin(h);
		is_int(serial_loop(hs), 4, "checks: 4 jobs");
		host_loop_tally(h, &t);
		is_int(t.ok, 4,
		       "checks: the bodies sent are echoed, 9 bytes each");
		is_int(t.matches, 4, "checks: one match each, counted");
		host_free(h);
	}
	scenario_free(&scn);

	if (!ok(load_text("urls: {pattern: \"/api/echo\", count: 2}\n"
	                  "request: {body: '{\"id\": {i}}'}\n"
	                  "check: {status: [201]}\n"
	                  "strategies: [serial]\n",
	                  &scn) == 0,
	        "the scenario loads"))
		return;
	if ((h = make_host(&scn, 2, 1))) {
		hs = host_services(h);
		host_loop_begin(h);
		serial_loop(hs);
		host_loop_tally(h, &t);
		is_int(t.failures[JOB_FAIL_STATUS], 2,
		       "checks: 200 is not the 201 asked for");
		snprintf(want, sizeof(want), "%s/api/echo: HTTP status 200",
		         base_url);
		is_str(t.first_error, want, "checks: the status named");
		host_free(h);
	}
	scenario_free(&scn);

	if (!ok(load_text("urls: {pattern: \"/page/{i}\", count: 2}\n"
	                  "check: {contains: \"no such text\"}\n"
	                  "strategies: [serial]\n",
	                  &scn) == 0,
	        "the scenario loads"))
		return;
	if ((h = make_host(&scn, 2, 1))) {
		hs = host_services(h);
		host_loop_begin(h);
		serial_loop(hs);
		host_loop_tally(h, &t);
		is_int(t.failures[JOB_FAIL_CHECK], 2, "checks: contains fails");
		ok(strstr(t.first_error,
		          ": the body does not contain \"no such text\""),
		   "checks: and says what was missing: %s", t.first_error);
		host_free(h);
	}
	scenario_free(&scn);
}

static void test_discovery(void)
{
	struct scenario scn;
	struct concbench_host *hs;
	struct concbench_job *list, *job;
	struct loop_tally t;
	struct host *h;
	CURL *easy = NULL;
	char want[128];

	if (!ok(load_text(
	            "urls: {discover: {url: /api/list_files, per_page: 5}}\n"
	            "check: {x_of_n: true}\n"
	            "strategies: [serial]\n",
	            &scn) == 0,
	        "the scenario loads"))
		return;
	if (!(h = make_host(&scn, 0, 2))) {
		scenario_free(&scn);
		return;
	}
	hs = host_services(h);
	is_int(hs->jobs_hint, 0, "discovery: the hint says not known");
	host_loop_begin(h);
	is_int(hs->next_job(hs, 0, &list), CONCBENCH_NEXT_JOB,
	       "discovery: the first listing page");
	snprintf(want, sizeof(want), "%s/api/list_files", base_url);
	is_str(list->url, want, "discovery: its URL");
	is_int(hs->next_job(hs, 0, &job), CONCBENCH_NEXT_NONE_NOW,
	       "discovery: none now while it is out");
	is_int(fetch(hs, list, &easy), CURLE_OK, "discovery: page 1 fetched");
	is_int(hs->next_job(hs, 0, &list), CONCBENCH_NEXT_JOB,
	       "discovery: the next page is there first");
	is_str(list->url, want, "discovery: the same endpoint (POSTed)");
	is_int(hs->next_job(hs, 0, &job), CONCBENCH_NEXT_JOB,
	       "discovery: then a file page 1 listed");
	ok(strncmp(job->url, base_url, strlen(base_url)) == 0 &&
	       strncmp(job->url + strlen(base_url), "/files/", 7) == 0,
	   "discovery: a path resolved on the list URL's host: %s", job->url);
	fetch(hs, job, &easy);
	fetch(hs, list, &easy);
	is_int(serial_loop(hs), 30 - 3,
	       "discovery: the rest of the 5 listing pages and 25 files");
	host_loop_tally(h, &t);
	is_int(t.jobs, 5 + 25, "discovery: 5 listing pages, 25 files");
	is_int(t.ok, 30, "discovery: every one ok");
	is_int(t.x_total, 25, "discovery: x of 25");
	ok(jobs_tally_clean(&t), "discovery: every x exactly once");
	curl_easy_cleanup(easy);
	host_free(h);
	scenario_free(&scn);
}

/* The option services of struct concbench_host, and good.so reading them. */
static void test_host_options(const struct plugin *good)
{
	struct scenario scn;
	struct concbench_host host;
	struct host_config cfg;
	struct host *h;
	const char *file = fixture("good", "options.yaml");
	char err[DIAG_ERR_MAX];
	void *state = NULL;
	int64_t v;

	if (load(file, &scn) != 0)
		return;
	strategy_bind_options(&scn.strategies[0], good->desc->options, file,
	                      err, sizeof(err));
	cfg = (struct host_config){.scn = &scn,
	                           .spec = &scn.strategies[0],
	                           .urls = 1,
	                           .concurrency = 2};
	h = host_new(&cfg, err, sizeof(err));
	if (!ok(h != NULL, "host made")) {
		diag("%s", err);
		scenario_free(&scn);
		return;
	}
	/* A copy serves as well: the services find the host through it. */
	host = *host_services(h);
	is_int(host.size, sizeof(host), "host size");
	is_int(host.abi_major, CONCBENCH_ABI_MAJOR, "host ABI major");
	is_str(host.strategy, "set", "host strategy is the label");
	is_int(host.concurrency, 2, "host concurrency");
	is_int(host.jobs_hint, 1, "host jobs hint");

	v = 0;
	is_int(host.option_int(&host, "workers", &v), 0, "option_int INT");
	is_int(v, 64, "option_int value");
	v = 7;
	is_int(host.option_int(&host, "keepalive", &v), 0, "option_int BOOL");
	is_int(v, 0, "option_int BOOL value");
	v = 7;
	is_int(host.option_int(&host, "tag", &v), -1, "option_int STRING: -1");
	is_int(v, 7, "value untouched");
	is_int(host.option_int(&host, "nope", &v), -1, "option_int unknown");
	is_str(host.option_string(&host, "tag"), "fast lane", "option_string");
	ok(host.option_string(&host, "workers") == NULL,
	   "option_string of an INT is NULL");
	ok(host.option_string(&host, "nope") == NULL,
	   "option_string unknown is NULL");

	host_free(h);
	cfg.spec = &scn.strategies[1];
	strategy_bind_options(&scn.strategies[1], good->desc->options, file,
	                      err, sizeof(err));
	h = host_new(&cfg, err, sizeof(err));
	if (!ok(h != NULL, "host made for the second strategy"))
		return;
	host = *host_services(h);
	is_int(host.option_int(&host, "offset", &v), -1,
	       "option_int of an unset INT is -1");
	ok(host.option_string(&host, "note") == NULL,
	   "option_string of an unset STRING is NULL");
	is_int(good->desc->init(&host, &state), 0,
	       "good.so's init reads its defaults");
	ok(state != NULL, "and keeps a state");
	if (state)
		good->desc->fini(&host, state);
	host_free(h);
	scenario_free(&scn);
}

int main(void)
{
	char err[DIAG_ERR_MAX];
	struct server_config cfg = {.body_bytes = 10};
	struct server_process sp;
	struct plugin good;

	srcdir = getenv("srcdir");
	if (!srcdir)
		srcdir = ".";
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		printf("Bail out! curl_global_init failed\n");
		return 1;
	}
	if (!ok(serverproc_spawn(&cfg, &sp, err, sizeof(err)) == 0,
	        "the embedded server starts")) {
		diag("%s", err);
		return done_testing();
	}
	snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%u", sp.port);
	test_jobs();
	test_contract();
	test_checks();
	test_discovery();
	if (ok(loader_open(TEST_PLUGIN_DIR "/good.so", &good, err,
	                   sizeof(err)) == 0,
	       "good.so loads")) {
		test_host_options(&good);
		loader_close(&good);
	} else {
		diag("%s", err);
	}
	serverproc_stop(&sp);
	curl_global_cleanup();
	return done_testing();
}

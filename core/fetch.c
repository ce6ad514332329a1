/* SPDX-License-Identifier: MIT */
/*
 * fetch: the host services a plugin calls (struct concbench_host): jobs
 * with their URLs and request bodies, curl easy handles configured the same
 * way for every strategy, response checks, pagination discovery, result
 * classification and recording, options and logging.
 */
#include "config.h"

#include "fetch.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "json.h"
#include "number.h"

/* The kinds of added jobs. */
enum { ADDED_LISTING = 1, ADDED_FOUND = 2 };

/* A job as the host sees it; the plugin sees only `pub`. */
struct host_job {
	struct concbench_job pub;
	struct fetch_setup *fs;
	unsigned kind; /* 0 static, or ADDED_* */
	uint64_t page; /* of a listing */
	uint64_t bytes;
	int keep_body; /* checks or a listing read it */
	int more;      /* a listing's "there is more" header said so */
	int body_cut;  /* the body outgrew FETCH_BODY_MAX */
	char *body;    /* kept body, NUL-terminated */
	size_t body_len, body_cap;
	const char *request_body; /* NULL: none */
	size_t request_body_len;
	char errbuf[CURL_ERROR_SIZE];
	char url[]; /* then the request body, if any */
};

static struct fetch_setup *setup_of(struct concbench_host *host)
{
	return host->host_private;
}

void fetch_table_shape(const struct scenario *scn, uint64_t *extra,
                       size_t *text_bytes)
{
	const struct discover_spec *d = &scn->discover;
	uint64_t found;

	*extra = 0;
	*text_bytes = 0;
	if (!scn->has_discover)
		return;
	found = (uint64_t)d->max_pages * d->per_page;
	*extra = (uint64_t)d->max_pages + found;
	*text_bytes = (size_t)found * FETCH_TEXT_PER_DISCOVERED +
	              FETCH_DISCOVERED_URL_MAX;
}

/* scheme://host[:port] of an absolute URL. */
static void origin_of(const char *url, char *buf, size_t len)
{
	const char *host = strstr(url, "://");
	size_t n;

	host = host ? host + 3 : url;
	n = (size_t)(host - url) + strcspn(host, "/?#");
	snprintf(buf, len, "%.*s", (int)n, url);
}

int fetch_prepare(struct fetch_setup *fs, char *err, size_t errlen)
{
	const struct scenario *scn = fs->scn;
	struct curl_slist *l;
	size_t i;
	int rc;

	/* curl asks for "100 Continue" before bodies over 1 KiB: a round
	 * trip that is not what a strategy is measured on. */
	if (scn->request.body &&
	    !(fs->headers = curl_slist_append(fs->headers, "Expect:")))
		goto oom;
	for (i = 0; i < scn->request.header_len; i++) {
		l = curl_slist_append(fs->headers, scn->request.headers[i]);
		if (!l)
			goto oom;
		fs->headers = l;
	}
	if (scn->has_discover) {
		char ct[256];
		if (scn->discover.body &&
		    !(fs->list_headers =
		          curl_slist_append(fs->list_headers, "Expect:")))
			goto oom;
		if (scn->discover.content_type) {
			snprintf(ct, sizeof(ct), "Content-Type: %s",
			         scn->discover.content_type);
			l = curl_slist_append(fs->list_headers, ct);
			if (!l)
				goto oom;
			fs->list_headers = l;
		}
		/* A listed path is absolute on the list URL's host. */
		origin_of(scn->discover.url[0] == '/' && fs->base_url
		              ? fs->base_url
		              : scn->discover.url,
		          fs->origin, sizeof(fs->origin));
	}
	if (scn->check.match) {
		rc = regcomp(&fs->match, scn->check.match, REG_EXTENDED);
		if (rc != 0) {
			char msg[200];
			regerror(rc, &fs->match, msg, sizeof(msg));
			snprintf(err, errlen, "check.match: %s", msg);
			fetch_release(fs);
			return -1;
		}
		fs->has_match = 1;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	fetch_release(fs);
	return -1;
}

void fetch_release(struct fetch_setup *fs)
{
	curl_slist_free_all(fs->headers);
	curl_slist_free_all(fs->list_headers);
	fs->headers = fs->list_headers = NULL;
	if (fs->has_match)
		regfree(&fs->match);
	fs->has_match = 0;
}

void fetch_loop_begin(struct fetch_setup *fs)
{
	if (!fs->scn->has_discover)
		return;
	jobs_producer_begin(fs->jobs);
	if (jobs_add(fs->jobs, ADDED_LISTING, 0, NULL, NULL) < 0)
		jobs_producer_end(fs->jobs); /* no room: the loop shows it */
}

/* ---- jobs ---------------------------------------------------------- */

/* Write the URL and the request body of job `index` into buf; returns the
 * bytes needed for both with their NULs (truncating like snprintf). */
static size_t describe_job(struct fetch_setup *fs, uint64_t index,
                           unsigned kind, uint64_t number, const char *text,
                           char *buf, size_t len, size_t *body_at)
{
	const struct scenario *scn = fs->scn;
	const char *body_tmpl = NULL;
	struct urlset_values v;
	char date[URLSET_DATE_MAX];
	size_t used;

	memset(&v, 0, sizeof(v));
	v.i = index;
	if (kind == ADDED_LISTING) {
		v.per_page = scn->discover.per_page;
		v.start = number * v.per_page;
		used = (size_t)snprintf(
		    buf, len, "%s",
		    scn->discover.url[0] == '/' && fs->base_url ? fs->base_url
		                                                : "");
		used += urlset_expand(scn->discover.url, URLSET_STRICT, &v,
		                      used < len ? buf + used : NULL,
		                      used < len ? len - used : 0);
		body_tmpl = scn->discover.body;
	} else if (kind == ADDED_FOUND) {
		used = (size_t)snprintf(buf, len, "%s%s",
		                        text[0] == '/' ? fs->origin : "", text);
		body_tmpl = scn->request.body;
	} else {
		urlset_values_of(&scn->urls, index, &v, date);
		used = urlset_format(&scn->urls, fs->base_url, index, buf, len);
		body_tmpl = scn->request.body;
	}
	used++; /* the URL's NUL */
	*body_at = used;
	if (body_tmpl)
		used += urlset_expand(body_tmpl, URLSET_BODY, &v,
		                      used < len ? buf + used : NULL,
		                      used < len ? len - used : 0) +
		        1;
	else if (used < len)
		buf[used] = '\0';
	return used;
}

static struct host_job *job_new(struct fetch_setup *fs, uint64_t index)
{
	const struct scenario *scn = fs->scn;
	unsigned kind = 0;
	uint64_t number = 0;
	const char *text = NULL;
	char small[1024];
	size_t need, body_at;
	struct host_job *job;

	if (index >= fs->static_jobs &&
	    jobs_added(fs->jobs, index, &kind, &number, &text) < 0)
		return NULL;
	need = describe_job(fs, index, kind, number, text, small, sizeof(small),
	                    &body_at);
	job = malloc(sizeof(*job) + need);
	if (!job)
		return NULL;
	memset(job, 0, sizeof(*job));
	if (need <= sizeof(small))
		memcpy(job->url, small, need);
	else
		describe_job(fs, index, kind, number, text, job->url, need,
		             &body_at);
	job->pub.index = index;
	job->pub.url = job->url;
	job->fs = fs;
	job->kind = kind;
	job->page = number;
	if (kind == ADDED_LISTING ? scn->discover.body : scn->request.body) {
		job->request_body = job->url + body_at;
		job->request_body_len = strlen(job->request_body);
	}
	job->keep_body = kind == ADDED_LISTING || scn->check.contains ||
	                 scn->check.match ||
	                 (scn->check.x_of_n && kind == ADDED_FOUND);
	return job;
}

static enum concbench_next host_next_job(struct concbench_host *host,
                                         unsigned flags,
                                         struct concbench_job **out)
{
	struct fetch_setup *fs = setup_of(host);
	int wait = (flags & CONCBENCH_NEXT_WAIT) != 0;
	struct host_job *job;
	uint64_t index;

	*out = NULL;
	for (;;) {
		switch (jobs_take(fs->jobs, wait, &index)) {
		case JOBS_NONE_NOW:
			return CONCBENCH_NEXT_NONE_NOW;
		case JOBS_DONE:
			return CONCBENCH_NEXT_DONE;
		case JOBS_TAKEN:
			break;
		}
		job = job_new(fs, index);
		if (job) {
			*out = &job->pub;
			return CONCBENCH_NEXT_JOB;
		}
		jobs_fail(fs->jobs, index, 0, JOB_FAIL_TRANSFER,
		          "out of memory for a job");
	}
}

/* ---- transfers ------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct host_job *job = userp;
	size_t n = size * nmemb;

	job->bytes += n;
	if (!job->keep_body || job->body_cut)
		return n;
	if (job->body_len + n > FETCH_BODY_MAX) {
		job->body_cut = 1; /* keep nothing after a gap */
		return n;
	}
	if (job->body_len + n + 1 > job->body_cap) {
		size_t cap = job->body_cap ? job->body_cap : 4096;
		char *b;
		while (cap < job->body_len + n + 1)
			cap *= 2;
		if (!(b = realloc(job->body, cap)))
			return 0; /* fails the transfer: out of memory */
		job->body = b;
		job->body_cap = cap;
	}
	memcpy(job->body + job->body_len, data, n);
	job->body_len += n;
	job->body[job->body_len] = '\0';
	return n;
}

/* A listing's "there is more" header: "NAME: true". */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct host_job *job = userp;
	const char *name = job->fs->scn->discover.more_header;
	size_t n = size * nmemb, name_len = strlen(name), v, end;

	if (n <= name_len || data[name_len] != ':' ||
	    strncasecmp(data, name, name_len) != 0)
		return n;
	for (v = name_len + 1; v < n && (data[v] == ' ' || data[v] == '\t');)
		v++;
	for (end = n; end > v && isspace((unsigned char)data[end - 1]);)
		end--;
	job->more = end - v == 4 && strncasecmp(data + v, "true", 4) == 0;
	return n;
}

static void finish(struct fetch_setup *fs, struct host_job *job,
                   enum job_failure kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record the job's result (fmt NULL: success) and free it. A listing
 * ends its part in the discovery here, after adding what it found. */
static void finish(struct fetch_setup *fs, struct host_job *job,
                   enum job_failure kind, const char *fmt, ...)
{
	char msg[JOBS_ERROR_MAX];
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		jobs_fail(fs->jobs, job->pub.index, job->bytes, kind, msg);
	} else {
		jobs_record(fs->jobs, job->pub.index, job->bytes, NULL);
	}
	if (job->kind == ADDED_LISTING)
		jobs_producer_end(fs->jobs);
	free(job->body);
	free(job);
}

static CURL *host_easy(struct concbench_host *host, struct concbench_job *pub,
                       CURL *reuse)
{
	struct fetch_setup *fs = setup_of(host);
	struct host_job *job = (struct host_job *)pub;
	const char *method = job->kind == ADDED_LISTING
	                         ? fs->scn->discover.method
	                         : fs->scn->request.method;
	struct curl_slist *headers =
	    job->kind == ADDED_LISTING ? fs->list_headers : fs->headers;
	CURL *easy = reuse;
	CURLcode rc = CURLE_OK;

	if (easy)
		curl_easy_reset(easy);
	else
		easy = curl_easy_init();
	if (!easy) {
		finish(fs, job, JOB_FAIL_TRANSFER,
		       "%s: cannot create a curl handle", job->url);
		return NULL;
	}
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(easy, opt, val);                 \
	} while (0)
	SET(CURLOPT_URL, &job->url[0]);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)fs->timeout_ms);
	SET(CURLOPT_USERAGENT, FETCH_USER_AGENT);
	/*
	 * HTTP/1.1 for every strategy: HTTP/2 would let a multi handle
	 * multiplex streams on one connection while blocking handles cannot,
	 * and the comparison would no longer be about the strategy.
	 */
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, job);
	SET(CURLOPT_ERRORBUFFER, job->errbuf);
	if (headers)
		SET(CURLOPT_HTTPHEADER, headers);
	if (job->request_body) {
		SET(CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)job->request_body_len);
		SET(CURLOPT_POSTFIELDS, job->request_body);
	}
	/* A body makes curl POST; any other method is named outright. */
	if (method && !(job->request_body && strcmp(method, "POST") == 0)) {
		if (strcmp(method, "HEAD") == 0)
			SET(CURLOPT_NOBODY, 1L);
		else if (strcmp(method, "GET") != 0 || job->request_body)
			SET(CURLOPT_CUSTOMREQUEST, method);
	}
	if (job->kind == ADDED_LISTING) {
		SET(CURLOPT_HEADERFUNCTION, on_header);
		SET(CURLOPT_HEADERDATA, job);
	}
	if (fs->no_proxy)
		SET(CURLOPT_NOPROXY, "*");
#undef SET
	if (rc != CURLE_OK) {
		finish(fs, job, JOB_FAIL_TRANSFER,
		       "%s: cannot configure a curl handle: %s", job->url,
		       curl_easy_strerror(rc));
		if (!reuse)
			curl_easy_cleanup(easy);
		return NULL;
	}
	return easy;
}

/* ---- checks and discovery ---------------------------------------------- */

static int status_expected(const struct check_spec *chk, long status)
{
	size_t i;

	if (!chk->status_len)
		return status >= 200 && status <= 299;
	for (i = 0; i < chk->status_len; i++)
		if ((long)chk->status[i] == status)
			return 1;
	return 0;
}

/* The regex's matches in the body, each after the one before. */
static uint64_t count_matches(const regex_t *re, const char *text)
{
	regmatch_t m;
	uint64_t n = 0;
	int flags = 0;

	while (*text && regexec(re, text, 1, &m, flags) == 0) {
		n++;
		text += m.rm_eo > m.rm_so ? m.rm_eo : m.rm_so + 1;
		flags = REG_NOTBOL;
	}
	return n;
}

/* "x of N", blanks around it allowed. */
static int parse_x_of_n(const char *body, uint64_t *x, uint64_t *n)
{
	const char *p = body;

	if (!p)
		return -1;
	p += strspn(p, " \t\r\n");
	if (number_scan(&p, UINT64_MAX, x) < 0 || strncmp(p, " of ", 4) != 0)
		return -1;
	p += 4;
	if (number_scan(&p, UINT64_MAX, n) < 0)
		return -1;
	return p[strspn(p, " \t\r\n")] == '\0' ? 0 : -1;
}

/* Check a target's body; finishes the job. */
static void check_target(struct fetch_setup *fs, struct host_job *job)
{
	const struct check_spec *chk = &fs->scn->check;
	const char *body = job->body ? job->body : "";
	char why[JOBS_ERROR_MAX];
	uint64_t x, n;

	if (job->body_cut) {
		finish(fs, job, JOB_FAIL_CHECK,
		       "%s: a body of %" PRIu64 " bytes is too large to check",
		       job->url, job->bytes);
		return;
	}
	if (job->body_len != strlen(body) && (chk->contains || chk->match)) {
		finish(fs, job, JOB_FAIL_CHECK, "%s: the body holds a NUL byte",
		       job->url);
		return;
	}
	if (chk->contains && !strstr(body, chk->contains)) {
		finish(fs, job, JOB_FAIL_CHECK,
		       "%s: the body does not contain \"%s\"", job->url,
		       chk->contains);
		return;
	}
	if (fs->has_match) {
		uint64_t found = count_matches(&fs->match, body);
		if (found == 0) {
			finish(fs, job, JOB_FAIL_CHECK,
			       "%s: no match for /%s/ in the body", job->url,
			       chk->match);
			return;
		}
		jobs_add_matches(fs->jobs, found);
	}
	if (chk->x_of_n && job->kind == ADDED_FOUND) {
		if (parse_x_of_n(job->body, &x, &n) < 0) {
			finish(fs, job, JOB_FAIL_CHECK,
			       "%s: the body is not \"x of N\"", job->url);
			return;
		}
		if (jobs_note_x_of_n(fs->jobs, x, n, why, sizeof(why)) < 0) {
			finish(fs, job, JOB_FAIL_CHECK, "%s: %s", job->url,
			       why);
			return;
		}
	}
	finish(fs, job, 0, NULL);
}

struct listing {
	struct fetch_setup *fs;
	size_t items;
	int adding; /* the second walk: add the jobs */
	char problem[JOBS_ERROR_MAX];
};

static int on_listed(const char *s, size_t n, void *arg)
{
	struct listing *l = arg;

	if (!l->adding) {
		if (n == 0 || n >= FETCH_DISCOVERED_URL_MAX || strlen(s) != n ||
		    strpbrk(s, " \t\r\n") ||
		    (s[0] != '/' && strncmp(s, "http://", 7) != 0 &&
		     strncmp(s, "https://", 8) != 0)) {
			snprintf(l->problem, sizeof(l->problem),
			         "item %zu, \"%.64s\", is not a URL or a path",
			         l->items + 1, s);
			return 1;
		}
		l->items++;
		return 0;
	}
	if (jobs_add(l->fs->jobs, ADDED_FOUND, 0, s, NULL) < 0) {
		snprintf(l->problem, sizeof(l->problem),
		         "no room for more discovered URLs (max_pages x "
		         "per_page)");
		return 1;
	}
	return 0;
}

/* A listing page came back: add what it lists, and the next page. */
static void read_listing(struct fetch_setup *fs, struct host_job *job)
{
	const struct discover_spec *d = &fs->scn->discover;
	struct listing l = {.fs = fs};
	char err[200];
	int rc;

	if (!job->body || job->body_cut) {
		finish(fs, job, JOB_FAIL_DISCOVERY,
		       "%s: listing page %" PRIu64 " has %s body", job->url,
		       job->page + 1,
		       job->body_cut ? "too large a" : "an empty");
		return;
	}
	rc = json_string_array(job->body, job->body_len, on_listed, &l, err,
	                       sizeof(err));
	if (rc < 0) {
		finish(fs, job, JOB_FAIL_DISCOVERY,
		       "%s: listing page %" PRIu64
		       " is not a JSON array of strings: %s",
		       job->url, job->page + 1, err);
		return;
	}
	if (rc == 0 && l.items > d->per_page)
		snprintf(l.problem, sizeof(l.problem),
		         "%zu items, more than per_page (%u)", l.items,
		         d->per_page);
	if (l.problem[0]) {
		finish(fs, job, JOB_FAIL_DISCOVERY,
		       "%s: listing page %" PRIu64 ": %s", job->url,
		       job->page + 1, l.problem);
		return;
	}
	/* The next page first: the listing is the critical path, as in a
	 * client that asks for the next page as soon as it has this one. */
	if (job->more) {
		if (job->page + 1 >= d->max_pages) {
			finish(fs, job, JOB_FAIL_DISCOVERY,
			       "%s: the listing still says '%s: true' after "
			       "max_pages (%u) pages",
			       job->url, d->more_header, d->max_pages);
			return;
		}
		jobs_producer_begin(fs->jobs);
		if (jobs_add(fs->jobs, ADDED_LISTING, job->page + 1, NULL,
		             NULL) < 0) {
			jobs_producer_end(fs->jobs);
			finish(fs, job, JOB_FAIL_DISCOVERY,
			       "%s: no room for listing page %" PRIu64,
			       job->url, job->page + 2);
			return;
		}
	}
	l.adding = 1;
	json_string_array(job->body, job->body_len, on_listed, &l, err,
	                  sizeof(err));
	if (l.problem[0])
		finish(fs, job, JOB_FAIL_DISCOVERY,
		       "%s: listing page %" PRIu64 ": %s", job->url,
		       job->page + 1, l.problem);
	else
		finish(fs, job, 0, NULL);
}

static void host_done(struct concbench_host *host, struct concbench_job *pub,
                      CURL *easy, CURLcode result)
{
	struct fetch_setup *fs = setup_of(host);
	struct host_job *job = (struct host_job *)pub;
	long status = 0;

	if (result != CURLE_OK) {
		finish(fs, job, JOB_FAIL_TRANSFER, "%s: %s", job->url,
		       job->errbuf[0] ? job->errbuf
		                      : curl_easy_strerror(result));
		return;
	}
	if (!easy || curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status) !=
	                 CURLE_OK) {
		finish(fs, job, JOB_FAIL_TRANSFER, "%s: no response status",
		       job->url);
		return;
	}
	if (job->kind == ADDED_LISTING
	        ? status < 200 || status > 299
	        : !status_expected(&fs->scn->check, status)) {
		finish(fs, job, JOB_FAIL_STATUS, "%s: HTTP status %ld",
		       job->url, status);
		return;
	}
	if (job->kind == ADDED_LISTING)
		read_listing(fs, job);
	else
		check_target(fs, job);
}

static void host_job_lost(struct concbench_host *host, uint64_t index,
                          const char *reason)
{
	struct fetch_setup *fs = setup_of(host);
	unsigned kind;
	uint64_t number;
	const char *text;

	/* A lost listing adds nothing more: the discovery ends with it. */
	if (jobs_record_lost(fs->jobs, index, reason) &&
	    jobs_added(fs->jobs, index, &kind, &number, &text) == 0 &&
	    kind == ADDED_LISTING)
		jobs_producer_end(fs->jobs);
}

static int host_option_int(struct concbench_host *host, const char *name,
                           int64_t *value)
{
	const struct option_value *o =
	    strategy_option(setup_of(host)->spec, name);

	if (!o || o->decl->type == CONCBENCH_OPT_STRING)
		return -1;
	*value = o->number;
	return 0;
}

static const char *host_option_string(struct concbench_host *host,
                                      const char *name)
{
	const struct option_value *o =
	    strategy_option(setup_of(host)->spec, name);

	if (!o || o->decl->type != CONCBENCH_OPT_STRING)
		return NULL;
	return o->text;
}

static void host_log(struct concbench_host *host,
                     enum concbench_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info",
	                                    "debug"};
	char line[1024];
	va_list ap;
	int used;

	if ((level == CONCBENCH_LOG_WARN && diag_quiet) ||
	    (level == CONCBENCH_LOG_INFO && diag_verbose < 1) ||
	    (level >= CONCBENCH_LOG_DEBUG && diag_verbose < 2))
		return;
	if ((unsigned)level > CONCBENCH_LOG_DEBUG)
		level = CONCBENCH_LOG_DEBUG;
	used = snprintf(line, sizeof(line),
	                "concbench: %s: %s: ", host->strategy, names[level]);
	va_start(ap, fmt);
	vsnprintf(line + used, sizeof(line) - (size_t)used, fmt, ap);
	va_end(ap);
	/* One write per line, so lines of threads do not interleave. */
	fprintf(stderr, "%s\n", line);
}

void fetch_host_init(struct concbench_host *host, struct fetch_setup *setup)
{
	memset(host, 0, sizeof(*host));
	host->size = sizeof(*host);
	host->abi_major = CONCBENCH_ABI_MAJOR;
	host->strategy = setup->spec->label;
	host->concurrency = setup->concurrency;
	/* Discovered jobs are not known in advance: 0 says so. */
	host->jobs_hint = setup->scn->has_discover ? 0 : setup->static_jobs;
	host->timeout_ms = (long)setup->timeout_ms;
	host->next_job = host_next_job;
	host->easy = host_easy;
	host->done = host_done;
	host->option_int = host_option_int;
	host->option_string = host_option_string;
	host->log = host_log;
	host->host_private = setup;
	host->job_lost = host_job_lost;
}

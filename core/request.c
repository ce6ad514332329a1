/* SPDX-License-Identifier: MIT */
/*
 * request: the requests of a cell's jobs, the same for every strategy.
 */
#include "config.h"

#include "request.h"

#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "urlset.h"

/* scheme://host[:port] of an absolute URL. */
static void origin_of(const char *url, char *buf, size_t len)
{
	const char *host = strstr(url, "://");
	size_t n;

	host = host ? host + 3 : url;
	n = (size_t)(host - url) + strcspn(host, "/?#");
	snprintf(buf, len, "%.*s", (int)n, url);
}

static int append(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (!l)
		return -1;
	*list = l;
	return 0;
}

int request_maker_init(struct request_maker *m, const struct scenario *scn,
                       const char *base_url, int no_proxy, char *err,
                       size_t errlen)
{
	const struct discover_spec *d = &scn->discover;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->scn = scn;
	m->base_url = base_url;
	m->no_proxy = no_proxy;
	/* curl asks for "100 Continue" before bodies over 1 KiB: a round
	 * trip that is not what a strategy is measured on. */
	if (scn->request.body && append(&m->headers, "Expect:") < 0)
		goto oom;
	for (i = 0; i < scn->request.header_len; i++)
		if (append(&m->headers, scn->request.headers[i]) < 0)
			goto oom;
	if (scn->has_discover) {
		char ct[256];

		if (d->body && append(&m->list_headers, "Expect:") < 0)
			goto oom;
		if (d->content_type) {
			snprintf(ct, sizeof(ct), "Content-Type: %s",
			         d->content_type);
			if (append(&m->list_headers, ct) < 0)
				goto oom;
		}
		/* A listed path is absolute on the list URL's host. */
		origin_of(d->url[0] == '/' && base_url ? base_url : d->url,
		          m->origin, sizeof(m->origin));
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	request_maker_free(m);
	return -1;
}

void request_maker_free(struct request_maker *m)
{
	curl_slist_free_all(m->headers);
	curl_slist_free_all(m->list_headers);
	m->headers = m->list_headers = NULL;
}

size_t request_describe(const struct request_maker *m, uint64_t index,
                        enum job_kind kind, uint64_t number, const char *text,
                        char *buf, size_t len, size_t *body_at)
{
	const struct scenario *scn = m->scn;
	const char *body_tmpl = NULL;
	struct urlset_values v;
	char date[URLSET_DATE_MAX];
	size_t used;

	memset(&v, 0, sizeof(v));
	v.i = index;
	if (kind == JOB_LISTING) {
		v.per_page = scn->discover.per_page;
		v.start = number * v.per_page;
		used = (size_t)snprintf(
		    buf, len, "%s",
		    scn->discover.url[0] == '/' && m->base_url ? m->base_url
		                                               : "");
		used += urlset_expand(scn->discover.url, URLSET_STRICT, &v,
		                      used < len ? buf + used : NULL,
		                      used < len ? len - used : 0);
		body_tmpl = scn->discover.body;
	} else if (kind == JOB_FOUND) {
		used = (size_t)snprintf(buf, len, "%s%s",
		                        text[0] == '/' ? m->origin : "", text);
		body_tmpl = scn->request.body;
	} else {
		urlset_values_of(&scn->urls, index, &v, date);
		used = urlset_format(&scn->urls, m->base_url, index, buf, len);
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

int request_has_body(const struct request_maker *m, enum job_kind kind)
{
	return (kind == JOB_LISTING ? m->scn->discover.body
	                            : m->scn->request.body) != NULL;
}

CURLcode request_configure(const struct request_maker *m, CURL *easy,
                           enum job_kind kind, const char *url,
                           const char *body, size_t body_len, int again)
{
	const struct scenario *scn = m->scn;
	const char *method =
	    kind == JOB_LISTING ? scn->discover.method : scn->request.method;
	struct curl_slist *headers =
	    kind == JOB_LISTING ? m->list_headers : m->headers;
	CURLcode rc = CURLE_OK;

#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(easy, opt, val);                 \
	} while (0)
	SET(CURLOPT_URL, url);
	if (!again) {
		SET(CURLOPT_NOSIGNAL, 1L);
		SET(CURLOPT_TIMEOUT_MS, (long)scn->timeout_ms);
		SET(CURLOPT_USERAGENT, REQUEST_USER_AGENT);
		/*
		 * HTTP/1.1 for every strategy: HTTP/2 would let a multi
		 * handle multiplex streams on one connection while blocking
		 * handles cannot, and the comparison would no longer be
		 * about the strategy.
		 */
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
		if (headers)
			SET(CURLOPT_HTTPHEADER, headers);
		if (m->no_proxy)
			SET(CURLOPT_NOPROXY, "*");
	}
	if (body) {
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		SET(CURLOPT_POSTFIELDS, body);
	}
	/* A body makes curl POST (so the method is set after it, again too);
	 * any other method is named outright. */
	if (method && (!again || body) &&
	    !(body && strcmp(method, "POST") == 0)) {
		if (strcmp(method, "HEAD") == 0)
			SET(CURLOPT_NOBODY, 1L);
		else if (strcmp(method, "GET") != 0 || body)
			SET(CURLOPT_CUSTOMREQUEST, method);
	}
#undef SET
	return rc;
}

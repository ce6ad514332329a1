/* SPDX-License-Identifier: MIT */
/*
 * statsclient: GET /_concbench/stats and POST /_concbench/reset of the
 * embedded server, with libcurl, the reply read by the strict JSON reader.
 */
#include "config.h"

#include "statsclient.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "json.h"

/* The endpoints live under this prefix (server.h). */
#define CONTROL_PREFIX "/_concbench/"
#define CONTROL_TIMEOUT_MS 5000
/* The stats JSON is about 200 bytes; anything much longer is not ours. */
#define CONTROL_REPLY_MAX 1024

struct control_reply {
	char text[CONTROL_REPLY_MAX];
	size_t len;
};

static size_t on_control_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct control_reply *r = arg;
	size_t n = size * nmemb;

	/* Returning less than n fails the transfer: not our server. */
	if (n >= sizeof(r->text) - r->len)
		return 0;
	memcpy(r->text + r->len, data, n);
	r->len += n;
	r->text[r->len] = '\0';
	return n;
}

/* One request to a control endpoint; 0 if it answered want. */
static int control_call(unsigned port, const char *name, int post, long want,
                        struct control_reply *r, char *errbuf, size_t errlen)
{
	char url[64], err[CURL_ERROR_SIZE];
	long status = 0;
	CURLcode rc;
	CURL *h;

	r->len = 0;
	r->text[0] = '\0';
	if (port < 1 || port > 65535) {
		snprintf(errbuf, errlen, "test server: port %u out of range",
		         port);
		return -1;
	}
	h = curl_easy_init();
	if (!h) {
		snprintf(errbuf, errlen,
		         "test server: %s: cannot make a curl handle", name);
		return -1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u" CONTROL_PREFIX "%s",
	         port, name);
	err[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	/* An empty proxy overrides http_proxy and friends from the environment.
	 */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)CONTROL_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/* The runner has threads and signal handlers of its own. */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_control_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	if (post) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		snprintf(errbuf, errlen, "test server: %s: %s", url,
		         err[0] != '\0' ? err : curl_easy_strerror(rc));
		return -1;
	}
	if (status != want) {
		snprintf(errbuf, errlen,
		         "test server: %s: status %ld, expected %ld", url,
		         status, want);
		return -1;
	}
	return 0;
}

/* A counter of the statistics: a member that is an integer >= 0. */
static int stats_counter(const struct control_reply *r, const char *key,
                         uint64_t *out)
{
	int64_t v;

	if (json_object_int(r->text, r->len, key, &v) != 0 || v < 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* The digest: 16 lowercase hex digits. */
static int stats_digest(const struct control_reply *r, char out[17])
{
	size_t i;

	if (json_object_string(r->text, r->len, "digest", out, 17) != 0 ||
	    strlen(out) != 16)
		return -1;
	for (i = 0; i < 16; i++)
		if (!isxdigit((unsigned char)out[i]) ||
		    isupper((unsigned char)out[i]))
			return -1;
	return 0;
}

int statsclient_reset(unsigned port, char *errbuf, size_t errlen)
{
	struct control_reply r;

	return control_call(port, "reset", 1, 204, &r, errbuf, errlen);
}

int statsclient_read(unsigned port, struct server_stats *out, char *errbuf,
                     size_t errlen)
{
	struct control_reply r;
	struct server_stats st;

	if (control_call(port, "stats", 0, 200, &r, errbuf, errlen) < 0)
		return -1;
	memset(&st, 0, sizeof(st));
	if (stats_counter(&r, "requests", &st.requests) < 0 ||
	    stats_counter(&r, "in_flight", &st.in_flight) < 0 ||
	    stats_counter(&r, "max_in_flight", &st.max_in_flight) < 0 ||
	    stats_counter(&r, "faults_status", &st.faults_status) < 0 ||
	    stats_counter(&r, "faults_close", &st.faults_close) < 0 ||
	    stats_counter(&r, "faults_stall", &st.faults_stall) < 0 ||
	    stats_counter(&r, "threads", &st.threads) < 0 ||
	    stats_counter(&r, "cpu_us", &st.cpu_us) < 0 ||
	    stats_counter(&r, "run_delay_us", &st.run_delay_us) < 0 ||
	    stats_digest(&r, st.digest) < 0) {
		snprintf(errbuf, errlen,
		         "test server on port %u: malformed statistics: %.200s",
		         port, r.text);
		return -1;
	}
	*out = st;
	return 0;
}

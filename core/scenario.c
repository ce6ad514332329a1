/* SPDX-License-Identifier: MIT */
/*
 * scenario: a scenario file (YAML) checked strictly against its schema and
 * turned into a struct scenario: the root keys, the server, the request
 * and the checks here; the URLs in urlsource.c, the strategies in
 * strategy.c. Every error names FILE:LINE:COL. The format is documented in
 * concbench-scenario(5).
 */
#include "config.h"

#include "scenario.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "urlsource.h"
#include "yamldoc.h"

/* Limits that catch typos without getting in the way of real runs. */
#define MAX_CONCURRENCY 100000u
#define MAX_BODY_BYTES (1u << 30)
#define MAX_TIMEOUT_MS 86400000u

#define DEFAULT_REPEAT 3u
#define DEFAULT_LOOPS 1u
#define DEFAULT_TIMEOUT_MS 10000u
#define DEFAULT_BODY_BYTES 1024u

/* faults: {status: {fraction, code}, close: {fraction}, stall: {fraction}} */
static int parse_faults(struct schema *s, const struct ynode *n,
                        struct server_config *cfg)
{
	static const char *const keys[] = {"status", "close", "stall", NULL};
	static const char *const status_keys[] = {"fraction", "code", NULL};
	static const char *const fraction_keys[] = {"fraction", NULL};
	static const char *const kinds[] = {"status", "close", "stall"};
	double *fractions[] = {&cfg->fail_fraction, &cfg->close_fraction,
	                       &cfg->stall_fraction};
	size_t k;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "faults") < 0 ||
	    schema_check_keys(s, n, keys, "faults") < 0)
		return -1;
	for (k = 0; k < 3; k++) {
		const struct ynode *f = yamldoc_get(n, kinds[k]), *v;
		if (!f)
			continue;
		if (schema_expect_kind(s, f, YNODE_MAPPING, kinds[k]) < 0 ||
		    schema_check_keys(s, f,
		                      k == 0 ? status_keys : fraction_keys,
		                      kinds[k]) < 0)
			return -1;
		if (!(v = yamldoc_get(f, "fraction")))
			return schema_fail(
			    s, f, "missing required key 'fraction' in %s",
			    kinds[k]);
		if (schema_get_fraction(s, v, "fraction", fractions[k]) < 0)
			return -1;
		if (k == 0 && (v = yamldoc_get(f, "code")) &&
		    schema_get_unsigned(s, v, "code", 200, 599,
		                        &cfg->fail_status) < 0)
			return -1;
	}
	return 0;
}

/* {ms: N}, {model: uniform, min_ms, max_ms}, {model: lognormal,
 * median_ms, p99_ms} */
static int parse_latency(struct schema *s, const struct ynode *n,
                         int list_allowed, struct latency_spec *spec)
{
	static const char *const fixed_keys[] = {"model", "ms", NULL};
	static const char *const uniform_keys[] = {"model", "min_ms", "max_ms",
	                                           NULL};
	static const char *const lognormal_keys[] = {"model", "median_ms",
	                                             "p99_ms", NULL};
	static const struct {
		const char *model;
		const char *const *keys;
	} models[] = {{"fixed", fixed_keys},
	              {"uniform", uniform_keys},
	              {"lognormal", lognormal_keys}};
	unsigned *fields[3][2] = {{&spec->ms, NULL},
	                          {&spec->min_ms, &spec->max_ms},
	                          {&spec->median_ms, &spec->p99_ms}};
	const struct ynode *model;
	char err[200];
	size_t m, k;

	memset(spec, 0, sizeof(*spec));
	if (n->kind != YNODE_MAPPING)
		return schema_fail(
		    s, n,
		    "'latency' must be a mapping such as {ms: 50} "
		    "or {model: uniform, min_ms: 10, max_ms: 90}%s",
		    list_allowed ? ", or a list of them" : "");
	m = 0;
	if ((model = yamldoc_get(n, "model"))) {
		if (schema_expect_kind(s, model, YNODE_SCALAR, "model") < 0)
			return -1;
		for (m = 0; m < 3; m++)
			if (strcmp(model->text, models[m].model) == 0)
				break;
		if (m == 3)
			return schema_fail(
			    s, model,
			    "unknown latency model '%s' (known: fixed, "
			    "uniform, lognormal)",
			    model->text);
	}
	if (schema_check_keys(s, n, models[m].keys, "latency") < 0)
		return -1;
	spec->model = (enum latency_model)m;
	for (k = 0; k < 2 && fields[m][k]; k++) {
		const char *key = models[m].keys[k + 1];
		const struct ynode *v = yamldoc_get(n, key);
		if (!v)
			return schema_fail(
			    s, n, "missing required key '%s' in latency", key);
		if (schema_get_unsigned(s, v, key, 0, LATENCY_MAX_MS,
		                        fields[m][k]) < 0)
			return -1;
	}
	if (latency_check(spec, err, sizeof(err)) < 0)
		return schema_fail(s, n, "%s", err);
	return 0;
}

/* routes: {NAME: {latency: {...}}} */
static int parse_routes(struct schema *s, const struct ynode *n,
                        struct server_config *cfg)
{
	static const char *const route_keys[] = {"latency", NULL};
	size_t i;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "routes") < 0)
		return -1;
	for (i = 0; i < n->count; i++) {
		const struct ynode *k = yamldoc_key(n, i),
		                   *v = yamldoc_value(n, i);
		const struct ynode *lat;
		int route = routes_lookup(k->text);
		if (route < 0)
			return schema_fail(
			    s, k,
			    "unknown route '%s' (known: page, prices, "
			    "list, files, echo)",
			    k->text);
		if (schema_expect_kind(s, v, YNODE_MAPPING, k->text) < 0 ||
		    schema_check_keys(s, v, route_keys, k->text) < 0)
			return -1;
		if (!(lat = yamldoc_get(v, "latency")))
			return schema_fail(
			    s, v, "missing required key 'latency' in %s",
			    k->text);
		if (parse_latency(s, lat, 0, &cfg->route_latency[route]) < 0)
			return -1;
		cfg->route_latency_set[route] = 1;
	}
	return 0;
}

/* limits: {header_bytes, body_bytes, idle_s} of a request */
static int parse_limits(struct schema *s, const struct ynode *n,
                        struct server_config *cfg)
{
	static const char *const keys[] = {"header_bytes", "body_bytes",
	                                   "idle_s", NULL};
	const struct ynode *v;
	uint64_t number;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "limits") < 0 ||
	    schema_check_keys(s, n, keys, "limits") < 0)
		return -1;
	if ((v = yamldoc_get(n, "header_bytes"))) {
		if (schema_get_uint(s, v, "header_bytes",
		                    SERVER_MIN_HEADER_BYTES,
		                    SERVER_MAX_LIMIT_BYTES, &number) < 0)
			return -1;
		cfg->max_header_bytes = (size_t)number;
	}
	if ((v = yamldoc_get(n, "body_bytes"))) {
		if (schema_get_uint(s, v, "body_bytes", 1,
		                    SERVER_MAX_LIMIT_BYTES, &number) < 0)
			return -1;
		cfg->max_body_bytes = (size_t)number;
	}
	if ((v = yamldoc_get(n, "idle_s")) &&
	    schema_get_unsigned(s, v, "idle_s", 1, SERVER_MAX_IDLE_S,
	                        &cfg->idle_s) < 0)
		return -1;
	return 0;
}

static int parse_server(struct schema *s, const struct ynode *n,
                        struct scenario *scn)
{
	static const char *const keys[] = {
	    "latency", "body_bytes", "faults",  "seed", "files", "routes",
	    "limits",  "threads",    "work_us", "cpus", NULL};
	const struct ynode *v;
	uint64_t number;
	size_t i, count;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "server") < 0 ||
	    schema_check_keys(s, n, keys, "server") < 0)
		return -1;
	scn->has_server = 1;
	scn->server.body_bytes = DEFAULT_BODY_BYTES;
	v = yamldoc_get(n, "latency");
	count = v && v->kind == YNODE_SEQUENCE ? v->count : 1;
	if (count == 0)
		return schema_fail(s, v, "'latency' must not be an empty list");
	scn->latencies = calloc(count, sizeof(*scn->latencies));
	if (!scn->latencies)
		return schema_fail(s, n, "out of memory");
	scn->latency_len = count;
	for (i = 0; v && i < count; i++)
		if (parse_latency(s,
		                  v->kind == YNODE_SEQUENCE ? v->items[i] : v,
		                  1, &scn->latencies[i]) < 0)
			return -1;
	scn->server.latency = scn->latencies[0];
	if ((v = yamldoc_get(n, "body_bytes"))) {
		if (schema_get_uint(s, v, "body_bytes", 0, MAX_BODY_BYTES,
		                    &number) < 0)
			return -1;
		scn->server.body_bytes = (size_t)number;
	}
	if ((v = yamldoc_get(n, "seed"))) {
		if (schema_get_uint(s, v, "seed", 0, INT64_MAX, &number) < 0)
			return -1;
		scn->server.seed = number;
	}
	if ((v = yamldoc_get(n, "files")) &&
	    schema_get_unsigned(s, v, "files", 1, SERVER_MAX_FILES,
	                        &scn->server.files) < 0)
		return -1;
	if ((v = yamldoc_get(n, "routes")) &&
	    parse_routes(s, v, &scn->server) < 0)
		return -1;
	if ((v = yamldoc_get(n, "limits")) &&
	    parse_limits(s, v, &scn->server) < 0)
		return -1;
	if ((v = yamldoc_get(n, "threads")) &&
	    schema_get_unsigned(s, v, "threads", 1, SERVER_MAX_THREADS,
	                        &scn->server.threads) < 0)
		return -1;
	if ((v = yamldoc_get(n, "cpus"))) {
		char why[160];

		if (schema_expect_kind(s, v, YNODE_SCALAR, "cpus") < 0)
			return -1;
		if (serverconf_parse_cpus(v->text, &scn->server.cpus, why,
		                          sizeof(why)) < 0)
			return schema_fail(s, v, "%s", why);
	}
	if ((v = yamldoc_get(n, "work_us")) &&
	    schema_get_unsigned(s, v, "work_us", 0, SERVER_MAX_WORK_US,
	                        &scn->server.work_us) < 0)
		return -1;
	if ((v = yamldoc_get(n, "faults")))
		return parse_faults(s, v, &scn->server);
	return 0;
}

/* headers: {Name: value, ...} */
static int parse_headers(struct schema *s, const struct ynode *n,
                         struct request_spec *req)
{
	size_t i;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "headers") < 0)
		return -1;
	req->headers = calloc(n->count ? n->count : 1, sizeof(*req->headers));
	if (!req->headers)
		return schema_fail(s, n, "out of memory");
	for (i = 0; i < n->count; i++) {
		const struct ynode *k = yamldoc_key(n, i),
		                   *v = yamldoc_value(n, i);
		const char *p;
		for (p = k->text; *p; p++)
			if (!isalnum((unsigned char)*p) &&
			    !strchr("!#$%&'*+-.^_`|~", *p))
				break;
		if (*p || p == k->text)
			return schema_fail(
			    s, k, "'%s' is not a valid header name", k->text);
		if (schema_expect_kind(s, v, YNODE_SCALAR, k->text) < 0)
			return -1;
		if (strpbrk(v->text, "\r\n"))
			return schema_fail(
			    s, v, "header '%s' must fit on one line", k->text);
		if (asprintf(&req->headers[i], "%s: %s", k->text, v->text) < 0)
			return schema_fail(s, v, "out of memory");
		req->header_len = i + 1;
	}
	return 0;
}

/* request: {method, headers, body} */
static int parse_request(struct schema *s, const struct ynode *n,
                         struct scenario *scn)
{
	static const char *const keys[] = {"method", "headers", "body", NULL};
	struct request_spec *req = &scn->request;
	const struct ynode *v;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "request") < 0 ||
	    schema_check_keys(s, n, keys, "request") < 0)
		return -1;
	if ((v = yamldoc_get(n, "method")) &&
	    schema_get_method(s, v, &req->method) < 0)
		return -1;
	if ((v = yamldoc_get(n, "headers")) && parse_headers(s, v, req) < 0)
		return -1;
	if ((v = yamldoc_get(n, "body"))) {
		unsigned used;
		if (schema_get_template(
		        s, v, "body", "request body", URLSET_BODY,
		        URLSET_VAR_I | URLSET_VAR_DATE, &used, &req->body) < 0)
			return -1;
		if ((used & URLSET_VAR_DATE) && !scn->urls.has_dates)
			return schema_fail(
			    s, v,
			    "the body uses {date}, and 'urls' has "
			    "no 'dates'");
	}
	return 0;
}

/* check: {status, contains, match, x_of_n} */
static int parse_check(struct schema *s, const struct ynode *n,
                       struct check_spec *chk)
{
	static const char *const keys[] = {"status", "contains", "match",
	                                   "x_of_n", NULL};
	const struct ynode *v;

	if (schema_expect_kind(s, n, YNODE_MAPPING, "check") < 0 ||
	    schema_check_keys(s, n, keys, "check") < 0)
		return -1;
	if ((v = yamldoc_get(n, "status"))) {
		uint64_t *codes = NULL;
		size_t i;
		if (schema_get_uint_list(s, v, "status", 100, 599, &codes,
		                         &chk->status_len) < 0) {
			free(codes);
			return -1;
		}
		chk->status = calloc(chk->status_len, sizeof(*chk->status));
		for (i = 0; chk->status && i < chk->status_len; i++)
			chk->status[i] = (unsigned)codes[i];
		free(codes);
		if (!chk->status)
			return schema_fail(s, v, "out of memory");
	}
	if ((v = yamldoc_get(n, "contains")) &&
	    schema_get_string(s, v, "contains", &chk->contains) < 0)
		return -1;
	if ((v = yamldoc_get(n, "match"))) {
		regex_t re;
		int rc;
		if (schema_get_string(s, v, "match", &chk->match) < 0)
			return -1;
		rc = regcomp(&re, chk->match, REG_EXTENDED);
		if (rc != 0) {
			char msg[200];
			regerror(rc, &re, msg, sizeof(msg));
			return schema_fail(
			    s, v,
			    "'match' is not a POSIX extended regular "
			    "expression: %s",
			    msg);
		}
		regfree(&re);
	}
	if ((v = yamldoc_get(n, "x_of_n"))) {
		if (schema_expect_kind(s, v, YNODE_SCALAR, "x_of_n") < 0)
			return -1;
		if (!v->plain || (strcmp(v->text, "true") != 0 &&
		                  strcmp(v->text, "false") != 0))
			return schema_fail(
			    s, v,
			    "'x_of_n' must be true or false, got "
			    "\"%s\"",
			    v->text);
		chk->x_of_n = strcmp(v->text, "true") == 0;
	}
	return 0;
}

/* base_url: scheme and host (and port), where relative URLs go. */
static int parse_base_url(struct schema *s, const struct ynode *n,
                          struct scenario *scn)
{
	size_t len;

	if (schema_get_string(s, n, "base_url", &scn->base_url) < 0)
		return -1;
	if (strncmp(scn->base_url, "http://", 7) != 0 &&
	    strncmp(scn->base_url, "https://", 8) != 0)
		return schema_fail(s, n,
		                   "'base_url' must start with http:// or "
		                   "https://, got \"%s\"",
		                   scn->base_url);
	len = strlen(scn->base_url);
	while (len > 8 && scn->base_url[len - 1] == '/')
		scn->base_url[--len] = '\0';
	return 0;
}

static int parse_root(struct schema *s, const struct ynode *root,
                      struct scenario *scn)
{
	static const char *const keys[] = {
	    "name",       "description", "server", "urls",       "concurrency",
	    "strategies", "repeat",      "loops",  "timeout_ms", "deadline_s",
	    "base_url",   "request",     "check",  NULL};
	const struct ynode *v;
	uint64_t *conc = NULL;
	size_t i;

	if (root->kind != YNODE_MAPPING)
		return schema_fail(s, root,
		                   "a scenario must be a mapping of keys "
		                   "(name, urls, ...), got %s",
		                   yamldoc_kind_name(root->kind));
	if (schema_check_keys(s, root, keys, "scenario") < 0)
		return -1;

	if (!(v = yamldoc_get(root, "name")))
		return schema_fail(s, root, "missing required key 'name'");
	if (schema_get_string(s, v, "name", &scn->name) < 0)
		return -1;
	if ((v = yamldoc_get(root, "description")) &&
	    schema_get_string(s, v, "description", &scn->description) < 0)
		return -1;
	if ((v = yamldoc_get(root, "server")) && parse_server(s, v, scn) < 0)
		return -1;
	if (!(v = yamldoc_get(root, "urls")))
		return schema_fail(s, root, "missing required key 'urls'");
	if (urlsource_parse(s, v, scn) < 0)
		return -1;
	if ((v = yamldoc_get(root, "base_url")) &&
	    parse_base_url(s, v, scn) < 0)
		return -1;
	if (scn->urls.relative && !scn->has_server && !scn->base_url)
		return schema_fail(
		    s, yamldoc_get(root, "urls"),
		    "relative URLs (starting with /) need a 'server:' "
		    "block to serve them, or a 'base_url'");
	if ((v = yamldoc_get(root, "request")) && parse_request(s, v, scn) < 0)
		return -1;
	if ((v = yamldoc_get(root, "check")) &&
	    parse_check(s, v, &scn->check) < 0)
		return -1;
	if (scn->check.x_of_n && !scn->has_discover)
		return schema_fail(
		    s, yamldoc_get(yamldoc_get(root, "check"), "x_of_n"),
		    "'x_of_n' checks discovered endpoints: it needs "
		    "'urls: discover'");

	if ((v = yamldoc_get(root, "concurrency"))) {
		if (schema_get_uint_list(s, v, "concurrency", 1,
		                         MAX_CONCURRENCY, &conc,
		                         &scn->concurrency_len) < 0) {
			free(conc);
			return -1;
		}
	} else {
		conc = calloc(1, sizeof(*conc));
		if (!conc)
			return schema_fail(s, root, "out of memory");
		conc[0] = 1;
		scn->concurrency_len = 1;
	}
	scn->concurrency = calloc(scn->concurrency_len, sizeof(unsigned));
	if (!scn->concurrency) {
		free(conc);
		return schema_fail(s, root, "out of memory");
	}
	for (i = 0; i < scn->concurrency_len; i++)
		scn->concurrency[i] = (unsigned)conc[i];
	free(conc);

	if ((v = yamldoc_get(root, "strategies")) &&
	    strategy_parse_list(s, v, &scn->strategies, &scn->strategy_len) < 0)
		return -1;
	if ((v = yamldoc_get(root, "repeat")) &&
	    schema_get_unsigned(s, v, "repeat", 1, SCENARIO_MAX_REPEAT,
	                        &scn->repeat) < 0)
		return -1;
	if ((v = yamldoc_get(root, "loops")) &&
	    schema_get_unsigned(s, v, "loops", 1, SCENARIO_MAX_LOOPS,
	                        &scn->loops) < 0)
		return -1;
	if ((v = yamldoc_get(root, "timeout_ms")) &&
	    schema_get_unsigned(s, v, "timeout_ms", 1, MAX_TIMEOUT_MS,
	                        &scn->timeout_ms) < 0)
		return -1;
	if ((v = yamldoc_get(root, "deadline_s")) &&
	    schema_get_unsigned(s, v, "deadline_s", 1, SCENARIO_MAX_DEADLINE_S,
	                        &scn->deadline_s) < 0)
		return -1;
	return 0;
}

int scenario_load(const char *path, struct scenario *scn, char *err,
                  size_t errlen)
{
	struct schema s = {.path = path, .err = err, .errlen = errlen};
	struct ynode *root;
	int rc;

	memset(scn, 0, sizeof(*scn));
	scn->repeat = DEFAULT_REPEAT;
	scn->loops = DEFAULT_LOOPS;
	scn->timeout_ms = DEFAULT_TIMEOUT_MS;
	scn->path = strdup(path);
	if (!scn->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	root = yamldoc_load(path, scn->digest, err, errlen);
	if (!root) {
		scenario_free(scn);
		return -1;
	}
	rc = parse_root(&s, root, scn);
	yamldoc_free(root);
	if (rc < 0)
		scenario_free(scn);
	return rc;
}

int scenario_uses_server(const struct scenario *scn)
{
	return scn->has_server && scn->urls.relative && !scn->base_url;
}

void scenario_free(struct scenario *scn)
{
	size_t i;

	for (i = 0; i < scn->strategy_len; i++)
		strategy_spec_free(&scn->strategies[i]);
	free(scn->strategies);
	free(scn->concurrency);
	urlsource_free(scn);
	free(scn->latencies);
	free(scn->base_url);
	free(scn->request.method);
	for (i = 0; i < scn->request.header_len; i++)
		free(scn->request.headers[i]);
	free(scn->request.headers);
	free(scn->request.body);
	free(scn->check.status);
	free(scn->check.contains);
	free(scn->check.match);
	free(scn->description);
	free(scn->name);
	free(scn->path);
	memset(scn, 0, sizeof(*scn));
}

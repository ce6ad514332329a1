/* SPDX-License-Identifier: MIT */
/*
 * routes: the content of the embedded test server's routes, one function
 * per route, each writing its answer into the request's output buffer for
 * server.c to send after the route's latency. Everything a route derives
 * from the seed (prices, file names) is a pure function of the seed and the
 * request, so every run and every server process agree.
 */
#include "config.h"

#include "routes.h"

#include "serverconf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "json.h"
#include "mix.h"
#include "number.h"
#include "urlset.h"

/* Separate the seed's uses, so that prices and names do not correlate. */
#define PRICES_DOMAIN UINT64_C(0x7072696365730000)
#define FILES_DOMAIN UINT64_C(0x66696c6573000000)
#define PRICE_MIN 99
#define PRICE_MAX 999
#define PRICES_MIN_COUNT 3
#define PRICES_MAX_COUNT 8
/* The list API's page size: its default, and its maximum. */
#define PER_PAGE 5
/* "/files/" and 16 hex digits. */
#define FILES_PREFIX "/files/"
#define FILE_HEX_DIGITS 16
/* Longer parameter values are not integers an int64 can hold anyway. */
#define PARAM_MAX 32

static const char *const route_names[ROUTE_COUNT] = {
    [ROUTE_PAGE] = "page",   [ROUTE_PRICES] = "prices", [ROUTE_LIST] = "list",
    [ROUTE_FILES] = "files", [ROUTE_ECHO] = "echo",
};

const char *routes_name(enum route_id route)
{
	return (unsigned)route < ROUTE_COUNT ? route_names[route] : "?";
}

int routes_lookup(const char *name)
{
	int r;

	for (r = 0; r < ROUTE_COUNT; r++)
		if (strcmp(name, route_names[r]) == 0)
			return r;
	return -1;
}

struct routes {
	char *page;
	size_t page_len;
	uint64_t seed;
	uint64_t files;       /* the list API's N */
	uint64_t file_key[3]; /* of the permutation naming files */
};

/* ---- deterministic numbers --------------------------------------------- */

/* The inverse of z ^= z >> s. */
static uint64_t unxorshift(uint64_t y, unsigned s)
{
	uint64_t z = y;
	unsigned k;

	for (k = s; k < 64; k += s)
		z ^= y >> k;
	return z;
}

/* The inverse of an odd number modulo 2^64, by Newton's iteration. */
static uint64_t inverse_odd(uint64_t a)
{
	uint64_t x = a; /* right in the low 3 bits */
	int i;

	for (i = 0; i < 5; i++)
		x *= 2 - a * x; /* doubles the right bits: 6, 12, ..., 96 */
	return x;
}

static uint64_t unmix64(uint64_t z)
{
	z = unxorshift(z, 31) * inverse_odd(MIX_M2);
	z = unxorshift(z, 27) * inverse_odd(MIX_M1);
	return unxorshift(z, 30);
}

/*
 * File x's name: a keyed permutation of x, so that names are distinct by
 * construction and cannot be told from x without the seed, while the name
 * of a request maps straight back to its x (file_number).
 */
static uint64_t file_name(const struct routes *rt, uint64_t x)
{
	return mix64(mix64(x ^ rt->file_key[0]) + rt->file_key[1]) ^
	       rt->file_key[2];
}

static uint64_t file_number(const struct routes *rt, uint64_t name)
{
	return unmix64(unmix64(name ^ rt->file_key[2]) - rt->file_key[1]) ^
	       rt->file_key[0];
}

/* ---- the page ---------------------------------------------------------- */

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>concbench test - Search</title></head>\n"
    "<body><div id=\"b_content\"><ol id=\"b_results\">\n";
static const char page_tail[] = "</ol></div></body></html>\n";

static void page_put(char *page, size_t size, size_t *len, const char *s,
                     size_t n)
{
	if (n > size - *len)
		n = size - *len;
	memcpy(page + *len, s, n);
	*len += n;
}

/*
 * A search result page of exactly size bytes: head, as many results as
 * fit, blank padding, tail. Sizes too small for head and tail get a prefix
 * of them; the size is what the scenario measures, not the markup.
 */
static char *page_make(size_t size)
{
	size_t tail = sizeof(page_tail) - 1;
	size_t len = 0;
	char item[256];
	char *page;
	unsigned i;

	page = malloc(size > 0 ? size : 1);
	if (!page)
		return NULL;
	page_put(page, size, &len, page_head, sizeof(page_head) - 1);
	for (i = 1;; i++) {
		int n = snprintf(
		    item, sizeof(item),
		    "<li class=\"b_algo\"><h2><a href=\"https://www.example."
		    "com/result/%u\">Result %u</a></h2><div class=\"b_caption"
		    "\"><p>Snippet of result %u, filler text that stands for "
		    "a real result.</p></div></li>\n",
		    i, i, i);

		if (n < 0 || (size_t)n >= sizeof(item) ||
		    size - len < (size_t)n + tail)
			break;
		page_put(page, size, &len, item, (size_t)n);
	}
	if (size - len > tail) {
		memset(page + len, ' ', size - len - tail);
		len = size - tail;
	}
	page_put(page, size, &len, page_tail, tail);
	return page;
}

/* ---- building answers -------------------------------------------------- */

static void set_type(struct evhttp_request *req, const char *type)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	                  "Content-Type", type);
}

static int text_answer(struct evhttp_request *req, int status, const char *text)
{
	set_type(req, "text/plain");
	if (evbuffer_add(evhttp_request_get_output_buffer(req), text,
	                 strlen(text)) < 0)
		return -1;
	return status;
}

/* A finished JSON document as the answer, application/json. */
static int json_answer(struct evhttp_request *req, int status,
                       struct json_out *w)
{
	size_t len;
	const char *text = json_out_text(w, &len);
	int rc = -1;

	set_type(req, "application/json");
	if (text &&
	    evbuffer_add(evhttp_request_get_output_buffer(req), text, len) == 0)
		rc = status;
	json_out_free(w);
	return rc;
}

/* {"error":"message"}, application/json. */
static int json_error(struct evhttp_request *req, int status,
                      const char *message)
{
	struct json_out w;

	json_out_init(&w, 0);
	json_out_begin_object(&w);
	json_out_key(&w, "error");
	json_out_string(&w, message);
	json_out_end_object(&w);
	return json_answer(req, status, &w);
}

static int method_not_allowed(struct evhttp_request *req, const char *allow,
                              int json)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	                  allow);
	if (json)
		return json_error(req, HTTP_BADMETHOD, "method not allowed");
	return text_answer(req, HTTP_BADMETHOD, "method not allowed\n");
}

static int is_get(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	return cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD;
}

static int is_post(struct evhttp_request *req)
{
	return evhttp_request_get_command(req) == EVHTTP_REQ_POST;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The request body, contiguous (NULL if empty). */
static const char *request_body(struct evhttp_request *req, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);

	*len = evbuffer_get_length(in);
	return *len > 0 ? (const char *)evbuffer_pullup(in, -1) : NULL;
}

/* ---- prices ------------------------------------------------------------ */

static int answer_prices(const struct routes *rt, struct evhttp_request *req,
                         const char *path)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);
	const char *date = path + sizeof("/prices/") - 1;
	unsigned y, m, d, count, i;
	uint64_t h;
	int rc;

	if (!is_get(req))
		return method_not_allowed(req, "GET, HEAD", 0);
	if (urlset_parse_date(date, &y, &m, &d) < 0)
		return text_answer(req, HTTP_NOTFOUND, "not found\n");
	h = mix64(mix64(rt->seed ^ PRICES_DOMAIN) ^
	          ((uint64_t)y * 10000 + m * 100 + d));
	count = PRICES_MIN_COUNT +
	        (unsigned)(h % (PRICES_MAX_COUNT - PRICES_MIN_COUNT + 1));
	set_type(req, "text/html");
	rc = evbuffer_add_printf(
	    out,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>concbench test - Bus tickets on %04u-%02u-%02u</title>"
	    "</head>\n<body><h1>Connections on %04u-%02u-%02u</h1>\n"
	    "<table id=\"connections\">\n"
	    "<tr><th>Departure</th><th>Fare</th></tr>\n",
	    y, m, d, y, m, d);
	for (i = 0; i < count && rc >= 0; i++) {
		uint64_t r = mix64(h + (i + 1) * MIX_GOLDEN);
		unsigned price =
		    PRICE_MIN + (unsigned)(r % (PRICE_MAX - PRICE_MIN + 1));

		/* One departure every two hours from 06:00, at a quarter. */
		rc = evbuffer_add_printf(
		    out,
		    "<tr><td>%02u:%02u</td><td>"
		    "<span class=\"price\">%u CZK</span></td></tr>\n",
		    6 + 2 * i, (unsigned)((r >> 32) % 4) * 15, price);
	}
	if (rc >= 0)
		rc = evbuffer_add_printf(out, "</table></body></html>\n");
	return rc < 0 ? -1 : HTTP_OK;
}

/* ---- the list API and its files ---------------------------------------- */

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The value of `key` in form-encoded text[0, len) ("a=1&b=2", '+' and
 * %XX decoded), into value (PARAM_MAX bytes and a NUL); the last of
 * several wins, as in a JSON body and in most servers' query parsers.
 * 1 if found, 0 if not, -1 if (the last) found is too long.
 */
static int form_find(const char *text, size_t len, const char *key, char *value)
{
	const char *end;
	size_t key_len = strlen(key);
	int found = 0;

	if (!text)
		return 0; /* no query string: NULL + 0 is undefined in C */
	end = text + len;

	while (text < end) {
		const char *amp = memchr(text, '&', (size_t)(end - text));
		const char *stop = amp ? amp : end;
		char name[PARAM_MAX + 1], current[PARAM_MAX + 1];
		size_t n = 0, v = 0;
		int in_value = 0, too_long = 0;

		for (; text < stop; text++) {
			int c = (unsigned char)*text;

			if (c == '=' && !in_value) {
				in_value = 1;
				continue;
			}
			if (c == '+')
				c = ' ';
			else if (c == '%' && stop - text >= 3 &&
			         hex_value(text[1]) >= 0 &&
			         hex_value(text[2]) >= 0) {
				c = hex_value(text[1]) * 16 +
				    hex_value(text[2]);
				text += 2;
			}
			if (!in_value && n < PARAM_MAX)
				name[n++] = (char)c;
			else if (!in_value)
				n = PARAM_MAX + 1; /* not any key of ours */
			else if (v < PARAM_MAX)
				current[v++] = (char)c;
			else
				too_long = 1;
		}
		text = stop + (stop < end);
		if (n != key_len || memcmp(name, key, n) != 0)
			continue;
		memcpy(value, current, v);
		value[v] = '\0';
		found = too_long ? -1 : 1;
	}
	return found;
}

/* Parameter `key` from form-encoded text into *out, if it is there. */
static int form_int(const char *text, size_t len, const char *key, int64_t *out)
{
	char value[PARAM_MAX + 1];
	int found = form_find(text, len, key, value);

	if (found == 0)
		return 0;
	return found < 0 || number_parse_int(value, NUMBER_MINUS, out) < 0 ? -1
	                                                                   : 0;
}

/* Content-Type application/json, with or without parameters. */
static int is_json_body(struct evhttp_request *req)
{
	const char *type = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type");
	static const char json[] = "application/json";
	size_t n = sizeof(json) - 1;

	return type && strncasecmp(type, json, n) == 0 &&
	       (type[n] == '\0' || type[n] == ';' || type[n] == ' ' ||
	        type[n] == '\t');
}

struct page_params {
	int64_t start, per_page;
};

/*
 * start and per_page of a POST, from the query string, then the body
 * (form-encoded, or a JSON object): the body wins. 0, or -1 with what is
 * wrong in problem.
 */
static int read_params(struct evhttp_request *req, const char *query,
                       struct page_params *pp, char *problem, size_t size)
{
	static const char bad_start[] = "start must be an integer >= 0";
	static const char bad_per_page[] = "per_page must be an integer >= 1";
	size_t len, qlen = query ? strlen(query) : 0;
	const char *body = request_body(req, &len);
	const char *wrong = NULL;
	char err[96];

	if (form_int(query, qlen, "start", &pp->start) < 0)
		wrong = bad_start;
	else if (form_int(query, qlen, "per_page", &pp->per_page) < 0)
		wrong = bad_per_page;
	else if (is_json_body(req)) {
		size_t first = 0;

		if (json_check(body, len, err, sizeof(err)) < 0) {
			snprintf(problem, size, "invalid JSON: %s", err);
			return -1;
		}
		/* Valid, so something follows the blanks. */
		while (is_blank(body[first]))
			first++;
		if (body[first] != '{')
			wrong = "the JSON body must be an object";
		else if (json_object_int(body, len, "start", &pp->start) < 0)
			wrong = bad_start;
		else if (json_object_int(body, len, "per_page", &pp->per_page) <
		         0)
			wrong = bad_per_page;
	} else if (body) {
		if (form_int(body, len, "start", &pp->start) < 0)
			wrong = bad_start;
		else if (form_int(body, len, "per_page", &pp->per_page) < 0)
			wrong = bad_per_page;
	}
	if (!wrong && pp->start < 0)
		wrong = bad_start;
	if (!wrong && pp->per_page < 1)
		wrong = bad_per_page;
	if (!wrong)
		return 0;
	snprintf(problem, size, "%s", wrong);
	return -1;
}

/* ["/files/...", ...] for files first..last (1-based, inclusive). */
static int listing_answer(const struct routes *rt, struct evhttp_request *req,
                          uint64_t first, uint64_t last, int more)
{
	struct json_out w;
	char path[sizeof(FILES_PREFIX) + FILE_HEX_DIGITS];
	uint64_t x;

	evhttp_add_header(evhttp_request_get_output_headers(req), "More",
	                  more ? "true" : "false");
	json_out_init(&w, 0);
	json_out_begin_array(&w);
	for (x = first; x <= last; x++) {
		snprintf(path, sizeof(path), FILES_PREFIX "%016" PRIx64,
		         file_name(rt, x));
		json_out_string(&w, path);
	}
	json_out_end_array(&w);
	return json_answer(req, HTTP_OK, &w);
}

static int answer_list(const struct routes *rt, struct evhttp_request *req)
{
	const char *query =
	    evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct page_params pp = {0, PER_PAGE};
	size_t qlen = query ? strlen(query) : 0;
	char broken[PARAM_MAX + 1], problem[160];
	uint64_t start, end;
	int found;

	if (is_get(req))
		return listing_answer(rt, req, 1, rt->files, 0);
	if (!is_post(req))
		return method_not_allowed(req, "GET, HEAD, POST", 1);
	/* The test hooks: pagination gone wrong, for the clients' tests. */
	found = form_find(query, qlen, "broken", broken);
	if (found != 0) {
		struct evbuffer *out = evhttp_request_get_output_buffer(req);
		static const char bad_json[] = "[\"" FILES_PREFIX;

		if (found < 0 || (strcmp(broken, "json") != 0 &&
		                  strcmp(broken, "endless") != 0))
			return json_error(req, HTTP_BADREQUEST,
			                  "broken must be json or endless");
		set_type(req, "application/json");
		evhttp_add_header(evhttp_request_get_output_headers(req),
		                  "More", "true");
		if (strcmp(broken, "json") == 0)
			return evbuffer_add(out, bad_json,
			                    sizeof(bad_json) - 1) < 0
			           ? -1
			           : HTTP_OK;
		return evbuffer_add(out, "[]", 2) < 0 ? -1 : HTTP_OK;
	}
	if (read_params(req, query, &pp, problem, sizeof(problem)) < 0)
		return json_error(req, HTTP_BADREQUEST, problem);
	if (pp.per_page > PER_PAGE)
		pp.per_page = PER_PAGE;
	/* In unsigned terms, with start below 2^63 and per_page at most 5. */
	start = (uint64_t)pp.start;
	if (start >= rt->files)
		return listing_answer(rt, req, 1, 0, 0);
	end = start + (uint64_t)pp.per_page;
	if (end > rt->files)
		end = rt->files;
	return listing_answer(rt, req, start + 1, end, end < rt->files);
}

static int answer_file(const struct routes *rt, struct evhttp_request *req,
                       const char *path)
{
	const char *hex = path + sizeof(FILES_PREFIX) - 1;
	uint64_t name = 0, x;
	char text[64];
	int i;

	if (!is_get(req))
		return method_not_allowed(req, "GET, HEAD", 0);
	for (i = 0; i < FILE_HEX_DIGITS; i++) {
		/* Names are printed in lowercase; only those are ours. */
		if (hex[i] >= 'A' && hex[i] <= 'F')
			break;
		if (hex_value(hex[i]) < 0)
			break;
		name = name << 4 | (uint64_t)hex_value(hex[i]);
	}
	if (i < FILE_HEX_DIGITS || hex[i] != '\0')
		return text_answer(req, HTTP_NOTFOUND, "not found\n");
	x = file_number(rt, name);
	if (x < 1 || x > rt->files)
		return text_answer(req, HTTP_NOTFOUND, "not found\n");
	snprintf(text, sizeof(text), "%" PRIu64 " of %" PRIu64, x, rt->files);
	return text_answer(req, HTTP_OK, text);
}

/* ---- echo -------------------------------------------------------------- */

static int answer_echo(struct evhttp_request *req)
{
	struct json_out w;
	char err[96];
	size_t len, from = 0, to;
	const char *body;

	if (!is_post(req))
		return method_not_allowed(req, "POST", 1);
	body = request_body(req, &len);
	if (json_check(body, len, err, sizeof(err)) < 0)
		return json_error(req, HTTP_BADREQUEST, err);
	/* A valid body holds a value: something is left after trimming. */
	to = len;
	while (is_blank(body[from]))
		from++;
	while (is_blank(body[to - 1]))
		to--;
	json_out_init(&w, 0);
	json_out_begin_object(&w);
	json_out_key(&w, "echo");
	json_out_raw(&w, body + from, to - from);
	json_out_key(&w, "bytes");
	json_out_u64(&w, len);
	json_out_end_object(&w);
	return json_answer(req, HTTP_OK, &w);
}

/* ---- the routes -------------------------------------------------------- */

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *request_path(struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

	return path ? path : "";
}

enum route_id routes_match(struct evhttp_request *req)
{
	const char *path = request_path(req);

	/* Most requests are for the page: one comparison tells most apart. */
	if (path[0] != '/' ||
	    (path[1] != 'p' && path[1] != 'a' && path[1] != 'f'))
		return ROUTE_PAGE;
	if (has_prefix(path, "/prices/"))
		return ROUTE_PRICES;
	if (has_prefix(path, FILES_PREFIX))
		return ROUTE_FILES;
	if (strcmp(path, "/api/list_files") == 0)
		return ROUTE_LIST;
	if (strcmp(path, "/api/echo") == 0)
		return ROUTE_ECHO;
	return ROUTE_PAGE;
}

int routes_answer(const struct routes *rt, enum route_id route,
                  struct evhttp_request *req)
{
	switch (route) {
	case ROUTE_PAGE:
		set_type(req, "text/html");
		/* The page outlives every request: no copy. */
		if (rt->page_len > 0 &&
		    evbuffer_add_reference(
		        evhttp_request_get_output_buffer(req), rt->page,
		        rt->page_len, NULL, NULL) < 0)
			return -1;
		return HTTP_OK;
	case ROUTE_PRICES:
		return answer_prices(rt, req, request_path(req));
	case ROUTE_LIST:
		return answer_list(rt, req);
	case ROUTE_FILES:
		return answer_file(rt, req, request_path(req));
	case ROUTE_ECHO:
		return answer_echo(req);
	case ROUTE_COUNT:
		break;
	}
	return -1;
}

struct routes *routes_new(const struct server_config *cfg)
{
	struct routes *rt = calloc(1, sizeof(*rt));
	uint64_t k;
	int i;

	if (!rt)
		return NULL;
	rt->page_len = cfg->body_bytes;
	rt->page = page_make(cfg->body_bytes);
	if (!rt->page) {
		free(rt);
		return NULL;
	}
	rt->seed = cfg->seed;
	rt->files = cfg->files != 0 ? cfg->files : SERVER_DEFAULT_FILES;
	k = mix64(cfg->seed ^ FILES_DOMAIN);
	for (i = 0; i < 3; i++) {
		k = mix64(k + MIX_GOLDEN);
		rt->file_key[i] = k;
	}
	return rt;
}

void routes_free(struct routes *rt)
{
	if (!rt)
		return;
	free(rt->page);
	free(rt);
}

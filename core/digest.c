/* SPDX-License-Identifier: MIT */
/*
 * digest: one FNV-1a hash per request received by the embedded server
 * (digest.h has what it covers).
 */
#include "config.h"

#include "digest.h"

#include <stddef.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static uint64_t fnv_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len-- > 0) {
		h ^= *p++;
		h *= FNV_PRIME;
	}
	return h;
}

/* Hashes a string in place, without a strlen() pass over it first. */
static uint64_t fnv_str(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		h ^= *p;
		h *= FNV_PRIME;
	}
	return h;
}

static const char *method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_TRACE:
		return "TRACE";
	case EVHTTP_REQ_CONNECT:
		return "CONNECT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	}
	return "";
}

/* The body can span several buffer chunks; hash them where they lie. */
static uint64_t fnv_evbuffer(uint64_t h, struct evbuffer *buf)
{
	size_t left = evbuffer_get_length(buf);
	struct evbuffer_iovec vec[8];
	struct evbuffer_ptr at;

	if (left == 0 || evbuffer_ptr_set(buf, &at, 0, EVBUFFER_PTR_SET) < 0)
		return h;
	while (left > 0) {
		int n = evbuffer_peek(buf, -1, &at, vec, 8);
		size_t done = 0;
		int i;

		if (n <= 0)
			break;
		for (i = 0; i < n && i < 8 && done < left; i++) {
			size_t len = vec[i].iov_len;

			if (len > left - done)
				len = left - done;
			h = fnv_bytes(h, vec[i].iov_base, len);
			done += len;
		}
		left -= done;
		if (done == 0 ||
		    (left > 0 &&
		     evbuffer_ptr_set(buf, &at, done, EVBUFFER_PTR_ADD) < 0))
			break;
	}
	return h;
}

uint64_t digest_request(struct evhttp_request *req)
{
	const struct evkeyvalq *headers = evhttp_request_get_input_headers(req);
	const struct evkeyval *kv;
	uint64_t h = FNV_OFFSET;

	h = fnv_str(h, method_name(evhttp_request_get_command(req)));
	h = fnv_str(h, evhttp_request_get_uri(req));
	for (kv = headers->tqh_first; kv; kv = kv->next.tqe_next) {
		h = fnv_str(h, kv->key);
		h = fnv_bytes(h, ": ", 2);
		h = fnv_str(h, kv->value);
		h = fnv_bytes(h, "\n", 1);
	}
	return fnv_evbuffer(h, evhttp_request_get_input_buffer(req));
}

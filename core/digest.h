/* SPDX-License-Identifier: MIT */
/*
 * digest: the embedded server's digest of the requests it received, by
 * which the conformance tests see that every strategy sent the same
 * requests. One 64-bit FNV-1a hash per request, over the bytes of the
 * method name ("GET"), the URI as received ("/search?q=1"), one line
 * "Name: value\n" per header in the order received (as evhttp keeps them:
 * names as sent, values without surrounding blanks), then the body. The
 * server sums them modulo 2^64, so the same requests in any order give the
 * same digest, printed as 16 lowercase hex digits.
 */
#ifndef CB_DIGEST_H
#define CB_DIGEST_H

#include <stdint.h>

struct evhttp_request;

uint64_t digest_request(struct evhttp_request *req);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * json: a strict RFC 8259 reader for the small documents concbench
 * exchanges: the echo endpoint's check of a request body, the list API's
 * parameters, and the client's reading of a listing (an array of strings).
 * Errors say where: "byte N: what".
 */
#ifndef CB_JSON_H
#define CB_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

/* 0 if text[0, len) is exactly one JSON value (blanks around it allowed),
 * else -1 with the problem in err. */
int json_check(const char *text, size_t len, char *err, size_t errlen);

/* Called with each decoded string of an array (escapes resolved, UTF-8,
 * NUL-terminated at s[n]); a nonzero return stops the walk with it. */
typedef int (*json_string_fn)(const char *s, size_t n, void *arg);

/* Walk a JSON array of strings. 0, the callback's nonzero value, or -1
 * with err if text is not an array of strings. */
int json_string_array(const char *text, size_t len, json_string_fn fn,
                      void *arg, char *err, size_t errlen);

/* The top-level object's member `key` as an integer: 0 and *out, 1 if the
 * object has no such member, -1 if text is not an object or the member is
 * not an integer in range. */
int json_object_int(const char *text, size_t len, const char *key,
                    int64_t *out);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * sha256: SHA-256 (FIPS 180-4), for the digest of a scenario file stored
 * with its results, so that `sha256sum` tells which file a result came
 * from.
 */
#ifndef CB_SHA256_H
#define CB_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

#define SHA256_HEX 65 /* 64 lowercase hex digits and a NUL */

void sha256_init(struct sha256 *s);
void sha256_add(struct sha256 *s, const void *data, size_t len);
/* The digest as hex; s is spent. */
void sha256_hex(struct sha256 *s, char out[SHA256_HEX]);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * mix: the 64-bit mixing function behind every seeded number of the
 * embedded server (latency draws, prices, file names): splitmix64's
 * finalizer, a bijection, and its inverse.
 */
#ifndef CB_MIX_H
#define CB_MIX_H

#include <stdint.h>

/* splitmix64's increment: adding it keeps successive inputs apart. */
#define MIX_GOLDEN UINT64_C(0x9e3779b97f4a7c15)
#define MIX_M1 UINT64_C(0xbf58476d1ce4e5b9)
#define MIX_M2 UINT64_C(0x94d049bb133111eb)

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * MIX_M1;
	z = (z ^ (z >> 27)) * MIX_M2;
	return z ^ (z >> 31);
}

#endif

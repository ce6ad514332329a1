/* SPDX-License-Identifier: MIT */
/*
 * latency: the embedded server's latency models. A draw is a pure function
 * of (spec, seed, request number): no generator state, so requests can be
 * answered in any order and still get the delays a rerun gives them.
 */
#include "config.h"

#include "latency.h"
#include "mix.h"
#include "number.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The standard normal's 99th percentile: p99 = median * exp(sigma * Z99). */
#define Z99 2.326348
#define TWO_PI 6.283185307179586

static const char *const model_names[] = {
    [LATENCY_FIXED] = "fixed",
    [LATENCY_UNIFORM] = "uniform",
    [LATENCY_LOGNORMAL] = "lognormal",
};

int latency_check(const struct latency_spec *spec, char *err, size_t errlen)
{
	switch (spec->model) {
	case LATENCY_FIXED:
		if (spec->ms <= LATENCY_MAX_MS)
			return 0;
		snprintf(err, errlen,
		         "latency %u ms is above the maximum, "
		         "%u ms",
		         spec->ms, LATENCY_MAX_MS);
		return -1;
	case LATENCY_UNIFORM:
		if (spec->min_ms > spec->max_ms) {
			snprintf(err, errlen,
			         "uniform latency: the minimum, "
			         "%u ms, is above the maximum, %u ms",
			         spec->min_ms, spec->max_ms);
			return -1;
		}
		if (spec->max_ms > LATENCY_MAX_MS) {
			snprintf(err, errlen,
			         "uniform latency: the maximum, "
			         "%u ms, is above %u ms",
			         spec->max_ms, LATENCY_MAX_MS);
			return -1;
		}
		return 0;
	case LATENCY_LOGNORMAL:
		/* A median of 0 has no logarithm: the model needs m >= 1. */
		if (spec->median_ms < 1) {
			snprintf(err, errlen,
			         "lognormal latency: the median "
			         "must be at least 1 ms");
			return -1;
		}
		if (spec->p99_ms < spec->median_ms) {
			snprintf(
			    err, errlen,
			    "lognormal latency: the 99th "
			    "percentile, %u ms, is below the median, %u ms",
			    spec->p99_ms, spec->median_ms);
			return -1;
		}
		if (spec->p99_ms > LATENCY_MAX_MS) {
			snprintf(err, errlen,
			         "lognormal latency: the 99th "
			         "percentile, %u ms, is above %u ms",
			         spec->p99_ms, LATENCY_MAX_MS);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown latency model %d", (int)spec->model);
	return -1;
}

/* Milliseconds at *text, moving past them: as number_scan() answers. */
static int parse_ms(const char **text, unsigned *out)
{
	uint64_t v;
	int rc = number_scan(text, UINT_MAX, &v);

	*out = (unsigned)v;
	return rc;
}

/* "A:B" at text, to its end: 0, -1 or -2 as parse_ms() says. */
static int parse_pair(const char *text, unsigned *a, unsigned *b)
{
	int rc = parse_ms(&text, a), rc2;

	if (rc == -1 || *text++ != ':')
		return -1;
	rc2 = parse_ms(&text, b);
	if (rc2 == -1 || *text != '\0')
		return -1;
	return rc < 0 ? rc : rc2;
}

int latency_parse(const char *text, struct latency_spec *spec, char *err,
                  size_t errlen)
{
	static const char uniform[] = "uniform:", lognormal[] = "lognormal:";
	struct latency_spec s;
	const char *p = text;
	int rc;

	memset(&s, 0, sizeof(s));
	if (strncmp(text, uniform, sizeof(uniform) - 1) == 0) {
		s.model = LATENCY_UNIFORM;
		rc = parse_pair(text + sizeof(uniform) - 1, &s.min_ms,
		                &s.max_ms);
		if (rc == -1) {
			snprintf(err, errlen,
			         "'%s' is not uniform:MIN:MAX "
			         "(milliseconds)",
			         text);
			return -1;
		}
	} else if (strncmp(text, lognormal, sizeof(lognormal) - 1) == 0) {
		s.model = LATENCY_LOGNORMAL;
		rc = parse_pair(text + sizeof(lognormal) - 1, &s.median_ms,
		                &s.p99_ms);
		if (rc == -1) {
			snprintf(err, errlen,
			         "'%s' is not lognormal:MEDIAN:P99 "
			         "(milliseconds)",
			         text);
			return -1;
		}
	} else {
		rc = parse_ms(&p, &s.ms);
		if (rc == -1 || *p != '\0') {
			snprintf(err, errlen,
			         "'%s' is not a latency: MS, "
			         "uniform:MIN:MAX or lognormal:MEDIAN:P99 "
			         "(milliseconds)",
			         text);
			return -1;
		}
	}
	if (rc == -2) {
		snprintf(err, errlen,
		         "'%s': a latency above the maximum, "
		         "%u ms",
		         text, LATENCY_MAX_MS);
		return -1;
	}
	if (latency_check(&s, err, errlen) < 0)
		return -1;
	*spec = s;
	return 0;
}

int latency_format(const struct latency_spec *spec, char *buf, size_t len)
{
	switch (spec->model) {
	case LATENCY_FIXED:
		return snprintf(buf, len, "%u", spec->ms);
	case LATENCY_UNIFORM:
		return snprintf(buf, len, "%s:%u:%u", model_names[spec->model],
		                spec->min_ms, spec->max_ms);
	case LATENCY_LOGNORMAL:
		return snprintf(buf, len, "%s:%u:%u", model_names[spec->model],
		                spec->median_ms, spec->p99_ms);
	}
	return snprintf(buf, len, "?");
}

/* A uniform double in (0, 1] from the top 53 bits: never 0, for log(). */
static double unit_interval(uint64_t r)
{
	return (double)((r >> 11) + 1) * (1.0 / 9007199254740992.0);
}

uint64_t latency_draw_us(const struct latency_spec *spec, uint64_t seed,
                         uint64_t n)
{
	/* Distinct for every n under one seed: both steps are bijections. */
	uint64_t base = mix64(mix64(seed) ^ n);
	uint64_t r1 = mix64(base + MIX_GOLDEN);
	uint64_t r2 = mix64(base + 2 * MIX_GOLDEN);
	const double max_us = (double)LATENCY_MAX_MS * 1000.0;
	double sigma, z, us;

	switch (spec->model) {
	case LATENCY_FIXED:
		return (uint64_t)spec->ms * 1000;
	case LATENCY_UNIFORM: {
		uint64_t span =
		    ((uint64_t)spec->max_ms - spec->min_ms) * 1000 + 1;

		/* The modulo's bias is below span / 2^64: none to measure. */
		return (uint64_t)spec->min_ms * 1000 + r1 % span;
	}
	case LATENCY_LOGNORMAL:
		if (spec->median_ms == 0)
			return 0;
		sigma = log((double)spec->p99_ms / spec->median_ms) / Z99;
		/* Box-Muller: two uniforms give one standard normal. */
		z = sqrt(-2.0 * log(unit_interval(r1))) *
		    cos(TWO_PI * unit_interval(r2));
		us = (double)spec->median_ms * 1000.0 * exp(sigma * z);
		/* Written so that NaN clamps as well. */
		if (!(us < max_us))
			return (uint64_t)max_us;
		return (uint64_t)(us + 0.5);
	}
	return 0;
}

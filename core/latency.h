/* SPDX-License-Identifier: MIT */
/*
 * latency: the embedded server's latency models (fixed, uniform, lognormal),
 * drawn per request from a seed and the request's number, so that the same
 * requests get the same delays in every run.
 */
#ifndef CB_LATENCY_H
#define CB_LATENCY_H

#include <stddef.h>
#include <stdint.h>

/* The longest delay any model may produce or be configured with. */
#define LATENCY_MAX_MS 3600000u

enum latency_model {
	LATENCY_FIXED = 0, /* ms */
	LATENCY_UNIFORM,   /* min_ms..max_ms, inclusive */
	LATENCY_LOGNORMAL  /* median_ms, p99_ms (p99 >= median) */
};

/* All zero: fixed, 0 ms. */
struct latency_spec {
	enum latency_model model;
	unsigned ms;
	unsigned min_ms, max_ms;
	unsigned median_ms, p99_ms;
};

/* 0 if spec is in range, else -1 with the problem in err. */
int latency_check(const struct latency_spec *spec, char *err, size_t errlen);

/*
 * Parse the command-line form: "MS", "uniform:MIN:MAX" or
 * "lognormal:MEDIAN:P99" (milliseconds). 0, or -1 with err.
 */
int latency_parse(const char *text, struct latency_spec *spec, char *err,
                  size_t errlen);

/* The command-line form of spec, e.g. "uniform:10:90"; like snprintf. */
int latency_format(const struct latency_spec *spec, char *buf, size_t len);

/* The delay in microseconds for request number n under seed. */
uint64_t latency_draw_us(const struct latency_spec *spec, uint64_t seed,
                         uint64_t n);

#endif

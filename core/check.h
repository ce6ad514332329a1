/* SPDX-License-Identifier: MIT */
/*
 * check: what makes a response a success (the scenario's check): its
 * status, a string its body holds, a regex whose matches are counted, and
 * for discovered endpoints a body "x of N" whose every x comes once.
 */
#ifndef CB_CHECK_H
#define CB_CHECK_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

struct check_spec;
struct job_table;

struct checker {
	const struct check_spec *spec;
	regex_t match;
	int has_match;
};

/* Compile what spec needs. 0, or -1 with err. */
int check_init(struct checker *c, const struct check_spec *spec, char *err,
               size_t errlen);
void check_free(struct checker *c);

/* Whether a response status is a success: one of spec's, or any 2xx. */
int check_status(const struct check_spec *spec, long status);

/* Whether responses of targets keep their bodies for check_body(). */
int check_reads_body(const struct check_spec *spec, int found);

/* A target's response body. */
struct check_body {
	const char *url;
	const char *text; /* NUL-terminated, or NULL if empty */
	size_t len;
	uint64_t bytes; /* received, with what was not kept */
	int cut;        /* too large to keep whole */
	int found;      /* a discovered endpoint: x of N applies */
};

/*
 * Check a target's body; matches are counted and "x of N" noted in jobs.
 * 0, or -1 with why it failed.
 */
int check_body(const struct checker *c, struct job_table *jobs,
               const struct check_body *b, char *why, size_t whylen);

#endif

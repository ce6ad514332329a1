/* SPDX-License-Identifier: MIT */
/*
 * check: what makes a response a success (the scenario's check).
 */
#include "config.h"

#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jobs.h"
#include "number.h"
#include "scenario.h"

int check_init(struct checker *c, const struct check_spec *spec, char *err,
               size_t errlen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->spec = spec;
	if (!spec->match)
		return 0;
	rc = regcomp(&c->match, spec->match, REG_EXTENDED);
	if (rc != 0) {
		char msg[200];

		regerror(rc, &c->match, msg, sizeof(msg));
		snprintf(err, errlen, "check.match: %s", msg);
		return -1;
	}
	c->has_match = 1;
	return 0;
}

void check_free(struct checker *c)
{
	if (c->has_match)
		regfree(&c->match);
	c->has_match = 0;
}

int check_status(const struct check_spec *spec, long status)
{
	size_t i;

	if (!spec->status_len)
		return status >= 200 && status <= 299;
	for (i = 0; i < spec->status_len; i++)
		if ((long)spec->status[i] == status)
			return 1;
	return 0;
}

int check_reads_body(const struct check_spec *spec, int found)
{
	return spec->contains || spec->match || (spec->x_of_n && found);
}

/* The regex's matches in the body, each after the one before. */
static uint64_t count_matches(const regex_t *re, const char *text)
{
	regmatch_t m;
	uint64_t n = 0;
	int flags = 0;

	while (*text && regexec(re, text, 1, &m, flags) == 0) {
		n++;
		text += m.rm_eo > m.rm_so ? m.rm_eo : m.rm_so + 1;
		flags = REG_NOTBOL;
	}
	return n;
}

/* "x of N", blanks around it allowed. */
static int parse_x_of_n(const char *body, uint64_t *x, uint64_t *n)
{
	const char *p = body;

	if (!p)
		return -1;
	p += strspn(p, " \t\r\n");
	if (number_scan(&p, UINT64_MAX, x) < 0 || strncmp(p, " of ", 4) != 0)
		return -1;
	p += 4;
	if (number_scan(&p, UINT64_MAX, n) < 0)
		return -1;
	return p[strspn(p, " \t\r\n")] == '\0' ? 0 : -1;
}

int check_body(const struct checker *c, struct job_table *jobs,
               const struct check_body *b, char *why, size_t whylen)
{
	const struct check_spec *spec = c->spec;
	const char *body = b->text ? b->text : "";
	char reason[JOBS_ERROR_MAX];
	uint64_t x, n;

	if (b->cut) {
		snprintf(why, whylen,
		         "%s: a body of %" PRIu64
		         " bytes is too large to check",
		         b->url, b->bytes);
		return -1;
	}
	if (b->len != strlen(body) && (spec->contains || spec->match)) {
		snprintf(why, whylen, "%s: the body holds a NUL byte", b->url);
		return -1;
	}
	if (spec->contains && !strstr(body, spec->contains)) {
		snprintf(why, whylen, "%s: the body does not contain \"%s\"",
		         b->url, spec->contains);
		return -1;
	}
	if (c->has_match) {
		uint64_t found = count_matches(&c->match, body);

		if (found == 0) {
			snprintf(why, whylen,
			         "%s: no match for /%s/ in the body", b->url,
			         spec->match);
			return -1;
		}
		jobs_add_matches(jobs, found);
	}
	if (spec->x_of_n && b->found) {
		if (parse_x_of_n(b->text, &x, &n) < 0) {
			snprintf(why, whylen, "%s: the body is not \"x of N\"",
			         b->url);
			return -1;
		}
		if (jobs_note_x_of_n(jobs, x, n, reason, sizeof(reason)) < 0) {
			snprintf(why, whylen, "%s: %s", b->url, reason);
			return -1;
		}
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * number_test: the one decimal-number reader (core/number.c): integers as
 * scenarios and the command line write them, the server's parameters, the
 * digits a body starts with, fractions; and the writer of {i}.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "schema.h"
#include "../tap.h"

static void test_parse_int(void)
{
	static const struct {
		const char *text;
		int rc;
		int64_t value;
	} cases[] = {
	    {"0", 0, 0},
	    {"42", 0, 42},
	    {"-7", 0, -7},
	    {"+7", 0, 7},
	    {"1_000_000", 0, 1000000},
	    {"9223372036854775807", 0, INT64_MAX},
	    {"9223372036854775808", -1, 0},
	    {"99999999999999999999999", -1, 0},
	    {"", -1, 0},
	    {"-", -1, 0},
	    {"_1", -1, 0},
	    {"1_", -1, 0},
	    {"1__0", -1, 0},
	    {"12a", -1, 0},
	    {" 1", -1, 0},
	    {"0x10", -1, 0},
	    {"1.5", -1, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 12345;
		int rc = number_parse_int(cases[i].text, SCHEMA_INT_SYNTAX, &v);
		is_int(rc, cases[i].rc, "parse_int(\"%s\") returns %d",
		       cases[i].text, cases[i].rc);
		is_int(v, cases[i].rc ? 12345 : cases[i].value,
		       "parse_int(\"%s\") value", cases[i].text);
	}
}

static void test_variants(void)
{
	int64_t v = 0;
	uint64_t u = 0;
	const char *p;

	is_int(number_parse_int("-9223372036854775808", NUMBER_MINUS, &v), 0,
	       "INT64_MIN fits");
	ok(v == INT64_MIN, "and is INT64_MIN");
	is_int(number_parse_int("+1", NUMBER_MINUS, &v), -1,
	       "'+' only with NUMBER_PLUS");
	is_int(number_parse_int("-1", NUMBER_PLUS, &v), -1,
	       "'-' only with NUMBER_MINUS");
	is_int(number_parse_int("1_0", NUMBER_MINUS, &v), -1,
	       "'_' only with NUMBER_UNDERSCORE");
	is_int(number_parse_u64("18446744073709551615", 0, &u), 0,
	       "UINT64_MAX fits a u64");
	ok(u == UINT64_MAX, "and is UINT64_MAX");
	is_int(number_parse_u64("18446744073709551616", 0, &u), -1,
	       "2^64 does not");
	is_int(number_parse_u64("18_446_744_073_709_551_615", NUMBER_UNDERSCORE,
	                        &u),
	       0, "UINT64_MAX with underscores");
	is_int(number_parse_u64("-0", NUMBER_PLUS, &u), -1, "no sign in a u64");

	p = "42 of 50";
	is_int(number_scan(&p, UINT64_MAX, &u), 0, "scan: digits");
	is_int((long long)u, 42, "scan: value");
	is_str(p, " of 50", "scan: stops after the digits");
	p = "x1";
	is_int(number_scan(&p, UINT64_MAX, &u), -1, "scan: no digit");
	is_str(p, "x1", "scan: nothing taken");
	p = "4294967296:1";
	is_int(number_scan(&p, UINT32_MAX, &u), -2, "scan: above max");
	is_str(p, ":1", "scan: every digit taken even so");
	ok(u == UINT32_MAX, "scan: value clamped to max");
}

static void test_fraction(void)
{
	static const struct {
		const char *text;
		int rc;
		double value;
	} cases[] = {
	    {"0", 0, 0},     {"1", 0, 1},       {"0.25", 0, 0.25},
	    {".5", 0, 0.5},  {"1e-3", 0, 1e-3}, {"1.5", -1, 0},
	    {"-0.1", -1, 0}, {"", -1, 0},       {" 0.5", -1, 0},
	    {"0.5x", -1, 0}, {"nan", -1, 0},    {"inf", -1, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double v = 7;
		int rc = number_parse_fraction(cases[i].text, &v);
		is_int(rc, cases[i].rc, "fraction(\"%s\") returns %d",
		       cases[i].text, cases[i].rc);
		ok(v == (cases[i].rc ? 7 : cases[i].value),
		   "fraction(\"%s\") value", cases[i].text);
	}
}

/* Against snprintf over every magnitude, and read back by the reader. */
static void test_format(void)
{
	static const uint64_t cases[] = {0,
	                                 1,
	                                 9,
	                                 10,
	                                 99,
	                                 100,
	                                 4096,
	                                 99999,
	                                 1000000,
	                                 4294967295u,
	                                 4294967296u,
	                                 UINT64_MAX / 10,
	                                 UINT64_MAX - 1,
	                                 UINT64_MAX};
	char out[NUMBER_U64_DIGITS], want[32];
	uint64_t v, back;
	size_t i, n;
	int agree = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "%" PRIu64, cases[i]);
		n = number_format_u64(cases[i], out);
		is_str(out, want, "format %s", want);
		is_int((long long)n, (long long)strlen(want),
		       "format %s: its length", want);
		ok(number_parse_u64(out, 0, &back) == 0 && back == cases[i],
		   "format %s: read back", want);
	}
	/* every power of ten and its neighbours */
	for (v = 1; v <= UINT64_MAX / 10; v *= 10) {
		uint64_t near[3] = {v - 1, v, v + 1};
		for (i = 0; i < 3; i++) {
			snprintf(want, sizeof(want), "%" PRIu64, near[i]);
			number_format_u64(near[i], out);
			if (strcmp(out, want) != 0)
				agree = 0;
		}
	}
	ok(agree, "format agrees with snprintf around every power of ten");
}

int main(void)
{
	test_parse_int();
	test_variants();
	test_fraction();
	test_format();
	return done_testing();
}

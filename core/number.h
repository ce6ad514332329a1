/* SPDX-License-Identifier: MIT */
/*
 * number: the one reader of decimal numbers, for every number concbench
 * takes from text: scenario values, command-line arguments, the test
 * server's query and form parameters, response bodies. Digits in ASCII
 * only, no locale, no blanks, and never a silent overflow. And the writer
 * of the numbers a request carries ({i} in a URL), which runs once per
 * request and so is not snprintf.
 */
#ifndef CB_NUMBER_H
#define CB_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* What an integer may be written with, besides digits. */
#define NUMBER_MINUS 1u      /* a leading '-' */
#define NUMBER_PLUS 2u       /* a leading '+' */
#define NUMBER_UNDERSCORE 4u /* '_' between two digits: 1_000_000 */

/*
 * The digits at *p, moving *p past all of them: 0 with their value in
 * *out; -1 if *p is not a digit; -2 if the value is above max (*out is
 * then max).
 */
int number_scan(const char **p, uint64_t max, uint64_t *out);

/* The whole of text as an int64_t: 0, or -1 (*out untouched). */
int number_parse_int(const char *text, unsigned flags, int64_t *out);

/* The whole of text as a uint64_t, 0 to 2^64-1: 0, or -1. */
int number_parse_u64(const char *text, unsigned flags, uint64_t *out);

/* A decimal number from 0 to 1: "0.25", ".5", "1", "1e-3". 0, or -1. */
int number_parse_fraction(const char *text, double *out);

/* Room for any uint64_t in decimal, and its NUL. */
#define NUMBER_U64_DIGITS 21

/* v in decimal into out, NUL-terminated; returns the digits written. */
size_t number_format_u64(uint64_t v, char out[NUMBER_U64_DIGITS]);

#endif

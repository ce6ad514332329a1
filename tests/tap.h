/* SPDX-License-Identifier: MIT */
/*
 * tap.h: the few TAP-style assertions the unit tests need. Every check
 * prints one "ok N - what" or "not ok N - what" line; done_testing()
 * prints the plan "1..N" and gives the exit status (nonzero if any failed).
 * While tap_todo is set, checks are marked "# TODO <tap_todo>": a known bug,
 * whose failure does not fail the suite (and whose pass shows as XPASS).
 */
#ifndef CB_TAP_H
#define CB_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TAP_PRINTF(f, a)
#endif

static int tap_run, tap_failed;
static const char *tap_todo;

static inline int tap_vok(int pass, const char *file, int line, const char *fmt,
                          va_list ap) TAP_PRINTF(4, 0);
static inline int tap_ok(int pass, const char *file, int line, const char *fmt,
                         ...) TAP_PRINTF(4, 5);
static inline int tap_is_int(long long got, long long want, const char *file,
                             int line, const char *fmt, ...) TAP_PRINTF(5, 6);
static inline int tap_is_str(const char *got, const char *want,
                             const char *file, int line, const char *fmt, ...)
    TAP_PRINTF(5, 6);

static inline int tap_vok(int pass, const char *file, int line, const char *fmt,
                          va_list ap)
{
	printf("%sok %d - ", pass ? "" : "not ", ++tap_run);
	vprintf(fmt, ap);
	if (tap_todo)
		printf(" # TODO %s", tap_todo);
	putchar('\n');
	if (!pass) {
		tap_failed += !tap_todo;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

static inline int tap_ok(int pass, const char *file, int line, const char *fmt,
                         ...)
{
	va_list ap;

	va_start(ap, fmt);
	pass = tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

static inline int tap_is_int(long long got, long long want, const char *file,
                             int line, const char *fmt, ...)
{
	va_list ap;
	int pass;

	va_start(ap, fmt);
	pass = tap_vok(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got: %lld\n#  want: %lld\n", got, want);
	return pass;
}

static inline int tap_is_str(const char *got, const char *want,
                             const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int pass = got && want ? strcmp(got, want) == 0 : got == want;

	va_start(ap, fmt);
	pass = tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got: \"%s\"\n#  want: \"%s\"\n",
		       got ? got : "(null)", want ? want : "(null)");
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)                                                 \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__,    \
	           __VA_ARGS__)
#define is_str(got, want, ...)                                                 \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define diag(...) (printf("# "), printf(__VA_ARGS__), putchar('\n'))

static inline int done_testing(void)
{
	printf("1..%d\n", tap_run);
	if (tap_failed)
		printf("# %d of %d tests failed\n", tap_failed, tap_run);
	return tap_failed ? 1 : 0;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * diag: diagnostics on stderr, prefixed with the program name, and text
 * from input made safe to print.
 */
#ifndef CB_DIAG_H
#define CB_DIAG_H

#include <stdio.h>

#if defined(__GNUC__)
#define CB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CB_PRINTF(f, a)
#endif

/*
 * The room of every error message a core function hands back to its
 * caller: functions that can fail return 0 or -1 (or a status) and write
 * what went wrong into a buffer of the caller's, and only the caller that
 * gives up prints it.
 */
#define DIAG_ERR_MAX 1024

/* s on out, its control characters (a scenario's text may hold an
 * escape sequence) written as \xHH so they cannot act on a terminal. */
void diag_put(FILE *out, const char *s);
/* The same into buf, like snprintf: the length of the whole; what does
 * not fit is left out, never half of an escape. */
size_t diag_escape(char *buf, size_t len, const char *s);
/* Drop the incomplete UTF-8 sequence a cut left at the end of s, if any:
 * what is cut to fit a buffer stays valid text. */
void diag_cut_utf8(char *s);
/* msg and a newline on stderr, so escaped. */
void diag_line(const char *msg);

/* "concbench: <message>\n" on stderr, escaped as diag_put() does. */
void diag_error(const char *fmt, ...) CB_PRINTF(1, 2);
/* "concbench: warning: <message>\n" on stderr, unless diag_quiet is set. */
void diag_warn(const char *fmt, ...) CB_PRINTF(1, 2);

extern int diag_quiet;   /* -q: no warnings, no progress */
extern int diag_verbose; /* -v: plugin info (1) and debug (2) lines */

#endif

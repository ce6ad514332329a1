/* SPDX-License-Identifier: MIT */
/*
 * diag: diagnostics on stderr, prefixed with the program name.
 */
#ifndef CB_DIAG_H
#define CB_DIAG_H

#if defined(__GNUC__)
#define CB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CB_PRINTF(f, a)
#endif

/* "concbench: <message>\n" on stderr. */
void diag_error(const char *fmt, ...) CB_PRINTF(1, 2);
/* "concbench: warning: <message>\n" on stderr, unless diag_quiet is set. */
void diag_warn(const char *fmt, ...) CB_PRINTF(1, 2);

extern int diag_quiet;   /* -q: no warnings, no progress */
extern int diag_verbose; /* -v: plugin info (1) and debug (2) lines */

#endif

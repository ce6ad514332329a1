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

/*
 * The room of every error message a core function hands back to its
 * caller: functions that can fail return 0 or -1 (or a status) and write
 * what went wrong into a buffer of the caller's, and only the caller that
 * gives up prints it.
 */
#define DIAG_ERR_MAX 1024

/* "concbench: <message>\n" on stderr. */
void diag_error(const char *fmt, ...) CB_PRINTF(1, 2);
/* "concbench: warning: <message>\n" on stderr, unless diag_quiet is set. */
void diag_warn(const char *fmt, ...) CB_PRINTF(1, 2);

extern int diag_quiet;   /* -q: no warnings, no progress */
extern int diag_verbose; /* -v: plugin info (1) and debug (2) lines */

#endif

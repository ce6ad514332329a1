/* SPDX-License-Identifier: MIT */
/*
 * diag: diagnostics on stderr, prefixed with the program name, and text
 * from input made safe to print.
 */
#include "config.h"

#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int diag_quiet;
int diag_verbose;

/* How the character at s is shown, into shown (NUL-terminated); the
 * number of bytes of s it takes. */
static size_t escape_one(const char *s, char shown[9])
{
	unsigned char c = (unsigned char)s[0], next = (unsigned char)s[1];

	if ((c < 0x20 && c != '\t') || c == 0x7f) {
		snprintf(shown, 9, "\\x%02x", c);
		return 1;
	}
	if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
		/* U+0080 to U+009F: C1 controls, CSI among them */
		snprintf(shown, 9, "\\x%02x\\x%02x", c, next);
		return 2;
	}
	shown[0] = (char)c;
	shown[1] = '\0';
	return 1;
}

void diag_put(FILE *out, const char *s)
{
	char shown[9];

	while (s && *s) {
		s += escape_one(s, shown);
		fputs(shown, out);
	}
}

size_t diag_escape(char *buf, size_t len, const char *s)
{
	size_t used = 0, n;
	char shown[9];

	while (s && *s) {
		s += escape_one(s, shown);
		n = strlen(shown);
		if (used + n < len)
			memcpy(buf + used, shown, n);
		else if (used < len)
			len =
			    used + 1; /* what does not fit is left out whole */
		used += n;
	}
	if (len) {
		buf[used < len ? used : len - 1] = '\0';
		if (used >= len)
			diag_cut_utf8(buf);
	}
	return used;
}

void diag_cut_utf8(char *s)
{
	size_t n = strlen(s), lead = n, need;

	while (lead > 0 && n - lead < 4 &&
	       ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0 || (unsigned char)s[lead - 1] < 0xc0)
		return; /* ends in ASCII or in stray continuation bytes */
	need = (unsigned char)s[lead - 1] >= 0xf0   ? 4
	       : (unsigned char)s[lead - 1] >= 0xe0 ? 3
	                                            : 2;
	if (n - (lead - 1) < need)
		s[lead - 1] = '\0';
}

void diag_line(const char *msg)
{
	diag_put(stderr, msg);
	fputc('\n', stderr);
}

static void diag_vprint(const char *kind, const char *fmt, va_list ap)
    CB_PRINTF(2, 0);

static void diag_vprint(const char *kind, const char *fmt, va_list ap)
{
	char msg[4 * DIAG_ERR_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "concbench: %s", kind);
	diag_line(msg);
}

void diag_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vprint("", fmt, ap);
	va_end(ap);
}

void diag_warn(const char *fmt, ...)
{
	va_list ap;
	if (diag_quiet)
		return;
	va_start(ap, fmt);
	diag_vprint("warning: ", fmt, ap);
	va_end(ap);
}

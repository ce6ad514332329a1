/* SPDX-License-Identifier: MIT */
/*
 * diag: diagnostics on stderr, prefixed with the program name.
 */
#include "config.h"

#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

int diag_quiet;
int diag_verbose;

static void diag_vprint(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "concbench: %s", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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

/* SPDX-License-Identifier: MIT */
/*
 * diag_test: text from input made safe to print (core/diag.c): control
 * characters and C1 controls escaped by diag_put(), everything else as it
 * is; an incomplete UTF-8 sequence at the end of a cut string dropped by
 * diag_cut_utf8(), and nothing else.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "../tap.h"

/* What diag_put() writes of s. */
static const char *put(const char *s)
{
	static char buf[256];
	FILE *f;

	buf[0] = '\0';
	f = fmemopen(buf, sizeof(buf), "w");

	diag_put(f, s);
	fclose(f);
	return buf;
}

static void test_put(void)
{
	is_str(put("bing: eventloop"), "bing: eventloop", "plain text as is");
	is_str(put("tab\there"), "tab\there", "a tab as is");
	is_str(put("\033[2Jcleared"), "\\x1b[2Jcleared",
	       "ESC as \\x1b: the sequence cannot act");
	is_str(put("a\rb\nc\bd\x7f"), "a\\x0db\\x0ac\\x08d\\x7f",
	       "CR, LF, BS and DEL escaped");
	is_str(put("\xc2\x9b"
	           "2J"),
	       "\\xc2\\x9b2J", "U+009B, the one-byte CSI, escaped");
	is_str(put("caf\xc3\xa9 \xe2\x82\xac \xc2\xa0"),
	       "caf\xc3\xa9 \xe2\x82\xac \xc2\xa0",
	       "UTF-8 letters, signs and U+00A0 as they are");
	is_str(put(NULL), "", "NULL writes nothing");
}

static void test_escape(void)
{
	char buf[8];

	is_int(diag_escape(buf, sizeof(buf), "ab"), 2, "the length of \"ab\"");
	is_str(buf, "ab", "as it is");
	is_int(diag_escape(buf, sizeof(buf), "a\033b"), 6,
	       "the length with the escape");
	is_str(buf, "a\\x1bb", "escaped");
	is_int(diag_escape(buf, sizeof(buf), "abcd\033"), 8,
	       "the length of the whole when it does not fit");
	is_str(buf, "abcd", "an escape that does not fit is left out whole");
	is_int(diag_escape(buf, sizeof(buf), "abcdef\xc3\xa9"), 8,
	       "a letter that does not fit");
	is_str(buf, "abcdef", "is left out whole too");
	is_int(diag_escape(buf, 0, "abc"), 3, "no room: only the length");
}

/* s cut by diag_cut_utf8(). */
static const char *cut(const char *s)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s", s);
	diag_cut_utf8(buf);
	return buf;
}

static void test_cut(void)
{
	is_str(cut("abc"), "abc", "ASCII: nothing to cut");
	is_str(cut(""), "", "empty: nothing to cut");
	is_str(cut("ab\xc3\xa9"), "ab\xc3\xa9", "a whole 2-byte char kept");
	is_str(cut("ab\xc3"), "ab", "half of a 2-byte char dropped");
	is_str(cut("a\xe2\x82\xac"), "a\xe2\x82\xac",
	       "a whole 3-byte char kept");
	is_str(cut("a\xe2\x82"), "a", "2 of 3 bytes dropped");
	is_str(cut("a\xe2"), "a", "1 of 3 bytes dropped");
	is_str(cut("a\xf0\x9f\x98\x80"), "a\xf0\x9f\x98\x80",
	       "a whole 4-byte char kept");
	is_str(cut("a\xf0\x9f\x98"), "a", "3 of 4 bytes dropped");
	is_str(cut("a\x80\x80"), "a\x80\x80",
	       "stray continuation bytes are not a cut: left");
}

int main(void)
{
	test_put();
	test_escape();
	test_cut();
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/*
 * loader_test: finding, loading and checking plugins (core/loader.c) with
 * the test plugins built as real shared objects in tests/plugins/.libs:
 * the exact reason loader_open() gives for each broken one, the search
 * path (--plugin-dir, CONCBENCH_PLUGIN_PATH), loader_find() by name and by
 * path, and loader_list() (broken files warned about and skipped, the
 * first directory winning a name, sorted by name). The directories searched
 * are made under /tmp from links to the built plugins.
 */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "loader.h"
#include "../tap.h"
#include "../testenv.h"

#define PLUGDIR TEST_PLUGIN_DIR

static char notso[PATH_MAX]; /* tests/plugins/notso.so in srcdir */
static char root[] = "/tmp/cbloaderXXXXXX";
static char dir_a[64], dir_b[64], dir_c[64];

static const char *built(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s.so", PLUGDIR, name);
	return path;
}

/* "FILE: why" as loader_open() words it. */
static const char *refusal(const char *file, const char *why)
{
	static char msg[2 * PATH_MAX];

	snprintf(msg, sizeof(msg), "%s: %s", file, why);
	return msg;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_open_good(void)
{
	static const struct {
		const char *name;
		enum concbench_option_type type;
	} opts[] = {
	    {"workers", CONCBENCH_OPT_INT}, {"offset", CONCBENCH_OPT_INT},
	    {"any", CONCBENCH_OPT_INT},     {"keepalive", CONCBENCH_OPT_BOOL},
	    {"trace", CONCBENCH_OPT_BOOL},  {"tag", CONCBENCH_OPT_STRING},
	    {"note", CONCBENCH_OPT_STRING},
	};
	const struct concbench_plugin *d;
	struct plugin p;
	char err[1024] = "";
	size_t i;

	if (!is_int(loader_open(built("good"), &p, err, sizeof(err)), 0,
	            "good.so loads")) {
		diag("%s", err);
		return;
	}
	d = p.desc;
	is_str(p.path, built("good"), "its path is kept");
	ok(p.dl != NULL, "it has a dlopen handle");
	is_int(d->magic, CONCBENCH_PLUGIN_MAGIC, "magic");
	is_int(d->abi_major, 1, "ABI major 1");
	is_int(d->abi_minor, CONCBENCH_ABI_MINOR, "ABI minor");
	is_int(d->size, sizeof(struct concbench_plugin), "size");
	is_str(d->name, "good", "name");
	is_str(d->summary,
	       "test plugin: serial fetches, one option of each type",
	       "summary");
	ok(d->init && d->run && d->fini, "init, run and fini");
	for (i = 0; d->options && d->options[i].name; i++)
		if (i < 7) {
			is_str(d->options[i].name, opts[i].name, "option %zu",
			       i);
			is_int(d->options[i].type, opts[i].type,
			       "option %zu type", i);
		}
	is_int(i, 7, "seven options");
	ok(d->options && d->options[0].min == 1 && d->options[0].max == 64,
	   "workers in 1..64");

	loader_close(&p);
	ok(p.dl == NULL && p.path == NULL && p.desc == NULL,
	   "loader_close clears");

	if (!is_int(loader_open(built("crash"), &p, err, sizeof(err)), 0,
	            "crash.so loads (it only crashes when run)")) {
		diag("%s", err);
		return;
	}
	loader_close(&p);
}

static void refused(const char *file, const char *want)
{
	char err[1024] = "";
	struct plugin p;

	memset(&p, 0xff, sizeof(p));
	is_int(loader_open(file, &p, err, sizeof(err)), -1, "%s refused",
	       strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
	is_str(err, want, "with the reason");
	ok(!p.dl && !p.path && !p.desc, "and the plugin left cleared");
}

static void test_open_bad(void)
{
	char msg[512], err[1024] = "";
	struct plugin p;
	const char *name;

	refused(built("bad_magic"),
	        refusal(built("bad_magic"),
	                "bad magic 0x12345678 (wanted 0x4342504c): not a "
	                "concbench plugin descriptor"));
	refused(built("bad_abi"),
	        refusal(built("bad_abi"),
	                "built for plugin ABI 2, this concbench speaks ABI "
	                "1: rebuild the plugin against this concbench's "
	                "plugin.h"));
	snprintf(msg, sizeof(msg),
	         "descriptor size 16 is smaller than ABI 1 needs (%zu)",
	         offsetof(struct concbench_plugin, fini) +
	             sizeof(void (*)(void)));
	refused(built("small_size"), refusal(built("small_size"), msg));
	refused(built("no_entry"),
	        refusal(built("no_entry"), "no symbol concbench_plugin_entry: "
	                                   "not a concbench plugin"));
	refused(built("no_run"),
	        refusal(built("no_run"), "descriptor has no run callback, "
	                                 "which is mandatory"));
	refused(
	    built("bad_name"),
	    refusal(built("bad_name"), "name \"Bad Name\" is not [a-z0-9_-]+"));
	refused("good.so", "good.so: give a path with a '/' (./good.so)");

	/* dlerror() words the rest; it names the file too. */
	is_int(loader_open(notso, &p, err, sizeof(err)), -1,
	       "notso.so (a text file) refused");
	ok(starts_with(err, refusal(notso, "cannot load: ")),
	   "as \"FILE: cannot load: ...\"");
	ok(strstr(err + strlen(notso) + 1, notso) != NULL,
	   "with dlerror's text, which names the file");
	diag("%s", err);

	name = "/nonexistent/dir/x.so";
	is_int(loader_open(name, &p, err, sizeof(err)), -1,
	       "a missing file refused");
	ok(starts_with(err, refusal(name, "cannot load: ")) &&
	       strstr(err, "No such file or directory"),
	   "as \"FILE: cannot load: ... No such file or directory\"");

	is_int(loader_open(built("bad_magic"), &p, err, 20), -1,
	       "refused with a 20-byte error buffer");
	is_int(strlen(err), 19, "the message is cut, not overrun");

	/* The other test plugins are well formed. */
	is_int(loader_open(built("fail"), &p, err, sizeof(err)), 0, "fail.so");
	is_str(p.desc ? p.desc->name : NULL, "fail", "fail.so is 'fail'");
	loader_close(&p);
	is_int(loader_open(built("lose"), &p, err, sizeof(err)), 0, "lose.so");
	loader_close(&p);
	is_int(loader_open(built("twice"), &p, err, sizeof(err)), 0,
	       "twice.so");
	loader_close(&p);
}

static void test_path(void)
{
	char *cli[] = {"/a", "/b", "/a"};
	struct plugin_path pp;

	unsetenv("CONCBENCH_PLUGIN_PATH");
	is_int(loader_path_init(&pp, cli, 3), 0, "loader_path_init");
	is_int(pp.len, 3, "--plugin-dir twice the same: once");
	if (pp.len == 3) {
		is_str(pp.dirs[0], "/a", "dirs[0]: first --plugin-dir");
		is_str(pp.dirs[1], "/b", "dirs[1]: second --plugin-dir");
		is_str(pp.dirs[2], TEST_PKGLIBDIR, "dirs[2]: pkglibdir last");
	}
	loader_path_free(&pp);
	ok(pp.dirs == NULL && pp.len == 0, "loader_path_free clears");

	setenv("CONCBENCH_PLUGIN_PATH", "/e1::/e2:/a:", 1);
	is_int(loader_path_init(&pp, cli, 2), 0, "with CONCBENCH_PLUGIN_PATH");
	is_int(pp.len, 5, "empty and repeated entries skipped");
	if (pp.len == 5) {
		is_str(pp.dirs[0], "/a", "--plugin-dir first");
		is_str(pp.dirs[1], "/b", "--plugin-dir second");
		is_str(pp.dirs[2], "/e1", "then the variable's first dir");
		is_str(pp.dirs[3], "/e2", "and its second");
		is_str(pp.dirs[4], TEST_PKGLIBDIR, "pkglibdir last");
	}
	loader_path_free(&pp);

	setenv("CONCBENCH_PLUGIN_PATH", "", 1);
	is_int(loader_path_init(&pp, NULL, 0), 0, "no dirs at all");
	is_int(pp.len, 1,
	       "only pkglibdir (this test is not the built "
	       "concbench, so no build tree)");
	if (pp.len == 1)
		is_str(pp.dirs[0], TEST_PKGLIBDIR, "pkglibdir");
	loader_path_free(&pp);
	unsetenv("CONCBENCH_PLUGIN_PATH");
}

static int link_to(const char *target, const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return symlink(target, path);
}

static int copy_to(const char *from, const char *dir, const char *name)
{
	char path[PATH_MAX], buf[8192];
	int in, out, rc = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	in = open(from, O_RDONLY);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		rc = -1;
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/*
 * A: good, bad_magic, notso, crash, and things that are not plugins.
 * B: its own copy of good, fail, lose, bad_abi.
 * C: other.so, a link to good.so, which calls itself 'good'.
 */
static int make_dirs(void)
{
	char path[PATH_MAX];
	int rc = 0;

	if (!mkdtemp(root))
		return -1;
	snprintf(dir_a, sizeof(dir_a), "%s/A", root);
	snprintf(dir_b, sizeof(dir_b), "%s/B", root);
	snprintf(dir_c, sizeof(dir_c), "%s/C", root);
	rc |= mkdir(dir_a, 0755) | mkdir(dir_b, 0755) | mkdir(dir_c, 0755);
	rc |= link_to(built("good"), dir_a, "good.so");
	rc |= link_to(built("bad_magic"), dir_a, "bad_magic.so");
	rc |= link_to(notso, dir_a, "notso.so");
	rc |= link_to(built("crash"), dir_a, "crash.so");
	rc |= link_to(built("bad_abi"), dir_a, ".so");
	rc |= link_to(built("bad_abi"), dir_a, "readme.txt");
	rc |= link_to(built("bad_abi"), dir_a, "crash.so.1");
	snprintf(path, sizeof(path), "%s/sub.so", dir_a);
	rc |= mkdir(path, 0755);
	rc |= copy_to(built("good"), dir_b, "good.so");
	rc |= link_to(built("fail"), dir_b, "fail.so");
	rc |= link_to(built("lose"), dir_b, "lose.so");
	rc |= link_to(built("bad_abi"), dir_b, "bad_abi.so");
	rc |= link_to(built("good"), dir_c, "other.so");
	return rc ? -1 : 0;
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void test_find(void)
{
	char *cli[] = {dir_a, dir_b};
	char *cli_c[] = {dir_c};
	char err[4096] = "", want[8192], path[PATH_MAX];
	struct plugin_path pp;
	struct plugin p;

	unsetenv("CONCBENCH_PLUGIN_PATH");
	loader_path_init(&pp, cli, 2);

	is_int(loader_find(&pp, "good", &p, err, sizeof(err)), 0, "find good");
	snprintf(path, sizeof(path), "%s/good.so", dir_a);
	is_str(p.path, path, "in the first directory that has it");
	is_str(p.desc ? p.desc->name : NULL, "good", "named good");
	loader_close(&p);

	is_int(loader_find(&pp, "fail", &p, err, sizeof(err)), 0, "find fail");
	snprintf(path, sizeof(path), "%s/fail.so", dir_b);
	is_str(p.path, path, "in the second directory");
	loader_close(&p);

	is_int(loader_find(&pp, "bad_magic", &p, err, sizeof(err)), -1,
	       "find a broken plugin by name");
	snprintf(path, sizeof(path), "%s/bad_magic.so", dir_a);
	ok(starts_with(err, refusal(path, "bad magic 0x12345678")),
	   "gives the loader's reason for its file");

	is_int(loader_find(&pp, "nosuch", &p, err, sizeof(err)), -1,
	       "find a missing plugin");
	snprintf(want, sizeof(want),
	         "no plugin 'nosuch' (looked for nosuch.so in %s, %s, %s; "
	         "see concbench --list-plugins)",
	         dir_a, dir_b, TEST_PKGLIBDIR);
	is_str(err, want, "lists every directory searched");

	is_int(loader_find(&pp, "Bad!", &p, err, sizeof(err)), -1,
	       "find an invalid name");
	is_str(err,
	       "'Bad!' is not a plugin name ([a-z0-9_-]+) nor a path to "
	       "a .so",
	       "says so");

	is_int(loader_find(&pp, built("twice"), &p, err, sizeof(err)), 0,
	       "find by path, outside the search path");
	is_str(p.desc ? p.desc->name : NULL, "twice", "loads that file");
	loader_close(&p);

	is_int(loader_find(&pp, "nosuch.so", &p, err, sizeof(err)), -1,
	       "a .so name without a '/' is a file");
	ok(starts_with(err, "./nosuch.so: cannot load: "),
	   "in the current directory");
	loader_path_free(&pp);

	loader_path_init(&pp, cli_c, 1);
	is_int(loader_find(&pp, "other", &p, err, sizeof(err)), -1,
	       "a file that declares another name");
	snprintf(path, sizeof(path), "%s/other.so", dir_c);
	is_str(err,
	       refusal(path, "the plugin calls itself 'good'; its file must "
	                     "be named good.so"),
	       "is refused with both names");
	ok(!p.dl && !p.path && !p.desc, "and left cleared");
	loader_path_free(&pp);

	snprintf(path, sizeof(path), "%s:%s", dir_b, dir_a);
	setenv("CONCBENCH_PLUGIN_PATH", path, 1);
	loader_path_init(&pp, NULL, 0);
	is_int(loader_find(&pp, "good", &p, err, sizeof(err)), 0,
	       "find through CONCBENCH_PLUGIN_PATH=B:A");
	snprintf(path, sizeof(path), "%s/good.so", dir_b);
	is_str(p.path, path, "its first directory wins");
	loader_close(&p);
	is_int(loader_find(&pp, "crash", &p, err, sizeof(err)), 0,
	       "and the second is searched too");
	loader_close(&p);
	loader_path_free(&pp);
	unsetenv("CONCBENCH_PLUGIN_PATH");
}

/* Runs loader_list with stderr going to a string. */
static int list_capturing(const struct plugin_path *pp, struct plugin **list,
                          size_t *len, char *text, size_t textlen)
{
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	rc = loader_list(pp, list, len);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(text, 1, textlen - 1, tmp);
	text[n] = '\0';
	fclose(tmp);
	return rc;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_list(void)
{
	char *dirs[] = {dir_a, "/nonexistent/dir", dir_b};
	struct plugin_path pp = {.dirs = dirs, .len = 3};
	static const char *const names[] = {"crash", "fail", "good", "lose"};
	char text[8192], line[8192], path[PATH_MAX];
	struct plugin *list = NULL;
	size_t len = 0, i;

	is_int(list_capturing(&pp, &list, &len, text, sizeof(text)), 0,
	       "loader_list of A, a missing dir, B");
	is_int(len, 4, "four plugins");
	for (i = 0; i < len && i < 4; i++)
		is_str(list[i].desc->name, names[i], "sorted: %zu is %s", i,
		       names[i]);
	snprintf(path, sizeof(path), "%s/good.so", dir_a);
	is_str(len == 4 ? list[2].path : NULL, path,
	       "good comes from A, the first directory");
	snprintf(path, sizeof(path), "%s/lose.so", dir_b);
	is_str(len == 4 ? list[3].path : NULL, path, "lose from B");

	is_int(count_lines(text), 3, "three warnings");
	snprintf(line, sizeof(line),
	         "concbench: warning: skipping %s/bad_magic.so: bad magic "
	         "0x12345678 (wanted 0x4342504c): not a concbench plugin "
	         "descriptor\n",
	         dir_a);
	ok(strstr(text, line) != NULL, "bad_magic.so skipped with its reason");
	snprintf(line, sizeof(line),
	         "concbench: warning: skipping %s/bad_abi.so: built for "
	         "plugin ABI 2,",
	         dir_b);
	ok(strstr(text, line) != NULL, "bad_abi.so skipped with its reason");
	snprintf(
	    line, sizeof(line),
	    "concbench: warning: skipping %s/notso.so: cannot load: ", dir_a);
	ok(strstr(text, line) != NULL, "notso.so skipped with its reason");
	if (count_lines(text) != 3)
		diag("stderr was:\n%s", text);
	loader_list_free(list, len);

	diag_quiet = 1;
	is_int(list_capturing(&pp, &list, &len, text, sizeof(text)), 0,
	       "loader_list, quiet");
	is_int(len, 4, "the same four plugins");
	is_str(text, "", "and no warnings");
	loader_list_free(list, len);
	diag_quiet = 0;

	pp.len = 0;
	list = (struct plugin *)&pp;
	is_int(list_capturing(&pp, &list, &len, text, sizeof(text)), 0,
	       "loader_list of no directories");
	is_int(len, 0, "is empty");
	ok(list == NULL, "and NULL");
}

int main(void)
{
	const char *srcdir = getenv("srcdir");
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/tests/plugins/notso.so",
	         srcdir ? srcdir : ".");
	if (!realpath(rel, notso))
		snprintf(notso, sizeof(notso), "%s", rel);

	test_open_good();
	test_open_bad();
	test_path();
	if (ok(make_dirs() == 0, "plugin directories made under %s", root)) {
		test_find();
		test_list();
	}
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/*
 * outfile_test: the files the report writes (core/outfile.c): nothing is
 * written when opened; each write replaces the whole file by a rename,
 * keeps its permissions and the symbolic link that names it, and leaves no
 * temporary file; "-" and devices are streams; a directory, a missing
 * directory and the scenario file are refused with the reason.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "../tap.h"

static char dir[64];

static const char *in_dir(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static const char *contents(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return f ? buf : "(missing)";
}

/* The entries of dir, other than . and .. */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") != 0 &&
		     strcmp(de->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

static void test_replace(void)
{
	struct outfile f;
	char err[256] = "", target[PATH_MAX];
	struct stat st, st2;
	const char *path = in_dir("results.json");
	mode_t mask = umask(022);

	is_int(outfile_open(&f, "--json", path, NULL, err, sizeof(err)), 0,
	       "a new file in a writable directory");
	ok(outfile_replaces(&f), "is replaced at each write");
	is_int(entries(), 0, "nothing is created when opened");
	is_int(outfile_write(&f, "{\"a\": 1}\n", 9, err, sizeof(err)), 0,
	       "first write");
	is_str(contents(path), "{\"a\": 1}\n", "holds what was written");
	stat(path, &st);
	is_int(st.st_mode & 07777, 0644, "a new file's mode follows the umask");
	is_int(outfile_write(&f, "{}\n", 3, err, sizeof(err)), 0,
	       "second write");
	is_str(contents(path), "{}\n", "holds only the second document");
	stat(path, &st2);
	ok(st.st_ino != st2.st_ino, "a new file took the old one's name");
	is_int(entries(), 1, "no temporary file is left");
	outfile_close(&f);

	chmod(path, 0600);
	is_int(outfile_open(&f, "--json", path, NULL, err, sizeof(err)), 0,
	       "an existing file");
	is_str(contents(path), "{}\n", "keeps its contents until written");
	outfile_write(&f, "x", 1, err, sizeof(err));
	stat(path, &st);
	is_int(st.st_mode & 07777, 0600, "keeps its mode");
	outfile_close(&f);

	snprintf(target, sizeof(target), "%s", path);
	symlink("results.json", in_dir("link.json"));
	is_int(outfile_open(&f, "--json", in_dir("link.json"), NULL, err,
	                    sizeof(err)),
	       0, "a symbolic link");
	outfile_write(&f, "via link", 8, err, sizeof(err));
	lstat(in_dir("link.json"), &st);
	ok(S_ISLNK(st.st_mode), "is still a link");
	is_str(contents(target), "via link", "and its file was replaced");
	outfile_close(&f);
	unlink(in_dir("link.json"));
	unlink(target);
	umask(mask);
}

static void test_refused(void)
{
	struct outfile f;
	char err[512] = "", want[PATH_MAX + 128];

	is_int(outfile_open(&f, "--json", dir, NULL, err, sizeof(err)), -1,
	       "a directory is refused");
	snprintf(want, sizeof(want), "--json %s: %s", dir, strerror(EISDIR));
	is_str(err, want, "with the option, the path and why");

	is_int(outfile_open(&f, "--csv", in_dir("none/r.csv"), NULL, err,
	                    sizeof(err)),
	       -1, "a missing directory is refused");
	snprintf(want, sizeof(want), "--csv %s: %s", in_dir("none/r.csv"),
	         strerror(ENOENT));
	is_str(err, want, "with errno's text");

	fclose(fopen(in_dir("s.yaml"), "w"));
	is_int(outfile_open(&f, "--markdown", in_dir("s.yaml"),
	                    in_dir("s.yaml"), err, sizeof(err)),
	       -1, "the scenario file is refused");
	snprintf(want, sizeof(want),
	         "--markdown %s: that is the scenario file, which it would "
	         "overwrite",
	         in_dir("s.yaml"));
	is_str(err, want, "saying so");
	unlink(in_dir("s.yaml"));

	if (geteuid() != 0) {
		fclose(fopen(in_dir("ro.json"), "w"));
		chmod(in_dir("ro.json"), 0444);
		is_int(outfile_open(&f, "--json", in_dir("ro.json"), NULL, err,
		                    sizeof(err)),
		       -1, "a read-only file is not replaced");
		unlink(in_dir("ro.json"));
	}
}

static void test_streams(void)
{
	struct outfile f;
	char err[256] = "";
	struct stat st;

	is_int(outfile_open(&f, "--json", "-", NULL, err, sizeof(err)), 0,
	       "\"-\"");
	ok(f.stream == stdout && !outfile_replaces(&f), "is stdout, a stream");
	outfile_close(&f);

	is_int(outfile_open(&f, "--json", "/dev/null", NULL, err, sizeof(err)),
	       0, "/dev/null");
	ok(f.stream && !outfile_replaces(&f), "is a stream, not replaced");
	is_int(outfile_write(&f, "x", 1, err, sizeof(err)), 0, "written to");
	outfile_close(&f);
	ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode),
	   "/dev/null is still the device");

	is_int(outfile_open(&f, "--json", NULL, NULL, err, sizeof(err)), 0,
	       "no path: no file");
	is_int(outfile_write(&f, "x", 1, err, sizeof(err)), 0,
	       "and writing to it does nothing");
	outfile_close(&f);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cboutfileXXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_replace();
	test_refused();
	test_streams();
	rmdir(dir);
	return done_testing();
}

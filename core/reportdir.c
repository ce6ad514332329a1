/* SPDX-License-Identifier: MIT */
/*
 * reportdir: the report directory of a run.
 */
#include "config.h"

#include "reportdir.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "html.h"
#include "plots.h"
#include "results.h"

/* What says a directory holds a concbench report. */
#define MARKER ".concbench-report"

/* 1 if dir has entries, 0 if it is empty, -1 if it cannot be read. */
static int has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	if (!d)
		return -1;
	while (!found && (de = readdir(d)))
		found = strcmp(de->d_name, ".") != 0 &&
		        strcmp(de->d_name, "..") != 0;
	closedir(d);
	return found;
}

static int is_report(const char *dir)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, MARKER);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether the file is inside dir. */
static int inside(const char *file, const char *dir)
{
	char f[PATH_MAX], d[PATH_MAX];
	size_t n;

	if (!file || !realpath(file, f) || !realpath(dir, d))
		return 0;
	n = strlen(d);
	return strncmp(f, d, n) == 0 && (f[n] == '/' || d[n - 1] == '/');
}

int reportdir_check(const char *dir, int force, const char *keep, char *err,
                    size_t errlen)
{
	struct stat st;
	int entries;

	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "--report %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
		         "--report %s: exists and is not a directory", dir);
		return -1;
	}
	entries = has_entries(dir);
	if (entries < 0) {
		snprintf(err, errlen, "--report %s: cannot read it: %s", dir,
		         strerror(errno));
		return -1;
	}
	if (entries && !force && !is_report(dir)) {
		snprintf(err, errlen,
		         "--report %s: the directory is not empty and holds no "
		         "concbench report; choose another, or --force to "
		         "replace what it holds",
		         dir);
		return -1;
	}
	if (entries && inside(keep, dir)) {
		snprintf(err, errlen,
		         "--report %s: %s is in it, and a report replaces what "
		         "the directory holds",
		         dir, keep);
		return -1;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 0)
		return 0; /* the directory itself stays */
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

/* Empty dir (it may not exist yet) and make it with the subdirectories. */
static int make_dirs(const char *dir, char *err, size_t errlen)
{
	static const char *const subdirs[] = {"memory", "latency", "plots"};
	char path[4096];
	size_t i;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot make it: %s", dir,
		         strerror(errno));
		return -1;
	}
	/* FTW_PHYS: a link inside is removed, never followed. */
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0) {
		snprintf(err, errlen, "%s: cannot empty it: %s", dir,
		         strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		if (mkdir(path, 0777) < 0) {
			snprintf(err, errlen, "%s: cannot make it: %s", path,
			         strerror(errno));
			return -1;
		}
	}
	return 0;
}

typedef int (*writer_fn)(FILE *out, const void *arg, const void *arg2);

/* Write path with fn; 0, or -1 with err. */
static int write_file(const char *path, writer_fn fn, const void *arg,
                      const void *arg2, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: cannot write: %s", path,
		         strerror(errno));
		return -1;
	}
	rc = fn(f, arg, arg2);
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "%s: write failed: %s", path,
		         strerror(errno));
	return rc;
}

struct text {
	const char *s;
	size_t len;
};

static int put_text(FILE *out, const void *arg, const void *unused)
{
	const struct text *t = arg;

	(void)unused;
	return fwrite(t->s, 1, t->len, out) == t->len ? 0 : -1;
}

static int put_csv(FILE *out, const void *r, const void *unused)
{
	(void)unused;
	return export_csv(out, r);
}

static int put_markdown(FILE *out, const void *r, const void *unused)
{
	(void)unused;
	return export_markdown(out, r);
}

static int put_mprof(FILE *out, const void *r, const void *cell)
{
	return export_mprof(out, r, cell);
}

static int put_hgrm(FILE *out, const void *cell, const void *unused)
{
	(void)unused;
	return export_hgrm(out, cell);
}

int reportdir_write(const char *dir, const struct results *r, const char *json,
                    size_t len, char *err, size_t errlen)
{
	static const struct text marker = {"concbench report\n", 17};
	struct text doc = {json, len};
	char path[4096], plots[4096];
	int rendered = 0;
	size_t i;

	if (make_dirs(dir, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, MARKER);
	if (write_file(path, put_text, &marker, NULL, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	if (write_file(path, put_text, &doc, NULL, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	if (write_file(path, put_csv, r, NULL, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/results.md", dir);
	if (write_file(path, put_markdown, r, NULL, err, errlen) < 0)
		return -1;
	for (i = 0; i < r->ncells; i++) {
		snprintf(path, sizeof(path), "%s/memory/%s.dat", dir,
		         r->cells[i].name);
		if (write_file(path, put_mprof, r, &r->cells[i], err, errlen) <
		    0)
			return -1;
		snprintf(path, sizeof(path), "%s/latency/%s.hgrm", dir,
		         r->cells[i].name);
		if (write_file(path, put_hgrm, &r->cells[i], NULL, err,
		               errlen) < 0)
			return -1;
	}
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	if (plots_write(plots, r, &rendered, err, errlen) < 0)
		return -1;
	return html_write(dir, r, err, errlen);
}

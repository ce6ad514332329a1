/* SPDX-License-Identifier: MIT */
/*
 * outfile: a file the report writes (--json, --csv, --markdown). A regular
 * file, or one that does not exist yet, is replaced atomically at each
 * write (a temporary file beside it, fsync, rename), so that a run killed
 * at any moment leaves the last whole document, never half of one; "-" is
 * stdout, and a device or FIFO is written as a stream.
 */
#ifndef CB_OUTFILE_H
#define CB_OUTFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct outfile {
	const char *option; /* "--json": for messages */
	const char *path;   /* as given; NULL: no file */
	FILE *stream;       /* stdout, or a device or FIFO; NULL: replaced */
	char *target;       /* the file replaced, symbolic links resolved */
	mode_t mode;        /* the replacement's permissions */
};

/*
 * Check that path can be written, before anything runs: never the file
 * keep (the scenario), never a directory, and its directory must take a
 * new file. Nothing is written yet: an existing file keeps its contents
 * until the first write. path NULL is no file. 0, or -1 with err.
 */
int outfile_open(struct outfile *f, const char *option, const char *path,
                 const char *keep, char *err, size_t errlen);

/* Whether each write replaces the whole file (else it is a stream, for
 * one write at the end). */
int outfile_replaces(const struct outfile *f);

/* Write data[0, len) as the file's whole contents. 0, or -1 with err. */
int outfile_write(struct outfile *f, const char *data, size_t len, char *err,
                  size_t errlen);

void outfile_close(struct outfile *f);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * regfile: a file a user names for concbench to read (a scenario, a URL
 * file), opened only if it is a regular one. What it is gets checked
 * before a byte is read: the open itself does not block (a FIFO would wait
 * for a writer for ever), and a directory or a device (/dev/urandom never
 * ends) is refused.
 */
#ifndef CB_REGFILE_H
#define CB_REGFILE_H

#include <stdint.h>
#include <stdio.h>

/*
 * path opened for reading, if it is a regular file of at most max_bytes
 * (0: any size). NULL on failure, with *what NULL when errno says why, or
 * what the file is instead: "a directory", "a FIFO", "a device or socket",
 * "too large".
 */
FILE *regfile_open(const char *path, int64_t max_bytes, const char **what);

#endif

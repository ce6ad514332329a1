/* SPDX-License-Identifier: MIT */
/*
 * regfile: a file opened for reading only if it is a regular one.
 */
#include "config.h"

#include "regfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *regfile_open(const char *path, int64_t max_bytes, const char **what)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), saved;
	struct stat st;
	FILE *f;

	*what = NULL;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode))
		*what = S_ISDIR(st.st_mode)    ? "a directory"
		        : S_ISFIFO(st.st_mode) ? "a FIFO"
		                               : "a device or socket";
	else if (max_bytes > 0 && st.st_size > max_bytes)
		*what = "too large";
	if (*what)
		goto fail;
	/* A regular file: reads may block as usual. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (f)
		return f;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

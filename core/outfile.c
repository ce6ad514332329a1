/* SPDX-License-Identifier: MIT */
/*
 * outfile: a file the report writes, replaced atomically.
 */
#include "config.h"

#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int same_file(const char *a, const char *b)
{
	struct stat x, y;

	return a && b && stat(a, &x) == 0 && stat(b, &y) == 0 &&
	       x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* "DIR/.BASE.XXXXXX" for the file target, malloc'ed; NULL if out of
 * memory. Hidden, and in the same directory so that rename() is atomic. */
static char *temp_name(const char *target)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
	size_t len = strlen(target) + sizeof("/..XXXXXX");
	char *tmp = malloc(len);

	if (tmp)
		snprintf(tmp, len, "%.*s.%s.XXXXXX", (int)dirlen, target,
		         target + dirlen);
	return tmp;
}

/* A new, empty temporary file beside target: its descriptor (the name in
 * *tmp, malloc'ed), or -1 with errno set. */
static int temp_open(const char *target, char **tmp)
{
	int fd;

	*tmp = temp_name(target);
	if (!*tmp) {
		errno = ENOMEM;
		return -1;
	}
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;
		free(*tmp);
		*tmp = NULL;
		errno = saved;
	}
	return fd;
}

static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

int outfile_open(struct outfile *f, const char *option, const char *path,
                 const char *keep, char *err, size_t errlen)
{
	struct stat st;
	char *tmp;
	int fd, exists;

	memset(f, 0, sizeof(*f));
	f->option = option;
	f->path = path;
	if (!path)
		return 0;
	if (strcmp(path, "-") == 0) {
		f->stream = stdout;
		return 0;
	}
	if (same_file(path, keep)) {
		snprintf(err, errlen,
		         "%s %s: that is the scenario file, which it would "
		         "overwrite",
		         option, path);
		return -1;
	}
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		goto fail;
	if (exists && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		f->stream = fopen(path, "w"); /* a device or FIFO */
		if (f->stream)
			return 0;
		goto fail;
	}
	if (exists && access(path, W_OK) < 0)
		goto fail;
	/* An existing file keeps its permissions, and the file a symbolic
	 * link names is replaced, not the link. */
	f->target = exists ? realpath(path, NULL) : strdup(path);
	f->mode = exists ? st.st_mode & 07777 : new_file_mode();
	if (!f->target)
		goto fail;
	fd = temp_open(f->target, &tmp);
	if (fd < 0)
		goto fail;
	close(fd);
	unlink(tmp);
	free(tmp);
	return 0;
fail:
	snprintf(err, errlen, "%s %s: %s", option, path, strerror(errno));
	outfile_close(f);
	return -1;
}

int outfile_replaces(const struct outfile *f)
{
	return f->target != NULL;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Make the rename itself durable. */
static void sync_dir_of(const char *target)
{
	const char *slash = strrchr(target, '/');
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%.*s",
	         slash ? (int)(slash - target) + (slash == target) : 1,
	         slash ? target : ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int replace(struct outfile *f, const char *data, size_t len)
{
	char *tmp;
	int fd = temp_open(f->target, &tmp), saved;

	if (fd < 0)
		return -1;
	if (fchmod(fd, f->mode) < 0 || write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, f->target) < 0) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	sync_dir_of(f->target);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

int outfile_write(struct outfile *f, const char *data, size_t len, char *err,
                  size_t errlen)
{
	int rc;

	if (!f->path)
		return 0;
	errno = EIO;
	if (f->target)
		rc = replace(f, data, len);
	else
		rc = fwrite(data, 1, len, f->stream) == len &&
		             fflush(f->stream) == 0
		         ? 0
		         : -1;
	if (rc < 0)
		snprintf(err, errlen, "%s %s: write failed: %s", f->option,
		         f->path, strerror(errno));
	return rc;
}

void outfile_close(struct outfile *f)
{
	if (f->stream && f->stream != stdout)
		fclose(f->stream);
	free(f->target);
	f->stream = NULL;
	f->target = NULL;
}

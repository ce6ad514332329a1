/* SPDX-License-Identifier: MIT */
/*
 * loader: finding, loading and checking strategy plugins. A plugin is a
 * shared object exporting concbench_plugin_entry; it is loaded with
 * dlopen(RTLD_NOW | RTLD_LOCAL) and refused, with the file and the reason,
 * when its descriptor does not match this host's ABI. A plugin found on
 * the search path is loaded only from a directory and a file that no
 * other user could have written (as ssh treats a key file): loading runs
 * its constructors, even for --dry-run.
 */
#include "config.h"

#include <stdio.h>

#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "paths.h"

/* The smallest descriptor of ABI 1: every field up to fini. */
#define DESC_V1_SIZE                                                           \
	(offsetof(struct concbench_plugin, fini) +                             \
	 sizeof(((struct concbench_plugin *)0)->fini))

static int path_add(struct plugin_path *pp, const char *dir, size_t len)
{
	char **dirs;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < pp->len; i++)
		if (strlen(pp->dirs[i]) == len &&
		    strncmp(pp->dirs[i], dir, len) == 0)
			return 0;
	dirs = realloc(pp->dirs, (pp->len + 1) * sizeof(*dirs));
	if (!dirs)
		return -1;
	pp->dirs = dirs;
	dirs[pp->len] = strndup(dir, len);
	if (!dirs[pp->len])
		return -1;
	pp->len++;
	return 0;
}

/* The build tree's plugins, if this binary is the one in the build tree. */
static int running_uninstalled(void)
{
	char exe[PATH_MAX], build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	if (!realpath(CB_BUILD_DIR, build))
		return 0;
	return strcmp(exe, build) == 0;
}

int loader_path_init(struct plugin_path *pp, char *const *cli_dirs,
                     size_t cli_len)
{
	const char *env = getenv("CONCBENCH_PLUGIN_PATH");
	size_t i;
	int rc = 0;

	memset(pp, 0, sizeof(*pp));
	for (i = 0; i < cli_len; i++)
		rc |= path_add(pp, cli_dirs[i], strlen(cli_dirs[i]));
	while (env && *env) {
		const char *colon = strchr(env, ':');
		size_t len = colon ? (size_t)(colon - env) : strlen(env);
		rc |= path_add(pp, env, len);
		env = colon ? colon + 1 : NULL;
	}
	if (running_uninstalled()) {
		const char *dir = CB_BUILD_DIR "/plugins/.libs";
		rc |= path_add(pp, dir, strlen(dir));
	}
	rc |= path_add(pp, CB_PKGLIBDIR, strlen(CB_PKGLIBDIR));
	return rc ? -1 : 0;
}

void loader_path_free(struct plugin_path *pp)
{
	size_t i;

	for (i = 0; i < pp->len; i++)
		free(pp->dirs[i]);
	free(pp->dirs);
	memset(pp, 0, sizeof(*pp));
}

static int valid_name(const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return 0;
	return p != name;
}

static int check_options(const struct concbench_option *opt, char *why,
                         size_t len)
{
	for (; opt && opt->name; opt++) {
		if (!valid_name(opt->name)) {
			snprintf(why, len,
			         "option name \"%s\" is not [a-z0-9_-]+",
			         opt->name);
			return -1;
		}
		if (opt->type < CONCBENCH_OPT_INT ||
		    opt->type > CONCBENCH_OPT_STRING) {
			snprintf(why, len, "option '%s' has unknown type %d",
			         opt->name, (int)opt->type);
			return -1;
		}
	}
	return 0;
}

/* Checks a descriptor against this host; the reason goes to why. */
static int check_descriptor(const struct concbench_plugin *d, char *why,
                            size_t len)
{
	if (!d) {
		snprintf(why, len, "%s() returned NULL",
		         CONCBENCH_PLUGIN_ENTRY_NAME);
		return -1;
	}
	if (d->magic != CONCBENCH_PLUGIN_MAGIC) {
		snprintf(why, len,
		         "bad magic 0x%08" PRIx32 " (wanted 0x%08x): not a "
		         "concbench plugin descriptor",
		         d->magic, CONCBENCH_PLUGIN_MAGIC);
		return -1;
	}
	if (d->abi_major != CONCBENCH_ABI_MAJOR) {
		snprintf(why, len,
		         "built for plugin ABI %" PRIu32 ", this concbench "
		         "speaks ABI %u: rebuild the plugin against this "
		         "concbench's plugin.h",
		         d->abi_major, CONCBENCH_ABI_MAJOR);
		return -1;
	}
	if (d->size < DESC_V1_SIZE) {
		snprintf(why, len,
		         "descriptor size %" PRIu32 " is smaller than ABI %u "
		         "needs (%zu)",
		         d->size, CONCBENCH_ABI_MAJOR, (size_t)DESC_V1_SIZE);
		return -1;
	}
	if (!d->name || !valid_name(d->name)) {
		snprintf(why, len, "name %s%s%s is not [a-z0-9_-]+",
		         d->name ? "\"" : "", d->name ? d->name : "(null)",
		         d->name ? "\"" : "");
		return -1;
	}
	if (!d->run) {
		snprintf(why, len,
		         "descriptor has no run callback, which is "
		         "mandatory");
		return -1;
	}
	return check_options(d->options, why, len);
}

int loader_open(const char *file, struct plugin *p, char *err, size_t errlen)
{
	concbench_plugin_entry_fn entry;
	char why[512];
	void *sym;

	memset(p, 0, sizeof(*p));
	/* dlopen searches the library path for names without a slash. */
	if (!strchr(file, '/')) {
		snprintf(err, errlen, "%s: give a path with a '/' (./%s)", file,
		         file);
		return -1;
	}
	p->dl = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		const char *e = dlerror();
		snprintf(err, errlen, "%s: cannot load: %s", file,
		         e ? e : "unknown error");
		return -1;
	}
	dlerror();
	sym = dlsym(p->dl, CONCBENCH_PLUGIN_ENTRY_NAME);
	if (!sym) {
		snprintf(err, errlen,
		         "%s: no symbol %s: not a concbench plugin", file,
		         CONCBENCH_PLUGIN_ENTRY_NAME);
		goto fail;
	}
	/* POSIX guarantees a dlsym result converts to a function pointer. */
	memcpy(&entry, &sym, sizeof(entry));
	p->desc = entry();
	if (check_descriptor(p->desc, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", file, why);
		goto fail;
	}
	p->path = strdup(file);
	if (!p->path) {
		snprintf(err, errlen, "%s: out of memory", file);
		goto fail;
	}
	return 0;
fail:
	dlclose(p->dl);
	memset(p, 0, sizeof(*p));
	return -1;
}

void loader_close(struct plugin *p)
{
	if (p->dl)
		dlclose(p->dl);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

/* Open DIR/NAME.so, which must hold the plugin called NAME. */
static int open_named(const char *file, const char *name, struct plugin *p,
                      char *err, size_t errlen)
{
	if (loader_open(file, p, err, errlen) < 0)
		return -1;
	if (strcmp(p->desc->name, name) != 0) {
		snprintf(err, errlen,
		         "%s: the plugin calls itself '%s'; its file must be "
		         "named %s.so",
		         file, p->desc->name, p->desc->name);
		loader_close(p);
		return -1;
	}
	return 0;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* 0 if no user but us and root could have written path; else -1 and why. */
static int untrusted(const char *what, const char *path, char *why, size_t len)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(why, len, "cannot check %s %s: %s", what, path,
		         strerror(errno));
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid())
		snprintf(why, len, "%s %s belongs to another user (uid %u)",
		         what, path, (unsigned)st.st_uid);
	else if (st.st_mode & S_IWOTH)
		snprintf(why, len,
		         "%s %s is writable by every user (mode %04o)", what,
		         path, (unsigned)(st.st_mode & 07777));
	else if ((st.st_mode & S_IWGRP) && st.st_gid != getegid())
		snprintf(why, len, "%s %s is writable by group %u (mode %04o)",
		         what, path, (unsigned)st.st_gid,
		         (unsigned)(st.st_mode & 07777));
	else
		return 0;
	return -1;
}

/* Open a plugin found on the search path, if dir and file are trusted. */
static int open_found(const char *dir, const char *file, const char *name,
                      struct plugin *p, char *err, size_t errlen)
{
	char why[PATH_MAX + 128];

	if (untrusted("directory", dir, why, sizeof(why)) < 0 ||
	    untrusted("file", file, why, sizeof(why)) < 0) {
		snprintf(err, errlen,
		         "%s: refused: %s, so another user could have put "
		         "this plugin there",
		         file, why);
		return -1;
	}
	return open_named(file, name, p, err, errlen);
}

int loader_find(const struct plugin_path *pp, const char *name,
                struct plugin *p, char *err, size_t errlen)
{
	size_t i, len = strlen(name), used = 0;
	char file[PATH_MAX];

	if (strchr(name, '/') ||
	    (len > 3 && strcmp(name + len - 3, ".so") == 0)) {
		if (!strchr(name, '/')) {
			snprintf(file, sizeof(file), "./%s", name);
			name = file;
		}
		return loader_open(name, p, err, errlen);
	}
	if (!valid_name(name)) {
		snprintf(err, errlen,
		         "'%s' is not a plugin name ([a-z0-9_-]+) nor a path "
		         "to a .so",
		         name);
		return -1;
	}
	for (i = 0; i < pp->len; i++) {
		snprintf(file, sizeof(file), "%s/%s.so", pp->dirs[i], name);
		if (!is_file(file))
			continue;
		return open_found(pp->dirs[i], file, name, p, err, errlen);
	}
	used = (size_t)snprintf(
	    err, errlen, "no plugin '%s' (looked for %s.so in", name, name);
	for (i = 0; i < pp->len && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s %s",
		                         i ? "," : "", pp->dirs[i]);
	if (used < errlen)
		snprintf(err + used, errlen - used,
		         "; see concbench --list-plugins)");
	return -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct plugin *)a)->desc->name,
	              ((const struct plugin *)b)->desc->name);
}

static int listed(const struct plugin *list, size_t len, const char *name)
{
	size_t i;
	for (i = 0; i < len; i++)
		if (strcmp(list[i].desc->name, name) == 0)
			return 1;
	return 0;
}

int loader_list(const struct plugin_path *pp, struct plugin **out, size_t *len)
{
	struct plugin *list = NULL;
	size_t n = 0, i;

	for (i = 0; i < pp->len; i++) {
		DIR *dir = opendir(pp->dirs[i]);
		struct dirent *de;

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			size_t nl = strlen(de->d_name);
			char file[PATH_MAX], name[NAME_MAX + 1], err[1024];
			struct plugin p, *grown;

			if (nl <= 3 || strcmp(de->d_name + nl - 3, ".so") != 0)
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(nl - 3),
			         de->d_name);
			snprintf(file, sizeof(file), "%s/%s", pp->dirs[i],
			         de->d_name);
			/* shadowed by an earlier directory */
			if (!is_file(file) || listed(list, n, name))
				continue;
			if (open_found(pp->dirs[i], file, name, &p, err,
			               sizeof(err)) < 0) {
				diag_warn("skipping %s", err);
				continue;
			}
			grown = realloc(list, (n + 1) * sizeof(*list));
			if (!grown) {
				loader_close(&p);
				closedir(dir);
				loader_list_free(list, n);
				return -1;
			}
			list = grown;
			list[n++] = p;
		}
		closedir(dir);
	}
	if (n)
		qsort(list, n, sizeof(*list), by_name);
	*out = list;
	*len = n;
	return 0;
}

void loader_list_free(struct plugin *list, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		loader_close(&list[i]);
	free(list);
}

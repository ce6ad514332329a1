/* SPDX-License-Identifier: MIT */
/*
 * fuzz_scenario: the scenario loader as concbench runs it: the YAML
 * reader, every key's check, the URL sources, and the strategies' plugins
 * loaded from the build tree with their options bound. The input is the
 * scenario file (a memfd, so that it is a regular file as the loader asks).
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "loader.h"
#include "paths.h"
#include "scenario.h"
#include "strategy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct plugin_path plugins;
static int plugins_ready;

#define PLUGIN_DIR CB_BUILD_DIR "/plugins/.libs"

/* libFuzzer keeps pointers to the coverage counters of every instrumented
 * object: a plugin unloaded by dlclose() would leave them dangling. Each
 * plugin is opened once more here, never to be unloaded. */
static void pin_plugins(void)
{
	DIR *d = opendir(PLUGIN_DIR);
	struct dirent *de;
	char path[4096];
	size_t n;

	while (d && (de = readdir(d))) {
		n = strlen(de->d_name);
		if (n < 3 || strcmp(de->d_name + n - 3, ".so") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", PLUGIN_DIR, de->d_name);
		dlopen(path, RTLD_NOW | RTLD_NODELETE);
	}
	if (d)
		closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[DIAG_ERR_MAX];
	struct scenario scn;
	struct strategy_set set;
	int fd = memfd_create("scenario.yaml", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (!plugins_ready) {
		char *dirs[] = {(char *)PLUGIN_DIR};
		pin_plugins();
		plugins_ready = loader_path_init(&plugins, dirs, 1) == 0;
	}
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (scenario_load(path, &scn, err, sizeof(err)) == 0) {
			if (plugins_ready)
				strategy_set_load(&set, &scn, NULL, 0, &plugins,
				                  err, sizeof(err));
			strategy_set_free(&set);
			scenario_free(&scn);
		}
	}
	close(fd);
	return 0;
}

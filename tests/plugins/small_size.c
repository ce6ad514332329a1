/* SPDX-License-Identifier: MIT */
/*
 * small_size: a descriptor that claims to end before the fields ABI 1
 * requires (it says 16 bytes: magic, versions and size only).
 */
#include <concbench/plugin.h>

static int small_size_run(struct concbench_host *host, void *state)
{
	(void)host;
	(void)state;
	return 0;
}

static const struct concbench_plugin small_size_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = 16,
    .name = "small_size",
    .summary = "test plugin: descriptor size too small",
    .run = small_size_run,
};

CONCBENCH_PLUGIN(small_size_plugin)

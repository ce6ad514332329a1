/* SPDX-License-Identifier: MIT */
/*
 * bad_abi: a descriptor built for plugin ABI major 2, which this host does
 * not speak.
 */
#include <concbench/plugin.h>

static int bad_abi_run(struct concbench_host *host, void *state)
{
	(void)host;
	(void)state;
	return 0;
}

static const struct concbench_plugin bad_abi_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = 2,
    .abi_minor = 0,
    .size = sizeof(struct concbench_plugin),
    .name = "bad_abi",
    .summary = "test plugin: ABI major 2",
    .run = bad_abi_run,
};

CONCBENCH_PLUGIN(bad_abi_plugin)

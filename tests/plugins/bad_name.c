/* SPDX-License-Identifier: MIT */
/*
 * bad_name: a descriptor whose name is not [a-z0-9_-]+ ("Bad Name").
 */
#include <concbench/plugin.h>

static int bad_name_run(struct concbench_host *host, void *state)
{
	(void)host;
	(void)state;
	return 0;
}

static const struct concbench_plugin bad_name_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "Bad Name",
    .summary = "test plugin: invalid name",
    .run = bad_name_run,
};

CONCBENCH_PLUGIN(bad_name_plugin)

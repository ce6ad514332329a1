/* SPDX-License-Identifier: MIT */
/*
 * no_run: a descriptor without the mandatory run callback.
 */
#include <concbench/plugin.h>

static const struct concbench_plugin no_run_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "no_run",
    .summary = "test plugin: run is NULL",
    .run = NULL,
};

CONCBENCH_PLUGIN(no_run_plugin)

/* SPDX-License-Identifier: MIT */
/*
 * no_entry: a shared object with a valid descriptor that exports it under
 * the wrong name (a typo of the entry symbol), so concbench_plugin_entry
 * cannot be found.
 */
#include <concbench/plugin.h>

static int no_entry_run(struct concbench_host *host, void *state)
{
	(void)host;
	(void)state;
	return 0;
}

static const struct concbench_plugin no_entry_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "no_entry",
    .summary = "test plugin: no entry symbol",
    .run = no_entry_run,
};

CONCBENCH_EXPORT const struct concbench_plugin *concbench_plugin_entri(void);
const struct concbench_plugin *concbench_plugin_entri(void)
{
	return &no_entry_plugin;
}

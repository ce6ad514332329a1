/* SPDX-License-Identifier: MIT */
/*
 * bad_magic: a descriptor whose magic is not "CBPL"; the loader must refuse
 * it before reading any other field.
 */
#include <concbench/plugin.h>

static int bad_magic_run(struct concbench_host *host, void *state)
{
	(void)host;
	(void)state;
	return 0;
}

static const struct concbench_plugin bad_magic_plugin = {
    .magic = 0x12345678u,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "bad_magic",
    .summary = "test plugin: wrong magic number",
    .run = bad_magic_run,
};

CONCBENCH_PLUGIN(bad_magic_plugin)

/* SPDX-License-Identifier: MIT */
/*
 * crash: loads fine, and run() dies of SIGSEGV by writing through a NULL
 * pointer. Both the pointer and what it points to are volatile: with only
 * the pointer volatile, GCC's alias analysis still knows it holds NULL and
 * deletes the store, and run() returns 0. UBSan is kept out of run(): in
 * a sanitized build it would report the store and exit instead of letting
 * the process die of the signal, which is what this plugin is for; and
 * for the same reason run() puts back the default action of SIGSEGV,
 * which AddressSanitizer's handler would turn into an exit.
 */
#include <signal.h>
#include <stddef.h>

#include <concbench/plugin.h>

#if defined(__GNUC__) && __GNUC__ >= 8
__attribute__((no_sanitize("undefined")))
#endif
static int
crash_run(struct concbench_host *host, void *state)
{
	volatile int *volatile nowhere = NULL;

	(void)state;
	host->log(host, CONCBENCH_LOG_INFO, "about to crash");
	signal(SIGSEGV, SIG_DFL);
	*nowhere = 42;
	return 0;
}

static const struct concbench_plugin crash_plugin = {
    .magic = CONCBENCH_PLUGIN_MAGIC,
    .abi_major = CONCBENCH_ABI_MAJOR,
    .abi_minor = CONCBENCH_ABI_MINOR,
    .size = sizeof(struct concbench_plugin),
    .name = "crash",
    .summary = "test plugin: run() segfaults",
    .run = crash_run,
};

CONCBENCH_PLUGIN(crash_plugin)

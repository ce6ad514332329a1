/* SPDX-License-Identifier: MIT */
/*
 * concbench plugin ABI, major version 1.
 *
 * This is the only header a strategy plugin needs. A plugin is a shared
 * object that exports exactly one symbol, concbench_plugin_entry, returning
 * a pointer to a const struct concbench_plugin. The host loads it with
 * dlopen(RTLD_NOW | RTLD_LOCAL), checks magic, ABI major and size, and then
 * calls run() once per measured loop with a struct concbench_host that
 * carries every host service as a function pointer. A plugin links against
 * libcurl (and libevent, pthread, ... as it needs) but never against any
 * symbol of the concbench binary.
 *
 * Compatibility rules:
 *  - Fields are only ever appended to struct concbench_plugin and
 *    struct concbench_host. Each carries its own size; a reader never reads
 *    a field that lies beyond the size the writer declared.
 *  - struct concbench_option and struct concbench_job are frozen for the
 *    whole of ABI major 1.
 *  - A change that breaks an existing field bumps CONCBENCH_ABI_MAJOR; the
 *    host refuses plugins built for another major.
 *
 * Fairness: every strategy obtains its curl easy handles from the host
 * (host->easy), so all strategies send byte-identical requests with the
 * same options. A strategy decides only how transfers are driven, and must
 * not change request options on the handles it is given (it may set
 * CURLOPT_PRIVATE, and it may add the handle to a multi handle).
 *
 * The host calls curl_global_init() before loading any plugin and
 * curl_global_cleanup() at exit; plugins must call neither.
 *
 * See concbench-plugin(7) for a walk-through and a complete example.
 */
#ifndef CONCBENCH_PLUGIN_H
#define CONCBENCH_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* First field of every descriptor: the bytes "CBPL". */
#define CONCBENCH_PLUGIN_MAGIC 0x4342504cu
#define CONCBENCH_ABI_MAJOR 1u
#define CONCBENCH_ABI_MINOR 0u

/* The one symbol a plugin exports, and the type of that symbol. */
#define CONCBENCH_PLUGIN_ENTRY_NAME "concbench_plugin_entry"
struct concbench_plugin;
typedef const struct concbench_plugin *(*concbench_plugin_entry_fn)(void);

#if defined(__GNUC__)
#define CONCBENCH_EXPORT __attribute__((visibility("default")))
#else
#define CONCBENCH_EXPORT
#endif

/* Define the entry symbol of a plugin whose descriptor is `descriptor`. */
#define CONCBENCH_PLUGIN(descriptor)                                           \
	CONCBENCH_EXPORT const struct concbench_plugin *                       \
	concbench_plugin_entry(void);                                          \
	const struct concbench_plugin *concbench_plugin_entry(void)            \
	{                                                                      \
		return &(descriptor);                                          \
	}

/* ---- options a plugin accepts in a scenario ---------------------------- */

enum concbench_option_type {
	CONCBENCH_OPT_INT = 1, /* a decimal integer within [min, max] */
	CONCBENCH_OPT_BOOL,    /* true or false */
	CONCBENCH_OPT_STRING   /* any scalar */
};

/*
 * One scenario option of a plugin. A plugin lists them in an array ended by
 * an entry whose name is NULL. The host rejects a scenario that sets an
 * option the plugin does not declare, or sets it to a value of the wrong
 * type or out of range, with FILE:LINE:COL, before anything runs.
 */
struct concbench_option {
	const char *name; /* as written in the scenario */
	enum concbench_option_type type;
	const char *default_value; /* scalar text, or NULL: unset */
	int64_t min, max;          /* CONCBENCH_OPT_INT only; inclusive */
	const char *help;          /* one line, shown by --plugin-help */
};

/* ---- jobs ---------------------------------------------------------------- */

/*
 * A unit of work: fetch one URL. Jobs are owned by the host: obtained with
 * next_job() and handed back with done(). The job stays valid until done()
 * returns; the plugin must not touch it afterwards.
 */
struct concbench_job {
	uint64_t index;    /* 0-based, unique within one loop */
	const char *url;   /* for logging; the easy handle already has it */
	void *plugin_data; /* free for the plugin to use */
};

/* What next_job() answers. */
enum concbench_next {
	CONCBENCH_NEXT_JOB = 0,  /* *job is set: fetch it */
	CONCBENCH_NEXT_NONE_NOW, /* nothing now; more may appear when jobs
	                            in flight complete (discovered URLs) */
	CONCBENCH_NEXT_DONE      /* no job will ever appear again */
};

/* Flags for next_job(). */
#define CONCBENCH_NEXT_WAIT 0x1u /* block instead of answering NONE_NOW */

/* Levels for log(). */
enum concbench_log_level {
	CONCBENCH_LOG_ERROR = 0,
	CONCBENCH_LOG_WARN,
	CONCBENCH_LOG_INFO,
	CONCBENCH_LOG_DEBUG
};

/* ---- host services --------------------------------------------------------
 */

/*
 * Passed to every plugin callback. All function pointers are always set.
 * next_job(), easy(), done() and log() may be called from any thread, and
 * from processes forked by the plugin during run(): job claiming and result
 * recording live in shared memory and are atomic, so a job is never handed
 * out twice and a result is never lost or counted twice. A job object lives
 * in the memory of the process that claimed it: that process reports it.
 */
struct concbench_host {
	uint32_t size;      /* sizeof(struct concbench_host) of the host */
	uint32_t abi_major; /* CONCBENCH_ABI_MAJOR of the host */

	const char *strategy; /* the name this cell runs under (scenario) */
	unsigned concurrency; /* C >= 1: at most this many in flight */
	/* Jobs known at the start of a loop; a hint. 0: not known (the
	 * jobs are discovered while the loop runs). */
	uint64_t jobs_hint;
	long timeout_ms; /* per-request timeout already set on handles */

	/*
	 * Claim the next job. Returns CONCBENCH_NEXT_JOB and sets *job, or
	 * NONE_NOW (only without CONCBENCH_NEXT_WAIT), or DONE. With
	 * CONCBENCH_NEXT_WAIT it blocks while claimed jobs may still add new
	 * ones, and answers DONE once none can.
	 */
	enum concbench_next (*next_job)(struct concbench_host *host,
	                                unsigned flags,
	                                struct concbench_job **job);

	/*
	 * Return a curl easy handle configured for job: `reuse` itself
	 * (connections stay cached), or a new handle when `reuse` is NULL.
	 * `reuse` must be a handle an earlier easy() returned: the host
	 * knows which, and sets again only the options that differ from
	 * its last job (it resets a handle and configures it whole for a
	 * job of another kind). The host sets CURLOPT_NOSIGNAL on every handle,
	 * so handles may be driven from any thread. The plugin owns the handle
	 * and frees it with curl_easy_cleanup(); a handle in a multi handle
	 * must be removed from it before it is passed as `reuse`. On failure
	 * returns NULL, records the job as failed and releases it (do not call
	 * done() for it); `reuse` is then still the plugin's.
	 */
	CURL *(*easy)(struct concbench_host *host, struct concbench_job *job,
	              CURL *reuse);

	/*
	 * Report that job's transfer on `easy` finished with `result` (the
	 * CURLcode from curl_easy_perform() or the multi message; a failure of
	 * the strategy's own, such as curl_multi_add_handle() failing, is
	 * reported as CURLE_FAILED_INIT, and a transfer abandoned as
	 * CURLE_ABORTED_BY_CALLBACK). `easy` may be NULL for a job that never
	 * had a transfer, with a result other than CURLE_OK. The host
	 * reads status and size from `easy`, records the outcome and releases
	 * the job. `easy` stays the plugin's, and may be passed as reuse.
	 */
	void (*done)(struct concbench_host *host, struct concbench_job *job,
	             CURL *easy, CURLcode result);

	/*
	 * Read a declared option: the scenario's value or the declared
	 * default. option_int() serves INT and BOOL (0 or 1) and returns 0,
	 * or -1 when the option is unset or of another type. option_string()
	 * serves STRING and returns NULL when unset.
	 */
	int (*option_int)(struct concbench_host *host, const char *name,
	                  int64_t *value);
	const char *(*option_string)(struct concbench_host *host,
	                             const char *name);

	/* Log a line on stderr, prefixed with the plugin's name. */
	void (*log)(struct concbench_host *host, enum concbench_log_level level,
	            const char *fmt, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 3, 4)))
#endif
	    ;

	void *host_private; /* the host's; plugins leave it alone */

	/*
	 * Record job `index` as failed because its job object is out of
	 * reach: it was claimed by a process that died before reporting it.
	 * Does nothing if that job was already reported. Any thread or
	 * process may call it.
	 */
	void (*job_lost)(struct concbench_host *host, uint64_t index,
	                 const char *reason);
};

/*
 * True when the host passed in `host` has `member`: fields are appended,
 * so a plugin built against a newer header may meet an older host whose
 * struct stops before it. Check before using any member appended after
 * host_private (job_lost, and whatever comes later).
 */
#define CONCBENCH_HOST_HAS(host, member)                                       \
	(offsetof(struct concbench_host, member) + sizeof((host)->member) <=   \
	 (host)->size)

/* ---- the descriptor --------------------------------------------------------
 */

struct concbench_plugin {
	uint32_t magic;     /* CONCBENCH_PLUGIN_MAGIC */
	uint32_t abi_major; /* CONCBENCH_ABI_MAJOR the plugin was built for */
	uint32_t abi_minor; /* CONCBENCH_ABI_MINOR the plugin was built for */
	uint32_t size;      /* sizeof(struct concbench_plugin) when built */

	const char *name;    /* strategy name, [a-z0-9_-]+; file is NAME.so */
	const char *summary; /* one line for --list-plugins */
	const struct concbench_option *options; /* NULL-name ended; or NULL */

	/*
	 * Optional. Called once per cell, in the measurement process, before
	 * the first loop; may store plugin state in *state, which run() and
	 * fini() receive and which may keep handles and connections from one
	 * loop to the next. The host's fields and options are the cell's
	 * already; jobs are not: claim none here. Nonzero fails the cell.
	 */
	int (*init)(struct concbench_host *host, void **state);

	/*
	 * Mandatory. Fetch the whole job set once: claim jobs with next_job()
	 * until it answers DONE, report every claimed job with done(), keep at
	 * most host->concurrency transfers in flight, and return only when
	 * nothing of the plugin runs any more (threads joined, processes
	 * reaped). 0 on success, -1 if the strategy itself failed.
	 */
	int (*run)(struct concbench_host *host, void *state);

	/* Optional. Called once per cell after the last loop. */
	void (*fini)(struct concbench_host *host, void *state);
};

#ifdef __cplusplus
}
#endif

#endif /* CONCBENCH_PLUGIN_H */

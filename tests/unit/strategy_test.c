/* SPDX-License-Identifier: MIT */
/*
 * strategy_test: strategy specs (strategy_spec_init), and binding a
 * strategy's scenario options to the options its plugin declares
 * (strategy_bind_options, strategy_option), against the
 * declarations of the real test plugin good.so and a few local arrays.
 *
 * Each file in tests/scenarios/bind loads, and binding its first strategy
 * to good.so's options fails with "PATH:LINE:COL: " and the message of its
 * "# expect: LINE:COL: MESSAGE" first line.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs.h"
#include "loader.h"
#include "diag.h"
#include "scenario.h"
#include "../tap.h"
#include "../testenv.h"

static const char *srcdir;

static char *fixture(const char *dir, const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s/%s", srcdir, dir,
	         name);
	return path;
}

static int load(const char *path, struct scenario *scn)
{
	char err[DIAG_ERR_MAX] = "";

	if (scenario_load(path, scn, err, sizeof(err)) == 0)
		return 0;
	diag("%s", err);
	return -1;
}

static void test_bind_good(const struct concbench_option *decls)
{
	char err[DIAG_ERR_MAX] = "";
	const struct option_value *o;
	struct strategy_spec *s;
	struct scenario scn;
	size_t i;

	if (!ok(load(fixture("good", "options.yaml"), &scn) == 0,
	        "options.yaml loads"))
		return;
	if (!is_int(scn.strategy_len, 3, "three strategies")) {
		scenario_free(&scn);
		return;
	}
	for (i = 0; i < 3; i++)
		if (!is_int(strategy_bind_options(&scn.strategies[i], decls,
		                                  scn.path, err, sizeof(err)),
		            0, "strategy %zu binds", i))
			diag("%s", err);

	s = &scn.strategies[0];
	is_int(s->option_count, 7, "set: every option set, no default added");
	o = strategy_option(s, "workers");
	is_int(o ? o->number : -1, 64, "set: workers 64 (the maximum)");
	ok(o && o->decl == &decls[0], "set: workers bound to its declaration");
	is_int(o ? o->line : 0, 9, "set: workers keeps its line");
	is_int(o ? o->col : 0, 16, "set: workers keeps its column");
	o = strategy_option(s, "offset");
	is_int(o ? o->number : 0, -100, "set: offset -100 (the minimum)");
	o = strategy_option(s, "any");
	is_int(o ? o->number : 0, -1000000,
	       "set: any without range, -1_000_000");
	o = strategy_option(s, "keepalive");
	is_int(o ? o->number : -1, 0, "set: keepalive false is 0");
	o = strategy_option(s, "trace");
	is_int(o ? o->number : -1, 1, "set: trace true is 1");
	o = strategy_option(s, "tag");
	is_str(o ? o->text : NULL, "fast lane", "set: tag");
	o = strategy_option(s, "note");
	is_str(o ? o->text : NULL, "42", "set: a number is a fine string");
	ok(strategy_option(s, "nope") == NULL, "set: no option 'nope'");

	s = &scn.strategies[1];
	is_int(s->option_count, 3, "defaults: the three declared defaults");
	o = strategy_option(s, "workers");
	is_int(o ? o->number : -1, 4, "defaults: workers 4");
	is_str(o ? o->text : NULL, "4", "defaults: workers text");
	is_int(o ? o->line : 1, 0, "defaults: a default has no line");
	o = strategy_option(s, "keepalive");
	is_int(o ? o->number : -1, 1, "defaults: keepalive true");
	o = strategy_option(s, "tag");
	is_str(o ? o->text : NULL, "none", "defaults: tag \"none\"");
	ok(strategy_option(s, "offset") == NULL, "defaults: offset unset");
	ok(strategy_option(s, "any") == NULL, "defaults: any unset");
	ok(strategy_option(s, "trace") == NULL, "defaults: trace unset");
	ok(strategy_option(s, "note") == NULL, "defaults: note unset");

	s = &scn.strategies[2];
	is_int(s->option_count, 4, "some: three set, one default added");
	if (s->option_count == 4) {
		is_str(s->options[0].name, "workers", "some: 0 is workers");
		is_str(s->options[1].name, "offset", "some: 1 is offset");
		is_str(s->options[2].name, "tag", "some: 2 is tag");
		is_str(s->options[3].name, "keepalive",
		       "some: the default comes last");
	}
	o = strategy_option(s, "workers");
	is_int(o ? o->number : -1, 1, "some: workers 1 (the minimum)");
	o = strategy_option(s, "offset");
	is_int(o ? o->number : -1, 100, "some: offset 100 (the maximum)");
	o = strategy_option(s, "tag");
	is_str(o ? o->text : NULL, "", "some: an empty string is a string");
	scenario_free(&scn);
}

static void test_bind_bad(const struct concbench_option *decls)
{
	struct dirent *de;
	char path[4096];
	int files = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/tests/scenarios/bind", srcdir);
	d = opendir(path);
	if (!ok(d != NULL, "opendir %s", path))
		return;
	while ((de = readdir(d))) {
		char err[DIAG_ERR_MAX], line[1024], prefix[4200];
		size_t len = strlen(de->d_name);
		const char *file, *msg;
		struct scenario scn;
		unsigned l, c;
		int at = 0;
		FILE *f;

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		files++;
		file = fixture("bind", de->d_name);
		f = fopen(file, "r");
		if (!f || !fgets(line, sizeof(line), f) ||
		    sscanf(line, "# expect: %u:%u: %n", &l, &c, &at) != 2 ||
		    !at) {
			ok(0, "%s: has an '# expect: L:C:' first line",
			   de->d_name);
			if (f)
				fclose(f);
			continue;
		}
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
		msg = line + at;
		if (!ok(load(file, &scn) == 0, "%s: loads", de->d_name))
			continue;
		snprintf(prefix, sizeof(prefix), "%s:%u:%u: ", file, l, c);
		is_int(strategy_bind_options(&scn.strategies[0], decls, file,
		                             err, sizeof(err)),
		       -1, "%s: binding fails", de->d_name);
		if (!ok(strncmp(err, prefix, strlen(prefix)) == 0 &&
		            strstr(err + strlen(prefix), msg),
		        "%s: error at %u:%u", de->d_name, l, c))
			diag("got:  %s\n# want: %s%s", err, prefix, msg);
		scenario_free(&scn);
	}
	closedir(d);
	is_int(files, 8, "all eight bind fixtures were tried");
}

static void test_bind_local(void)
{
	static const struct concbench_option none[] = {
	    {NULL, 0, NULL, 0, 0, NULL}};
	static const struct concbench_option bad_int[] = {
	    {"n", CONCBENCH_OPT_INT, "abc", 0, 0, "not a number"},
	    {NULL, 0, NULL, 0, 0, NULL}};
	static const struct concbench_option bad_range[] = {
	    {"ok", CONCBENCH_OPT_BOOL, "false", 0, 0, "fine"},
	    {"m", CONCBENCH_OPT_INT, "100", 1, 10, "out of its range"},
	    {NULL, 0, NULL, 0, 0, NULL}};
	static const struct concbench_option bad_bool[] = {
	    {"b", CONCBENCH_OPT_BOOL, "maybe", 0, 0, "not a boolean"},
	    {NULL, 0, NULL, 0, 0, NULL}};
	static const struct concbench_option bad_type[] = {
	    {"worker", (enum concbench_option_type)99, NULL, 0, 0, "?"},
	    {NULL, 0, NULL, 0, 0, NULL}};
	char err[DIAG_ERR_MAX], want[4200];
	struct scenario scn;
	const char *file;

	file = fixture("bind", "unknown_option.yaml");
	if (load(file, &scn) == 0) {
		is_int(strategy_bind_options(&scn.strategies[0], NULL, file,
		                             err, sizeof(err)),
		       -1, "an option for a plugin without options");
		snprintf(want, sizeof(want),
		         "%s:8:7: strategy 'g': plugin 'good' has no option "
		         "'worker' (it takes no options)",
		         file);
		is_str(err, want, "says it takes no options");
		is_int(strategy_bind_options(&scn.strategies[0], none, file,
		                             err, sizeof(err)),
		       -1, "an empty declaration array is no options");
		is_str(err, want, "with the same message");
		is_int(strategy_bind_options(&scn.strategies[0], bad_type, file,
		                             err, sizeof(err)),
		       -1, "an option of an unknown type");
		snprintf(want, sizeof(want),
		         "%s:8:15: option 'worker' has a type this concbench "
		         "does not know",
		         file);
		is_str(err, want, "is refused at its value");
		scenario_free(&scn);
	}

	file = fixture("good", "options.yaml");
	if (load(file, &scn) == 0) {
		struct strategy_spec *s = &scn.strategies[1];

		is_int(strategy_bind_options(s, NULL, file, err, sizeof(err)),
		       0, "no options, none declared: fine");
		is_int(s->option_count, 0, "and nothing added");
		is_int(
		    strategy_bind_options(s, bad_int, file, err, sizeof(err)),
		    -1, "a declared default that is not an integer");
		snprintf(want, sizeof(want),
		         "%s:16:13: plugin 'good' declares a bad default "
		         "\"abc\" for option 'n'",
		         file);
		is_str(err, want, "is blamed on the plugin, at the strategy");
		is_int(strategy_bind_options(&scn.strategies[0], bad_range,
		                             file, err, sizeof(err)),
		       -1, "options set but not declared");
		snprintf(want, sizeof(want),
		         "%s:9:7: strategy 'set': plugin 'good' has no option "
		         "'workers' (see concbench --plugin-help good)",
		         file);
		is_str(err, want, "fail before any default is looked at");
		scenario_free(&scn);
	}
	if (load(file, &scn) == 0) {
		is_int(strategy_bind_options(&scn.strategies[1], bad_range,
		                             file, err, sizeof(err)),
		       -1,
		       "a default out of range, on a strategy without "
		       "options");
		snprintf(want, sizeof(want),
		         "%s:16:13: plugin 'good' declares a bad default "
		         "\"100\" for option 'm'",
		         file);
		is_str(err, want, "names the default and the option");
		scenario_free(&scn);
	}
	if (load(file, &scn) == 0) {
		is_int(strategy_bind_options(&scn.strategies[1], bad_bool, file,
		                             err, sizeof(err)),
		       -1, "a boolean default that is not true or false");
		snprintf(want, sizeof(want),
		         "%s:16:13: plugin 'good' declares a bad default "
		         "\"maybe\" for option 'b'",
		         file);
		is_str(err, want, "is refused");
		scenario_free(&scn);
	}
}

static void test_spec_init(void)
{
	struct strategy_spec spec;

	is_int(strategy_spec_init(&spec, "threadpool"), 0, "spec for a name");
	is_str(spec.plugin, "threadpool", "plugin");
	is_str(spec.label, "threadpool", "label");
	is_int(spec.option_count, 0, "no options");
	strategy_spec_free(&spec);
	ok(spec.plugin == NULL && spec.label == NULL, "spec freed and cleared");

	is_int(strategy_spec_init(&spec, "../x/my-way.so"), 0,
	       "spec for a path");
	is_str(spec.plugin, "../x/my-way.so", "plugin is the path");
	is_str(spec.label, "my-way", "label is the base name");
	strategy_spec_free(&spec);

	is_int(strategy_spec_init(&spec, ""), -1, "an empty name is refused");
}

int main(void)
{
	char err[1024];
	struct plugin good;

	srcdir = getenv("srcdir");
	if (!srcdir)
		srcdir = ".";
	if (!ok(loader_open(TEST_PLUGIN_DIR "/good.so", &good, err,
	                    sizeof(err)) == 0,
	        "good.so loads")) {
		diag("%s", err);
		return done_testing();
	}
	test_spec_init();
	test_bind_good(good.desc->options);
	test_bind_bad(good.desc->options);
	test_bind_local();
	loader_close(&good);
	return done_testing();
}

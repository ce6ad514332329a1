/* SPDX-License-Identifier: MIT */
/*
 * fuzz_json: the JSON reader in each of its uses: the check of an echo
 * body, the members the list API reads, an array of strings (a listing
 * page), the tree, and a results document read back and exported as CSV,
 * Markdown and the terminal's matrix (concbench report).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "export.h"
#include "json.h"
#include "results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_string(const char *s, size_t n, void *arg)
{
	(void)s;
	*(size_t *)arg += n;
	return 0;
}

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[256], value[64];
	struct json_value *tree;
	struct results res;
	size_t bytes = 0;
	int64_t n;

	if (!sink)
		sink = fopen("/dev/null", "w");
	json_check(text, size, err, sizeof(err));
	json_object_int(text, size, "start", &n);
	json_object_string(text, size, "error", value, sizeof(value));
	json_string_array(text, size, count_string, &bytes, err, sizeof(err));
	tree = json_parse(text, size, err, sizeof(err));
	json_free(tree);
	if (results_read(&res, text, size, err, sizeof(err)) == 0) {
		if (sink) {
			export_csv(sink, &res);
			export_markdown(sink, &res);
			export_matrix(sink, &res);
		}
		results_free(&res);
	}
	return 0;
}

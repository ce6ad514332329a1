#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh: run each libFuzzer harness of a build made with
# ./configure CC=clang --enable-fuzzers, for SECONDS each (default 60),
# with a fixed seed, its seed corpus and, for the scenario loader, the YAML
# dictionary; then say per harness how many inputs it ran, or what it
# found. A crash, a leak, a timeout (10 s for one input) or running out of
# memory (2 GiB) fails the harness: the input that did it is kept in
# OUT/NAME-*, and printed as hex, so that it can join the corpus as a
# regression input (tests/fuzz/corpus/NAME/). Ends with "N passed, N
# failed"; exit status 1 if any failed.
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS [OUT]]
#
# The corpus a harness starts from: tests/fuzz/corpus/NAME, and for the
# scenario loader every shipped scenario and scenario fixture of the tests.
# What a run finds beyond it goes to a scratch directory, not the source
# tree.
set -u

build=${1:?usage: run.sh BUILD_DIR [SECONDS [OUT]]}
seconds=${2:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${3:-$(mktemp -d "${TMPDIR:-/tmp}/concbench-fuzz.XXXXXX")}
mkdir -p "$out"
passed=0
failed=0

# max_len per harness: enough to reach the limits the code has (the
# server's headers are held to 8 KiB in the harness, its bodies to 16 KiB).
for spec in scenario:65536 json:65536 template:4096 listing:65536 server:40000; do
	name=${spec%%:*}
	max_len=${spec#*:}
	bin=$build/tests/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: FAILED: $bin is not built (configure --enable-fuzzers)"
		failed=$((failed + 1))
		continue
	fi
	work=$out/$name.corpus
	seeds=$out/$name.seeds
	mkdir -p "$work" "$seeds"
	cp "$src/tests/fuzz/corpus/$name/"* "$seeds/" 2>/dev/null
	dict=
	if [ "$name" = scenario ]; then
		i=0
		for f in "$src"/scenarios/*.yaml "$src"/tests/scenarios/*/*.yaml \
		    "$src"/tests/integration/fixtures/*.yaml; do
			i=$((i + 1))
			cp "$f" "$seeds/shipped-$i.yaml"
		done
		dict=-dict=$src/tests/fuzz/yaml.dict
	fi
	# Leaks are checked by libFuzzer after each input that allocated
	# more than it freed; ASan stops at the first error.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:abort_on_error=0" \
	UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1" \
	"$bin" -seed=1 -max_total_time="$seconds" -max_len="$max_len" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$out/$name-" $dict "$work" "$seeds" \
	    >"$out/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -1)
	artifacts=$(ls "$out/$name-"* 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ -z "$artifacts" ]; then
		echo "fuzz $name: ok, ${runs:-?} inputs in ${seconds} s, corpus of $(ls "$work" | wc -l) new inputs"
		passed=$((passed + 1))
	else
		echo "fuzz $name: FAILED (exit status $rc) after ${runs:-?} inputs"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$out/$name.log" | head -5
		tail -25 "$out/$name.log"
		for a in $artifacts; do
			echo "input $a:"
			od -An -c "$a" | head -20
		done
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

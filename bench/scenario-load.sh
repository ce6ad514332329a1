#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/scenario-load.sh: what a large scenario costs to load. A count
# list of 1,000,000 values (its last one a repeat, so the load checks
# them all and stops with that error) and a mapping of 40,000 keys
# (request headers); each should load in well under a second: the checks
# of duplicates are linear (a hash set of keys, a sort of the values).
#
#   bench/scenario-load.sh [CONCBENCH]
set -eu

CONCBENCH=${1:-${CONCBENCH:-./concbench}}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

{
	printf 'name: big\nserver: {}\nurls:\n  pattern: "/x/{i}"\n  count: ['
	seq -s, 1 1000000 | tr -d '\n'
	printf ',1]\nstrategies: [serial]\n'
} >"$tmp/list.yaml"
{
	printf 'name: keys\nserver: {}\nurls: {pattern: "/x/{i}", count: 1}\n'
	printf 'strategies: [serial]\nrequest:\n  headers:\n'
	seq 1 40000 | sed 's/.*/    X-H&: v/'
} >"$tmp/keys.yaml"

seconds() # COMMAND...: wall-clock seconds it takes
{
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

echo "$(uname -n), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
printf '1,000,000-value list: %s s (%s)\n' \
    "$(seconds "$CONCBENCH" --dry-run "$tmp/list.yaml")" \
    "$("$CONCBENCH" --dry-run "$tmp/list.yaml" 2>&1 | cut -c1-60 | sed "s|$tmp/||")"
printf '40,000-key mapping:   %s s\n' "$(seconds "$CONCBENCH" --dry-run "$tmp/keys.yaml")"

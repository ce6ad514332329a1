#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/lag.sh: the lag case of issue 3 for every strategy but serial:
# N URLs at concurrency C against the embedded server with a latency of L
# ms, where the ideal makespan is ceil(N/C) x L. Prints, per strategy, the
# best makespan, its ratio to the ideal, the target ratio and peak RSS.
#
#   bench/lag.sh [CONCBENCH]          defaults: N=10000 C=1000 L=100 R=3
#   N=2000 C=200 bench/lag.sh         a smaller case
#
# Every strategy runs in one concbench invocation, so the ratios are
# measured in the same conditions; absolute times on a shared machine are
# noisy, ratios much less so. Reads concbench's JSON with jq.
set -eu

CONCBENCH=${1:-${CONCBENCH:-./concbench}}
N=${N:-10000} C=${C:-1000} L=${L:-100} R=${R:-3}
STRATEGIES=${STRATEGIES:-eventloop mp-eventloop greenlets threadpool executor threads processes}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
list=$(echo $STRATEGIES | sed 's/ /, /g')
cat >"$tmp/lag.yaml" <<EOY
name: lag
description: N=$N at C=$C with $L ms of latency
server: {latency: {ms: $L}, body_bytes: 100}
urls: {pattern: "/lag/{i}", count: $N}
concurrency: $C
strategies: [$list]
repeat: $R
timeout_ms: 60000
EOY

"$CONCBENCH" -q --json "$tmp/lag.json" "$tmp/lag.yaml" >/dev/null || true

ideal=$(awk -v n="$N" -v c="$C" -v l="$L" \
    'BEGIN { printf "%.2f", int((n + c - 1) / c) * l / 1000 }')
echo "lag case: N=$N C=$C latency=${L}ms, ideal makespan ${ideal}s, best of $R"
echo "$(uname -n), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
printf '%-14s %9s %7s %7s %11s  %s\n' strategy best ratio target "peak RSS" status
jq -r --argjson ideal "$ideal" '
	{"eventloop": 1.15, "mp-eventloop": 1.15, "greenlets": 1.20,
	 "threadpool": 1.35, "executor": 1.35, "threads": 1.35,
	 "processes": 1.6} as $target
	| .cells[]
	| [.strategy, .best_s, ($target[.strategy] // null), .peak_rss_bytes,
	   .status]
	| @tsv' "$tmp/lag.json" |
while IFS="$(printf '\t')" read -r s best target rss status; do
	awk -v s="$s" -v best="$best" -v ideal="$ideal" -v t="$target" \
	    -v rss="$rss" -v status="$status" 'BEGIN {
		tt = t == "" ? "-" : sprintf("%.2f", t)
		if (best == "") {
			printf "%-14s %9s %7s %7s %8.1f MiB  %s\n", s, "-", "-",
			    tt, rss / 1048576, status
			exit
		}
		r = best / ideal
		mark = (t != "" && r > t) ? "  OVER TARGET" : ""
		printf "%-14s %8.3fs %7.2f %7s %8.1f MiB  %s%s\n", s, best, r,
		    tt, rss / 1048576, status, mark
	}'
done

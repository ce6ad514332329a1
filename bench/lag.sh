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
# noisy, ratios much less so.
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
awk -v ideal="$ideal" '
	BEGIN {
		target["eventloop"] = 1.15; target["mp-eventloop"] = 1.15
		target["greenlets"] = 1.20; target["threadpool"] = 1.35
		target["executor"] = 1.35; target["threads"] = 1.35
		target["processes"] = 1.6
		printf "%-14s %9s %7s %7s %11s  %s\n", "strategy", "best", "ratio",
		    "target", "peak RSS", "status"
	}
	function field(name,    re) {
		re = "\"" name "\": (\"[^\"]*\"|[^,}]*)"
		if (!match($0, re)) return ""
		v = substr($0, RSTART + length(name) + 4, RLENGTH - length(name) - 4)
		gsub(/"/, "", v)
		return v
	}
	/"strategy":/ { s = field("strategy") }
	/"best_s":/ { best = field("best_s") }
	/"peak_rss_bytes":/ {
		rss = field("peak_rss_bytes"); status = field("status")
		t = (s in target) ? sprintf("%.2f", target[s]) : "-"
		if (best == "null") {
			printf "%-14s %9s %7s %7s %8.1f MiB  %s\n", s, "-", "-", t,
			    rss / 1048576, status
		} else {
			r = best / ideal
			mark = (t != "-" && r > target[s]) ? "  OVER TARGET" : ""
			printf "%-14s %8.3fs %7.2f %7s %8.1f MiB  %s%s\n", s, best, r,
			    t, rss / 1048576, status, mark
		}
	}' "$tmp/lag.json"

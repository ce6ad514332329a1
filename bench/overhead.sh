#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/overhead.sh: what concbench costs on top of libcurl. One
# `concbench serve` (zero latency, 100-byte bodies) takes every client in
# turn: each strategy and a bare libcurl client doing the same requests
# (bench/ref-multi.c, bench/ref-threads.c), N URLs at concurrency C, R
# runs each. Prints, per pair, the ratio of the medians of the request
# rates (concbench / reference), the ratio of the best rates, the ratio
# of the medians of CPU per request, and whether each target is met:
#
#   eventloop      / ref-multi     rate >= 0.95, CPU per request <= 1.10
#   threadpool     / ref-threads   rate >= 0.95 (C threads)
#   mp-eventloop-1 / eventloop     rate within 5% (processes: 1)
#
# then one eventloop run with repeat: 5, its first repeat against the
# median of repeats 2 to 5 (target: within 5%).
#
#   bench/overhead.sh [CONCBENCH]      defaults: N=50000 C=100 R=5
#   QUICK=1 bench/overhead.sh          N=5000, R=3
#   N=20000 C=50 R=7 bench/overhead.sh
#
# CONCBENCH defaults to ./concbench; the reference clients are looked for
# next to it, in bench/ (REF_MULTI, REF_THREADS override). Needs jq and
# curl.
#
# The runs are interleaved, one of every client per round, the order
# reversed every other round, so that a machine getting busier or quieter
# weighs on both sides of a pair alike: absolute figures on a shared
# machine are noisy, ratios of runs interleaved in one script run much
# less so. Every client must send the same requests: the server's request
# count and digest are read after each run and must agree. This is a
# measurement, not a test: it exits 0 whether the targets are met or not,
# and 1 only if something broke (a failed request, a client that did not
# run, requests that differ).
set -eu

CONCBENCH=${1:-${CONCBENCH:-./concbench}}
bindir=$(dirname "$CONCBENCH")
REF_MULTI=${REF_MULTI:-$bindir/bench/ref-multi}
REF_THREADS=${REF_THREADS:-$bindir/bench/ref-threads}
if [ "${QUICK:-0}" = 1 ]; then
	N=${N:-5000} R=${R:-3}
else
	N=${N:-50000} R=${R:-5}
fi
C=${C:-100}
PATTERN="/bench/{i}"
CLIENTS="eventloop ref-multi threadpool ref-threads mp-eventloop-1"

for tool in jq curl; do
	command -v "$tool" >/dev/null ||
	    { echo "overhead.sh: $tool is needed" >&2; exit 1; }
done
for exe in "$CONCBENCH" "$REF_MULTI" "$REF_THREADS"; do
	[ -x "$exe" ] ||
	    { echo "overhead.sh: $exe: not found (run make)" >&2; exit 1; }
done
# concbench goes direct to its embedded server (CURLOPT_NOPROXY), but not
# to a base_url; the references always do: no proxy, for both.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY

tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-overhead.XXXXXX")
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || :
		wait "$server" 2>/dev/null || :
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "overhead.sh: $*" >&2
	exit 1
}

"$CONCBENCH" serve --latency-ms 0 --body-bytes 100 \
    >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
base=
tries=0
while [ -z "$base" ]; do
	kill -0 "$server" 2>/dev/null ||
	    fail "concbench serve exited: $(cat "$tmp/serve.err")"
	[ "$tries" -lt 100 ] || fail "concbench serve: no 'listening on' line"
	sleep 0.1
	tries=$((tries + 1))
	base=$(sed -n 's/^listening on //p' "$tmp/serve.out")
done

scenario() { # FILE STRATEGY REPEAT
	cat >"$1" <<EOY
name: overhead
description: N=$N at C=$C against concbench serve, zero latency
base_url: $base
urls: {pattern: "$PATTERN", count: $N}
concurrency: $C
strategies: [$2]
repeat: $3
EOY
}
scenario "$tmp/eventloop.yaml" eventloop 1
scenario "$tmp/threadpool.yaml" threadpool 1
scenario "$tmp/mp-eventloop-1.yaml" \
    "{plugin: mp-eventloop, name: mp-eventloop-1, options: {processes: 1}}" 1
scenario "$tmp/repeats.yaml" eventloop 5

stats() {
	curl -sf --noproxy '*' "$base/_concbench/stats" ||
	    fail "cannot read the server's statistics"
}

# One run of a client: "CLIENT RATE CPU_US_PER_REQUEST" on fig, and the
# server's digest of its requests on digests.
run() {
	curl -sf --noproxy '*' -X POST "$base/_concbench/reset" ||
	    fail "cannot reset the server's statistics"
	case $1 in
	ref-multi | ref-threads)
		if [ "$1" = ref-multi ]; then exe=$REF_MULTI; else exe=$REF_THREADS; fi
		"$exe" "$base" "$PATTERN" "$N" "$C" >"$tmp/out" 2>"$tmp/err" ||
		    fail "$1 failed: $(cat "$tmp/out" "$tmp/err")"
		line=$(awk '{
			for (i = 2; i <= NF; i++) {
				split($i, kv, "="); v[kv[1]] = kv[2]
			}
			print v["req_per_s"], v["cpu_us_per_req"]
		}' "$tmp/out")
		;;
	*)
		"$CONCBENCH" -q --json "$tmp/run.json" "$tmp/$1.yaml" \
		    >"$tmp/out" 2>"$tmp/err" ||
		    fail "$1 failed: $(cat "$tmp/out" "$tmp/err")"
		line=$(jq -r '.cells[0] |
			"\(.requests_ok / .best_s) \(.cpu_us_per_request)"' \
		    "$tmp/run.json")
		;;
	esac
	s=$(stats)
	got=$(echo "$s" | jq -r .requests)
	[ "$got" = "$N" ] || fail "$1: the server got $got requests, not $N"
	echo "$s" | jq -r --arg c "$1" '"\($c) \(.digest)"' >>"$tmp/digests"
	echo "$1 $line" >>"$tmp/fig"
	echo "$round $1 $line" | awk '{
		printf "  run %d  %-15s %9.0f req/s %8.2f us CPU/request\n",
		    $1, $2, $3, $4 }'
}

echo "overhead: N=$N C=$C, zero latency, 100-byte bodies, $R runs each," \
    "interleaved"
echo "$(uname -n), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
"$CONCBENCH" --version | sed -n 2p
: >"$tmp/fig"
: >"$tmp/digests"
order=$CLIENTS
reversed=$(echo "$CLIENTS" | awk '{ for (i = NF; i > 0; i--)
	printf "%s%s", $i, (i > 1 ? " " : "\n") }')
round=1
while [ "$round" -le "$R" ]; do
	for client in $order; do
		run "$client"
	done
	if [ "$order" = "$CLIENTS" ]; then order=$reversed; else order=$CLIENTS; fi
	round=$((round + 1))
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the runs"

if [ "$(awk '{ print $2 }' "$tmp/digests" | sort -u | wc -l)" -ne 1 ]; then
	sort -u "$tmp/digests" >&2
	fail "the clients did not send the same requests (digests above)"
fi
echo "every run sent the same $N requests (server digest" \
    "$(awk 'NR == 1 { print $2 }' "$tmp/digests"))"

# Median and best (highest) of column 2 or 3 of a client's runs.
median() {
	awk -v c="$1" -v k="$2" '$1 == c { print $k }' "$tmp/fig" | sort -g |
	    awk '{ v[NR] = $1 } END {
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
best() {
	awk -v c="$1" '$1 == c && $2 > b { b = $2 } END { print b }' "$tmp/fig"
}

echo
printf '%-27s %20s %6s %19s  %s\n' "concbench / reference" \
    "median req/s (ratio)" best "CPU us/req (ratio)" targets
pair() { # CONCBENCH-CLIENT REFERENCE-CLIENT
	awk -v a="$1" -v b="$2" -v ra="$(median "$1" 2)" \
	    -v rb="$(median "$2" 2)" -v ba="$(best "$1")" -v bb="$(best "$2")" \
	    -v ca="$(median "$1" 3)" -v cb="$(median "$2" 3)" 'BEGIN {
		r = ra / rb; c = ca / cb
		if (a == "eventloop")
			t = sprintf("rate >= 0.95: %s; CPU/request <= 1.10: %s",
			    (r >= 0.95 ? "met" : "MISSED"),
			    (c <= 1.10 ? "met" : "MISSED"))
		else if (a == "threadpool")
			t = sprintf("rate >= 0.95: %s",
			    (r >= 0.95 ? "met" : "MISSED"))
		else
			t = sprintf("rate within 5%%: %s",
			    (r >= 0.95 && r <= 1.05 ? "met" : "MISSED"))
		printf "%-27s %6.0f/%-6.0f %5.3f %6.3f %5.1f/%-5.1f %5.3f  %s\n",
		    a " / " b, ra, rb, r, ba / bb, ca, cb, c, t
	}'
}
pair eventloop ref-multi
pair threadpool ref-threads
pair mp-eventloop-1 eventloop

# The first repeat of a cell against the ones after it: what a cold start
# (new connections, first allocations) costs in the headline's repeat.
echo
"$CONCBENCH" -q --json "$tmp/repeats.json" "$tmp/repeats.yaml" \
    >"$tmp/out" 2>"$tmp/err" ||
    fail "eventloop, repeat: 5, failed: $(cat "$tmp/out" "$tmp/err")"
jq -r '.cells[0].times_s | map(tostring) | join(" ")' "$tmp/repeats.json" |
    awk '{
	if (NF < 2) { print "eventloop, repeat: 5: fewer than 2 times"; exit }
	n = 0
	for (i = 2; i <= NF; i++) v[++n] = $i
	for (i = 1; i <= n; i++)	# insertion sort: four numbers
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	r = $1 / m
	printf "eventloop, repeat: 5: first repeat %.4f s, median of repeats " \
	    "2..%d %.4f s, ratio %.3f; within 5%%: %s\n", $1, NF, m, r,
	    (r >= 0.95 && r <= 1.05 ? "met" : "MISSED")
	printf "  times_s: %s\n", $0
}'

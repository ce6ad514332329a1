#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/instructions.sh: what concbench's host and plugins add to a
# request, counted instead of timed. Each strategy of bench/overhead.sh
# and its bare libcurl reference run under valgrind's cachegrind against
# one `concbench serve` (zero latency, 100-byte bodies): twice each, N and
# 2N URLs at concurrency C, so that a request's share is the difference
# over N, and start-up, loading and the C connections cancel out. The
# process counted is the one that did the transfers: of the processes
# concbench forks, the one of the most instructions (the measurement
# child; mp-eventloop's worker), not concbench's own, which samples the
# child's memory on a clock (under valgrind, some fifty times as often
# per request as in a real run). Prints, per
# client, instructions and first-level instruction-cache misses per
# request; per pair, their ratios:
#
#   eventloop      / ref-multi
#   threadpool     / ref-threads
#   mp-eventloop-1 / eventloop
#
#   bench/instructions.sh [CONCBENCH]   defaults: N=10000 C=100 (minutes)
#   CLIENTS="eventloop ref-multi" bench/instructions.sh    some of them
#
# The counts repeat to within a fraction of a per cent for the same
# binaries and inputs on a quiet machine (beside other load, time-bound
# work, curl's timers and how many events one wait returns, moved a pair
# by up to 5%), where the rates of overhead.sh vary by tens of per cent
# from run to run on a shared machine; they leave out the kernel's side (the system calls, which
# strace -c finds the same in number on both sides) and what a miss
# costs. A cache miss is counted on cachegrind's model of this machine's
# first-level caches. The 2N runs of every client must send the same
# requests (the server's digest). Needs valgrind, jq and curl; CONCBENCH
# defaults to ./concbench, the references are looked for next to it.
set -eu

CONCBENCH=${1:-${CONCBENCH:-./concbench}}
N=${N:-10000} C=${C:-100}
PATTERN="/bench/{i}"
CLIENTS=${CLIENTS:-eventloop ref-multi threadpool ref-threads mp-eventloop-1}

NAME=instructions.sh
. "$(dirname "$0")/serve.sh"
bench_need valgrind jq curl
bench_serve --latency-ms 0

# count CLIENT URLS: "INSTRUCTIONS I1_MISSES" of the process of the most
# instructions, in a run of CLIENT over URLS URLs.
count() {
	rm -f "$tmp"/cg.*
	bench_reset
	case $1 in
	ref-*)
		exe=$REF_THREADS
		[ "$1" = ref-multi ] && exe=$REF_MULTI
		set -- "$exe" "$base" "$PATTERN" "$2" "$C"
		;;
	*)
		strategy=$1
		[ "$1" = mp-eventloop-1 ] && strategy="{plugin: mp-eventloop, \
name: mp-eventloop-1, options: {processes: 1}}"
		bench_scenario "$tmp/run.yaml" "$strategy" 1 "$2"
		set -- "$CONCBENCH" -q "$tmp/run.yaml"
		;;
	esac
	valgrind -q --tool=cachegrind --cache-sim=yes \
	    --cachegrind-out-file="$tmp/cg.%p" "$@" >"$tmp/out" 2>"$tmp/err" &
	first=$!
	wait "$first" || fail "$*: failed: $(cat "$tmp/out" "$tmp/err")"
	# concbench's own process only reads, forks and samples: on a small
	# N it may execute more than the child that made the requests.
	[ "$(ls "$tmp"/cg.* | wc -l)" -eq 1 ] || rm -f "$tmp/cg.$first"
	# summary: Ir I1mr ILmr Dr ...
	awk '$1 == "summary:" { print $2, $3 }' "$tmp"/cg.* | sort -n | tail -1
}

echo "instructions per request: N=$N and $((2 * N)) URLs at C=$C," \
    "latency 0 ms, 100-byte bodies, under cachegrind"
echo "$(uname -n), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
valgrind --version
: >"$tmp/fig"
: >"$tmp/digests"
for client in $CLIENTS; do
	once=$(count "$client" "$N")
	twice=$(count "$client" $((2 * N)))
	s=$(bench_stats)
	got=$(echo "$s" | jq -r .requests)
	[ "$got" = $((2 * N)) ] ||
	    fail "$client: the server got $got requests, not $((2 * N))"
	echo "$s" | jq -r .digest >>"$tmp/digests"
	echo "$client $once $twice" | awk -v n="$N" '{
		printf "%s %.1f %.2f\n", $1, ($4 - $2) / n, ($5 - $3) / n
	}' >>"$tmp/fig"
done
[ "$(sort -u "$tmp/digests" | wc -l)" -eq 1 ] ||
    fail "the clients did not send the same requests (digests: $(sort -u "$tmp/digests" | tr '\n' ' '))"
echo "every client sent the same $((2 * N)) requests (server digest" \
    "$(head -1 "$tmp/digests"))"
echo
printf '%-16s %22s %20s\n' client "instructions/request" "I1 misses/request"
awk '{ printf "%-16s %22.0f %20.1f\n", $1, $2, $3 }' "$tmp/fig"
echo
printf '%-30s %13s %10s\n' "concbench / reference" instructions "I1 misses"
ratio() { # CLIENT REFERENCE
	awk -v a="$1" -v b="$2" '
	$1 == a { ia = $2; ma = $3 }
	$1 == b { ib = $2; mb = $3 }
	END {
		if (ia && ib && ma && mb)
			printf "%-30s %13.3f %10.3f\n", a " / " b, ia / ib, ma / mb
	}
	' "$tmp/fig"
}
ratio eventloop ref-multi
ratio threadpool ref-threads
ratio mp-eventloop-1 eventloop

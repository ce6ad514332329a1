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
# client and per request, instructions, first-level instruction-cache
# misses, first-level data-cache misses (reads and writes) and misses of
# the second level (this machine's L2, from sysfs, as cachegrind's last
# level); per pair, their ratios:
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
# from run to run on a shared machine; they leave out the kernel's side
# (the system calls, which strace -c finds the same in number on both
# sides) and what a miss costs. The misses are counted on cachegrind's
# model of this machine's caches, which follows neither its prefetchers
# nor its replacement policy: they say where concbench's memory traffic
# differs from the reference's, and which way, more than by how much in
# time (a second-level miss costs tens of cycles, a first-level one about
# ten; at some 20 us of CPU a request, 100 more first-level misses are
# about 2% of it); a pair whose reference misses less than once a request
# has no ratio ("-"). The 2N runs of every client must send the same
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

# This machine's unified second-level cache, for cachegrind's last level:
# "--LL=SIZE,WAYS,LINE", or nothing (cachegrind's own guess) if sysfs
# does not say.
l2_option() {
	for d in /sys/devices/system/cpu/cpu0/cache/index*; do
		[ "$(cat "$d/level" 2>/dev/null)" = 2 ] || continue
		[ "$(cat "$d/type" 2>/dev/null)" = Unified ] || continue
		size=$(cat "$d/size") ways=$(cat "$d/ways_of_associativity")
		line=$(cat "$d/coherency_line_size")
		case $size in
		*K) size=$((${size%K} * 1024)) ;;
		*M) size=$((${size%M} * 1048576)) ;;
		esac
		echo "--LL=$size,$ways,$line"
		return
	done
}
LL=$(l2_option)

# count CLIENT URLS: "INSTRUCTIONS I1_MISSES D1_MISSES L2_MISSES" of the
# process of the most instructions, in a run of CLIENT over URLS URLs.
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
		bench_scenario "$tmp/run.yaml" "$1" 1 "$2"
		set -- "$CONCBENCH" -q "$tmp/run.yaml"
		;;
	esac
	# shellcheck disable=SC2086 # LL is one word or none
	valgrind -q --tool=cachegrind --cache-sim=yes $LL \
	    --cachegrind-out-file="$tmp/cg.%p" "$@" >"$tmp/out" 2>"$tmp/err" &
	first=$!
	wait "$first" || fail "$*: failed: $(cat "$tmp/out" "$tmp/err")"
	# concbench's own process only reads, forks and samples: on a small
	# N it may execute more than the child that made the requests.
	[ "$(ls "$tmp"/cg.* | wc -l)" -eq 1 ] || rm -f "$tmp/cg.$first"
	# summary: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw
	awk '$1 == "summary:" { print $2, $3, $6 + $9, $4 + $7 + $10 }' \
	    "$tmp"/cg.* | sort -n | tail -1
}

echo "instructions per request: N=$N and $((2 * N)) URLs at C=$C," \
    "latency 0 ms, 100-byte bodies, under cachegrind" \
    "(L2: ${LL:-cachegrind's guess of the last level})"
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
		printf "%s %.1f %.2f %.2f %.2f\n", $1, ($6 - $2) / n,
		    ($7 - $3) / n, ($8 - $4) / n, ($9 - $5) / n
	}' >>"$tmp/fig"
done
[ "$(sort -u "$tmp/digests" | wc -l)" -eq 1 ] ||
    fail "the clients did not send the same requests (digests: $(sort -u "$tmp/digests" | tr '\n' ' '))"
echo "every client sent the same $((2 * N)) requests (server digest" \
    "$(head -1 "$tmp/digests"))"
echo
echo "per request:"
printf '%-16s %13s %10s %10s %10s\n' client instructions "I1 misses" \
    "D1 misses" "L2 misses"
# Below 0.05 a request (noise, at times below zero): none.
awk '{
	for (i = 3; i <= 5; i++)
		if ($i < 0.05) $i = 0
	printf "%-16s %13.0f %10.1f %10.1f %10.1f\n", $1, $2, $3, $4, $5
}' "$tmp/fig"
echo
printf '%-30s %13s %10s %10s %10s\n' "concbench / reference" instructions \
    "I1 misses" "D1 misses" "L2 misses"
ratio() { # CLIENT REFERENCE
	awk -v a="$1" -v b="$2" '
	$1 == a { for (i = 2; i <= 5; i++) x[i] = $i; seen_a = 1 }
	$1 == b { for (i = 2; i <= 5; i++) y[i] = $i; seen_b = 1 }
	END {
		if (!seen_a || !seen_b)
			exit
		printf "%-30s", a " / " b
		for (i = 2; i <= 5; i++)
			if (y[i] >= 1)	# fewer than one a request: no ratio
				printf " %*.3f", i == 2 ? 13 : 10, x[i] / y[i]
			else
				printf " %*s", i == 2 ? 13 : 10, "-"
		printf "\n"
	}
	' "$tmp/fig"
}
ratio eventloop ref-multi
ratio threadpool ref-threads
ratio mp-eventloop-1 eventloop

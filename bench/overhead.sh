#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/overhead.sh: what concbench costs on top of libcurl. One
# `concbench serve` (zero latency, 100-byte bodies) takes every client in
# turn: each strategy and a bare libcurl client doing the same requests
# (bench/ref-multi.c, bench/ref-threads.c), N URLs at concurrency C, R
# runs each. Prints, per pair, the ratios of the two clients' request
# rates (concbench / reference) run by run, each run against the other
# client's run of the same round: their median and their range (how much
# one comparison varies); the ratio of the best rates (best of R); the
# ratios of their CPU per request, run by run in the same way; and whether
# each target is met, for the median and for the best:
#
#   eventloop      / ref-multi     rate >= 0.95, CPU per request <= 1.10
#   threadpool     / ref-threads   rate >= 0.95 (C threads)
#   mp-eventloop-1 / eventloop     rate within 5% (processes: 1)
#   ref-multi-2    / ref-multi     the control: ref-multi run twice a
#                                  round, judged as mp-eventloop-1 is
#
# then R eventloop cells with repeat: 5, each one's first repeat against the
# median of its repeats 2 to 5 (target: the median ratio within 5%).
#
#   bench/overhead.sh [CONCBENCH]      defaults: N=50000 C=100 R=5
#   QUICK=1 bench/overhead.sh          N=5000, R=3
#   N=20000 C=50 R=7 bench/overhead.sh
#   PIN=1 bench/overhead.sh            the server on CPU 0, the clients on
#                                      the others (taskset)
#   LAG=1 bench/overhead.sh            the lag case instead: N=10000
#                                      C=1000, 100 ms of latency (L=), R=3,
#                                      eventloop / ref-multi within 5% of
#                                      the makespan (a rate ratio of
#                                      0.952), threads / ref-threads
#                                      --per-request and threadpool /
#                                      ref-threads within 10% (0.909)
#
# CONCBENCH defaults to ./concbench; the reference clients are looked for
# next to it, in bench/ (REF_MULTI, REF_THREADS override). Needs jq and
# curl.
#
# The runs are interleaved, one of every client per round, the order
# reversed every other round, so that a machine getting busier or quieter
# weighs on both sides of a pair alike: absolute figures on a shared
# machine are noisy, ratios of runs interleaved in one script run much
# less so, and a ratio of two runs next to each other in time least.
# Every client must send the same requests: the server's request
# count and digest are read after each run and must agree. This is a
# measurement, not a test: it exits 0 whether the targets are met or not,
# and 1 only if something broke (a failed request, a client that did not
# run, requests that differ).
set -eu

CONCBENCH=${1:-${CONCBENCH:-./concbench}}
LAG=${LAG:-0}
if [ "$LAG" != 0 ]; then
	N=${N:-10000} C=${C:-1000} L=${L:-100} R=${R:-3}
	CLIENTS="eventloop ref-multi threads ref-threads-per-request threadpool ref-threads"
elif [ "${QUICK:-0}" = 1 ]; then
	N=${N:-5000} R=${R:-3}
else
	N=${N:-50000} R=${R:-5}
fi
C=${C:-100}
L=${L:-0}
PIN=${PIN:-0}
PATTERN="/bench/{i}"
CLIENTS=${CLIENTS:-eventloop ref-multi ref-multi-2 threadpool ref-threads mp-eventloop-1}

NAME=overhead.sh
. "$(dirname "$0")/serve.sh"
# shellcheck disable=SC2046 # taskset or nothing
bench_need jq curl $([ "$PIN" = 0 ] || echo taskset)

# Pinned, the server has CPU 0 and the clients every other one: neither
# takes the other's CPU, at the price of a server with one CPU only.
client_cpus=
serve_pin=
if [ "$PIN" != 0 ]; then
	cpus=$(nproc)
	[ "$cpus" -ge 2 ] || fail "PIN=1 needs 2 CPUs or more"
	client_cpus=1-$((cpus - 1))
	serve_pin="--cpus 0"
fi
pinned() {
	if [ -n "$client_cpus" ]; then taskset -c "$client_cpus" "$@"; else "$@"; fi
}
# shellcheck disable=SC2086 # serve_pin is two words or none
bench_serve --latency-ms "$L" $serve_pin

bench_scenario "$tmp/eventloop.yaml" eventloop 1
bench_scenario "$tmp/threadpool.yaml" threadpool 1
bench_scenario "$tmp/threads.yaml" threads 1
bench_scenario "$tmp/mp-eventloop-1.yaml" mp-eventloop-1 1
bench_scenario "$tmp/repeats.yaml" eventloop 5

# One run of a client: "CLIENT RATE CPU_US_PER_REQUEST" on fig, and the
# server's digest of its requests on digests.
run() {
	bench_reset
	case $1 in
	ref-*)
		exe=$REF_THREADS flag=
		case $1 in
		ref-multi | ref-multi-2) exe=$REF_MULTI ;;
		ref-threads-per-request) flag=--per-request ;;
		esac
		# shellcheck disable=SC2086 # flag is one word or none
		pinned "$exe" $flag "$base" "$PATTERN" "$N" "$C" \
		    >"$tmp/out" 2>"$tmp/err" ||
		    fail "$1 failed: $(cat "$tmp/out" "$tmp/err")"
		line=$(awk '{
			for (i = 2; i <= NF; i++) {
				split($i, kv, "="); v[kv[1]] = kv[2]
			}
			print v["req_per_s"], v["cpu_us_per_req"]
		}' "$tmp/out")
		;;
	*)
		pinned "$CONCBENCH" -q --json "$tmp/run.json" "$tmp/$1.yaml" \
		    >"$tmp/out" 2>"$tmp/err" ||
		    fail "$1 failed: $(cat "$tmp/out" "$tmp/err")"
		line=$(jq -r '.cells[0] |
			"\(.requests_ok / .best_s) \(.cpu_us_per_request)"' \
		    "$tmp/run.json")
		;;
	esac
	s=$(bench_stats)
	got=$(echo "$s" | jq -r .requests)
	[ "$got" = "$N" ] || fail "$1: the server got $got requests, not $N"
	echo "$s" | jq -r --arg c "$1" '"\($c) \(.digest)"' >>"$tmp/digests"
	echo "$1 $line $round" >>"$tmp/fig"
	echo "$round $1 $line" | awk '{
		printf "  run %d  %-15s %9.0f req/s %8.2f us CPU/request\n",
		    $1, $2, $3, $4 }'
}

echo "overhead: N=$N C=$C, latency $L ms, 100-byte bodies, $R runs each," \
    "interleaved$([ "$PIN" = 0 ] || echo ", server on CPU 0, clients on $client_cpus")"
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

echo
printf '%-34s %-22s %7s  %-22s  %s\n' "concbench / reference" \
    "rate ratio, run by run" "best" "CPU/req, run by run" \
    "targets (median; best)"
# Per pair: the median and range of the rate ratios of the runs of one
# round, the ratio of the best rates, the median and range of the CPU per
# request ratios of the runs of one round, and the targets, judged on the
# median and on the best: a rate ratio of LOW at least, and of HIGH at
# most if given; CPU per request HIGH_CPU times the reference's at most
# (its median), if given. The CPU per request of one client moves from
# run to run as much as its rate (a shared VM's CPU is not always as
# fast): a ratio of medians would compare runs far apart in time.
pair() { # CONCBENCH-CLIENT REFERENCE-CLIENT LOW [HIGH [HIGH_CPU]]
	awk -v a="$1" -v b="$2" -v low="$3" -v high="${4:-}" -v high_cpu="${5:-}" '
	function median(v, n,   i, j, t) {
		for (i = 2; i <= n; i++)	# insertion sort: a few numbers
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function judge(r) {
		return r >= low && (high == "" || r <= high) ? "met" : "MISSED"
	}
	$1 == a { rate_a[$4] = $2; cpu_a[$4] = $3; if ($2 > best_a) best_a = $2 }
	$1 == b { rate_b[$4] = $2; cpu_b[$4] = $3; if ($2 > best_b) best_b = $2 }
	END {
		for (round in rate_a)
			if (round in rate_b) {
				ratio[++n] = rate_a[round] / rate_b[round]
				cpu_ratio[n] = cpu_a[round] / cpu_b[round]
			}
		m = median(ratio, n)	# sorts ratio[]
		best = best_a / best_b
		cpu = median(cpu_ratio, n)
		what = high == "" ? "rate >= " low : "rate " low " to " high
		t = sprintf("%s: %s; %s", what, judge(m), judge(best))
		if (high_cpu != "")
			t = t sprintf(", CPU/request <= %s: %s", high_cpu,
			    cpu <= high_cpu + 0 ? "met" : "MISSED")
		printf "%-34s %5.3f [%5.3f .. %5.3f] %7.3f  %5.3f [%5.3f .. %5.3f]  %s\n",
		    a " / " b, m, ratio[1], ratio[n], best, cpu, cpu_ratio[1],
		    cpu_ratio[n], t
	}' "$tmp/fig"
}
if [ "$LAG" != 0 ]; then
	# The makespan within 5% and 10%: a rate ratio of 1/1.05, 1/1.10.
	pair eventloop ref-multi 0.952
	pair threads ref-threads-per-request 0.909
	pair threadpool ref-threads 0.909
	exit 0
fi
pair eventloop ref-multi 0.95 "" 1.10
pair threadpool ref-threads 0.95
pair mp-eventloop-1 eventloop 0.95 1.05
# The control: ref-multi run twice in each round, next to itself as
# eventloop is next to it. Two runs of one client differ only by what the
# machine did meanwhile; a verdict above that the control would miss as
# well says more about the machine than about concbench.
control=$(pair ref-multi-2 ref-multi 0.95 1.05)
echo "$control"
echo "(ref-multi-2 is ref-multi again, the control: how far one client" \
    "lands from itself here)"
case $control in
*MISSED*)
	echo "the control missed too: the machine varies by more than the" \
	    "targets' 5% now, and decides the verdicts above as much as" \
	    "concbench does (bench/instructions.sh counts instead)" ;;
esac

# The first repeat of a cell against the ones after it: what a cold start
# (new connections, first allocations) costs in the headline's repeat.
# One cell's times are as noisy as any run's: R cells, and the median and
# range of their ratios.
echo
: >"$tmp/first"
round=1
while [ "$round" -le "$R" ]; do
	pinned "$CONCBENCH" -q --json "$tmp/repeats.json" "$tmp/repeats.yaml" \
	    >"$tmp/out" 2>"$tmp/err" ||
	    fail "eventloop, repeat: 5, failed: $(cat "$tmp/out" "$tmp/err")"
	jq -r '.cells[0].times_s | map(tostring) | join(" ")' \
	    "$tmp/repeats.json" >>"$tmp/first"
	round=$((round + 1))
done
awk '
function median(v, n,   i, j, t) {
	for (i = 2; i <= n; i++)	# insertion sort: a few numbers
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
NF >= 2 {
	k = 0
	for (i = 2; i <= NF; i++) later[++k] = $i
	ratio[++n] = $1 / median(later, k)
	printf "  cell %d: times_s %s: first / median of the rest %.3f\n",
	    n, $0, ratio[n]
}
END {
	if (n == 0) { print "eventloop, repeat: 5: fewer than 2 times"; exit 1 }
	m = median(ratio, n)
	printf "eventloop, repeat: 5, %d cells: first repeat / median of " \
	    "repeats 2..5: %.3f [%.3f .. %.3f]; within 5%%: %s\n", n, m,
	    ratio[1], ratio[n], (m >= 0.95 && m <= 1.05 ? "met" : "MISSED")
}' "$tmp/first" || fail "eventloop, repeat: 5: fewer than 2 times"

#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/recording.sh: what measuring costs. eventloop at zero latency
# (N requests at concurrency C, 100-byte bodies) with the per-request
# recording (latency histogram, set-up and tear-down times, connection
# counts) against the same source built with it compiled out
# (-DCB_NO_RECORDING), runs interleaved A B A B ..., RUNS of each; prints
# the median rate and CPU per request of each, and their ratios (the
# CPU of the measurement process counts what recording adds; the rate is
# what it costs the strategy, noisier on a shared machine).
#
#   bench/recording.sh [BUILD_DIR]      defaults: N=100000 C=100 RUNS=5
#
# BUILD_DIR is a configured and built tree (default: the current
# directory); the build without recording is made next to it, in
# BUILD_DIR/bench-norec, from the same sources and configure flags.
set -eu

B=$(cd "${1:-.}" && pwd)
N=${N:-100000} C=${C:-100} RUNS=${RUNS:-5}
src=$(sed -n 's/^abs_top_srcdir = //p' "$B/Makefile")
flags=$(sed -n 's/^ac_cs_config=//p' "$B/config.status" | tr -d "'")
norec=$B/bench-norec

if [ ! -x "$norec/concbench" ]; then
	echo "building without recording in $norec ..." >&2
	mkdir -p "$norec"
	(cd "$norec" && eval "\"$src/configure\" $flags CPPFLAGS=-DCB_NO_RECORDING" >/dev/null &&
		make -j"$(nproc)" >/dev/null)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/rate.yaml" <<EOY
name: rate
server: {latency: {ms: 0}, body_bytes: 100}
urls: {pattern: "/r/{i}", count: $N}
concurrency: $C
strategies: [eventloop]
repeat: 1
EOY

rate() # BINARY OUT: one run; its rate and CPU per request to OUT.rate, .cpu
{
	"$1" -q --json "$tmp/r.json" "$tmp/rate.yaml" >/dev/null
	jq -r '.cells[0].requests_per_s' "$tmp/r.json" >>"$2.rate"
	jq -r '.cells[0].cpu_us_per_request' "$tmp/r.json" >>"$2.cpu"
}

median() # numbers on stdin
{
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

i=0
while [ $i -lt "$RUNS" ]; do
	rate "$B/concbench" "$tmp/with"
	rate "$norec/concbench" "$tmp/without"
	i=$((i + 1))
done
echo "eventloop, N=$N C=$C, zero latency, median of $RUNS interleaved runs"
echo "$(uname -n), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
for what in rate cpu; do
	a=$(median <"$tmp/with.$what")
	b=$(median <"$tmp/without.$what")
	unit="req/s"
	[ $what = cpu ] && unit="us CPU/request"
	printf '%-4s with recording:    %10.1f %s  (%s)\n' $what "$a" "$unit" "$(tr '\n' ' ' <"$tmp/with.$what")"
	printf '%-4s without recording: %10.1f %s  (%s)\n' $what "$b" "$unit" "$(tr '\n' ' ' <"$tmp/without.$what")"
	awk -v a="$a" -v b="$b" -v w=$what 'BEGIN {
		if (w == "rate") printf "rate ratio: %.3f (target >= 0.98)\n", a / b
		else printf "CPU ratio:  %.3f\n", a / b }'
done

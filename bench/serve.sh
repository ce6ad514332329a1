# SPDX-License-Identifier: MIT
# bench/serve.sh: sourced by the benchmarks that hold concbench up to the
# bare clients of bench/ (overhead.sh, instructions.sh): the reference
# clients, one temporary directory, one `concbench serve` that every
# client of a run takes in turn, and their cleanup on every way out.
# Expects CONCBENCH and the script's name in NAME; sets REF_MULTI and
# REF_THREADS (next to CONCBENCH unless set), tmp, and server and base
# once bench_serve has run.

bindir=$(dirname "$CONCBENCH")
REF_MULTI=${REF_MULTI:-$bindir/bench/ref-multi}
REF_THREADS=${REF_THREADS:-$bindir/bench/ref-threads}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-$NAME.XXXXXX")
server=
base=
bench_cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || :
		wait "$server" 2>/dev/null || :
	fi
	rm -rf "$tmp"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "$NAME: $*" >&2
	exit 1
}

# bench_need TOOL...: the commands the script runs, and the clients.
bench_need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null || fail "$tool is needed"
	done
	for exe in "$CONCBENCH" "$REF_MULTI" "$REF_THREADS"; do
		[ -x "$exe" ] || fail "$exe: not found (run make)"
	done
}

# concbench goes direct to its embedded server (CURLOPT_NOPROXY), but not
# to a base_url; the references always do: no proxy, for both.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY

# bench_serve [SERVE-OPTION...]: start the server with 100-byte bodies and
# wait for the address it prints.
bench_serve() {
	"$CONCBENCH" serve --body-bytes 100 "$@" \
	    >"$tmp/serve.out" 2>"$tmp/serve.err" &
	server=$!
	tries=0
	while [ -z "$base" ]; do
		kill -0 "$server" 2>/dev/null ||
		    fail "concbench serve exited: $(cat "$tmp/serve.err")"
		[ "$tries" -lt 100 ] || fail "concbench serve: no 'listening on' line"
		sleep 0.1
		tries=$((tries + 1))
		base=$(sed -n 's/^listening on //p' "$tmp/serve.out")
	done
}

# bench_scenario FILE STRATEGY REPEAT [COUNT]: COUNT (default N) URLs of
# PATTERN at concurrency C on the server, as the script's references
# fetch them. STRATEGY mp-eventloop-1 is mp-eventloop with one process.
bench_scenario() {
	if [ "$2" = mp-eventloop-1 ]; then
		set -- "$1" "{plugin: mp-eventloop, name: mp-eventloop-1, \
options: {processes: 1}}" "$3" "${4:-$N}"
	fi
	cat >"$1" <<EOY
name: $NAME
description: N=${4:-$N} at C=$C against concbench serve, latency ${L:-0} ms
base_url: $base
urls: {pattern: "$PATTERN", count: ${4:-$N}}
concurrency: $C
strategies: [$2]
repeat: $3
EOY
}

# bench_stats: the server's statistics, as JSON.
bench_stats() {
	curl -sf --noproxy '*' "$base/_concbench/stats" ||
	    fail "cannot read the server's statistics"
}

bench_reset() {
	curl -sf --noproxy '*' -X POST "$base/_concbench/reset" ||
	    fail "cannot reset the server's statistics"
}

# SPDX-License-Identifier: MIT
# lib.sh: shared helpers of the integration tests (POSIX sh, sourced).
#
# The environment comes from tests/integration.am: CONCBENCH (the binary
# under test), TEST_PLUGIN_DIR (the test plugins, real .so files),
# abs_top_srcdir, abs_top_builddir, PACKAGE_VERSION, pkglibdir (where the
# installed concbench looks for plugins), CC, PKG_CONFIG, AWK.
# JSON is read with jq.
#
# TAP: every check prints "ok N - text" or "not ok N - text" (with "#"
# diagnostics after a failure); done_testing prints the plan "1..N" last,
# so a script that dies half-way has no plan and counts as an error;
# otherwise scripts exit 0 and the driver counts the "not ok" lines.
#
# Scratch files go to $T, a fresh directory removed on exit; every
# background process registered with bg_track is killed (by its PID) on
# exit too.

LC_ALL=C
export LC_ALL
unset CONCBENCH_PLUGIN_PATH

: "${CONCBENCH:?CONCBENCH is not set: run me through make check}"
: "${AWK:=awk}"
: "${CB_TIMEOUT:=120}"
if [ -z "${abs_top_srcdir:-}" ]; then
	abs_top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
fi
: "${abs_top_builddir:=$(cd "$(dirname "$CONCBENCH")" && pwd)}"
: "${TEST_PLUGIN_DIR:=$abs_top_builddir/tests/plugins/.libs}"
FIXTURES=$abs_top_srcdir/tests/integration/fixtures

tap_n=0
tap_bad=0
tracked=

T=$(mktemp -d "${TMPDIR:-/tmp}/concbench-it.XXXXXX") || {
	echo "Bail out! cannot make a temporary directory"
	exit 99
}

cleanup()
{
	for p in $tracked; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- TAP ---------------------------------------------------------------

diag()
{
	printf '%s\n' "$@" | sed 's/^/# /'
}

pass()
{
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s\n' "$tap_n" "$1"
}

# fail TEXT [DIAGNOSTIC...]
fail()
{
	tap_n=$((tap_n + 1))
	tap_bad=$((tap_bad + 1))
	printf 'not ok %d - %s\n' "$tap_n" "$1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}

skip()
{
	tap_n=$((tap_n + 1))
	printf 'ok %d # SKIP %s\n' "$tap_n" "$1"
}

# check TEXT COMMAND...: ok if COMMAND succeeds
check()
{
	_text=$1
	shift
	# what it prints is not TAP
	if "$@" >/dev/null; then pass "$_text"; else fail "$_text" "failed: $*"; fi
}

# is GOT WANT TEXT
is()
{
	if [ "x$1" = "x$2" ]; then
		pass "$3"
	else
		fail "$3" "got:  '$1'" "want: '$2'"
	fi
}

# like TEXT ERE TEXT: ok if some line of TEXT matches the ERE
like()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3" "no line matches /$2/ in:" "$(printf '%s\n' "$1" | head -20)"
	fi
}

# unlike TEXT ERE TEXT: ok if no line of TEXT matches the ERE
unlike()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		fail "$3" "unexpected line matching /$2/:" \
		    "$(printf '%s\n' "$1" | grep -E -- "$2" | head -5)"
	else
		pass "$3"
	fi
}

# cmp_num_q A OP B, OP one of < <= == != >= >: true if A OP B as numbers
cmp_num_q()
{
	[ -n "$1" ] && [ -n "$3" ] &&
	    "$AWK" -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		a += 0; b += 0
		if (op == "<") r = a < b; else if (op == "<=") r = a <= b
		else if (op == "==") r = a == b; else if (op == "!=") r = a != b
		else if (op == ">=") r = a >= b; else if (op == ">") r = a > b
		else r = 0
		exit !r }'
}

# cmp_num A OP B TEXT: a check that A OP B as numbers
cmp_num()
{
	if cmp_num_q "$1" "$2" "$3"; then
		pass "$4"
	else
		fail "$4" "want: '$1' $2 '$3'"
	fi
}

done_testing()
{
	echo "1..$tap_n"
	return 0
}

# ---- running concbench ---------------------------------------------------

# cb ARG...: run concbench under timeout; stdout in $T/out ($out), stderr
# in $T/err ($err), exit status in $rc, seconds taken in $secs.
cb()
{
	_t0=$(now)
	timeout -k 5 "$CB_TIMEOUT" "$CONCBENCH" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	secs=$("$AWK" -v a="$_t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
	out=$(cat "$T/out")
	err=$(cat "$T/err")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		diag "concbench $* timed out after ${CB_TIMEOUT}s"
	fi
}

# sanitized: concbench was built with a sanitizer (its timings and memory
# are the sanitizer's, and valgrind does not run it)
sanitized()
{
	nm "$CONCBENCH" 2>/dev/null | grep -Eq '__(asan|ubsan|tsan|msan)_'
}

# show_run: the last run, as diagnostics
show_run()
{
	diag "exit status $rc after ${secs}s" "stdout:" "$out" "stderr:" "$err"
}

now()
{
	date +%s.%N
}

# bg_track PID...: kill these on exit
bg_track()
{
	tracked="$tracked $*"
}

# alive PID: the process exists and is not a zombie
alive()
{
	[ -r "/proc/$1/stat" ] || return 1
	_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# wait_gone PID SECONDS: wait until PID is dead (or a zombie); false if not
wait_gone()
{
	_i=0
	while alive "$1"; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($2 * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# wait_file_line FILE ERE SECONDS: wait until a line of FILE matches
wait_file_line()
{
	_i=0
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($3 * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# child_of PID: the PID of PID's (first) child, waiting up to 5 s for it
child_of()
{
	_i=0
	while :; do
		_c=$(pgrep -P "$1" | head -1)
		[ -n "$_c" ] && { echo "$_c"; return 0; }
		_i=$((_i + 1))
		[ "$_i" -gt 100 ] && return 1
		sleep 0.05
	done
}

# ---- servers and ports ---------------------------------------------------

# serve_start OUTFILE ARG...: start `concbench serve ARG...` in the
# background under timeout, stdout to OUTFILE, stderr to OUTFILE.err; sets
# serve_tpid (the timeout process), serve_pid (concbench) and serve_port
# (from the first line, "listening on http://127.0.0.1:PORT" or a bare
# port). Returns nonzero if it printed nothing within 10 s.
serve_start()
{
	_of=$1
	shift
	timeout -k 5 "$CB_TIMEOUT" "$CONCBENCH" serve "$@" >"$_of" 2>"$_of.err" &
	serve_tpid=$!
	bg_track "$serve_tpid"
	serve_pid=$(child_of "$serve_tpid") || serve_pid=
	[ -n "$serve_pid" ] && bg_track "$serve_pid"
	serve_port=
	wait_file_line "$_of" '[0-9]$' 10 || return 1
	serve_port=$(head -1 "$_of" | sed -n 's/^\(.*[^0-9]\)\{0,1\}\([0-9][0-9]*\)$/\2/p')
	[ -n "$serve_port" ]
}

# free_port: print a port of 127.0.0.1 that nobody listens on: one a
# `concbench serve` got from the kernel, after it is stopped
free_port()
{
	serve_start "$T/free_port.out" --latency-ms 0 || return 1
	kill -TERM "$serve_pid" 2>/dev/null
	wait "$serve_tpid" 2>/dev/null
	port_open "$serve_port" && return 1
	echo "$serve_port"
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT
port_open()
{
	timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# http_get PORT PATH FILE: an HTTP/1.1 GET (Connection: close) with bash's /dev/tcp, the raw
# response (headers and body) into FILE
http_get()
{
	timeout 10 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3
		cat <&3' _ "$1" "$2" >"$3" 2>/dev/null
}

# listen_ports PID...: the TCP ports these processes listen on, one a line
listen_ports()
{
	_inodes=
	for _p in "$@"; do
		for _fd in /proc/"$_p"/fd/*; do
			_l=$(readlink "$_fd" 2>/dev/null) || continue
			case $_l in
			socket:\[*\])
				_l=${_l#socket:[}
				_inodes="$_inodes ${_l%]}"
				;;
			esac
		done
	done
	[ -n "$_inodes" ] || return 0
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	    "$AWK" -v inodes="$_inodes" '
		BEGIN { n = split(inodes, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		$4 == "0A" && ($10 in want) {
			split($2, addr, ":"); port = 0; h = toupper(addr[2])
			for (i = 1; i <= length(h); i++)
				port = port * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
			print port
		}' | sort -u
}

# ---- scenarios -----------------------------------------------------------

# scenario FILE NAME LATENCY_MS BODY_BYTES COUNTS CONCURRENCY STRATEGIES
#          [REPEAT [LOOPS [TIMEOUT_MS]]]
# writes a scenario served by the embedded server, pattern "/NAME/{i}";
# COUNTS, CONCURRENCY, STRATEGIES are YAML flow values ("[1, 2]", "serial").
scenario()
{
	cat >"$1" <<EOF
name: $2
server:
  latency: {ms: $3}
  body_bytes: $4
urls:
  pattern: "/$2/{i}?x=1"
  count: $5
concurrency: $6
strategies: $7
repeat: ${8:-1}
loops: ${9:-1}
timeout_ms: ${10:-10000}
EOF
}

# ---- JSON ----------------------------------------------------------------

# json_flat FILE: flatten a JSON document to PATH=VALUE lines: members by
# name, array items by index, plus PATH#=LENGTH for every array; strings
# without their quotes (\" and \\ unescaped, other escapes kept as
# written, so a value stays on its line). Read with jq; exit status
# nonzero and a message on stderr if FILE is not exactly one JSON value.
json_flat()
{
	jq -r -s '
	def str: tojson | .[1:-1] | gsub("\\\\(?<c>[\"\\\\])"; .c);
	def flat(p):
		if type == "object" then
			to_entries[] | .key as $k | .value |
			    flat(if p == "" then $k else p + "." + $k end)
		elif type == "array" then
			(p + "#=" + (length | tostring)),
			(to_entries[] | (.key | tostring) as $i | .value |
			    flat(p + "." + $i))
		elif type == "string" then p + "=" + str
		else p + "=" + tojson end;
	if length != 1 then error("not one JSON value but \(length)")
	else .[0] | flat("") end' "$1"
}

# json_get FILE PATH: the value at PATH ("cells.0.status", "cells#")
json_get()
{
	json_flat "$1" 2>/dev/null | "$AWK" -v p="$2" '
		{ i = index($0, "="); if (substr($0, 1, i - 1) == p) { print substr($0, i + 1); exit } }'
}

# json_cells FILE: the number of cells
json_cells()
{
	json_get "$1" 'cells#'
}

# json_load FILE: flatten FILE once into $T/json.flat for jget; false if
# it is not valid JSON
json_load()
{
	json_flat "$1" >"$T/json.flat"
}

# jget PATH: the value at PATH of the document json_load read
jget()
{
	"$AWK" -v p="$1" '
		{ i = index($0, "="); if (substr($0, 1, i - 1) == p) { print substr($0, i + 1); exit } }' "$T/json.flat"
}

# http_post PORT PATH CONTENT_TYPE BODY FILE: an HTTP/1.1 POST of BODY
# (Connection: close) with bash's /dev/tcp, the raw response into FILE
http_post()
{
	timeout 10 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s" \
		    "$2" "$1" "$3" "${#4}" "$4" >&3
		cat <&3' _ "$1" "$2" "$3" "$4" >"$5" 2>/dev/null
}

# http_status FILE: the status code of the raw response in FILE
http_status()
{
	sed -n '1s/^HTTP\/1\.[01] \([0-9][0-9]*\) .*/\1/p' "$1"
}

# http_header FILE NAME: the value of header NAME (any case) of the raw
# response in FILE, without the CR
http_header()
{
	"$AWK" -v name="$2" '
		/^\r?$/ { exit }
		{ i = index($0, ":"); if (tolower(substr($0, 1, i - 1)) == tolower(name)) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/\r$/, "", v); print v; exit } }' "$1"
}

# http_body FILE: the body of the raw response in FILE
http_body()
{
	"$AWK" 'body { printf "%s%s", sep, $0; sep = "\n" } /^\r?$/ && !body { body = 1 }' "$1"
}

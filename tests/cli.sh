#!/bin/sh
# The command line without a terminal: --help, --version, bad options, and
# the message when there is no terminal.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp); trap 'rm -f "$out"' EXIT

"$CSWVIZ" --help > "$out" 2>&1 || fail "--help exited $?"
grep -q -- '--delay' "$out" || fail "--help does not list --delay"
"$CSWVIZ" --version > "$out" 2>&1 || fail "--version exited $?"
grep -Eq '^cswviz [0-9]+\.[0-9]+' "$out" || fail "--version printed: $(cat "$out")"

check() {	# check STATUS REGEX ARGS...
	want=$1; re=$2; shift 2
	"$CSWVIZ" "$@" < /dev/null > "$out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || fail "cswviz $* exited $got, not $want: $(cat "$out")"
	grep -Eq -- "$re" "$out" || fail "cswviz $* said: $(cat "$out")"
}
check 2 'unknown option --frobnicate' --frobnicate
check 2 '--delay needs a whole number' -d fast
check 2 '--delay 9999 is out of range' -d 9999
check 2 '--tasks needs a whole number' -n 1e3
check 2 'needs a terminal'
check 2 "unknown scenario 'nope'" -s nope
check 2 '--mode takes threads or fibers' -m green
echo "PASS: cli"

#!/bin/sh
# SPDX-License-Identifier: ISC
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
# Bad recordings: FILE:LINE: what, and status 1, before any screen.
rec="$(cd "$(dirname "$0")/.." && pwd)/fixtures/record"
check 1 'truncated\.jsonl:7: the line ends before its object does' --replay "$rec/truncated.jsonl"
check 1 'foreign\.jsonl:1: no "t": not a cswviz recording' --replay "$rec/foreign.jsonl"
check 1 'wrong-type\.jsonl:3: "tasks" should be a whole number, not a string' --replay "$rec/wrong-type.jsonl"
check 1 'missing-key\.jsonl:2: no "scenario"' --replay "$rec/missing-key.jsonl"
check 1 'csv\.csv:1: CSV' --replay "$rec/csv.csv"
check 1 'time-back\.jsonl:4: time goes back' --replay "$rec/time-back.jsonl"
check 1 'no-such\.jsonl: No such file or directory' --replay "$rec/no-such.jsonl"
check 1 'cswviz:1: not a JSON object' --replay "$CSWVIZ"
check 1 ': no samples in it' --replay /dev/null
check 2 'option --replay needs a value' --replay
check 1 '/record: a directory, not a recording' --replay "$rec"
check 2 '--duration goes with --batch' --duration 5
check 2 '--duration goes with --batch' -s sleepers --duration 5 --replay x
check 2 '--record goes with the live screen, not --batch' --batch --record x
check 2 '--record and --replay do not go together' --record x --replay y
# --list-themes: a theme that does not parse says FILE:LINE: why; a good
# one its file.
themes="$(cd "$(dirname "$0")/.." && pwd)/fixtures/themes"
check 0 '^bad-bar +does not parse: .*/bad-bar\.theme:2: bar is light or heavy' --list-themes --theme-dir "$themes"
grep -Eq '^unknown-role +does not parse: .*/unknown-role\.theme:3: unknown role' "$out" || fail "--list-themes: $(cat "$out")"
grep -Eq '^partial +/.*/partial\.theme$' "$out" || fail "--list-themes marks a good theme: $(cat "$out")"
# A good recording gets as far as wanting a terminal.
check 2 'needs a terminal' --replay "$rec/pingpong-64cpu.jsonl"
echo "PASS: cli"

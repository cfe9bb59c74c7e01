#!/bin/sh
# SPDX-License-Identifier: ISC
# The smallest fiber stack class, started many times: every run of every
# scenario at --stack 2K must end normally.  A lazy symbol binding, or a
# signal frame, on a 2 KiB stack once killed one start in five.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
# STACK2K_RUNS sleepers runs: 1 in make check (one start of each
# scenario), 30 with CSW_LONG set (make check-long, the repetitions).
[ -n "${CSW_LONG:-}" ] && RUNS=30 || RUNS=1
RUNS=${STACK2K_RUNS:-$RUNS}

# Bound at load: no resolver ever runs on a fiber's stack.
if command -v readelf >/dev/null 2>&1; then
	readelf -d "$CSWVIZ" | grep -Eq 'BIND_NOW|Flags:.* NOW' ||
	    { echo "FAIL: $CSWVIZ is not linked with -z now"; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-2k.XXXXXX")
trap 'rm -rf "$work"' EXIT
# run TAG SCENARIO: one second of it in fibers mode on 2 KiB stacks, in
# the background; a file TAG.fail says how it died.  The starts are
# independent (a crash is in the start that has it), so up to 12 run side
# by side.
run() {
	{ "$CSWVIZ" --batch -m fibers -s "$2" --stack 2K --duration 1 \
	    >/dev/null 2>"$work/$1.err"
	  st=$?
	  [ "$st" -eq 0 ] ||
	      echo "$1: exit $st: $(head -c 300 "$work/$1.err")" > "$work/$1.fail"
	} &
	running=$((running + 1))
	[ "$running" -lt 12 ] || { wait; running=0; }
}

running=0
n=0
while [ "$n" -lt "$RUNS" ]; do
	run "run$n" sleepers
	n=$((n + 1))
done
for s in pingpong server cpu-flood blocking fanin leak; do
	run "$s" "$s"
done
wait
crashes=0
for f in "$work"/*.fail; do
	[ -e "$f" ] || continue
	cat "$f"
	crashes=$((crashes + 1))
done
[ "$crashes" -eq 0 ] || { echo "FAIL: $crashes of $((RUNS + 6)) runs at --stack 2K died"; exit 1; }
echo "PASS: $RUNS sleepers runs and 6 other scenarios at --stack 2K"

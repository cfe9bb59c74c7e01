#!/bin/sh
# SPDX-License-Identifier: ISC
# The smallest fiber stack class, started many times: every run of every
# scenario at --stack 2K must end normally.  A lazy symbol binding, or a
# signal frame, on a 2 KiB stack once killed one start in five.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
# STACK2K_RUNS sleepers runs: 5 in make check, 30 with CSW_LONG set.
[ -n "${CSW_LONG:-}" ] && RUNS=30 || RUNS=5
RUNS=${STACK2K_RUNS:-$RUNS}

# Bound at load: no resolver ever runs on a fiber's stack.
if command -v readelf >/dev/null 2>&1; then
	readelf -d "$CSWVIZ" | grep -Eq 'BIND_NOW|Flags:.* NOW' ||
	    { echo "FAIL: $CSWVIZ is not linked with -z now"; exit 1; }
fi

out=$(mktemp "${TMPDIR:-/tmp}/cswviz-2k.XXXXXX")
trap 'rm -f "$out"' EXIT
# run SCENARIO: one second of it in fibers mode on 2 KiB stacks.
run() {
	"$CSWVIZ" --batch -m fibers -s "$1" --stack 2K --duration 1 \
	    >/dev/null 2>"$out"
}

crashes=0
n=0
while [ "$n" -lt "$RUNS" ]; do
	run sleepers
	st=$?
	if [ "$st" -ne 0 ]; then
		crashes=$((crashes + 1))
		echo "run $n: exit $st: $(head -c 300 "$out")"
	fi
	n=$((n + 1))
done
for s in pingpong server cpu-flood blocking fanin leak; do
	run "$s"
	st=$?
	if [ "$st" -ne 0 ]; then
		crashes=$((crashes + 1))
		echo "$s: exit $st: $(head -c 300 "$out")"
	fi
done
[ "$crashes" -eq 0 ] || { echo "FAIL: $crashes of $((RUNS + 6)) runs at --stack 2K died"; exit 1; }
echo "PASS: $RUNS sleepers runs and 6 other scenarios at --stack 2K"

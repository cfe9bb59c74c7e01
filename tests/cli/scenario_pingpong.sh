#!/bin/sh
# SPDX-License-Identifier: ISC
# The pingpong lesson through --batch, in the wakeup latency columns: a
# thread woken through a condition variable runs microseconds after the
# signal (a futex wake and a kernel switch); a fiber handed a token over a
# channel runs tens to hundreds of nanoseconds after the send.  Medians of
# each interval's p50 from t = 2 s on; the ratio is what must hold on a
# loaded machine, the ranges are wide.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp); trap 'rm -f "$out"' EXIT
# A sample every 0.5 s: the medians from t = 2 s on take five.
DUR=4

start_args="-s pingpong -n 2 -P 1"
. "$(dirname "$0")/scenario_lib.sh"

run -m threads
t50=$(median wakeup_p50_us); t99=$(median wakeup_p99_us)
echo "threads: wakeup p50 $t50 us, p99 $t99 us"
check "$t50" 'v >= 0.5 && v < 1000' ||
	fail "threads: wakeup p50 $t50 us, want microseconds"
check "$(median fiber_ready_p50_us)" 1 &&
	fail "threads: a fiber ready-queue figure in threads mode"

run -m fibers
f50=$(median wakeup_p50_us); r50=$(median fiber_ready_p50_us)
echo "fibers: wakeup p50 $f50 us, ready-queue wait p50 $r50 us"
check "$f50" 'v >= 0.01 && v < 1' ||
	fail "fibers: wakeup p50 $f50 us, want tens to hundreds of ns"
check "$r50" 'v > 0 && v < 1' ||
	fail "fibers: ready-queue wait p50 $r50 us, want under 1 us"
awk -v a="$t50" -v b="$f50" 'BEGIN { exit !(b * 5 < a) }' ||
	fail "fibers: wakeup p50 $f50 us not 5x below threads' $t50 us"
echo "PASS: scenario_pingpong"

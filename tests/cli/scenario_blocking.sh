#!/bin/sh
# SPDX-License-Identifier: ISC
# The blocking scenario through --batch, with P = 2 and 8 tasks making
# 100-200 ms calls: in fibers mode the calls pin every worker and the 10 ms
# tickers run late by about a call; with b (at most P-1 calls in flight)
# a worker stays free and the lateness falls.  In threads mode every call
# in flight holds an OS thread.  Each run must end promptly, calls in
# flight included.  Medians over the later samples, generous thresholds.
# The workloads sleep in their calls and tickers, so the three runs go at
# once, each into a file of its own, and are checked one by one.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
DUR=6
LIMIT=$((DUR + 20))
start_args="-s blocking -P 2 -n 8 --duration $DUR"
. "$(dirname "$0")/scenario_lib.sh"

start fibers -m fibers
start fibers-b -m fibers -b
start threads -m threads
wait

finished fibers "-m fibers"
grep -q '"scenario":"blocking","variant":false,"work_unit":"calls","tasks":8' \
    "$out" || fail "fibers: wrong lead columns: $(head -n 2 "$out")"
cps=$(median work_per_s); bw=$(median blocked_workers)
late=$(median latency_ms)
echo "fibers: $cps calls/s, $bw blocked workers, tickers late $late ms"
check "$cps" 'v > 0' || fail "fibers: $cps calls/s"
check "$bw" 'v >= 1' || fail "fibers: $bw blocked workers, want >= 1"
check "$late" 'v >= 30' || fail "fibers: tickers late $late ms, want >= 30"
# The tickers' wakeup latency: the 99th percentile waits behind a call.
p99=$(median wakeup_p99_us)
check "$p99" 'v > 100000' || fail "fibers: ticker p99 $p99 us, want > 100 ms"

finished fibers-b "-m fibers -b"
grep -q '"scenario":"blocking","variant":true' "$out" ||
	fail "fibers -b: no variant in the lead columns"
cps=$(median work_per_s); bwb=$(median blocked_workers)
lateb=$(median latency_ms)
echo "fibers -b: $cps calls/s, $bwb blocked workers, tickers late $lateb ms"
check "$cps" 'v > 0' || fail "fibers -b: $cps calls/s"
check "$bwb" 'v <= 1' || fail "fibers -b: $bwb blocked workers, want <= 1 (P-1)"
awk -v a="$late" -v b="$lateb" 'BEGIN { exit !(b != "null" && b < a / 2) }' ||
	fail "fibers -b: tickers late $lateb ms, without b $late ms"
# With the limit a worker stays free: the tail falls below 20 ms in the
# best second, unless the machine is so loaded that more tasks are
# runnable than 4 a CPU (then the kernel, not the runtime, sets the tail;
# the ratio still holds).  The best second, not the median: under make
# -j4 check the median second's p99 read 22 ms beside other tests, and a
# free worker is what the best one shows; with every worker in a call, no
# second falls below the call's 100 ms.
p99b=$(median wakeup_p99_us); run_q=$(median procs_running)
best=$(median wakeup_p99_us low)
echo "ticker wakeup p99: fibers $p99 us, fibers -b $p99b us, best second" \
    "$best us (procs_running $run_q)"
awk -v a="$p99" -v b="$p99b" 'BEGIN { exit !(b != "null" && b < a / 4) }' ||
	fail "fibers -b: ticker p99 $p99b us, without b $p99 us, want 4x less"
ncpu=$(getconf _NPROCESSORS_ONLN)
if check "$run_q" "v <= 4 * $ncpu"; then
	check "$best" 'v < 20000' ||
		fail "fibers -b: ticker p99 $best us in its best second, want < 20 ms"
else
	echo "fibers -b: $run_q runnable on $ncpu CPUs: the 20 ms bound skipped"
fi

finished threads "-m threads"
cps=$(median work_per_s); bt=$(median blocked_tasks); thr=$(median os_threads)
echo "threads: $cps calls/s, $bt tasks in a call, $thr OS threads"
check "$cps" 'v > 0' || fail "threads: $cps calls/s"
check "$thr" 'v >= 10' || fail "threads: $thr OS threads, want 8 tasks + 2 tickers"
check "$bt" 'v >= 4' || fail "threads: $bt tasks in a call, want most of 8"
echo "PASS: scenario_blocking"

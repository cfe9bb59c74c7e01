#!/bin/sh
# SPDX-License-Identifier: ISC
# The server scenario through --batch: requests flow in both modes; a
# thread per connection costs about one kernel switch (its blocking read)
# per request or more, while fibers parked on the poller cost fewer
# voluntary switches, since one epoll wakeup hands over many ready
# connections.  Each run must also end promptly, tasks blocked in read
# included.  The machine may be loaded: medians over the later samples,
# generous thresholds.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp); trap 'rm -f "$out"' EXIT
# A sample every 0.5 s: the medians from t = 2 s on take five.
DUR=4

start_args="-s server"
LIMIT=$((DUR + 20))
. "$(dirname "$0")/scenario_lib.sh"

run -m threads
grep -q '"scenario":"server","variant":false,"work_unit":"requests","tasks":64' \
    "$out" || fail "threads: wrong lead columns: $(head -n 2 "$out")"
rps=$(median work_per_s); ksw=$(median kernel_switches_per_work)
tvol=$(median vcsw); thr=$(median os_threads)
echo "threads: $rps requests/s, $ksw kernel switches ($tvol voluntary) per request, $thr OS threads"
# Threads-mode tasks run at SCHED_IDLE, below every other process: on a
# machine saturated by other work they may get no CPU at all, and there is
# then nothing to measure.  Say so rather than fail.
if ! check "$rps" 'v > 0'; then
	load=$(cut -d' ' -f1 /proc/loadavg)
	cpus=$(nproc)
	if awk -v l="$load" -v c="$cpus" 'BEGIN { exit !(l > 4 * c) }'; then
		echo "SKIP: threads got no CPU at load average $load on $cpus CPUs"
		exit 77
	fi
	fail "threads: $rps requests/s"
fi
check "$ksw" 'v >= 0.8' || fail "threads: $ksw kernel switches per request, want >= 0.8"
check "$thr" 'v >= 64' || fail "threads: $thr OS threads for 64 connections"

run -m fibers
rps=$(median work_per_s); ksw=$(median kernel_switches_per_work)
fvol=$(median vcsw); thr=$(median os_threads)
echo "fibers: $rps requests/s, $ksw kernel switches ($fvol voluntary) per request, $thr OS threads"
check "$rps" 'v > 0' || fail "fibers: $rps requests/s"
check "$fvol" 'v < 0.75' || fail "fibers: $fvol voluntary switches per request, want < 0.75"
check "$thr" 'v < 16' || fail "fibers: $thr OS threads for 64 connections"
awk -v f="$fvol" -v t="$tvol" 'BEGIN { exit !(f < t) }' ||
	fail "fibers: $fvol voluntary switches per request, threads $tvol"
echo "PASS: scenario_server"

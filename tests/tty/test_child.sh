#!/bin/sh
# SPDX-License-Identifier: ISC
# The workload runs in a child of its own: a child in a session of its own
# whose figures the screen shows; a child that crashes (kill -SEGV) leaves
# the screen up, the footer says how it ended, r starts a new one, and q
# leaves neither child behind.
. "$(dirname "$0")/lib.sh"

kid_of() { pgrep -P "$1" | head -n 1; }

ENVSET="LC_ALL=C" start 100 30 -s pingpong
wait_for 'threads \| pingpong \| tasks 2/2' 20
wait_for 'handoffs +[0-9.]+[kM]?/s' 20
pid=$(cswviz_pid || true)
[ -n "$pid" ] || fail "cannot find the cswviz process"
kid=$(kid_of "$pid")
[ -n "$kid" ] || fail "cswviz $pid has no workload child"
[ "$(ps -o sid= -p "$kid" | tr -d ' ')" = "$kid" ] ||
    fail "the workload child $kid is not in a session of its own"
# The pair's threads are the child's, not the screen's.
[ "$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")" -le 3 ] ||
    fail "cswviz $pid runs workload threads: $(grep Threads "/proc/$pid/status")"

kill -SEGV "$kid"
wait_for 'workload killed by SIGSEGV, r restarts it' 20
kill -0 "$pid" 2>/dev/null || fail "cswviz died with its workload"
# It stays said, and the figures of a workload that is gone say so.
sleep 4
screen | grep -q 'workload killed by SIGSEGV' || fail "the end was not kept on screen"
[ -e "/proc/$kid" ] && fail "the crashed child $kid was not reaped: $(ps -o stat= -p "$kid")"

tmx send-keys -t t r
wait_for 'the workload starts again' 20
kid2=$(kid_of "$pid")
[ -n "$kid2" ] && [ "$kid2" != "$kid" ] || fail "r started no new child ($kid2)"
wait_for 'handoffs +[0-9.]+[kM]?/s' 20
screen | grep -q 'workload killed' && fail "the old end is still on screen"

tmx send-keys -t t q
status=$(wait_exit 20)
[ "$status" = "exit=0" ] || fail "q gave $status"
check_modes
[ -e "/proc/$kid2" ] && fail "the workload child $kid2 is still there"
echo "PASS: a crashed workload child is told, restarted with r, and reaped on q"

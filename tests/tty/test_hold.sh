#!/bin/sh
# SPDX-License-Identifier: ISC
# z pauses the workload itself: every thread of the child stops (state T
# in /proc/PID/task/*/stat) and its switch counters stand still, the
# screen says it is paused and for how long and keeps the last figures
# (no fall to 0/s), a second z lets it go on; a mode key while paused
# continues it and says so, and q ends a paused workload at once.  At
# 80x24, and at 200x60 too with CSW_LONG set (make check-long).
. "$(dirname "$0")/lib.sh"

kid_of() { pgrep -P "$1" | head -n 1; }
# The states of a process's threads, one letter each, sorted: "SSST".
states() {
	for f in /proc/"$1"/task/*/stat; do
		sed 's/.*) //' "$f" 2>/dev/null | cut -c1
	done | sort | tr -d '\n'
}
# The sum of the voluntary and involuntary switches of its threads.
switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
	    awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'
}
# Seconds the header says the workload has been paused.
paused_s() {
	screen | grep -Eo 'PAUSED [0-9]+:[0-9][0-9]' | head -n 1 |
	    awk '{ split($2, t, ":"); print t[1] * 60 + t[2] }'
}
handoffs() { screen | grep -Eo 'handoffs +[0-9.]+[kM]?/s' | head -n 1; }

sizes="80x24"
[ -n "${CSW_LONG:-}" ] && sizes="80x24 200x60"
for size in $sizes; do
	size="${size%x*} ${size#*x}"
	rm -f "$work/status"
	tmx kill-session -t t 2>/dev/null
	# shellcheck disable=SC2086
	start $size -s pingpong
	wait_for 'threads \| pingpong' 20
	wait_for 'handoffs +[0-9.]*[1-9][0-9.]*[kM]?/s' 30
	pid=$(cswviz_pid || true)
	kid=$(kid_of "$pid")
	[ -n "$kid" ] || fail "no workload child ($size)"
	tmx send-keys -t t z
	wait_for 'PAUSED [0-9]+:[0-9][0-9]' 10
	wait_for 'The workload is paused \([0-9]+:[0-9][0-9], z goes on\)' 5
	sleep 1
	p1=$(paused_s)
	st=$(states "$kid")
	case $st in
	*[!T]*|"") fail "paused, yet the child's threads are $st ($size)" ;;
	esac
	a=$(switches "$kid"); h1=$(handoffs)
	sleep 2
	b=$(switches "$kid"); h2=$(handoffs)
	[ "$a" = "$b" ] || fail "switches went on while paused: $a then $b ($size)"
	# The figures held are the last measured, not a fall to nothing.
	[ "$h1" = "$h2" ] || fail "the figures moved while paused: $h1 then $h2 ($size)"
	echo "$h1" | grep -Eq 'handoffs +0/s' && fail "paused shows $h1 ($size)"
	p2=$(paused_s)
	[ -n "$p1" ] && [ -n "$p2" ] && [ "$p2" -ge $((p1 + 1)) ] ||
	    fail "the pause's clock went from $p1 to $p2 s over 2 s ($size)"
	tmx send-keys -t t z
	wait_for 'workload continues after [0-9]+ s paused' 10
	sleep 1
	case $(states "$kid") in
	*T*) fail "threads still stopped after z: $(states "$kid") ($size)" ;;
	esac
	c=$(switches "$kid")
	sleep 1
	[ "$(switches "$kid")" -gt "$c" ] || fail "no switches after z ($size)"
	screen | grep -q 'PAUSED' && fail "still said paused ($size)"
	wait_for 'handoffs +[0-9.]*[1-9][0-9.]*[kM]?/s' 20
done

# A mode key while paused: the workload goes on and the footer says so.
tmx send-keys -t t z
wait_for 'PAUSED' 10
tmx send-keys -t t m
wait_for 'workload continues: switching 2 tasks to fibers' 10
wait_for 'fibers \| pingpong' 20
screen | grep -q 'PAUSED' && fail "still said paused after m"
# r while paused: the workload goes on, and the history starts again.
tmx send-keys -t t z
wait_for 'PAUSED' 10
tmx send-keys -t t r
wait_for 'workload continues: history and rates reset' 10
screen | grep -q 'PAUSED' && fail "still said paused after r"
# q ends a paused workload at once, leaving no child.
tmx send-keys -t t z
wait_for 'PAUSED' 10
kid=$(kid_of "$(cswviz_pid)")
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q while paused gave $status"
check_modes
sleep 0.5
[ -n "$kid" ] && [ -e "/proc/$kid" ] && fail "the paused child $kid is still there"
echo "PASS: z stops and continues the workload's threads, held figures, keys and q while paused"

#!/bin/sh
# SPDX-License-Identifier: ISC
# -p PID in a real terminal, at 80x24 and 200x60: the header names the
# process, the switches are its threads' (task status), the panels only a
# cswviz workload fills say so in words, a workload key says -p has none,
# the thread table lists its threads with their stacks, and when the
# process exits the screen says so, keeps its graphs and stays open.  As
# root, with setpriv: another user's process, whose stacks are refused,
# has the reason beside each n/a of the Memory panel, not in the caption
# only.
. "$(dirname "$0")/lib.sh"
command -v python3 > /dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

python3 -c '
import threading, time
def work():
    while True:
        time.sleep(0.01)
for i in range(3):
    threading.Thread(target=work, daemon=True).start()
time.sleep(float(60))
' &
helper=$!
trap 'kill $helper 2>/dev/null; cleanup' EXIT
n=0
while [ "$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$helper/status" 2>/dev/null)" != 4 ]; do
	n=$((n + 1)); [ $n -le 300 ] || fail "the helper has not started its threads in 30 s"
	sleep 0.1
done

start 80 24 -p "$helper"
wait_for "pid $helper \\(python3\\) \\| 4 thr" 10
wait_for 'kernel voluntary +[0-9.]+[kM]?/s task' 10
screen | grep -Eq 'fiber switches +n/a: only a cswviz workload' ||
	fail "fiber switches do not say only a workload counts them"
screen | grep -q 'Watching process' || fail "no caption for -p"
screen | grep -Eq '[0-9]+ (of [0-9]+ )?(thread )?stacks \(smaps' ||
	fail "the Memory panel does not say where the stacks come from"
screen | grep -q '1-7 scenario' && fail "the footer offers scenarios with -p"
tmx send-keys -t t m
wait_for 'this key changes a workload of' 3
tmx send-keys -t t q
wait_exit 5 | grep -q 'exit=0' || fail "q did not exit 0"
check_modes
rm -f "$work/status"
tmx kill-session -t t

start 200 60 -p "$helper"
wait_for "cswviz \\| process $helper \\(python3\\) \\| 4 threads" 10
wait_for 'CPU per handoff +n/a ' 10
wait_for '4 thread stacks \(smaps' 15
tmx send-keys -t t H
wait_for 'Threads 4, by vol/s falling' 5
# A woken thread's row: vol/s over 0, its stack found.
wait_for 'python3 +[RSD] +[0-9]+ +[1-9][0-9.]*[kM]? +[0-9.]+[kM]? +[0-9.]+ +[0-9.]+ [KMG]iB +[0-9.]+ [KMG]iB' 10
tmx send-keys -t t H
kill "$helper"
wait_for 'EXITED' 10
wait_for "Process $helper \\(python3\\) exited" 3
screen | grep -q 'Switches' || fail "the panels went away after the exit"
sleep 2
[ -s "$work/status" ] && fail "cswviz quit when the process exited"
tmx send-keys -t t q
wait_exit 5 | grep -q 'exit=0' || fail "q did not exit 0 after the process exited"
check_modes
rm -f "$work/status"
tmx kill-session -t t

if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	sleep 60 &
	helper=$!
	ENVSET="setpriv --reuid=65534 --regid=65534 --clear-groups" \
	    start 80 24 -p "$helper"
	wait_for "pid $helper \\(sleep\\)" 10
	wait_for 'smaps: permission denied' 10
	screen | grep -Eq '^│  reserved +n/a: permission denied' ||
		fail "as nobody: reserved n/a has no reason beside it"
	screen | grep -Eq '^│  committed +n/a: permission denied' ||
		fail "as nobody: committed n/a has no reason beside it"
	tmx send-keys -t t q
	wait_exit 5 | grep -q 'exit=0' || fail "q did not exit 0 as nobody"
else
	echo "note: not root (or no setpriv): another user's process not tried"
fi
exit 0

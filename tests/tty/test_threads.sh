#!/bin/sh
# SPDX-License-Identifier: ISC
# The Threads table in a real terminal: H shows it with the workload
# child's threads (its agent's and a task's rows) and their rates, > < I sort it, the arrows scroll it, and H
# hides it again.
. "$(dirname "$0")/lib.sh"

start 100 30 -n 8
wait_for 'Run queue' 10
tmx send-keys -t t H
wait_for 'Threads [0-9]+, by vol/s falling' 5
# Rows with rates after two samples: the task's stack is known, the
# agent's is not.
wait_for 'pingpong-0a +[RSD] +[0-9]+ +[0-9.]+[kMG]? +[0-9.]+[kMG]? +[0-9.]+ +[0-9.]+ [KMG]iB +[0-9.]+ [KMG]iB' 10
screen | grep -q 'Memory' && fail "the table did not replace Memory"
screen | grep -q 'vol/s invol/s wait ms/s  stk res  stk com' || fail "column heads missing at 100 columns"

# Sort: > to invol/s, then < back past vol/s, CPU and S to the names,
# where the child's agent comes second; then to TID, which I inverts.
tmx send-keys -t t '>'
wait_for 'by invol/s falling' 3
tmx send-keys -t t '<' '<' '<' '<'
wait_for 'by name rising' 3
wait_for 'cswviz-child +[RSD] +[0-9]+ +[0-9.]+[kMG]? +[0-9.]+[kMG]? +[0-9.]+ +- +-' 5
tmx send-keys -t t '<'
wait_for 'by TID rising' 3
# Rising TIDs: the child's main thread, its agent, comes first; the
# screen's own threads are not the workload's and are not listed.
row1=$(screen | grep -A1 ' TID name' | tail -1)
echo "$row1" | grep -q ' cswviz-child ' || fail "first row by TID is not cswviz-child: $row1"
screen | grep -q 'cswviz-sampler' && fail "the screen's sampler is listed among the workload's threads"
tmx send-keys -t t I
wait_for 'by TID falling' 3

# Scroll: 8 tasks and 2 more threads do not fit in one page of this size.
wait_for 'rows 1-[0-9]+ of [0-9]+' 3
tmx send-keys -t t Down
wait_for 'rows 2-[0-9]+ of [0-9]+' 3
tmx send-keys -t t End
wait_for 'TID name' 1
last=$(screen | grep -Eo 'rows [0-9]+-[0-9]+ of [0-9]+')
echo "$last" | awk '{ split($2, a, "-"); exit !(a[2] == $4) }' || fail "End did not reach the last row: $last"
tmx send-keys -t t Home
wait_for 'rows 1-[0-9]+ of [0-9]+' 3

tmx send-keys -t t H
wait_for 'Memory' 3
screen | grep -q 'Threads [0-9]' && fail "H did not hide the table"
tmx send-keys -t t q
status=$(wait_exit 3)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
check_modes
echo "PASS: thread table shown, sorted, scrolled and hidden"

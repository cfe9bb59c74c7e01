#!/bin/sh
# SPDX-License-Identifier: ISC
# The live screen in a real terminal: panels, a measured rate, the help
# overlay, quitting with q, and the terminal's modes afterwards.
. "$(dirname "$0")/lib.sh"

start 100 30
wait_for 'Switches' 10
wait_for 'Run queue' 2
# A measured rate, after two samples.
wait_for 'kernel voluntary +[0-9.]+[kMG]?/s' 10
wait_for 'handoffs +[0-9.]+[kMG]?/s' 2
screen | grep -Eq ' reserved +[0-9.]+ (KiB|MiB|GiB) +[0-9.]+ (KiB|MiB)/task' || fail "no stack reserved figure"
screen | grep -q 'threads | pingpong | tasks 2/2' || fail "header lacks mode, scenario, tasks"

tmx send-keys -t t '?'
wait_for 'Keys' 3
screen | grep -q 'double the tasks' || fail "help does not list +"
screen | grep -Eq 'q F10 +quit' || fail "help does not reach its last key"
tmx send-keys -t t Escape
i=0; while screen | grep -q 'double the tasks'; do
	i=$((i + 1)); [ "$i" -gt 30 ] && fail "Escape did not close the help"; sleep 0.1
done

tmx send-keys -t t '+'
wait_for 'tasks 4/4' 5

# m: the same four tasks as fibers; kernel switches per handoff near 0.
tmx send-keys -t t m
wait_for 'fibers \| pingpong \| tasks 4/4 \| P=[0-9]+' 5
wait_for 'fiber switches +[0-9.]+[kMG]?/s' 5
wait_for 'kernel sw/handoff +0\.0[0-4] ' 5
wait_for 'fiber stacks \(arena' 2
tmx send-keys -t t m
wait_for 'threads \| pingpong \| tasks 4/4' 5

# A new scenario starts a new graph: pingpong's columns, far above the
# sleepers' scale, are not drawn clipped at the top of it (a spike that
# never happened); left of the S mark the graph is blank.
tmx send-keys -t t 2
wait_for 'threads( \|)? sleepers' 10
wait_for 'wakeups +[0-9.]+[kMG]?/s' 10
graph_before_mark() {
	screen | awk '/Switches/ { g = 1 }
	g && /^│ +[0-9.]+[kMG]?\/s / { on = 1 }
	on { print }
	on && /^│ +0 / { exit }' | sed -E 's/^│//; s/(│|[SmbP+-]).*//'
}
# Each row is cut at the first change mark (its letter on the top row,
# its bar below): what is left is the earlier scenario's part.
# The axis comes back once the new scenario has two samples.
i=0; while old=$(graph_before_mark); [ -z "$old" ]; do
	i=$((i + 1)); [ "$i" -gt 100 ] && break; sleep 0.1
done
[ -n "$old" ] || fail "no Switches graph after the scenario change"
printf '%s\n' "$old" | grep -q '[█▒▁▂▃▄▅▆▇]' &&
	fail "pingpong's columns drawn on the sleepers' scale: $old"
tmx send-keys -t t 1
wait_for 'threads( \|)? pingpong' 10

tmx send-keys -t t '?'
wait_for 'Keys' 3
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
check_modes
tmx kill-session -t t
rm -f "$work/status" "$work/stty"

# + at the scenario's most says it is capped, not "growing to" it again.
start 100 30 -m fibers -n 2048
wait_for 'tasks 2048/2048 ' 15
tmx send-keys -t t +
wait_for 'capped at 2,048 tasks: the most pingpong runs' 5
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q at 2,048 fibers gave $status"
# At 200x60 the help is one column; the digits' names, all seven, uncut.
tmx kill-session -t t
start 200 60
wait_for 'handoffs +[0-9.]+[kMG]?/s' 10
tmx send-keys -t t '?'
wait_for 'Keys' 3
screen | grep -q '6:fanin 7:leak' || fail "the help cuts the scenario names"
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
echo "PASS: live screen, help, +, + at the most, q, terminal modes restored"

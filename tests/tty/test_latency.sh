#!/bin/sh
# SPDX-License-Identifier: ISC
# The Latency panel (key a): at 80x24 in fibers mode the three
# distributions with units and their histogram axis; at 200x60 in threads
# mode, ASCII only, the fiber ready queue is gone and the wakeups read in
# microseconds or more.  a again gives Memory and Run queue back.  The
# wakeups are the interval's: blocking's tickers gone (key 6, fanin, which
# times none), the column empties.
. "$(dirname "$0")/lib.sh"

start 80 24 -s pingpong -m fibers
wait_for 'handoffs +[0-9.]+[kMG]?/s' 10
tmx send-keys -t t a
wait_for 'Latency: ready to running' 5
# One frame with all three columns and a wakeup in nanoseconds: a pass
# that the workload answers late shows no value for its interval.
wait_both 'p99\.9 +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s' \
    '[0-9] ns' 10
screen | grep -Eq 'wakeup +ready q +kernel q' ||
    fail "fibers: the table does not name its three columns"
screen | grep -q '10ns' || fail "fibers: no histogram axis"
tmx send-keys -t t a
wait_for 'Run queue' 5
tmx send-keys -t t q
status=$(wait_exit 15)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
tmx kill-session -t t

start 200 60 --ascii -s pingpong -m threads
wait_for 'handoffs +[0-9.]+[kMG]?/s' 10
tmx send-keys -t t a
wait_for 'max +[0-9.]+ (us|ms|s) ' 10
screen | grep -q 'ready q' && fail "threads: a fiber ready queue shown"
screen | grep -q '10s' || fail "threads: no histogram axis"
for g in █ ▄ ▁ µ; do
	screen | grep -qF "$g" && fail "--ascii drew $g"
done
screen | grep -Eq '^│ +wakeup +kernel q' || fail "threads: no table head"
tmx send-keys -t t q
status=$(wait_exit 15)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
tmx kill-session -t t

start 100 40 -s blocking -m fibers
tmx send-keys -t t a
wait_for '^│ p50 +[0-9.]+ [nµm]?s ' 15
tmx send-keys -t t 6
wait_for '\| fanin \|' 10
wait_for '^│ p50 +- ' 10
tmx send-keys -t t q
status=$(wait_exit 15)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
echo "PASS: the Latency panel at 80x24, 100x40 and 200x60"

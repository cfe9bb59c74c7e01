#!/bin/sh
# SPDX-License-Identifier: ISC
# Labels that say what is counted: blocking shows the fiber workers stuck in
# a system call and how late its tickers wake, not a CPU per call that
# measures the tickers; leak's waiting tasks are named for what they wait
# in, a futex or a channel, and its tasks knob reads as a cap, not as a
# target the live tasks ramp to (b); the big figures name the same.  At
# 80x24 fiber switches in threads mode say why they are n/a both where the
# row is the panel's width (pingpong) and where it shares it (server).
. "$(dirname "$0")/lib.sh"

start 100 30 -s blocking -m fibers
wait_for 'workers in syscall +[0-9]+ runtime' 10
wait_for 'tickers late by +[0-9.]+ [mµu]?s' 10
screen | grep -q 'CPU per call' && fail "blocking shows CPU per call"
screen | grep -q 'kernel sw/call' && fail "blocking shows kernel sw/call"
tmx send-keys -t t f
wait_for 'how late the 10 ms tickers wake' 5
wait_for 'calls in flight, each' 2
tmx send-keys -t t f
tmx send-keys -t t m
wait_for 'threads( \|)? blocking' 10
wait_for 'tasks in syscall +[0-9]+ engine' 10
screen | grep -q 'workers in syscall' && fail "threads mode shows fiber workers"
tmx send-keys -t t 7
wait_for 'threads( \|)? leak' 10
wait_for 'waiting in futex +[0-9]+ engine' 10
tmx send-keys -t t m
wait_for 'fibers( \|)? leak' 10
wait_for 'parked on channel +[0-9]+ engine' 10
screen | grep -q 'in syscall' && fail "leak's fibers said to be in a syscall"
tmx send-keys -t t b
wait_for 'leak b \| tasks [0-9]+ live, cap 4000 ' 10
screen | grep -Eq 'tasks [0-9]+/' && fail "leak's cap shown as a target"
tmx send-keys -t t q
status=$(wait_exit 60)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
tmx kill-session -t t

# At 80x24 the big figures hold the mode in big type and all three labels.
start 80 24 --ascii -s pingpong
wait_for 'handoffs +[0-9.]+[kMG]?/s' 10
screen | grep -Eq 'fiber switches +n/a: no fibers' ||
    fail "pingpong: fiber switches n/a without its reason"
tmx send-keys -t t f
wait_for 'handoffs per second' 5
screen | grep -q 'CPU time per handoff' || fail "big figures lack a label"
screen | grep -q 'kernel switches per handoff' || fail "big figures lack a label"
screen | grep -qF '######  ##  ##  ####    ######    ##    ####      ####' ||
    fail "the mode is not in big type"
tmx send-keys -t t q
status=$(wait_exit 60)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
tmx kill-session -t t

start 80 24 -s server
wait_for 'requests +[0-9.]+[kMG]?/s' 10
screen | grep -Eq 'fiber switches +n/a: no fibers ' ||
    fail "server: fiber switches n/a without its reason"
tmx send-keys -t t q
status=$(wait_exit 60)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
echo "PASS: blocking and leak labels say what they count; big mode and fiber switches at 80x24"

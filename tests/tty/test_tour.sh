#!/bin/sh
# SPDX-License-Identifier: ISC
# The guided tour: --tour starts at step 1 with its caption; n and Right go
# on, p and Left go back, and each step sets the scenario and the mode.
. "$(dirname "$0")/lib.sh"

start 100 30 --tour
wait_for 'Tour 1/[0-9]+, a handoff between threads' 10
wait_for 'threads \| pingpong' 5
tmx send-keys -t t n
wait_for 'Tour 2/[0-9]+, the same handoff between fibers' 5
wait_for 'fibers \| pingpong' 10
tmx send-keys -t t p
wait_for 'Tour 1/[0-9]+' 5
wait_for 'threads \| pingpong' 10
tmx send-keys -t t Right
wait_for 'Tour 2/[0-9]+' 5
tmx send-keys -t t Left
wait_for 'Tour 1/[0-9]+' 5
tmx send-keys -t t Left
wait_for 'this is the first step' 5
# Step 3 splits the screen, threads and fibers; step 4 is one again.
tmx send-keys -t t n n
wait_for 'Tour 3/[0-9]+, both at once' 5
wait_for 'CPU per handoff +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s' 15
tmx send-keys -t t n
wait_for 'Tour 4/[0-9]+' 5
wait_for 'threads (\| )?sleepers' 15
screen | grep -q 'fibers:threads' && fail "step 4 kept the split view"
tmx send-keys -t t p p p
wait_for 'Tour 1/[0-9]+' 5
wait_for 'threads \| pingpong' 10
# Picking a mode by hand puts the scenario's own caption back.
tmx send-keys -t t m
wait_for 'fibers \| pingpong' 10
screen | grep -q 'Tour 1/' && fail "the tour's caption stayed after m"
tmx send-keys -t t q
wait_exit 10 | grep -q 'exit=0' || fail "q did not exit 0"
check_modes
echo "PASS: tour"

#!/bin/sh
# SPDX-License-Identifier: ISC
# The screen enters the terminal's alternate screen once at start, not
# once, out and in again: the pane's output, logged from before cswviz
# starts, holds one smcup (ESC [ ? 1049 h) and no rmcup before q.
. "$(dirname "$0")/lib.sh"

fixture="$(cd "$(dirname "$0")/.." && pwd)/fixtures/record/pingpong-64cpu.jsonl"
log="$work/pane.log"
: > "$log"
# The pane waits for the log to be attached before cswviz starts.
tmx new-session -d -s t -x 80 -y 24 \
    "while [ ! -s $work/go ]; do sleep 0.1; done; $CSWVIZ --replay $fixture; echo \"exit=\$?\" > $work/status; sleep 600"
tmx pipe-pane -t t -o "cat >> $log"
echo go > "$work/go"
wait_for 'REPLAY .*[0-9]+/24' 10
esc=$(printf '\033')
smcup=$(grep -o "$esc\\[?1049h" "$log" | wc -l)
rmcup=$(grep -o "$esc\\[?1049l" "$log" | wc -l)
[ "$smcup" -eq 1 ] || fail "the alternate screen entered $smcup times at start"
[ "$rmcup" -eq 0 ] || fail "the alternate screen left $rmcup times before q"
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status"
echo "PASS: one entry into the alternate screen at start"

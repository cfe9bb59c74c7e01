#!/bin/sh
# --replay of the fixture recording (a 64-CPU fibers pingpong): the
# recorded figures on screen, REPLAY in the header, pause, step, pace, the
# big figures, a bad line found mid-replay, and q.
. "$(dirname "$0")/lib.sh"

fixture="$(cd "$(dirname "$0")/.." && pwd)/fixtures/record/pingpong-64cpu.jsonl"
cp "$fixture" "$work/lecture.jsonl"

start 80 24 --replay "$work/lecture.jsonl"
wait_for 'REPLAY lecture\.jsonl [0-9]+/24 1x' 10
# A quarter of the pace: 48 s for the file, time for a loaded machine.
tmx send-keys -t t '{' '{'
wait_for 'REPLAY lecture\.jsonl [0-9]+/24 0\.25x' 5
wait_for 'fibers pingpong \| (tasks )?512/512( \|)? P=64' 2
# The figures as recorded, not as this machine would measure them.
wait_for 'handoffs +4\.32M/s' 10
wait_for 'CPU per handoff +272 ns' 2
wait_for 'fiber switches +8\.64M/s' 2
wait_for 'VmSize +9\.20 GiB' 2
wait_for 'loadavg run/all +63/1234' 2
wait_for 'R 64  S 449  D 2' 2
screen | grep -Eq 'fiber queues +n/a: not recorded' || fail "per-worker queues shown from nothing"

# Space pauses: the position holds.  Then . steps exactly one sample.
tmx send-keys -t t Space
wait_for 'REPLAY lecture\.jsonl [0-9]+/24 0\.25x paused' 5
pos=$(screen | sed -n 's/.*REPLAY lecture\.jsonl \([0-9]*\)\/24.*/\1/p')
sleep 1.5
screen | grep -q "REPLAY lecture\.jsonl $pos/24 0\.25x paused" || fail "paused replay moved on from $pos"
tmx send-keys -t t .
wait_for "REPLAY lecture\\.jsonl $((pos + 1))/24 0\\.25x paused" 5

# The pace: two presses of } make it 1x.
tmx send-keys -t t '}'
wait_for 'REPLAY lecture\.jsonl [0-9]+/24 0\.5x paused' 5
tmx send-keys -t t '}'
wait_for 'REPLAY lecture\.jsonl [0-9]+/24 1x paused' 5
tmx send-keys -t t '{'
wait_for 'REPLAY lecture\.jsonl [0-9]+/24 0\.5x paused' 5

# Keys that change a workload say there is none.
tmx send-keys -t t m
wait_for 'a replay has no workload to change' 5

# A line broken after the screen started: said on screen, replay stops.
echo '{"t":99,"mode":"fibers"' >> "$work/lecture.jsonl"
tmx send-keys -t t '}' '}' '}' '}' Space
wait_for 'lecture\.jsonl:26: the line ends before' 20
wait_for 'REPLAY lecture\.jsonl 24/24 8x stopped' 5
screen | grep -Eq 'handoffs +4\.32M/s' || fail "the figures went away at the bad line"

# f: the three headline figures in big digits, their labels under them.
tmx send-keys -t t f
wait_for 'CPU time per handoff \(ns\)' 5
wait_for 'kernel switches per handoff' 2
wait_for 'handoffs per second' 2
screen | grep -q '██' || fail "no big digits"
tmx send-keys -t t f
wait_for 'Switches' 5

tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
check_modes
tmx kill-session -t t

# 200x60, ASCII: the big digits are '#' and still fit.
rm -f "$work/status" "$work/stty"
start 200 60 --ascii --replay "$fixture"
wait_for 'REPLAY pingpong-64cpu\.jsonl [0-9]+/24 1x' 10
wait_for 'handoffs +4\.32M/s' 10
tmx send-keys -t t f
wait_for 'handoffs per second' 5
# 4.32M: a column of glyphs at least 5 rows high, in '#'.
[ "$(screen | grep -c '####')" -ge 5 ] || fail "big digits under --ascii"
screen | grep -q '█' && fail "block characters under --ascii"
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status at 200x60"
echo "PASS: replay of the fixture, pause, step, pace, a bad line, f, q"

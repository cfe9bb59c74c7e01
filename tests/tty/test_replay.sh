#!/bin/sh
# SPDX-License-Identifier: ISC
# --replay of the fixture recording (a 64-CPU fibers pingpong): the
# recorded figures on screen, REPLAY in the header, pause, step, pace, the
# big figures, a bad line found mid-replay, and q.  Then a recorded session
# with changes: the scenario's caption, seeks by time and by change, the
# start again, space at the end, and the loop.  A replay runs no workload,
# so the three parts run at once, each on a tmux server of its own.
. "$(dirname "$0")/lib.sh"

fixture="$(cd "$(dirname "$0")/.." && pwd)/fixtures/record/pingpong-64cpu.jsonl"
session="$(cd "$(dirname "$0")/.." && pwd)/fixtures/record/session-changes.jsonl"

# The fixture at 80x24: its figures, pause, step, pace, a bad line, f, q.
lecture() {
	cp "$fixture" "$work/lecture.jsonl"
	start 80 24 --replay "$work/lecture.jsonl"
	wait_for 'lecture\.jsonl: 24 samples over 11\.5 s, 0 changes' 10
	wait_for 'REPLAY [0-9]+/24 [0-9.]+ s 1x' 10
	# A quarter of the pace: 48 s for the file, time for a loaded machine.
	tmx send-keys -t t '{' '{'
	wait_for 'REPLAY [0-9]+/24 [0-9.]+ s 0\.25x' 5
	wait_for 'fibers pingpong \| (tasks )?512/512( \|)? P=64' 2
	# The figures as recorded, not as this machine would measure them.
	wait_for 'handoffs +4\.32M/s' 10
	wait_for 'CPU per handoff +272 ns' 2
	wait_for 'fiber switches +8\.64M/s' 2
	wait_for 'VmSize +9\.20 GiB' 2
	wait_for 'loadavg run/all +63/1234' 2
	wait_for 'R 64  S 449  D 2' 2

	# Space pauses: the position holds.  Then . steps exactly one sample.
	tmx send-keys -t t Space
	wait_for 'REPLAY [0-9]+/24 [0-9.]+ s 0\.25x paused' 5
	pos=$(screen | sed -n 's/.*REPLAY \([0-9]*\)\/24.*/\1/p')
	sleep 1.5
	screen | grep -Eq "REPLAY $pos/24 [0-9.]+ s 0\.25x paused" || fail "paused replay moved on from $pos"
	tmx send-keys -t t .
	wait_for "REPLAY $((pos + 1))/24 [0-9.]+ s 0\\.25x paused" 5

	# The pace: two presses of } make it 1x.
	tmx send-keys -t t '}'
	wait_for 'REPLAY [0-9]+/24 [0-9.]+ s 0\.5x paused' 5
	tmx send-keys -t t '}'
	wait_for 'REPLAY [0-9]+/24 [0-9.]+ s 1x paused' 5
	tmx send-keys -t t '{'
	wait_for 'REPLAY [0-9]+/24 [0-9.]+ s 0\.5x paused' 5

	# Keys that change a workload say there is none.
	tmx send-keys -t t m
	wait_for 'a replay has no workload to change' 5

	# A line broken after the screen started: said on screen, replay stops.
	echo '{"t":99,"mode":"fibers"' >> "$work/lecture.jsonl"
	tmx send-keys -t t '}' '}' '}' '}' Space
	wait_for 'lecture\.jsonl:26: the line ends before' 20
	wait_for 'REPLAY 24/24 [0-9.]+ s 8x stopped' 5
	screen | grep -Eq 'handoffs +4\.32M/s' || fail "the figures went away at the bad line"

	# f: the three headline figures in big digits, their labels under them.
	tmx send-keys -t t f
	wait_for 'CPU time per handoff' 5
	wait_for 'kernel switches per handoff' 2
	wait_for 'handoffs per second' 2
	screen | grep -q '██' || fail "no big digits"
	tmx send-keys -t t f
	wait_for 'Switches' 5

	tmx send-keys -t t q
	status=$(wait_exit 10)
	[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
	check_modes
}

# 200x60, ASCII: the big digits are '#' and still fit.
ascii() {
	start 200 60 --ascii --replay "$fixture"
	wait_for 'REPLAY [0-9]+/24 [0-9.]+ s 1x' 10
	wait_for 'handoffs +4\.32M/s' 10
	# At 80x24 the scenario's two-line caption leaves no row for this one.
	screen | grep -Eq 'fiber queues +n/a: not recorded' || fail "per-worker queues shown from nothing"
	tmx send-keys -t t f
	wait_for 'handoffs per second' 5
	# 4.32M: a column of glyphs at least 5 rows high, in '#'.
	[ "$(screen | grep -c '####')" -ge 5 ] || fail "big digits under --ascii"
	screen | grep -q '█' && fail "block characters under --ascii"
	tmx send-keys -t t q
	status=$(wait_exit 10)
	[ "$status" = "exit=0" ] || fail "q gave $status at 200x60"
}

# A session recorded with changes: threads pingpong; m at 3.5 s; + at
# 6.3 s; 5 (blocking, whose tasks_target shows a sample before its name)
# at 9.5 and 10.0 s; b at 13.2 s; ] at 16.4 s.  42 samples over 18.9 s.
changes() {
	start 80 24 --replay "$session"
	wait_for 'session-changes\.jsonl: 42 samples over 18\.9 s, 6 changes' 10
	tmx send-keys -t t Space
	wait_for 'REPLAY [0-9]+/42 [0-9.]+ s 1x paused' 5
	# The caption is the scenario's own, as live: not a stand-in.
	caption() { screen | sed -n '20,23p'; }
	# (The opening message, two lines long, holds the caption's place for
	# its 4 s.)
	i=0
	until caption | grep -q 'handoff'; do
		i=$((i + 1)); [ "$i" -gt 80 ] && fail "no pingpong caption in the replay"
		sleep 0.1
	done
	screen | grep -q 'A recording played back' && fail "a stand-in caption"
	# 0: the first sample.
	tmx send-keys -t t 0
	wait_for 'REPLAY 1/42 0\.0 s 1x paused' 5
	# L: the next change, each in turn, with what changed; J back.
	tmx send-keys -t t L
	wait_both 'REPLAY 9/42 3\.5 s 1x paused' \
	    'change 1 of 6, at 3\.5 s: mode fibers, stack 16 KiB' 5
	wait_for '^ fibers pingpong' 2
	tmx send-keys -t t L
	wait_both 'REPLAY 15/42 6\.3 s 1x paused' 'change 2 of 6, at 6\.3 s: tasks 4' 5
	tmx send-keys -t t L L L
	wait_both 'REPLAY 30/42 13\.2 s 1x paused' 'change 5 of 6, at 13\.2 s: b on' 5
	wait_for '^ fibers blocking b' 2
	# The caption follows the scenario and its variant.
	caption | grep -q 'call' || fail "no blocking caption after the change"
	caption | grep -q 'handoff' && fail "the pingpong caption stayed"
	tmx send-keys -t t J
	wait_both 'REPLAY 23/42 10\.0 s 1x paused' \
	    'change 4 of 6, at 10\.0 s: scenario blocking' 5
	tmx send-keys -t t J J J J
	wait_for 'REPLAY 9/42 3\.5 s 1x paused' 5
	tmx send-keys -t t J
	wait_for 'no change of scenario, mode, variant or knob before 3\.5 s' 5
	# l and j: 10 s of the recording on and back (to the sample at or after
	# 13.5 s, then at or before 3.5 s).
	tmx send-keys -t t l
	wait_for 'REPLAY 31/42 13\.[5-9] s 1x paused' 5
	tmx send-keys -t t j
	wait_for 'REPLAY 9/42 3\.5 s 1x paused' 5
	tmx send-keys -t t l l
	wait_for 'REPLAY 42/42 18\.9 s 1x end' 5
	tmx send-keys -t t l
	wait_for 'this is the end of the recording' 5
	# At the end, space plays it again from the start.
	tmx send-keys -t t Space
	wait_for 'from the start again' 5
	wait_for 'REPLAY [1-9]/42 [0-9.]+ s 1x( |$)' 5
	# o: the loop; at 8x the 19 s go by in under 3 s, and start again.
	tmx send-keys -t t o '}' '}' '}'
	wait_for 'REPLAY (3[0-9]|4[0-2])/42 [0-9.]+ s 8x loop' 10
	wait_for 'REPLAY [1-9]/42 [0-9.]+ s 8x loop' 10
	tmx send-keys -t t q
	status=$(wait_exit 10)
	[ "$status" = "exit=0" ] || fail "q gave $status in the session replay"
	check_modes
}

alone lecture lecture
alone ascii ascii
alone changes changes
alone_wait
echo "PASS: replay of the fixtures, pause, step, pace, seek, change, start again, loop, caption, a bad line, f, q"

#!/bin/sh
# SPDX-License-Identifier: ISC
# The v key shows the code each task runs, as the source has it: the
# scenario's own function for the mode on screen, beside it (200x60) or
# under it (80x24, scrolled) the same task as a fiber in threads mode and
# the Go in fibers mode; the b variant's limit with b; v and Escape close.
. "$(dirname "$0")/lib.sh"

src="$(cd "$(dirname "$0")/../.." && pwd)"
# The name line of the function after a lesson marker: "pp_thread(void *arg)".
fn_of() {	# fn_of FILE "MARKER"
	awk -v m="$2" 'index($0, m) { on = 1; next }
	    on && /^[a-z_]+\(/ { sub(/\(.*/, ""); print; exit }
	    on && /^func / { sub(/^func /, ""); sub(/\(.*/, ""); print; exit }' "$1"
}
pp_thr=$(fn_of "$src/src/scenarios/pingpong.c" "lesson: pingpong threads")
pp_fib=$(fn_of "$src/src/scenarios/pingpong.c" "lesson: pingpong fibers")
pp_go=$(fn_of "$src/tests/go/lessons.go" "lesson: pingpong fibers")
bl_sem=$(fn_of "$src/src/scenarios/blocking.c" "lesson: blocking threads b")
bl_thr=$(fn_of "$src/src/scenarios/blocking.c" "lesson: blocking threads */")
bl_fib=$(fn_of "$src/src/scenarios/blocking.c" "lesson: blocking fibers */")
bl_go=$(fn_of "$src/tests/go/lessons.go" "lesson: blocking fibers b")
# scroll_to REGEX: Down, a line at a time, until the screen shows it.
scroll_to() {
	i=0
	while [ "$i" -lt 80 ]; do
		screen | grep -Eq -- "$1" && return 0
		tmx send-keys -t t Down
		sleep 0.1; i=$((i + 1))
	done
	fail "scrolling never showed /$1/"
}
for f in "$pp_thr" "$pp_fib" "$pp_go" "$bl_sem" "$bl_thr" "$bl_fib" "$bl_go"; do
	[ -n "$f" ] || fail "a lesson marker is missing from the sources"
done

# 80x24: one column, scrolled.
narrow() {
	start 80 24 -s pingpong
	wait_for 'threads \| pingpong' 20
	tmx send-keys -t t v
	wait_for 'Code: pingpong, threads mode' 10
	wait_for "$pp_thr\(" 5
	screen | grep -q "$pp_fib(" && fail "the fiber's code shows on the first screen at 80x24"
	screen | grep -q 'pthread_cond_wait' || fail "no condvar wait in the threads' code"
	screen | grep -Eq 'lines 1-[0-9]+ of [0-9]+' || fail "no scroll position at 80x24"
	# The other side of the lesson is below: scrolling shows it.
	scroll_to "$pp_fib\("
	tmx send-keys -t t End
	wait_for 'lines [0-9]+-([0-9]+) of \1' 5
	tmx send-keys -t t Escape
	sleep 0.5
	screen | grep -q 'Code: pingpong' && fail "Escape did not close the code"
	# Fibers: the channel's code first, the Go below it.
	tmx send-keys -t t m
	wait_for 'fibers \| pingpong' 20
	tmx send-keys -t t v
	wait_for 'Code: pingpong, fibers mode' 10
	wait_for "$pp_fib\(" 5
	screen | grep -q 'fiber_chan_recv' || fail "no channel receive in the fibers' code"
	scroll_to "func $pp_go\("
	screen | grep -q 'tests/go/lessons.go:[0-9]' || fail "the Go does not say where it comes from"
	tmx send-keys -t t v
	sleep 0.5
	screen | grep -q 'Code: pingpong' && fail "v did not close the code"
	tmx send-keys -t t q
	status=$(wait_exit 20)
	[ "$status" = "exit=0" ] || fail "q gave $status at 80x24"
}

# 200x60: side by side; the b variant's limit shows with b.
wide() {
	start 200 60 -s blocking -m threads
	wait_for 'threads \| blocking' 20
	tmx send-keys -t t b
	wait_for 'threads \| blocking b' 20
	tmx send-keys -t t v
	wait_for 'Code: blocking, threads mode, b: ' 10
	wait_for "$bl_thr\(" 5
	# Beside the thread's blocking call, the fiber's, on the same rows.
	screen | grep -Eq "$bl_thr\(.* $bl_fib\(" || fail "threads and fibers are not side by side at 200x60"
	screen | grep -q "$bl_sem(" || fail "the b variant's semaphore ($bl_sem) is not shown"
	screen | grep -q 'nanosleep' || fail "the blocking call is not shown"
	tmx send-keys -t t m
	wait_for 'Code: blocking, fibers mode, b: ' 20
	wait_for "$bl_fib\(.* $bl_go\(" 10
	tmx send-keys -t t b
	wait_for 'Code: blocking, fibers mode ' 20
	screen | grep -q "$bl_go(" && fail "the limited Go still shows without b"
	tmx send-keys -t t Escape
	sleep 0.5
	screen | grep -q 'Code: blocking' && fail "Escape did not close the code"
	tmx send-keys -t t q
	status=$(wait_exit 20)
	[ "$status" = "exit=0" ] || fail "q gave $status"
	check_modes
}

# The two sizes at once, each on a tmux server of its own: pingpong beside
# blocking, whose tasks mostly sleep.
alone 80x24 narrow
alone 200x60 wide
alone_wait
echo "PASS: v shows each mode's code from the source, side by side at 200x60, scrolled at 80x24"

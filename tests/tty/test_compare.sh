#!/bin/sh
# SPDX-License-Identifier: ISC
# Side by side (key c): at 80x24 the two columns of figures, each naming
# its unit, with the ratio fibers:threads and the CPU each side got; a
# knob key (+) reaches both sides, a scenario key (2) too; c again leaves
# one workload.  At 200x60 (--compare) each side has its panels under
# the headline rows, and a shows both Latency panels on one axis: that
# part runs with CSW_LONG set (make check-long).
. "$(dirname "$0")/lib.sh"

# small: the c key at 80x24, knob and scenario keys, c again.
small() {
	start 80 24 -s pingpong -n 2
	wait_for 'handoffs +[0-9.]+[kMG]?/s' 10
	tmx send-keys -t t c
	wait_for 'fibers:threads' 10
	# Both columns read, with units, and a ratio.
	wait_for 'CPU per handoff +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s +[0-9.]+(k)?:[0-9.]+(k)?' 15
	screen | grep -Eq '^│ pingpong +threads +fibers +fibers:threads' ||
	    fail "80x24: no column heads threads, fibers, fibers:threads"
	# A pass whose workloads did not answer in time shows n/a and why
	# (a loaded machine): wait for one that did.
	wait_for 'CPU used, % of one CPU +[0-9.]+% +[0-9.]+%' 15
	wait_for 'share of the CPU both used +[0-9.]+% +[0-9.]+%' 15
	screen | grep -Eq '^ threads pingpong .* fibers pingpong' ||
	    fail "80x24: the two headers do not name their modes"
	# A knob key reaches both sides: 2 tasks become 4 on each.
	tmx send-keys -t t +
	wait_for 'tasks alive +4 +4 ' 15
	# A scenario key too.
	tmx send-keys -t t 2
	wait_for '^ threads sleepers .* fibers sleepers' 15
	wait_for 'CPU per wakeup +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s' 15
	# Stacks per stack: a thread's whole reservation against a fiber's
	# class, and what each commits.
	wait_for 'stack reserved per stack +[0-9.]+ MiB +[0-9.]+ KiB +1:[0-9]+' 15
	wait_for 'stack committed per stack +[0-9.]+ KiB +[0-9.]+ KiB' 15
	# m would mix the sides up: it says so and changes nothing.
	# (The message stays 4 s; a loaded sanitizer run once missed it, so
	# m is typed again, up to three times: it changes nothing.)
	tries=0; seen=
	while [ "$tries" -lt 3 ] && [ -z "$seen" ]; do
		tmx send-keys -t t m
		i=0
		while [ "$i" -lt 50 ]; do
			screen | grep -q 'both on the screen' && { seen=1; break; }
			sleep 0.1; i=$((i + 1))
		done
		tries=$((tries + 1))
	done
	[ -n "$seen" ] || fail "m side by side: no message after three tries"
	screen | grep -Eq '^ threads sleepers .* fibers sleepers' ||
	    fail "m side by side changed a side's mode"
	# Blocking's CPU and switches per call are its tickers': not shown,
	# as on its own; a pool's stacks are counted as stacks, not tasks.
	tmx send-keys -t t 5
	wait_for '^ threads blocking .* fibers blocking' 15
	wait_for 'calls/s +[0-9.]+[kM]?/s' 15
	screen | grep -Eq 'per call' && fail "blocking side by side shows a figure per call"
	tmx send-keys -t t 4 b
	wait_for '^ threads cpu-flood b .* fibers cpu-flood b' 15
	wait_for 'stack committed per stack +[0-9.]+ KiB +[0-9.]+ KiB' 15
	tmx send-keys -t t c
	wait_for 'Run queue' 15
	screen | grep -q 'fibers:threads' && fail "c again kept the split view"
	tmx send-keys -t t q
	status=$(wait_exit 15)
	[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
}

# big: --compare at 200x60, panels a side, latency, figures.
big() {
	mkdir "$work/fig"
	start 200 60 --compare -s pingpong -n 2 --figures "$work/fig"
	wait_for 'CPU per handoff +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s +[0-9.]+(k)?:[0-9.]+(k)?' 15
	[ "$(screen | grep -c '┌ Switches')" = 1 ] ||
	    fail "200x60: not one Switches row of boxes"
	[ "$(screen | grep -o '┌ Memory' | wc -l)" = 2 ] ||
	    fail "200x60: not a Memory panel a side"
	screen | grep -q 'VmRSS (resident' &&
	    fail "200x60: the whole table where the headline rows belong"
	# The graphs of both sides share their scale: the top of the threads'
	# kernel switches graph and of the fibers' read the same, though the
	# rates differ a thousandfold.
	sleep 3
	tops=$(screen | sed -n '/┌ Switches/,/┌ Memory/p' |
	    grep -oE '│ +[0-9.]+[kMG]?/s' | head -2 | tr -d '│ ' | sort -u | wc -l)
	[ "$tops" = 1 ] || fail "200x60: the sides' kernel switch graphs differ in scale"
	# And their rows line up: the idle workers' row (n/a on the threads
	# side), the system's and the graphs' titles stand on one line each.
	for row in 'by idle workers' 'system, all CPUs' 'kernel switches/s:'; do
		n=$(screen | sed -n '/┌ Switches/,/┌ Memory/p' | grep -F "$row" |
		    head -n 1 | grep -o -F "$row" | wc -l)
		[ "$n" = 2 ] || fail "200x60: \"$row\" is not on one line on both sides"
	done
	tmx send-keys -t t -
	wait_for 'runs at least 2 tasks' 15
	tmx send-keys -t t a
	wait_for 'Latency, fibers: ready to running' 10
	screen | grep -q 'Latency, threads: ready to running' ||
	    fail "200x60: no threads Latency panel"
	# The two axes line up: the same column for 10ns in both panels.
	cols=$(screen | grep '10ns' | awk '{ print index($0, "10ns") }' | sort -u |
	    wc -l)
	[ "$cols" = 1 ] || fail "200x60: the Latency axes do not line up"
	# e saves one figure of both sides.
	tmx send-keys -t t e
	wait_for 'figure saved' 10
	[ "$(ls "$work/fig" | grep -c 'pingpong-side-by-side-.*\.svg')" = 1 ] ||
	    fail "e: not one side-by-side figure: $(ls "$work/fig")"
	kids=$(pgrep -P "$(cswviz_pid)" -f -- --workload-child | tr '\n' ' ')
	[ "$(echo $kids | wc -w)" = 2 ] || fail "200x60: not two workload children: $kids"
	tmx send-keys -t t q
	status=$(wait_exit 15)
	[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
	check_modes
	for k in $kids; do
		! kill -0 "$k" 2>/dev/null || fail "workload child $k outlived cswviz"
	done
}

# rec: a recording side by side carries both sides and replays split.
rec() {
	start 80 24 --compare -s pingpong -n 2 --record "$work/rec.jsonl"
	wait_for 'CPU per handoff +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s' 15
	sleep 2
	tmx send-keys -t t q
	status=$(wait_exit 15)
	[ "$status" = "exit=0" ] || fail "--record --compare: q gave $status"
	tmx kill-session -t t
	rm -f "$work/status" "$work/stty"
	nt=$(grep -c '"side":"threads"' "$work/rec.jsonl")
	nf=$(grep -c '"side":"fibers"' "$work/rec.jsonl")
	[ "$nt" -ge 3 ] && [ "$nf" -ge 3 ] ||
	    fail "the recording has $nt threads and $nf fibers lines"
	start 80 24 --replay "$work/rec.jsonl"
	wait_for 'REPLAY [0-9]+/'"$nt"' ' 10
	wait_for 'CPU per handoff +[0-9.]+ [nµm]?s +[0-9.]+ [nµm]?s +[0-9.]+(k)?:[0-9.]+(k)?' 15
	# At its end the badge is longest ("REPLAY 5/5 4.0 s 1x end"): in
	# a half of 80 columns it shortens, and each side keeps its name.
	wait_for 'REPLAY [0-9]+/[0-9]+ ([0-9.]+ s [0-9.]+x )?end' 15
	screen | grep -Eq '^ threads pingpong .*REPLAY [0-9]+/[0-9]+ end +fibers pingpong' ||
	    fail "replay: the two sides are not named"
	# A seek back keeps both sides.
	tmx send-keys -t t 0
	wait_for 'from the start' 15
	wait_for 'handoffs/s +[0-9.]+[kM]?/s +[0-9.]+[kM]?/s' 10
	tmx send-keys -t t q
	status=$(wait_exit 15)
	[ "$status" = "exit=0" ] || fail "--replay: q gave $status"
}

# One after the other: side by side, each part's figures need both of
# its workloads to answer in time, and three pairs at once kept a loaded
# machine from that.
small
tmx kill-session -t t
rm -f "$work/status" "$work/stty"
sizes=80x24
if [ -n "${CSW_LONG:-}" ]; then
	big
	tmx kill-session -t t
	rm -f "$work/status" "$work/stty"
	sizes="80x24 and 200x60"
fi
rec
echo "PASS: side by side at $sizes, recorded and replayed"

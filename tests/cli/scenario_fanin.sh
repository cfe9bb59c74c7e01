#!/bin/sh
# SPDX-License-Identifier: ISC
# The fanin lesson through --batch: one consumer, many producers.  Sending
# each item through the shared queue (threads) or channel (fibers) costs far
# more CPU per item than sending partial sums (-b).  Every run must also end
# promptly after its duration.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp); trap 'rm -f "$out"' EXIT
# A sample every 0.5 s: the medians from t = 2 s on take three.
DUR=3
start_args="-s fanin -P 2"
. "$(dirname "$0")/scenario_lib.sh"

for mode in threads fibers; do
	# Fibers' channel is cheaper than the lock: ask for less of a gain.
	gain=10; [ $mode = fibers ] && gain=5
	run -m $mode -n 16
	ns=$(median ns_per_work); w=$(median work_per_s)
	ks=$(median kernel_switches_per_work); a=$(median tasks_alive)
	grep -q '"work_unit":"items"' "$out" || fail "$mode: unit is not items"
	run -m $mode -n 16 -b
	nsb=$(median ns_per_work); wb=$(median work_per_s)
	ksb=$(median kernel_switches_per_work); ab=$(median tasks_alive)
	echo "$mode: $w items/s, $ns ns/item, $ks kernel switches/item;" \
	    "-b: $wb items/s, $nsb ns/item, $ksb kernel switches/item"
	expect "$mode: $a producers alive, want 16" "$a == 16"
	expect "$mode -b: $ab producers alive, want 16" "$ab == 16"
	expect "$mode: no items counted" "$w > 0 && $wb > 0"
	expect "$mode: -b costs $nsb ns/item against $ns, want $gain x less" \
	    "$nsb * $gain < $ns"
	# Items per second are not compared: they follow how much CPU the
	# SCHED_IDLE producers get on a shared machine (and a sanitizer's
	# cost), while the CPU per item above is the lesson itself.
done
echo "PASS: scenario fanin"

#!/bin/sh
# SPDX-License-Identifier: ISC
# --batch end to end: JSON Lines and CSV, and the pingpong lesson in both
# modes: about one kernel switch per handoff with threads, about none with
# fibers.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp); errs=$(mktemp); trap 'rm -f "$out" "$errs" "$out".nice-*' EXIT

# field KEY: the value of KEY in the summary line of $out.
field() { sed -n 's/.*"summary":true.*"'"$1"'":\([^,}]*\).*/\1/p' "$out"; }

"$CSWVIZ" --batch -m threads -s pingpong --duration 3 < /dev/null > "$out" 2> "$errs" ||
	fail "threads batch exited $?"
cat "$errs" >&2
# A kernel without /proc/schedstat is normal: a note, once, not an error.
[ "$(grep -c schedstat "$errs")" -le 1 ] || fail "schedstat said more than once: $(cat "$errs")"
grep -q 'schedstat unreadable' "$errs" && fail "a missing /proc/schedstat told as an error: $(cat "$errs")"
[ "$(grep -c '^{"t":[0-9]' "$out")" -ge 3 ] || fail "fewer than 3 samples: $(cat "$out")"
for key in t pid mode scenario tasks workers kernel_vcsw_per_s \
    kernel_ivcsw_per_s system_ctxt_per_s fiber_switches_per_s handoffs_per_s \
    ns_per_handoff stack_reserved_bytes stack_committed_bytes vm_size_bytes \
    vm_rss_bytes kernel_stack_bytes procs_running procs_blocked \
    threads_running fiber_runqueue sampler_ms threads_sleeping \
    threads_uninterruptible load_runnable load_total cpu_pressure_pct \
    sampler_cpu_percent; do
	grep -q "\"$key\":" "$out" || fail "no key $key"
done
# Every key the writer emits, in a sample and in the summary, is in the
# man page's --batch item.
if [ -n "${MANPAGE:-}" ]; then
	item=$(sed -n '/^\.It Fl Fl batch$/,/^\.It Fl Fl bench$/p' "$MANPAGE" |
	    sed 's/\\(dq//g')
	for key in $(sed -n '1p;$p' "$out" | grep -o '"[a-z_0-9]*":' | tr -d '":' | sort -u); do
		printf '%s\n' "$item" | grep -Eq "(^|[ ])$key(\$|[ ,:])" ||
			fail "--batch writes \"$key\"; the man page does not say what it is"
	done
fi
ksw=$(field kernel_switches_per_handoff)
echo "threads: kernel switches per handoff $ksw, ns per handoff $(field ns_per_handoff)"
awk -v v="$ksw" 'BEGIN { exit !(v >= 0.8) }' || fail "threads: $ksw kernel switches per handoff, want >= 0.8"
[ "$(field fiber_switches_per_s)" = null ] || fail "threads mode reports fiber switches"

"$CSWVIZ" --batch -m fibers -n 8 --duration 3 < /dev/null > "$out" ||
	fail "fibers batch exited $?"
ksw=$(field kernel_switches_per_handoff)
echo "fibers: kernel switches per handoff $ksw, ns per handoff $(field ns_per_handoff)"
awk -v v="$ksw" 'BEGIN { exit !(v < 0.05) }' || fail "fibers: $ksw kernel switches per handoff, want < 0.05"
fsw=$(field fiber_switches_per_s)
awk -v v="$fsw" 'BEGIN { exit !(v > 0) }' || fail "fibers: fiber switches/s is $fsw"
grep -q '"mode":"fibers","scenario":"pingpong","variant":false,"work_unit":"handoffs","tasks":8' "$out" || fail "fibers: wrong lead columns"

# Under nice the workload's session, an autogroup of its own, takes that
# nice too (a new autogroup weighs as nice 0): as this user, and as nobody
# where root can be, whom the kernel lets write it once a tenth of a second.
# niced [RUN...]: cswviz under nice -n 19; its child's autogroup must say so.
niced() {
	"$@" nice -n 19 "$CSWVIZ" --batch -s sleepers -n 2 --duration 2 \
	    < /dev/null > /dev/null 2>&1 &
	run=$!
	ag=; i=0
	while [ "$i" -lt 50 ]; do
		# setpriv and nice exec cswviz: $run is cswviz.
		child=$(pgrep -P "$run" -x cswviz-child)
		a=; [ -n "$child" ] && a=$(cat "/proc/$child/autogroup" 2>/dev/null)
		[ -n "$a" ] && ag=$a
		case $ag in *"nice 19") break ;; esac
		sleep 0.1; i=$((i + 1))
	done
	who=$(id -un); [ $# -gt 0 ] && who=nobody
	wait "$run" || fail "nice -n 19, as $who: exited $?"
	case $ag in
	*"nice 19") echo "nice -n 19, as $who: the workload's autogroup: $ag" ;;
	*) fail "nice -n 19, as $who: the workload's autogroup reads '$ag', not nice 19" ;;
	esac
}

# The two runs under nice sleep, so they go beside the CSV run, each
# saying what it saw in a file of its own.
nice_runs=
if [ -e /proc/self/autogroup ]; then
	(niced) > "$out.nice-me" 2>&1 &
	nice_runs="$out.nice-me"
	if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
		(niced setpriv --reuid=65534 --regid=65534 --clear-groups) \
		    > "$out.nice-nobody" 2>&1 &
		nice_runs="$nice_runs $out.nice-nobody"
	fi
else
	echo "note: no /proc/self/autogroup (autogroups off): nice applies as it is"
fi

"$CSWVIZ" --batch --duration 2 --format csv < /dev/null > "$out" || fail "csv exited $?"
head -n 1 "$out" | grep -q '^t,pid,mode,scenario,variant,work_unit,tasks,workers,kernel_vcsw_per_s,' || fail "csv header: $(head -n 1 "$out")"
tail -n 1 "$out" | grep -q '^median,' || fail "csv has no median row"
cols=$(head -n 1 "$out" | awk -F, '{ print NF }')
awk -F, -v n="$cols" 'NF != n { exit 1 }' "$out" || fail "csv rows of unequal width"

wait
for f in $nice_runs; do
	cat "$f"
	grep -q '^FAIL' "$f" && exit 1
	grep -q "the workload's autogroup:" "$f" || fail "a run under nice said nothing"
done
echo "PASS: batch"

#!/bin/sh
# SPDX-License-Identifier: ISC
# Going from many fibers back to two gives the memory back: the live screen
# grows sleepers from 2 to 80,000 fibers with * and + (the ramp saying how
# far it has come), shrinks them to 2 with / and -, and VmRSS must come back
# within 10% of what it was at 2, on 2 KiB stacks (the million's class)
# and, in make check-long, on 16 KiB ones (the default; their timer heaps
# once kept 19% more).
# (A million is measured by hand: it costs CI 2 GB.)
. "$(dirname "$0")/lib.sh"
# RSS is read as the workload grows and shrinks: nice 0.
TTY_NICE=

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# settle PID: until VmRSS stops moving (1 s apart), at most 60 s; prints it.
settle() {
	prev=0; i=0
	while [ "$i" -lt 60 ]; do
		cur=$(rss_kb "$1")
		[ -n "$cur" ] || fail "cswviz is gone"
		d=$((cur - prev)); [ "$d" -lt 0 ] && d=$((-d))
		[ "$d" -le $((cur / 100)) ] && break
		prev=$cur; sleep 1; i=$((i + 1))
	done
	echo "$cur"
}

# A sanitized build raises fiber stacks to 16 KiB and holds freed memory
# in its quarantine: there RSS cannot show the give-back.
if grep -q -e __asan_init -e __tsan_init "$CSWVIZ"; then
	echo "SKIP: a sanitized build: its quarantine keeps freed memory, so RSS shows nothing here"
	exit 77
fi

# giveback STACK: grow to 80,000 fibers on STACK and back to 2.
giveback() {
	stack=$1
	start 100 30 -m fibers -s sleepers -n 2 --stack "$stack"
	wait_for 'tasks 2/2 ' 20
	if [ "$stack" = 2K ] && ! screen | grep -q 'stack 2\.00 KiB'; then
		fail "--stack 2K: the header does not say 2.00 KiB"
	fi
	pid=$(cswviz_pid || true)
	[ -n "$pid" ] || fail "cannot find the cswviz process"
	# The fibers live in the workload child: its memory is the lesson.
	pid=$(pgrep -P "$pid" | head -n 1)
	[ -n "$pid" ] || fail "cswviz has no workload child"
	sleep 2
	rss0=$(settle "$pid")
	# 2 -> 20 -> 200 -> 2,000 -> 20,000 -> 40,000 -> 80,000
	for k in '*' '*' '*' '*' '+' '+'; do
		tmx send-keys -t t "$k"
		sleep 0.3
	done
	wait_for 'tasks 80000/80000 ' 180
	rss1=$(settle "$pid")
	[ "$rss1" -gt $((rss0 + 100000)) ] ||
	    fail "$stack: 80,000 fibers took only $((rss1 - rss0)) KiB"
	# 80,000 -> 8,000 -> 800 -> 80 -> 8 -> 4 -> 2
	for k in '/' '/' '/' '/' '-' '-'; do
		tmx send-keys -t t "$k"
		sleep 0.3
	done
	wait_for 'tasks 2/2 ' 60
	sleep 2
	rss2=$(settle "$pid")
	[ "$rss2" -le $((rss0 + rss0 / 10)) ] ||
	    fail "$stack: VmRSS $rss0 KiB at 2 fibers, $rss1 KiB at 80,000, $rss2 KiB back at 2: more than 10% over"
	echo "$stack: VmRSS $rss0 KiB at 2 fibers, $rss1 KiB at 80,000, $rss2 KiB back at 2"
	tmx send-keys -t t q
	status=$(wait_exit 30)
	[ "$status" = "exit=0" ] || fail "$stack: q gave $status"
}

# make check: 2 KiB stacks.  With CSW_LONG set (make check-long) 16 KiB
# too, the two at once, each on a tmux server of its own.
alone 2K giveback 2K
[ -n "${CSW_LONG:-}" ] && alone 16K giveback 16K
alone_wait
[ -n "${CSW_LONG:-}" ] && sizes="2 KiB and 16 KiB" || sizes="2 KiB"
echo "PASS: memory given back after 80,000 fibers on $sizes stacks"

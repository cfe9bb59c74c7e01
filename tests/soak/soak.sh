#!/bin/sh
# SPDX-License-Identifier: ISC
# Soak: drive the live screen under tmux through every scenario in both
# modes for SOAK_SECONDS (60 by `make soak`; 600 by hand, see README), and
# in each double the tasks twice and halve them twice.  After every shrink
# back to the starting size the process must give back what the growth
# took: RSS within 10% of the baseline (plus a little slack, below), open
# fds and threads exactly back.  At the end q quits within 10 s, status 0.
#   SOAK_SECONDS  how long to keep going round (60); one pass at least
#   SOAK_ONLY     a regex: only the scenarios whose names match (all)
#   SOAK_SETTLE   seconds to wait for a figure to come back (30): the
#                 machine may be shared and loaded, so never assume speed
#   SOAK_RSS_SLACK_KB  RSS allowed above baseline + 10% (4096); a sanitized
#                 build, whose allocator keeps freed memory, needs far more
. "$(dirname "$0")/../tty/lib.sh"

seconds=${SOAK_SECONDS:-60}
settle=${SOAK_SETTLE:-30}

# Starting sizes, small enough that two doublings stay under ~2,000
# threads on a shared machine (pid_max may be 32768): each scenario opens
# at its default size, in fibers mode, and is halved down to this.
# scenario key, name, start size
plan="1 pingpong 2
2 sleepers 125
3 server 32
4 cpu-flood 16
5 blocking 8
6 fanin 16
7 leak 125"
plan=$(echo "$plan" | grep -E " ${SOAK_ONLY:-.}")
[ -n "$plan" ] || fail "SOAK_ONLY=$SOAK_ONLY matches no scenario"

# Slack on top of 10%: growing to 4x the threads lets glibc malloc make
# arenas (up to 8 per CPU), each of which keeps a heap's touched pages
# after the threads that used it are gone; and freed chunks below the trim
# threshold stay resident.  That is bounded and does not grow from one
# pass to the next, unlike a leak, which the later passes' comparison with
# the first pass's baseline catches.
slack_kb=${SOAK_RSS_SLACK_KB:-4096}

pid=
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$pid/status"; }
fds() { ls "/proc/$pid/fd" | wc -l; }

# tasks N: wait until the header shows N tasks, all of them running (the
# header says "tasks N/N", or just "N/N" when it is short of room).
# The header says tasks LIVE/TARGET, or for leak, whose knob is a cap,
# "tasks LIVE live, cap CAP": either, all of them started.
full() { echo "( $1/$1 | $1 live, cap $1 | $1, cap $1 )"; }
tasks() { wait_for "$(full "$1")" "$settle"; }

# until_ok SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
until_ok() {
	t=$1; shift
	i=0
	while [ "$i" -lt $((t * 5)) ]; do
		"$@" && return 0
		sleep 0.2; i=$((i + 1))
	done
	"$@"
}

# A figure is back when it is no more than its baseline (RSS: the limit).
rss_ok() { [ "$(rss)" -le "$1" ]; }
fds_ok() { [ "$(fds)" -eq "$1" ]; }
threads_ok() { [ "$(threads)" -eq "$1" ]; }

# baseline KEY: the figures for scenario+mode KEY, once the process has
# settled (two samples after the size is reached); kept from the first
# pass, so that a slow leak across passes shows too.
baseline() {
	f="$work/base.$(echo "$1" | tr / .)"
	if [ ! -f "$f" ]; then
		# Threads and fds must be steady for a second to be a baseline.
		a="$(threads) $(fds)"; i=0
		while [ "$i" -lt "$settle" ]; do
			sleep 1; b="$(threads) $(fds)"
			[ "$a" = "$b" ] && break
			a=$b; i=$((i + 1))
		done
		sleep 1
		echo "$(rss) $a" > "$f"
	fi
	read -r b_rss b_thr b_fds < "$f"
}

# cycle KEY N: grow N to 4N and back, then check the figures against KEY's
# baseline.
cycle() {
	key=$1; n=$2
	baseline "$key"
	tmx send-keys -t t +; tasks $((n * 2))
	tmx send-keys -t t +; tasks $((n * 4))
	peak="$(rss) $(threads) $(fds)"
	tmx send-keys -t t -; tasks $((n * 2))
	tmx send-keys -t t -; tasks "$n"
	limit=$((b_rss + b_rss / 10 + slack_kb))
	until_ok "$settle" threads_ok "$b_thr" ||
	    fail "$key: threads $(threads) after the shrink, baseline $b_thr"
	until_ok "$settle" fds_ok "$b_fds" ||
	    fail "$key: fds $(fds) after the shrink, baseline $b_fds: $(ls -l /proc/$pid/fd)"
	until_ok "$settle" rss_ok "$limit" ||
	    fail "$key: RSS $(rss) kB after the shrink, baseline $b_rss kB, limit $limit kB"
	printf 'pass %d %-18s n=%-4d base rss %6d kB thr %4d fds %3d | 4n rss/thr/fds %s | back rss %6d kB thr %4d fds %3d\n' \
	    "$pass" "$key" "$n" "$b_rss" "$b_thr" "$b_fds" "$peak" "$(rss)" "$(threads)" "$(fds)"
}

begin=$(date +%s)
start 100 30 -m fibers
wait_for 'Run queue' "$settle"
pid=$(cswviz_pid)
[ -n "$pid" ] || fail "no cswviz pid"

pass=1
while :; do
	echo "$plan" | while read -r key name n; do
		# In fibers mode, so that the default size (4000 for leak) is
		# fibers, not threads; then down to the starting size.
		tmx send-keys -t t "$key"
		wait_for "^ fibers (\\| )?$name " "$settle"
		# Halve from the target (or leak's cap).
		size=$(screen | head -1 | sed -En 's/^[^/]* [0-9]+\/([0-9]+).*/\1/p; s/.* [0-9]+ live, cap ([0-9]+).*/\1/p')
		while [ "$size" -gt "$n" ]; do
			size=$((size / 2))
			tmx send-keys -t t -
			tasks "$size"
		done
		cycle "$name/fibers" "$n"
		tmx send-keys -t t m
		wait_for "^ threads (\\| )?$name .*$(full "$n")" "$settle"
		cycle "$name/threads" "$n"
		tmx send-keys -t t m
		wait_for "^ fibers (\\| )?$name .*$(full "$n")" "$settle"
	done || exit 1
	[ $(($(date +%s) - begin)) -ge "$seconds" ] && break
	pass=$((pass + 1))
done

tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
check_modes
echo "PASS: soak, $pass passes in $(($(date +%s) - begin)) s"

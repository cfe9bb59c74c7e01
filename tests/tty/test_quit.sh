#!/bin/sh
# SPDX-License-Identifier: ISC
# Quitting a big run: with thousands of sleeping threads (or a million
# fibers) in the workload child, q gives the terminal back (echo and
# canonical mode on) first, and the shell its status once the kernel has
# ended the child, which is killed, not stopped thread by thread; then
# nothing of ours is left: no process of the child's session, not the
# child, not cswviz, no zombie of any of them.
# The times are printed; the bounds only catch a hang (a clean join of
# every thread took minutes at 20,000), since the machines that run this
# are shared and a tight bound would fail for their load, not for cswviz.
# The 200 ms goal for the modes is the bench's (q to modes back).
# make check: 2,000 threads.  CSW_LONG set (make check-long): 10,000
# sleeping threads, 20,000 threads waiting on a channel (leak: 20,000
# sleepers waking ten times a second load a shared machine to thousands),
# quit once during the ramp and once when all run, and 1,000,000 sleeping
# fibers with 2 KiB stacks; 64 KiB thread stacks keep 20,000 to 1.3 GiB.
# Each q is typed with one spinner per CPU at nice 0, in a session of its
# own.
# QUIT_TASKS sets one threads run of that size instead.
. "$(dirname "$0")/lib.sh"
# The quits are timed: cswviz and its workload run at nice 0.
TTY_NICE=

modes_ms=5000
gone_ms=60000
spin=

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$kid/status" 2>/dev/null; }
modes_ok() {
	m=$(stty -a < "$tty" 2>/dev/null) || return 1
	echo "$m" | grep -Eq '(^| )icanon( |$)' &&
	    echo "$m" | grep -Eq '(^| )echo( |$)'
}
# watch_modes READY: when (ms since the epoch) the pane's terminal is in
# canonical mode with echo again, read by a loop that does not fork, and
# that creates the file READY once it has seen the raw modes running;
# "never" after 180 s.
watch_modes() {
	perl -MPOSIX -MTime::HiRes=time,sleep -e '
	sysopen(my $fh, $ARGV[0], O_RDONLY | O_NOCTTY) or die "$ARGV[0]: $!\n";
	my $t = POSIX::Termios->new;
	my $t0 = time;
	my $ready = 0;
	while (time - $t0 < 180) {
		if (defined $t->getattr(fileno($fh))) {
			my $l = $t->getlflag;
			if (($l & ICANON) && ($l & ECHO)) {
				printf "%d\n", time * 1000;
				exit 0;
			}
			if (!$ready) {	# raw seen: q may come now
				open(my $r, ">", $ARGV[1]) and close($r);
				$ready = 1;
			}
		}
		sleep 0.005;
	}
	print "never\n";' "$tty" "$1"
}
spin_stop() {
	for p in $spin; do kill "$p" 2>/dev/null; done
	spin=
}
trap 'spin_stop; cleanup' EXIT
# With CSW_LONG, one spinner per CPU at nice 0, each in a session (an
# autogroup) of its own, for the quit; each stops itself after 120 s.
spin_start() {
	[ -n "${CSW_LONG:-}" ] || return 0
	i=0
	while [ "$i" -lt "$(nproc)" ]; do
		setsid timeout 120 sh -c 'while :; do :; done' &
		spin="$spin $!"
		i=$((i + 1))
	done
	spin_note=", $(nproc) CPUs spinning"
}

# quit_case LABEL READY ARGS...: run cswviz with ARGS; READY is "threads N"
# (that many threads in the child), "ramp N" (q while fewer than N run) or
# a regex the screen shows once the tasks run.
quit_case() {
	label=$1; ready=$2; shift 2
	rm -f "$work/status" "$work/stty"
	tmx kill-session -t t 2>/dev/null
	start 100 30 "$@"
	wait_for 'Switches' 30
	pid=$(cswviz_pid || true)
	[ -n "$pid" ] || fail "cannot find the cswviz process"
	kid=$(pgrep -P "$pid" | head -n 1)
	[ -n "$kid" ] || fail "cswviz $pid has no workload child"
	[ "$(ps -o sid= -p "$kid" | tr -d ' ')" = "$kid" ] ||
	    fail "the workload child $kid is not in a session of its own"
	tty=$(tmx display-message -p -t t '#{pane_tty}')
	case $ready in
	threads*|ramp*)
		n=${ready#* }
		until=$(( $(now_ms) + 180000 ))
		while [ "$(threads)" -lt "$n" ]; do
			[ "${ready%% *}" = ramp ] && [ "$(threads)" -gt 100 ] &&
			    break
			if [ "$(now_ms)" -gt "$until" ]; then
				echo "SKIP: $label: $(threads) of $n threads" \
				    "started in 180 s"
				exit 77
			fi
			sleep 0.1
		done
		[ "${ready%% *}" = ramp ] && [ "$(threads)" -ge "$n" ] &&
		    echo "note: $label: the ramp was over before q"
		;;
	*)
		until=$(( $(now_ms) + 300000 ))
		until screen | grep -Eq -- "$ready"; do
			if [ "$(now_ms)" -gt "$until" ]; then
				echo "SKIP: $label: /$ready/ not on the" \
				    "screen in 300 s"
				exit 77
			fi
			sleep 0.1
		done
		;;
	esac
	modes_ok && fail "$label: the terminal is not in raw mode while" \
	    "cswviz runs"
	[ "${ready%% *}" = ramp ] || sleep 2	# the first samples
	# Everything of ours now: cswviz, the child's session.
	ours="$pid $(pgrep -s "$kid" | tr '\n' ' ')"
	spin_start
	sleep 0.5
	# The test's own share of the times: a tmux command and one look at
	# the modes, which cswviz does not answer.
	t0=$(now_ms)
	tmx display-message -p -t t '' >/dev/null
	modes_ok
	t_own=$(( $(now_ms) - t0 ))

	# The modes are watched by one process started before q, which
	# reads them without forking: while the kernel ends thousands of
	# threads, every fork on the machine waits (seen: 14 s for a stty
	# after the modes were long back).
	rm -f "$work/modes_ms" "$work/watching"
	watch_modes "$work/watching" > "$work/modes_ms" &
	watcher=$!
	i=0
	while [ ! -e "$work/watching" ]; do
		i=$((i + 1)); [ "$i" -gt 600 ] &&
		    fail "$label: the modes watcher did not start in 60 s"
		sleep 0.1
	done
	# t0 is before the tmux client that types q starts, t_sent after it
	# has returned, by when the server has written q to the pane: the
	# key came in between.  Under load that client's fork and exec alone
	# took seconds (the other test beside this one, the spinners and
	# 100,000 timer wakeups a second), so the hang check counts from
	# t_sent, and both are printed.
	t0=$(now_ms)
	tmx send-keys -t t q
	t_sent=$(( $(now_ms) - t0 ))
	t_gone=
	while :; do
		t=$(( $(now_ms) - t0 ))
		if [ -s "$work/status" ]; then
			t_gone=$t
			break
		fi
		[ "$t" -gt 120000 ] && break
		sleep 0.02
	done
	wait "$watcher"
	spin_stop
	t_modes=$(cat "$work/modes_ms")
	case $t_modes in
	''|*[!0-9]*) fail "$label: the terminal's modes never came back (watcher: $t_modes)" ;;
	esac
	t_modes=$((t_modes > t0 ? t_modes - t0 : 0))
	t_after=$((t_modes > t_sent ? t_modes - t_sent : 0))
	[ -n "$t_gone" ] || fail "$label: cswviz still running 120 s after q"
	status=$(cat "$work/status")
	[ "$status" = "exit=0" ] || fail "$label: q gave $status, not exit=0"
	check_modes
	[ "$t_modes" -le "$t_gone" ] ||
	    fail "$label: the shell had cswviz's status ($t_gone ms) before" \
	    "the terminal's modes ($t_modes ms)"
	[ "$t_after" -le "$modes_ms" ] ||
	    fail "$label: terminal modes back $t_after ms after q was" \
	    "typed (tmux's send-keys took $t_sent ms), more than $modes_ms"
	[ "$t_gone" -le "$gone_ms" ] ||
	    fail "$label: the shell got cswviz's status $t_gone ms after q," \
	    "more than $gone_ms"
	# Gone, not a zombie either: /proc/PID stays while one is unreaped.
	for p in $ours; do
		[ -e "/proc/$p" ] && fail "$label: process $p is still there" \
		    "after cswviz exited: $(ps -o stat=,comm= -p "$p")"
	done
	left=$(pgrep -s "$kid" || true)
	[ -z "$left" ] || fail "$label: processes of the workload's session" \
	    "remain: $left"
	echo "PASS: $label: q gave the terminal's modes back in" \
	    "$t_modes ms, the status in $t_gone ms${spin_note:-} (the" \
	    "tmux command typing q: $t_sent ms; the test's own tmux" \
	    "command and stty before: $t_own ms)"
}

if [ -n "${QUIT_TASKS:-}" ]; then
	quit_case "$QUIT_TASKS sleeping threads" "threads $QUIT_TASKS" \
	    -m threads -s sleepers -n "$QUIT_TASKS" --stack 64K
elif [ -z "${CSW_LONG:-}" ]; then
	quit_case "2000 sleeping threads" "threads 2000" \
	    -m threads -s sleepers -n 2000 --stack 64K
else
	quit_case "10000 sleeping threads" "threads 10000" \
	    -m threads -s sleepers -n 10000 --stack 64K
	quit_case "20000 threads, q during the ramp" "ramp 20000" \
	    -m threads -s leak -n 20000 --stack 64K
	quit_case "20000 waiting threads" "threads 20000" \
	    -m threads -s leak -n 20000 --stack 64K
	quit_case "1000000 sleeping fibers (2 KiB stacks)" \
	    '1,000,000 tasks running' \
	    -m fibers -s sleepers -n 1000000 --stack 2K
fi

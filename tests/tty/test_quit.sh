#!/bin/sh
# SPDX-License-Identifier: ISC
# Quitting a big run: with 10,000 sleeping threads in the workload child,
# q gives the terminal back (echo and canonical mode on) first, and the
# shell its status once the kernel has ended the child, which is killed,
# not stopped thread by thread; then nothing of it is left: no process of
# its session, no zombie.
# The times are printed; the bounds only catch a hang (a clean join of
# every thread took minutes at 20,000), since the machines that run this
# are shared and a tight bound would fail for their load, not for cswviz.
# QUIT_TASKS sets the size: 2000 in make check, 10000 with CSW_LONG set
# (make check-long; 64 KiB stacks keep it to 640 MiB).
. "$(dirname "$0")/lib.sh"

[ -n "${CSW_LONG:-}" ] && n=10000 || n=2000
n=${QUIT_TASKS:-$n}
modes_ms=5000
gone_ms=30000

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$kid/status" 2>/dev/null; }
modes_ok() {
	m=$(stty -a < "$tty" 2>/dev/null) || return 1
	echo "$m" | grep -Eq '(^| )icanon( |$)' &&
	    echo "$m" | grep -Eq '(^| )echo( |$)'
}

start 100 30 -m threads -s sleepers -n "$n" --stack 64K
wait_for 'Switches' 10
pid=$(cswviz_pid || true)
[ -n "$pid" ] || fail "cannot find the cswviz process"
kid=$(pgrep -P "$pid" | head -n 1)
[ -n "$kid" ] || fail "cswviz $pid has no workload child"
[ "$(ps -o sid= -p "$kid" | tr -d ' ')" = "$kid" ] ||
    fail "the workload child $kid is not in a session of its own"
tty=$(tmx display-message -p -t t '#{pane_tty}')
i=0
while [ "$(threads)" -lt "$n" ]; do
	i=$((i + 1))
	if [ "$i" -gt 1200 ]; then
		echo "SKIP: $(threads) of $n threads started in 120 s"
		exit 77
	fi
	sleep 0.1
done
modes_ok && fail "the terminal is not in raw mode while cswviz runs"
sleep 2		# the sleepers' first periods, the first samples

t0=$(now_ms)
tmx send-keys -t t q
t_modes=; t_gone=
while :; do
	t=$(( $(now_ms) - t0 ))
	[ -z "$t_modes" ] && modes_ok && t_modes=$t
	if [ -s "$work/status" ]; then
		[ -z "$t_modes" ] && t_modes=$t
		t_gone=$t
		break
	fi
	[ "$t" -gt 60000 ] && break
	sleep 0.05
done
[ -n "$t_gone" ] || fail "cswviz still running 60 s after q"
status=$(cat "$work/status")
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
check_modes
[ "$t_modes" -le "$t_gone" ] ||
    fail "the shell had cswviz's status ($t_gone ms) before the terminal's modes ($t_modes ms)"
[ "$t_modes" -le "$modes_ms" ] ||
    fail "terminal modes back $t_modes ms after q, more than $modes_ms"
[ "$t_gone" -le "$gone_ms" ] ||
    fail "the shell got cswviz's status $t_gone ms after q, more than $gone_ms"
[ -e "/proc/$kid" ] && fail "the workload child $kid is still there: $(ps -o stat=,comm= -p "$kid")"
left=$(pgrep -s "$kid" || true)
[ -z "$left" ] || fail "processes of the workload's session remain: $left"
echo "PASS: q with $n sleeping threads: modes back in $t_modes ms, status in $t_gone ms"

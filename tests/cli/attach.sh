#!/bin/sh
# SPDX-License-Identifier: ISC
# -p PID with --batch: a process the test starts (threads that sleep and
# wake, so their voluntary switches must show), one that exits mid-run,
# one that does not exist, a PID that is not a number, and (as root, with
# setpriv) a process another user owns: the stacks' files are refused and
# the message names the file and what would allow it.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; kill $helper $other 2>/dev/null; exit 1; }
work=$(mktemp -d); out=$work/out; errs=$work/errs; helper=; other=
trap 'rm -rf "$work"; kill $helper $other 2>/dev/null' EXIT
command -v python3 > /dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

# field KEY: the value of KEY in the summary line of $out.
field() { sed -n 's/.*"summary":true.*"'"$1"'":\([^,}]*\).*/\1/p' "$out"; }

# The runs are light (processes that sleep), so they go at once, each into
# files of its own: a process that exits 2 s in, and (as root, with
# setpriv) root's process watched by nobody.  Each is checked below.
sleep 2 &
short=$!
("$CSWVIZ" --batch -p "$short" --duration 10 < /dev/null > "$work/short.out" \
    2> "$work/short.err"; echo $? > "$work/short.rc") &
shortrun=$!
nobodyrun=
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	sleep 30 &
	other=$!
	(setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CSWVIZ" --batch -p "$other" --duration 4 > "$work/nobody.out" \
	    2> "$work/nobody.err"; echo $? > "$work/nobody.rc") &
	nobodyrun=$!
fi

# Four threads that wake every 10 ms: about 400 voluntary switches a second.
python3 -c '
import threading, time
def work():
    while True:
        time.sleep(0.01)
for i in range(4):
    threading.Thread(target=work, daemon=True).start()
time.sleep(60)
' &
helper=$!
# A loaded machine may take a while to start python and its threads.
n=0
while [ "$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$helper/status" 2>/dev/null)" != 5 ]; do
	n=$((n + 1)); [ $n -le 300 ] || fail "the helper has not started its threads in 30 s"
	sleep 0.1
done
"$CSWVIZ" --batch -p "$helper" --duration 4 < /dev/null > "$out" 2> "$errs" ||
	fail "batch -p exited $?: $(cat "$errs")"
cat "$errs" >&2
[ "$(grep -c '^{"t":[0-9]' "$out")" -ge 4 ] || fail "fewer than 4 samples: $(cat "$out")"
grep -q "\"pid\":$helper," "$out" || fail "the samples are not of pid $helper"
grep -q '"mode":"process"' "$out" || fail "no mode process"
grep -q 'only a cswviz workload counts them' "$errs" ||
	fail "stderr does not say which columns -p cannot fill"
for key in kernel_vcsw_per_s kernel_ivcsw_per_s os_threads \
    stack_reserved_bytes stack_committed_bytes vm_rss_bytes \
    threads_sleeping; do
	v=$(field "$key")
	[ -n "$v" ] && [ "$v" != null ] || fail "$key is '$v' for a readable process"
done
# Null: only the engine counts these.
for key in handoffs_per_s fiber_switches_per_s tasks_alive; do
	[ "$(field "$key")" = null ] || fail "$key is '$(field "$key")' with -p"
done
vcsw=$(field kernel_vcsw_per_s)
echo "pid $helper: voluntary $vcsw/s, threads $(field os_threads), stacks $(field stack_reserved_bytes) B reserved"
awk -v v="$vcsw" 'BEGIN { exit !(v > 100) }' ||
	fail "4 threads waking every 10 ms: voluntary $vcsw/s, want > 100/s"
[ "$(field os_threads)" -ge 5 ] || fail "os_threads $(field os_threads), want 5"
# Every thread's stack found: 5 of them, 8 MiB each at most.
awk -v r="$(field stack_reserved_bytes)" 'BEGIN { exit !(r > 4 * 65536) }' ||
	fail "stack_reserved_bytes $(field stack_reserved_bytes): the threads' stacks were not found"

# A process that exits mid-run: said on stderr, the run ends, status 0.
wait "$shortrun"
[ "$(cat "$work/short.rc")" = 0 ] ||
	fail "batch -p on an exiting process exited $(cat "$work/short.rc")"
grep -q "process $short (sleep) exited" "$work/short.err" ||
	fail "exit not told: $(cat "$work/short.err")"
grep -q '"summary":true' "$work/short.out" || fail "no summary after the exit"
[ "$(grep -c '^{"t":[0-9]' "$work/short.out")" -le 4 ] ||
	fail "samples went on after the exit"

# No such process; not a number.
kill "$helper"; wait "$helper" 2>/dev/null; gone=$helper; helper=
"$CSWVIZ" --batch -p "$gone" --duration 1 > "$out" 2> "$errs"
[ $? -eq 1 ] || fail "a PID gone: status not 1"
grep -q "no such process" "$errs" || fail "a PID gone: $(cat "$errs")"
"$CSWVIZ" --batch -p 12ab --duration 1 > "$out" 2> "$errs"
[ $? -eq 2 ] || fail "-p 12ab: status not 2"
grep -q "'12ab' is not a process ID" "$errs" || fail "-p 12ab: $(cat "$errs")"
"$CSWVIZ" -p 1 -s sleepers > "$out" 2> "$errs"
[ $? -eq 2 ] || fail "-p with -s: status not 2"

# Another user's process: root can watch as nobody.
if [ -n "$nobodyrun" ]; then
	wait "$nobodyrun"
	out=$work/nobody.out; errs=$work/nobody.err
	[ "$(cat "$work/nobody.rc")" = 0 ] ||
		fail "as nobody: exited $(cat "$work/nobody.rc"): $(cat "$errs")"
	cat "$errs" >&2
	grep -q "/proc/$other/smaps: permission denied" "$errs" ||
		fail "as nobody: the refused file is not named"
	grep -q "belongs to uid 0" "$errs" || fail "as nobody: the owner is not named"
	grep -q "CAP_SYS_PTRACE" "$errs" || fail "as nobody: what allows it is not said"
	[ "$(field stack_reserved_bytes)" = null ] ||
		fail "as nobody: stacks $(field stack_reserved_bytes) from files it may not read"
	v=$(field kernel_vcsw_per_s)
	[ -n "$v" ] && [ "$v" != null ] || fail "as nobody: switches '$v' (status is world-readable)"
else
	echo "note: not root (or no setpriv): another user's process not tried"
fi
exit 0

#!/bin/sh
# SPDX-License-Identifier: ISC
# Faults in a real terminal: /proc files that cannot be read, a terminal
# shrunk below the minimum while running, a storm of SIGWINCH, and Ctrl-Z
# then fg.  Each time the screen says what is wrong or comes back whole,
# and the terminal's modes are right afterwards.
. "$(dirname "$0")/lib.sh"

# width_of REGEX: the length of the first screen line matching REGEX.  The
# tests run in the C locale, where borders are one byte a column.
width_of() { screen | grep -m 1 -E -- "$1" | awk '{ print length($0) }'; }

# wait_width REGEX W [SECONDS]: until that line is W columns wide.
wait_width() {
	i=0; limit=$(( ${3:-10} * 10 ))
	while [ "$i" -lt "$limit" ]; do
		[ "$(width_of "$1")" = "$2" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	fail "the /$1/ line is $(width_of "$1") columns, not $2"
}

# Unreadable /proc files (a proc root of our own, given relative to the
# pane's directory so that the reasons fit): each figure from them says
# n/a and why, and the others are measured.
root="$work/p"
mkdir -p "$root/loadavg" "$root/pressure"
ln -s /proc/self "$root/self"
ln -s /proc/stat "$root/stat"
printf 'garbage\n' > "$root/pressure/cpu"
ENVSET="cd $work && LC_ALL=C CSWVIZ_PROC_ROOT=p" start 120 40
wait_for 'Switches' 20
wait_for 'KernelStack +n/a: p/meminfo: No such file or directory' 20
wait_for 'n/a: p/loadavg: Is a directory' 5
wait_for "CPU pressure +n/a: pressure: no 'some' line" 5
wait_for 'system, all CPUs +[0-9.]+[kMG]?/s' 20
pid=$(cswviz_pid || true)
[ -n "$pid" ] || fail "cannot find the cswviz process"
tmx send-keys -t t q
status=$(wait_exit 20)
[ "$status" = "exit=0" ] || fail "q with unreadable files gave $status"
check_modes
tmx kill-session -t t
rm -f "$work/status" "$work/stty"

# Shrunk below the minimum while running, then grown again.
ENVSET="LC_ALL=C" start 100 30
wait_for 'Switches' 20
wait_width 'Switches' 100 20
tmx resize-window -t t -x 60 -y 20
wait_for 'needs 80x24 or more; this terminal is 60x20' 20
tmx resize-window -t t -x 79 -y 30
wait_for 'needs 80x24 or more; this terminal is 79x30' 20
# Keys pressed on the too-small screen act on nothing the user can see:
# they are ignored, so growing it back shows what was there.
tmx send-keys -t t '?' f H 4
sleep 1
screen | grep -q 'needs 80x24 or more' || fail "a key left the too-small notice"
tmx resize-window -t t -x 100 -y 30
wait_width 'Switches' 100 20
screen | grep -q 'Keys' && fail "? on the too-small screen opened the help"
screen | grep -q 'threads | pingpong' ||
	fail "a key on the too-small screen changed the scenario"

# A storm of SIGWINCH: 500 in a tight loop.  The process lives, the
# screen is whole, and a real resize afterwards still takes.
pid=$(cswviz_pid || true)
[ -n "$pid" ] || fail "cannot find the cswviz process"
n=0
while [ "$n" -lt 500 ]; do
	kill -WINCH "$pid" 2>/dev/null || fail "cswviz died after $n SIGWINCH"
	n=$((n + 1))
done
kill -0 "$pid" 2>/dev/null || fail "cswviz died in the SIGWINCH storm"
wait_width 'Switches' 100 20
wait_for 'threads \| pingpong \| tasks 2/2' 20
wait_for 'Run queue' 5
tmx resize-window -t t -x 120 -y 40
wait_width 'Switches' 120 20
tmx send-keys -t t q
status=$(wait_exit 20)
[ "$status" = "exit=0" ] || fail "q after the storm gave $status"
check_modes
tmx kill-session -t t
rm -f "$work/status" "$work/stty"

# Ctrl-Z and fg in an interactive shell: the shell gets a sane terminal,
# and fg brings the whole screen back.
if ! command -v bash >/dev/null 2>&1; then
	echo "PASS: unreadable files, shrink, SIGWINCH storm (no bash: Ctrl-Z skipped)"
	exit 0
fi
tmx new-session -d -s t -x 100 -y 30 -c "$work" \
    "env PS1='P> ' LC_ALL=C TERM=screen bash --norc --noprofile -i"
wait_for '^P> ?$' 20
tmx send-keys -t t "$CSWVIZ" Enter
wait_for 'Switches' 20
tmx send-keys -t t C-z
wait_for 'Stopped' 20
wait_for '^P> ?$' 20
tmx send-keys -t t "stty -a > $work/stty" Enter
i=0; while [ ! -s "$work/stty" ]; do
	i=$((i + 1)); [ "$i" -gt 200 ] && fail "the shell did not run stty"; sleep 0.1
done
check_modes
tmx send-keys -t t "fg" Enter
wait_width 'Switches' 100 20
# The whole screen is cswviz's again: no shell line shows through.
i=0; while screen | grep -Eq '^P>( |$)|Stopped'; do
	i=$((i + 1)); [ "$i" -gt 200 ] && fail "the shell's lines stayed on the screen after fg"; sleep 0.1
done
wait_for 'Run queue' 5
wait_for 'handoffs +[0-9.]+[kMG]?/s' 20
tmx send-keys -t t q
# Type the next line only at the prompt: keys sent while cswviz is still
# quitting are its input, and would be lost with the line.
wait_for '^P> ?$' 20
# The modes first, then the status that wait_exit waits for, as start does.
tmx send-keys -t t "st=\$?; stty -a > $work/stty; echo exit=\$st > $work/status" Enter
status=$(wait_exit 20)
[ "$status" = "exit=0" ] || fail "q after fg gave $status"
check_modes
echo "PASS: unreadable files, shrink below the minimum, SIGWINCH storm, Ctrl-Z and fg"

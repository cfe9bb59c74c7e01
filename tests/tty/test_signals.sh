#!/bin/sh
# SPDX-License-Identifier: ISC
# Leaving by signal, and a terminal too small: the terminal always comes
# back, and a small terminal gets one line saying the minimum.
. "$(dirname "$0")/lib.sh"

for sig in TERM INT HUP; do
	rm -f "$work/status" "$work/stty"
	start 100 30
	wait_for 'Switches' 10
	pid=$(cswviz_pid || true)
	[ -n "$pid" ] || fail "cannot find the cswviz process"
	kill -"$sig" "$pid"
	status=$(wait_exit 10)
	case "$sig:$status" in
	TERM:exit=143|INT:exit=130|HUP:exit=129) ;;
	*) fail "SIG$sig gave $status" ;;
	esac
	check_modes
	tmx kill-session -t t
done

# A crash: SIGSEGV restores the terminal, then the signal kills it.
rm -f "$work/status" "$work/stty"
start 100 30
wait_for 'Switches' 10
pid=$(cswviz_pid || true)
kill -SEGV "$pid"
status=$(wait_exit 10)
[ "$status" = "exit=139" ] || fail "SIGSEGV gave $status"
check_modes
tmx kill-session -t t

# A terminal that cannot move its cursor: a message, exit 1, modes intact.
rm -f "$work/status" "$work/stty"
ENVSET="TERM=dumb" start 100 30
status=$(wait_exit 5)
[ "$status" = "exit=1" ] || fail "TERM=dumb gave $status"
wait_for "terminal 'dumb' cannot move the cursor" 2
check_modes
tmx kill-session -t t
ENVSET=

# Too small, then big enough again.
rm -f "$work/status" "$work/stty"
start 60 20
wait_for 'needs 80x24 or more; this terminal is 60x20' 10
tmx resize-window -t t -x 120 -y 40
wait_for 'Switches' 5
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status"
echo "PASS: SIGTERM, SIGINT, SIGHUP, SIGSEGV restore the terminal; small terminal message"

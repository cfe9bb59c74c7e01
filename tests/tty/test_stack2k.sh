#!/bin/sh
# SPDX-License-Identifier: ISC
# The live screen in fibers mode on 2 KiB stacks, through a storm of
# SIGWINCH: no signal may land on a fiber's stack, the program lives, the
# screen is whole and the terminal's modes come back.  Run several times,
# since the crash this guards against came one start in five: once in
# make check (tests/cli/stack2k.sh starts seven more), five times with
# CSW_LONG set (make check-long).
. "$(dirname "$0")/lib.sh"

[ -n "${CSW_LONG:-}" ] && rounds=5 || rounds=1
round=0
while [ "$round" -lt "$rounds" ]; do
	start 100 30 -m fibers -s sleepers --stack 2K
	wait_for 'fibers \| sleepers' 20
	# A sanitized build raises every fiber stack to 16 KiB (its frames
	# are bigger); the packed class shows only where 2 KiB is granted.
	wait_for 'stack (2\.00|16\.0) KiB' 20
	if screen | grep -q 'stack 2\.00 KiB'; then
		# The long line, or its short form where the panel is narrow.
		wait_for 'fiber stacks \(arena .*2 per page\)|stacks, 2 per 4 KiB page' 20
	fi
	pid=$(cswviz_pid || true)
	[ -n "$pid" ] || fail "round $round: cannot find the cswviz process"
	n=0
	while [ "$n" -lt 500 ]; do
		kill -WINCH "$pid" 2>/dev/null ||
		    fail "round $round: cswviz died after $n SIGWINCH ($(cat "$work/status" 2>/dev/null))"
		n=$((n + 1))
	done
	tmx resize-window -t t -x 80 -y 24
	tmx resize-window -t t -x 100 -y 30
	kill -0 "$pid" 2>/dev/null || fail "round $round: cswviz died in the storm"
	wait_for 'fibers \| sleepers' 20
	tmx send-keys -t t q
	status=$(wait_exit 20)
	[ "$status" = "exit=0" ] || fail "round $round: q after the storm gave $status"
	check_modes
	tmx kill-session -t t
	rm -f "$work/status" "$work/stty"
	round=$((round + 1))
done
echo "PASS: $rounds starts at --stack 2K, 500 SIGWINCH each"

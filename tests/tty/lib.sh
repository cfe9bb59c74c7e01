# SPDX-License-Identifier: ISC
# Helpers for the real-terminal tests: run cswviz inside a detached tmux
# session on a private server, type at it, and read the screen.
# Sourced by tests/tty/*.sh; CSWVIZ names the binary under test.

: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-tty.XXXXXX")
sock="cswviz-test-$$"
tmx() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	tmx kill-server >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
# A session that outlives the others, so that killing one never races the
# server's exit with the next new-session.
tmx new-session -d -s keep "sleep 3600" || { echo "FAIL: tmux cannot start"; exit 1; }

fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	tmx capture-pane -p -t t 2>/dev/null
	exit 1
}

# start W H ARGS...: run cswviz in a new session; when it exits, record the
# terminal's modes and then its status (wait_exit waits for the status, so
# the modes are there by then), and keep the pane open.  The session
# named t must be gone.  It samples every 0.5 s unless ARGS give their own
# -d (the last one counts): most waits here are for a sample or two.  (At
# 0.3 s, more passes on a loaded machine came back late, and a look just
# after a wait more often saw the next frame.)
#
# cswviz runs at nice 10 (TTY_NICE; empty for nice 0).  Its workload child
# writes that nice to its autogroup, so the workload yields the CPUs to the
# tests beside it, while the screen and the sampler (in the pane's own
# autogroup) keep their share.  These tests judge words, not how much work
# got done; a test that times or measures the workload sets TTY_NICE=.
# (make -j4 check: 104 s with it, 137-147 s without, when the terminal
# tests' workloads took the CPUs from each other's screens.)
start() {
	w=$1; h=$2; shift 2
	# A status left by the last cswviz of this test would be read as
	# this one's exit, or half-rewritten when this one exits.
	rm -f "$work/status" "$work/stty"
	tmx new-session -d -s t -x "$w" -y "$h" \
	    "ulimit -c 0; ${ENVSET:-} ${TTY_NICE-nice -n 10} $CSWVIZ -d 5 $*; st=\$?; stty -a > $work/stty; echo \"exit=\$st\" > $work/status; sleep 600"
}

screen() { tmx capture-pane -p -t t; }

# The pid of the cswviz in our pane (not another test's cswviz).
cswviz_pid() {
	shell=$(tmx display-message -p -t t '#{pane_pid}')
	pgrep -P "$shell" -x cswviz
}

# wait_for REGEX [SECONDS]: until the screen matches.
wait_for() {
	i=0; limit=$(( ${2:-10} * 10 ))
	while [ "$i" -lt "$limit" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	fail "screen never showed /$1/"
}

# wait_both RE1 RE2 [SECONDS]: until one capture of the screen shows both,
# such as a place and the 4 s message its key gave: on a loaded machine a
# capture can take longer than the message lasts, so two waits one after
# the other can miss what one frame held.
wait_both() {
	i=0; limit=$(( ${3:-10} * 10 ))
	while [ "$i" -lt "$limit" ]; do
		shot=$(screen)
		printf '%s\n' "$shot" | grep -Eq -- "$1" &&
		    printf '%s\n' "$shot" | grep -Eq -- "$2" && return 0
		sleep 0.1; i=$((i + 1))
	done
	fail "screen never showed /$1/ and /$2/ at once"
}

# wait_exit [SECONDS]: until cswviz has exited; prints its status line.
wait_exit() {
	i=0; limit=$(( ${1:-5} * 10 ))
	while [ "$i" -lt "$limit" ]; do
		[ -s "$work/status" ] && { cat "$work/status"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	# Called in $(...): say it on stderr too, or the log shows only
	# the caller's "q gave , not exit=0".
	echo "FAIL: cswviz did not exit within ${1:-5} s" >&2
	fail "cswviz did not exit within ${1:-5} s"
}

# Echo and canonical mode must be back on after cswviz exits.
check_modes() {
	grep -Eq '(^| )icanon( |$)' "$work/stty" || fail "icanon not restored: $(cat "$work/stty")"
	grep -Eq '(^| )echo( |$)' "$work/stty" || fail "echo not restored: $(cat "$work/stty")"
}

# alone TAG CMD...: run the function CMD in the background with a tmux
# server, a work directory and so a session t of its own, its lines kept
# in $work/TAG.out; alone_wait waits for all of them.  For parts of a test
# that only read their own screen (no figure that other load would move),
# so that the suite waits for the slowest part, not for the sum.
alone_tags=
alone() {
	tag=$1; shift
	(
		work=$work/$tag; sock=$sock-$tag
		mkdir "$work"
		trap 'tmx kill-server >/dev/null 2>&1' EXIT
		tmx new-session -d -s keep "sleep 3600" ||
		    { echo "FAIL: tmux cannot start"; exit 1; }
		"$@" && : > "$work/ended"
	) > "$work/$tag.out" 2>&1 &
	alone_tags="$alone_tags $tag"
}

# alone_wait: wait for every alone part and print their lines in the order
# they were started; fail if one of them stopped short.
alone_wait() {
	wait
	short=0
	for tag in $alone_tags; do
		cat "$work/$tag.out"
		[ -e "$work/$tag/ended" ] ||
		    { echo "FAIL: $tag stopped short (above)"; short=$((short + 1)); }
	done
	alone_tags=
	[ "$short" -eq 0 ] || { echo "FAIL: $short parts stopped short"; exit 1; }
}

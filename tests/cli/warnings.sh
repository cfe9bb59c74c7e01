#!/bin/sh
# SPDX-License-Identifier: ISC
# Each warning fires in the scenario that shows its problem and stays
# quiet in the fix (the b variant, or the other mode), read from the
# summary's warnings_seen and the events of --batch; --allow silences
# one, and a name that is not a warning is refused.  long-run and sampler
# have no scenario that shows them on demand: test_warn covers their
# rules on model fixtures and test_fiber the runtime's run stamps.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null; rm -rf "$work"' EXIT
out=$work/out

DUR=7
LIMIT=$((DUR + 40))

# launch TAG ARGS...: a batch run into $work/TAG, in the background; its
# pid goes to TAG.pid and its exit status to TAG.rc.  The runs are
# independent and each rule reads only its own process's figures (its
# threads, stacks, tasks and calls, never the machine's load), so all of
# them run side by side: the suite waits 7 s once, not nine times.
launch() {
	tag=$1; shift
	echo "$*" > "$work/$tag.args"
	timeout "$LIMIT" "$CSWVIZ" --batch -d 5 --duration "$DUR" "$@" \
	    < /dev/null > "$work/$tag" 2> /dev/null &
	echo $! > "$work/$tag.pid"
}

# finish TAG [STOPPED]: wait for the run; it must have ended in time, with
# 0, or with 143 when STOPPED says it was ended with SIGTERM (its summary
# is written all the same).
finish() {
	wait "$(cat "$work/$1.pid")"
	rc=$?
	rm -f "$work/$1.pid"
	args=$(cat "$work/$1.args")
	[ "$rc" -eq 124 ] && fail "$args: still running after $LIMIT s"
	[ "$rc" -eq 0 ] || { [ "$rc" -eq 143 ] && [ -n "${2:-}" ]; } ||
	    fail "$args: exited $rc"
	cp "$work/$1" "$out"
}

# began NAME FILE: a sample line of FILE says NAME began.
began() {
	grep '^{"t":[0-9]' "$2" | grep -q "\"warn_began\":\"[^\"]*$1"
}

# seen: the warnings that fired during the run, from the summary.
seen() { sed -n 's/.*"warnings_seen":"\([^"]*\)".*/\1/p' "$out"; }

# fires NAME TAG: NAME fires, with a began event on a sample line.  The
# run is ended (SIGTERM, then its summary) as soon as a sample says so.
fires() {
	name=$1
	pid=$(cat "$work/$2.pid")
	while kill -0 "$pid" 2>/dev/null; do
		if began "$name" "$work/$2"; then
			kill -TERM "$pid" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	finish "$2" stopped
	echo "$args: seen '$(seen)'"
	seen | grep -qw -- "$name" || fail "$args: no $name warning"
	began "$name" "$out" || fail "$args: no sample says $name began"
}

# quiet NAME TAG: NAME does not fire in the whole run.
quiet() {
	finish "$2"
	echo "$args: seen '$(seen)'"
	seen | grep -qw -- "$1" && fail "$args: $1 fired in the fix"
	return 0
}

launch blocking -s blocking -m fibers
launch blocking_b -s blocking -m fibers -b
launch stacks -s sleepers -m threads
launch stacks_f -s sleepers -m fibers
launch leak -s leak -m fibers
launch leak_b -s leak -m fibers -b
launch flood -s cpu-flood -m threads
launch flood_b -s cpu-flood -m threads -b
# --allow turns one off; the others still fire.
launch allow -s sleepers -m threads --allow stacks

fires blocking blocking
quiet blocking blocking_b
fires stacks stacks
quiet stacks stacks_f
fires leak leak
quiet leak leak_b
fires flood flood
quiet flood flood_b
finish allow
seen | grep -qw stacks && fail "--allow stacks: stacks fired"

"$CSWVIZ" --list-warnings > "$out" || fail "--list-warnings failed"
for name in long-run blocking flood stacks leak sampler; do
	grep -q "^$name " "$out" || fail "--list-warnings: no $name"
done
"$CSWVIZ" --allow nosuch --batch > "$out" 2>&1 && fail "--allow nosuch ran"
grep -q "no warning called 'nosuch'" "$out" ||
    fail "--allow nosuch: $(cat "$out")"
exit 0

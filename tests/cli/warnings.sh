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
out=$(mktemp); trap 'rm -f "$out"' EXIT

DUR=7
LIMIT=$((DUR + 40))

# run ARGS...: a batch run into $out that must end in time.
run() {
	timeout "$LIMIT" "$CSWVIZ" --batch -d 5 --duration "$DUR" "$@" \
	    < /dev/null > "$out" 2> /dev/null
	rc=$?
	[ "$rc" -eq 124 ] && fail "$*: still running after $LIMIT s"
	[ "$rc" -eq 0 ] || fail "$*: exited $rc"
}

# seen: the warnings that fired during the run, from the summary.
seen() { sed -n 's/.*"warnings_seen":"\([^"]*\)".*/\1/p' "$out"; }

# fires NAME ARGS...: NAME fires, with a began event on a sample line.
fires() {
	name=$1; shift
	run "$@"
	echo "$*: seen '$(seen)'"
	seen | grep -qw -- "$name" || fail "$*: no $name warning"
	grep '^{"t":[0-9]' "$out" | grep -q "\"warn_began\":\"[^\"]*$name" ||
	    fail "$*: no sample says $name began"
}

# quiet NAME ARGS...: NAME does not fire.
quiet() {
	name=$1; shift
	run "$@"
	echo "$*: seen '$(seen)'"
	seen | grep -qw -- "$name" && fail "$*: $name fired in the fix"
	return 0
}

fires blocking -s blocking -m fibers
quiet blocking -s blocking -m fibers -b
fires stacks -s sleepers -m threads
quiet stacks -s sleepers -m fibers
fires leak -s leak -m fibers
quiet leak -s leak -m fibers -b
fires flood -s cpu-flood -m threads
quiet flood -s cpu-flood -m threads -b
# --allow turns one off; the others still fire.
run -s sleepers -m threads --allow stacks
seen | grep -qw stacks && fail "--allow stacks: stacks fired"

"$CSWVIZ" --list-warnings > "$out" || fail "--list-warnings failed"
for name in long-run blocking flood stacks leak sampler; do
	grep -q "^$name " "$out" || fail "--list-warnings: no $name"
done
"$CSWVIZ" --allow nosuch --batch > "$out" 2>&1 && fail "--allow nosuch ran"
grep -q "no warning called 'nosuch'" "$out" ||
    fail "--allow nosuch: $(cat "$out")"
exit 0

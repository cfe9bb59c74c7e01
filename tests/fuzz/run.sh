#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every libFuzzer target for a bounded time (make fuzz runs this).
#   FUZZ_SECONDS   seconds per target (20)
#   FUZZ_JOBS      targets run side by side (1)
#   FUZZ_TARGETS   names to run, e.g. "theme stat" (every program, and
#                  every parser of fuzz_procfs)
#   FUZZ_BUILDDIR  the build directory configured with --enable-fuzzing (.)
# New inputs go to BUILDDIR/tests/fuzz/corpus-new/NAME, crashes to
# BUILDDIR/tests/fuzz/crashes/NAME-crash-*; copy a crash into
# tests/fuzz/regress/NAME/ once the parser is fixed.  Exit 1 on any crash.
set -u
srcdir=$(cd "$(dirname "$0")" && pwd)
build=${FUZZ_BUILDDIR:-.}
bin="$build/tests/fuzz"
seconds=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-1}
out="$bin/fuzz-out"
mkdir -p "$out" "$bin/crashes"

# Every target as "NAME PROGRAM": a program's own name, or each parser of a
# program of several (fuzz_procfs lists them for -parser=list).
all=
for p in "$bin"/fuzz_*; do
	[ -x "$p" ] && [ -f "$p" ] || continue
	names=$("$p" -parser=list -runs=0 2>/dev/null) || names=
	[ -n "$names" ] || names=${p##*/fuzz_}
	for n in $names; do
		all="$all$n ${p##*/}
"
	done
done
targets=${FUZZ_TARGETS:-$(printf '%s' "$all" | cut -d' ' -f1)}
[ -n "$targets" ] || {
	echo "run.sh: no fuzz programs in $bin (configure --enable-fuzzing CC=clang, then make)" >&2
	exit 1
}

# run NAME PROGRAM: one target for $seconds; its status in $out/NAME.status.
run() {
	name=$1
	prog=$2
	pick=
	[ "$prog" = "fuzz_$name" ] || pick="-parser=$name"
	mkdir -p "$bin/corpus-new/$name"
	set -- "$bin/corpus-new/$name" "$srcdir/corpus/$name"
	[ -d "$srcdir/regress/$name" ] && set -- "$@" "$srcdir/regress/$name"
	dict=
	[ -f "$srcdir/$name.dict" ] && dict="-dict=$srcdir/$name.dict"
	"$bin/$prog" $pick -max_total_time="$seconds" -timeout=10 $dict \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$bin/crashes/$name-" "$@" \
	    > "$out/$name.log" 2>&1
	echo $? > "$out/$name.status"
}

running=0
for name in $targets; do
	prog=$(printf '%s' "$all" | awk -v n="$name" '$1 == n { print $2 }')
	[ -n "$prog" ] || { echo "run.sh: no fuzz target $name in $bin" >&2; exit 1; }
	echo "$name ($prog): ${seconds}s"
	run "$name" "$prog" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

status=0
for name in $targets; do
	st=$(cat "$out/$name.status" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
	cov=$(grep -Eo 'cov: [0-9]+' "$out/$name.log" | tail -n 1)
	if [ "$st" -eq 0 ]; then
		echo "$name: ok, ${execs:-?} runs, ${cov:-cov: ?}"
	else
		echo "$name: FAILED ($st); log $out/$name.log:"
		tail -n 40 "$out/$name.log"
		status=1
	fi
done
exit "$status"

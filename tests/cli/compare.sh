#!/bin/sh
# SPDX-License-Identifier: ISC
# --batch --compare: two workloads at once, each sample a pair of lines,
# threads then fibers, under the key "side"; the summary a line a side;
# the pingpong lesson holds on each side (about one kernel switch per
# handoff with threads, about none with fibers); CSV has a side column;
# options that cannot go with it are refused.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp); errs=$(mktemp); trap 'rm -f "$out" "$errs"' EXIT

# summary SIDE KEY: the value of KEY in SIDE's summary line.
summary() {
	grep '"summary":true' "$out" | grep "\"side\":\"$1\"" |
	    sed -n 's/.*"'"$2"'":\([^,}]*\).*/\1/p'
}

"$CSWVIZ" --batch --compare -s pingpong -n 2 --duration 4 < /dev/null \
    > "$out" 2> "$errs" || fail "batch --compare exited $?"
cat "$errs" >&2
[ "$(grep -c schedstat "$errs")" -le 1 ] || fail "schedstat said more than once"
nt=$(grep -c '^{"t":[0-9.]*,"side":"threads",' "$out")
nf=$(grep -c '^{"t":[0-9.]*,"side":"fibers",' "$out")
[ "$nt" -ge 3 ] || fail "fewer than 3 threads rows: $(cat "$out")"
# Pairs: every threads row is followed by a fibers row.  A side whose
# sampler falls a whole interval behind on a busy machine prints a row
# alone rather than lose it (batch.c): one row more on one side, then.
d=$((nt - nf))
if [ "$d" = 0 ]; then
	grep -v '"summary"' "$out" | sed 's/.*"side":"\([a-z]*\)".*/\1/' |
	    paste - - | grep -vq '^threads	fibers$' &&
	    fail "rows not in pairs, threads then fibers: $(cut -c1-60 "$out")"
elif [ "$d" -lt -1 ] || [ "$d" -gt 1 ]; then
	fail "$nt threads rows but $nf fibers rows"
else
	echo "note: $nt threads rows, $nf fibers rows: a side fell behind once"
fi
# Each side runs the mode it names, in a process of its own.
grep '"side":"threads"' "$out" | grep -vq '"mode":"threads"' &&
    fail "a threads row runs another mode"
grep '"side":"fibers"' "$out" | grep -vq '"mode":"fibers"' &&
    fail "a fibers row runs another mode"
pt=$(sed -n 's/.*"side":"threads","pid":\([0-9]*\).*/\1/p' "$out" | sort -u)
pf=$(sed -n 's/.*"side":"fibers","pid":\([0-9]*\).*/\1/p' "$out" | sort -u)
[ -n "$pt" ] && [ -n "$pf" ] && [ "$pt" != "$pf" ] ||
    fail "the sides do not run in two processes: $pt $pf"
[ "$(grep -c '"summary":true' "$out")" = 2 ] || fail "not a summary a side"
kt=$(summary threads kernel_switches_per_handoff)
kf=$(summary fibers kernel_switches_per_handoff)
ct=$(summary threads cpu_percent)
cf=$(summary fibers cpu_percent)
echo "kernel switches per handoff: threads $kt, fibers $kf; CPU % of one: threads $ct, fibers $cf"
awk -v t="$kt" -v f="$kf" 'BEGIN { exit !(t + 0 >= 0.5 && f + 0 < 0.1) }' ||
    fail "the lesson: threads $kt (want >= 0.5), fibers $kf (want < 0.1)"
awk -v t="$ct" -v f="$cf" 'BEGIN { exit !(t + 0 > 0 && f + 0 > 0) }' ||
    fail "a side without CPU use: threads $ct, fibers $cf"
# Both workloads are gone once the run is.
for p in $pt $pf; do
	kill -0 "$p" 2>/dev/null && fail "workload $p outlived the run"
done

"$CSWVIZ" --batch --compare -n 2 --duration 2 --format csv < /dev/null \
    > "$out" 2> "$errs" || fail "csv --compare exited $?"
head -1 "$out" | grep -q '^t,side,pid,mode,' || fail "CSV header: $(head -1 "$out")"
grep -q '^[0-9.]*,threads,[0-9]*,threads,' "$out" || fail "no CSV threads row"
grep -q '^[0-9.]*,fibers,[0-9]*,fibers,' "$out" || fail "no CSV fibers row"
grep -q '^median,fibers,' "$out" || fail "no CSV fibers summary"

for bad in "--replay $out" "-p $$" "--trace $out.json" "--bench"; do
	"$CSWVIZ" --batch --compare $bad --duration 1 > /dev/null 2> "$errs" &&
	    fail "--compare $bad was taken"
	grep -q 'cswviz: ' "$errs" || fail "--compare $bad: no message"
done
echo "PASS: --batch --compare"

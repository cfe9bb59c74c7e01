#!/bin/sh
# SPDX-License-Identifier: ISC
# The e key saves the graphs on the screen as an SVG figure: the footer
# says where it went and the file is well-formed; in a replay too.  Side
# by side (--compare, or a recording of it) one figure holds both sides.
# A folder that cannot take the file gets a clear message in the footer
# and the screen carries on.
. "$(dirname "$0")/lib.sh"

figs="$work/figs"
mkdir -p "$figs"
start 80 24 -s pingpong -m fibers --figures "$figs"
wait_for 'handoffs +[0-9.]+[kMG]?/s' 15
tmx send-keys -t t e
wait_for "figure saved:" 5
screen | tr -d "\n " | grep -q "figuresaved:$figs/cswviz-pingpong-fibers-" ||
    fail "the footer does not name the file in $figs"
f=$(ls "$figs"/cswviz-pingpong-fibers-*.svg 2>/dev/null | head -n 1)
[ -s "$f" ] || fail "no figure in $figs: $(ls "$figs")"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$f" || fail "$f is not well-formed"
fi
grep -q 'a live session' "$f" || fail "the caption does not say live"
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status"
tmx kill-session -t t

# /proc takes no new files: a message, and the screen goes on.
rm -f "$work/status"
start 80 24 -s pingpong --figures /proc
wait_for 'handoffs +[0-9.]+[kMG]?/s' 15
tmx send-keys -t t e
wait_for "cannot write the figure /proc/cswviz-pingpong-threads" 5
tmx send-keys -t t m
wait_for 'fibers' 10
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q after a failed figure gave $status"
check_modes
tmx kill-session -t t

# In a replay, the figure names the recording.
rm -f "$work/status"
fixtures=$(cd "$(dirname "$0")/../fixtures/record" && pwd)
start 100 30 --replay "$fixtures/session-changes.jsonl" --figures "$figs"
wait_for 'REPLAY' 10
tmx send-keys -t t l l
tmx send-keys -t t e
wait_for "figure saved:" 5
grep -l 'the recording session-changes.jsonl' "$figs"/*.svg >/dev/null ||
    fail "no figure names the recording"
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q in the replay gave $status"

# Side by side: one figure, both sides' lines in it.
rm -f "$work/status"
tmx kill-session -t t
mkdir -p "$work/sides"
start 100 30 -s pingpong --compare --figures "$work/sides"
wait_for 'handoffs/s +[0-9.]+[kMG]?/s +[0-9.]+[kMG]?/s' 20
tmx send-keys -t t e
wait_for "figure saved:" 5
screen | tr -d "\n " | grep -q "figuresaved:$work/sides/cswviz-pingpong-side-by-side-" ||
    fail "the footer does not name the figure side by side"
[ "$(ls "$work/sides" | wc -l)" -eq 1 ] ||
    fail "not one figure side by side: $(ls "$work/sides")"
f=$(ls "$work/sides"/*.svg)
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$f" || fail "$f is not well-formed"
fi
for side in threads fibers; do
	grep -q "data-side=\"$side\" data-key=\"kernel_vcsw_per_s\"" "$f" ||
	    fail "the figure has no $side line"
done
grep -q 'Side by side over .* s: threads and fibers' "$f" ||
    fail "the caption does not say side by side"
tmx send-keys -t t q
status=$(wait_exit 15)
[ "$status" = "exit=0" ] || fail "q side by side gave $status"
tmx kill-session -t t

# Side by side into /proc: the message, and the split screen goes on.
rm -f "$work/status"
start 100 30 -s pingpong --compare --figures /proc
wait_for 'handoffs/s +[0-9.]+[kMG]?/s +[0-9.]+[kMG]?/s' 20
tmx send-keys -t t e
wait_for "cannot write the figure /proc/cswviz-pingpong-side-by-side-" 5
tmx send-keys -t t c
wait_for 'one workload again' 10
tmx send-keys -t t q
status=$(wait_exit 15)
[ "$status" = "exit=0" ] || fail "q after a failed figure side by side gave $status"
check_modes
tmx kill-session -t t

# A recording side by side, replayed: its figure holds both sides.
rm -f "$work/status"
rm -f "$work/sides"/*.svg
start 100 30 --replay "$fixtures/session-sides.jsonl" --figures "$work/sides"
wait_for 'REPLAY' 10
tmx send-keys -t t l
wait_for 'Side by side' 10
tmx send-keys -t t e
wait_for "figure saved:" 5
f=$(ls "$work/sides"/cswviz-pingpong-side-by-side-*.svg 2>/dev/null)
[ -n "$f" ] || fail "no figure side by side from the replay: $(ls "$work/sides")"
grep -q 'data-side="fibers"' "$f" && grep -q 'the recording session-sides.jsonl' "$f" ||
    fail "the replay's figure lacks the fibers side or the recording's name"
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q in the replay side by side gave $status"
echo "ok: the e key saves figures"

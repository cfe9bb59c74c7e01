#!/bin/sh
# SPDX-License-Identifier: ISC
# The e key saves the graphs on the screen as an SVG figure: the footer
# says where it went and the file is well-formed; in a replay too.  A
# folder that cannot take the file gets a clear message in the footer and
# the screen carries on.
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
echo "ok: the e key saves figures"

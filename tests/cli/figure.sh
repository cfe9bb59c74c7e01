#!/bin/sh
# SPDX-License-Identifier: ISC
# --replay FILE --export FILE.svg: the figure of a recording is well-formed
# XML (xmllint), renders at slide size with a real renderer (rsvg-convert)
# without a word on stderr, and its numbers are the recording's: every
# line's values and times, and each axis above its largest drawn value.
# A recording side by side gives one figure with both sides on the same
# axes, the fibers side dashed, each side's values and times the ones the
# replay pairs from the recording.  Names that cannot be written fail with
# a clear message.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
for tool in xmllint rsvg-convert python3; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool is not installed (Debian: libxml2-utils," \
		    "librsvg2-bin, python3)"
		exit 77
	}
done
fixtures=$(cd "$(dirname "$0")/../fixtures/record" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-figure.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# check REC SVG: the figure's data against the recording, line by line.
check() {
	python3 - "$1" "$2" <<'PY' || fail "$2 does not match $1"
import json, math, sys
import xml.etree.ElementTree as ET
rec = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rec = [r for r in rec if "t" in r and not r.get("summary")]
svg = ET.parse(sys.argv[2]).getroot()
ns = "{http://www.w3.org/2000/svg}"
times = [float(x) for x in svg.find(f".//{ns}g[@id='times']").get("data-t").split()]
assert len(times) == len(rec), (len(times), len(rec))
for t, r in zip(times, rec):
    assert abs(t - (r["t"] - rec[0]["t"])) < 1e-6, (t, r["t"])
lines = 0
for g in svg.iter(f"{ns}g"):
    if g.get("data-axis-max") is None:
        continue
    top, peak = float(g.get("data-axis-max")), float(g.get("data-max"))
    assert top >= peak, (g.get("id"), top, peak)
    assert peak <= 0 or top <= 2.5 * peak, (g.get("id"), top, peak)
    for p in g.iter(f"{ns}path"):
        if p.get("class") != "line":
            continue
        key, vals = p.get("data-key"), p.get("data-values").split()
        assert len(vals) == len(rec), (key, len(vals))
        for v, r in zip(vals, rec):
            want = r.get(key)
            if want is None:
                assert v == "nan", (key, r["t"], v)
            else:
                assert v != "nan" and math.isclose(float(v), want,
                    rel_tol=1e-9, abs_tol=1e-9), (key, r["t"], v, want)
            if v != "nan" and float(v) > peak:
                # Only rates at a change (left out of the drawing) may.
                assert key.endswith("_per_s") or key == "latency_ms", (key, v)
        lines += 1
assert lines >= 8, lines
print(f"ok: {sys.argv[2]}: {lines} lines, {len(rec)} samples match")
PY
}

# check_sides REC SVG [all]: a figure side by side against its recording.
# The replay pairs each threads line with one fibers line (the one after
# it, or the last before it); the figure must hold exactly those, with
# "all", every fibers line of the recording but those a later one
# replaced.
check_sides() {
	python3 - "$@" <<'PY' || fail "$2 does not match $1 side by side"
import json, math, sys
import xml.etree.ElementTree as ET
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
lines = [r for r in lines if r.get("t") is not None and not r.get("summary")]
want = {"threads": [], "fibers": []}
i = 0
while i < len(lines):
    peer = None
    while i < len(lines) and lines[i].get("side") == "fibers":
        peer = lines[i]; i += 1
    if i == len(lines):
        break
    r = lines[i]; i += 1
    want["threads"].append(r)
    if r.get("side") == "threads" and i < len(lines) and \
            lines[i].get("side") == "fibers":
        peer = lines[i]; i += 1
    if peer is not None:
        want["fibers"].append(peer)
fibers = [r for r in lines if r.get("side") == "fibers"]
if len(sys.argv) > 3:
    # A fibers line that came late, just before the next one, may be
    # replaced by it (on a loaded machine); every other one is drawn.
    late = sum(1 for a, b in zip(lines, lines[1:])
               if a.get("side") == b.get("side") == "fibers")
    assert len(fibers) - late <= len(want["fibers"]) <= len(fibers), \
        (len(want["fibers"]), late, len(fibers))
svg = ET.parse(sys.argv[2]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert svg.find(f".//{ns}g[@id='times']") is None, "a times element without a side"
times = {}
for side, rows in want.items():
    t = svg.find(f".//{ns}g[@id='times-{side}']")
    assert t is not None, f"no times of the {side} side"
    times[side] = [float(x) for x in t.get("data-t").split()]
    assert len(times[side]) == len(rows), (side, len(times[side]), len(rows))
    for a, r in zip(times[side], rows):
        assert abs((a - times[side][0]) - (r["t"] - rows[0]["t"])) < 1e-6, (side, a, r["t"])
# One time axis: a recording's sides meet at their newest samples, and
# the earlier side starts it at 0.
assert abs(times["threads"][-1] - times["fibers"][-1]) < 1e-6, times
assert abs(min(times["threads"][0], times["fibers"][0])) < 1e-6, times
graphs = 0
for g in svg.iter(f"{ns}g"):
    if g.get("data-axis-max") is None:
        continue
    top, peak = float(g.get("data-axis-max")), float(g.get("data-max"))
    assert top >= peak and (peak <= 0 or top <= 2.5 * peak), (g.get("id"), top, peak)
    seen = {"threads": 0, "fibers": 0}
    for p in g.iter(f"{ns}path"):
        if p.get("class") != "line":
            continue
        side, key = p.get("data-side"), p.get("data-key")
        vals = p.get("data-values").split()
        assert len(vals) == len(want[side]), (side, key, len(vals))
        for v, r in zip(vals, want[side]):
            w = r.get(key)
            if w is None:
                assert v == "nan", (side, key, r["t"], v)
            else:
                assert v != "nan" and math.isclose(float(v), w,
                    rel_tol=1e-9, abs_tol=1e-9), (side, key, r["t"], v, w)
            # One value axis for both sides: above every value drawn.
            if v != "nan" and float(v) > peak:
                assert key.endswith("_per_s") or key == "latency_ms", (side, key, v)
        # Not by colour alone: the fibers side is dashed, threads solid.
        assert (p.get("stroke-dasharray") is not None) == (side == "fibers"), (side, key)
        seen[side] += 1
    assert seen["threads"] > 0 and seen["threads"] == seen["fibers"], (g.get("id"), seen)
    graphs += 1
assert graphs >= 3, graphs
print(f"ok: {sys.argv[2]}: {graphs} graphs, threads {len(want['threads'])} and "
      f"fibers {len(want['fibers'])} of {len(fibers)} samples match")
PY
	grep -q '>threads</text>' "$2" && grep -q '>fibers</text>' "$2" ||
	    fail "the legend of $2 does not name both sides"
	grep -Eq 'Side by side over [0-9.]+ s: threads and fibers ran at the same time' "$2" ||
	    fail "the caption of $2 does not say it is a run side by side"
	grep -q 'Machine: .*CPU.*Linux' "$2" ||
	    fail "the caption of $2 does not name the machine"
}

# render SVG: well-formed, and a 1600x900 PNG with nothing said on stderr.
render() {
	xmllint --noout "$1" || fail "$1 is not well-formed XML"
	rsvg-convert -w 1600 -h 900 -o "$1.png" "$1" 2> "$work/rsvg.err" ||
	    fail "rsvg-convert failed on $1: $(cat "$work/rsvg.err")"
	[ ! -s "$work/rsvg.err" ] || fail "rsvg-convert said: $(cat "$work/rsvg.err")"
	python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); assert d[:8]==b"\x89PNG\r\n\x1a\n" and struct.unpack(">II",d[16:24])==(1600,900), d' \
	    "$1.png" || fail "$1.png is not a 1600x900 PNG"
}

# The two recordings made here and now (one mode, and both side by side)
# run at once while the fixtures are drawn: each figure is checked against
# its own recording, not against a lesson's figures.
"$CSWVIZ" --batch -s pingpong -m fibers --duration 3 > "$work/live.jsonl" \
    2>/dev/null &
live=$!
"$CSWVIZ" --batch --compare -s pingpong --duration 3 > "$work/pair.jsonl" \
    2>/dev/null &
pair=$!

# A session with changes of scenario, mode and knobs, from the fixtures.
"$CSWVIZ" --replay "$fixtures/session-changes.jsonl" --export "$work/changes.svg" ||
    fail "--export of session-changes.jsonl failed"
render "$work/changes.svg"
check "$fixtures/session-changes.jsonl" "$work/changes.svg"
grep -q 'class="change"' "$work/changes.svg" || fail "no change marked in $work/changes.svg"

# The recording made here and now, in fibers mode.
wait "$live" || fail "--batch failed"
"$CSWVIZ" --replay "$work/live.jsonl" --export "$work/live.svg" --theme mono ||
    fail "--export of a fresh recording failed"
render "$work/live.svg"
check "$work/live.jsonl" "$work/live.svg"
grep -q 'theme mono' "$work/live.svg" || fail "the caption does not name the theme"
grep -q 'Machine: .*CPU' "$work/live.svg" || fail "the caption does not name the machine"

# Side by side: a recording made on the screen (split with c after 4 s,
# tasks up later), and one made here and now with --batch --compare.
"$CSWVIZ" --replay "$fixtures/session-sides.jsonl" --export "$work/sides.svg" ||
    fail "--export of session-sides.jsonl failed"
render "$work/sides.svg"
check_sides "$fixtures/session-sides.jsonl" "$work/sides.svg"
[ "$(grep -c 'class="change"' "$work/sides.svg")" -eq 3 ] ||
    fail "the tasks-up change of both sides is not marked once a graph"
grep -q 'pingpong <tspan font-weight="normal">in threads and fibers modes side by side' \
    "$work/sides.svg" || fail "the title does not say side by side"
wait "$pair" || fail "--batch --compare failed"
"$CSWVIZ" --replay "$work/pair.jsonl" --export "$work/pair.svg" --theme mono ||
    fail "--export of a fresh recording side by side failed"
render "$work/pair.svg"
check_sides "$work/pair.jsonl" "$work/pair.svg" all

# Standard output, and names that cannot be written.
"$CSWVIZ" --replay "$work/live.jsonl" --export - > "$work/stdout.svg" ||
    fail "--export - failed"
cmp -s "$work/stdout.svg" "$work/live.svg" 2>/dev/null ||
    xmllint --noout "$work/stdout.svg" || fail "--export - wrote no SVG"
out=$("$CSWVIZ" --replay "$work/live.jsonl" --export "$work/no/such/dir.svg" 2>&1)
st=$?
[ "$st" -eq 1 ] || fail "an unwritable name gave exit $st"
case $out in
*"cannot write the figure $work/no/such/dir.svg: No such file or directory"*) ;;
*) fail "unclear message for an unwritable name: $out" ;;
esac
out=$("$CSWVIZ" --replay "$work/pair.jsonl" --export "$work/no/such/pair.svg" 2>&1)
[ $? -eq 1 ] && case $out in
*"cannot write the figure $work/no/such/pair.svg: No such file or directory"*) ;;
*) false ;;
esac || fail "unclear message for an unwritable name side by side: $out"
out=$("$CSWVIZ" --export "$work/x.svg" 2>&1)
[ $? -eq 2 ] || fail "--export without --replay was not a usage error"
case $out in *"goes with --replay"*) ;; *) fail "unclear: $out" ;; esac
echo "ok: figures"

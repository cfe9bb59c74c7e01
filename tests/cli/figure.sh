#!/bin/sh
# SPDX-License-Identifier: ISC
# --replay FILE --export FILE.svg: the figure of a recording is well-formed
# XML (xmllint), renders at slide size with a real renderer (rsvg-convert)
# without a word on stderr, and its numbers are the recording's: every
# line's values and times, and each axis above its largest drawn value.
# Names that cannot be written fail with a clear message.
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

# render SVG: well-formed, and a 1600x900 PNG with nothing said on stderr.
render() {
	xmllint --noout "$1" || fail "$1 is not well-formed XML"
	rsvg-convert -w 1600 -h 900 -o "$1.png" "$1" 2> "$work/rsvg.err" ||
	    fail "rsvg-convert failed on $1: $(cat "$work/rsvg.err")"
	[ ! -s "$work/rsvg.err" ] || fail "rsvg-convert said: $(cat "$work/rsvg.err")"
	python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); assert d[:8]==b"\x89PNG\r\n\x1a\n" and struct.unpack(">II",d[16:24])==(1600,900), d' \
	    "$1.png" || fail "$1.png is not a 1600x900 PNG"
}

# A session with changes of scenario, mode and knobs, from the fixtures.
"$CSWVIZ" --replay "$fixtures/session-changes.jsonl" --export "$work/changes.svg" ||
    fail "--export of session-changes.jsonl failed"
render "$work/changes.svg"
check "$fixtures/session-changes.jsonl" "$work/changes.svg"
grep -q 'class="change"' "$work/changes.svg" || fail "no change marked in $work/changes.svg"

# A recording made here and now, in fibers mode.
"$CSWVIZ" --batch -s pingpong -m fibers --duration 3 > "$work/live.jsonl" 2>/dev/null ||
    fail "--batch failed"
"$CSWVIZ" --replay "$work/live.jsonl" --export "$work/live.svg" --theme mono ||
    fail "--export of a fresh recording failed"
render "$work/live.svg"
check "$work/live.jsonl" "$work/live.svg"
grep -q 'theme mono' "$work/live.svg" || fail "the caption does not name the theme"
grep -q 'Machine: .*CPU' "$work/live.svg" || fail "the caption does not name the machine"

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
out=$("$CSWVIZ" --export "$work/x.svg" 2>&1)
[ $? -eq 2 ] || fail "--export without --replay was not a usage error"
case $out in *"goes with --replay"*) ;; *) fail "unclear: $out" ;; esac
echo "ok: figures"

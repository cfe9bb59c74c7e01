#!/bin/sh
# SPDX-License-Identifier: ISC
# --trace FILE: the trace parses as JSON in the Trace Event Format, every
# slice begins before it ends, slices on one track do not overlap, and
# the switches in the trace (plus those a full ring dropped) are the
# runtime's own count of each worker's switches over the trace.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-trace.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# check FILE REASON FULL: FULL is yes if a ring must have filled.
check() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "$1 does not hold"
import json, sys
from collections import defaultdict
path, reason, full = sys.argv[1], sys.argv[2], sys.argv[3] == "yes"
doc = json.load(open(path))
ev, meta = doc["traceEvents"], doc["metadata"]
assert "not carried" in meta["kernel_side"] or "sched_switch" in meta["kernel_side"]
tracks = defaultdict(list)
switches = defaultdict(int)
whys = set()
for e in ev:
    if e["ph"] == "X":
        assert e["dur"] > 0, e
        tracks[e["tid"]].append((e["ts"], e["ts"] + e["dur"]))
    elif e["ph"] == "i":
        switches[e["tid"]] += 1
        whys.add(e["args"]["why"])
slices = 0
for tid, sl in tracks.items():
    sl.sort()
    for a, b in zip(sl, sl[1:]):
        assert a[1] <= b[0] + 1e-9, (tid, a, b)
    slices += len(sl)
workers = [e for e in ev if e["ph"] == "M" and e["name"] == "worker"]
assert len(workers) == meta["fiber_workers"] and workers, meta
dropped = 0
for w in workers:
    a, tid = w["args"], w["tid"]
    assert a["closed"], w
    assert a["switches_traced"] == switches[tid], (a, switches[tid])
    assert a["switches_traced"] + a["dropped"] == a["runtime_switches"], a
    dropped += a["dropped"]
assert sum(switches.values()) == meta["switches_traced"]
assert meta["switches_traced"] + meta["dropped"] == meta["runtime_switches"]
assert meta["runtime_switches"] > 0
assert (dropped > 0) == full, (dropped, full)
assert reason in whys, (reason, whys)
print(f"ok: {path}: {slices} slices, {meta['switches_traced']} switches "
      f"traced of {meta['runtime_switches']} ({dropped} dropped), {sorted(whys)}")
PY
}

# Sleepers on timers: few switches, every one traced.
"$CSWVIZ" --batch -s sleepers -m fibers -n 200 --duration 2 --trace "$work/sleepers.json" \
    > /dev/null 2> "$work/err" || fail "--batch --trace failed: $(cat "$work/err")"
check "$work/sleepers.json" timer no
grep -q 'trace:' "$work/err" && fail "a ring filled for sleepers: $(cat "$work/err")"

# Pingpong on a channel: millions a second fill the rings, and say so.
"$CSWVIZ" --batch -s pingpong -m fibers --duration 2 --trace "$work/pingpong.json" \
    > /dev/null 2> "$work/err" || fail "--batch --trace failed: $(cat "$work/err")"
check "$work/pingpong.json" channel yes
grep -q 'trace: .* filled their [0-9]* events; [0-9]* later switches were counted, not traced' "$work/err" ||
    fail "no message when a ring filled: $(cat "$work/err")"

# A file that cannot be written is an error, before the run.
"$CSWVIZ" --batch -s sleepers -m fibers --duration 1 --trace "$work/no/such.json" \
    > /dev/null 2> "$work/err"
st=$?
[ "$st" -eq 1 ] || fail "an unwritable trace gave exit $st"
grep -q "cannot write the trace $work/no/such.json: No such file or directory" "$work/err" ||
    fail "unclear: $(cat "$work/err")"
echo "ok: traces"

#!/bin/sh
# SPDX-License-Identifier: ISC
# --trace FILE: the trace parses as JSON in the Trace Event Format, every
# slice begins before it ends, slices on one track do not overlap, and
# the switches in the trace (plus those a full ring dropped) are the
# runtime's own count of each worker's switches over the trace.  The
# kernel side, where it may be read: sched_switch events for the
# workload's threads lie within the trace, on one track a thread (a fiber
# worker's named after the worker), and count what the kernel counted for
# the process (getrusage); where it may not, the metadata says why.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-trace.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Run cswviz where tracefs is mounted: as root where it is not, in a mount
# namespace of its own (the machine's mounts stay as they are).
kernel_run() {
	if [ ! -e /sys/kernel/tracing/events/sched ] && [ "$(id -u)" = 0 ] &&
	    command -v unshare >/dev/null 2>&1; then
		unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing \
		    2>/dev/null; exec "$@"' sh "$@"
	else
		"$@"
	fi
}

# check FILE REASON FULL [KERNEL]: FULL is yes if a ring must have filled;
# KERNEL is threads or fibers (the kernel side must hold that mode's
# threads, if allowed), or refused (it must say the kernel refused).  The
# checks read tens of MB of JSON each, so they run at once, in the
# background: checked waits for them all and tells each one's lines.
checks=0
check() {
	checks=$((checks + 1))
	echo "$1" > "$work/check.$checks.file"
	(python3 - "$1" "$2" "$3" "${4:-}" <<'PY'
import json, sys
from collections import defaultdict
path, reason, full, kmode = sys.argv[1], sys.argv[2], sys.argv[3] == "yes", sys.argv[4]
doc = json.load(open(path))
ev, meta = doc["traceEvents"], doc["metadata"]
k = meta["kernel"]
names = {e["tid"]: e["args"]["name"] for e in ev
         if e["ph"] == "M" and e["name"] == "thread_name"}
kev = [e for e in ev if e.get("cat") == "kernel"]
if not k["allowed"]:
    assert "not carried" in meta["kernel_side"], meta
    assert k["why"] and k["allow"], k
    assert not kev, kev[:3]
    print(f"ok: {path}: no kernel side: {k['why']}; to carry it: {k['allow']}")
    assert kmode != "refused" or ("refused" in k["why"] and
        "perf_event_paranoid is" in k["why"] and
        "perf_event_paranoid=-1" in k["allow"]), k
else:
    assert kmode != "refused", k
    assert "sched_switch" in meta["kernel_side"], meta
    assert 0 <= k["begin"] < k["end"] <= meta["end"], (k, meta["end"])
    for e in kev:
        end = e["ts"] + e.get("dur", 0)
        assert k["begin"] - 1e-3 <= e["ts"] and end <= k["end"] + 1e-3, (e, k)
    run = [e for e in kev if e["name"].startswith("running (CPU ")]
    assert run and k["switches_traced"] > 0, k
    assert len({e["tid"] for e in kev}) == k["threads"], k
    # The kernel's count reads before the events start and after they
    # stop: a switch of cswviz's own thread in between is not traced.
    if not k["filled"] and k["lost"] == 0:
        assert abs(k["switches_traced"] - k["process_switches"]) <= 2, k
    ktracks = [names[t] for t in {e["tid"] for e in kev}]
    if kmode == "fibers":
        for w in (e for e in ev if e["ph"] == "M" and e["name"] == "worker"):
            assert f"fiber worker {w['args']['worker']} (tid {w['tid']}): kernel" in ktracks, (w, ktracks)
    print(f"ok: {path}: kernel side: {k['switches_traced']} switches on "
          f"{k['threads']} threads (the kernel counted {k['process_switches']}), "
          f"{k['wakeups_traced']} wakeups, {len(run)} run slices")
tracks = defaultdict(list)
switches = defaultdict(int)
whys = set()
for e in ev:
    if e["ph"] == "X":
        assert e["dur"] > 0, e
        tracks[e["tid"]].append((e["ts"], e["ts"] + e["dur"]))
    elif e["ph"] == "i" and e["cat"] == "switch":
        switches[e["tid"]] += 1
        whys.add(e["args"]["why"])
slices = 0
for tid, sl in tracks.items():
    sl.sort()
    for a, b in zip(sl, sl[1:]):
        # Microseconds to three places: ts + dur in floating point is
        # off by some 1e-9 at 2e7 us of uptime, so allow a tenth of a ns.
        assert a[1] <= b[0] + 1e-4, (tid, a, b)
    slices += len(sl)
workers = [e for e in ev if e["ph"] == "M" and e["name"] == "worker"]
assert len(workers) == meta["fiber_workers"], meta
if kmode == "threads":
    assert not workers and meta["switches_traced"] == 0, meta
    sys.exit(0)
assert workers, meta
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
	echo $? > "$work/check.$checks.rc") > "$work/check.$checks" 2>&1 &
}

# checked: every check started has ended well; their lines in order.
checked() {
	wait
	i=1
	while [ "$i" -le "$checks" ]; do
		cat "$work/check.$i"
		[ "$(cat "$work/check.$i.rc")" = 0 ] ||
		    fail "$(cat "$work/check.$i.file") does not hold"
		i=$((i + 1))
	done
}

# The runs below take a few seconds each and are checked apart: all of
# them start at once, each with its own files ($work/NAME.err).
bg() {
	name=$1; shift
	("$@" > /dev/null 2> "$work/$name.err"; echo $? > "$work/$name.rc") &
}
bg sleepers kernel_run "$CSWVIZ" --batch -s sleepers -m fibers -n 200 --duration 2 \
    --trace "$work/sleepers.json"
bg pingpong kernel_run "$CSWVIZ" --batch -s pingpong -m fibers --duration 2 \
    --trace "$work/pingpong.json"
bg threads kernel_run "$CSWVIZ" --batch -s pingpong -m threads -n 2 --duration 1 \
    --trace "$work/threads.json"
bg refused env CSWVIZ_KTRACE_REFUSE=13 "$CSWVIZ" --batch -s sleepers -m fibers -n 20 \
    --duration 1 --trace "$work/refused.json"
nobody=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$CSWVIZ" --version >/dev/null 2>&1; then
	nobody=1
	chmod 711 "$work" && mkdir "$work/nobody" && chmod 777 "$work/nobody"
	bg nobody kernel_run setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CSWVIZ" --batch -s sleepers -m fibers -n 20 --duration 1 \
	    --trace "$work/nobody/t.json"
fi
wait

# ran NAME: the run NAME ended well; its messages are in $work/err.
ran() {
	cp "$work/$1.err" "$work/err"
	[ "$(cat "$work/$1.rc")" = 0 ] || fail "$1: --batch --trace failed: $(cat "$work/err")"
}

# Sleepers on timers: few switches, every one traced.
ran sleepers
check "$work/sleepers.json" timer no fibers
grep -q 'trace:' "$work/err" && fail "a ring filled for sleepers: $(cat "$work/err")"

# Pingpong on a channel: millions a second fill the rings, and say so.
ran pingpong
check "$work/pingpong.json" channel yes fibers
grep -q 'trace: .* filled their [0-9]* events; [0-9]* later switches were counted, not traced' "$work/err" ||
    fail "no message when a ring filled: $(cat "$work/err")"

# Threads: the kernel side is the whole story, a track a workload thread.
ran threads
python3 - "$work/threads.json" <<'PY' || fail "threads: no kernel track a pingpong thread"
import json, sys
doc = json.load(open(sys.argv[1]))
k = doc["metadata"]["kernel"]
if k["allowed"]:
    ev = doc["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in ev
             if e["ph"] == "M" and e["name"] == "thread_name"}
    tids = {e["tid"] for e in ev if e.get("cat") == "kernel"
            and e["name"] == "sleeping (S)"}
    assert k["wakeups_traced"] > 0, k
    assert len(tids) >= 2, [names[t] for t in tids]
PY
case $(python3 -c 'import json,sys; k = json.load(open(sys.argv[1]))["metadata"]["kernel"]; print(k["allowed"], k.get("filled"))' "$work/threads.json") in
"True True")
	check "$work/threads.json" run no threads
	grep -q "trace: the kernel's ring of CPU [0-9]* ([0-9]* MiB) filled [0-9.]* s in; the kernel side ends there" "$work/err" ||
	    fail "no message when a kernel ring filled: $(cat "$work/err")" ;;
"True False") check "$work/threads.json" run no threads ;;
*) echo "SKIP (part): the kernel side is not allowed here: $(grep -o '"why":"[^"]*"' "$work/threads.json")" ;;
esac

# Not allowed: the kernel's refusal (a hook stands in for it), and a user
# who may not read the tracepoints, where the test may become one.
ran refused
check "$work/refused.json" timer no refused
if [ -n "$nobody" ]; then
	ran nobody
	check "$work/nobody/t.json" timer no
	python3 -c 'import json,sys; assert not json.load(open(sys.argv[1]))["metadata"]["kernel"]["allowed"]' \
	    "$work/nobody/t.json" || fail "nobody read the scheduler's tracepoints"
else
	echo "SKIP (part): cannot run cswviz as nobody here"
fi

checked

# A file that cannot be written is an error, before the run.
"$CSWVIZ" --batch -s sleepers -m fibers --duration 1 --trace "$work/no/such.json" \
    > /dev/null 2> "$work/err"
st=$?
[ "$st" -eq 1 ] || fail "an unwritable trace gave exit $st"
grep -q "cannot write the trace $work/no/such.json: No such file or directory" "$work/err" ||
    fail "unclear: $(cat "$work/err")"
echo "ok: traces"

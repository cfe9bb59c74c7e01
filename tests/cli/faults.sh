#!/bin/sh
# SPDX-License-Identifier: ISC
# Faults without a terminal: /proc files that cannot be read (a proc root
# of our own, CSWVIZ_PROC_ROOT) are named on standard error with the
# reason, their columns are null, and the run goes on to its summary; and
# standard input closed or empty.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; [ -f "$err" ] && { echo "--- stderr:"; cat "$err"; }; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-faults.XXXXXX")
out="$work/out"; err="$work/err"
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT

# A proc root: stat and the workload child's PID are the real ones (the
# child's link is made once it has started); loadavg is a directory,
# meminfo is missing, pressure/cpu is garbage.
root="$work/proc"
mkdir -p "$root/loadavg" "$root/pressure"
ln -s /proc/stat "$root/stat"
printf 'some avg10=1,5 avg60=0.00 avg300=0.00 total=0\n' > "$root/pressure/cpu"

CSWVIZ_PROC_ROOT="$root" "$CSWVIZ" --batch --duration 4 < /dev/null > "$out" 2> "$err" &
bg=$!
i=0
while [ -z "${kid:-}" ] && [ "$i" -lt 50 ]; do
	kid=$(pgrep -P "$bg" 2>/dev/null | head -n 1)
	i=$((i + 1)); sleep 0.1
done
[ -n "${kid:-}" ] || fail "no workload child of cswviz $bg"
ln -s "/proc/$kid" "$root/$kid"
wait "$bg"
st=$?
[ "$st" -eq 0 ] || fail "batch with unreadable files exited $st"
grep -q '"summary":true' "$out" || fail "no summary line: $(cat "$out")"
grep -q "cswviz: loadavg unreadable: $root/loadavg: Is a directory" "$err" || fail "loadavg not named"
grep -q "cswviz: meminfo unreadable: $root/meminfo: No such file or directory" "$err" || fail "meminfo not named"
grep -q "cswviz: pressure unreadable: pressure:1: bad 'some' line" "$err" || fail "pressure not named"
[ "$(grep -c 'loadavg unreadable' "$err")" -eq 1 ] || fail "loadavg named more than once"
grep -q '"kernel_stack_bytes":null' "$out" || fail "kernel_stack_bytes not null"
grep -Eq '"system_ctxt_per_s":[0-9]' "$out" || fail "stat, which is readable, gave no rate"
grep -Eq '"vm_rss_bytes":[0-9]' "$out" || fail "PID/status, which is readable, gave nothing"

# Without the right to read (not for root, who may read anything).
if [ "$(id -u)" -ne 0 ]; then
	rm "$root/stat"; cp /proc/stat "$root/stat"; chmod 000 "$root/stat"
	CSWVIZ_PROC_ROOT="$root" "$CSWVIZ" --batch --duration 2 < /dev/null > "$out" 2> "$err" ||
		fail "batch with an unreadable stat exited $?"
	grep -q "cswviz: stat unreadable: $root/stat: Permission denied" "$err" || fail "stat: no 'Permission denied'"
	grep -q '"system_ctxt_per_s":null' "$out" || fail "system_ctxt_per_s not null"
fi

# A proc root that does not exist: every /proc source named, still a run.
CSWVIZ_PROC_ROOT="$work/none" "$CSWVIZ" --batch --duration 2 < /dev/null > "$out" 2> "$err" ||
	fail "batch without a proc root exited $?"
for src in stat loadavg status 'task stat' meminfo pressure; do
	grep -q "cswviz: $src unreadable: $work/none/" "$err" || fail "$src not named"
done
grep -q '"summary":true' "$out" || fail "no summary without a proc root"

# Standard input closed or empty: the live screen says it needs a
# terminal and exits 2; --batch does not read it and runs.
"$CSWVIZ" <&- > "$out" 2>&1
st=$?
[ "$st" -eq 2 ] || fail "stdin closed: exit $st"
grep -q 'needs a terminal on standard input' "$out" || fail "stdin closed said: $(cat "$out")"
"$CSWVIZ" < /dev/null > "$out" 2>&1
st=$?
[ "$st" -eq 2 ] || fail "stdin /dev/null: exit $st"
grep -q 'needs a terminal on standard input' "$out" || fail "stdin /dev/null said: $(cat "$out")"
"$CSWVIZ" --batch --duration 1 <&- > "$out" 2> "$err" || fail "--batch with stdin closed exited $?"
grep -q '"summary":true' "$out" || fail "--batch with stdin closed: no summary"
echo "PASS: faults: unreadable /proc files named, stdin closed or empty"

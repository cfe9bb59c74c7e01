#!/bin/sh
# The blocking scenario through --batch, with P = 2 and 8 tasks making
# 100-200 ms calls: in fibers mode the calls pin every worker and the 10 ms
# tickers run late by about a call; with b (at most P-1 calls in flight)
# a worker stays free and the lateness falls.  In threads mode every call
# in flight holds an OS thread.  Each run must end promptly, calls in
# flight included.  Medians over the later samples, generous thresholds.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp); trap 'rm -f "$out"' EXIT
DUR=6

# run ARGS...: a batch run that must end within DUR + 20 s.
run() {
	timeout $((DUR + 20)) "$CSWVIZ" --batch -s blocking -P 2 -n 8 \
	    --duration $DUR "$@" < /dev/null > "$out"
	rc=$?
	[ $rc -eq 124 ] && fail "$*: did not end within $((DUR + 20)) s"
	[ $rc -eq 0 ] || fail "$*: exited $rc"
}

# median EXPR: the median of an awk expression over the samples from 2 s on,
# with the fields of each line in v["key"]; null if none.
median() {
	awk -v expr="$1" '
	/^\{"t":[0-9]/ {
		delete v
		n = split($0, kv, ",")
		for (i = 1; i <= n; i++) {
			split(kv[i], p, ":")
			k = p[1]; gsub(/[{}"]/, "", k)
			x = p[2]; gsub(/[{}"]/, "", x)
			v[k] = x
		}
		if (v["t"] < 2)
			next
		if (expr == "vcsw") {
			if (v["work_per_s"] == "null" || v["work_per_s"] == 0)
				next
			r = v["kernel_vcsw_per_s"] / v["work_per_s"]
		} else if (v[expr] == "null")
			next
		else
			r = v[expr]
		a[m++] = r
	}
	END {
		if (m == 0) { print "null"; exit }
		for (i = 0; i < m; i++)	# insertion sort: a few samples
			for (j = i; j > 0 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		print a[int((m - 1) / 2)]
	}' "$out"
}
check() { awk -v v="$1" "BEGIN { exit !(v != \"null\" && $2) }"; }

run -m fibers
grep -q '"scenario":"blocking","variant":false,"work_unit":"calls","tasks":8' \
    "$out" || fail "fibers: wrong lead columns: $(head -n 2 "$out")"
cps=$(median work_per_s); bw=$(median blocked_workers)
late=$(median latency_ms)
echo "fibers: $cps calls/s, $bw blocked workers, tickers late $late ms"
check "$cps" 'v > 0' || fail "fibers: $cps calls/s"
check "$bw" 'v >= 1' || fail "fibers: $bw blocked workers, want >= 1"
check "$late" 'v >= 30' || fail "fibers: tickers late $late ms, want >= 30"

run -m fibers -b
grep -q '"scenario":"blocking","variant":true' "$out" ||
	fail "fibers -b: no variant in the lead columns"
cps=$(median work_per_s); bwb=$(median blocked_workers)
lateb=$(median latency_ms)
echo "fibers -b: $cps calls/s, $bwb blocked workers, tickers late $lateb ms"
check "$cps" 'v > 0' || fail "fibers -b: $cps calls/s"
check "$bwb" 'v <= 1' || fail "fibers -b: $bwb blocked workers, want <= 1 (P-1)"
awk -v a="$late" -v b="$lateb" 'BEGIN { exit !(b != "null" && b < a / 2) }' ||
	fail "fibers -b: tickers late $lateb ms, without b $late ms"

run -m threads
cps=$(median work_per_s); bt=$(median blocked_tasks); thr=$(median os_threads)
echo "threads: $cps calls/s, $bt tasks in a call, $thr OS threads"
check "$cps" 'v > 0' || fail "threads: $cps calls/s"
check "$thr" 'v >= 10' || fail "threads: $thr OS threads, want 8 tasks + 2 tickers"
check "$bt" 'v >= 4' || fail "threads: $bt tasks in a call, want most of 8"
echo "PASS: scenario_blocking"

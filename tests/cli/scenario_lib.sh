# SPDX-License-Identifier: ISC
# Shared by the scenario tests that read --batch's JSON Lines: median and
# check read the file "out" names.  run is for a run that needs the CPUs
# to itself, one after another; start and finished are for runs that
# mostly sleep and so go at once.  They use "fail" and "out" or "work"
# from the test, its own start_args (its scenario and knobs), and DUR or
# LIMIT.

# run ARGS...: cswviz --batch with start_args and ARGS for DUR s into $out,
# which must end within LIMIT s (DUR + 15 unless set) and sum up.  A run
# whose workload got no CPU from t = 2 s on (no sample answered, or no work
# done in most: other tests' workloads took the CPUs, and threads-mode
# tasks of some scenarios run at SCHED_IDLE) is run once more.
run() {
	for try in 1 2; do
		timeout "${LIMIT:-$((DUR + 15))}" "$CSWVIZ" --batch -d 5 \
		    $start_args "$@" --duration "$DUR" < /dev/null > "$out"
		rc=$?
		[ $rc -eq 124 ] &&
		    fail "$*: still running ${LIMIT:-$((DUR + 15))} s after start"
		[ $rc -eq 0 ] || fail "$*: exited $rc"
		grep -q '"summary":true' "$out" || fail "$*: no summary line"
		[ "$(median tasks_alive)" != null ] &&
		    check "$(median work_per_s)" 'v > 0' && return 0
		echo "$*: the workload got no CPU from t = 2 s on (no sample" \
		    "answered, or no work done): once more"
	done
	echo "$*: the workload got no CPU from t = 2 s on, twice"
}

# start NAME ARGS...: cswviz --batch with start_args and ARGS in the
# background, into $work/NAME (its messages into NAME.err, its status
# into NAME.rc), killed after LIMIT s.
start() {
	name=$1; shift
	(timeout "$LIMIT" "$CSWVIZ" --batch $start_args "$@" < /dev/null \
	    > "$work/$name" 2> "$work/$name.err"
	echo $? > "$work/$name.rc") &
}

# finished NAME WHAT: once waited for, the run NAME (WHAT in messages)
# ended in time and well; its messages go to stderr; $out names it.
finished() {
	out=$work/$1; rc=$(cat "$out.rc")
	cat "$out.err" >&2
	[ "$rc" -eq 124 ] && fail "$2: still running after $LIMIT s"
	[ "$rc" -eq 0 ] || fail "$2: exited $rc"
}

# median EXPR [low]: the median (with low: the lowest) of an awk expression
# over the samples from 2 s on, with the fields of each line in v["key"];
# null if none.
median() {
	awk -v expr="$1" -v low="${2:-}" '
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
		print low != "" ? a[0] : a[int((m - 1) / 2)]
	}' "$out"
}
check() { awk -v v="$1" "BEGIN { exit !(v != \"null\" && $2) }"; }

# expect WHAT EXPR: fail with WHAT unless the awk expression holds (for an
# expression over several figures, where check takes one).
expect() { awk "BEGIN { exit !($2) }" || fail "$1"; }

# SPDX-License-Identifier: ISC
# Shared by the scenario tests that read --batch's JSON Lines: median and
# check read the file "out" names.  start and finished are for runs that
# mostly sleep and so go at once; they use "work", "LIMIT" and "fail" from
# the test, and the test's own start_args (its scenario and knobs).

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

# SPDX-License-Identifier: ISC
# Shared by the scenario tests that read --batch's JSON Lines: sourced
# after "out" names the file of the last run.

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

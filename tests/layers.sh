#!/bin/sh
# SPDX-License-Identifier: ISC
# The include order of src/: each folder may include only the folders
# below it (README, "The layers"), and a folder's internal header (see
# "internal" below) only itself.  Fails on the first include that goes
# up or sideways, naming the file, the line and the rule.
#
# LAYERS_SRC names the tree to check (default: the src/ beside tests/), so
# that the test of this test can hand it a tree with a bad include.
set -u
src=${LAYERS_SRC:-$(cd "$(dirname "$0")/.." && pwd)/src}
[ -d "$src" ] || { echo "FAIL: no source tree at $src"; exit 1; }

# What each folder may include besides itself, one folder a line.  "face"
# is every file at the top of src/ and the folders of the program's other
# faces.
allowed='
util
proc		util
runtime		util
engine		util proc runtime scenarios
scenarios	util runtime engine
child		util proc engine
sampler		util proc engine child
model		util sampler
tui		util model
figure		util model
face		util proc runtime engine scenarios child sampler model tui figure face
'

# A folder's own headers: only files in that folder may include them.
internal="tui/panel.h child/wire.h"

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
(cd "$src" && find . -name '*.[chS]' | sed 's|^\./||' | sort) > "$tmp"
# One awk over every file (a shell loop forked a dozen times a line, and
# took seconds of the suite); it prints each bad include and, last, the
# count of files checked and of bad includes.
res=$(cd "$src" && awk -v allowed="$allowed" -v internal="$internal" \
    -v list="$tmp" '
# The layer of a path under src/: its folder, or "face".
function layer_of(p,	d) {
	if (index(p, "/") == 0)
		return "face"
	d = substr(p, 1, index(p, "/") - 1)
	return (d == "bench" || d == "record") ? "face" : d
}
# The first part of a path: its folder, or the file at the top.
function top(p) {
	return index(p, "/") ? substr(p, 1, index(p, "/") - 1) : p
}
BEGIN {
	n = split(allowed, rows, "\n")
	for (i = 1; i <= n; i++) {
		if (split(rows[i], w, /[ \t]+/) == 0)
			continue
		ok[w[1]] = rows[i]
		sub(/^[^ \t]+[ \t]*/, "", ok[w[1]])
	}
	n = split(internal, w, " ")
	for (i = 1; i <= n; i++)
		intern[w[i]] = 1
	while ((getline f < list) > 0) {
		from = layer_of(f)
		if (!(from in ok)) {
			printf "FAIL: src/%s: folder src/%s/ has no place in the layers (tests/layers.sh)\n", f, top(f)
			bad++
			continue
		}
		checked++
		line = 0
		while ((getline s < f) > 0) {
			line++
			if (s !~ /^[ \t]*#[ \t]*include[ \t]*"/)
				continue
			inc = s
			sub(/^[^"]*"/, "", inc)
			sub(/".*/, "", inc)
			if (inc == "config.h")
				continue
			if (inc in intern) {
				if (top(f) == top(inc))
					continue
				printf "FAIL: src/%s:%d: includes \"%s\": only src/%s/ may include its internal header\n", f, line, inc, top(inc)
				bad++
				continue
			}
			to = layer_of(inc)
			if (to == from || index(" " ok[from] " ", " " to " "))
				continue
			printf "FAIL: src/%s:%d: includes \"%s\": %s/ may include only: %s\n", f, line, inc, from, ok[from] == "" ? "nothing but itself" : ok[from]
			bad++
		}
		close(f)
	}
	printf "%d %d\n", checked, bad
}')
echo "$res" | sed '$d'
set -- $(echo "$res" | tail -n 1)
checked=${1:-0} bad=${2:-1}

[ "$checked" -gt 0 ] || { echo "FAIL: no sources under $src"; exit 1; }
if [ "$bad" -ne 0 ]; then
	echo "$bad include(s) against the layers"
	exit 1
fi
echo "ok: $checked files keep the include order"

# The check itself must catch a bad include: the view reaching into the
# engine, and a face reaching into the panels, each in a copy of the tree.
if [ -z "${LAYERS_SRC:-}" ]; then
	for bad_case in 'tui/draw.c engine/engine.h' 'loop.c tui/panel.h'; do
		file=${bad_case% *}
		inc=${bad_case#* }
		copy=$(mktemp -d)
		(cd "$src" && find . -name '*.[chS]' | tar cf - -T -) |
		    (cd "$copy" && tar xf -)
		echo "#include \"$inc\"" >> "$copy/$file"
		out=$(LAYERS_SRC=$copy sh "$0" 2>&1)
		st=$?
		rm -rf "$copy"
		case $st:$out in
		1:*"src/$file:"*"includes \"$inc\""*) ;;
		*)	echo "FAIL: a bad include of $inc in $file went unseen (exit $st): $out"
			exit 1 ;;
		esac
		echo "ok: $file including $inc in a copy fails the check"
	done
fi

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

# What each folder may include besides itself.  "face" is every file at
# the top of src/ and the folders of the program's other faces.
allowed() {
	case $1 in
	util)		echo "" ;;
	proc)		echo "util" ;;
	runtime)	echo "util" ;;
	engine)		echo "util proc runtime scenarios" ;;
	scenarios)	echo "util runtime engine" ;;
	child)		echo "util proc engine" ;;
	sampler)	echo "util proc engine child" ;;
	model)		echo "util sampler" ;;
	tui)		echo "util model" ;;
	figure)		echo "util model" ;;
	face)		echo "util proc runtime engine scenarios child sampler model tui figure face" ;;
	*)		echo "?" ;;
	esac
}

# A folder's own headers: only files in that folder may include them.
internal="tui/panel.h child/wire.h"

# The layer of a path under src/: its folder, or "face".
layer_of() {
	case $1 in
	*/*)
		d=${1%%/*}
		case $d in
		bench|record)	echo face ;;
		*)		echo "$d" ;;
		esac ;;
	*)	echo face ;;
	esac
}

bad=0
checked=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
(cd "$src" && find . -name '*.[chS]' | sed 's|^\./||' | sort) > "$tmp"
while IFS= read -r f; do
	from=$(layer_of "$f")
	ok=$(allowed "$from")
	if [ "$ok" = "?" ]; then
		echo "FAIL: src/$f: folder src/${f%%/*}/ has no place in the layers (tests/layers.sh)"
		bad=$((bad + 1))
		continue
	fi
	checked=$((checked + 1))
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src/$f" |
	    sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/' > "$tmp.inc"
	while read -r line inc; do
		case $inc in
		config.h) continue ;;
		esac
		to=$(layer_of "$inc")
		case " $internal " in
		*" $inc "*)
			[ "${f%%/*}" = "${inc%%/*}" ] && continue
			echo "FAIL: src/$f:$line: includes \"$inc\": only src/${inc%%/*}/ may include its internal header"
			bad=$((bad + 1))
			continue ;;
		esac
		[ "$to" = "$from" ] && continue
		case " $ok " in
		*" $to "*) continue ;;
		esac
		echo "FAIL: src/$f:$line: includes \"$inc\": $from/ may include only: ${ok:-nothing but itself}"
		bad=$((bad + 1))
	done < "$tmp.inc"
	rm -f "$tmp.inc"
done < "$tmp"

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

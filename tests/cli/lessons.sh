#!/bin/sh
# SPDX-License-Identifier: ISC
# The code the v key shows is extracted by src/tui/lessons.awk: a marker
# it cannot read, a lesson left open or an empty one stops the build with
# FILE:LINE.  The Go beside the fibers is real Go: gofmt leaves it as it
# is and go vet finds nothing (skipped, after the rest, without go).
fail() { echo "FAIL: $*"; exit 1; }
top="$(cd "$(dirname "$0")/../.." && pwd)"
awkf="$top/src/tui/lessons.awk"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

bad() {	# bad NAME REGEX: lessons.awk refuses tmp/NAME, saying REGEX
	if awk -f "$awkf" "$tmp/$1" > "$tmp/out" 2> "$tmp/err"; then
		fail "lessons.awk took $1: $(cat "$tmp/out")"
	fi
	grep -Eq -- "$2" "$tmp/err" || fail "lessons.awk on $1 said: $(cat "$tmp/err")"
}
printf '/* lesson: pingpong threads */\nint x;\n' > "$tmp/open.c"
bad open.c 'open.c:[0-9]+: a lesson still open'
printf '/* lesson: pingpong */\nint x;\n/* end lesson */\n' > "$tmp/marker.c"
bad marker.c 'marker.c:1: not a lesson marker'
printf '/* lesson: pingpong fibers c */\nint x;\n/* end lesson */\n' > "$tmp/variant.c"
bad variant.c 'variant.c:1: not a lesson marker'
printf '// lesson: leak fibers\n\n// end lesson\n' > "$tmp/empty.go"
bad empty.go 'empty.go:3: an empty lesson'
printf 'int x;\n/* end lesson */\n' > "$tmp/end.c"
bad end.c 'end.c:2: "end lesson" without a lesson'
printf '/* lesson: a threads */\n/* lesson: b fibers */\n' > "$tmp/nest.c"
bad nest.c 'nest.c:2: a lesson inside a lesson'
# A good block: its lines, quotes and backslashes kept, with file and line.
printf 'x\n// lesson: leak fibers b\nf("a\\\\n")\n\n// end lesson\n' > "$tmp/ok.go"
awk -v srcdir="$tmp" -f "$awkf" "$tmp/ok.go" > "$tmp/out" || fail "lessons.awk refused ok.go"
grep -q '{ "leak", "fibers", 1, "Go", "ok.go", 3,' "$tmp/out" || fail "ok.go gave: $(cat "$tmp/out")"
grep -qF '"f(\"a\\\\n\")\n"' "$tmp/out" || fail "ok.go's line was not escaped: $(cat "$tmp/out")"

go=$(command -v go 2>/dev/null)
if [ -z "$go" ]; then
	echo "SKIP: go is not installed: the Go lessons were not vetted"
	exit 77
fi
export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" GOFLAGS=
cd "$top/tests/go" || fail "no tests/go"
out=$(gofmt -l lessons.go) || fail "gofmt failed"
[ -z "$out" ] || fail "gofmt would change lessons.go: $(gofmt -d lessons.go | head -20)"
"$go" vet lessons.go > "$tmp/vet" 2>&1 || fail "go vet: $(cat "$tmp/vet")"
echo "PASS: lessons.awk refuses bad markers; the Go lessons pass gofmt and go vet"

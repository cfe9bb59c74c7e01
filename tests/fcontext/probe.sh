#!/bin/sh
# SPDX-License-Identifier: ISC
# The bare context switch against Boost.Context's fcontext, measured in one
# process on this machine (`make bench-fcontext`).  The goal: ours, which
# saves the FP control words as fcontext does, at most 0.75x fcontext.
# Outside the product: the program never links C++ or Boost; this builds
# a probe from tests/fcontext/ours.c (C) and probe.cc (C++) with the
# switch's own sources.  Skips (77) without g++ or libboost-context-dev.
#
#	tests/fcontext/probe.sh [SRCDIR [BUILDDIR [TRIALS]]]
set -eu
srcdir=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${2:-$srcdir}
trials=${3:-15}
CC=${CC:-cc}
CXX=${CXX:-g++}
goal=0.75

command -v "$CXX" >/dev/null 2>&1 ||
	{ echo "SKIP: no C++ compiler ($CXX) for the fcontext probe"; exit 77; }
printf '#include <boost/context/detail/fcontext.hpp>\n' |
    "$CXX" -x c++ -fsyntax-only - >/dev/null 2>&1 ||
	{ echo "SKIP: no Boost.Context headers (Debian: libboost-context-dev)"; exit 77; }
[ -f "$builddir/config.h" ] ||
	{ echo "probe: no $builddir/config.h: run configure first" >&2; exit 2; }
if grep -q '^#define CSW_CTX_X86_64' "$builddir/config.h"; then
	switch=ctx_x86_64.S
elif grep -q '^#define CSW_CTX_AARCH64' "$builddir/config.h"; then
	switch=ctx_aarch64.S
else
	echo "SKIP: this build uses the ucontext fallback, not an assembly switch"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-fcontext.XXXXXX")
trap 'rm -rf "$work"' EXIT
cflags="-O2 -include $builddir/config.h -I$srcdir/src"
$CC $cflags -c "$srcdir/tests/fcontext/ours.c" -o "$work/ours.o"
$CC $cflags -c "$srcdir/src/runtime/ctx.c" -o "$work/ctx.o"
$CC -c "$srcdir/src/runtime/$switch" -o "$work/switch.o"
$CXX -O2 -c "$srcdir/tests/fcontext/probe.cc" -o "$work/probe.o"
$CXX -o "$work/probe" "$work/probe.o" "$work/ours.o" "$work/ctx.o" \
    "$work/switch.o" -lboost_context ||
	{ echo "SKIP: cannot link -lboost_context (Debian: libboost-context-dev)"; exit 77; }
"$work/probe" "$trials" | tee "$work/out"
ratio=$(sed -n 's/^ratio=//p' "$work/out")
awk -v r="$ratio" -v g="$goal" 'BEGIN {
	printf "bare switch / fcontext: %.3fx, goal at most %.2fx: %s\n", r, g,
	    r <= g ? "met" : "over"
}'

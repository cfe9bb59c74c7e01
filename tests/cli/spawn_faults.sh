#!/bin/sh
# SPDX-License-Identifier: ISC
# Spawn limits and spawn failures, through --batch.
#  1. A low RLIMIT_NPROC: the engine's rails read it and ask for fewer
#     threads, saying "capped at N threads: RLIMIT_NPROC LIMIT"; exit 0.
#     A limit with no room at all caps the very first step at 0 tasks: the
#     program still starts (its own threads fit) and says so.  (Root is not
#     held to RLIMIT_NPROC by the kernel, but the rails still read it, so
#     this runs as anyone.)
#  2. A spawn the kernel really refuses: as an unprivileged user (needs
#     root and setpriv to become one), with RLIMIT_NPROC 600 of which 300
#     are taken by sleeping processes of that user.  The rails see only
#     this process, so they allow about 340 threads; pthread_create fails
#     with EAGAIN near 290.  The engine says "stopped at N tasks: ..." on
#     standard error, runs with what it has, and exits 0.
# Exit 77 (skip) where bash (for ulimit -u), root or setpriv is missing.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
command -v bash >/dev/null 2>&1 || { echo "SKIP: no bash for ulimit -u"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/cswviz-spawn.XXXXXX")
chmod 755 "$work"
out="$work/out"; err="$work/err"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; [ -f "$err" ] && { echo "--- stderr:"; cat "$err"; }; exit 1; }

# capped LIMIT PATTERN: a run under RLIMIT_NPROC LIMIT exits 0 with a
# summary and says PATTERN (an extended regular expression) on stderr.
capped() {
	bash -c 'ulimit -u "$1" && exec "$0" --batch -s sleepers -n 1000 \
	    --duration 1' "$CSWVIZ" "$1" < /dev/null > "$out" 2> "$err"
	st=$?
	[ "$st" -eq 0 ] || fail "run under RLIMIT_NPROC $1 exited $st"
	grep -Eq "$2" "$err" || fail "RLIMIT_NPROC $1: no '$2'"
	tail -n 1 "$out" | grep -q '"summary":true' ||
		fail "RLIMIT_NPROC $1: no summary"
}

# 1. The rails cap a request the limit cannot hold.
capped 400 '^cswviz: capped at [0-9,]+ threads: RLIMIT_NPROC 400$'
capped 140 '^cswviz: capped at 0 threads: RLIMIT_NPROC 140$'
tail -n 1 "$out" | grep -q '"tasks":0,' || fail "capped at 0: tasks are not 0"

# 2. A spawn that fails.
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	echo "PASS: capped by RLIMIT_NPROC (SKIP the real failure: needs root and setpriv)"
	exit 0
fi
user=${SPAWN_UID:-65534}
asuser() { setpriv --reuid="$user" --regid="$user" --clear-groups "$@"; }
asuser test -x "$CSWVIZ" || {
	echo "PASS: capped by RLIMIT_NPROC (SKIP the real failure: uid $user cannot run $CSWVIZ)"
	exit 0
}
# Files the user may write; the sleepers hold their slots until the run is over, then go.
: > "$out"; : > "$err"; chmod 666 "$out" "$err"
asuser bash -c '
	ulimit -u 600 || exit 3
	i=0; while [ $i -lt 300 ]; do sleep 120 & i=$((i + 1)); done
	"$0" --batch -s sleepers -n 1000 --duration 3 < /dev/null > "$1" 2> "$2"
	st=$?
	kill $(jobs -p) 2>/dev/null
	exit $st' "$CSWVIZ" "$out" "$err"
st=$?
[ "$st" -eq 0 ] || fail "run with a refused spawn exited $st"
grep -Eq '^cswviz: stopped at [0-9]+ tasks: .*Resource temporarily unavailable' "$err" ||
	fail "no 'stopped at N tasks: ... Resource temporarily unavailable'"
grep -q '"summary":true' "$out" || fail "refused spawn: no summary"
grep -h "stopped at" "$err"
echo "PASS: capped by RLIMIT_NPROC; a refused spawn stops the ramp and the run goes on"

#!/bin/sh
# SPDX-License-Identifier: ISC
# The leak lesson through --batch: without a cancel path the live tasks
# climb for as long as the run lasts; with it (-b) they stay flat near the
# spawn rate.  In both modes, and the run ends promptly with every leaked
# task blocked.
: "${CSWVIZ:?CSWVIZ must name the cswviz binary}"
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# The machine may be loaded: allow the run and the quit some slack.  The
# ceiling stays under 2,000 threads; at 200 a second it is not reached.
DUR=6
LIMIT=$((DUR + 40))

# The four runs spawn a few hundred tasks a second and mostly sleep, so
# they run at once (start, finished); each is checked on its own.
start_args="-s leak -n 1900 --duration $DUR"
. "$(dirname "$0")/scenario_lib.sh"

# pairs: "tasks_alive work_per_s" of each sample line, in order.
pairs() {
	sed -n 's/^{"t":[0-9].*"work_per_s":\([0-9.]*\).*"tasks_alive":\([0-9]*\).*/\2 \1/p' "$out"
}

# The spawn rate depends on how loaded the machine is, so the checks are
# in seconds of spawning: without a cancel path every task started is still
# alive, several seconds' worth by the end; with it, about one second's.
for mode in threads fibers; do
	start "$mode" -m "$mode"
	start "$mode-b" -m "$mode" -b
done
wait
for mode in threads fibers; do
	finished "$mode" "-m $mode"
	a=$(pairs | tr '\n' ',')
	echo "$mode: live tasks, started/s: $a"
	pairs | awk -v m="$mode" '
	{ v[n] = $1; r[n++] = $2 }
	END {
		if (n < 4) { print m ": fewer than 4 samples"; exit 1 }
		for (i = 1; i < n; i++)
			if (v[i] < v[i - 1]) { print m ": live tasks fell"; exit 1 }
		for (i = 1; i < n; i++) rate += r[i]
		rate /= n - 1
		if (rate < 5) { print m ": hardly any tasks started"; exit 1 }
		if (v[n - 1] < 2.5 * rate) {
			print m ": " v[n - 1] " live at " rate "/s: no climb"; exit 1
		}
	}' || fail "$mode: $a"
	grep -q '"work_unit":"tasks started"' "$out" || fail "$mode: work unit"

	finished "$mode-b" "-m $mode -b"
	a=$(pairs | tr '\n' ',')
	echo "$mode -b: live tasks, started/s: $a"
	pairs | awk -v m="$mode" '
	{ v[n] = $1; r[n++] = $2 }
	END {
		if (n < 4) { print m " -b: fewer than 4 samples"; exit 1 }
		for (i = 1; i < n; i++) rate += r[i]
		rate /= n - 1
		if (rate < 5) { print m " -b: hardly any tasks started"; exit 1 }
		# A task lives its 1 s timeout, plus however late starved
		# workers fire it on a loaded machine: allow 3 s late.  Without
		# the cancel path every task started is alive, and from the
		# fifth second that is more than the last four seconds started.
		h = int(n / 2)
		for (i = h; i < n; i++) {
			w = 20
			for (k = i; k > i - 4 && k >= 0; k--) w += r[k]
			if (v[i] > w) {
				print m " -b: " v[i] " live, " w - 20 " started in the last 4 s: no cancel"; exit 1
			}
		}
	}' || fail "$mode -b: $a"
	grep -q '"variant":true' "$out" || fail "$mode -b: variant not on"
done
echo "PASS: scenario_leak"

#!/bin/sh
# SPDX-License-Identifier: ISC
# --record then --replay: a short live run written to a file, read back with
# the same figures on screen; and a recording that cannot be written.
. "$(dirname "$0")/lib.sh"

rec="$work/run.jsonl"
start 100 30 --record "$rec"
wait_for 'REC run\.jsonl' 10
wait_for 'handoffs +[0-9.]+[kMG]?/s' 15
# Two samples with rates at least (the first has none).
i=0
while [ "$(grep -c '"handoffs_per_s":[0-9]' "$rec" 2>/dev/null)" -lt 2 ]; do
	i=$((i + 1)); [ "$i" -gt 300 ] && fail "no rates recorded: $(cat "$rec")"; sleep 0.1
done
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "q gave $status, not exit=0"
check_modes
tmx kill-session -t t
grep -q '^{"t":0.000,"pid":[0-9]*,"mode":"threads","scenario":"pingpong",' "$rec" || fail "not the JSON of --batch: $(head -n 1 "$rec")"

# count V: V as the screen shows a rate (format_count, three digits).
count() {
	awk -v v="$1" 'BEGIN {
		split("k M G T P", sfx, " "); i = 0
		if (v < 1000) {
			if (v == int(v)) printf "%.0f\n", v
			else if (v < 10) printf "%.2f\n", v
			else if (v < 100) printf "%.1f\n", v
			else printf "%.0f\n", v
			exit
		}
		while (v >= 999.5 && i < 5) { v /= 1000; i++ }
		if (v < 9.995) printf "%.2f%s\n", v, sfx[i]
		else if (v < 99.95) printf "%.1f%s\n", v, sfx[i]
		else printf "%.0f%s\n", v, sfx[i]
	}'
}
lines=$(grep -c . "$rec")
rm -f "$work/status" "$work/stty"
start 100 30 --replay "$rec"
wait_for "REPLAY [1-9][0-9]*/$lines" 10
# Pause wherever it is, step once if it can, and compare with that line.
tmx send-keys -t t Space
wait_for "REPLAY [0-9]+/$lines [^|]*1x (paused|end)" 5
pos=$(screen | sed -n "s/.*REPLAY \\([0-9]*\\)\\/$lines.*/\\1/p")
if [ "$pos" -lt "$lines" ]; then
	tmx send-keys -t t .
	pos=$((pos + 1))
	wait_for "REPLAY $pos/$lines [^|]*1x (paused|end)" 5
fi
# The first line has no rates yet; the others have, unless the workload
# did not answer that pass in time (a loaded machine): then the replay
# says so too.
got=$(sed -n "${pos}s/.*\"handoffs_per_s\":\\([0-9.]*\\|null\\)[,}].*/\\1/p" "$rec")
case $got in
'')	fail "no handoffs in line $pos: $(sed -n "${pos}p" "$rec")" ;;
null)	[ "$pos" -gt 1 ] || fail "line 1 has no handoffs field"
	wait_for "handoffs +n/a: not read when recorded" 5 ;;
*)	wait_for "handoffs +$(count "$got")/s" 5 ;;
esac
wait_for 'threads pingpong \| (tasks )?2/2' 2
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=0" ] || fail "replay: q gave $status"
tmx kill-session -t t

# A full disk: said on screen, the program runs on, exit status 1 after.
rm -f "$work/status" "$work/stty"
start 100 30 --record /dev/full
wait_for 'REC FAILED' 15
wait_for 'cannot write /dev/full: No space left on device' 2
wait_for 'kernel voluntary +[0-9.]+[kMG]?/s' 15
tmx send-keys -t t q
status=$(wait_exit 10)
[ "$status" = "exit=1" ] || fail "a failed recording gave $status, not exit=1"
check_modes
wait_for 'recording /dev/full is incomplete' 5
echo "PASS: record, replay of the recording, a recording to a full disk"

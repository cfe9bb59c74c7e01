#!/bin/sh
# SPDX-License-Identifier: ISC
# Layout: no word on the screen is cut and no two fields touch, in every
# scenario, mode and variant, at 80x24 (and at 100x30 with CSW_LONG set,
# make check-long), with the thread table (H) and the big figures (f) too.
#
# With CSWVIZ_WORDS set, cswviz writes every string it draws (this frame's
# and the last one's) to that file.  Each token on the screen, split at
# spaces, box lines and graph or bar cells, must be a whole token of one of
# those strings: a cut word ("thre"), a cut reason ("in t") or two fields
# run together ("13817/2010loadavg", "startn/a") is not.
. "$(dirname "$0")/lib.sh"

screens=0
tags=
bad=0

# The tokens of the screen that no drawn string has; empty when all do.
# Bytes, not characters: box drawing U+2500-257F, blocks U+2580-259F and
# the middle dot U+00B7 separate tokens like spaces.
strays() {
	LC_ALL=C awk '
	function split_line(s) {
		gsub(/\342\224[\200-\277]|\342\225[\200-\277]|\342\226[\200-\237]|\302\267/, " ", s)
		return s
	}
	FNR == 1 { file++ }
	file < 3 {
		n = split(split_line($0), t, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (t[i] != "")
				known[t[i]] = 1
		next
	}
	{
		n = split(split_line($0), t, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (t[i] != "" && !(t[i] in known))
				printf "line %d: \"%s\" in: %s\n", FNR, t[i], $0
	}' "$1" "$2" "$3"
}

# check WHAT: the screen now, against the words drawn around the capture;
# a bad screen is shown and counted, and the walk goes on.  On a loaded
# machine more frames than the file keeps can pass between the copies and
# the capture, so a screen with strays is looked at again, up to eight
# times (the walks run side by side, which loads the machine more): a cut
# word is there every time, a race is not.
check() {
	tries=0
	while :; do
		cp "$words" "$work/w1" 2>/dev/null || : > "$work/w1"
		screen > "$work/screen"
		cp "$words" "$work/w2" 2>/dev/null || : > "$work/w2"
		[ -s "$work/w1" ] || [ -s "$work/w2" ] ||
		    fail "$1: cswviz wrote no words to CSWVIZ_WORDS"
		strays "$work/w1" "$work/w2" "$work/screen" > "$work/strays"
		tries=$((tries + 1))
		[ -s "$work/strays" ] && [ "$tries" -lt 8 ] || break
		sleep 0.3
	done
	screens=$((screens + 1))
	if [ -s "$work/strays" ]; then
		echo "FAIL: $1: cut or touching text:"
		cat "$work/strays"
		echo "--- screen:"
		cat "$work/screen"
		bad=$((bad + 1))
	fi
}

# The header's mode, scenario and variant, as each form of it reads.
head_re() {
	echo "^ (cswviz \| )?$1( \|)? $2$3( \||$)"
}

# The walks judge words, not figures: like every terminal test's, their
# workloads run at nice 10 (lib.sh), so that they yield to the tests beside
# this one (test_threads took 4 s alone and 13 s beside two walks at nice
# 0) and still get a tenth of a CPU to start in under a sanitizer.  A
# screen is read 0.7 s after a change: two samples at -d 3.

# walk W H NAME TASKS VARIANT: both modes, with and without b.
walk() {
	w=$1 h=$2 name=$3 n=$4 var=$5
	words=$work/words
	ENVSET="CSWVIZ_WORDS=$words" start "$w" "$h" -s "$name" \
	    -n "$n" -d 3
	wait_for "$(head_re threads "$name" '')" 10
	sleep 0.7
	check "$w x $h threads $name"
	for mode in threads fibers; do
		if [ "$mode" = fibers ]; then
			tmx send-keys -t t m
			wait_for "$(head_re fibers "$name" '')" 10
			sleep 0.7
			check "$w x $h fibers $name"
		fi
		[ "$var" = yes ] || continue
		tmx send-keys -t t b
		wait_for "$(head_re "$mode" "$name" ' b')" 10
		sleep 0.7
		check "$w x $h $mode $name b"
		tmx send-keys -t t b
		wait_for "$(head_re "$mode" "$name" '')" 10
	done
	stop
	echo "$screens $bad" > "$work/result"
}

# stop: end this cswviz (its quit path is tested elsewhere).
stop() {
	tmx kill-session -t t
	rm -f "$words" "$work/status"
}

# The thread table and the big figures, threads then fibers.
table() {
	words=$work/words
	ENVSET="CSWVIZ_WORDS=$words" start "$1" "$2" -s sleepers \
	    -n 200 -d 3
	wait_for "$(head_re threads sleepers '')" 10
	tmx send-keys -t t H
	wait_for 'Threads [0-9]+, by' 5
	sleep 0.7
	check "$1 x $2 thread table"
	tmx send-keys -t t H f
	sleep 0.7
	check "$1 x $2 big figures, threads"
	tmx send-keys -t t m
	wait_for "$(head_re fibers sleepers '')" 10
	sleep 0.7
	check "$1 x $2 big figures, fibers"
	stop
	echo "$screens $bad" > "$work/result"
}

# both TAG FUNCTION ARGS: run one walk beside the last one; every second
# walk waits for the pair.  The walks only compare the words on each
# screen with the words drawn (no figure is judged), but most workloads
# take every CPU they find: eight at once spent three minutes of CPU on
# their waits, two at once a fraction of that.  Four at once take this
# test from 27 s to 18 s here, but in make -j2 check the test beside it
# then took 9 s longer (test_threads, test_tui): the suite gained nothing.
both() {
	alone "$@"
	pending=$((pending + 1))
	[ "$pending" -lt "${LAYOUT_JOBS:-2}" ] && return
	tags="$tags $alone_tags"
	alone_wait
	pending=0
}
pending=0

# 80 x 24, the tightest, in make check; 100 x 30 too with CSW_LONG set.
[ -n "${CSW_LONG:-}" ] && sizes="80x24 100x30" || sizes="80x24"
for size in $sizes; do
	set -- "${size%x*}" "${size#*x}"
	# A spinning workload beside a light one.
	both "$size-pingpong" walk "$1" "$2" pingpong 8 no
	both "$size-sleepers" walk "$1" "$2" sleepers 200 no
	both "$size-server" walk "$1" "$2" server 8 no
	both "$size-blocking" walk "$1" "$2" blocking 8 yes
	both "$size-cpu-flood" walk "$1" "$2" cpu-flood 8 yes
	both "$size-leak" walk "$1" "$2" leak 200 yes
	both "$size-fanin" walk "$1" "$2" fanin 8 yes
	both "$size-table" table "$1" "$2"
done
tags="$tags $alone_tags"
alone_wait
for tag in $tags; do
	set -- $(cat "$work/$tag/result")
	screens=$((screens + $1)); bad=$((bad + $2))
done
[ "$bad" -eq 0 ] || { echo "FAIL: $bad of $screens screens cut or run words together"; exit 1; }
echo "PASS: $screens screens, no cut word and no fields touching"

#!/bin/sh
# SPDX-License-Identifier: ISC
# Themes in a real terminal: a bad theme file names its line and the
# program runs on the default; t switches themes live and the colours
# change; with NO_COLOR set the screen carries no colour at all.
. "$(dirname "$0")/lib.sh"

# colours: the SGR colour codes on the screen (30-38, 40-48, 90-97,
# 100-107; 39 and 49, the default colours, are no colour).
colours() {
	tmx capture-pane -p -e -t t | grep -oE '\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m' | sort -u
}

# A bad theme names its line, and t changes the colours.
badtheme() {
	mkdir "$work/themes"
	printf '# a broken theme\nheader = chartreuse-ish\n' > "$work/themes/bad.theme"
	# Sleepers: a light workload, as colour is all this test reads.
	start 100 30 --theme-dir "$work/themes" -t bad -s sleepers -n 4
	wait_for 'bad\.theme:2: unknown colour "chartreuse-ish"' 10
	wait_for 'kernel voluntary +[0-9.]+[kMG]?/s' 10
	[ -n "$(colours)" ] || fail "the default theme shows no colour"
	# A figure that does not apply (no fibers in threads mode) is dim,
	# like a source, not in the alarm colour of a failed read.  sgr TEXT
	# LINE: the last colour set before TEXT on the line that matches LINE
	# in the screen shot (tmux writes a colour only where it changes).
	# Both are read from one shot that shows both: on a loaded machine
	# the next frame can say "n/a: late" where the source was.
	sgr() {
		perl -ne 'BEGIN { ($p, $l) = (shift, shift) }
		    next unless /$l/;
		    if (/^(.*)\Q$p\E/) { my @c = $1 =~ /(\e\[[0-9;]*m)/g;
		    print $c[-1] if @c; exit }' "$1" "$2" "$work/shot"
	}
	i=0
	while :; do
		tmx capture-pane -p -e -t t > "$work/shot"
		na=$(sgr 'n/a: no fibers' 'fiber switches')
		src=$(sgr 'getrusage' 'kernel voluntary')
		[ -n "$na" ] && [ -n "$src" ] && break
		i=$((i + 1)); [ "$i" -gt 100 ] &&
		    fail "no frame showed both n/a: no fibers and getrusage"
		sleep 0.1
	done
	[ "$na" = "$src" ] ||
	    fail "n/a: no fibers is drawn as $(printf '%s' "$na" | od -c | head -1), a source as $(printf '%s' "$src" | od -c | head -1)"
	before=$(colours)
	tmx send-keys -t t t
	wait_for 'theme [a-z]+' 5
	i=0
	while [ "$(colours)" = "$before" ]; do
		i=$((i + 1)); [ "$i" -gt 50 ] && fail "t did not change the colours"
		sleep 0.1
	done
	tmx send-keys -t t q
	wait_exit 10 | grep -q 'exit=0' || fail "q did not exit 0"
}

# NO_COLOR: no colour, even after t.
nocolour() {
	ENVSET='NO_COLOR=1' start 100 30 -s sleepers -n 4
	wait_for 'kernel voluntary +[0-9.]+[kMG]?/s' 10
	[ -z "$(colours)" ] || fail "NO_COLOR: colour codes on screen: $(colours | head -3)"
	tmx send-keys -t t t
	wait_for 'theme' 5
	[ -z "$(colours)" ] || fail "NO_COLOR: t brought colour back: $(colours | head -3)"
	tmx send-keys -t t q
	wait_exit 10 | grep -q 'exit=0' || fail "q did not exit 0"
	check_modes
}

# The two starts side by side: each reads only its own screen's colours.
alone bad-theme badtheme
alone no-color nocolour
alone_wait
echo "PASS: themes"

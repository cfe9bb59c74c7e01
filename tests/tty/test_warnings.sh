#!/bin/sh
# SPDX-License-Identifier: ISC
# The warnings strip: blocking fibers puts its warning in the footer line,
# with when it began, and no panel moves for it; the b variant ends it, and
# the strip then says when it was on.  At 80x24 and 200x60.
. "$(dirname "$0")/lib.sh"

# rows REGEX: the row numbers of the lines that match, for the layout.
rows() { screen | grep -n -- "$1" | cut -d: -f1 | tr '\n' ' '; }

# strip W H: the strip at W x H, on and then ended.
strip() {
	start "$1" "$2" -s blocking -m fibers -d 5 --allow long-run
	wait_for '! blocking [0-9]+:[0-9][0-9] ' 60
	# The strip is the last line, and the boxes start where they did.
	screen | tail -1 | grep -q '! blocking' ||
	    fail "$1x$2: the strip is not the last line"
	screen | tail -1 | grep -q 'all [0-9]* workers in blocking calls' ||
	    fail "$1x$2: the strip does not say what it saw"
	on=$(rows '^[┌+]')
	tmx send-keys -t t b
	wait_for 'blocking was on [0-9]+:[0-9][0-9]-[0-9]+:[0-9][0-9], ended' 60
	off=$(rows '^[┌+]')
	[ "$on" = "$off" ] ||
	    fail "$1x$2: panels moved: rows $on with the warning, $off after"
	tmx send-keys -t t q
	status=$(wait_exit 30)
	[ "$status" = "exit=0" ] || fail "$1x$2: quit gave $status"
}

# The two sizes side by side: the warning is all the workers in blocking
# calls, whatever else runs.
alone 80x24 strip 80 24
alone 200x60 strip 200 60
alone_wait
exit 0

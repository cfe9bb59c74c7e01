/* SPDX-License-Identifier: ISC */
/*
 * The keymap: one table of (key, action, help) that drives input, the help
 * overlay and the test that keeps the man page's KEYS section in step.
 * Called from the loop thread.
 */
#ifndef CSW_KEYMAP_H
#define CSW_KEYMAP_H

#include <stddef.h>
#include <termkey.h>

enum action {
	ACTION_NONE,
	ACTION_QUIT,
	ACTION_HELP,
	ACTION_CLOSE,
	ACTION_PAUSE,
	ACTION_TASKS_UP,
	ACTION_TASKS_DOWN,
	ACTION_TASKS_TEN_UP,	/* ten times the tasks */
	ACTION_TASKS_TEN_DOWN,	/* a tenth of them */
	ACTION_REDRAW,
	ACTION_THEME,
	ACTION_MODE,
	ACTION_DELAY,
	ACTION_THREADS,		/* show or hide the thread table */
	ACTION_LATENCY,		/* show or hide the Latency panel */
	ACTION_SORT_NEXT,
	ACTION_SORT_PREV,
	ACTION_SORT_REVERSE,
	ACTION_ROW_DOWN,
	ACTION_ROW_UP,
	ACTION_PAGE_DOWN,
	ACTION_PAGE_UP,
	ACTION_FIRST,
	ACTION_LAST,
	ACTION_SCENARIO,	/* 1..7: the key's digit picks the row */
	ACTION_WORKERS_UP,
	ACTION_WORKERS_DOWN,
	ACTION_STACK,
	ACTION_VARIANT,
	ACTION_RESET,
	ACTION_TOUR_NEXT,
	ACTION_TOUR_PREV,
	ACTION_BIG,		/* the headline figures in big digits */
	ACTION_STEP,		/* replay: one sample forward */
	ACTION_FASTER,		/* replay: play faster */
	ACTION_SLOWER,		/* replay: play slower */
	ACTION_SEEK_BACK,	/* replay: 10 s back */
	ACTION_SEEK_ON,		/* replay: 10 s on */
	ACTION_CHANGE_PREV,	/* replay: the change before this sample */
	ACTION_CHANGE_NEXT,	/* replay: the change after it */
	ACTION_RESTART,		/* replay: from the first sample */
	ACTION_LOOP,		/* replay: start again at the end */
	ACTION_FIGURE,		/* save the graphs as an SVG figure */
	ACTION_CODE,		/* show the code the tasks run */
	ACTION_HOLD,		/* stop or continue the workload itself */
	ACTION_COMPARE,		/* threads and fibers side by side */
	ACTION_COUNT		/* not an action: how many there are */
};

struct keymap_entry {
	const char	*key;		/* termkey_strpkey syntax: "q", "F10" */
	enum action	 action;
	const char	*help;		/* NULL: an alias, not listed alone */
};

#define KEYMAP_MAX	64

struct keymap {
	TermKey		*tk;
	TermKeyKey	 keys[KEYMAP_MAX];
	size_t		 n;
};

const struct keymap_entry *keymap_table(size_t *);
int		 keymap_init(struct keymap *, TermKey *);
enum action	 keymap_lookup(const struct keymap *, TermKeyKey *);
size_t		 keymap_keys_for(const struct keymap *, enum action, char *,
		    size_t);

#endif

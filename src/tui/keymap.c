/* SPDX-License-Identifier: ISC */
/*
 * The key table: each row a key, the action it asks for and its help line.
 * Input, the help overlay and the man page test all read this one table;
 * libtermkey turns bytes into keys.
 */
#include <stdio.h>
#include <string.h>

#include "tui/keymap.h"
#include "util/util.h"

static const struct keymap_entry keymap_entries[] = {
	{ "?",		ACTION_HELP,	  "help on or off" },
	{ "F1",		ACTION_HELP,	  NULL },
	{ "Escape",	ACTION_CLOSE,	  "close help or code" },
	{ "Space",	ACTION_PAUSE,	  "freeze the display" },
	{ "z",		ACTION_HOLD,	  "pause the workload" },
	{ "v",		ACTION_CODE,	  "view the tasks' code" },
	{ "1",		ACTION_SCENARIO,  "scenario (names below)" },
	{ "2",		ACTION_SCENARIO,  NULL },
	{ "3",		ACTION_SCENARIO,  NULL },
	{ "4",		ACTION_SCENARIO,  NULL },
	{ "5",		ACTION_SCENARIO,  NULL },
	{ "6",		ACTION_SCENARIO,  NULL },
	{ "7",		ACTION_SCENARIO,  NULL },
	{ "m",		ACTION_MODE,	  "threads / fibers mode" },
	{ "c",		ACTION_COMPARE,	  "side by side: both modes" },
	{ "b",		ACTION_VARIANT,	  "b variant on or off" },
	{ "+",		ACTION_TASKS_UP,  "double the tasks" },
	{ "=",		ACTION_TASKS_UP,  NULL },
	{ "-",		ACTION_TASKS_DOWN, "halve the tasks" },
	{ "*",		ACTION_TASKS_TEN_UP, "tasks x10 (/ a tenth)" },
	{ "/",		ACTION_TASKS_TEN_DOWN, NULL },
	{ "]",		ACTION_WORKERS_UP, "more workers ([ fewer)" },
	{ "[",		ACTION_WORKERS_DOWN, NULL },
	{ "s",		ACTION_STACK,	  "next stack size" },
	{ "r",		ACTION_RESET,	  "reset (restart if ended)" },
	{ "d",		ACTION_DELAY,	  "sample every .5/1/2/5 s" },
	{ "t",		ACTION_THEME,	  "next theme" },
	{ "H",		ACTION_THREADS,	  "thread table on or off" },
	{ "a",		ACTION_LATENCY,	  "latency panel on or off" },
	{ ">",		ACTION_SORT_NEXT, "table: sort (< back)" },
	{ "<",		ACTION_SORT_PREV, NULL },
	{ "I",		ACTION_SORT_REVERSE, "table: invert order" },
	{ "Down",	ACTION_ROW_DOWN,  "table: scroll (Up ...)" },
	{ "Up",		ACTION_ROW_UP,	  NULL },
	{ "PageDown",	ACTION_PAGE_DOWN, NULL },
	{ "PageUp",	ACTION_PAGE_UP,	  NULL },
	{ "Home",	ACTION_FIRST,	  NULL },
	{ "End",	ACTION_LAST,	  NULL },
	{ "n",		ACTION_TOUR_NEXT, "tour: next (p Left back)" },
	{ "Right",	ACTION_TOUR_NEXT, NULL },
	{ "p",		ACTION_TOUR_PREV, NULL },
	{ "Left",	ACTION_TOUR_PREV, NULL },
	{ "f",		ACTION_BIG,	  "big figures on or off" },
	{ "e",		ACTION_FIGURE,	  "save the graphs as SVG" },
	{ ".",		ACTION_STEP,	  "replay: one step" },
	{ "}",		ACTION_FASTER,	  "faster replay ({ slower)" },
	{ "{",		ACTION_SLOWER,	  NULL },
	{ "j",		ACTION_SEEK_BACK, "replay: 10 s back (l on)" },
	{ "l",		ACTION_SEEK_ON,	  NULL },
	{ "J",		ACTION_CHANGE_PREV, "replay: change -1 (L +1)" },
	{ "L",		ACTION_CHANGE_NEXT, NULL },
	{ "0",		ACTION_RESTART,	  "replay: from the start" },
	{ "o",		ACTION_LOOP,	  "replay: loop on or off" },
	{ "Ctrl-l",	ACTION_REDRAW,	  "redraw the screen" },
	{ "q",		ACTION_QUIT,	  "quit" },
	{ "F10",	ACTION_QUIT,	  NULL },
};

/* The table itself, for the help overlay and the tests. */
const struct keymap_entry *
keymap_table(size_t *n)
{
	*n = CSW_ARRAY_LEN(keymap_entries);
	return (keymap_entries);
}

/* Parse every key of the table for this termkey instance. */
int
keymap_init(struct keymap *km, TermKey *tk)
{
	const char	*end;
	size_t		 i;

	memset(km, 0, sizeof *km);
	km->tk = tk;
	for (i = 0; i < CSW_ARRAY_LEN(keymap_entries); i++) {
		end = termkey_strpkey(tk, keymap_entries[i].key, &km->keys[i],
		    TERMKEY_FORMAT_LONGMOD);
		if (end == NULL || *end != '\0')
			return (-1);
	}
	km->n = i;
	return (0);
}

/* The action bound to a key, or ACTION_NONE. */
enum action
keymap_lookup(const struct keymap *km, TermKeyKey *key)
{
	TermKeyKey	k = *key;
	size_t		i;

	/* A printable key may arrive with Shift; the table names the glyph. */
	if (k.type == TERMKEY_TYPE_UNICODE)
		k.modifiers &= ~TERMKEY_KEYMOD_SHIFT;
	for (i = 0; i < km->n; i++) {
		if (termkey_keycmp(km->tk, &k, &km->keys[i]) == 0)
			return (keymap_entries[i].action);
	}
	return (ACTION_NONE);
}

/* Every key bound to an action, as termkey names them, joined by spaces. */
size_t
keymap_keys_for(const struct keymap *km, enum action action, char *buf,
    size_t len)
{
	size_t		i, used = 0, n = 0;
	char		name[32];
	TermKeyKey	k;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < km->n; i++) {
		if (keymap_entries[i].action != action)
			continue;
		k = km->keys[i];
		termkey_strfkey(km->tk, name, sizeof name, &k,
		    TERMKEY_FORMAT_LONGMOD);
		if (strcmp(name, " ") == 0)	/* unreadable in a list */
			snprintf(name, sizeof name, "Space");
		used += (size_t)snprintf(buf + used, used < len ? len - used :
		    0, "%s%s", n ? " " : "", name);
		if (used >= len)
			used = len > 0 ? len - 1 : 0;
		n++;
	}
	return (n);
}

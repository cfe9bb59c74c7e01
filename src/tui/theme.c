/* SPDX-License-Identifier: ISC */
/*
 * Applying a theme to the terminal: colour pairs and the role table.
 * Only the thread that owns the terminal calls these.
 */
#include <string.h>

#include "tui/theme.h"

struct theme_entry {
	attr_t	 attr;		/* COLOR_PAIR(pair) | attributes */
	short	 pair;
};

static struct theme_entry	theme_table[THEME_ROLE_COUNT];

/* Turn file attributes into curses ones. */
static attr_t
theme_curses_attrs(unsigned int attrs)
{
	attr_t	a = A_NORMAL;

	if (attrs & THEME_ATTR_BOLD)
		a |= A_BOLD;
	if (attrs & THEME_ATTR_DIM)
		a |= A_DIM;
#ifdef A_ITALIC
	if (attrs & THEME_ATTR_ITALIC)
		a |= A_ITALIC;
#endif
	if (attrs & THEME_ATTR_UNDERLINE)
		a |= A_UNDERLINE;
	if (attrs & THEME_ATTR_REVERSE)
		a |= A_REVERSE;
	if (attrs & THEME_ATTR_BLINK)
		a |= A_BLINK;
	return (a);
}

/* Fill the table with attributes only. */
static void
theme_apply_mono(const struct theme *t)
{
	int	i;

	if (theme_has_color(t))
		t = theme_builtin("mono");
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		theme_table[i].pair = 0;
		theme_table[i].attr = theme_curses_attrs(t->styles[i].attrs);
	}
}

/* Define a colour pair, with extended colours where ncurses has them. */
static int
theme_init_pair(int pair, int fg, int bg)
{
#if defined(NCURSES_EXT_COLORS) && NCURSES_EXT_COLORS
	return (init_extended_pair(pair, fg, bg));
#else
	if (fg > 32767 || bg > 32767)
		return (ERR);
	return (init_pair(pair, fg, bg));
#endif
}

/* Make a theme current. */
void
theme_apply(const struct theme *t, bool no_color)
{
	bool		 default_colors;
	int		 ncolors, fg[THEME_ROLE_COUNT], bg[THEME_ROLE_COUNT];
	int		 pairs = 0, pair_fg[THEME_ROLE_COUNT];
	int		 pair_bg[THEME_ROLE_COUNT], i, j;
	short		 pair;

	if (t == NULL)
		t = theme_builtin("default");
	if (no_color || !has_colors()) {
		theme_apply_mono(t);
		return;
	}
	/* Both are no-ops once done, and must be done for each screen. */
	if (start_color() == ERR) {
		theme_apply_mono(t);
		return;
	}
	default_colors = use_default_colors() == OK;
	ncolors = COLORS;
#if !defined(NCURSES_EXT_COLORS) || !NCURSES_EXT_COLORS
	if (ncolors > 256)
		ncolors = 8;	/* direct colour needs extended pairs */
#endif
	if (ncolors < 8 || COLOR_PAIRS < 2) {
		theme_apply_mono(t);
		return;
	}

	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		fg[i] = theme_color_resolve(t->styles[i].fg, ncolors);
		bg[i] = theme_color_resolve(t->styles[i].bg, ncolors);
		if (i != THEME_NORMAL) {
			/* Default in a role means the normal role's. */
			if (fg[i] == -1)
				fg[i] = fg[THEME_NORMAL];
			if (bg[i] == -1)
				bg[i] = bg[THEME_NORMAL];
		}
	}
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		if (!default_colors) {
			if (fg[i] == -1)
				fg[i] = COLOR_WHITE;
			if (bg[i] == -1)
				bg[i] = COLOR_BLACK;
		}
		/* Two colours that became one: pick a contrast. */
		if (fg[i] == bg[i] && fg[i] != -1)
			fg[i] = theme_color_contrast(bg[i], ncolors);
	}

	/* One pair for each distinct (fg, bg); none for the terminal's own. */
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		pair = 0;
		if (fg[i] != -1 || bg[i] != -1) {
			for (j = 0; j < pairs; j++) {
				if (pair_fg[j] == fg[i] && pair_bg[j] == bg[i])
					break;
			}
			if (j == pairs) {
				if (pairs + 1 >= COLOR_PAIRS ||
				    theme_init_pair(pairs + 1, fg[i], bg[i]) ==
				    ERR) {
					theme_apply_mono(t);
					return;
				}
				pair_fg[pairs] = fg[i];
				pair_bg[pairs] = bg[i];
				pairs++;
			}
			pair = j + 1;
		}
		theme_table[i].pair = pair;
		theme_table[i].attr = COLOR_PAIR(pair) |
		    theme_curses_attrs(t->styles[i].attrs);
	}
}

/* Give the attributes and colour pair of a role. */
attr_t
theme_attr(enum theme_role role)
{
	if ((unsigned int)role >= THEME_ROLE_COUNT)
		return (A_NORMAL);
	return (theme_table[role].attr);
}

/* Give the colour pair of a role. */
short
theme_pair(enum theme_role role)
{
	if ((unsigned int)role >= THEME_ROLE_COUNT)
		return (0);
	return (theme_table[role].pair);
}

/* SPDX-License-Identifier: ISC */
/*
 * Themes: the colours and attributes of every role the view draws.
 *
 * A theme is plain data (struct theme), parsed from a text file or taken
 * from a built-in table; colours are kept as written (a name or index, or
 * the exact RGB) and only mapped to what the terminal has when the theme is
 * applied.  Parsing, the search path and colour mapping are curses-free and
 * may be called from any thread; theme_apply() and theme_attr() belong to
 * the thread that owns the terminal (the loop), after initscr().
 *
 * File syntax, one setting a line, '#' comments:
 *	ROLE = FG [BG] [ATTRIBUTE ...]
 *	bar = light | heavy
 * See themes/default.theme for every role and the full rules.
 *
 * Bar roles colour the glyphs of a bar: bar_committed the filled part,
 * bar_reserved the rest of the reservation.  theme_heavy_bars() asks the
 * view for heavier glyphs.  Without colour (NO_COLOR, a mono terminal)
 * the roles differ by attribute only, so the view should keep glyphs
 * distinct too.
 */
#ifndef CSW_THEME_H
#define CSW_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <curses.h>

enum theme_role {
	THEME_NORMAL,		/* normal: everything else; window background */
	THEME_TITLE,		/* title: panel titles */
	THEME_BORDER,		/* border: panel borders */
	THEME_HEADER,		/* header: the top status line */
	THEME_LABEL,		/* label: names of values */
	THEME_VALUE,		/* value: numbers */
	THEME_UNIT,		/* unit: units after numbers */
	THEME_DIM,		/* dim: secondary text, sources */
	THEME_GOOD,		/* good */
	THEME_WARN,		/* warn */
	THEME_BAD,		/* bad: errors, values that could not be read */
	THEME_GRAPH_VOL,	/* graph_voluntary: kernel voluntary switches */
	THEME_GRAPH_INVOL,	/* graph_involuntary: kernel involuntary */
	THEME_GRAPH_FIBER,	/* graph_fiber: user-space fiber switches */
	THEME_GRAPH_SYSTEM,	/* graph_system: system-wide ctxt */
	THEME_BAR_RESERVED,	/* bar_reserved: stack reserved */
	THEME_BAR_COMMITTED,	/* bar_committed: stack committed */
	THEME_CAPTION,		/* caption: what to notice */
	THEME_HELP,		/* help: help overlay body */
	THEME_HELP_KEY,		/* help_key: keys in the help overlay */
	THEME_KEY,		/* key: key hints in the footer */
	THEME_PAUSED,		/* paused: the paused marker */
	THEME_ROLE_COUNT
};

/*
 * A colour: THEME_COLOR_DEFAULT (the terminal's own; in any role but
 * normal, the normal role's), an index 0-255 in the xterm palette, or
 * THEME_RGB(r, g, b).
 */
#define THEME_COLOR_DEFAULT	(-1)
#define THEME_COLOR_RGB		0x1000000
#define THEME_RGB(r, g, b) \
	(THEME_COLOR_RGB | ((r) << 16) | ((g) << 8) | (b))
#define THEME_COLOR_IS_RGB(c)	((c) >= 0 && ((c) & THEME_COLOR_RGB))

/* Attributes, as written in files. */
#define THEME_ATTR_BOLD		0x01u
#define THEME_ATTR_DIM		0x02u
#define THEME_ATTR_ITALIC	0x04u
#define THEME_ATTR_UNDERLINE	0x08u
#define THEME_ATTR_REVERSE	0x10u
#define THEME_ATTR_BLINK	0x20u

#define THEME_NAME_MAX		64
#define THEME_FILE_MAX		(64 * 1024)

struct theme_style {
	int		 fg;
	int		 bg;
	unsigned int	 attrs;
};

struct theme {
	char			 name[THEME_NAME_MAX];
	struct theme_style	 styles[THEME_ROLE_COUNT];
	bool			 heavy_bars;
};

/* --- curses-free: any thread --------------------------------------------- */

/* The name of a role as written in files ("graph_fiber"). */
const char	*theme_role_name(enum theme_role);

/* The built-in "default" or "mono" theme, or NULL for any other name. */
const struct theme *theme_builtin(const char *);

/* Whether the bar roles should be drawn with heavy glyphs. */
bool		 theme_heavy_bars(const struct theme *);

/* Whether any role of the theme names a colour. */
bool		 theme_has_color(const struct theme *);

/*
 * Parse theme text.  filename is used for messages and, without its
 * directory and ".theme", as the theme's name.  Roles not given keep the
 * built-in default; a role given twice takes the last line.  0 on success;
 * -1 with err set to "FILE:LINE: what is wrong" and *out untouched.
 */
int		 theme_parse(const char *, const char *, struct theme *,
		     char *, size_t);

/*
 * The xterm-palette index nearest to an RGB colour among the first
 * ncolors: 256 (or more) searches the 6x6x6 cube and grey ramp (16-255),
 * 16 and 88 the system colours (0-15), 8 the first eight; -1 if ncolors
 * is under 8.
 */
int		 theme_nearest_color(int, int, int, int);

/*
 * The 0xRRGGBB of a theme colour (xterm's palette for an index), or -1
 * for the default colour.
 */
int		 theme_color_rgb(int);

/*
 * Map a theme colour to what a terminal with ncolors colours can show:
 * -1 (default), an index below ncolors, or on a direct-colour terminal
 * (ncolors >= 0x1000000) a packed 0xRRGGBB as ncurses expects.
 */
int		 theme_color_resolve(int, int);

/*
 * Black or white, as resolved for ncolors, whichever stands out more on a
 * resolved colour: for a foreground that degraded to its background.
 */
int		 theme_color_contrast(int, int);

/* Whether NO_COLOR is set and non-empty. */
bool		 theme_env_no_color(void);

/*
 * Find the file of a theme: a name containing '/' is a path; otherwise
 * NAME.theme in theme_dir (may be NULL), $XDG_CONFIG_HOME/cswviz/themes
 * (~/.config/cswviz/themes when unset), the installed themes directory.
 * 0 with path filled, or -1 if no file (built-ins have no file).
 */
int		 theme_find(const char *, const char *, char *, size_t);

/*
 * Load a theme by name: a file found by theme_find(), else a built-in.
 * 0 on success; -1 with err set and *out untouched.
 */
int		 theme_load(const char *, const char *, struct theme *, char *,
		     size_t);

/*
 * Every theme name on the search path and the built-ins, unique and
 * sorted, in a new array the caller frees with theme_list_free().
 */
int		 theme_list(const char *, char ***, size_t *);
void		 theme_list_free(char **, size_t);

/* The name after current in a list, wrapping; the first if not found. */
const char	*theme_list_next(char *const *, size_t, const char *);

/* Print "NAME  WHERE", or "NAME  does not parse: FILE:LINE: why", for each
   theme (--list-themes). */
int		 theme_list_print(FILE *, const char *);

/* --- curses: the terminal's thread, after initscr() --------------------- */

/*
 * Make a theme current: start colour if the terminal has it, allocate
 * colour pairs for what it can show, and fill the table theme_attr()
 * reads.  Without colour (no_color, or the terminal has none) a theme
 * that uses colours falls back to the attributes of the built-in mono
 * theme.  Redraw everything afterwards.
 */
void		 theme_apply(const struct theme *, bool);

/* The attributes and colour pair to draw a role with, e.g. wattr_set. */
attr_t		 theme_attr(enum theme_role);

/* The colour pair of a role (0 without colour), for wattr_set. */
short		 theme_pair(enum theme_role);

#endif

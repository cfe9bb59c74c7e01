/* SPDX-License-Identifier: ISC */
/*
 * Theme data without curses: role names, the built-in themes, the file
 * parser and the mapping of colours to what a terminal has.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tui/theme.h"
#include "util/util.h"

#define THEME_LINE_MAX	1024
#define THEME_WORDS_MAX	16

static const char *theme_role_names[THEME_ROLE_COUNT] = {
	[THEME_NORMAL] = "normal",
	[THEME_TITLE] = "title",
	[THEME_BORDER] = "border",
	[THEME_HEADER] = "header",
	[THEME_LABEL] = "label",
	[THEME_VALUE] = "value",
	[THEME_UNIT] = "unit",
	[THEME_DIM] = "dim",
	[THEME_GOOD] = "good",
	[THEME_WARN] = "warn",
	[THEME_BAD] = "bad",
	[THEME_GRAPH_VOL] = "graph_voluntary",
	[THEME_GRAPH_INVOL] = "graph_involuntary",
	[THEME_GRAPH_FIBER] = "graph_fiber",
	[THEME_GRAPH_SYSTEM] = "graph_system",
	[THEME_BAR_RESERVED] = "bar_reserved",
	[THEME_BAR_COMMITTED] = "bar_committed",
	[THEME_CAPTION] = "caption",
	[THEME_HELP] = "help",
	[THEME_HELP_KEY] = "help_key",
	[THEME_KEY] = "key",
	[THEME_PAUSED] = "paused",
};

static const struct {
	const char	*name;
	int		 index;
} theme_color_names[] = {
	{ "default", THEME_COLOR_DEFAULT },
	{ "black", 0 },
	{ "red", 1 },
	{ "green", 2 },
	{ "yellow", 3 },
	{ "blue", 4 },
	{ "magenta", 5 },
	{ "cyan", 6 },
	{ "white", 7 },
	{ "brightblack", 8 },
	{ "grey", 8 },
	{ "gray", 8 },
	{ "brightred", 9 },
	{ "brightgreen", 10 },
	{ "brightyellow", 11 },
	{ "brightblue", 12 },
	{ "brightmagenta", 13 },
	{ "brightcyan", 14 },
	{ "brightwhite", 15 },
};

static const struct {
	const char	*name;
	unsigned int	 attr;
} theme_attr_names[] = {
	{ "bold", THEME_ATTR_BOLD },
	{ "dim", THEME_ATTR_DIM },
	{ "italic", THEME_ATTR_ITALIC },
	{ "underline", THEME_ATTR_UNDERLINE },
	{ "reverse", THEME_ATTR_REVERSE },
	{ "blink", THEME_ATTR_BLINK },
};

/* xterm's system colours; 16-255 are computed. */
static const int theme_system_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00,
	0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
	0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static const int theme_cube_levels[6] = { 0, 95, 135, 175, 215, 255 };

#define D	THEME_COLOR_DEFAULT
#define B	THEME_ATTR_BOLD

/* Dark background; named colours so the terminal's palette decides. */
static const struct theme theme_default = {
	.name = "default",
	.styles = {
		[THEME_NORMAL] = { D, D, 0 },
		[THEME_TITLE] = { 14, D, B },
		[THEME_BORDER] = { 8, D, 0 },
		[THEME_HEADER] = { 15, 4, B },
		[THEME_LABEL] = { D, D, 0 },
		[THEME_VALUE] = { 15, D, B },
		[THEME_UNIT] = { 6, D, 0 },
		[THEME_DIM] = { 8, D, 0 },
		[THEME_GOOD] = { 10, D, 0 },
		[THEME_WARN] = { 11, D, 0 },
		[THEME_BAD] = { 9, D, B },
		[THEME_GRAPH_VOL] = { 39, D, 0 },	/* azure */
		[THEME_GRAPH_INVOL] = { 208, D, 0 },	/* orange */
		[THEME_GRAPH_FIBER] = { 13, D, 0 },
		[THEME_GRAPH_SYSTEM] = { 11, D, 0 },
		[THEME_BAR_RESERVED] = { 8, D, 0 },
		[THEME_BAR_COMMITTED] = { 14, D, 0 },
		[THEME_CAPTION] = { 11, D, 0 },
		[THEME_HELP] = { D, D, 0 },
		[THEME_HELP_KEY] = { 14, D, B },
		[THEME_KEY] = { 0, 6, 0 },
		[THEME_PAUSED] = { 0, 3, B },
	},
	.heavy_bars = false,
};

/* No colour at all: roles differ by attribute. */
static const struct theme theme_mono = {
	.name = "mono",
	.styles = {
		[THEME_NORMAL] = { D, D, 0 },
		[THEME_TITLE] = { D, D, B },
		[THEME_BORDER] = { D, D, 0 },
		[THEME_HEADER] = { D, D, THEME_ATTR_REVERSE },
		[THEME_LABEL] = { D, D, 0 },
		[THEME_VALUE] = { D, D, B },
		[THEME_UNIT] = { D, D, THEME_ATTR_DIM },
		[THEME_DIM] = { D, D, THEME_ATTR_DIM },
		[THEME_GOOD] = { D, D, 0 },
		[THEME_WARN] = { D, D, THEME_ATTR_UNDERLINE },
		[THEME_BAD] = { D, D, B | THEME_ATTR_UNDERLINE },
		[THEME_GRAPH_VOL] = { D, D, 0 },
		[THEME_GRAPH_INVOL] = { D, D, B },
		[THEME_GRAPH_FIBER] = { D, D, 0 },
		[THEME_GRAPH_SYSTEM] = { D, D, THEME_ATTR_DIM },
		[THEME_BAR_RESERVED] = { D, D, THEME_ATTR_DIM },
		[THEME_BAR_COMMITTED] = { D, D, B },
		[THEME_CAPTION] = { D, D, B },
		[THEME_HELP] = { D, D, 0 },
		[THEME_HELP_KEY] = { D, D, B },
		[THEME_KEY] = { D, D, THEME_ATTR_REVERSE },
		[THEME_PAUSED] = { D, D, B | THEME_ATTR_REVERSE },
	},
	.heavy_bars = false,
};

#undef D
#undef B

/* Name a role. */
const char *
theme_role_name(enum theme_role role)
{
	if ((unsigned int)role >= THEME_ROLE_COUNT)
		return (NULL);
	return (theme_role_names[role]);
}

/* Look up a built-in theme. */
const struct theme *
theme_builtin(const char *name)
{
	if (name == NULL)
		return (NULL);
	if (strcmp(name, "default") == 0)
		return (&theme_default);
	if (strcmp(name, "mono") == 0)
		return (&theme_mono);
	return (NULL);
}

/* Tell whether bars want heavy glyphs. */
bool
theme_heavy_bars(const struct theme *t)
{
	return (t != NULL && t->heavy_bars);
}

/* Tell whether a theme names any colour. */
bool
theme_has_color(const struct theme *t)
{
	int	i;

	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		if (t->styles[i].fg != THEME_COLOR_DEFAULT ||
		    t->styles[i].bg != THEME_COLOR_DEFAULT)
			return (true);
	}
	return (false);
}

/* Give the RGB of an xterm palette index. */
static int
theme_palette_rgb(int index)
{
	int	r, g, b, v;

	if (index < 16)
		return (theme_system_rgb[index]);
	if (index < 232) {
		index -= 16;
		r = theme_cube_levels[index / 36];
		g = theme_cube_levels[(index / 6) % 6];
		b = theme_cube_levels[index % 6];
		return ((r << 16) | (g << 8) | b);
	}
	v = 8 + (index - 232) * 10;
	return ((v << 16) | (v << 8) | v);
}

/* Give the RGB of a theme colour as written; -1 for the default. */
int
theme_color_rgb(int color)
{
	if (color == THEME_COLOR_DEFAULT || color < 0)
		return (-1);
	if (THEME_COLOR_IS_RGB(color))
		return (color & 0xffffff);
	return (theme_palette_rgb(color > 255 ? 255 : color));
}

/* Find the nearest palette index to an RGB colour. */
int
theme_nearest_color(int r, int g, int b, int ncolors)
{
	int	first, last, i, rgb, dr, dg, db, best = -1;
	long	d, bestd = -1;

	if (ncolors >= 256) {
		first = 16;
		last = 255;
	} else if (ncolors >= 16) {
		first = 0;
		last = 15;
	} else if (ncolors >= 8) {
		first = 0;
		last = 7;
	} else
		return (-1);

	for (i = first; i <= last; i++) {
		rgb = theme_palette_rgb(i);
		dr = ((rgb >> 16) & 0xff) - r;
		dg = ((rgb >> 8) & 0xff) - g;
		db = (rgb & 0xff) - b;
		d = (long)dr * dr + (long)dg * dg + (long)db * db;
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return (best);
}

/* Map a theme colour to one a terminal with ncolors can show. */
int
theme_color_resolve(int color, int ncolors)
{
	int	rgb, limit;

	if (color == THEME_COLOR_DEFAULT || ncolors < 8)
		return (-1);
	if (ncolors >= 0x1000000) {
		/* Direct colour: below 8 is ANSI, anything else is RGB. */
		if (!THEME_COLOR_IS_RGB(color) && color < 8)
			return (color);
		if (THEME_COLOR_IS_RGB(color))
			rgb = color & 0xffffff;
		else
			rgb = theme_palette_rgb(color);
		return (rgb < 8 ? 0 : rgb);
	}
	if (THEME_COLOR_IS_RGB(color))
		rgb = color & 0xffffff;
	else {
		limit = ncolors >= 256 ? 256 : (ncolors >= 16 ? 16 : 8);
		if (color < limit)
			return (color);
		rgb = theme_palette_rgb(color);
	}
	return (theme_nearest_color((rgb >> 16) & 0xff, (rgb >> 8) & 0xff,
	    rgb & 0xff, ncolors));
}

/* Pick black or white, whichever stands out more on a resolved colour. */
int
theme_color_contrast(int color, int ncolors)
{
	int	rgb, luma;

	if (ncolors >= 0x1000000)
		rgb = color < 8 ? theme_palette_rgb(color < 0 ? 0 : color) :
		    color;
	else
		rgb = theme_palette_rgb(color < 0 || color > 255 ? 0 : color);
	luma = 299 * ((rgb >> 16) & 0xff) + 587 * ((rgb >> 8) & 0xff) +
	    114 * (rgb & 0xff);
	if (luma >= 128 * 1000) {
		if (ncolors >= 0x1000000 || ncolors < 256)
			return (0);
		return (16);
	}
	if (ncolors >= 0x1000000)
		return (0xffffff);
	if (ncolors >= 256)
		return (231);
	return (ncolors >= 16 ? 15 : 7);
}

/* Format a parse error as "FILE:LINE: what". */
static int
theme_error(char *err, size_t errlen, const char *file, unsigned int line,
    const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (err == NULL || errlen == 0)
		return (-1);
	n = snprintf(err, errlen, "%s:%u: ", file, line);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* Parse a hex digit, or -1. */
static int
theme_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Whether a word is all decimal digits. */
static bool
theme_all_digits(const char *s)
{
	if (*s == '\0')
		return (false);
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return (false);
	}
	return (true);
}

#define THEME_WORD_COLOR	0
#define THEME_WORD_UNKNOWN	-1
#define THEME_WORD_BAD		-2	/* message already written */

/* Parse a colour word: name, index or #rrggbb. */
static int
theme_parse_color(const char *word, int *out, char *why, size_t whylen)
{
	long	 index;
	int	 i, d, v = 0;
	size_t	 j;

	for (j = 0; j < CSW_ARRAY_LEN(theme_color_names); j++) {
		if (strcasecmp(word, theme_color_names[j].name) == 0) {
			*out = theme_color_names[j].index;
			return (THEME_WORD_COLOR);
		}
	}
	if (word[0] == '#') {
		for (i = 1; word[i] != '\0' && i <= 6; i++) {
			if ((d = theme_hex_digit((unsigned char)word[i])) < 0)
				break;
			v = (v << 4) | d;
		}
		if (i != 7 || word[i] != '\0') {
			snprintf(why, whylen, "bad colour \"%s\": want #rrggbb",
			    word);
			return (THEME_WORD_BAD);
		}
		*out = THEME_COLOR_RGB | v;
		return (THEME_WORD_COLOR);
	}
	if (theme_all_digits(word)) {
		if (util_parse_long(word, 0, 255, &index) != 0) {
			snprintf(why, whylen,
			    "colour index %s out of range 0-255", word);
			return (THEME_WORD_BAD);
		}
		*out = (int)index;
		return (THEME_WORD_COLOR);
	}
	return (THEME_WORD_UNKNOWN);
}

/* Parse an attribute word. */
static int
theme_parse_attr(const char *word, unsigned int *out)
{
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(theme_attr_names); i++) {
		if (strcasecmp(word, theme_attr_names[i].name) == 0) {
			*out |= theme_attr_names[i].attr;
			return (0);
		}
	}
	return (-1);
}

/*
 * Cut a comment off a line: '#' as the first non-blank, or anywhere else
 * unless directly followed by a hex digit (then it is a #rrggbb colour).
 */
static void
theme_strip_comment(char *line)
{
	char	*p;

	p = line + strspn(line, " \t");
	if (*p == '#') {
		*p = '\0';
		return;
	}
	for (; *p != '\0'; p++) {
		if (*p == '#' && theme_hex_digit((unsigned char)p[1]) < 0) {
			*p = '\0';
			return;
		}
	}
}

/* Split a string into blank-separated words in place; count them. */
static size_t
theme_split(char *s, char **words, size_t max)
{
	size_t	 n = 0;
	char	*p, *save;

	for (p = strtok_r(s, " \t\r", &save); p != NULL;
	    p = strtok_r(NULL, " \t\r", &save)) {
		if (n < max)
			words[n] = p;
		n++;
	}
	return (n);
}

/* Parse the value of a role line: FG [BG] [ATTRIBUTE ...]. */
static int
theme_parse_style(char **words, size_t nwords, struct theme_style *out,
    char *why, size_t whylen)
{
	struct theme_style	 st;
	size_t			 i;
	int			 c, r;

	st.fg = st.bg = THEME_COLOR_DEFAULT;
	st.attrs = 0;

	if (nwords == 0) {
		snprintf(why, whylen, "missing colour after \"=\"");
		return (-1);
	}
	for (i = 0; i < nwords; i++) {
		if (i > 0 && theme_parse_attr(words[i], &st.attrs) == 0)
			continue;
		r = theme_parse_color(words[i], &c, why, whylen);
		if (r == THEME_WORD_BAD)
			return (-1);
		if (r == THEME_WORD_UNKNOWN) {
			if (i == 0 &&
			    theme_parse_attr(words[i], &st.attrs) == 0)
				snprintf(why, whylen, "missing colour before "
				    "attribute \"%s\" (try default %s)",
				    words[i], words[i]);
			else if (i == 0)
				snprintf(why, whylen, "unknown colour \"%s\"",
				    words[i]);
			else if (i == 1)
				snprintf(why, whylen,
				    "unknown colour or attribute \"%s\"",
				    words[i]);
			else
				snprintf(why, whylen,
				    "unknown attribute \"%s\"", words[i]);
			return (-1);
		}
		if (i == 0)
			st.fg = c;
		else if (i == 1)
			st.bg = c;
		else {
			snprintf(why, whylen, "too many colours: \"%s\" "
			    "(want FG [BG] [ATTRIBUTE ...])", words[i]);
			return (-1);
		}
	}
	*out = st;
	return (0);
}

/* Set a theme's name from a file name: no directory, no ".theme". */
static void
theme_set_name(struct theme *t, const char *filename)
{
	const char	*base, *slash;
	size_t		 len;

	base = filename;
	if ((slash = strrchr(filename, '/')) != NULL)
		base = slash + 1;
	len = strlen(base);
	if (len > 6 && strcmp(base + len - 6, ".theme") == 0)
		len -= 6;
	if (len >= sizeof t->name)
		len = sizeof t->name - 1;
	memset(t->name, 0, sizeof t->name);
	memcpy(t->name, base, len);
}

/* Parse one line into a theme; *why says what is wrong. */
static int
theme_parse_line(char *line, struct theme *t, char *why, size_t whylen)
{
	char	*eq, *key[2], *words[THEME_WORDS_MAX];
	size_t	 nkey, nwords;
	int	 role;

	theme_strip_comment(line);
	if (line[strspn(line, " \t\r")] == '\0')
		return (0);
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(why, whylen, "missing \"=\": want ROLE = FG [BG] "
		    "[ATTRIBUTE ...]");
		return (-1);
	}
	*eq = '\0';
	nkey = theme_split(line, key, CSW_ARRAY_LEN(key));
	if (nkey == 0) {
		snprintf(why, whylen, "missing role before \"=\"");
		return (-1);
	}
	if (nkey > 1) {
		snprintf(why, whylen, "too many words before \"=\"");
		return (-1);
	}
	nwords = theme_split(eq + 1, words, CSW_ARRAY_LEN(words));
	if (nwords > CSW_ARRAY_LEN(words)) {
		snprintf(why, whylen, "too many words (at most %zu after "
		    "\"=\")", CSW_ARRAY_LEN(words));
		return (-1);
	}

	if (strcmp(key[0], "bar") == 0) {
		if (nwords == 0) {
			snprintf(why, whylen, "missing light or heavy after "
			    "\"bar =\"");
			return (-1);
		}
		if (nwords > 1) {
			snprintf(why, whylen, "too many words after \"bar =\"");
			return (-1);
		}
		if (strcasecmp(words[0], "light") == 0)
			t->heavy_bars = false;
		else if (strcasecmp(words[0], "heavy") == 0)
			t->heavy_bars = true;
		else {
			snprintf(why, whylen, "bar is light or heavy, not "
			    "\"%s\"", words[0]);
			return (-1);
		}
		return (0);
	}

	for (role = 0; role < THEME_ROLE_COUNT; role++) {
		if (strcmp(key[0], theme_role_names[role]) == 0)
			break;
	}
	if (role == THEME_ROLE_COUNT) {
		snprintf(why, whylen, "unknown role \"%s\"", key[0]);
		return (-1);
	}
	return (theme_parse_style(words, nwords, &t->styles[role], why,
	    whylen));
}

/* Parse theme text; on error *out is untouched. */
int
theme_parse(const char *text, const char *filename, struct theme *out,
    char *err, size_t errlen)
{
	struct theme	 t;
	char		 line[THEME_LINE_MAX], why[256];
	const char	*p, *end;
	size_t		 len;
	unsigned int	 lineno = 0;

	if (filename == NULL)
		filename = "(theme)";
	t = theme_default;
	theme_set_name(&t, filename);

	for (p = text; p != NULL && *p != '\0'; p = end) {
		lineno++;
		if ((end = strchr(p, '\n')) != NULL) {
			len = end - p;
			end++;
		} else {
			len = strlen(p);
			end = p + len;
		}
		if (len >= sizeof line) {
			return (theme_error(err, errlen, filename, lineno,
			    "line too long (over %zu bytes)",
			    sizeof line - 1));
		}
		memcpy(line, p, len);
		line[len] = '\0';
		why[0] = '\0';
		if (theme_parse_line(line, &t, why, sizeof why) != 0) {
			return (theme_error(err, errlen, filename, lineno,
			    "%s", why));
		}
	}
	*out = t;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return (0);
}

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"

/* A count with an SI suffix and three significant digits: 1.23k, 45.6M. */
char *
format_count(double v, char *buf, size_t len)
{
	static const char	*suffix[] = { "", "k", "M", "G", "T", "P" };
	int			 i = 0;

	if (isnan(v) || isinf(v)) {
		snprintf(buf, len, "n/a");
		return (buf);
	}
	if (fabs(v) < 1000) {
		if (v == floor(v))
			snprintf(buf, len, "%.0f", v);
		else if (fabs(v) < 10)
			snprintf(buf, len, "%.2f", v);
		else if (fabs(v) < 100)
			snprintf(buf, len, "%.1f", v);
		else
			snprintf(buf, len, "%.0f", v);
		return (buf);
	}
	while (fabs(v) >= 999.5 && i < 5) {
		v /= 1000;
		i++;
	}
	if (fabs(v) < 9.995)
		snprintf(buf, len, "%.2f%s", v, suffix[i]);
	else if (fabs(v) < 99.95)
		snprintf(buf, len, "%.1f%s", v, suffix[i]);
	else
		snprintf(buf, len, "%.0f%s", v, suffix[i]);
	return (buf);
}

/* Bytes in binary units: 512 B, 4.0 KiB, 80.0 GiB. */
char *
format_bytes(double v, char *buf, size_t len)
{
	static const char	*unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
				    "PiB" };
	int			 i = 0;

	if (isnan(v) || isinf(v) || v < 0) {
		snprintf(buf, len, "n/a");
		return (buf);
	}
	while (v >= 1023.95 && i < 5) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f B", v);
	else if (v < 9.995)
		snprintf(buf, len, "%.2f %s", v, unit[i]);
	else if (v < 99.95)
		snprintf(buf, len, "%.1f %s", v, unit[i]);
	else
		snprintf(buf, len, "%.0f %s", v, unit[i]);
	return (buf);
}

/* A duration given in nanoseconds: 3.7 ns, 5.52 µs, 1.20 ms, 2.00 s. */
char *
format_ns(double ns, bool ascii, char *buf, size_t len)
{
	const char	*unit = "ns";

	if (isnan(ns) || isinf(ns) || ns < 0) {
		snprintf(buf, len, "n/a");
		return (buf);
	}
	if (ns >= 999.5e6) {
		ns /= 1e9;
		unit = "s";
	} else if (ns >= 999.5e3) {
		ns /= 1e6;
		unit = "ms";
	} else if (ns >= 999.5) {
		ns /= 1e3;
		unit = ascii ? "us" : "\xc2\xb5s";
	}
	if (ns < 9.995)
		snprintf(buf, len, "%.2f %s", ns, unit);
	else if (ns < 99.95)
		snprintf(buf, len, "%.1f %s", ns, unit);
	else
		snprintf(buf, len, "%.0f %s", ns, unit);
	return (buf);
}

/* Elapsed seconds as m:ss or h:mm:ss. */
char *
format_duration(double s, char *buf, size_t len)
{
	long	t;

	if (isnan(s) || s < 0)
		s = 0;
	t = (long)s;
	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
	return (buf);
}

/*
 * The glyph for one cell of a column graph: value v against max, in a graph
 * rows high, at row (0 = bottom).  Eighth blocks in UTF-8, or ASCII.
 */
const char *
format_graph_cell(double v, double max, int rows, int row, bool ascii)
{
	static const char	*eighth[] = { " ", "\xe2\x96\x81",
				    "\xe2\x96\x82", "\xe2\x96\x83",
				    "\xe2\x96\x84", "\xe2\x96\x85",
				    "\xe2\x96\x86", "\xe2\x96\x87",
				    "\xe2\x96\x88" };
	double			 h;
	int			 e;

	if (isnan(v) || isnan(max) || max <= 0 || v <= 0 || rows <= 0)
		return (" ");
	if (v > max)
		v = max;
	h = v / max * rows * 8;		/* height in eighths of a row */
	if (h < 1)
		h = 1;			/* a non-zero value always shows */
	e = (int)lround(h) - row * 8;
	if (e <= 0)
		return (" ");
	if (e >= 8)
		return (ascii ? "#" : eighth[8]);
	if (ascii)
		return (e >= 4 ? "#" : (row == 0 ? "_" : " "));
	return (eighth[e]);
}

/*
 * The glyph for one cell of a horizontal bar: fill is how much of this cell
 * is covered (0..1).  Heavy bars use full blocks, light ones shades.
 */
const char *
format_bar_cell(double fill, bool heavy, bool ascii)
{
	static const char	*part[] = { " ", "\xe2\x96\x8f",
				    "\xe2\x96\x8e", "\xe2\x96\x8d",
				    "\xe2\x96\x8c", "\xe2\x96\x8b",
				    "\xe2\x96\x8a", "\xe2\x96\x89",
				    "\xe2\x96\x88" };
	int			 e;

	if (isnan(fill) || fill <= 0)
		return (ascii ? "." : (heavy ? " " : "\xc2\xb7"));
	if (fill >= 1)
		return (ascii ? "#" : part[8]);
	e = (int)lround(fill * 8);
	if (ascii)
		return (e >= 4 ? "#" : ".");
	return (part[e > 0 ? e : 1]);
}

/*
 * Big glyphs for the back row: digits, the point, the minus and the SI
 * suffixes, five rows of up to three columns ('#' is ink).
 */
static const struct {
	char		 c;
	const char	*rows[FORMAT_BIG_ROWS];
} format_big_font[] = {
	{ '0', { "###", "# #", "# #", "# #", "###" } },
	{ '1', { " # ", "## ", " # ", " # ", "###" } },
	{ '2', { "###", "  #", "###", "#  ", "###" } },
	{ '3', { "###", "  #", " ##", "  #", "###" } },
	{ '4', { "# #", "# #", "###", "  #", "  #" } },
	{ '5', { "###", "#  ", "###", "  #", "###" } },
	{ '6', { "###", "#  ", "###", "# #", "###" } },
	{ '7', { "###", "  #", "  #", " # ", " # " } },
	{ '8', { "###", "# #", "###", "# #", "###" } },
	{ '9', { "###", "# #", "###", "  #", "###" } },
	{ '.', { " ", " ", " ", " ", "#" } },
	{ '-', { "   ", "   ", "###", "   ", "   " } },
	{ ' ', { " ", " ", " ", " ", " " } },
	{ 'k', { "#  ", "# #", "## ", "# #", "# #" } },
	{ 'M', { "# #", "###", "# #", "# #", "# #" } },
	{ 'G', { "###", "#  ", "# #", "# #", "###" } },
	{ 'T', { "###", " # ", " # ", " # ", " # " } },
	{ 'P', { "###", "# #", "###", "#  ", "#  " } },
	{ '%', { "# #", "  #", " # ", "#  ", "# #" } },
};

/* The glyph of a character, or NULL. */
static const char *const *
format_big_glyph(char c)
{
	size_t	i;

	for (i = 0; i < sizeof format_big_font / sizeof format_big_font[0];
	    i++) {
		if (format_big_font[i].c == c)
			return (format_big_font[i].rows);
	}
	return (NULL);
}

/* Whether every character of text has a big glyph. */
bool
format_big_known(const char *text)
{
	for (; *text != '\0'; text++) {
		if (format_big_glyph(*text) == NULL)
			return (false);
	}
	return (true);
}

/* The columns text takes in big glyphs sx columns wide, a gap between. */
int
format_big_width(const char *text, int sx)
{
	const char *const	*g;
	int			 w = 0;

	for (; *text != '\0'; text++) {
		if ((g = format_big_glyph(*text)) == NULL)
			continue;
		w += ((int)strlen(g[0]) + (w > 0)) * sx;
	}
	return (w);
}

/*
 * One row (0 at the top, FORMAT_BIG_ROWS - 1 at the bottom) of text in big
 * glyphs: each glyph column sx cells wide, full blocks in UTF-8 or '#' in
 * ASCII.  Characters without a glyph are left out.
 */
char *
format_big_row(const char *text, int row, int sx, bool ascii, char *buf,
    size_t len)
{
	const char *const	*g;
	const char		*ink = ascii ? "#" : "\xe2\x96\x88", *cell;
	size_t			 used = 0, n;
	int			 i, k, first = 1;

	if (len == 0)
		return (buf);
	buf[0] = '\0';
	if (row < 0 || row >= FORMAT_BIG_ROWS)
		return (buf);
	for (; *text != '\0'; text++) {
		if ((g = format_big_glyph(*text)) == NULL)
			continue;
		for (i = first ? 0 : -1; g[row][i < 0 ? 0 : i] != '\0'; i++) {
			cell = i >= 0 && g[row][i] == '#' ? ink : " ";
			n = strlen(cell);
			for (k = 0; k < sx; k++) {
				if (used + n >= len)
					return (buf);
				memcpy(buf + used, cell, n);
				used += n;
				buf[used] = '\0';
			}
		}
		first = 0;
	}
	return (buf);
}

/* SPDX-License-Identifier: ISC */
/*
 * Numbers with units (k/s, MiB, ns or µs, ms), durations, the big digits'
 * font, bars and graph glyphs: pure text, no curses, so that each rule of
 * how a figure reads is tested on its own (tests/test_format.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "tui/format.h"

#define FORMAT_NELEM(a)	((int)(sizeof (a) / sizeof (a)[0]))

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
	if (fabs(v) < 999.5) {
		if (v == floor(v))
			snprintf(buf, len, "%.0f", v);
		else if (fabs(v) < 9.995)
			snprintf(buf, len, "%.2f", v);
		else if (fabs(v) < 99.95)
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

/* A ratio's larger side, as a student reads it aloud: 33, 2.1, 12.3k. */
static void
format_ratio_side(double v, char *buf, size_t len)
{
	if (v >= 9999.5)
		format_count(v, buf, len);
	else if (v >= 9.95)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.2g", v);
}

/*
 * a against b as "a:b" with the smaller side 1: "1:33" when a is a 33rd
 * of b, "2.1:1" when it is twice and a bit, "1:1" when equal; "0:1" for a
 * zero a, "" when b is zero or either is unknown (no ratio to tell).
 */
char *
format_ratio_to(double a, double b, char *buf, size_t len)
{
	char	n[FORMAT_LEN];

	buf[0] = '\0';
	if (isnan(a) || isnan(b) || isinf(a) || isinf(b) || a < 0 || b <= 0)
		return (buf);
	if (a == 0)
		snprintf(buf, len, "0:1");
	else if (a >= b) {
		format_ratio_side(a / b, n, sizeof n);
		snprintf(buf, len, "%s:1", n);
	} else {
		format_ratio_side(b / a, n, sizeof n);
		snprintf(buf, len, "1:%s", n);
	}
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
	if (ns == 0) {		/* no wait at all: not "0.00 ns" */
		snprintf(buf, len, "0 ns");
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
 * A stacked column's height in eighths of a row, at least one for a value
 * above zero (a non-zero value always shows), at most the graph's.
 */
static int
format_eighths(double v, double max, int rows)
{
	double	h;

	if (isnan(v) || v <= 0)
		return (0);
	h = v / max * rows * 8;
	if (h > rows * 8)
		h = rows * 8;
	return (h < 1 ? 1 : (int)lround(h));
}

/*
 * The glyph for one cell of a graph of two stacked values: a below in
 * solid blocks, b above in a shade (ASCII: '#' below, ':' above), so the
 * two read apart without colour.  *upper says whose cell it is, for its
 * colour.  A cell a and b share goes to whichever fills more of it.
 */
const char *
format_stack_cell(double a, double b, double max, int rows, int row,
    bool ascii, bool *upper)
{
	int	ea, et, lo = row * 8, in;

	*upper = false;
	if (isnan(max) || max <= 0 || rows <= 0 || (isnan(a) && isnan(b)))
		return (" ");
	ea = format_eighths(a, max, rows);
	et = ea + format_eighths(b, max, rows);
	if (et > rows * 8)
		et = rows * 8;
	if (ea > et)
		ea = et;
	if (et <= lo)
		return (" ");
	if (ea >= lo + 8 || (ea > lo && (ea == et || ea - lo >= 4))) {
		/* a's cell: the same glyphs as a graph of a alone. */
		return (format_graph_cell(ea, rows * 8, rows, row, ascii));
	}
	*upper = true;
	in = (et < lo + 8 ? et : lo + 8) - lo;
	if (ascii)
		return (in >= 4 ? ":" : ".");
	/* Medium shade from half a cell, light shade below. */
	return (in >= 4 ? "\xe2\x96\x92" : "\xe2\x96\x91");
}

/*
 * The top of a graph's scale: the least round figure at or above v (1,
 * 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten; for bytes, of a
 * binary unit), so the axis reads as a round figure and does not creep
 * with every new peak, and the peak still fills two thirds of the graph
 * or more.  0 for nothing to draw.
 */
double
format_scale_ceil(double v, bool bytes)
{
	static const double	steps[] = { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 };
	double			unit = 1, p;
	size_t			i;

	if (isnan(v) || v <= 0)
		return (0);
	if (bytes) {
		while (v / unit >= 1000 && unit < 1125899906842624.0)
			unit *= 1024;
		if (v / unit < 1 && unit == 1)
			return (1);
	}
	p = pow(10, floor(log10(v / unit)));
	for (;;) {
		for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			if (steps[i] * p >= v / unit * (1 - 1e-9))
				return (steps[i] * p * unit);
		}
		p *= 10;
	}
}

/*
 * An axis label for a scale value: "200k/s", "5/s", "50 MiB", "12".  The
 * unit is always there for rates and bytes, so the back row reads it.
 */
char *
format_scale_label(double v, enum format_unit unit, char *buf, size_t len)
{
	static const char	*si[] = { "", "k", "M", "G", "T", "P" };
	static const char	*bin[] = { "B", "KiB", "MiB", "GiB", "TiB",
				    "PiB" };
	int			 i = 0;

	if (isnan(v) || v < 0) {
		snprintf(buf, len, "n/a");
		return (buf);
	}
	if (unit == FORMAT_UNIT_BYTES) {
		while (v >= 1000 && i < 5) {
			v /= 1024;
			i++;
		}
		snprintf(buf, len, "%.3g %s", v, bin[i]);
		return (buf);
	}
	while (v >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.3g%s%s", v, si[i],
	    unit == FORMAT_UNIT_RATE ? "/s" : "");
	return (buf);
}

/*
 * The glyph at the top of a change's mark on a graph: the key that makes
 * that change (m mode, b variant, + - tasks, ] [ workers, s stack), or S
 * for a new scenario; the most telling when several changed at once.
 */
const char *
format_mark_glyph(unsigned chg)
{
	static const struct {
		unsigned	 bit;
		const char	*glyph;
	} marks[] = {
		{ MODEL_CHG_SCENARIO, "S" },
		{ MODEL_CHG_MODE, "m" },
		{ MODEL_CHG_VARIANT, "b" },
		{ MODEL_CHG_TASKS_UP, "+" },
		{ MODEL_CHG_TASKS_DOWN, "-" },
		{ MODEL_CHG_WORKERS_UP, "]" },
		{ MODEL_CHG_WORKERS_DOWN, "[" },
		{ MODEL_CHG_STACK, "s" },
	};
	size_t	i;

	for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		if (chg & marks[i].bit)
			return (marks[i].glyph);
	}
	return (chg != 0 ? "*" : " ");
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
 * Big glyphs for the back row: digits, the point, the minus, the SI
 * suffixes, the letters of the units (ns, µs, ms, s, KiB, MiB, GiB, /s) and
 * of the modes in capitals, five rows of up to five columns ('#' is ink).
 * 'u' stands for µ where UTF-8 is not drawn.
 */
static const struct {
	const char	*c;		/* the character, in UTF-8 */
	const char	*rows[FORMAT_BIG_ROWS];
} format_big_font[] = {
	{ "0", { "###", "# #", "# #", "# #", "###" } },
	{ "1", { " # ", "## ", " # ", " # ", "###" } },
	{ "2", { "###", "  #", "###", "#  ", "###" } },
	{ "3", { "###", "  #", " ##", "  #", "###" } },
	{ "4", { "# #", "# #", "###", "  #", "  #" } },
	{ "5", { "###", "#  ", "###", "  #", "###" } },
	{ "6", { "###", "#  ", "###", "# #", "###" } },
	{ "7", { "###", "  #", "  #", " # ", " # " } },
	{ "8", { "###", "# #", "###", "# #", "###" } },
	{ "9", { "###", "# #", "###", "  #", "###" } },
	{ ".", { " ", " ", " ", " ", "#" } },
	{ "-", { "   ", "   ", "###", "   ", "   " } },
	{ " ", { " ", " ", " ", " ", " " } },
	{ "k", { "#  ", "# #", "## ", "# #", "# #" } },
	{ "M", { "# #", "###", "# #", "# #", "# #" } },
	{ "G", { "###", "#  ", "# #", "# #", "###" } },
	{ "T", { "###", " # ", " # ", " # ", " # " } },
	{ "P", { "###", "# #", "###", "#  ", "#  " } },
	{ "%", { "# #", "  #", " # ", "#  ", "# #" } },
	{ "/", { "  #", "  #", " # ", "#  ", "#  " } },
	{ "n", { "   ", "## ", "# #", "# #", "# #" } },
	{ "m", { "     ", "#### ", "# # #", "# # #", "# # #" } },
	{ "s", { "   ", " ##", "#  ", "  #", "## " } },
	{ "\xc2\xb5", { "   ", "# #", "# #", "###", "#  " } },
	{ "u", { "   ", "# #", "# #", "# #", "###" } },
	{ "i", { "#", " ", "#", "#", "#" } },
	{ "K", { "# #", "# #", "## ", "# #", "# #" } },
	{ "B", { "## ", "# #", "## ", "# #", "## " } },
	{ "A", { " # ", "# #", "###", "# #", "# #" } },
	{ "D", { "## ", "# #", "# #", "# #", "## " } },
	{ "E", { "###", "#  ", "## ", "#  ", "###" } },
	{ "F", { "###", "#  ", "## ", "#  ", "#  " } },
	{ "H", { "# #", "# #", "###", "# #", "# #" } },
	{ "I", { "###", " # ", " # ", " # ", "###" } },
	{ "R", { "## ", "# #", "## ", "# #", "# #" } },
	{ "S", { " ##", "#  ", " # ", "  #", "## " } },
};

/* The glyph of the character at *p, which moves past it; or NULL. */
static const char *const *
format_big_glyph(const char **p)
{
	size_t	i, n;

	for (i = 0; i < sizeof format_big_font / sizeof format_big_font[0];
	    i++) {
		n = strlen(format_big_font[i].c);
		if (strncmp(*p, format_big_font[i].c, n) == 0) {
			*p += n;
			return (format_big_font[i].rows);
		}
	}
	(*p)++;
	return (NULL);
}

/* Whether every character of text has a big glyph. */
bool
format_big_known(const char *text)
{
	while (*text != '\0') {
		if (format_big_glyph(&text) == NULL)
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

	while (*text != '\0') {
		if ((g = format_big_glyph(&text)) == NULL)
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
	while (*text != '\0') {
		if ((g = format_big_glyph(&text)) == NULL)
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

/* v with sig significant digits (2 or 3), as far as a value below 1000 has. */
static void
format_big_digits(double v, int sig, char *buf, size_t len)
{
	if (sig >= 3 && fabs(v) < 9.995)
		snprintf(buf, len, "%.2f", v);
	else if (fabs(v) < (sig >= 3 ? 99.95 : 9.95))
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

/* v scaled by step into the unit it reads best in: the index of the unit. */
static int
format_big_scale(double *v, double step, int units)
{
	int	i = 0;

	while (fabs(*v) >= step - 0.5 && i < units - 1) {
		*v /= step;
		i++;
	}
	return (i);
}

/* A figure in big type, number and unit, with sig significant digits. */
static char *
format_big_text(double v, enum format_big_kind kind, int sig, bool ascii,
    char *buf, size_t len)
{
	static const char	*si[] = { "", "k", "M", "G", "T", "P" };
	static const char	*bin[] = { "B", "KiB", "MiB", "GiB", "TiB",
				    "PiB" };
	char			 num[FORMAT_LEN];
	const char		*unit = "";
	int			 i;

	switch (kind) {
	case FORMAT_BIG_NS:
		if (sig < 3 && v >= 99.5e6 && v < 999.5e6) {
			/* "0.28s": narrower than "283ms", whose m is wide. */
			snprintf(buf, len, "%.2fs", v / 1e9);
			return (buf);
		}
		if (v >= 999.5e6) {
			v /= 1e9;
			unit = "s";
		} else if (v >= 999.5e3) {
			v /= 1e6;
			unit = "ms";
		} else if (v >= 999.5) {
			v /= 1e3;
			unit = ascii ? "us" : "\xc2\xb5s";
		} else
			unit = "ns";
		break;
	case FORMAT_BIG_BYTES:
		i = format_big_scale(&v, 1024, FORMAT_NELEM(bin));
		if (i == 0) {
			snprintf(buf, len, "%.0fB", v);	/* whole bytes */
			return (buf);
		}
		unit = bin[i];
		break;
	case FORMAT_BIG_RATE:
		i = format_big_scale(&v, 1000, FORMAT_NELEM(si));
		snprintf(num, sizeof num, "%s/s", si[i]);
		format_big_digits(v, sig, buf, len);
		if (strlen(buf) + strlen(num) < len)
			strcat(buf, num);
		return (buf);
	case FORMAT_BIG_COUNT:
		if (fabs(v) < 99999.5) {
			snprintf(buf, len, "%.0f", v);
			return (buf);
		}
		unit = si[format_big_scale(&v, 1000, FORMAT_NELEM(si))];
		break;
	case FORMAT_BIG_RATIO:
		unit = si[format_big_scale(&v, 1000, FORMAT_NELEM(si))];
		break;
	case FORMAT_BIG_PERCENT:
		unit = "%";
		break;
	}
	format_big_digits(v, sig, num, sizeof num);
	snprintf(buf, len, "%s%s", num, unit);
	return (buf);
}

/*
 * A figure for the big view: the number and its unit with no space, all in
 * glyphs the big font has ("6.24µs", "37.9ns", "14.1k/s", "7.81GiB").  Three
 * significant digits when they fit in width columns of big type at scale 1,
 * else two; width 0 or less: three.  "--" for a value that is not a number.
 */
char *
format_big_figure(double v, enum format_big_kind kind, int width, bool ascii,
    char *buf, size_t len)
{
	if (isnan(v) || isinf(v) || (v < 0 && kind != FORMAT_BIG_RATIO)) {
		snprintf(buf, len, "--");
		return (buf);
	}
	format_big_text(v, kind, 3, ascii, buf, len);
	if (width > 0 && format_big_width(buf, 1) > width)
		format_big_text(v, kind, 2, ascii, buf, len);
	return (buf);
}

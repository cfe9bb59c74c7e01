/*
 * Drawing helpers the panels share: boxes, clipped text, label/value
 * fields, column graphs and bars.  All glyph choice is in tui/format.c.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "tui/format.h"
#include "tui/theme.h"
#include "tui/tui.h"
#include "util/util.h"

/* The columns a UTF-8 string takes on the screen. */
int
draw_width(const char *s)
{
	wchar_t		 wbuf[512];
	mbstate_t	 ps;
	size_t		 n;
	int		 w;

	memset(&ps, 0, sizeof ps);
	n = mbsrtowcs(wbuf, &s, CSW_ARRAY_LEN(wbuf) - 1, &ps);
	if (n == (size_t)-1)
		return ((int)strlen(s));
	wbuf[n] = L'\0';
	w = wcswidth(wbuf, n);
	return (w < 0 ? (int)n : w);
}

/* Put a UTF-8 string at y,x in role, cut to at most w columns. */
void
draw_text(int y, int x, int w, int role, const char *s)
{
	wchar_t		 wbuf[512];
	mbstate_t	 ps;
	const char	*p = s;
	size_t		 n;
	int		 cols = 0, cw;
	size_t		 i;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	memset(&ps, 0, sizeof ps);
	n = mbsrtowcs(wbuf, &p, CSW_ARRAY_LEN(wbuf) - 1, &ps);
	if (n == (size_t)-1) {		/* not valid in this locale */
		attrset(theme_attr(role));
		mvaddnstr(y, x, s, w);
		return;
	}
	for (i = 0; i < n; i++) {
		cw = wcwidth(wbuf[i]);
		if (cw < 0)
			cw = 1;
		if (cols + cw > w)
			break;
		cols += cw;
	}
	attrset(theme_attr(role));
	mvaddnwstr(y, x, wbuf, (int)i);
}

/* The newest value of a series as text with its unit, or "n/a: why". */
void
figure_format(const struct model *m, enum model_series which,
    enum figure_kind kind, bool ascii, char *buf, size_t len)
{
	const char	*why = model_why(m, which);
	double		 v = model_value(m, which, 0);
	char		 n[FORMAT_LEN];

	if (why != NULL) {
		snprintf(buf, len, "n/a: %s", why);
		return;
	}
	switch (kind) {
	case FIG_RATE:
		snprintf(buf, len, "%s/s", format_count(v, n, sizeof n));
		break;
	case FIG_BYTES:
		format_bytes(v, buf, len);
		break;
	case FIG_COUNT:
		snprintf(buf, len, "%.0f", v);
		break;
	case FIG_NS:
		format_ns(v, ascii, buf, len);
		break;
	case FIG_RATIO:
		snprintf(buf, len, "%.2f", v);
		break;
	case FIG_PERCENT:
		snprintf(buf, len, "%.1f%%", v);
		break;
	case FIG_MS:
		format_ns(v * 1e6, ascii, buf, len);
		break;
	}
}

/* A column of labelled figures from *y down; *y ends below the last. */
void
draw_figures(int *y, int x, int w, int lw, int vw, const struct figure *f,
    size_t n, const struct model *m, bool ascii)
{
	char	buf[SAMPLE_WHYLEN + 8];
	size_t	i;

	for (i = 0; i < n; i++) {
		figure_format(m, f[i].series, f[i].kind, ascii, buf,
		    sizeof buf);
		draw_field((*y)++, x, w, lw, vw, f[i].label, buf,
		    f[i].source);
	}
}

/* A box with a title on the top edge and a note on the bottom edge. */
void
draw_box(const struct rect *r, const char *title, const char *note)
{
	char	buf[128];
	int	len;

	if (r->h < 2 || r->w < 4)
		return;
	attrset(theme_attr(THEME_BORDER));
	mvhline(r->y, r->x + 1, ACS_HLINE, r->w - 2);
	mvhline(r->y + r->h - 1, r->x + 1, ACS_HLINE, r->w - 2);
	mvvline(r->y + 1, r->x, ACS_VLINE, r->h - 2);
	mvvline(r->y + 1, r->x + r->w - 1, ACS_VLINE, r->h - 2);
	mvaddch(r->y, r->x, ACS_ULCORNER);
	mvaddch(r->y, r->x + r->w - 1, ACS_URCORNER);
	mvaddch(r->y + r->h - 1, r->x, ACS_LLCORNER);
	mvaddch(r->y + r->h - 1, r->x + r->w - 1, ACS_LRCORNER);
	if (title != NULL) {
		snprintf(buf, sizeof buf, " %s ", title);
		draw_text(r->y, r->x + 1, r->w - 2, THEME_TITLE, buf);
	}
	if (note != NULL && *note != '\0') {
		snprintf(buf, sizeof buf, " %s ", note);
		len = (int)strlen(buf);
		if (len > r->w - 4)
			len = r->w - 4;
		draw_text(r->y + r->h - 1, r->x + r->w - 2 - len, len,
		    THEME_DIM, buf);
	}
}

/*
 * A field: label, then value right-aligned in a column of its own, then
 * the source in dim text.  Returns the column after the field.
 */
int
draw_field(int y, int x, int w, int lw, int vw, const char *label,
    const char *value, const char *source)
{
	int		 bad = strncmp(value, "n/a", 3) == 0;
	char		 buf[64], *unit;

	draw_text(y, x, w, THEME_LABEL, label);
	if (w <= lw)
		return (x + w);
	if (bad) {
		/* A space after the label, as for a number. */
		if (w > lw + 1)
			draw_text(y, x + lw + 1, w - lw - 1, THEME_BAD,
			    value);
		return (x + w);
	}
	snprintf(buf, sizeof buf, "%*s", vw, value);
	lw++;		/* a space after the label */
	/* The number in the value role, its unit ("/s", " MiB") in unit. */
	unit = buf + strspn(buf, " ");
	unit += strspn(unit, "0123456789.-kMGTP");
	draw_text(y, x + lw, w - lw, THEME_VALUE, buf);
	if (*unit != '\0' && unit - buf < w - lw) {
		draw_text(y, x + lw + (int)(unit - buf), w - lw -
		    (int)(unit - buf), THEME_UNIT, unit);
	}
	if (source != NULL && w > lw + vw + 1)
		draw_text(y, x + lw + vw + 1, w - lw - vw - 1, THEME_DIM,
		    source);
	return (x + w);
}

/* The unit a graph's axis names, from the series it draws. */
static enum format_unit
draw_graph_unit(enum model_series which)
{
	switch (which) {
	case MS_VM_SIZE:
	case MS_VM_RSS:
	case MS_STACK_RESERVED:
	case MS_STACK_COMMITTED:
	case MS_KERNEL_STACK:
		return (FORMAT_UNIT_BYTES);
	case MS_VCSW_RATE:
	case MS_IVCSW_RATE:
	case MS_CTXT_RATE:
	case MS_FIBER_RATE:
	case MS_HANDOFF_RATE:
	case MS_WORK_RATE:
		return (FORMAT_UNIT_RATE);
	default:
		return (FORMAT_UNIT_COUNT);
	}
}

/* The axis: the scale's top, its half where a row ends there, and 0. */
static void
draw_graph_axis(const struct rect *r, int axis, double max,
    enum format_unit unit)
{
	char	label[FORMAT_LEN];

	if (r->h > 1 && max > 0) {
		format_scale_label(max, unit, label, sizeof label);
		draw_text(r->y, r->x + axis - 1 - draw_width(label), axis - 1,
		    THEME_LABEL, label);
	}
	if (r->h >= 4 && r->h % 2 == 0 && max > 0) {
		format_scale_label(max / 2, unit, label, sizeof label);
		draw_text(r->y + r->h / 2, r->x + axis - 1 -
		    draw_width(label), axis - 1, THEME_LABEL, label);
	}
	draw_text(r->y + r->h - 1, r->x + axis - 2, 1, THEME_LABEL, "0");
}

/* A change's mark: its glyph on top, a rule down the column. */
static void
draw_graph_mark(const struct rect *r, int x, unsigned chg, bool ascii)
{
	int	row;

	draw_text(r->y, x, 1, THEME_VALUE, format_mark_glyph(chg));
	for (row = 1; row < r->h; row++)
		draw_text(r->y + row, x, 1, THEME_LABEL, ascii ? "|" :
		    "\xe2\x94\x82");
}

/*
 * A column graph of a series, or of two stacked (a below in role_a in solid
 * blocks, b above in role_b in a shade), over the panel, newest on the
 * right, its scale on the left.  The scale (model_scale) is the peak of
 * each mode's and variant's newest screenful in the current scenario,
 * rounded up to a round figure: after m the other mode's peak holds, and
 * a new scenario starts its own.  Changes are marked;
 * columns of an earlier scenario are dim.
 */
void
draw_graph(const struct rect *r, const struct model *m,
    enum model_series a, enum model_series b, int role_a, int role_b,
    bool ascii)
{
	const int		 axis = 9;
	enum format_unit	 unit = draw_graph_unit(a);
	const char		*glyph;
	double			 max, va, vb;
	size_t			 age, seg = model_segment(m);
	unsigned		 chg;
	int			 cols, col, row, role;
	bool			 upper;

	if (r->h < 1 || r->w <= axis + 1)
		return;
	cols = r->w - axis;
	max = format_scale_ceil(model_scale(m, a, b, (size_t)cols),
	    unit == FORMAT_UNIT_BYTES);
	draw_graph_axis(r, axis, max, unit);
	for (col = 0; col < cols; col++) {
		age = (size_t)(cols - 1 - col);
		if (age >= model_len(m))
			continue;
		if ((chg = model_change(m, age)) != 0) {
			draw_graph_mark(r, r->x + axis + col, chg, ascii);
			continue;
		}
		va = model_value(m, a, age);
		vb = b != MS_COUNT ? model_value(m, b, age) : NAN;
		for (row = 0; row < r->h; row++) {
			upper = false;
			if (b == MS_COUNT)
				glyph = format_graph_cell(va, max, r->h, row,
				    ascii);
			else
				glyph = format_stack_cell(va, vb, max, r->h,
				    row, ascii, &upper);
			role = upper ? role_b : role_a;
			if (age >= seg)
				role = THEME_DIM;	/* another scenario */
			attrset(theme_attr(role));
			mvaddstr(r->y + r->h - 1 - row, r->x + axis + col,
			    glyph);
		}
	}
}

/*
 * The key to a stacked graph on the bottom edge of its box, right-aligned:
 * each series' glyph in its colour, then the mark of a change.  Left out
 * where it does not fit.
 */
void
draw_graph_legend(const struct rect *r, int role_a, const char *label_a,
    int role_b, const char *label_b, bool ascii)
{
	const char	*bar = ascii ? "|" : "\xe2\x94\x82";
	char		 tail[64];
	int		 x, y = r->y + r->h - 1, w;

	snprintf(tail, sizeof tail, "  %s change ", bar);
	/* " # a  : b  | change " */
	w = 3 + draw_width(label_a) + 4 + draw_width(label_b) +
	    draw_width(tail);
	if (r->h < 2 || w > r->w - 4)
		return;
	x = r->x + r->w - 2 - w;
	draw_text(y, x, 1, THEME_LABEL, " ");
	draw_text(y, x + 1, 1, role_a, ascii ? "#" : "\xe2\x96\x88");
	x += 2;
	draw_text(y, x, 1, THEME_LABEL, " ");
	draw_text(y, x + 1, w, THEME_LABEL, label_a);
	x += 1 + draw_width(label_a);
	draw_text(y, x, 2, THEME_LABEL, "  ");
	draw_text(y, x + 2, 1, role_b, ascii ? ":" : "\xe2\x96\x92");
	draw_text(y, x + 3, 1, THEME_LABEL, " ");
	x += 4;
	draw_text(y, x, w, THEME_LABEL, label_b);
	x += draw_width(label_b);
	draw_text(y, x, w, THEME_LABEL, tail);
}

/* A horizontal bar w cells wide, filled to ratio (0..1). */
void
draw_ratio_bar(int y, int x, int w, double ratio, int role,
    const struct view *v)
{
	double	fill;
	int	i;

	for (i = 0; i < w; i++) {
		fill = ratio * w - i;
		/* The filled part in the role given, the rest as reserved. */
		attrset(theme_attr(fill > 0 ? role : THEME_BAR_RESERVED));
		mvaddstr(y, x + i, format_bar_cell(fill, v->heavy, v->ascii));
	}
}

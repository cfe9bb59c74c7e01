/* SPDX-License-Identifier: ISC */
/*
 * Drawing helpers the panels share: boxes, clipped text, label/value
 * fields, column graphs and bars.  All glyph choice is in tui/format.c.
 *
 * Text has a width budget and never runs past it: a field, a line of parts
 * (the header, the footer's key hints) or a note that does not fit takes a
 * shorter form, drops a clause or a word from its end, or leaves a part
 * out, so a word on the screen is never cut and two fields never touch.
 */
#include <ctype.h>
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/format.h"
#include "tui/panel.h"
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

/*
 * The words hook, for the layout test: with CSWVIZ_WORDS set, every string
 * the panels draw goes to that file, this frame's and the last one's, so a
 * test can tell a word on the screen that was drawn whole from one cut or
 * run into a neighbour.
 */
static char	 draw_words_path[1024];
static char	*draw_words_buf[2];	/* this frame's, the last frame's */
static size_t	 draw_words_len[2], draw_words_size[2];

/* Start recording the strings drawn to path (NULL: stop). */
void
draw_words_open(const char *path)
{
	snprintf(draw_words_path, sizeof draw_words_path, "%s",
	    path != NULL ? path : "");
}

/* Keep a drawn string for the words file. */
static void
draw_words_add(const char *s)
{
	size_t	len = strlen(s);

	if (draw_words_path[0] == '\0')
		return;
	if (draw_words_len[0] + len + 2 > draw_words_size[0]) {
		draw_words_size[0] = (draw_words_len[0] + len + 2) * 2;
		draw_words_buf[0] = xrealloc(draw_words_buf[0],
		    draw_words_size[0]);
	}
	memcpy(draw_words_buf[0] + draw_words_len[0], s, len);
	draw_words_len[0] += len;
	draw_words_buf[0][draw_words_len[0]++] = '\n';
}

/* Write this frame's strings and the last one's; begin the next frame. */
void
draw_words_frame(void)
{
	char	 tmp[4096];
	char	*b;
	size_t	 sz;
	FILE	*f;

	if (draw_words_path[0] == '\0')
		return;
	snprintf(tmp, sizeof tmp, "%s.tmp", draw_words_path);
	/* Before the frame reaches the terminal, so a capture has its words. */
	if ((f = fopen(tmp, "w")) != NULL) {
		/* The first frames have no buffer yet: fwrite takes no NULL. */
		if (draw_words_len[1] > 0)
			fwrite(draw_words_buf[1], 1, draw_words_len[1], f);
		if (draw_words_len[0] > 0)
			fwrite(draw_words_buf[0], 1, draw_words_len[0], f);
		if (fclose(f) == 0)
			rename(tmp, draw_words_path);
	}
	b = draw_words_buf[1];
	sz = draw_words_size[1];
	draw_words_buf[1] = draw_words_buf[0];
	draw_words_size[1] = draw_words_size[0];
	draw_words_len[1] = draw_words_len[0];
	draw_words_buf[0] = b;
	draw_words_size[0] = sz;
	draw_words_len[0] = 0;
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
	draw_words_add(s);
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

/* The columns the first len bytes of s take. */
static int
draw_width_n(const char *s, size_t len)
{
	char	buf[1024];

	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (draw_width(buf));
}

/*
 * How many bytes of s to draw in w columns without cutting a word: all of
 * it if it fits, else the longest head that ends a clause (before ", ",
 * "; " or ": "), else the longest that ends a word, never with a "(" left
 * open or a dangling comma.  0 when not even the first word fits.
 */
size_t
draw_fit(const char *s, int w)
{
	size_t	len = strlen(s), i, k, end, clause = 0, word = 0;
	int	open;

	if (draw_width(s) <= w)
		return (len);
	for (i = 1; i < len; i++) {
		if (s[i] != ' ' || s[i - 1] == ' ')
			continue;
		end = i;
		/* Not inside a parenthesis: "(arena" reads as cut. */
		open = 0;
		for (k = 0; k < end; k++)
			open += s[k] == '(' ? 1 : s[k] == ')' ? -1 : 0;
		if (open > 0)
			continue;
		while (end > 0 && strchr(",;:", s[end - 1]) != NULL)
			end--;
		if (end == 0 || draw_width_n(s, end) > w)
			break;
		if (strchr(",;:", s[i - 1]) != NULL)
			clause = end;
		word = end;
	}
	return (clause > 0 ? clause : word);
}

/* Put as much of s as fits whole words in w columns; its columns. */
int
draw_words(int y, int x, int w, int role, const char *s)
{
	char	buf[1024];
	size_t	n;

	if (w <= 0)
		return (0);
	n = draw_fit(s, w);
	if (n == 0)
		return (0);
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	draw_text(y, x, w, role, buf);
	return (draw_width(buf));
}

/* Whether a part at form k, unless gone, puts text on the line. */
static bool
draw_part_shown(const struct draw_part *p, size_t k, bool gone)
{
	return (!gone && p->form[k] != NULL && *p->form[k] != '\0');
}

/* How much a part at its shortest form k matters: the prio it gave way
   with last. */
static int
draw_part_prio(const struct draw_part *p, size_t k)
{
	return (p->prio[k > 0 ? k - 1 : 0]);
}

/*
 * A line of parts joined by sep in w columns: while it is too wide, the
 * part with the lowest prio that has a shorter form takes it (an empty
 * form leaves the part out); when none has, the least important part
 * after the first is left out whole.  Returns the columns drawn.
 */
int
draw_parts(int y, int x, int w, int role, const struct draw_part *p,
    size_t n, const char *sep)
{
	size_t	at[DRAW_PARTS_MAX], i, k;
	char	line[1024];
	int	best;
	size_t	len;
	bool	gone[DRAW_PARTS_MAX];

	if (n > DRAW_PARTS_MAX)
		n = DRAW_PARTS_MAX;
	for (i = 0; i < n; i++) {
		at[i] = 0;
		gone[i] = false;
	}
	for (;;) {
		len = 0;
		line[0] = '\0';
		for (i = 0; i < n; i++) {
			if (!draw_part_shown(&p[i], at[i], gone[i]))
				continue;
			len += (size_t)snprintf(line + len, len < sizeof line ?
			    sizeof line - len : 0, "%s%s", len > 0 ? sep : "",
			    p[i].form[at[i]]);
		}
		if (len >= sizeof line)
			len = sizeof line - 1;
		if (draw_width(line) <= w)
			break;
		/* The least important part that can still give way. */
		best = -1;
		for (i = 0; i < n; i++) {
			k = at[i] + 1;
			if (k >= DRAW_FORMS || p[i].form[k] == NULL)
				continue;
			if (best < 0 || p[i].prio[at[i]] <
			    p[best].prio[at[best]])
				best = (int)i;
		}
		if (best < 0) {
			/* Every part at its shortest: the least important
			   goes whole, the first (what runs) last of all,
			   rather than a cut that ends in a separator. */
			for (i = 1; i < n; i++) {
				if (!draw_part_shown(&p[i], at[i], gone[i]))
					continue;
				if (best < 0 || draw_part_prio(&p[i], at[i]) <
				    draw_part_prio(&p[best], at[best]))
					best = (int)i;
			}
			if (best < 0)
				break;
			gone[best] = true;
			continue;
		}
		at[best]++;
	}
	return (draw_words(y, x, w, role, line));
}

/*
 * The newest value of a series as text with its unit, or "n/a: why"; the
 * short form, for a narrow column, scales counts ("13.8k") and says only
 * "n/a".
 */
static void
figure_format_as(const struct model *m, enum model_series which,
    enum figure_kind kind, bool ascii, bool shorter, char *buf, size_t len)
{
	const char	*why = model_why(m, which);
	double		 v = model_value(m, which, 0);
	char		 n[FORMAT_LEN];

	if (why != NULL) {
		snprintf(buf, len, shorter ? "n/a" : "n/a: %s", why);
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
		if (shorter && fabs(v) >= 10000)
			format_count(v, buf, len);
		else
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

/* The newest value of a series as text with its unit, or "n/a: why". */
void
figure_format(const struct model *m, enum model_series which,
    enum figure_kind kind, bool ascii, char *buf, size_t len)
{
	figure_format_as(m, which, kind, ascii, false, buf, len);
}

/* The same, as short as it gets: counts scaled, "n/a" without why. */
void
figure_format_short(const struct model *m, enum model_series which,
    enum figure_kind kind, bool ascii, char *buf, size_t len)
{
	figure_format_as(m, which, kind, ascii, true, buf, len);
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
		/* draw_field shortens a why itself. */
		if (strncmp(buf, "n/a", 3) != 0 &&
		    !draw_field_fits(w, lw, vw, f[i].label, buf))
			figure_format_short(m, f[i].series, f[i].kind, ascii,
			    buf, sizeof buf);
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
	/* Whole words, a space either side, clear of the corners. */
	if (title != NULL && (len = (int)draw_fit(title, r->w - 4)) > 0) {
		snprintf(buf, sizeof buf, " %.*s ", len, title);
		draw_text(r->y, r->x + 1, r->w - 2, THEME_TITLE, buf);
	}
	if (note != NULL && (len = (int)draw_fit(note, r->w - 6 -
	    (title != NULL ? draw_width(title) + 2 : 0))) > 0) {
		snprintf(buf, sizeof buf, " %.*s ", len, note);
		len = draw_width(buf);
		draw_text(r->y + r->h - 1, r->x + r->w - 2 - len, len,
		    THEME_DIM, buf);
	}
}

/*
 * Where a field's value goes: right-aligned to the column lw + 1 + vw, or
 * left-aligned after the label when vw is 0, and always a space clear of
 * the label.  Returns its start, or -1 when label and value do not both
 * fit whole in w.
 */
static int
draw_field_place(int w, int lw, int vw, int lwid, int vwid)
{
	int	start = lw + 1 + vw - vwid;

	if (start < (lwid > lw ? lwid : lw) + 1)
		start = (lwid > lw ? lwid : lw) + 1;
	return (start + vwid <= w ? start : -1);
}

/* Whether label and value fit whole in a field of w columns. */
bool
draw_field_fits(int w, int lw, int vw, const char *label, const char *value)
{
	return (draw_field_place(w, lw, vw, draw_width(label),
	    draw_width(value)) >= 0);
}

/*
 * Shorten "n/a: why" to its first clause: a leading path goes, and what
 * follows the first " (", ": " or "; ", so that "n/a: /proc/1/smaps:
 * permission denied (ptrace read; ...)" gives "n/a: permission denied".
 */
static void
draw_why_core(const char *value, char *buf, size_t len)
{
	static const char	*const cuts[] = { " (", ": ", "; " };
	const char		*why = value + 3, *p, *end;
	size_t			 i;

	why += strspn(why, ": ");
	if (why[0] == '/' && (p = strstr(why, ": ")) != NULL)
		why = p + 2;
	end = why + strlen(why);
	for (i = 0; i < CSW_ARRAY_LEN(cuts); i++)
		if ((p = strstr(why, cuts[i])) != NULL && p < end)
			end = p;
	if (end == why)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "n/a: %.*s", (int)(end - why), why);
}

/*
 * Whether "n/a: why" is the normal state of things (no fibers in threads
 * mode, a figure only a workload of ours has, the first sample), drawn
 * dim, not in the alarm colour a failure to read gets.
 */
bool
draw_why_expected(const char *value)
{
	static const char *const expected[] = {
		"n/a: no fibers", "n/a: only a cswviz workload",
		"n/a: needs two samples", "n/a: no sample yet",
	};
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(expected); i++) {
		if (strncmp(value, expected[i], strlen(expected[i])) == 0)
			return (true);
	}
	return (false);
}

/*
 * A field: label, then the value (see draw_field_place), then the source
 * in dim text.  A number is drawn in the value role and its unit ("/s",
 * " MiB") in the unit role; "n/a: why" in the bad role without a source,
 * its first clause when the why does not fit, and "n/a" alone when even
 * that does not.  Nothing is cut and nothing touches: when
 * label and value still do not fit, the label drops words from its end;
 * the source shows whole clauses or not at all.  Returns x + w.
 */
int
draw_field(int y, int x, int w, int lw, int vw, const char *label,
    const char *value, const char *source)
{
	int		 bad = strncmp(value, "n/a", 3) == 0;
	int		 role = !bad ? THEME_VALUE : draw_why_expected(value) ?
			    THEME_DIM : THEME_BAD;
	int		 lwid, vwid, start, end;
	size_t		 ln;
	const char	*unit;
	char		 lab[128], num[128], core[128];

	if (w <= 0)
		return (x + w);
	if (bad && !draw_field_fits(w, 0, 0, label, value)) {
		draw_why_core(value, core, sizeof core);
		value = core;
	}
	/* A reason may start right after the label, not at the column. */
	if (bad && !draw_field_fits(w, lw, vw, label, value) &&
	    !draw_field_fits(w, 0, 0, label, value))
		value = "n/a";
	else if (bad && !draw_field_fits(w, lw, vw, label, value))
		lw = vw = 0;
	vwid = draw_width(value);
	snprintf(lab, sizeof lab, "%s", label);
	lwid = draw_width(lab);
	if ((start = draw_field_place(w, lw, vw, lwid, vwid)) < 0) {
		/* The label gives way, a word at a time, to the value. */
		ln = draw_fit(lab, w - vwid - 1);
		lab[ln] = '\0';
		lwid = draw_width(lab);
		start = draw_field_place(w, lw, vw, lwid, vwid);
		if (start < 0)
			start = w - vwid > lwid ? w - vwid : lwid + 1;
	}
	draw_text(y, x, lwid, THEME_LABEL, lab);
	if (start + vwid > w) {		/* not even the value fits */
		draw_words(y, x + start, w - start, role, value);
		return (x + w);
	}
	if (bad || !(isdigit((unsigned char)value[0]) || value[0] == '-'))
		draw_text(y, x + start, vwid, role, value);
	else {
		/* The number in the value role, its unit in unit. */
		draw_words_add(value);		/* one token, in two roles */
		unit = value + strspn(value, "0123456789.-kMGTP");
		snprintf(num, sizeof num, "%.*s", (int)(unit - value), value);
		draw_text(y, x + start, vwid, THEME_VALUE, num);
		if (*unit != '\0')
			draw_text(y, x + start + draw_width(num), vwid -
			    draw_width(num), THEME_UNIT, unit);
	}
	end = start + vwid;
	if (end < lw + 1 + vw)
		end = lw + 1 + vw;
	if (!bad && source != NULL && *source != '\0' && w > end + 1)
		draw_words(y, x + end + 1, w - end - 1, THEME_DIM, source);
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

/*
 * A change's mark: its glyph on top (none if chg is 0: a later mark in
 * the next column carries it), a rule down the column.
 */
static void
draw_graph_mark(const struct rect *r, int x, unsigned chg, bool ascii)
{
	int	row;

	if (chg != 0)
		draw_text(r->y, x, 1, THEME_VALUE, format_mark_glyph(chg));
	for (row = chg != 0 ? 1 : 0; row < r->h; row++)
		draw_text(r->y + row, x, 1, THEME_LABEL, ascii ? "|" :
		    "\xe2\x94\x82");
}

/* Side by side: the other side's model, whose scale the graphs share. */
static const struct model	*draw_graph_other;

/*
 * Draw the graphs from now on to the scale of m and other alike (NULL:
 * their own): the two sides of the split view compare by height.
 */
void
draw_graph_share(const struct model *other)
{
	draw_graph_other = other;
}

/*
 * A column graph of a series, or of two stacked (a below in role_a in solid
 * blocks, b above in role_b in a shade), over the panel, newest on the
 * right, its scale on the left.  The scale (model_scale) is the peak of
 * each mode's and variant's newest screenful in the current scenario,
 * rounded up to a round figure: after m the other mode's peak holds, and
 * a new scenario starts its own.  Changes are marked; columns of an
 * earlier scenario are left blank: drawn on the new scale they would be
 * clipped at the top, a spike that never happened, and dim is lost on a
 * projector and without colour.
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
	size_t			 age, seg = model_segment(m), win;
	unsigned		 chg, held = 0;
	int			 cols, col, row, role;
	bool			 upper;

	if (r->h < 1 || r->w <= axis + 1)
		return;
	cols = r->w - axis;
	/* Side by side the graphs differ in width (the fibers' kernel
	   graph is half of the threads'): both sides' peaks are taken over
	   the same window, the screen's width, so every graph of the pair
	   gets the same scale. */
	win = draw_graph_other != NULL && COLS > cols ? (size_t)COLS :
	    (size_t)cols;
	max = model_scale(m, a, b, win);
	if (draw_graph_other != NULL)	/* fmax: a NAN side has no say */
		max = fmax(max, model_scale(draw_graph_other, a, b, win));
	max = format_scale_ceil(max, unit == FORMAT_UNIT_BYTES);
	draw_graph_axis(r, axis, max, unit);
	for (col = 0; col < cols; col++) {
		age = (size_t)(cols - 1 - col);
		if (age >= model_len(m) || age >= seg)
			continue;	/* another scenario: blank, unmarked */
		if ((chg = model_change(m, age)) != 0) {
			/* Marks side by side would read as a word ("bm"):
			   the rightmost of a run names them all. */
			held |= chg;
			if (age > 0 && model_change(m, age - 1) != 0)
				draw_graph_mark(r, r->x + axis + col, 0, ascii);
			else {
				draw_graph_mark(r, r->x + axis + col, held,
				    ascii);
				held = 0;
			}
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

/* SPDX-License-Identifier: ISC */
/*
 * The v key's overlay: the code each task of the scenario on screen runs,
 * in its mode and variant, beside the other side of the lesson (threads:
 * the same task as a fiber; fibers: the same in Go).  Wide screens show
 * the two side by side, narrow ones one under the other, scrolled.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "tui/code.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"
#include "util/util.h"

#include "tui/lessons_src.h"

#define CODE_BLOCKS	16	/* blocks of one side */
#define CODE_LINES	512	/* lines of one column */
#define CODE_SIDE_COLS	164	/* side by side from this width */

/* One line of a column: text up to the newline, in a role. */
struct code_line {
	const char	*text;
	int		 len;
	int		 role;
};

struct code_col {
	struct code_line lines[CODE_LINES];
	size_t		 n;
};

/* The whole table. */
const struct code_lesson *
code_lessons_all(size_t *n)
{
	*n = CSW_ARRAY_LEN(code_lessons);
	return (code_lessons);
}

/* Whether a block's modes name mode ("threads,fibers" names both). */
static bool
code_has_mode(const struct code_lesson *l, const char *mode)
{
	size_t	len = strlen(mode);
	const char *p = l->modes;

	while ((p = strstr(p, mode)) != NULL) {
		if ((p == l->modes || p[-1] == ',') && (p[len] == '\0' ||
		    p[len] == ','))
			return (true);
		p += len;
	}
	return (false);
}

/*
 * Where a block comes in the list: a task body of both variants, then the
 * variant's own, then the helpers both modes share (a block of both).
 */
static int
code_rank(const struct code_lesson *l)
{
	if (strchr(l->modes, ',') != NULL)
		return (2);
	return (l->variant == -1 ? 0 : 1);
}

/* The blocks for a scenario, mode and variant, bodies first. */
size_t
code_lessons_for(const char *scenario, const char *mode, bool variant,
    const char *lang, const struct code_lesson **out, size_t max)
{
	const struct code_lesson	*l;
	size_t				 i, n = 0;
	int				 rank;

	for (rank = 0; rank < 3; rank++) {
		for (i = 0; i < CSW_ARRAY_LEN(code_lessons); i++) {
			l = &code_lessons[i];
			if (strcmp(l->scenario, scenario) != 0 ||
			    strcmp(l->lang, lang) != 0 ||
			    (mode != NULL && !code_has_mode(l, mode)) ||
			    code_rank(l) != rank)
				continue;
			if (l->variant != -1 && l->variant != (variant ? 1 :
			    0))
				continue;
			if (n < max)
				out[n] = l;
			n++;
		}
	}
	return (n);
}

/* Add a line to a column. */
static void
code_add(struct code_col *c, const char *text, int len, int role)
{
	if (c->n == CODE_LINES)
		return;
	c->lines[c->n].text = text;
	c->lines[c->n].len = len;
	c->lines[c->n].role = role;
	c->n++;
}

/* Add a line that is a string of its own (static or interned). */
static void
code_add_str(struct code_col *c, const char *text, int role)
{
	code_add(c, text, (int)strlen(text), role);
}

static const char *code_label(const char *, ...)
    __attribute__((format(printf, 1, 2)));

/* Titles and file:line labels outlive the draw: a small ring of them. */
static const char *
code_label(const char *fmt, ...)
{
	static char	ring[2 * CODE_BLOCKS + 4][160];
	static size_t	next;
	char		*buf = ring[next++ % CSW_ARRAY_LEN(ring)];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof ring[0], fmt, ap);
	va_end(ap);
	return (buf);
}

/* Add a side: its title, then each block under its file and line. */
static void
code_add_side(struct code_col *c, const char *title,
    const struct code_lesson **b, size_t n)
{
	const char	*p, *nl;
	size_t		 i;

	code_add_str(c, title, THEME_HELP_KEY);
	for (i = 0; i < n && i < CODE_BLOCKS; i++) {
		code_add_str(c, code_label("%s:%d", b[i]->file, b[i]->line),
		    THEME_DIM);
		for (p = b[i]->text; *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			code_add(c, p, (int)(nl - p), THEME_HELP);
		}
		code_add_str(c, "", THEME_HELP);
	}
}

/*
 * Fill the columns for what is on screen: the scenario's code in its mode
 * (left), and beside it the other side of the lesson (right), or both in
 * one column.  Returns the title of the overlay.
 */
static const char *
code_fill(const struct model *m, struct code_col *left,
    struct code_col *right, bool side)
{
	static char			 title[160];
	const struct sample		*s = model_last(m);
	const struct code_lesson	*b[CODE_BLOCKS];
	const char			*mode;
	size_t				 n;
	bool				 fibers;

	left->n = right->n = 0;
	if (s == NULL || s->scenario == NULL || s->mode_name == NULL) {
		code_add_str(left, s != NULL && s->attached ? "-p watches a "
		    "process of its own: v shows the code of cswviz's "
		    "workloads, 1-7 on the live screen." : "Waiting for the "
		    "first sample to know the scenario.", THEME_HELP);
		return ("Code");
	}
	mode = s->mode_name;
	fibers = strcmp(mode, "fibers") == 0;
	snprintf(title, sizeof title, "Code: %s, %s mode%s%s", s->scenario,
	    mode, s->variant ? ", b: " : "", s->variant && s->variant_name !=
	    NULL ? s->variant_name : "");
	n = code_lessons_for(s->scenario, mode, s->variant, "C", b,
	    CODE_BLOCKS);
	if (n == 0)
		code_add_str(left, code_label("%s has no code marked for "
		    "this mode", s->scenario), THEME_WARN);
	code_add_side(left, code_label("What each task runs, in C (%s "
	    "mode)", mode), b, n);
	if (!side)
		right = left;
	if (fibers) {
		n = code_lessons_for(s->scenario, NULL, s->variant, "Go", b,
		    CODE_BLOCKS);
		code_add_side(right, n > 0 ? "The same in Go, for comparison"
		    : "No Go for this lesson", b, n);
	} else {
		n = code_lessons_for(s->scenario, "fibers", s->variant, "C",
		    b, CODE_BLOCKS);
		code_add_side(right, n > 0 ? "The same task as a fiber (m "
		    "switches to it)" : "No fibers mode for this lesson", b,
		    n);
	}
	return (title);
}

/* Draw one line of code at y, x in w columns, tabs to ts, cut marked. */
static void
code_draw_line(int y, int x, int w, int ts, const struct code_line *l,
    bool ascii)
{
	char	buf[512];
	int	i, col = 0;

	for (i = 0; i < l->len && col < (int)sizeof buf - 1; i++) {
		if (l->text[i] == '\t') {
			do
				buf[col++] = ' ';
			while (col % ts != 0 && col < (int)sizeof buf - 1);
		} else
			buf[col++] = l->text[i];
	}
	buf[col] = '\0';
	if (col <= w) {
		draw_text(y, x, w, l->role, buf);
		return;
	}
	buf[w - 1] = '\0';
	draw_text(y, x, w - 1, l->role, buf);
	draw_text(y, x + w - 1, 1, THEME_DIM, ascii ? ">" : "\xe2\x80\xa6");
}

/* The overlay's box: between the header and the footer. */
static void
code_rect(struct rect *r)
{
	r->y = 1;
	r->x = 0;
	r->h = LINES - 2;
	r->w = COLS;
}

/* Lines of code that fit in the box at once. */
static size_t
code_rows(void)
{
	struct rect	r;

	code_rect(&r);
	return (r.h > 4 ? (size_t)(r.h - 3) : 1);
}

/* A page: the lines on screen but one, kept for context. */
size_t
code_page(void)
{
	size_t	rows = code_rows();

	return (rows > 1 ? rows - 1 : 1);
}

/* The most lines the overlay scrolls by now. */
size_t
code_scroll_max(const struct model *m, const struct view *v)
{
	static struct code_col	left, right;
	bool			side = COLS >= CODE_SIDE_COLS;
	size_t			n, rows = code_rows();

	(void)v;
	code_fill(m, &left, &right, side);
	n = left.n > right.n ? left.n : right.n;
	return (n > rows ? n - rows : 0);
}

/* Draw the overlay. */
void
code_draw(const struct model *m, const struct view *v)
{
	static struct code_col	 left, right;
	struct rect		 r;
	const char		*title;
	char			 note[96];
	bool			 side = COLS >= CODE_SIDE_COLS;
	size_t			 rows = code_rows(), top = v->code_top, n, i;
	int			 y, cw, ts;

	title = code_fill(m, &left, &right, side);
	n = left.n > right.n ? left.n : right.n;
	if (top + rows > n)
		top = n > rows ? n - rows : 0;
	code_rect(&r);
	attrset(theme_attr(THEME_HELP));
	for (y = r.y; y < r.y + r.h; y++)
		mvhline(y, r.x, ' ', r.w);
	draw_box(&r, title, "v or Escape closes");
	cw = side ? (r.w - 5) / 2 : r.w - 4;
	ts = cw >= 82 ? 8 : 4;
	for (i = 0; i < rows && top + i < n; i++) {
		y = r.y + 1 + (int)i;
		if (top + i < left.n)
			code_draw_line(y, r.x + 2, cw, ts,
			    &left.lines[top + i], v->ascii);
		if (side && top + i < right.n)
			code_draw_line(y, r.x + 3 + cw, cw, ts,
			    &right.lines[top + i], v->ascii);
	}
	if (n > rows)
		snprintf(note, sizeof note, "lines %zu-%zu of %zu: Up Down "
		    "PageUp PageDown scroll", top + 1, top + i, n);
	else
		snprintf(note, sizeof note, "from the source of this build");
	draw_words(r.y + r.h - 2, r.x + 2, r.w - 4, THEME_DIM, note);
}

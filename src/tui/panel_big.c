/* SPDX-License-Identifier: ISC */
/*
 * Big figures for the back row: the mode and the three headline figures of
 * the running (or replayed) scenario in type several rows high, each figure
 * with its unit in the same type and its label underneath, scaled to the
 * screen.
 */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"
#include "util/util.h"

/* What each scenario is about; a new scenario adds a row. */
static const struct headline big_headlines[] = {
	{ "pingpong", {
		{ "CPU time per handoff", MS_NS_PER_HANDOFF, FIG_NS },
		{ "kernel switches per handoff", MS_KSW_PER_HANDOFF,
		    FIG_RATIO },
		{ "handoffs per second", MS_HANDOFF_RATE, FIG_RATE },
	} },
	{ "sleepers", {
		{ "stack reserved", MS_STACK_RESERVED, FIG_BYTES },
		{ "stack committed", MS_STACK_COMMITTED, FIG_BYTES },
		{ "OS threads of the workload", MS_THREADS, FIG_COUNT },
	} },
	{ "server", {
		{ "requests per second", MS_WORK_RATE, FIG_RATE },
		{ "kernel switches per request", MS_KSW_PER_WORK, FIG_RATIO },
		{ "CPU time per request", MS_NS_PER_WORK, FIG_NS },
	} },
	{ "blocking", {
		{ "calls in flight, each holding an OS thread",
		    MS_BLOCKED_TASKS, FIG_COUNT },
		{ "how late the 10 ms tickers wake", MS_LATENCY_MS, FIG_MS },
		{ "OS threads of the workload", MS_THREADS, FIG_COUNT },
	} },
	{ "leak", {
		{ "live tasks", MS_TASKS_ALIVE, FIG_COUNT },
		{ "resident memory (VmRSS)", MS_VM_RSS, FIG_BYTES },
		{ "stack committed", MS_STACK_COMMITTED, FIG_BYTES },
	} },
	{ "cpu-flood", {
		{ "threads of the workload runnable", MS_THREADS_R,
		    FIG_COUNT },
		{ "involuntary switches per second", MS_IVCSW_RATE,
		    FIG_RATE },
		{ "how long a chunk waits for a CPU", MS_LATENCY_MS,
		    FIG_MS },
	} },
	{ "fanin", {
		{ "CPU time per item", MS_NS_PER_WORK, FIG_NS },
		{ "kernel switches per item", MS_KSW_PER_WORK, FIG_RATIO },
		{ "items per second", MS_WORK_RATE, FIG_RATE },
	} },
	{ NULL, {
		{ "kernel switches per second, voluntary", MS_VCSW_RATE,
		    FIG_RATE },
		{ "switches per second, whole system", MS_CTXT_RATE,
		    FIG_RATE },
		{ "resident memory (VmRSS)", MS_VM_RSS, FIG_BYTES },
	} },
};

/* The headline row of a scenario, or the row for any other. */
const struct headline *
headline_for(const char *scenario)
{
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(big_headlines); i++) {
		if (big_headlines[i].scenario == NULL || (scenario != NULL &&
		    strcmp(big_headlines[i].scenario, scenario) == 0))
			return (&big_headlines[i]);
	}
	return (&big_headlines[CSW_ARRAY_LEN(big_headlines) - 1]);
}

/* One item of the big view made ready: the mode, or a figure. */
struct big_item {
	const struct headline_figure *f;	/* NULL: the mode */
	double	v;				/* the figure's value */
	enum format_big_kind kind;
	int	need;		/* columns it needs in big type at scale 1 */
	char	text[FORMAT_LEN];
	char	under[SAMPLE_WHYLEN + 96];
	bool	bad;
};

/*
 * The ways the mode (item 0) and the three figures share the screen: bands
 * from the top down, each band's items side by side, the mode first.
 */
static const char *const big_layouts[] = {
	"0|1|2|3", "0|123", "0|12|3", "0|1|23", "01|23", "0123",
};

#define BIG_MIN_NEED	17	/* "99.9ms" at scale 1: keeps scale steady */
#define BIG_LABEL_LINES	2	/* lines of label under a figure */

/* The kind of big figure a panel figure makes, and its value in it. */
static enum format_big_kind
big_kind(enum figure_kind kind, double *v)
{
	switch (kind) {
	case FIG_RATE:
		return (FORMAT_BIG_RATE);
	case FIG_BYTES:
		return (FORMAT_BIG_BYTES);
	case FIG_COUNT:
		return (FORMAT_BIG_COUNT);
	case FIG_NS:
		return (FORMAT_BIG_NS);
	case FIG_PERCENT:
		return (FORMAT_BIG_PERCENT);
	case FIG_MS:
		*v *= 1e6;
		return (FORMAT_BIG_NS);
	case FIG_RATIO:
		break;
	}
	return (FORMAT_BIG_RATIO);
}

/* Make the mode ready: its name in capitals, as wide as the widest mode. */
static void
big_mode(const struct sample *s, struct big_item *it)
{
	const char	*name = s != NULL && s->mode_name != NULL ?
			    s->mode_name : "?";
	size_t		 i;

	memset(it, 0, sizeof *it);
	for (i = 0; name[i] != '\0' && i < sizeof it->text - 1; i++)
		it->text[i] = toupper((unsigned char)name[i]);
	it->text[i] = '\0';
	if (!format_big_known(it->text))
		snprintf(it->text, sizeof it->text, "?");
	/* The wider of the two modes, so that m keeps the scale. */
	it->need = format_big_width("THREADS", 1);
	if (format_big_width(it->text, 1) > it->need)
		it->need = format_big_width(it->text, 1);
}

/* Make a figure ready: its value, and the label that goes under it. */
static void
big_figure(const struct model *m, const struct headline_figure *f,
    struct big_item *it)
{
	const char	*why = model_why(m, f->series);

	memset(it, 0, sizeof *it);
	it->f = f;
	it->v = model_value(m, f->series, 0);
	it->kind = big_kind(f->kind, &it->v);
	if (why != NULL) {
		it->bad = true;
		snprintf(it->text, sizeof it->text, "--");
		snprintf(it->under, sizeof it->under, "%s: n/a: %s", f->label,
		    why);
	} else
		snprintf(it->under, sizeof it->under, "%s", f->label);
	/* The shortest form it may take: two digits and the unit. */
	format_big_figure(it->v, it->kind, 1, false, it->text,
	    sizeof it->text);
	if (it->bad)
		snprintf(it->text, sizeof it->text, "--");
	it->need = format_big_width(it->text, 1);
	if (it->need < BIG_MIN_NEED)
		it->need = BIG_MIN_NEED;
}

/*
 * The scale of a layout in w x h: sx columns and sy rows per dot of a
 * glyph, never taller than wide nor more than twice as wide; 0 in *sy if
 * it does not fit at scale 1.
 */
static void
big_scale(const char *layout, const struct big_item *it, int w, int h,
    int *sx, int *sy)
{
	const struct big_item	*t;
	const char		*band;
	int			 bands = 0, labels = 0, xmax = 1 << 20, ymax;
	int			 lines;
	size_t			 len, k;

	for (band = layout; *band != '\0'; band += len + (band[len] == '|')) {
		len = strcspn(band, "|");
		lines = 0;
		for (k = 0; k < len; k++) {
			t = &it[band[k] - '0'];
			if (t->f != NULL)
				lines = BIG_LABEL_LINES;
			if (w / (int)len / t->need < xmax)
				xmax = w / (int)len / t->need;
		}
		bands++;
		labels += lines;
	}
	ymax = (h - labels - (bands - 1)) / (bands * FORMAT_BIG_ROWS);
	*sy = ymax < xmax ? ymax : xmax;
	*sx = xmax < 2 * *sy ? xmax : 2 * *sy;
	if (*sy < 1 || *sx < 1)
		*sy = *sx = 0;
}

/* Wrap s into at most lines lines of w columns; the number used. */
static int
big_wrap(const char *s, int w, char out[][160], int lines)
{
	int	 n = 0, cut, i;
	size_t	 len;

	while (*s != '\0' && n < lines) {
		while (*s == ' ')
			s++;
		len = strlen(s);
		if ((int)len <= w || n == lines - 1) {
			snprintf(out[n++], 160, "%s", s);
			break;
		}
		cut = w;
		for (i = w; i > 0; i--) {
			if (s[i] == ' ') {
				cut = i;
				break;
			}
		}
		snprintf(out[n++], 160, "%.*s", cut, s);
		s += cut;
	}
	return (n);
}

/* Draw one item centred at the top of its cell. */
static void
big_draw_item(int y, int x, int w, int sx, int sy, struct big_item *it,
    bool ascii)
{
	char	row[1024], lines[BIG_LABEL_LINES][160];
	int	gw, gx, i, k, n, role;

	if (it->f != NULL && !it->bad)
		format_big_figure(it->v, it->kind, w / sx, ascii, it->text,
		    sizeof it->text);
	gw = format_big_width(it->text, sx);
	gx = x + (w > gw ? (w - gw) / 2 : 0);
	role = it->bad ? THEME_BAD : (it->f == NULL ? THEME_TITLE :
	    THEME_VALUE);
	for (i = 0; i < FORMAT_BIG_ROWS; i++) {
		format_big_row(it->text, i, sx, ascii, row, sizeof row);
		for (k = 0; k < sy; k++)
			draw_text(y + i * sy + k, gx, w, role, row);
	}
	if (it->f == NULL)
		return;
	n = big_wrap(it->under, w - 2, lines, BIG_LABEL_LINES);
	for (i = 0; i < n; i++)
		draw_text(y + FORMAT_BIG_ROWS * sy + i, x + (w >
		    draw_width(lines[i]) ? (w - draw_width(lines[i])) / 2 : 0),
		    w, it->bad ? THEME_BAD : THEME_LABEL, lines[i]);
}

/*
 * Draw the mode and the three figures in whichever layout shows them
 * biggest; the spare rows go between the bands.
 */
static void
big_draw(const struct rect *r, const struct model *m, const struct view *v)
{
	const struct sample	*s = model_last(m);
	const struct headline	*h = headline_for(s != NULL ? s->scenario :
				    NULL);
	struct big_item		 it[4];
	const char		*best = big_layouts[0], *band;
	int			 i, sx, sy, bx = 0, by = 0, w = r->w - 2, y, gap;
	int			 bands, used, cw, lines;
	size_t			 k, len;

	big_mode(s, &it[0]);
	for (i = 0; i < 3; i++)
		big_figure(m, &h->fig[i], &it[i + 1]);
	for (k = 0; k < CSW_ARRAY_LEN(big_layouts); k++) {
		big_scale(big_layouts[k], it, w, r->h, &sx, &sy);
		if (sy > by || (sy == by && sx > bx)) {
			best = big_layouts[k];
			bx = sx;
			by = sy;
		}
	}
	if (by == 0) {
		draw_text(r->y, r->x + 1, w, THEME_WARN,
		    "too small for big figures: f shows the panels");
		return;
	}
	/* Rows the bands take, and the spare rows shared between them. */
	bands = 0;
	used = 0;
	for (band = best; *band != '\0'; band += len + (band[len] == '|')) {
		len = strcspn(band, "|");
		lines = 0;
		for (k = 0; k < len; k++) {
			if (it[band[k] - '0'].f != NULL)
				lines = BIG_LABEL_LINES;
		}
		used += FORMAT_BIG_ROWS * by + lines;
		bands++;
	}
	gap = bands > 1 ? (r->h - used) / (bands - 1) : 0;
	if (gap > 2 * by)
		gap = 2 * by;
	y = r->y + (r->h - used - gap * (bands - 1)) / 2;
	for (band = best; *band != '\0'; band += len + (band[len] == '|')) {
		len = strcspn(band, "|");
		cw = w / (int)len;
		lines = 0;
		for (k = 0; k < len; k++) {
			big_draw_item(y, r->x + 1 + (int)k * cw, cw, bx, by,
			    &it[band[k] - '0'], v->ascii);
			if (it[band[k] - '0'].f != NULL)
				lines = BIG_LABEL_LINES;
		}
		y += FORMAT_BIG_ROWS * by + lines + gap;
	}
}

const struct panel_ops panel_big = {
	.name = "big",
	.draw = big_draw,
};

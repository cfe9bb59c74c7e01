/*
 * Big figures for the back row: the three headline figures of the running
 * (or replayed) scenario in digits several rows high, each with its label
 * and unit underneath, scaled to the screen.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/theme.h"
#include "tui/tui.h"
#include "util/util.h"

#define BIG_MIN_GLYPHS	17	/* "00.0k" at scale 1: keeps scale steady */

/* What each scenario is about; a new scenario adds a row. */
static const struct headline big_headlines[] = {
	{ "pingpong", {
		{ "CPU time per handoff", MS_NS_PER_HANDOFF, FIG_NS, NULL },
		{ "kernel switches per handoff", MS_KSW_PER_HANDOFF,
		    FIG_RATIO, "" },
		{ "handoffs per second", MS_HANDOFF_RATE, FIG_RATE, "" },
	} },
	{ "sleepers", {
		{ "stack reserved", MS_STACK_RESERVED, FIG_BYTES, NULL },
		{ "stack committed", MS_STACK_COMMITTED, FIG_BYTES, NULL },
		{ "OS threads of this process", MS_THREADS, FIG_COUNT, "" },
	} },
	{ "server", {
		{ "requests per second", MS_WORK_RATE, FIG_RATE, "" },
		{ "kernel switches per request", MS_KSW_PER_WORK, FIG_RATIO,
		    "" },
		{ "CPU time per request", MS_NS_PER_WORK, FIG_NS, NULL },
	} },
	{ "blocking", {
		{ "fiber workers stuck in a system call", MS_BLOCKED_WORKERS,
		    FIG_COUNT, "" },
		{ "ticker latency", MS_LATENCY_MS, FIG_MS, NULL },
		{ "OS threads of this process", MS_THREADS, FIG_COUNT, "" },
	} },
	{ "leak", {
		{ "live tasks", MS_TASKS_ALIVE, FIG_COUNT, "" },
		{ "resident memory (VmRSS)", MS_VM_RSS, FIG_BYTES, NULL },
		{ "stack committed", MS_STACK_COMMITTED, FIG_BYTES, NULL },
	} },
	{ "cpu-flood", {
		{ "threads of this process runnable", MS_THREADS_R,
		    FIG_COUNT, "" },
		{ "involuntary switches per second", MS_IVCSW_RATE,
		    FIG_RATE, "" },
		{ "mean latency", MS_LATENCY_MS, FIG_RATIO, "ms" },
	} },
	{ "fanin", {
		{ "CPU time per item", MS_NS_PER_WORK, FIG_NS, NULL },
		{ "kernel switches per item", MS_KSW_PER_WORK, FIG_RATIO,
		    "" },
		{ "items per second", MS_WORK_RATE, FIG_RATE, "" },
	} },
	{ NULL, {
		{ "kernel switches per second, voluntary", MS_VCSW_RATE,
		    FIG_RATE, "" },
		{ "switches per second, whole system", MS_CTXT_RATE,
		    FIG_RATE, "" },
		{ "resident memory (VmRSS)", MS_VM_RSS, FIG_BYTES, NULL },
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

/* One figure made ready: its digits, and the line that goes under them. */
struct big_item {
	char	digits[FORMAT_LEN];
	char	under[SAMPLE_WHYLEN + 96];
	bool	bad;
};

/* Format a headline figure into digits and a label with its unit. */
static void
big_item(const struct model *m, const struct headline_figure *f, bool ascii,
    struct big_item *it)
{
	char		 buf[SAMPLE_WHYLEN + 8], *unit;
	const char	*u;
	size_t		 n;

	figure_format(m, f->series, f->kind, ascii, buf, sizeof buf);
	it->bad = strncmp(buf, "n/a", 3) == 0;
	if (it->bad) {
		snprintf(it->digits, sizeof it->digits, "--");
		snprintf(it->under, sizeof it->under, "%s: %s", f->label, buf);
		return;
	}
	n = strspn(buf, "0123456789.-kMGTP%");
	if (n >= sizeof it->digits)
		n = sizeof it->digits - 1;
	memcpy(it->digits, buf, n);
	it->digits[n] = '\0';
	unit = buf + n;
	unit += strspn(unit, " ");
	u = f->unit != NULL ? f->unit : unit;
	if (*u != '\0')
		snprintf(it->under, sizeof it->under, "%s (%s)", f->label, u);
	else
		snprintf(it->under, sizeof it->under, "%s", f->label);
}

/* The scale that fits glyphs of width wide in cellw x cellh. */
static void
big_fit(int cellw, int cellh, int wide, int *sx, int *sy)
{
	int	xmax = wide > 0 ? cellw / wide : 1;
	int	ymax = (cellh - 2) / FORMAT_BIG_ROWS;

	*sy = ymax < xmax ? ymax : xmax;	/* never taller than wide */
	if (*sy < 1)
		*sy = 1;
	*sx = xmax < 2 * *sy ? xmax : 2 * *sy;
	if (*sx < 1)
		*sx = 1;
}

/* Draw one figure centred in its cell. */
static void
big_draw_item(int y, int x, int w, int h, int sx, int sy,
    const struct big_item *it, bool ascii)
{
	char	row[1024];
	int	gw = format_big_width(it->digits, sx), block, top, gx, i, k;
	int	lw = draw_width(it->under);

	block = FORMAT_BIG_ROWS * sy + 2;
	top = y + (h > block ? (h - block) / 2 : 0);
	gx = x + (w > gw ? (w - gw) / 2 : 0);
	for (i = 0; i < FORMAT_BIG_ROWS; i++) {
		format_big_row(it->digits, i, sx, ascii, row, sizeof row);
		for (k = 0; k < sy; k++)
			draw_text(top + i * sy + k, gx, w, it->bad ?
			    THEME_BAD : THEME_VALUE, row);
	}
	draw_text(top + FORMAT_BIG_ROWS * sy + 1, x + (w > lw ? (w - lw) / 2 :
	    0), w, it->bad ? THEME_BAD : THEME_LABEL, it->under);
}

/* Draw the three figures, in rows or in columns, whichever is bigger. */
static void
big_draw(const struct rect *r, const struct model *m, const struct view *v)
{
	const struct sample	*s = model_last(m);
	const struct headline	*h = headline_for(s != NULL ? s->scenario :
				    NULL);
	struct big_item		 it[3];
	int			 i, wide = BIG_MIN_GLYPHS, rx, ry, cx, cy;
	bool			 rows;

	for (i = 0; i < 3; i++) {
		big_item(m, &h->fig[i], v->ascii, &it[i]);
		if (format_big_width(it[i].digits, 1) > wide)
			wide = format_big_width(it[i].digits, 1);
	}
	/* Stacked rows across the width, or three columns side by side. */
	big_fit(r->w - 2, r->h / 3, wide, &rx, &ry);
	big_fit(r->w / 3 - 2, r->h, wide, &cx, &cy);
	rows = ry > cy || (ry == cy && rx >= cx);
	for (i = 0; i < 3; i++) {
		if (rows)
			big_draw_item(r->y + i * (r->h / 3), r->x + 1, r->w - 2,
			    r->h / 3, rx, ry, &it[i], v->ascii);
		else
			big_draw_item(r->y, r->x + i * (r->w / 3) + 1,
			    r->w / 3 - 2, r->h, cx, cy, &it[i], v->ascii);
	}
}

const struct panel_ops panel_big = {
	.name = "big",
	.draw = big_draw,
};

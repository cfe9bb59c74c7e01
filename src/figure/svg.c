/* SPDX-License-Identifier: ISC */
/*
 * The SVG figure of the model's history: a title, one graph per panel
 * stacked on one time axis, a legend beside each, and a caption.  Written
 * as plain SVG 1.1 text that librsvg, browsers and slide tools all read.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "figure/svg.h"
#include "util/util.h"

/* How a graph's values are written on its axis. */
enum figure_unit {
	FU_RATE,	/* per second, SI prefixes */
	FU_BYTES,	/* binary prefixes */
	FU_COUNT,	/* plain counts, SI prefixes */
	FU_MS,		/* milliseconds */
};

/* The shapes that tell lines apart without colour. */
enum figure_marker {
	FM_CIRCLE,
	FM_SQUARE,
	FM_TRIANGLE,
};

struct figure_line {
	const char		*label;
	enum model_series	 ms;
	const char		*key;	/* the recording's name for it */
	enum figure_ink		 ink;
	const char		*dash;	/* stroke-dasharray; NULL: solid */
	enum figure_marker	 marker;
};

struct figure_graph {
	const char		*id;
	const char		*title;
	enum figure_unit	 unit;
	const char		*unit_name;	/* the axis's unit */
	bool			 optional;	/* left out when never measured */
	struct figure_line	 lines[3];
	size_t			 nlines;
};

/* The panels of the screen, one graph each, in screen order. */
static const struct figure_graph figure_graphs[] = {
	{ "switches", "Context switches", FU_RATE, "switches/s", false, {
	    { "kernel voluntary", MS_VCSW_RATE, "kernel_vcsw_per_s",
		FIGURE_INK_VOLUNTARY, NULL, FM_CIRCLE },
	    { "kernel involuntary", MS_IVCSW_RATE, "kernel_ivcsw_per_s",
		FIGURE_INK_INVOLUNTARY, "14 6", FM_SQUARE },
	    { "fiber (user space)", MS_FIBER_RATE, "fiber_switches_per_s",
		FIGURE_INK_FIBER, "3 5", FM_TRIANGLE } }, 3 },
	{ "memory", "Stack memory", FU_BYTES, "bytes", false, {
	    { "reserved", MS_STACK_RESERVED, "stack_reserved_bytes",
		FIGURE_INK_RESERVED, "14 6", FM_SQUARE },
	    { "committed", MS_STACK_COMMITTED, "stack_committed_bytes",
		FIGURE_INK_COMMITTED, NULL, FM_CIRCLE } }, 2 },
	{ "runqueue", "Run queue", FU_COUNT, "tasks", false, {
	    { "system runnable", MS_PROCS_RUNNING, "procs_running",
		FIGURE_INK_SYSTEM, NULL, FM_CIRCLE },
	    { "our threads running", MS_THREADS_R, "threads_running",
		FIGURE_INK_VOLUNTARY, "14 6", FM_SQUARE },
	    { "fibers queued", MS_FIBER_RUNQ, "fiber_runqueue",
		FIGURE_INK_FIBER, "3 5", FM_TRIANGLE } }, 3 },
	{ "latency", "Latency, mean of each interval", FU_MS, "ms", true, {
	    { "mean latency", MS_LATENCY_MS, "latency_ms",
		FIGURE_INK_VOLUNTARY, NULL, FM_CIRCLE } }, 1 },
};
_Static_assert(CSW_ARRAY_LEN(figure_graphs) <= FIGURE_GRAPHS,
    "figure_graphs: FIGURE_GRAPHS is the most");

/* Where things go on the page, in SVG user units (px). */
#define FIG_TOP		78	/* below the title */
#define FIG_BOTTOM	118	/* the caption's band */
#define FIG_LEFT	150	/* tick labels */
#define FIG_LEGEND	300	/* right of the plots */
#define FIG_GAP		46	/* between graphs: their titles */
#define FIG_FONT	"DejaVu Sans, Liberation Sans, Arial, sans-serif"
#define FIG_LEGEND_SIDES 384	/* a column a side, then the names */
#define FIG_BOTTOM_SIDES 166	/* two caption lines more */
#define FIG_CELL	80	/* a side's column in the legend */

/* A graph's box on the page. */
struct figure_box {
	double	x, y, w, h;
};

/*
 * A workload drawn.  Side by side, each side's lines have its dash and its
 * markers are filled or open, so the side reads without colour; the
 * series keeps its colour and marker shape on both sides.
 */
struct figure_side {
	const struct model	*m;
	const char		*name;	/* "threads", "fibers"; NULL: alone */
	double			 shift;	/* model_time_s + shift: the axis */
	const char		*dash;	/* side by side: its lines' dash */
	bool			 open;	/* side by side: open markers */
};

/* The figure being written: its workloads, time axis and layout. */
struct figure_page {
	struct figure_side	 side[2];
	size_t			 nsides;
	double			 t0, t1, tstep;
	int			 legend, bottom;
};

/* Write s with XML's special characters escaped. */
static void
figure_text(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '&':
			fputs("&amp;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, fp);
		}
	}
}

/* The relative luminance of 0xRRGGBB (WCAG). */
static double
figure_luminance(int rgb)
{
	double	c[3];
	int	i;

	for (i = 0; i < 3; i++) {
		c[i] = (double)((rgb >> (16 - 8 * i)) & 0xff) / 255.0;
		c[i] = c[i] <= 0.03928 ? c[i] / 12.92 :
		    pow((c[i] + 0.055) / 1.055, 2.4);
	}
	return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]);
}

/* The contrast ratio of two colours, 1 to 21. */
static double
figure_ratio(int a, int b)
{
	double	la = figure_luminance(a), lb = figure_luminance(b);

	return (la > lb ? (la + 0.05) / (lb + 0.05) :
	    (lb + 0.05) / (la + 0.05));
}

/*
 * An ink that stands out on the paper: the theme's colour, moved toward
 * the text colour until it has 3:1 contrast with the paper (bright yellow
 * meant for a black terminal, on white paper, turns ochre).
 */
int
figure_contrast_ink(int ink, int paper, int text)
{
	int	mix = ink, step, i, a, b;

	for (step = 0; step <= 10 && figure_ratio(mix, paper) < 3.0; step++) {
		mix = 0;
		for (i = 0; i < 3; i++) {
			a = (ink >> (16 - 8 * i)) & 0xff;
			b = (text >> (16 - 8 * i)) & 0xff;
			mix |= ((a * (10 - step) + b * step) / 10) <<
			    (16 - 8 * i);
		}
	}
	return (mix);
}

/*
 * A nice axis for values up to max: a step of 1, 2, 2.5 or 5 times a power
 * of ten giving about want ticks, and the top, the first tick at or above
 * max.  A max of zero or less (or NAN) gets the axis 0 to 1.
 */
void
figure_nice_axis(double max, int want, double *top, double *step)
{
	double	raw, mag, f;

	if (!(max > 0) || !isfinite(max))
		max = 1;
	raw = max / (want > 0 ? want : 1);
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	*step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) *
	    mag;
	*top = ceil(max / *step - 1e-9) * *step;
	if (*top < max)
		*top += *step;
}

/* The divisor and prefix a unit's axis is written in, for its top. */
static double
figure_prefix(enum figure_unit u, double top, const char **prefix)
{
	static const char *si[] = { "", "k", "M", "G", "T" };
	static const char *bin[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double	div = 1, base = u == FU_BYTES ? 1024 : 1000;
	int	i = 0;

	if (u == FU_MS) {
		*prefix = "";
		return (1);
	}
	while (i < 4 && top / div >= base) {
		div *= base;
		i++;
	}
	*prefix = u == FU_BYTES ? bin[i] : si[i];
	return (div);
}

/* A tick's label: the value in the axis's prefix, as short as exact. */
static void
figure_tick(double v, double div, const char *prefix, char *buf, size_t len)
{
	snprintf(buf, len, "%.4g%s%s", v / div, *prefix != '\0' &&
	    v != 0 ? " " : "", v != 0 ? prefix : "");
}

/*
 * How many of the newest samples the figure draws: a recording's whole
 * history; live, the current scenario's, as the screen shows them (an
 * earlier scenario's samples would set the scale of a picture they are
 * not in; the sample of the change itself straddles both).
 */
static size_t
figure_len(const struct model *m)
{
	size_t	n = model_len(m), seg;

	if (model_recorded(m) || (seg = model_segment(m)) >= n)
		return (n);
	return (seg - 1);
}

/* Whether a graph has a value anywhere in the history. */
static bool
figure_measured(const struct model *m, const struct figure_graph *g)
{
	size_t	age, i, n = figure_len(m);

	for (i = 0; i < g->nlines; i++) {
		for (age = 0; age < n; age++) {
			if (!isnan(model_value(m, g->lines[i].ms, age)))
				return (true);
		}
	}
	return (false);
}

/*
 * Whether the value of the sample age is drawn: a rate at a marked sample
 * straddles the change and is left out, as on the screen.
 */
static bool
figure_drawn(const struct model *m, const struct figure_graph *g,
    size_t age, double v)
{
	if (isnan(v) || isnan(model_time_s(m, age)))
		return (false);
	if ((g->unit == FU_RATE || g->unit == FU_MS) &&
	    model_change(m, age) != 0)
		return (false);
	return (true);
}

/* A marker centred on x, y; filled, or open in the paper's colour. */
static void
figure_marker(FILE *fp, enum figure_marker mk, double x, double y, int ink,
    int paper, bool filled)
{
	switch (mk) {
	case FM_CIRCLE:
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\"", x, y);
		break;
	case FM_SQUARE:
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" "
		    "height=\"11\"", x - 5.5, y - 5.5);
		break;
	case FM_TRIANGLE:
		fprintf(fp, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"",
		    x, y - 7, x + 7, y + 5, x - 7, y + 5);
		break;
	}
	fprintf(fp, " fill=\"#%06x\" stroke=\"#%06x\" stroke-width=\"2.5\"/>\n",
	    filled ? ink : paper, ink);
}

/*
 * Whether a line's markers are filled: alone, open shapes go with dashed
 * lines, a second cue besides the shape; side by side, open is a side's.
 */
static bool
figure_filled(const struct figure_page *p, size_t si,
    const struct figure_line *l)
{
	if (p->nsides == 1)
		return (l->marker == FM_CIRCLE);
	return (!p->side[si].open);
}

/* A line's dash: its series' alone, its side's side by side. */
static const char *
figure_dash(const struct figure_page *p, size_t si,
    const struct figure_line *l)
{
	return (p->nsides == 1 ? l->dash : p->side[si].dash);
}

/* Write a stroke-dasharray attribute, or nothing for a solid line. */
static void
figure_dash_attr(FILE *fp, const char *dash)
{
	if (dash != NULL)
		fprintf(fp, " stroke-dasharray=\"%s\"", dash);
}

/* The change a mark stands for, in a word or two. */
static const char *
figure_change_name(unsigned chg)
{
	if (chg & MODEL_CHG_SCENARIO)
		return ("scenario");
	if (chg & MODEL_CHG_MODE)
		return ("mode");
	if (chg & MODEL_CHG_VARIANT)
		return ("variant");
	if (chg & MODEL_CHG_TASKS_UP)
		return ("tasks up");
	if (chg & MODEL_CHG_TASKS_DOWN)
		return ("tasks down");
	if (chg & MODEL_CHG_WORKERS_UP)
		return ("workers up");
	if (chg & MODEL_CHG_WORKERS_DOWN)
		return ("workers down");
	return ("stack");
}

/* When side si took the sample age, on the figure's time axis (s). */
static double
figure_t(const struct figure_page *p, size_t si, size_t age)
{
	return (model_time_s(p->side[si].m, age) + p->side[si].shift);
}

/*
 * The change marked at side si's sample age, or 0 when none is drawn
 * there.  Side by side, a knob turned on both sides is drawn once, where
 * the first side has it: a later side's mark with the same change within
 * one of its sample intervals of the first side's is the same change.
 */
static unsigned
figure_mark(const struct figure_page *p, size_t si, size_t age)
{
	const struct model	*m = p->side[si].m;
	unsigned		 chg = model_change(m, age);
	size_t			 n = figure_len(m), j, a;
	double			 t, gap;

	if (chg == 0 || isnan(t = figure_t(p, si, age)))
		return (0);
	gap = n > 1 ? (figure_t(p, si, 0) - figure_t(p, si, n - 1)) /
	    (double)(n - 1) : 0;
	for (j = 0; j < si; j++) {
		for (a = 0; a < figure_len(p->side[j].m); a++) {
			if (model_change(p->side[j].m, a) == chg &&
			    fabs(figure_t(p, j, a) - t) <= gap)
				return (0);
		}
	}
	return (chg);
}

/* The x of a time on the shared axis. */
static double
figure_x(const struct figure_box *b, double t0, double t1, double t)
{
	return (b->x + (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5) * b->w);
}

/*
 * One line of a graph for side si: its values as data, the path, and its
 * markers.  How many points it drew.
 */
static size_t
figure_line(FILE *fp, const struct figure_page *p, size_t si,
    const struct figure_graph *g, size_t i, const struct figure_style *st,
    const struct figure_box *b, double top)
{
	const struct model	*m = p->side[si].m;
	const struct figure_line *l = &g->lines[i];
	size_t			 n = figure_len(m), age, every, drawn = 0;
	double			 v, x, y;
	bool			 pen = false;
	int			 ink = st->ink[l->ink];

	/* The values, oldest first, as the recording has them. */
	fputs("<path class=\"line\"", fp);
	if (p->side[si].name != NULL)
		fprintf(fp, " data-side=\"%s\"", p->side[si].name);
	fprintf(fp, " data-key=\"%s\" data-values=\"", l->key);
	for (age = n; age-- > 0;) {
		v = model_value(m, l->ms, age);
		fprintf(fp, isnan(v) ? "%snan" : "%s%.10g",
		    age + 1 == n ? "" : " ", v);
	}
	fprintf(fp, "\" fill=\"none\" stroke=\"#%06x\" stroke-width=\""
	    "3.5\" stroke-linejoin=\"round\"", ink);
	figure_dash_attr(fp, figure_dash(p, si, l));
	fputs(" d=\"", fp);
	for (age = n; age-- > 0;) {
		v = model_value(m, l->ms, age);
		if (!figure_drawn(m, g, age, v)) {
			pen = false;
			continue;
		}
		x = figure_x(b, p->t0, p->t1, figure_t(p, si, age));
		y = b->y + b->h - v / top * b->h;
		fprintf(fp, "%s%.1f %.1f", pen ? "L" : "M", x, y);
		pen = true;
		drawn++;
	}
	if (drawn == 0)
		fprintf(fp, "M%.1f %.1f", b->x, b->y + b->h);
	fprintf(fp, "\"/>\n");
	/* Markers at about a dozen points, staggered per line and side. */
	every = n / 12 + 1;
	for (age = n; age-- > 0;) {
		v = model_value(m, l->ms, age);
		if ((n - 1 - age + i * every / 3 + si * every / 6) % every !=
		    0 || !figure_drawn(m, g, age, v))
			continue;
		figure_marker(fp, l->marker, figure_x(b, p->t0, p->t1,
		    figure_t(p, si, age)), b->y + b->h - v / top * b->h, ink,
		    st->bg, figure_filled(p, si, l));
	}
	return (drawn);
}

/*
 * A line's sample in the legend, w wide from x at y, with its marker; side
 * by side a line a side never drew says "none" in its place.
 */
static void
figure_legend_sample(FILE *fp, const struct figure_page *p, size_t si,
    const struct figure_line *l, const struct figure_style *st, double x,
    double y, bool drawn)
{
	int	ink = st->ink[l->ink];

	if (!drawn) {
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"16\" "
		    "font-style=\"italic\" text-anchor=\"middle\">none</text>"
		    "\n", x + 28, y + 6);
		return;
	}
	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#%06x\" stroke-width=\"3.5\"", x, y, x + 56,
	    y, ink);
	figure_dash_attr(fp, figure_dash(p, si, l));
	fputs("/>\n", fp);
	figure_marker(fp, l->marker, x + 28, y, ink, st->bg,
	    figure_filled(p, si, l));
}

/*
 * One graph: frame, grid and ticks, each side's lines with markers, the
 * legend.  Side by side the sides share the value axis as well as time.
 */
static void
figure_graph(FILE *fp, const struct figure_page *p,
    const struct figure_graph *g, const struct figure_style *st,
    const struct figure_box *b, bool last)
{
	const struct model *m;
	const char	*prefix, *name;
	char		 lab[48];
	double		 max = NAN, top, step, div, v, x, y, t, k, lab_x;
	size_t		 n, age, i, si, drawn[2][CSW_ARRAY_LEN(g->lines)];
	unsigned	 chg;
	int		 row;

	for (si = 0; si < p->nsides; si++) {
		m = p->side[si].m;
		n = figure_len(m);
		for (i = 0; i < g->nlines; i++) {
			for (age = 0; age < n; age++) {
				v = model_value(m, g->lines[i].ms, age);
				if (figure_drawn(m, g, age, v) &&
				    (isnan(max) || v > max))
					max = v;
			}
		}
	}
	/* Ticks nice in the prefix the values are written in (KiB, M). */
	div = figure_prefix(g->unit, isnan(max) ? 0 : max, &prefix);
	figure_nice_axis(isnan(max) ? 0 : max / div, 5, &top, &step);
	top *= div;
	step *= div;
	fprintf(fp, "<g id=\"%s\" data-unit=\"%s\" data-axis-max=\"%.10g\" "
	    "data-max=\"%.10g\">\n", g->id, g->unit_name, top,
	    isnan(max) ? 0.0 : max);
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"22\" "
	    "font-weight=\"bold\">%s <tspan font-weight=\"normal\">(%s%s%s)"
	    "</tspan></text>\n", b->x, b->y - 12, g->title,
	    g->unit == FU_BYTES ? "" : prefix, g->unit == FU_BYTES ? "bytes, "
	    : *prefix != '\0' ? " " : "", g->unit == FU_BYTES ? prefix :
	    g->unit_name);

	/* The value grid and its ticks. */
	for (k = 0; k * step <= top + step / 2; k++) {
		v = k * step;
		y = b->y + b->h - v / top * b->h;
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#%06x\" stroke-width=\"1\"/>\n",
		    b->x, y, b->x + b->w, y, st->dim);
		figure_tick(v, div, prefix, lab, sizeof lab);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"19\" "
		    "text-anchor=\"end\">%s</text>\n", b->x - 10, y + 6, lab);
	}
	/* The time grid; its labels under the last graph only. */
	for (k = ceil(p->t0 / p->tstep - 1e-9); k * p->tstep <= p->t1 +
	    p->tstep / 1e6; k++) {
		t = k * p->tstep + 0.0;	/* no "-0" */
		x = figure_x(b, p->t0, p->t1, t);
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#%06x\" stroke-width=\"1\"/>\n",
		    x, b->y, x, b->y + b->h, st->dim);
		if (last)
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\""
			    "19\" text-anchor=\"middle\">%.4g</text>\n", x,
			    b->y + b->h + 24, t);
	}
	fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\""
	    "%.1f\" fill=\"none\" stroke=\"#%06x\" stroke-width=\"1.5\"/>\n",
	    b->x, b->y, b->w, b->h, st->fg);

	/* The changes: a dotted rule, named in the first graph.  Newest
	   first: a name that would run into the newer one to its right
	   goes a line lower (three lines, then the top again). */
	for (si = 0; si < p->nsides; si++) {
		lab_x = INFINITY;
		row = 0;
		for (age = 0; age < figure_len(p->side[si].m); age++) {
			if ((chg = figure_mark(p, si, age)) == 0)
				continue;
			x = figure_x(b, p->t0, p->t1, figure_t(p, si, age));
			fprintf(fp, "<line class=\"change\" x1=\"%.1f\" y1=\""
			    "%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#%06x\" "
			    "stroke-width=\"2\" stroke-dasharray=\"2 4\"/>\n",
			    x, b->y, x, b->y + b->h, st->fg);
			if (g != &figure_graphs[0])
				continue;
			name = figure_change_name(chg);
			/* About 9 pixels a letter at 17 pixels, italic. */
			row = x + 8 + 9.0 * (double)strlen(name) > lab_x ?
			    (row + 1) % 3 : 0;
			lab_x = x;
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" "
			    "font-size=\"17\" font-style=\"italic\">%s</text>"
			    "\n", x + 4, b->y + 18 + 20.0 * row, name);
		}
	}

	for (si = 0; si < p->nsides; si++) {
		for (i = 0; i < g->nlines; i++)
			drawn[si][i] = figure_line(fp, p, si, g, i, st, b,
			    top);
	}
	/* The legend: a sample of each line, its marker, its name; side by
	   side a column a side under the side's name. */
	x = b->x + b->w + 24;
	for (si = 0; si < p->nsides && p->nsides > 1; si++) {
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"17\" "
		    "font-weight=\"bold\" text-anchor=\"middle\">", x + 28 +
		    (double)si * FIG_CELL, b->y - 12);
		figure_text(fp, p->side[si].name);
		fputs("</text>\n", fp);
	}
	for (i = 0; i < g->nlines; i++) {
		y = b->y + 22 + (double)i * 34;
		for (si = 0; si < p->nsides; si++)
			figure_legend_sample(fp, p, si, &g->lines[i], st, x +
			    (double)si * FIG_CELL, y, drawn[si][i] > 0);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"19\">",
		    x + (double)(p->nsides - 1) * FIG_CELL + 66, y + 6);
		figure_text(fp, g->lines[i].label);
		fputs("</text>\n", fp);
	}
	fputs("</g>\n", fp);
}

/* "16 KiB" for a stack size. */
static void
figure_bytes(double v, char *buf, size_t len)
{
	const char	*prefix;
	double		 div = figure_prefix(FU_BYTES, v, &prefix);

	snprintf(buf, len, "%.4g %s", v / div, prefix);
}

/* A workload's knobs: tasks, workers where asked, the stack per task. */
static void
figure_knobs(FILE *fp, const struct sample *s, bool workers)
{
	char	stack[32];

	fprintf(fp, "%ld tasks (%ld asked)", s->tasks_alive, s->tasks_target);
	if (workers)
		fprintf(fp, ", %d worker%s (P)", s->workers_knob,
		    s->workers_knob == 1 ? "" : "s");
	if (s->task_stack > 0) {
		figure_bytes((double)s->task_stack, stack, sizeof stack);
		fprintf(fp, ", %s stack per task", stack);
	}
}

/* How many changes the figure marks. */
static size_t
figure_changes(const struct figure_page *p)
{
	size_t	si, age, changes = 0;

	for (si = 0; si < p->nsides; si++) {
		for (age = 0; age < figure_len(p->side[si].m); age++)
			changes += figure_mark(p, si, age) != 0;
	}
	return (changes);
}

/* "b variant on (its name)", as the knob is at the end. */
static void
figure_variant(FILE *fp, const struct sample *s)
{
	fprintf(fp, "b variant %s", s->variant ? "on" : "off");
	if (s->variant && s->variant_name != NULL) {
		fputs(" (", fp);
		figure_text(fp, s->variant_name);
		fputs(")", fp);
	}
}

/*
 * Side by side, the caption's first lines: what ran, then a line a side
 * with how its lines are drawn and its knobs.  The y of the next line.
 */
static double
figure_caption_sides(FILE *fp, const struct figure_page *p, double y,
    size_t changes)
{
	const struct figure_side *sd;
	size_t			 si;

	fprintf(fp, "<text x=\"40\" y=\"%.1f\">Side by side over %.1f s: ",
	    y, p->t1 - p->t0);
	figure_text(fp, p->side[0].name);
	fputs(" and ", fp);
	figure_text(fp, p->side[1].name);
	fputs(" ran at the same time on the same CPUs, a process each; ", fp);
	figure_variant(fp, model_last(p->side[0].m));
	if (changes > 0)
		fprintf(fp, "; %zu change%s, dotted", changes,
		    changes == 1 ? "" : "s");
	fputs(".</text>\n", fp);
	for (si = 0; si < p->nsides; si++) {
		sd = &p->side[si];
		y += 24;
		fprintf(fp, "<text x=\"40\" y=\"%.1f\">At the end, ", y);
		figure_text(fp, sd->name);
		fprintf(fp, " (%s lines, %s marks): ", sd->dash != NULL ?
		    "dashed" : "solid", sd->open ? "open" : "filled");
		figure_knobs(fp, model_last(sd->m), model_last(sd->m)->fibers);
		fprintf(fp, "; %zu samples.</text>\n", figure_len(sd->m));
	}
	return (y + 24);
}

/*
 * The caption: the lesson's knobs (side by side, what ran and each
 * side's), the machine, where it came from.
 */
static void
figure_caption_text(FILE *fp, const struct figure_page *p,
    const struct figure_style *st, const struct figure_caption *cap,
    size_t changes)
{
	const struct sample	*s = model_last(p->side[0].m);
	double			 y = FIGURE_HEIGHT - p->bottom + 56;

	fprintf(fp, "<g id=\"caption\" font-size=\"17\" fill=\"#%06x\">\n",
	    st->fg);
	if (p->nsides > 1)
		y = figure_caption_sides(fp, p, y, changes);
	else {
		fprintf(fp, "<text x=\"40\" y=\"%.1f\">Knobs (at the end): ",
		    y);
		figure_knobs(fp, s, s->fibers || s->workers_knob > 0);
		fputs(", ", fp);
		figure_variant(fp, s);
		fprintf(fp, "; %zu samples over %.1f s",
		    figure_len(p->side[0].m), p->t1 - p->t0);
		if (changes > 0)
			fprintf(fp, "; %zu change%s, dotted", changes,
			    changes == 1 ? "" : "s");
		fputs(".</text>\n", fp);
		y += 24;
	}
	fprintf(fp, "<text x=\"40\" y=\"%.1f\">Machine: ", y);
	figure_text(fp, cap->machine);
	fputs(".</text>\n", fp);
	fprintf(fp, "<text x=\"40\" y=\"%.1f\">From ", y + 24);
	figure_text(fp, cap->source);
	fputs("; drawn ", fp);
	figure_text(fp, cap->when);
	fputs(" by cswviz " PACKAGE_VERSION ", theme ", fp);
	figure_text(fp, st->theme);
	fputs(".</text>\n</g>\n", fp);
}

/* Each side's sample times on the axis, oldest first, for checking. */
static void
figure_times(FILE *fp, const struct figure_page *p)
{
	size_t	si, age, n;

	for (si = 0; si < p->nsides; si++) {
		n = figure_len(p->side[si].m);
		if (p->side[si].name == NULL)
			fputs("<g id=\"times\" data-t=\"", fp);
		else
			fprintf(fp, "<g id=\"times-%s\" data-side=\"%s\" "
			    "data-t=\"", p->side[si].name, p->side[si].name);
		for (age = n; age-- > 0;)
			fprintf(fp, "%s%.10g", age + 1 == n ? "" : " ",
			    figure_t(p, si, age));
		fputs("\"/>\n", fp);
	}
}

/* "threads mode", or side by side "threads and fibers modes side by side". */
static void
figure_modes(FILE *fp, const struct figure_page *p, const struct sample *s)
{
	if (p->nsides > 1) {
		figure_text(fp, p->side[0].name);
		fputs(" and ", fp);
		figure_text(fp, p->side[1].name);
		fputs(" modes side by side", fp);
	} else {
		figure_text(fp, s->mode_name);
		fputs(" mode", fp);
	}
}

/* Write the page: title, one graph per panel measured, the caption. */
static int
figure_page(FILE *fp, struct figure_page *p, const struct figure_style *st,
    const struct figure_caption *cap)
{
	const struct figure_graph *g[FIGURE_GRAPHS];
	const struct sample	*s = model_last(p->side[0].m);
	struct figure_box	 b;
	size_t			 ng = 0, i, si, n, changes;
	double			 top, h;
	bool			 measured;

	p->t0 = p->t1 = NAN;
	for (si = 0; si < p->nsides; si++) {
		if ((n = figure_len(p->side[si].m)) < 2 ||
		    model_last(p->side[si].m) == NULL) {
			errno = EAGAIN;
			return (-1);
		}
		if (isnan(p->t0) || figure_t(p, si, n - 1) < p->t0)
			p->t0 = figure_t(p, si, n - 1);
		if (isnan(p->t1) || figure_t(p, si, 0) > p->t1)
			p->t1 = figure_t(p, si, 0);
	}
	for (i = 0; i < CSW_ARRAY_LEN(figure_graphs); i++) {
		measured = !figure_graphs[i].optional;
		for (si = 0; si < p->nsides && !measured; si++)
			measured = figure_measured(p->side[si].m,
			    &figure_graphs[i]);
		if (measured)
			g[ng++] = &figure_graphs[i];
	}
	changes = figure_changes(p);
	figure_nice_axis(p->t1 - p->t0, 10, &top, &p->tstep);

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\""
	    FIG_FONT "\" fill=\"#%06x\">\n", FIGURE_WIDTH, FIGURE_HEIGHT,
	    FIGURE_WIDTH, FIGURE_HEIGHT, st->fg);
	fputs("<title>cswviz: ", fp);
	figure_text(fp, s->scenario);
	fputs(", ", fp);
	figure_modes(fp, p, s);
	fputs("</title>\n<desc>", fp);
	fprintf(fp, "Graphs of the samples cswviz took; each line's "
	    "data-values are its samples, oldest first, named by the "
	    "recording's key (data-key), at the times in data-t of the %s "
	    "below.%s</desc>\n", p->nsides > 1 ? "times element of its side "
	    "(data-side)" : "svg element", p->nsides > 1 ? " The sides' "
	    "clocks meet at their newest samples, taken together (live: "
	    "on one clock)." : "");
	fprintf(fp, "<rect width=\"100%%\" height=\"100%%\" fill=\"#%06x\"/>\n",
	    st->bg);
	figure_times(fp, p);

	fputs("<text x=\"40\" y=\"48\" font-size=\"32\" font-weight=\"bold\">",
	    fp);
	figure_text(fp, s->scenario);
	fputs(" <tspan font-weight=\"normal\">in ", fp);
	figure_modes(fp, p, s);
	if (changes > 0)
		fprintf(fp, " at the end, after %zu change%s", changes,
		    changes == 1 ? "" : "s");
	fputs("</tspan></text>\n", fp);
	fprintf(fp, "<text x=\"%d\" y=\"48\" font-size=\"20\" text-anchor=\""
	    "end\">cswviz</text>\n", FIGURE_WIDTH - 40);

	h = (double)(FIGURE_HEIGHT - FIG_TOP - p->bottom) / (double)ng;
	for (i = 0; i < ng; i++) {
		b.x = FIG_LEFT;
		b.w = FIGURE_WIDTH - FIG_LEFT - p->legend;
		b.y = FIG_TOP + (double)i * h + FIG_GAP - 12;
		b.h = h - FIG_GAP;
		figure_graph(fp, p, g[i], st, &b, i + 1 == ng);
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"19\">time (s)"
	    "</text>\n", FIGURE_WIDTH - p->legend + 24, FIGURE_HEIGHT -
	    p->bottom + 12);
	figure_caption_text(fp, p, st, cap, changes);
	fputs("</svg>\n", fp);
	return (ferror(fp) ? -1 : 0);
}

/*
 * Write the figure of the model's history.  0, or -1 when the model has
 * fewer than two samples (errno EAGAIN) or the stream failed (its errno).
 */
int
figure_svg(FILE *fp, const struct model *m, const struct figure_style *st,
    const struct figure_caption *cap)
{
	struct figure_page	p;

	memset(&p, 0, sizeof p);
	p.nsides = 1;
	p.side[0].m = m;
	p.legend = FIG_LEGEND;
	p.bottom = FIG_BOTTOM;
	return (figure_page(fp, &p, st, cap));
}

/*
 * Where a side's newest sample is on a clock both sides share: live, the
 * sampler's clock (s); a recording's sides each count from their own
 * start, and their newest samples were taken together, so both are 0.
 */
static double
figure_end(const struct model *m)
{
	const struct sample	*s = model_last(m);

	if (s == NULL || model_recorded(m))
		return (0);
	return ((double)s->t_ns / 1e9);
}

/*
 * Write the figure of a run side by side: both workloads' graphs on the
 * same axes, threads in solid lines with filled markers, fibers dashed
 * with open ones.  0, or -1 as figure_svg, when either has fewer than two
 * samples or the stream failed.
 */
int
figure_svg_sides(FILE *fp, const struct model *threads,
    const struct model *fibers, const struct figure_style *st,
    const struct figure_caption *cap)
{
	struct figure_page	p;
	double			 zero[2], first = NAN, oldest;
	size_t			 si, n, early = 0;

	memset(&p, 0, sizeof p);
	p.nsides = 2;
	p.side[0].m = threads;
	p.side[0].name = "threads";
	p.side[1].m = fibers;
	p.side[1].name = "fibers";
	p.side[1].dash = "12 7";
	p.side[1].open = true;
	p.legend = FIG_LEGEND_SIDES;
	p.bottom = FIG_BOTTOM_SIDES;
	/* Each side's time 0 on the shared clock; the earlier side's
	   oldest sample keeps its own time, as one workload's would. */
	for (si = 0; si < 2; si++) {
		if ((n = figure_len(p.side[si].m)) < 2) {
			errno = EAGAIN;
			return (-1);
		}
		zero[si] = figure_end(p.side[si].m) -
		    model_time_s(p.side[si].m, 0);
		oldest = zero[si] + model_time_s(p.side[si].m, n - 1);
		if (isnan(first) || oldest < first) {
			first = oldest;
			early = si;
		}
	}
	p.side[0].shift = zero[0] - zero[early];
	p.side[1].shift = zero[1] - zero[early];
	return (figure_page(fp, &p, st, cap));
}

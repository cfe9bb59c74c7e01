/* SPDX-License-Identifier: ISC */
/*
 * The Latency panel (key a): how long a task that was ready waited before
 * it ran, as distributions of the newest interval.  Left, a table: p50,
 * p90, p99, p99.9 and max (rows) of each distribution the mode has
 * (columns): the workload's wakeups, the fiber runtime's ready queue, the
 * kernel's run queue.  Right, a histogram of each on one logarithmic axis
 * from 10 ns to 10 s, so the two layers compare by position: a band of
 * rows each, bars scaled to the band's highest column.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"

#define LAT_LW		6	/* the table's row labels */
#define LAT_CW		9	/* a column of the table */
#define LAT_AXIS_LO	1.0	/* log10 ns at the left: 10 ns */
#define LAT_AXIS_HI	10.0	/* log10 ns at the right: 10 s */
#define LAT_HIST_COLS	256	/* the widest histogram drawn */

static const char *const lat_qnames[MODEL_LAT_QS] = {
	"p50", "p90", "p99", "p99.9", "max"
};

/* What each distribution is called, in the table and on its band. */
static const char *const lat_names[SAMPLE_LATS] = {
	[SAMPLE_LAT_WAKE] = "wakeup",
	[SAMPLE_LAT_READY] = "ready q",
	[SAMPLE_LAT_RUNQ] = "kernel q",
};

/* Whether a distribution belongs on screen in the shown mode. */
static bool
latency_shown(const struct model *m, enum sample_lat which)
{
	const struct sample	*s = model_last(m);

	if (which != SAMPLE_LAT_READY)
		return (true);
	return (s != NULL && s->fibers);
}

/* Draw the table of percentiles; returns the columns it took. */
static int
latency_draw_table(int y, int x, int h, const struct model *m,
    const struct view *v)
{
	char	buf[32], num[16];
	int	i, q, col, used = LAT_LW;
	double	us;

	draw_text(y, x, LAT_LW, THEME_DIM, "");
	for (i = 0, col = 0; i < SAMPLE_LATS; i++) {
		if (!latency_shown(m, i))
			continue;
		snprintf(buf, sizeof buf, "%*s", LAT_CW, lat_names[i]);
		draw_text(y, x + LAT_LW + col * LAT_CW, LAT_CW, THEME_LABEL,
		    buf);
		for (q = 0; q < MODEL_LAT_QS && 1 + q < h; q++) {
			if (col == 0)
				draw_text(y + 1 + q, x, LAT_LW, THEME_LABEL,
				    lat_qnames[q]);
			us = model_value(m, model_lat_series(i, q), 0);
			if (isnan(us))
				snprintf(buf, sizeof buf, "%*s", LAT_CW, "-");
			else {
				/* Right-aligned by width: µ is two bytes. */
				format_ns(us * 1e3, v->ascii, num, sizeof num);
				snprintf(buf, sizeof buf, "%*s%s", LAT_CW -
				    draw_width(num), "", num);
			}
			draw_text(y + 1 + q, x + LAT_LW + col * LAT_CW,
			    LAT_CW + 2, isnan(us) ? THEME_DIM : THEME_VALUE,
			    buf);
		}
		col++;
		used += LAT_CW;
	}
	return (used);
}

/* Sum a histogram's counts into w columns over the log axis. */
static double
latency_columns(const struct lat_counts *c, double *col, int w)
{
	double		 pos, peak = 0;
	unsigned	 b;
	int		 k;

	memset(col, 0, sizeof *col * (size_t)w);
	for (b = 0; b < LAT_BUCKETS; b++) {
		if (c->n[b] == 0)
			continue;
		pos = (log10((double)(lat_bucket_mid(b) > 0 ?
		    lat_bucket_mid(b) : 1)) - LAT_AXIS_LO) /
		    (LAT_AXIS_HI - LAT_AXIS_LO);
		k = (int)(pos * w);
		if (k < 0)
			k = 0;
		if (k >= w)
			k = w - 1;
		col[k] += (double)c->n[b];
	}
	for (k = 0; k < w; k++)
		if (col[k] > peak)
			peak = col[k];
	return (peak);
}

/* Draw the axis: a decade label where it fits. */
static void
latency_draw_axis(int y, int x, int w, bool ascii)
{
	static const char *const dec[] = { "10ns", "100ns", "1us", "10us",
	    "100us", "1ms", "10ms", "100ms", "1s", "10s" };
	char	label[16];
	int	d, at, next = x;

	for (d = 0; d < (int)CSW_ARRAY_LEN(dec); d++) {
		at = x + (int)lround((double)d / (LAT_AXIS_HI - LAT_AXIS_LO) *
		    w);
		snprintf(label, sizeof label, "%s", dec[d]);
		if (!ascii && strstr(label, "us") != NULL)
			snprintf(label, sizeof label, "%.*s\xc2\xb5s",
			    (int)(strstr(dec[d], "us") - dec[d]), dec[d]);
		if (d == (int)CSW_ARRAY_LEN(dec) - 1)
			at -= draw_width(label);
		if (at < next || at + draw_width(label) > x + w)
			continue;
		draw_text(y, at, draw_width(label), THEME_DIM, label);
		next = at + draw_width(label) + 1;
	}
}

/* Draw one distribution's band of the histogram. */
static void
latency_draw_band(int y, int x, int w, int rows, const struct model *m,
    enum sample_lat which, const struct view *v)
{
	const struct lat_counts	*c = model_lat_hist(m, which);
	double			 col[LAT_HIST_COLS], peak;
	int			 r, k, lw = 9;

	draw_text(y, x, lw, THEME_LABEL, lat_names[which]);
	if (c == NULL) {
		draw_text(y, x + lw, w - lw, THEME_DIM, model_recorded(m) ?
		    "n/a: a recording keeps the percentiles only" :
		    "no value this interval");
		return;
	}
	if (w - lw > LAT_HIST_COLS)
		w = LAT_HIST_COLS + lw;
	peak = latency_columns(c, col, w - lw);
	for (r = 0; r < rows; r++) {
		attrset(theme_attr(which == SAMPLE_LAT_RUNQ ?
		    THEME_GRAPH_INVOL : THEME_GRAPH_FIBER));
		for (k = 0; k < w - lw; k++)
			mvaddstr(y + rows - 1 - r, x + lw + k,
			    format_graph_cell(col[k], peak, rows, r,
			    v->ascii));
	}
	attrset(theme_attr(THEME_NORMAL));
}

/* Draw the panel. */
static void
latency_draw(const struct rect *r, const struct model *m,
    const struct view *v)
{
	int	x = r->x + 2, y = r->y + 1, w = r->w - 4, h = r->h - 2;
	int	tw, hx, hw, n = 0, rows, i, band;
	char	note[64], title[64];
	const struct sample *s = model_last(m);

	snprintf(note, sizeof note, "interval, +-%.2f%%", LAT_ERROR_PCT);
	/* Side by side, one panel a side on the same axis: name the side. */
	if (v->peer != NULL && s != NULL && s->mode_name != NULL)
		snprintf(title, sizeof title, "Latency, %s: ready to running",
		    s->mode_name);
	else
		snprintf(title, sizeof title, "Latency: ready to running");
	draw_box(r, title, note);
	if (h < 3 || w < 20)
		return;
	if (model_last(m) == NULL) {
		draw_text(y, x, w, THEME_DIM, "n/a: no sample yet");
		return;
	}
	tw = latency_draw_table(y, x, h, m, v);
	/* Side by side, both sides' histograms start where the widest
	   table ends: the same axis in the same columns. */
	if (v->peer != NULL)
		tw = LAT_LW + SAMPLE_LATS * LAT_CW;
	hx = x + tw + 2;
	hw = r->x + r->w - 2 - hx;
	if (hw < 20)
		return;
	for (i = 0; i < SAMPLE_LATS; i++)
		n += latency_shown(m, i);
	rows = (h - 1) / (n > 0 ? n : 1);
	if (rows < 1)
		return;
	for (i = 0, band = 0; i < SAMPLE_LATS; i++) {
		if (!latency_shown(m, i))
			continue;
		latency_draw_band(y + band * rows, hx, hw, rows, m, i, v);
		band++;
	}
	latency_draw_axis(y + band * rows, hx + 9, hw - 9, v->ascii);
}

const struct panel_ops panel_latency = {
	"latency",
	latency_draw,
};

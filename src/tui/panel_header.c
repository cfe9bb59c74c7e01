/*
 * The header line: mode, scenario, tasks, elapsed time, the sample interval
 * (nominal and measured) and what the sampler itself costs.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/theme.h"
#include "tui/tui.h"

/* Draw the header across the top row. */
static void
header_draw(const struct rect *r, const struct model *m, const struct view *v)
{
	const struct sample	*s = model_last(m);
	char			 line[512], el[FORMAT_LEN], ms[FORMAT_LEN];
	char			 tasks[160], tshort[96], meas[48], pct[16];
	char			 stk[FORMAT_LEN], scenb[48];
	char			 rot[64], rshort[48];
	int			 bw = v->badge[0] != '\0' ?
				    draw_width(v->badge) + 2 : 0;
	int			 w = r->w - (model_frozen(m) ? 8 : 0) - bw;
	const char		*mode, *scen;
	double			 iv = model_interval_s(m);
	double			 pass = model_value(m, MS_SAMPLER_MS, 0);
	double			 cpu = model_value(m, MS_SAMPLER_CPU, 0);

	attrset(theme_attr(THEME_HEADER));
	mvhline(r->y, r->x, ' ', r->w);
	/* REPLAY or REC first: it says what the numbers are. */
	if (bw > r->w * 3 / 5)
		bw = r->w * 3 / 5;
	if (bw > 0) {
		char	b[sizeof v->badge + 2];

		snprintf(b, sizeof b, " %s ", v->badge);
		draw_text(r->y, r->x + r->w - bw - (model_frozen(m) ? 8 : 0),
		    bw, THEME_PAUSED, b);
	}
	if (s == NULL) {
		draw_text(r->y, r->x, w, THEME_HEADER,
		    " cswviz  starting: waiting for the first sample");
		return;
	}
	format_bytes((double)s->task_stack, stk, sizeof stk);
	if (s->ok[SRC_ENGINE]) {
		snprintf(tasks, sizeof tasks, "tasks %ld/%ld%s | P=%d | "
		    "stack %s", s->tasks_alive, s->tasks_target, s->ramping ?
		    " ramping" : "", s->fibers ? s->workers : s->workers_knob,
		    stk);
		snprintf(tshort, sizeof tshort, "%ld/%ld%s P=%d %s",
		    s->tasks_alive, s->tasks_target, s->ramping ? "+" : "",
		    s->fibers ? s->workers : s->workers_knob, stk);
	} else {
		snprintf(tasks, sizeof tasks, "tasks n/a");
		snprintf(tshort, sizeof tshort, "tasks n/a");
	}
	if (isnan(iv))
		snprintf(meas, sizeof meas, "measuring");
	else
		snprintf(meas, sizeof meas, "%.3f", iv);
	format_ns(pass * 1e6, v->ascii, ms, sizeof ms);
	if (isnan(cpu))
		snprintf(pct, sizeof pct, "n/a");
	else
		snprintf(pct, sizeof pct, "%.1f%%", cpu);
	/* Say when the pass reads only a share of the threads. */
	rot[0] = rshort[0] = '\0';
	if (s->rotating) {
		snprintf(rot, sizeof rot, ", rotating %u/%u threads per pass",
		    s->threads_read, s->threads_listed);
		snprintf(rshort, sizeof rshort, " rot %u/%u", s->threads_read,
		    s->threads_listed);
	}
	format_duration(model_elapsed_s(m), el, sizeof el);
	mode = s->mode_name ? s->mode_name : "?";
	snprintf(scenb, sizeof scenb, "%s%s", s->scenario ? s->scenario : "?",
	    s->variant ? " b" : "");
	scen = scenb;

	/* The most words that fit: a projector at 80 columns gets fewer. */
	snprintf(line, sizeof line, " cswviz | %s | %s | %s | up %s | "
	    "every %.1f s, measured %s s | sampler %s, %s CPU%s ", mode,
	    scen, tasks, el, (double)s->interval_ns / 1e9, meas, ms, pct,
	    rot);
	if (draw_width(line) > w)
		snprintf(line, sizeof line, " %s | %s | %s | up %s | %.1f s "
		    "(%s s) | sampler %s, %s CPU%s", mode, scen, tasks, el,
		    (double)s->interval_ns / 1e9, meas, ms, pct, rot);
	if (draw_width(line) > w)
		snprintf(line, sizeof line, " %s | %s | %s | up %s | sampler "
		    "%s %s%s", mode, scen, tasks, el, ms, pct, rshort);
	if (draw_width(line) > w)
		snprintf(line, sizeof line, " %s %s | %s | up %s | %s s | "
		    "sampler %s %s%s", mode, scen, tshort, el, meas, ms, pct,
		    rshort);
	if (draw_width(line) > w)
		snprintf(line, sizeof line, " %s %s | %s | up %s | sampler "
		    "%s %s%s", mode, scen, tshort, el, ms, pct, rshort);
	if (draw_width(line) > w)
		snprintf(line, sizeof line, " %s %s | %s | sampler %s %s%s",
		    mode, scen, tshort, ms, pct, rshort);
	/* Beside a REPLAY or REC badge, the sampler and then the time go. */
	if (draw_width(line) > w)
		snprintf(line, sizeof line, " %s %s | %s | up %s", mode, scen,
		    tshort, el);
	if (draw_width(line) > w)
		snprintf(line, sizeof line, " %s %s | %s", mode, scen, tshort);
	draw_text(r->y, r->x, w, THEME_HEADER, line);
	if (model_frozen(m) && r->w > 10)
		draw_text(r->y, r->x + r->w - 8, 8, THEME_PAUSED, " FROZEN ");
}

const struct panel_ops panel_header = {
	.name = "header",
	.draw = header_draw,
};

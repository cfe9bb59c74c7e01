/* SPDX-License-Identifier: ISC */
/*
 * The header line: mode, scenario, tasks, elapsed time, the sample interval
 * (nominal and measured) and what the sampler itself costs.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"
#include "util/util.h"

/*
 * The sampler's own cost, and while a pass reads only a share of the
 * threads, that share in words: parts from p[n], kept in samp and rot.
 * Its short form is the CPU share where cpu_short, else the pass time.
 */
static size_t
header_sampler_parts(const struct view *v, const struct sample *s,
    double pass_ms, double cpu, bool cpu_short, char samp[2][64],
    char rot[2][64], struct draw_part *p, size_t n)
{
	char	ms[FORMAT_LEN], pct[16];

	format_ns(pass_ms * 1e6, v->ascii, ms, sizeof ms);
	if (isnan(cpu))
		snprintf(pct, sizeof pct, "n/a");
	else
		snprintf(pct, sizeof pct, "%.1f%%", cpu);
	snprintf(samp[0], 64, "sampler %s, %s CPU", ms, pct);
	if (cpu_short)
		snprintf(samp[1], 64, "sampler %s CPU", pct);
	else
		snprintf(samp[1], 64, "sampler %s", ms);
	p[n++] = (struct draw_part){ { samp[0], samp[1], "" }, { 3, 24 } };
	if (s->rotating) {
		snprintf(rot[0], 64, "reading %u of %u threads a pass",
		    s->threads_read, s->threads_listed);
		snprintf(rot[1], 64, "%u of %u threads a pass",
		    s->threads_read, s->threads_listed);
		p[n++] = (struct draw_part){ { rot[0], rot[1], "" },
		    { 12, 26 } };
	}
	return (n);
}

/* The shortest form of what runs, "fibers cpu-flood b" or "pid 4242". */
static void
header_who_short(const struct sample *s, char *buf, size_t len)
{
	if (s->attached)
		snprintf(buf, len, "pid %d", s->pid);
	else
		snprintf(buf, len, "%s %s%s", s->mode_name ? s->mode_name :
		    "?", s->scenario ? s->scenario : "?", s->variant ?
		    " b" : "");
}

/* The columns the header keeps left of a badge: that form and a margin. */
static int
header_who_width(const struct sample *s)
{
	char	who[96];

	if (s == NULL)
		return (10);
	header_who_short(s, who, sizeof who);
	return (draw_width(who) + 2);
}

/*
 * -p: the process watched, its threads, the time, the interval, the
 * sampler's cost, and whether a pass reads only a share of the threads.
 */
static void
header_draw_attached(const struct rect *r, const struct model *m,
    const struct view *v, const struct sample *s, int w)
{
	char			 who[3][96], thr[2][48], up[48], el[FORMAT_LEN];
	char			 every[64], samp[2][64], rot[2][64];
	double			 cpu = model_value(m, MS_SAMPLER_CPU, 0);
	struct draw_part	 p[6];
	size_t			 n = 0;

	snprintf(who[0], sizeof who[0], "cswviz | process %d (%s)", s->pid,
	    s->comm);
	snprintf(who[1], sizeof who[1], "pid %d (%s)", s->pid, s->comm);
	header_who_short(s, who[2], sizeof who[2]);
	p[n++] = (struct draw_part){ { who[0], who[1], who[2] }, { 3, 12 } };
	if (s->ok[SRC_STATUS]) {
		snprintf(thr[0], sizeof thr[0], "%u thread%s", s->threads,
		    s->threads == 1 ? "" : "s");
		snprintf(thr[1], sizeof thr[1], "%u thr", s->threads);
	} else
		snprintf(thr[0], sizeof thr[0], "threads n/a");
	p[n++] = (struct draw_part){ { thr[0], s->ok[SRC_STATUS] ? thr[1] :
	    NULL }, { 20 } };
	format_duration(model_elapsed_s(m), el, sizeof el);
	snprintf(up, sizeof up, "watched %s", el);
	p[n++] = (struct draw_part){ { up, "" }, { 22 } };
	snprintf(every, sizeof every, "every %.1f s",
	    (double)s->interval_ns / 1e9);
	p[n++] = (struct draw_part){ { every, "" }, { 10 } };
	n = header_sampler_parts(v, s, model_value(m, MS_SAMPLER_MS, 0), cpu,
	    true, samp, rot, p, n);
	draw_parts(r->y, r->x + 1, w - 1, THEME_HEADER, p, n, " | ");
}

/* The z badge, " PAUSED 1:05 ", in buf: its width, 0 while running. */
static int
header_paused(const struct view *v, char *buf, size_t len)
{
	uint64_t	s;

	if (v->paused_ns == 0)
		return (0);
	s = (util_now_ns() - v->paused_ns) / 1000000000u;
	snprintf(buf, len, " PAUSED %lu:%02lu ", (unsigned long)(s / 60),
	    (unsigned long)(s % 60));
	return (draw_width(buf));
}

/*
 * Draw the header across the top row: its parts in words, each with
 * shorter forms that a narrow screen takes, the least needed first.
 */
static void
header_draw(const struct rect *r, const struct model *m, const struct view *v)
{
	const struct sample	*s = model_last(m);
	char			 el[FORMAT_LEN], stk[FORMAT_LEN];
	char			 who[3][96], tasks[2][64], work[2][48];
	char			 stack[48], up[48], every[2][96];
	char			 samp[2][64], rot[2][64], meas[24];
	struct draw_part	 p[8];
	size_t			 n = 0;
	int			 bw = v->badge[0] != '\0' ?
				    draw_width(v->badge) + 2 : 0;
	char			 held[32];
	int			 hw = header_paused(v, held, sizeof held);
	int			 w = r->w - (model_frozen(m) ? 8 : 0) - bw - hw;
	const char		*mode, *scen, *var;
	double			 iv = model_interval_s(m);
	double			 pass = model_value(m, MS_SAMPLER_MS, 0);
	double			 cpu = model_value(m, MS_SAMPLER_CPU, 0);
	int			 nw;

	attrset(theme_attr(THEME_HEADER));
	mvhline(r->y, r->x, ' ', r->w);
	/* REPLAY or REC first: it says what the numbers are, in its short
	   form where the long one would crowd out what runs. */
	if (bw > 0) {
		char		 b[sizeof v->badge + 2];
		const char	*badge = v->badge;
		int		 room = r->w - (model_frozen(m) ? 8 : 0) - hw -
				    header_who_width(s);

		if (room > r->w * 3 / 5)
			room = r->w * 3 / 5;

		if (bw > room && v->badge_short[0] != '\0') {
			badge = v->badge_short;
			bw = draw_width(badge) + 2;
		}
		if (bw > room)
			bw = room > 6 ? room : 6;
		w = r->w - (model_frozen(m) ? 8 : 0) - bw - hw;
		snprintf(b, sizeof b, " %s ", badge);
		draw_words(r->y, r->x + r->w - bw - (model_frozen(m) ? 8 : 0),
		    bw, THEME_PAUSED, b);
	}
	if (model_frozen(m) && r->w > 10)
		draw_text(r->y, r->x + r->w - 8, 8, THEME_PAUSED, " FROZEN ");
	if (hw > 0)
		draw_text(r->y, r->x + r->w - bw - (model_frozen(m) ? 8 : 0) -
		    hw, hw, THEME_PAUSED, held);
	if (s == NULL) {
		draw_words(r->y, r->x + 1, w - 1, THEME_HEADER,
		    "cswviz  starting: waiting for the first sample");
		return;
	}
	if (s->attached) {
		header_draw_attached(r, m, v, s, w);
		return;
	}
	mode = s->mode_name ? s->mode_name : "?";
	scen = s->scenario ? s->scenario : "?";
	var = s->variant ? " b" : "";
	snprintf(who[0], sizeof who[0], "cswviz | %s | %s%s", mode, scen, var);
	snprintf(who[1], sizeof who[1], "%s | %s%s", mode, scen, var);
	header_who_short(s, who[2], sizeof who[2]);
	p[n++] = (struct draw_part){ { who[0], who[1], who[2] }, { 2, 11 } };

	/* Tasks alive of the target; "ramping" while they move.  A cap is
	   no target: the tasks alive never have to reach it. */
	if (s->ok[SRC_ENGINE] && s->tasks_cap) {
		snprintf(tasks[0], sizeof tasks[0], "tasks %ld live, cap %ld",
		    s->tasks_alive, s->tasks_target);
		snprintf(tasks[1], sizeof tasks[1], "tasks %ld, cap %ld",
		    s->tasks_alive, s->tasks_target);
	} else if (s->ok[SRC_ENGINE]) {
		snprintf(tasks[0], sizeof tasks[0], "tasks %ld/%ld%s",
		    s->tasks_alive, s->tasks_target, s->ramping ?
		    " ramping" : "");
		snprintf(tasks[1], sizeof tasks[1], "tasks %ld/%ld",
		    s->tasks_alive, s->tasks_target);
	} else
		snprintf(tasks[0], sizeof tasks[0], "tasks n/a");
	p[n++] = (struct draw_part){ { tasks[0], s->ok[SRC_ENGINE] ?
	    tasks[1] : NULL }, { 20 } };

	/* P only where it changes what runs: fibers, or a b pool. */
	if (s->ok[SRC_ENGINE] && (s->fibers || s->workers_used)) {
		nw = s->fibers ? s->workers : s->workers_knob;
		snprintf(work[0], sizeof work[0], "P=%d worker%s", nw,
		    nw == 1 ? "" : "s");
		snprintf(work[1], sizeof work[1], "P=%d", nw);
		p[n++] = (struct draw_part){ { work[0], work[1] }, { 4 } };
	}
	format_bytes((double)s->task_stack, stk, sizeof stk);
	if (s->ok[SRC_ENGINE]) {
		snprintf(stack, sizeof stack, "stack %s", stk);
		/* Dropped whole, last of all, in a split view's half: never cut. */
		p[n++] = (struct draw_part){ { stack, "" }, { 30 } };
	}

	format_duration(model_elapsed_s(m), el, sizeof el);
	snprintf(up, sizeof up, "up %s", el);
	p[n++] = (struct draw_part){ { up, "" }, { 22 } };

	if (isnan(iv))
		snprintf(meas, sizeof meas, "measuring");
	else
		snprintf(meas, sizeof meas, "%.3f s", iv);
	snprintf(every[0], sizeof every[0], "every %.1f s, measured %s",
	    (double)s->interval_ns / 1e9, meas);
	snprintf(every[1], sizeof every[1], "every %.1f s",
	    (double)s->interval_ns / 1e9);
	p[n++] = (struct draw_part){ { every[0], every[1], "" },
	    { 1, 10 } };

	n = header_sampler_parts(v, s, pass, cpu, false, samp, rot, p, n);
	draw_parts(r->y, r->x + 1, w - 1, THEME_HEADER, p, n, " | ");
}

const struct panel_ops panel_header = {
	.name = "header",
	.draw = header_draw,
};

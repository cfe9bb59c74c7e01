/* SPDX-License-Identifier: ISC */
/*
 * The Switches panel: kernel switches of this process (voluntary and
 * involuntary, from getrusage; in fibers mode, the idle workers' share
 * from the runtime), the system's switch rate (/proc/stat ctxt), fiber
 * switches and handoffs from the engine, and a history graph.
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

#define SW_LW	18	/* label column */
#define SW_VW	8	/* value column */
#define SW_COLW	48	/* widest a column of figures gets */

/* The figures, in two columns: the kernel's, and the workload's. */
static const struct figure switches_left[] = {
	{ "kernel voluntary", MS_VCSW_RATE, FIG_RATE, "getrusage" },
	{ "kernel involuntary", MS_IVCSW_RATE, FIG_RATE, "getrusage" },
	{ "system, all CPUs", MS_CTXT_RATE, FIG_RATE, "/proc/stat" },
};
/* Fibers: of those kernel switches, the ones the workers took while they
   had no fiber to run (parked, or giving the CPU away while they looked),
   indented as a part of the two above.  Side by side the threads side has
   the row too (n/a), so that the two panels' rows line up. */
static const struct figure switches_left_fibers[] = {
	{ "kernel voluntary", MS_VCSW_RATE, FIG_RATE, "getrusage" },
	{ "kernel involuntary", MS_IVCSW_RATE, FIG_RATE, "getrusage" },
	{ "  by idle workers", MS_IDLE_SW_RATE, FIG_RATE, "runtime" },
	{ "system, all CPUs", MS_CTXT_RATE, FIG_RATE, "/proc/stat" },
};
/* -p: another process's switches are its threads' status lines. */
static const struct figure switches_left_attached[] = {
	{ "kernel voluntary", MS_VCSW_RATE, FIG_RATE, "task status" },
	{ "kernel involuntary", MS_IVCSW_RATE, FIG_RATE, "task status" },
	{ "system, all CPUs", MS_CTXT_RATE, FIG_RATE, "/proc/stat" },
};
static const struct figure switches_right[] = {
	{ "handoffs", MS_HANDOFF_RATE, FIG_RATE, "engine" },
	{ "CPU per handoff", MS_NS_PER_HANDOFF, FIG_NS, "rusage" },
	{ "kernel sw/handoff", MS_KSW_PER_HANDOFF, FIG_RATIO, "ratio" },
};

/*
 * What the workload's column says in a scenario whose labels the unit of
 * work alone cannot give: one unit in the per-unit labels, whether CPU and
 * kernel switches per unit measure the work (blocking's mostly measure its
 * tickers, and rise when the b variant makes fewer calls), what the
 * latency is, whether fiber workers stuck in a system call are the lesson,
 * and what the tasks the engine counts as blocked are doing, per mode
 * (NULL: not shown).  These rows show even at 0.
 */
static const struct {
	const char	*scenario;
	const char	*one;
	bool		 per_unit;
	const char	*latency;
	bool		 workers;
	const char	*blocked[2];	/* threads, fibers */
} switches_lessons[] = {
	{ "blocking", "call", false, "tickers late by", true,
	    { "tasks in syscall", NULL } },
	{ "cpu-flood", "chunk", true, "wait per chunk", false,
	    { NULL, NULL } },
	{ "leak", "start", true, NULL, false,
	    { "waiting in futex", "parked on channel" } },
};

/* Whether CPU and kernel switches per unit of work measure the work in
   scenario (blocking's measure its tickers): the split view asks too. */
bool
switches_per_unit(const char *scenario)
{
	size_t	i;

	for (i = 0; scenario != NULL && i < CSW_ARRAY_LEN(switches_lessons);
	    i++) {
		if (strcmp(scenario, switches_lessons[i].scenario) == 0)
			return (switches_lessons[i].per_unit);
	}
	return (true);
}

/*
 * The workload's column: pingpong's handoffs, or the scenario's unit of
 * work ("requests": requests/s, CPU per request, kernel sw/request) where
 * those figures measure the work, and the figures of the scenario's lesson
 * under it: the latency, the workers stuck in a system call, and the
 * blocked tasks, named for what they wait in.
 */
static size_t
switches_work(const struct sample *s, struct figure *f, char lab[][24])
{
	char		 one[16];
	const char	*latency = "latency", *blocked = "tasks in syscall";
	size_t		 len, n, i;
	bool		 per_unit = true, known = false, workers = false;

	for (i = 0; s != NULL && s->scenario != NULL &&
	    i < CSW_ARRAY_LEN(switches_lessons); i++) {
		if (strcmp(s->scenario, switches_lessons[i].scenario) != 0)
			continue;
		known = true;
		per_unit = switches_lessons[i].per_unit;
		workers = switches_lessons[i].workers;
		if (switches_lessons[i].latency != NULL)
			latency = switches_lessons[i].latency;
		blocked = switches_lessons[i].blocked[s->fibers ? 1 : 0];
		break;
	}
	if (s == NULL || s->work_unit == NULL || (s->scenario != NULL &&
	    strcmp(s->scenario, "pingpong") == 0)) {
		memcpy(f, switches_right, sizeof switches_right);
		n = CSW_ARRAY_LEN(switches_right);
	} else {
		snprintf(one, sizeof one, "%s", s->work_unit);
		len = strlen(one);
		if (len > 1 && one[len - 1] == 's')
			one[len - 1] = '\0';
		if (known)
			snprintf(one, sizeof one, "%s",
			    switches_lessons[i].one);
		snprintf(lab[0], sizeof lab[0], "%s", s->work_unit);
		snprintf(lab[1], sizeof lab[1], "CPU per %s", one);
		snprintf(lab[2], sizeof lab[2], "kernel sw/%s", one);
		f[0] = (struct figure){ lab[0], MS_WORK_RATE, FIG_RATE,
		    "engine" };
		n = 1;
		if (per_unit) {
			f[n++] = (struct figure){ lab[1], MS_NS_PER_WORK,
			    FIG_NS, "rusage" };
			f[n++] = (struct figure){ lab[2], MS_KSW_PER_WORK,
			    FIG_RATIO, "ratio" };
		}
	}
	if (s == NULL)
		return (n);
	if (s->latency_count > 0)
		f[n++] = (struct figure){ latency, MS_LATENCY_MS, FIG_MS,
		    "engine" };
	if (s->fibers && (workers || s->blocked_workers > 0) && n < 4)
		f[n++] = (struct figure){ "workers in syscall",
		    MS_BLOCKED_WORKERS, FIG_COUNT, "runtime" };
	if (blocked != NULL && (known || s->blocked > 0) && n < 4)
		f[n++] = (struct figure){ blocked, MS_BLOCKED_TASKS,
		    FIG_COUNT, "engine" };
	return (n);
}

/*
 * Whether tasks that wake on a period keep it, in words: "on time" or
 * "behind" with the wakeups made of those due and the mean lateness, the
 * longest wording that fits in w.  Shown while such tasks run, or where a
 * recording has their figures.
 */
static void
switches_draw_wakes(int y, int x, int w, const struct model *m,
    const struct sample *s, bool ascii)
{
	struct model_wakes	 k;
	enum model_wake		 st = model_wake_state(m, &k);
	char			 t[6][320], r[FORMAT_LEN], d[FORMAT_LEN];
	char			 l[FORMAT_LEN];
	const char		*verdict;
	size_t			 i, n;

	if ((s == NULL || s->wake_period_ns == 0) && st == MODEL_WAKE_NONE)
		return;
	draw_text(y, x, SW_LW, THEME_LABEL, "wake schedule");
	x += SW_LW + 1;
	w -= SW_LW + 1;
	if (st == MODEL_WAKE_NONE) {
		draw_words(y, x, w, THEME_DIM, "measured from the second "
		    "sample on");
		return;
	}
	verdict = st == MODEL_WAKE_BEHIND ? "behind" : "on time";
	format_count(k.rate, r, sizeof r);
	format_count(k.due, d, sizeof d);
	format_ns(k.late_ms * 1e6, ascii, l, sizeof l);
	n = 0;
	/* More wakes than due in an interval are the last one's late
	   wakes landing in it: "101k of 100k" would read as a miscount. */
	if (k.rate >= k.due && (isnan(k.missed_pct) || k.missed_pct < 0.05)) {
		snprintf(t[n++], sizeof t[0], "%s: all %s wakes/s due were "
		    "made, %s late on average", verdict, d, l);
		snprintf(t[n++], sizeof t[0], "%s: all %s/s due woke, %s late",
		    verdict, d, l);
	}
	if (!isnan(k.missed_pct) && k.missed_pct >= 0.05)
		snprintf(t[n++], sizeof t[0], "%s: %s wakes/s of %s/s due, "
		    "%s late on average, %.1f%% missed", verdict, r, d, l,
		    k.missed_pct);
	snprintf(t[n++], sizeof t[0], "%s: %s wakes/s of %s/s due, %s late "
	    "on average", verdict, r, d, l);
	snprintf(t[n++], sizeof t[0], "%s: %s of %s wakes/s, %s late",
	    verdict, r, d, l);
	snprintf(t[n++], sizeof t[0], "%s: %s late", verdict, l);
	for (i = 0; i + 1 < n && draw_width(t[i]) > w; i++)
		continue;
	draw_words(y, x, w, st == MODEL_WAKE_BEHIND ? THEME_BAD : THEME_VALUE,
	    t[i]);
}

/* Draw the panel. */
static void
switches_draw(const struct rect *r, const struct model *m,
    const struct view *v)
{
	const struct sample	*s = model_last(m);
	char			 buf[SAMPLE_WHYLEN + 8];
	char			 lab[3][24];
	struct figure		 right[4];
	size_t			 nright;
	struct rect		 g;
	int			 y = r->y + 1, x = r->x + 2;
	int			 cw = (r->w - 4) / 2 > SW_COLW ? SW_COLW :
				    (r->w - 4) / 2, x2 = x + cw + 1;
	int			 y2;
	bool			 split = v->peer != NULL;
	bool			 idle = s != NULL && !s->attached &&
				    (s->fibers || split);

	draw_box(r, "Switches", NULL);
	draw_graph_legend(r, THEME_GRAPH_VOL, "kernel voluntary",
	    THEME_GRAPH_INVOL, "involuntary on top", v->ascii);

	y2 = y;
	if (s != NULL && s->attached)
		draw_figures(&y, x, cw, SW_LW, SW_VW, switches_left_attached,
		    CSW_ARRAY_LEN(switches_left_attached), m, v->ascii);
	else if (idle)
		draw_figures(&y, x, cw, SW_LW, SW_VW, switches_left_fibers,
		    CSW_ARRAY_LEN(switches_left_fibers), m, v->ascii);
	else
		draw_figures(&y, x, cw, SW_LW, SW_VW, switches_left,
		    CSW_ARRAY_LEN(switches_left), m, v->ascii);
	nright = switches_work(s, right, lab);
	draw_figures(&y2, x2, cw, SW_LW, SW_VW, right, nright, m, v->ascii);
	/* Under the workload's column where it has room beside the idle
	   row, else a row of its own. */
	figure_format(m, MS_FIBER_RATE, FIG_RATE, v->ascii, buf, sizeof buf);
	if (idle && nright < 4)
		draw_field(y2++, x2, cw, SW_LW, SW_VW, "fiber switches", buf,
		    "engine");
	else
		draw_field(y++, x, nright > 3 ? cw : r->w - 4, SW_LW, SW_VW,
		    "fiber switches", buf, "engine");
	if (y < y2)
		y = y2;
	if (s != NULL && (s->wake_period_ns > 0 || !isnan(model_value(m,
	    MS_WAKE_DUE_RATE, 0))) && r->y + r->h - 1 - y > 3)
		switches_draw_wakes(y++, x, r->w - 4, m, s, v->ascii);

	g.y = y;
	g.x = x;
	g.h = r->y + r->h - 1 - y;
	g.w = r->w - 4;
	if (s == NULL || !s->fibers) {
		/* Side by side, as high as the fibers side's graphs under
		   their titles: the same value at the same height. */
		if (split) {
			draw_text(g.y++, g.x, g.w, THEME_DIM,
			    "kernel switches/s:");
			g.h--;
		}
		draw_graph(&g, m, MS_VCSW_RATE, MS_IVCSW_RATE,
		    THEME_GRAPH_VOL, THEME_GRAPH_INVOL, v->ascii);
		return;
	}
	/* Fibers: kernel switches on the left, fiber switches beside. */
	g.w = (r->w - 4) / 2 - 1;
	g.h--;
	draw_text(g.y, g.x, g.w, THEME_DIM, "kernel switches/s:");
	draw_text(g.y, g.x + g.w + 2, g.w, THEME_DIM, "fiber switches/s:");
	g.y++;
	draw_graph(&g, m, MS_VCSW_RATE, MS_IVCSW_RATE, THEME_GRAPH_VOL,
	    THEME_GRAPH_INVOL, v->ascii);
	g.x += g.w + 2;
	draw_graph(&g, m, MS_FIBER_RATE, MS_COUNT, THEME_GRAPH_FIBER,
	    THEME_GRAPH_FIBER, v->ascii);
}

const struct panel_ops panel_switches = {
	.name = "switches",
	.draw = switches_draw,
};

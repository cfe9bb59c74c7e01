/* SPDX-License-Identifier: ISC */
/*
 * The Run queue panel: the system's runnable and blocked tasks
 * (/proc/stat), runnable/total from /proc/loadavg, CPU pressure, per-CPU
 * wait (/proc/schedstat, where the kernel has it), the average run-queue
 * wait of this process's threads (/proc/self/task/TID/schedstat), its
 * threads by state (/proc/self/task/TID/stat) and, in fibers mode, each
 * worker's run queue as a bar; with a history graph.
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

#define RQ_LW	15	/* label column */
#define RQ_VW	9	/* value column */

/* The system's run queue, then its pressure (loadavg goes between). */
static const struct figure runq_system[] = {
	{ "system runnable", MS_PROCS_RUNNING, FIG_COUNT, "/proc/stat" },
	{ "system blocked", MS_PROCS_BLOCKED, FIG_COUNT, "/proc/stat" },
};
static const struct figure runq_pressure[] = {
	{ "CPU pressure", MS_PSI_SOME, FIG_PERCENT, "PSI avg10" },
};

/* A line of text after a label, as a field with its value to the left. */
static void
runq_line(int y, int x, int w, const char *label, const char *text,
    const char *source)
{
	draw_field(y, x, w, RQ_LW, 0, label, text, source);
}

/*
 * Per-CPU wait from /proc/schedstat, or why not: this kernel may be built
 * without schedstats, and then the per-thread waits below stand in.
 */
static void
runq_draw_cpu_wait(int y, int x, int w, const struct model *m,
    const struct sample *s)
{
	static const char *const absent[] = {
		"/proc/schedstat absent on this kernel, using per-thread waits",
		"/proc/schedstat absent, using per-thread waits",
		"no /proc/schedstat: per-thread below",
		"none on this kernel",
	};
	char	line[256], cpu[32];
	size_t	i, n = model_cpu_waits(m), used = 0;
	double	v;

	if (s == NULL)
		snprintf(line, sizeof line, "n/a: no sample yet");
	else if (model_recorded(m))
		snprintf(line, sizeof line, "n/a: not recorded");
	else if (!s->ok[SRC_SCHEDSTAT] && strstr(s->why[SRC_SCHEDSTAT],
	    "No such file") != NULL) {
		/* The longest wording that fits. */
		for (i = 0; i < CSW_ARRAY_LEN(absent) - 1; i++) {
			if ((int)strlen(absent[i]) <= w - RQ_LW - 1)
				break;
		}
		snprintf(line, sizeof line, "%s", absent[i]);
	} else if (!s->ok[SRC_SCHEDSTAT])
		snprintf(line, sizeof line, "n/a: %s", s->why[SRC_SCHEDSTAT]);
	else {
		/* As many CPUs as fit with the unit; the rest counted. */
		line[0] = '\0';
		for (i = 0; i < n && used + 24 < sizeof line; i++) {
			v = model_cpu_wait(m, i);
			if (isnan(v))
				snprintf(cpu, sizeof cpu, "%scpu%zu -",
				    i ? "  " : "", i);
			else
				snprintf(cpu, sizeof cpu, "%scpu%zu %.1f",
				    i ? "  " : "", i, v);
			if (i > 0 && (int)(used + strlen(cpu)) + 24 >
			    w - RQ_LW - 1)
				break;
			used += (size_t)snprintf(line + used,
			    sizeof line - used, "%s", cpu);
		}
		if (i < n)
			snprintf(line + used, sizeof line - used, " ms/s, "
			    "first %zu of %zu CPUs", i, n);
		else
			snprintf(line + used, sizeof line - used, " ms/s");
	}
	runq_line(y, x, w, "per-CPU wait", line, NULL);
}

/* The average run-queue wait of this process's threads. */
static void
runq_draw_thread_wait(int y, int x, int w, const struct model *m,
    const struct sample *s)
{
	char		 line[SAMPLE_WHYLEN + 16], src[64];
	const char	*why = model_why(m, MS_RUN_WAIT);

	if (why != NULL)
		snprintf(line, sizeof line, "n/a: %s", why);
	else
		snprintf(line, sizeof line, "%.1f ms/s",
		    model_value(m, MS_RUN_WAIT, 0));
	snprintf(src, sizeof src, "task/schedstat, %u threads",
	    s != NULL ? s->wait_threads : 0);
	runq_line(y, x, w, "wait/thread", line, src);
}

/* This process's threads by state; "~" when scaled from a share. */
static void
runq_draw_states(int y, int x, int w, const struct model *m,
    const struct sample *s)
{
	char		 line[SAMPLE_WHYLEN + 16], src[64];
	const char	*t = s != NULL && s->rotating ? "~" : "";

	if (model_why(m, MS_THREADS_R) != NULL)
		snprintf(line, sizeof line, "n/a: %s",
		    model_why(m, MS_THREADS_R));
	else
		snprintf(line, sizeof line, "R %s%.0f  S %s%.0f  D %s%.0f", t,
		    model_value(m, MS_THREADS_R, 0), t,
		    model_value(m, MS_THREADS_S, 0), t,
		    model_value(m, MS_THREADS_D, 0));
	if (s != NULL && s->rotating)
		snprintf(src, sizeof src, "task/stat, %u of %u read",
		    s->threads_read, s->threads_listed);
	else
		snprintf(src, sizeof src, "task/stat");
	runq_line(y, x, w, "the workload", line, src);
}

/*
 * The fibers queued on each worker: a small bar each, scaled to the
 * longest queue, as many as fit; with the longest queue as a number.
 */
static void
runq_draw_workers(int y, int x, int w, const struct sample *s,
    const struct view *v)
{
	char		 num[32];
	int		 i, n, cw, bw, cx, avail = w - RQ_LW - 1 - 10;
	uint32_t	 max = 0;

	n = s->workers < CSW_WORKERS_MAX ? s->workers : CSW_WORKERS_MAX;
	draw_text(y, x, RQ_LW, THEME_LABEL, "fiber queues");
	if (n <= 0 || avail <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (s->worker_runq[i] > max)
			max = s->worker_runq[i];
	}
	if (n > avail)
		n = avail;
	cw = avail / n;
	if (cw > 12)
		cw = 12;
	bw = cw >= 4 ? cw - 1 : cw;	/* a gap between wider bars */
	cx = x + RQ_LW + 1;
	for (i = 0; i < n; i++, cx += cw)
		draw_ratio_bar(y, cx, bw, max > 0 ?
		    (double)s->worker_runq[i] / max : 0, THEME_GRAPH_SYSTEM,
		    v);
	snprintf(num, sizeof num, " max %u", max);
	draw_text(y, cx, x + w - cx, THEME_VALUE, num);
}

/* Draw the panel. */
static void
runq_draw(const struct rect *r, const struct model *m, const struct view *v)
{
	char		buf[SAMPLE_WHYLEN + 8], b2[SAMPLE_WHYLEN + 8];
	char		line[SAMPLE_WHYLEN * 2 + 32];
	const struct sample	*s = model_last(m);
	int		y = r->y + 1, x = r->x + 2, w = r->w - 4;
	int		bottom = r->y + r->h - 1;
	struct rect	g;

	draw_box(r, "Run queue", NULL);
	draw_figures(&y, x, w, RQ_LW, RQ_VW, runq_system,
	    CSW_ARRAY_LEN(runq_system), m, v->ascii);

	figure_format(m, MS_LOAD_RUNNABLE, FIG_COUNT, v->ascii, buf,
	    sizeof buf);
	figure_format(m, MS_LOAD_TOTAL, FIG_COUNT, v->ascii, b2,
	    sizeof b2);
	if (strncmp(buf, "n/a", 3) == 0)
		snprintf(line, sizeof line, "%s", buf);
	else
		snprintf(line, sizeof line, "%s/%s", buf, b2);
	/* Thousands of tasks: "13.8k/20.1k" where the exact ones crowd. */
	if (!draw_field_fits(w, RQ_LW, RQ_VW, "loadavg run/all", line)) {
		figure_format_short(m, MS_LOAD_RUNNABLE, FIG_COUNT, v->ascii,
		    buf, sizeof buf);
		figure_format_short(m, MS_LOAD_TOTAL, FIG_COUNT, v->ascii, b2,
		    sizeof b2);
		if (strncmp(buf, "n/a", 3) != 0)
			snprintf(line, sizeof line, "%s/%s", buf, b2);
	}
	draw_field(y++, x, w, RQ_LW, RQ_VW, "loadavg run/all", line,
	    "loadavg");
	draw_figures(&y, x, w, RQ_LW, RQ_VW, runq_pressure, 1, m, v->ascii);
	if (y < bottom)
		runq_draw_cpu_wait(y++, x, w, m, s);
	if (y < bottom)
		runq_draw_thread_wait(y++, x, w, m, s);
	if (y < bottom)
		runq_draw_states(y++, x, w, m, s);
	if (s != NULL && s->fibers && model_recorded(m) && y < bottom)
		draw_field(y++, x, w, RQ_LW, RQ_VW, "fiber queues",
		    "n/a: not recorded", NULL);
	else if (s != NULL && s->fibers && y < bottom)
		runq_draw_workers(y++, x, w, s, v);

	if (bottom - y >= 2) {
		draw_text(y++, x, w, THEME_DIM,
		    "history of system runnable:");
		g.y = y;
		g.x = x;
		g.h = bottom - y;
		g.w = w;
		draw_graph(&g, m, MS_PROCS_RUNNING, MS_COUNT,
		    THEME_GRAPH_SYSTEM, THEME_GRAPH_SYSTEM, v->ascii);
	}
}

const struct panel_ops panel_runqueue = {
	.name = "runqueue",
	.draw = runq_draw,
};

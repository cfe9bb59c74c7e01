/*
 * The Run queue panel: the system's runnable and blocked tasks
 * (/proc/stat), runnable/total from /proc/loadavg, and this process's
 * threads by state (/proc/self/task/TID/stat), with a history graph.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
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

/* The fibers queued on each worker, as many as fit. */
static void
runq_draw_workers(int y, int x, int w, const struct sample *s)
{
	char	line[256];
	int	i, n = s->workers < SAMPLE_WORKERS ? s->workers : SAMPLE_WORKERS;
	size_t	used = 0;

	draw_text(y, x, RQ_LW, THEME_LABEL, "fiber queues");
	for (i = 0; i < n && used + 16 < sizeof line; i++)
		used += (size_t)snprintf(line + used, sizeof line - used,
		    "%sw%d %u", i ? "  " : "", i, s->worker_runq[i]);
	draw_text(y, x + RQ_LW + 1, w - RQ_LW - 1, THEME_VALUE, line);
}

/* Draw the panel. */
static void
runq_draw(const struct rect *r, const struct model *m, const struct view *v)
{
	char		buf[SAMPLE_WHYLEN + 8], b2[SAMPLE_WHYLEN + 8];
	char		line[SAMPLE_WHYLEN * 2 + 32];
	const struct sample	*s = model_last(m);
	int		y = r->y + 1, x = r->x + 2, w = r->w - 4;
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
	draw_field(y++, x, w, RQ_LW, RQ_VW, "loadavg run/all", line,
	    "loadavg");
	draw_figures(&y, x, w, RQ_LW, RQ_VW, runq_pressure, 1, m, v->ascii);

	if (model_why(m, MS_THREADS_R) != NULL ||
	    model_why(m, MS_THREADS_S) != NULL)
		snprintf(line, sizeof line, "n/a: %s",
		    model_why(m, MS_THREADS_R) != NULL ?
		    model_why(m, MS_THREADS_R) : model_why(m, MS_THREADS_S));
	else
		snprintf(line, sizeof line, "R %.0f  S %.0f  D %.0f",
		    model_value(m, MS_THREADS_R, 0),
		    model_value(m, MS_THREADS_S, 0),
		    model_value(m, MS_THREADS_D, 0));
	draw_text(y, x, RQ_LW, THEME_LABEL, "this process");
	draw_text(y, x + RQ_LW + 1, w - RQ_LW - 1, strncmp(line, "n/a", 3) ==
	    0 ? THEME_BAD : THEME_VALUE, line);
	if (w >= RQ_LW + 2 + (int)strlen(line) + 9)
		draw_text(y, x + RQ_LW + 2 + (int)strlen(line),
		    w - RQ_LW - 2 - (int)strlen(line), THEME_DIM, "task/stat");
	y++;

	if (s != NULL && s->fibers && model_recorded(m) &&
	    y < r->y + r->h - 1)
		draw_field(y++, x, w, RQ_LW, RQ_VW, "fiber queues",
		    "n/a: not in the recording", NULL);
	else if (s != NULL && s->fibers && y < r->y + r->h - 1)
		runq_draw_workers(y++, x, w, s);

	if (r->y + r->h - 1 - y >= 2) {
		draw_text(y++, x, w, THEME_DIM,
		    "history of system runnable:");
		g.y = y;
		g.x = x;
		g.h = r->y + r->h - 1 - y;
		g.w = w;
		draw_graph(&g, m, MS_PROCS_RUNNING, MS_COUNT,
		    THEME_GRAPH_SYSTEM, THEME_GRAPH_SYSTEM, v->ascii);
	}
}

const struct panel_ops panel_runqueue = {
	.name = "runqueue",
	.draw = runq_draw,
};

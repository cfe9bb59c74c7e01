/*
 * The Switches panel: kernel switches of this process (voluntary and
 * involuntary, from getrusage), the system's switch rate (/proc/stat
 * ctxt), fiber switches and handoffs from the engine, and a history graph.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/theme.h"
#include "tui/tui.h"

#define SW_LW	18	/* label column */
#define SW_VW	8	/* value column */
#define SW_COLW	48	/* widest a column of figures gets */

/* A rate as "12.3k/s", or "n/a: why". */
static void
switches_rate(const struct model *m, enum model_series which, char *buf,
    size_t len)
{
	const char	*why = model_why(m, which);
	char		 n[FORMAT_LEN];

	if (why != NULL)
		snprintf(buf, len, "n/a: %s", why);
	else
		snprintf(buf, len, "%s/s", format_count(model_value(m, which,
		    0), n, sizeof n));
}

/* Draw the panel. */
static void
switches_draw(const struct rect *r, const struct model *m,
    const struct view *v)
{
	const struct sample	*s = model_last(m);
	char			 buf[SAMPLE_WHYLEN + 8];
	char			 note[96];
	struct rect		 g;
	int			 y = r->y + 1, x = r->x + 2;
	int			 cw = (r->w - 4) / 2 > SW_COLW ? SW_COLW :
				    (r->w - 4) / 2, x2 = x + cw + 1;
	const char		*why;

	snprintf(note, sizeof note, "kernel switches: voluntary below "
	    "involuntary; one column a sample");
	draw_box(r, "Switches", note);

	switches_rate(m, MS_VCSW_RATE, buf, sizeof buf);
	draw_field(y, x, cw, SW_LW, SW_VW, "kernel voluntary", buf,
	    "getrusage");
	switches_rate(m, MS_HANDOFF_RATE, buf, sizeof buf);
	draw_field(y++, x2, cw, SW_LW, SW_VW, "handoffs", buf,
	    "engine");

	switches_rate(m, MS_IVCSW_RATE, buf, sizeof buf);
	draw_field(y, x, cw, SW_LW, SW_VW, "kernel involuntary", buf,
	    "getrusage");
	if ((why = model_why(m, MS_NS_PER_HANDOFF)) != NULL)
		snprintf(buf, sizeof buf, "n/a: %s", why);
	else
		format_ns(model_value(m, MS_NS_PER_HANDOFF, 0), v->ascii,
		    buf, sizeof buf);
	draw_field(y++, x2, cw, SW_LW, SW_VW, "time per handoff", buf,
	    "engine");

	switches_rate(m, MS_CTXT_RATE, buf, sizeof buf);
	draw_field(y, x, cw, SW_LW, SW_VW, "system, all CPUs", buf,
	    "/proc/stat");
	if ((why = model_why(m, MS_KSW_PER_HANDOFF)) != NULL)
		snprintf(buf, sizeof buf, "n/a: %s", why);
	else
		snprintf(buf, sizeof buf, "%.2f", model_value(m,
		    MS_KSW_PER_HANDOFF, 0));
	draw_field(y++, x2, cw, SW_LW, SW_VW, "kernel sw/handoff", buf,
	    "ratio");

	switches_rate(m, MS_FIBER_RATE, buf, sizeof buf);
	draw_field(y++, x, r->w - 4, SW_LW, SW_VW, "fiber switches", buf,
	    "engine");

	g.y = y;
	g.x = x;
	g.h = r->y + r->h - 1 - y;
	g.w = r->w - 4;
	if (s == NULL || !s->fibers) {
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

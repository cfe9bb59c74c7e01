/* SPDX-License-Identifier: ISC */
/*
 * The Memory panel: the process's virtual size and resident set
 * (/proc/self/status), and the engine threads' stacks: reserved (each
 * thread's stack range) against committed (resident pages, by mincore).
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

#define MEM_LW	11	/* label column */
#define MEM_VW	9	/* value column */

/* The process's memory and the kernel's stacks. */
static const struct figure memory_figures[] = {
	{ "VmSize", MS_VM_SIZE, FIG_BYTES, "status" },
	{ "VmRSS", MS_VM_RSS, FIG_BYTES, "status" },
	{ "KernelStack", MS_KERNEL_STACK, FIG_BYTES, "meminfo, all" },
};

/* Bytes per task, "8.00 MiB/task", or nothing without tasks. */
static void
memory_per_task(double bytes, unsigned tasks, char *buf, size_t len)
{
	char	b[FORMAT_LEN];

	if (tasks == 0 || isnan(bytes))
		buf[0] = '\0';
	else
		snprintf(buf, len, "%s/task", format_bytes(bytes / tasks, b,
		    sizeof b));
}

/*
 * -p: the stacks found from the threads' stack pointers, how old smaps
 * is, and the threads left out: pointer not read yet, or in a mapping
 * several threads share (not a thread's own stack).
 */
static void
memory_attached_line(const struct sample *s, int w, char *line, size_t len)
{
	char		 age[32];
	unsigned	 nst = s->stack_count, all;

	all = nst + s->stack_pending + s->stack_elsewhere;
	age[0] = '\0';
	if (s->stack_age > 0)
		snprintf(age, sizeof age, ", %u s old", (unsigned)((double)
		    s->stack_age * s->interval_ns / 1e9));
	if (all == nst)
		snprintf(line, len, "%u thread stack%s (smaps%s):", nst,
		    nst == 1 ? "" : "s", age);
	else if (s->stack_elsewhere > 0)
		snprintf(line, len, "%u of %u thread stacks (smaps%s; %u run "
		    "on other maps, %u unknown):", nst, all, age,
		    s->stack_elsewhere, s->stack_pending);
	else
		snprintf(line, len, "%u of %u thread stacks (smaps%s; %u not "
		    "read yet):", nst, all, age, s->stack_pending);
	if (draw_width(line) > w)
		snprintf(line, len, "%u of %u stacks (smaps%s):", nst, all,
		    age);
}

/* Draw the panel. */
static void
memory_draw(const struct rect *r, const struct model *m,
    const struct view *v)
{
	const struct sample	*s = model_last(m);
	char			 buf[SAMPLE_WHYLEN + 8], per[FORMAT_LEN];
	char			 line[256];
	double			 res = model_value(m, MS_STACK_RESERVED, 0);
	double			 com = model_value(m, MS_STACK_COMMITTED, 0);
	double			 share;
	int			 y = r->y + 1, x = r->x + 2, w = r->w - 4;
	unsigned		 nst = s != NULL ? s->stack_count : 0, known;
	struct rect		 g;

	draw_box(r, "Memory", NULL);
	draw_figures(&y, x, w, MEM_LW, MEM_VW, memory_figures,
	    CSW_ARRAY_LEN(memory_figures), m, v->ascii);

	if (s != NULL && s->attached)
		memory_attached_line(s, w, line, sizeof line);
	else if (s != NULL && model_recorded(m))
		snprintf(line, sizeof line, "%u %s stack%s (recorded):", nst,
		    s->stack_fibers ? "fiber" : "thread", nst == 1 ? "" : "s");
	else if (s != NULL && s->stack_fibers && s->stack_age > 0) {
		/* The resident pages cost a walk of the arena and may be
		   older than the counts: say how old. */
		snprintf(line, sizeof line, "%u fiber stack%s (arena %s, "
		    "committed %u s old):", nst, nst == 1 ? "" : "s",
		    format_bytes((double)s->stack_arena, per, sizeof per),
		    (unsigned)((double)s->stack_age * s->interval_ns / 1e9));
		if (draw_width(line) > w)
			snprintf(line, sizeof line, "%u stacks (committed %u s "
			    "old):", nst, (unsigned)((double)s->stack_age *
			    s->interval_ns / 1e9));
	} else if (s != NULL && s->stack_fibers) {
		snprintf(line, sizeof line, "%u fiber stack%s (arena %s%s%s):",
		    nst, nst == 1 ? "" : "s", format_bytes(
		    (double)s->stack_arena, per, sizeof per),
		    s->guard_dropped ? ", unguarded" : "",
		    s->stack_shared > 0 ? ", 2 per page" : "");
		if (s->stack_shared > 0 && draw_width(line) > w)
			snprintf(line, sizeof line, "%u stacks, 2 per 4 KiB "
			    "page:", nst);
	} else if (s != NULL && s->stacks_known < nst) {
		/* The first rotation of mincore has not ended: settling. */
		snprintf(line, sizeof line, "%u thread stacks, %u read so "
		    "far:", nst, s->stacks_known);
		if (draw_width(line) > w)
			snprintf(line, sizeof line, "%u stacks, %u read:", nst,
			    s->stacks_known);
	} else if (s != NULL && s->stacks_measured < nst) {
		snprintf(line, sizeof line, "%u thread stack%s (pagemap on "
		    "%u per pass):", nst, nst == 1 ? "" : "s",
		    s->stacks_measured);
		if (draw_width(line) > w)
			snprintf(line, sizeof line, "%u stacks (pagemap "
			    "%u/pass):", nst, s->stacks_measured);
	} else
		snprintf(line, sizeof line, "%u thread stack%s (pagemap):",
		    nst, nst == 1 ? "" : "s");
	draw_text(y++, x, w, THEME_LABEL, line);

	figure_format(m, MS_STACK_RESERVED, FIG_BYTES, v->ascii, buf,
	    sizeof buf);
	memory_per_task(res, nst, per, sizeof per);
	draw_field(y++, x, w, MEM_LW, MEM_VW, " reserved", buf, per);

	figure_format(m, MS_STACK_COMMITTED, FIG_BYTES, v->ascii, buf,
	    sizeof buf);
	/*
	 * Until the first rotation of mincore ends, some stacks have no
	 * measure yet and their sum grows as they get one: a sum that looks
	 * like a trend.  Say settling, with the sum so far and the mean per
	 * stack read, which does not creep; the share is of those means.
	 */
	known = model_stacks_read(m);
	memory_per_task(com, known, per, sizeof per);
	share = res > 0 && !isnan(com) ? com / res : NAN;
	if (known < nst && per[0] != '\0') {
		snprintf(line, sizeof line, "%s so far, %s", buf, per);
		if (!draw_field_fits(w - draw_width(line) - 1, MEM_LW, MEM_VW,
		    " committed", "settling"))
			snprintf(line, sizeof line, "%s", per);
		draw_field(y++, x, w, MEM_LW, MEM_VW, " committed",
		    "settling", line);
		share = known > 0 && res > 0 ? (com / known) / (res / nst) :
		    NAN;
	} else
		draw_field(y++, x, w, MEM_LW, MEM_VW, " committed", buf, per);

	if (y < r->y + r->h - 1 && !isnan(share)) {
		snprintf(line, sizeof line, " %.1f%%", 100.0 * share);
		draw_text(y, x, MEM_LW, THEME_LABEL, " share");
		draw_ratio_bar(y, x + MEM_LW + 1, w - MEM_LW - 8, share,
		    THEME_BAR_COMMITTED, v);
		draw_text(y, x + w - 7, 7, THEME_VALUE, line);
		y++;
	}
	if (r->y + r->h - 1 - y >= 3) {
		draw_text(y++, x, w, THEME_DIM, "history of VmRSS:");
		g.y = y;
		g.x = x;
		g.h = r->y + r->h - 1 - y;
		g.w = w;
		draw_graph(&g, m, MS_VM_RSS, MS_COUNT, THEME_BAR_COMMITTED,
		    THEME_BAR_COMMITTED, v->ascii);
	}
}

const struct panel_ops panel_memory = {
	.name = "memory",
	.draw = memory_draw,
};

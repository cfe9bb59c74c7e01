/* SPDX-License-Identifier: ISC */
/*
 * The Side by side panel (c, --compare): the same figures of two
 * workloads, threads (the model drawn) and fibers (view->peer), in two
 * columns, and the ratio fibers:threads of each.  Rows come in the order
 * of what the lesson needs most, and as many are drawn as the panel has
 * lines for: the headline figures first, then the CPU each side got.
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

/* How a row's value reads. */
enum cmp_kind {
	CMP_NS,		/* a duration in ns: 5.20 µs */
	CMP_US,		/* a duration in µs (latency series) */
	CMP_PLAIN,	/* a plain number, the unit in the label */
	CMP_BYTES,
	CMP_RATE,	/* per second */
	CMP_COUNT,
	CMP_PCT,	/* percent */
};

/* What a row shows; its value comes from cmp_value. */
enum cmp_what {
	CMP_CPU_PER,		/* CPU per handoff or unit of work */
	CMP_KSW_PER,		/* kernel switches per handoff or unit */
	CMP_IDLE_PER,		/* of those, fiber workers' with no work */
	CMP_COMMITTED_PER,	/* stack committed per task */
	CMP_WAKE_P50,
	CMP_WAKE_P99,
	CMP_CPU_USED,		/* % of one CPU */
	CMP_CPU_SHARE,		/* % of what both sides used */
	CMP_WORK_RATE,
	CMP_KSW_RATE,
	CMP_IDLE_RATE,		/* of those, fiber workers' with no work */
	CMP_FIBER_RATE,
	CMP_TASKS,
	CMP_THREADS,
	CMP_RESERVED,
	CMP_RSS,
};

struct cmp_row {
	enum cmp_what	 what;
	const char	*label;		/* NULL: made from the work unit */
	enum cmp_kind	 kind;
	bool		 ratio;		/* a ratio fibers:threads is shown */
};

static const struct cmp_row cmp_rows[] = {
	{ CMP_CPU_PER, NULL, CMP_NS, true },
	{ CMP_KSW_PER, NULL, CMP_PLAIN, true },
	{ CMP_IDLE_PER, "  of them, by idle workers", CMP_PLAIN, false },
	{ CMP_RESERVED, "stack reserved per stack", CMP_BYTES, true },
	{ CMP_COMMITTED_PER, "stack committed per stack", CMP_BYTES, true },
	{ CMP_WAKE_P50, "wakeup latency p50", CMP_US, true },
	{ CMP_WAKE_P99, "wakeup latency p99", CMP_US, true },
	{ CMP_CPU_USED, "CPU used, % of one CPU", CMP_PCT, true },
	{ CMP_CPU_SHARE, "share of the CPU both used", CMP_PCT, false },
	{ CMP_WORK_RATE, NULL, CMP_RATE, true },
	{ CMP_KSW_RATE, "kernel switches/s", CMP_RATE, true },
	{ CMP_IDLE_RATE, "  of them, by idle workers", CMP_RATE, false },
	{ CMP_FIBER_RATE, "fiber switches/s (user space)", CMP_RATE, false },
	{ CMP_TASKS, "tasks alive", CMP_COUNT, false },
	{ CMP_THREADS, "OS threads", CMP_COUNT, true },
	{ CMP_RSS, "VmRSS (resident memory)", CMP_BYTES, true },
};

/* The rows the wide layout shows above the two sides' panels. */
#define CMP_HEADLINE_ROWS	9

/* Whether the scenario's unit of work is the handoff (pingpong). */
static bool
cmp_handoffs(const struct sample *s)
{
	return (s == NULL || s->work_unit == NULL || (s->scenario != NULL &&
	    strcmp(s->scenario, "pingpong") == 0));
}

/* The unit of work as counted: "handoffs", "tasks started". */
static const char *
cmp_units(const struct sample *s)
{
	return (cmp_handoffs(s) ? "handoffs" : s->work_unit);
}

/* The unit of work in the singular: "handoff", "task started". */
static void
cmp_unit(const struct sample *s, char *buf, size_t len)
{
	size_t	n;

	snprintf(buf, len, "%s", cmp_units(s));
	/* The plural is the first word's. */
	n = strcspn(buf, " ");
	if (n > 1 && buf[n - 1] == 's')
		memmove(buf + n - 1, buf + n, strlen(buf + n) + 1);
}

/* The newest value of a series, NAN with its reason when unread. */
static double
cmp_series(const struct model *m, enum model_series which)
{
	if (model_why(m, which) != NULL)
		return (NAN);
	return (model_value(m, which, 0));
}

/* A row's newest value on one side; NAN when it cannot be known. */
static double
cmp_value(const struct model *m, const struct model *other,
    enum cmp_what what)
{
	const struct sample	*s = model_last(m);
	bool			 h = cmp_handoffs(s);
	double			 a, b;

	if (s == NULL)
		return (NAN);
	switch (what) {
	case CMP_CPU_PER:
		return (cmp_series(m, h ? MS_NS_PER_HANDOFF : MS_NS_PER_WORK));
	case CMP_KSW_PER:
		return (cmp_series(m, h ? MS_KSW_PER_HANDOFF :
		    MS_KSW_PER_WORK));
	case CMP_COMMITTED_PER:
		/* Per stack, not per task (cpu-flood b's pool runs 64 tasks
		   on P stacks); while the threads' stacks are still being
		   read, the mean of those read, as Memory says. */
		a = cmp_series(m, MS_STACK_COMMITTED);
		b = model_stacks_read(m);
		return (b > 0 ? a / b : NAN);
	case CMP_WAKE_P50:
		return (cmp_series(m, model_lat_series(SAMPLE_LAT_WAKE, 0)));
	case CMP_WAKE_P99:
		return (cmp_series(m, model_lat_series(SAMPLE_LAT_WAKE, 2)));
	case CMP_CPU_USED:
		return (cmp_series(m, MS_CPU_PCT));
	case CMP_CPU_SHARE:
		a = cmp_series(m, MS_CPU_PCT);
		b = other != NULL ? cmp_series(other, MS_CPU_PCT) : NAN;
		return (a + b > 0 ? 100.0 * a / (a + b) : NAN);
	case CMP_WORK_RATE:
		return (cmp_series(m, h ? MS_HANDOFF_RATE : MS_WORK_RATE));
	case CMP_KSW_RATE:
		return (cmp_series(m, MS_VCSW_RATE) +
		    cmp_series(m, MS_IVCSW_RATE));
	case CMP_IDLE_PER:
		/* Threads have no fiber workers: n/a, "no fibers". */
		a = cmp_series(m, MS_IDLE_SW_RATE);
		b = cmp_series(m, h ? MS_HANDOFF_RATE : MS_WORK_RATE);
		return (b > 0 ? a / b : NAN);
	case CMP_IDLE_RATE:
		return (cmp_series(m, MS_IDLE_SW_RATE));
	case CMP_FIBER_RATE:
		return (s->fibers ? cmp_series(m, MS_FIBER_RATE) : 0);
	case CMP_TASKS:
		return (cmp_series(m, MS_TASKS_ALIVE));
	case CMP_THREADS:
		return (cmp_series(m, MS_THREADS));
	case CMP_RESERVED:
		a = cmp_series(m, MS_STACK_RESERVED);
		return (s->stack_count > 0 ? a / s->stack_count : NAN);
	case CMP_RSS:
		return (cmp_series(m, MS_VM_RSS));
	}
	return (NAN);
}

/*
 * Why a row has no value on a side: the reason of the series it reads
 * most, in words a student takes right.
 */
static const char *
cmp_why(const struct model *m, enum cmp_what what)
{
	const struct sample	*s = model_last(m);
	enum model_series	 which;
	const char		*why;

	switch (what) {
	case CMP_CPU_PER:
		which = cmp_handoffs(s) ? MS_NS_PER_HANDOFF : MS_NS_PER_WORK;
		break;
	case CMP_KSW_PER:
		which = cmp_handoffs(s) ? MS_KSW_PER_HANDOFF :
		    MS_KSW_PER_WORK;
		break;
	case CMP_COMMITTED_PER:
	case CMP_RESERVED:
		if (s != NULL && s->stack_count > 0 &&
		    model_stacks_read(m) == 0)
			return ("stacks not read yet");
		if (s != NULL && s->stack_count == 0)
			return ("no stacks");
		which = what == CMP_RESERVED ? MS_STACK_RESERVED :
		    MS_STACK_COMMITTED;
		break;
	case CMP_WAKE_P50:
	case CMP_WAKE_P99:
		why = model_why(m, model_lat_series(SAMPLE_LAT_WAKE, 0));
		return (why == NULL || strcmp(why, "no change") == 0 ?
		    "no wakeups timed" : why);
	case CMP_CPU_USED:
	case CMP_CPU_SHARE:
		which = MS_CPU_PCT;
		break;
	case CMP_WORK_RATE:
		which = cmp_handoffs(s) ? MS_HANDOFF_RATE : MS_WORK_RATE;
		break;
	case CMP_KSW_RATE:
		which = model_why(m, MS_VCSW_RATE) != NULL ? MS_VCSW_RATE :
		    MS_IVCSW_RATE;
		break;
	case CMP_IDLE_PER:
		which = model_why(m, MS_IDLE_SW_RATE) != NULL ?
		    MS_IDLE_SW_RATE : cmp_handoffs(s) ? MS_HANDOFF_RATE :
		    MS_WORK_RATE;
		break;
	case CMP_IDLE_RATE:
		which = MS_IDLE_SW_RATE;
		break;
	case CMP_FIBER_RATE:
		which = MS_FIBER_RATE;
		break;
	case CMP_THREADS:
		which = MS_THREADS;
		break;
	case CMP_RSS:
		which = MS_VM_RSS;
		break;
	default:
		which = MS_TASKS_ALIVE;
		break;
	}
	why = model_why(m, which);
	return (why != NULL ? why : "no value");
}

/*
 * How a side's value is drawn: n/a dim where it does not apply to that
 * side (threads have no fiber workers), in the alarm colour where it
 * failed.
 */
static int
cmp_role(const struct model *m, enum cmp_what what, double v)
{
	char	why[160];

	if (!isnan(v))
		return (THEME_VALUE);
	snprintf(why, sizeof why, "n/a: %s", cmp_why(m, what));
	return (draw_why_expected(why) ? THEME_DIM : THEME_BAD);
}

/* A value as text with its unit. */
static void
cmp_format(double v, enum cmp_kind kind, bool ascii, char *buf, size_t len)
{
	char	n[FORMAT_LEN];

	if (isnan(v) || isinf(v)) {
		snprintf(buf, len, "n/a");
		return;
	}
	switch (kind) {
	case CMP_NS:
		format_ns(v, ascii, buf, len);
		break;
	case CMP_US:
		format_ns(v * 1e3, ascii, buf, len);
		break;
	case CMP_PLAIN:
		/* Not "0.0000" for a few switches in millions of handoffs:
		   that reads as none. */
		if (v > 0 && v < 0.00005)
			snprintf(buf, len, "< 0.0001");
		else
			snprintf(buf, len, v != 0 && fabs(v) < 0.01 ?
			    "%.4f" : "%.2f", v);
		break;
	case CMP_BYTES:
		format_bytes(v, buf, len);
		break;
	case CMP_RATE:
		snprintf(buf, len, "%s/s", format_count(v, n, sizeof n));
		break;
	case CMP_COUNT:
		format_count(v, buf, len);
		break;
	case CMP_PCT:
		/* A decimal below 10%, or 0.4% and 0.6% both read 0%. */
		snprintf(buf, len, v < 9.95 ? "%.1f%%" : "%.0f%%", v);
		break;
	}
}

/* A label made from the work unit, or the row's own. */
static void
cmp_label(const struct cmp_row *row, const struct sample *s, char *buf,
    size_t len)
{
	char	one[64];

	cmp_unit(s, one, sizeof one);
	switch (row->what) {
	case CMP_CPU_PER:
		snprintf(buf, len, "CPU per %s", one);
		break;
	case CMP_KSW_PER:
		snprintf(buf, len, "kernel switches per %s", one);
		break;
	case CMP_WORK_RATE:
		snprintf(buf, len, "%s/s", cmp_units(s));
		break;
	default:
		snprintf(buf, len, "%s", row->label);
		break;
	}
}

/* Text right-aligned in w columns at x. */
static void
cmp_right(int y, int x, int w, int role, const char *text)
{
	int	tw = draw_width(text);

	if (tw > w)
		tw = w;
	draw_text(y, x + w - tw, tw, role, text);
}

/* Draw the panel. */
static void
compare_draw(const struct rect *r, const struct model *m,
    const struct view *v)
{
	const struct model	*f = v->peer;
	const struct sample	*st = model_last(m), *sf;
	const struct cmp_row	*row;
	char			 lab[96], a[48], b[48], q[48];
	const char		*mt, *mf;
	double			 vt, vf;
	int			 y, lw, vw, qw, qx, x, inner;
	size_t			 i;

	if (f == NULL || r->h < 4)
		return;
	sf = model_last(f);
	draw_box(r, "Side by side", r->w >= 100 ? "fibers:threads 1:N means "
	    "the fibers' figure is N times smaller than the threads'" :
	    "1:N = fibers' figure N times smaller");
	inner = r->w - 4;
	/* Label, two values, the ratio: the label takes what is left. */
	vw = inner >= 100 ? 16 : 11;
	qw = inner >= 100 ? 18 : 16;
	lw = inner - 2 * vw - qw;
	if (lw > 40) {
		lw = 40;
		qw = inner - lw - 2 * vw < 30 ? inner - lw - 2 * vw : 30;
	}
	x = r->x + 2;
	y = r->y + 1;
	/* Each column says which mode its workload runs now. */
	mt = st != NULL && st->mode_name != NULL ? st->mode_name : "threads";
	mf = sf != NULL && sf->mode_name != NULL ? sf->mode_name : "fibers";
	draw_text(y, x, lw, THEME_DIM, st != NULL && st->scenario != NULL ?
	    st->scenario : "waiting for samples");
	cmp_right(y, x + lw, vw, THEME_TITLE, mt);
	cmp_right(y, x + lw + vw, vw, THEME_TITLE, mf);
	cmp_right(y, x + lw + 2 * vw, qw, THEME_TITLE, "fibers:threads");
	y++;
	for (i = 0; i < CSW_ARRAY_LEN(cmp_rows) && y < r->y + r->h - 1; i++) {
		row = &cmp_rows[i];
		/* Blocking's CPU and switches per call are its tickers':
		   they would rise when b makes fewer calls. */
		if ((row->what == CMP_CPU_PER || row->what == CMP_KSW_PER ||
		    row->what == CMP_IDLE_PER) &&
		    st != NULL && !switches_per_unit(st->scenario))
			continue;
		cmp_label(row, st, lab, sizeof lab);
		vt = cmp_value(m, f, row->what);
		vf = cmp_value(f, m, row->what);
		cmp_format(vt, row->kind, v->ascii, a, sizeof a);
		cmp_format(vf, row->kind, v->ascii, b, sizeof b);
		q[0] = '\0';
		/* No ratio without both: say why instead. */
		if (isnan(vt) || isnan(vf))
			snprintf(q, sizeof q, "%s", cmp_why(isnan(vt) ? m : f,
			    row->what));
		else if (row->ratio)
			format_ratio_to(vf, vt, q, sizeof q);
		draw_text(y, x, lw - 1, THEME_LABEL, lab);
		cmp_right(y, x + lw, vw, cmp_role(m, row->what, vt), a);
		cmp_right(y, x + lw + vw, vw, cmp_role(f, row->what, vf), b);
		if (isnan(vt) || isnan(vf)) {
			/* Too long: its first clause ("late", "no
			   stacks"), not its first words. */
			qx = r->x + r->w - 2 - (x + lw + 2 * vw + 1);
			if (draw_width(q) > qx)
				q[strcspn(q, ":,")] = '\0';
			draw_words(y, x + lw + 2 * vw + 1, qx, THEME_DIM, q);
		}
		else
			cmp_right(y, x + lw + 2 * vw, qw, THEME_VALUE, q);
		y++;
	}
}

const struct panel_ops panel_compare = { "compare", compare_draw };

/* The lines the wide layout gives the panel: its headline rows. */
int
compare_headline_lines(void)
{
	return (CMP_HEADLINE_ROWS + 3);
}

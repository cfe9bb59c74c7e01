/* SPDX-License-Identifier: ISC */
/*
 * The model: samples become rates over the measured interval and a
 * history of each figure, with the marks at changes and the scale each
 * graph keeps.  The view reads it through accessors only; recordings enter
 * through model_push_record, so a replay draws what the live screen drew.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/series.h"
#include "util/util.h"

/* The change bits, and those of knobs within a lesson. */
#define MODEL_CHG_ALL		0xffu
#define MODEL_CHG_KNOBS	(MODEL_CHG_VARIANT | MODEL_CHG_TASKS_UP | \
	MODEL_CHG_TASKS_DOWN | MODEL_CHG_WORKERS_UP | \
	MODEL_CHG_WORKERS_DOWN | MODEL_CHG_STACK)

/* A sample's configuration, for scales per configuration. */
#define MODEL_CONF_SHIFT	8
#define MODEL_CONF_FIBERS	0x1u
#define MODEL_CONF_VARIANT	0x2u
#define MODEL_CONFS		4

/* What a sample says about the lesson and its knobs, to find changes. */
struct model_knobs {
	const char	*mode, *scenario;
	bool		 has_knobs;	/* known beyond workers */
	bool		 variant;
	long		 target;
	int		 workers;
	uint64_t	 stack;
};

struct model {
	struct series	 s[MS_COUNT];
	/*
	 * Beside the series, each sample's MODEL_CHG_* bits and, above
	 * them, its configuration (MODEL_CONF_*): small integers, exact in a
	 * double, so one ring and one set of ages serve.
	 */
	struct series	 chg;
	struct series	 t;		/* seconds since the first sample */
	struct model_knobs knobs;	/* of the newest that had them */
	bool		 have_knobs;
	struct sample	 prev, last;	/* the two newest samples */
	struct sample	 shown;		/* what the view sees (frozen copy) */
	bool		 have_prev, have_last;
	bool		 frozen;
	bool		 gap;		/* the next sample spans no interval */
	uint64_t	 dt_ns, shown_dt_ns;	/* measured interval */
	size_t		 frozen_behind;	/* samples pushed since the freeze */
	uint64_t	 t0_ns;		/* first sample */

	/* Fed by model_push_record: the figures carry no sources. */
	bool		 last_rec, shown_rec;
	bool		 last_stale, shown_stale;	/* child published nothing new */
	bool		 last_absent[MS_COUNT], shown_absent[MS_COUNT];
	struct model_name *names;	/* mode and scenario names seen */

	struct thread_rows *rows;	/* the newest pass's table, owned */
	uint64_t	 rows_t_ns;	/* when it was read */
	struct model_thread *thr;	/* the table the view sees */
	size_t		 nthr, thr_cap, thr_listed;
	bool		 thr_capped;
	double		 cpu_wait[SAMPLE_CPUS];	/* ms per s, shown */
	size_t		 ncpu_wait;
	enum model_tcol	 tkey;
	bool		 trev;
};

/* A name from a record, kept while the model lives: samples point at it. */
struct model_name {
	struct model_name	*next;
	char			 name[MODEL_NAMELEN];
};

/* The sort order for qsort; the model lives on the loop thread alone. */
static enum model_tcol	model_sort_key;
static bool		model_sort_rev;
static void		model_push_lat(const struct sample *, double *);

/* Where each series comes from, for "n/a: why". */
static const enum sample_src model_sources[MS_COUNT] = {
	[MS_VCSW_RATE] = SRC_RUSAGE,
	[MS_IVCSW_RATE] = SRC_RUSAGE,
	[MS_CTXT_RATE] = SRC_STAT,
	[MS_FIBER_RATE] = SRC_ENGINE,
	[MS_HANDOFF_RATE] = SRC_ENGINE,
	[MS_NS_PER_HANDOFF] = SRC_RUSAGE,
	[MS_KSW_PER_HANDOFF] = SRC_RUSAGE,
	[MS_VM_SIZE] = SRC_STATUS,
	[MS_VM_RSS] = SRC_STATUS,
	[MS_STACK_RESERVED] = SRC_STACKS,
	[MS_STACK_COMMITTED] = SRC_STACKS,
	[MS_PROCS_RUNNING] = SRC_STAT,
	[MS_PROCS_BLOCKED] = SRC_STAT,
	[MS_LOAD_RUNNABLE] = SRC_LOADAVG,
	[MS_LOAD_TOTAL] = SRC_LOADAVG,
	[MS_THREADS] = SRC_STATUS,
	[MS_THREADS_R] = SRC_TASKS,
	[MS_THREADS_S] = SRC_TASKS,
	[MS_THREADS_D] = SRC_TASKS,
	[MS_KERNEL_STACK] = SRC_MEMINFO,
	[MS_FIBER_RUNQ] = SRC_ENGINE,
	[MS_PSI_SOME] = SRC_PSI,
	[MS_WORK_RATE] = SRC_ENGINE,
	[MS_NS_PER_WORK] = SRC_RUSAGE,
	[MS_KSW_PER_WORK] = SRC_RUSAGE,
	[MS_TASKS_ALIVE] = SRC_ENGINE,
	[MS_BLOCKED_TASKS] = SRC_ENGINE,
	[MS_BLOCKED_WORKERS] = SRC_ENGINE,
	[MS_LATENCY_MS] = SRC_ENGINE,
	[MS_SAMPLER_MS] = SRC_COUNT,
	[MS_SAMPLER_CPU] = SRC_COUNT,
	[MS_SAMPLER_CPU_MS] = SRC_COUNT,
	[MS_RUN_WAIT] = SRC_WAIT,
	[MS_WAKE_DUE_RATE] = SRC_ENGINE,
	[MS_WAKE_LATE_MS] = SRC_ENGINE,
	[MS_WAKE_MISSED_PCT] = SRC_ENGINE,
	[MS_CPU_PCT] = SRC_RUSAGE,
	[MS_IDLE_SW_RATE] = SRC_ENGINE,
	[MS_LAT_FIRST ... MS_LAT_FIRST + 2 * MODEL_LAT_QS - 1] = SRC_ENGINE,
	[MS_LAT_FIRST + 2 * MODEL_LAT_QS ... MS_LAT_LAST] = SRC_WAIT,
};

const double	model_lat_quantiles[MODEL_LAT_QS] = { 0.5, 0.9, 0.99, 0.999,
    1.0 };

/* Make a model that keeps cap samples of history per series. */
struct model *
model_create(size_t cap)
{
	struct model	*m = xcalloc(1, sizeof *m);
	int		 i;

	for (i = 0; i < MS_COUNT; i++)
		series_init(&m->s[i], cap);
	series_init(&m->chg, cap);
	series_init(&m->t, cap);
	m->tkey = MT_VCSW;
	return (m);
}

/* Free a model. */
void
model_free(struct model *m)
{
	struct model_name	*n;
	int			 i;

	if (m == NULL)
		return;
	for (i = 0; i < MS_COUNT; i++)
		series_free(&m->s[i]);
	series_free(&m->chg);
	series_free(&m->t);
	thread_rows_free(m->rows);
	free(m->thr);
	while ((n = m->names) != NULL) {
		m->names = n->next;
		free(n);
	}
	free(m);
}

/* A level, or NAN when its source was not read. */
static double
model_level(const struct sample *s, enum sample_src src, double v)
{
	return (s->ok[src] ? v : NAN);
}

/*
 * A rate between the two newest samples, or NAN.  A workload child's
 * counters are rated over the times it published them: when it has not
 * published since the last pass the rate is unknown (NAN), not 0/s.
 */
static double
model_rate(const struct sample *a, const struct sample *b,
    enum sample_src src, uint64_t pa, uint64_t pb)
{
	if (!a->ok[src] || !b->ok[src])
		return (NAN);
	if ((src == SRC_RUSAGE || src == SRC_ENGINE) && a->pub_ns != 0 &&
	    b->pub_ns != 0)
		return (b->pub_ns > a->pub_ns ? rate_per_s(pa, pb,
		    b->pub_ns - a->pub_ns) : NAN);
	return (rate_per_s(pa, pb, b->t_ns - a->t_ns));
}

/* Order rows by TID, for bsearch. */
static int
model_cmp_row(const void *a, const void *b)
{
	const struct thread_row	*x = a, *y = b;

	return (x->tid < y->tid ? -1 : x->tid > y->tid);
}

/* Read a column as a number; NAN when it is not known. */
static double
model_tcol_value(const struct model_thread *t, enum model_tcol col)
{
	switch (col) {
	case MT_TID:
		return (t->tid);
	case MT_STATE:
		return (t->state);
	case MT_CPU:
		return (t->cpu);
	case MT_VCSW:
		return (t->vcsw);
	case MT_IVCSW:
		return (t->ivcsw);
	case MT_WAIT:
		return (t->wait_ms);
	case MT_STK_RES:
		return (t->stk_res);
	case MT_STK_COM:
		return (t->stk_com);
	default:
		return (0);
	}
}

/*
 * Order two rows by the sort key: names, TIDs, states and CPUs rise,
 * figures fall (the busiest first); reversed on request.  Unknown figures
 * go last either way, and ties go by TID.
 */
static int
model_cmp_thread(const void *a, const void *b)
{
	const struct model_thread	*x = a, *y = b;
	double				 u, v;
	int				 c = 0;
	bool				 rises;

	rises = model_sort_key <= MT_CPU;
	if (model_sort_key == MT_NAME)
		c = strcmp(x->name, y->name);
	else {
		u = model_tcol_value(x, model_sort_key);
		v = model_tcol_value(y, model_sort_key);
		if (isnan(u) || isnan(v)) {
			if (!isnan(u) || !isnan(v))
				return (isnan(u) ? 1 : -1);
		} else
			c = u < v ? -1 : u > v;
	}
	if (!rises)
		c = -c;
	if (model_sort_rev)
		c = -c;
	if (c == 0)
		c = x->tid < y->tid ? -1 : x->tid > y->tid;
	return (c);
}

/* Sort the table the view sees by the model's key. */
static void
model_threads_order(struct model *m)
{
	model_sort_key = m->tkey;
	model_sort_rev = m->trev;
	if (m->nthr > 0)
		qsort(m->thr, m->nthr, sizeof *m->thr, model_cmp_thread);
}

/* Rate a counter per second; NAN if it went back or is unknown. */
static double
model_counter_rate(bool ok, uint64_t a, uint64_t b, double dt_s)
{
	if (!ok || b < a || dt_s <= 0)
		return (NAN);
	return ((double)(b - a) / dt_s);
}

/* Let the view see the newest sample. */
static void
model_show_last(struct model *m)
{
	m->shown = m->last;
	m->shown_dt_ns = m->dt_ns;
	m->shown_rec = m->last_rec;
	m->shown_stale = m->last_stale;
	memcpy(m->shown_absent, m->last_absent, sizeof m->shown_absent);
}

/*
 * Rates of a row over the thread's own interval, between the reading it
 * carries and the one before (the sampler reads a rotating share of the
 * threads, so that interval may span several passes).
 */
static void
model_row_rates(struct model_thread *t, const struct thread_row *b)
{
	double		dt_s;
	uint64_t	w, span;

	if (b->t_ns <= b->prev_t_ns)
		return;
	dt_s = (double)(b->t_ns - b->prev_t_ns) / 1e9;
	t->vcsw = model_counter_rate(b->prev_ctxsw && b->has_ctxsw,
	    b->prev_vcsw, b->vcsw, dt_s);
	t->ivcsw = model_counter_rate(b->prev_ctxsw && b->has_ctxsw,
	    b->prev_ivcsw, b->ivcsw, dt_s);
	t->wait_ms = thread_row_wait(b, &w, &span) ? (double)w / 1e6 /
	    ((double)span / 1e9) : NAN;
}

/*
 * Take over a pass's thread rows and build the table.  A row that carries
 * its previous reading is rated on its own; one without (t_ns 0: a table
 * read whole each pass) against the same TID in the pass before.
 */
static void
model_push_threads(struct model *m, struct thread_rows *rows, uint64_t t_ns)
{
	struct thread_rows	*old = m->rows;
	const struct thread_row	*b, *a;
	struct model_thread	*t;
	double			 dt_s;
	size_t			 i;

	if (rows == NULL) {
		thread_rows_free(old);
		m->rows = NULL;
		if (!m->frozen)
			m->nthr = 0;
		return;
	}
	dt_s = old != NULL && t_ns > m->rows_t_ns ?
	    (double)(t_ns - m->rows_t_ns) / 1e9 : 0;
	if (!m->frozen) {
		if (rows->n > m->thr_cap) {
			m->thr_cap = rows->n;
			m->thr = xrealloc(m->thr, m->thr_cap *
			    sizeof *m->thr);
		}
		for (i = 0; i < rows->n; i++) {
			b = &rows->rows[i];
			a = old == NULL ? NULL : bsearch(b, old->rows, old->n,
			    sizeof *b, model_cmp_row);
			t = &m->thr[i];
			t->tid = b->tid;
			memcpy(t->name, b->name, sizeof t->name);
			t->name[sizeof t->name - 1] = '\0';
			t->state = b->state;
			t->cpu = b->cpu;
			t->vcsw = t->ivcsw = t->wait_ms = NAN;
			if (b->has_prev)
				model_row_rates(t, b);
			else if (a != NULL && b->t_ns == 0) {
				t->vcsw = model_counter_rate(a->has_ctxsw &&
				    b->has_ctxsw, a->vcsw, b->vcsw, dt_s);
				t->ivcsw = model_counter_rate(a->has_ctxsw &&
				    b->has_ctxsw, a->ivcsw, b->ivcsw, dt_s);
				t->wait_ms = model_counter_rate(a->has_wait &&
				    b->has_wait, a->wait_ns, b->wait_ns, dt_s) /
				    1e6;
			}
			t->stk_res = b->has_stack ? (double)b->stack_reserved :
			    NAN;
			t->stk_com = b->has_stack ?
			    (double)b->stack_committed : NAN;
		}
		m->nthr = rows->n;
		m->thr_listed = rows->listed;
		m->thr_capped = rows->capped;
		model_threads_order(m);
	}
	thread_rows_free(old);
	m->rows = rows;
	m->rows_t_ns = t_ns;
}

/* Per-CPU wait rates between the two newest samples. */
static void
model_push_cpu_waits(struct model *m, const struct sample *a,
    const struct sample *b)
{
	double	dt_s;
	size_t	i;

	m->ncpu_wait = 0;
	if (!b->ok[SRC_SCHEDSTAT])
		return;
	m->ncpu_wait = b->sched_ncpu;
	dt_s = m->have_prev && b->t_ns > a->t_ns ?
	    (double)(b->t_ns - a->t_ns) / 1e9 : 0;
	for (i = 0; i < m->ncpu_wait; i++)
		m->cpu_wait[i] = model_counter_rate(m->have_prev &&
		    a->ok[SRC_SCHEDSTAT] && i < a->sched_ncpu,
		    i < a->sched_ncpu ? a->cpu_wait_ns[i] : 0,
		    b->cpu_wait_ns[i], dt_s) / 1e6;
}

/* Whether periodic tasks keep their schedule; their figures in *w. */
enum model_wake
model_wake_state(const struct model *m, struct model_wakes *w)
{
	struct model_wakes	 z;

	if (w == NULL)
		w = &z;
	w->rate = model_value(m, MS_WORK_RATE, 0);
	w->due = model_value(m, MS_WAKE_DUE_RATE, 0);
	w->late_ms = model_value(m, MS_WAKE_LATE_MS, 0);
	w->missed_pct = model_value(m, MS_WAKE_MISSED_PCT, 0);
	if (isnan(w->due) || isnan(w->rate) || isnan(w->late_ms))
		return (MODEL_WAKE_NONE);
	if (w->late_ms > MODEL_WAKE_LATE_MS || (!isnan(w->missed_pct) &&
	    w->missed_pct > MODEL_WAKE_MISSED_PCT))
		return (MODEL_WAKE_BEHIND);
	return (MODEL_WAKE_ON_TIME);
}

/* How many CPUs /proc/schedstat gave wait times for (0: none read). */
size_t
model_cpu_waits(const struct model *m)
{
	return (m->ncpu_wait);
}

/* Run-queue wait of CPU i, ms per s; NAN before two samples. */
double
model_cpu_wait(const struct model *m, size_t i)
{
	return (i < m->ncpu_wait ? m->cpu_wait[i] : NAN);
}

/* Sort the thread table by a column, its natural way or reversed. */
void
model_threads_sort(struct model *m, enum model_tcol key, bool reverse)
{
	m->tkey = key < MT_COUNT ? key : MT_TID;
	m->trev = reverse;
	model_threads_order(m);
}

/* Tell the thread table's sort column, and whether it is inverted. */
enum model_tcol
model_threads_key(const struct model *m, bool *reverse)
{
	if (reverse != NULL)
		*reverse = m->trev;
	return (m->tkey);
}

/* Count the rows of the thread table the view sees. */
size_t
model_threads_len(const struct model *m)
{
	return (m->nthr);
}

/* Get row i of the thread table in sort order, or NULL past the end. */
const struct model_thread *
model_thread_at(const struct model *m, size_t i)
{
	return (i < m->nthr ? &m->thr[i] : NULL);
}

/* Tell whether rows were left out for the cap; *listed: threads seen. */
bool
model_threads_capped(const struct model *m, size_t *listed)
{
	if (listed != NULL)
		*listed = m->thr_listed;
	return (m->thr_capped);
}

/* Whether two names differ; a missing name differs from none. */
static bool
model_name_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != b);
	return (strcmp(a, b) != 0);
}

/*
 * The MODEL_CHG_* bits between the knobs of the sample before and this
 * one's: the scenario, the mode and P always, the rest only where both
 * carry them (an older recording does not).  The one test of what changed,
 * for the graphs' marks and for the replay's seek to a change.
 */
static unsigned
model_knobs_diff(const struct model_knobs *a, const struct model_knobs *b)
{
	unsigned	bits = 0;

	if (model_name_differs(a->scenario, b->scenario))
		bits |= MODEL_CHG_SCENARIO;
	if (model_name_differs(a->mode, b->mode))
		bits |= MODEL_CHG_MODE;
	if (b->workers > a->workers)
		bits |= MODEL_CHG_WORKERS_UP;
	else if (b->workers < a->workers)
		bits |= MODEL_CHG_WORKERS_DOWN;
	if (!a->has_knobs || !b->has_knobs)
		return (bits);
	if (a->variant != b->variant)
		bits |= MODEL_CHG_VARIANT;
	if (b->target > a->target)
		bits |= MODEL_CHG_TASKS_UP;
	else if (b->target < a->target)
		bits |= MODEL_CHG_TASKS_DOWN;
	if (a->stack != b->stack)
		bits |= MODEL_CHG_STACK;
	return (bits);
}

/*
 * Note the knobs of a new sample (k NULL: it says nothing of them) and
 * return what changed since the last sample that did.  The first sample
 * of the model marks nothing; a reset keeps the knobs, so the first
 * sample after one still marks a change.
 */
static unsigned
model_note_knobs(struct model *m, const struct model_knobs *k)
{
	unsigned	bits = 0;
	double		prev;

	if (k == NULL)
		return (0);
	/* A stack size is per mode: no mark of its own across a mode change. */
	if (m->have_knobs)
		bits = model_knobs_diff(&m->knobs, k);
	if (bits & MODEL_CHG_MODE)
		bits &= ~MODEL_CHG_STACK;
	m->knobs = *k;
	m->have_knobs = true;
	/*
	 * A new scenario's knobs can show a sample before its name does
	 * (the engine takes the request first): one key, one mark, so a
	 * knob mark just before a scenario mark joins it.
	 */
	prev = series_at(&m->chg, 0);
	if ((bits & MODEL_CHG_SCENARIO) && !isnan(prev) &&
	    ((unsigned)prev & MODEL_CHG_KNOBS) == ((unsigned)prev &
	    MODEL_CHG_ALL) && ((unsigned)prev & MODEL_CHG_ALL) != 0) {
		bits |= (unsigned)prev & MODEL_CHG_ALL;
		series_set(&m->chg, 0, (double)((unsigned)prev &
		    ~MODEL_CHG_ALL));
	}
	return (bits);
}

/* Push one value to every series and show the newest sample if not frozen. */
static void
model_push_values(struct model *m, const double *v, unsigned chg)
{
	int	i;

	for (i = 0; i < MS_COUNT; i++)
		series_push(&m->s[i], v[i]);
	series_push(&m->chg, (double)chg);
	series_push(&m->t, (double)(m->last.t_ns - m->t0_ns) / 1e9);
	if (m->frozen)
		m->frozen_behind++;
	else
		model_show_last(m);
}

/*
 * Periodic wakeups between two samples: the rate the period asks of the
 * tasks alive (their mean over the interval), how late the wakeups of the
 * interval came on average, and the share of due periods that passed
 * without one (a task that woke a period late or more skips them).
 */
static void
model_push_wakes(const struct sample *a, const struct sample *b, double *v)
{
	uint64_t	wakes, missed;

	if (!a->ok[SRC_ENGINE] || !b->ok[SRC_ENGINE] ||
	    b->wake_period_ns == 0 || a->wake_period_ns != b->wake_period_ns)
		return;
	v[MS_WAKE_DUE_RATE] = ((double)a->tasks_alive +
	    (double)b->tasks_alive) / 2 * 1e9 / (double)b->wake_period_ns;
	if (b->work < a->work || b->wake_late_ns < a->wake_late_ns ||
	    b->wakes_missed < a->wakes_missed)
		return;
	wakes = b->work - a->work;
	missed = b->wakes_missed - a->wakes_missed;
	if (wakes > 0)
		v[MS_WAKE_LATE_MS] = (double)(b->wake_late_ns -
		    a->wake_late_ns) / 1e6 / (double)wakes;
	if (wakes + missed > 0)
		v[MS_WAKE_MISSED_PCT] = 100.0 * (double)missed /
		    (double)(wakes + missed);
}

/*
 * Fold a new sample into every series.  The sample's thread rows, if any,
 * become the model's: the caller must not free them.
 */
void
model_push(struct model *m, const struct sample *s)
{
	const struct sample	*a = &m->prev, *b = s;
	struct model_knobs	 k;
	double			 v[MS_COUNT], ksw;
	unsigned		 chg;
	int			 i;
	bool			 gap = m->gap;

	if (!m->have_last)
		m->t0_ns = s->t_ns;
	if (m->have_last)
		m->prev = m->last;
	m->have_prev = m->have_last && !gap;
	m->gap = false;
	m->last = *s;
	m->last.rows = NULL;
	m->have_last = true;
	m->last_rec = false;
	m->last_stale = m->have_prev && a->pub_ns != 0 && b->pub_ns != 0 &&
	    b->pub_ns <= a->pub_ns;

	for (i = 0; i < MS_COUNT; i++)
		v[i] = NAN;
	if (m->have_prev) {
		v[MS_VCSW_RATE] = model_rate(a, b, SRC_RUSAGE, a->vcsw,
		    b->vcsw);
		v[MS_IVCSW_RATE] = model_rate(a, b, SRC_RUSAGE, a->ivcsw,
		    b->ivcsw);
		v[MS_CTXT_RATE] = model_rate(a, b, SRC_STAT, a->ctxt, b->ctxt);
		if (b->fibers) {
			v[MS_FIBER_RATE] = model_rate(a, b, SRC_ENGINE,
			    a->fiber_switches, b->fiber_switches);
			v[MS_IDLE_SW_RATE] = model_rate(a, b, SRC_ENGINE,
			    a->idle_switches, b->idle_switches);
		}
		v[MS_HANDOFF_RATE] = model_rate(a, b, SRC_ENGINE, a->handoffs,
		    b->handoffs);
		/* What a handoff costs: the CPU time the process spent on
		 * it, whatever the number of pairs or CPUs. */
		if (b->handoffs > a->handoffs && a->ok[SRC_RUSAGE] &&
		    b->ok[SRC_RUSAGE] && b->cpu_time_ns >= a->cpu_time_ns)
			v[MS_NS_PER_HANDOFF] = (double)(b->cpu_time_ns -
			    a->cpu_time_ns) / (double)(b->handoffs -
			    a->handoffs);
		ksw = v[MS_VCSW_RATE] + v[MS_IVCSW_RATE];
		if (v[MS_HANDOFF_RATE] > 0)
			v[MS_KSW_PER_HANDOFF] = ksw / v[MS_HANDOFF_RATE];
		if (b->work_unit != NULL) {
			v[MS_WORK_RATE] = model_rate(a, b, SRC_ENGINE,
			    a->work, b->work);
			if (b->work > a->work && a->ok[SRC_RUSAGE] &&
			    b->ok[SRC_RUSAGE] && b->cpu_time_ns >=
			    a->cpu_time_ns)
				v[MS_NS_PER_WORK] = (double)(b->cpu_time_ns -
				    a->cpu_time_ns) / (double)(b->work -
				    a->work);
			if (v[MS_WORK_RATE] > 0)
				v[MS_KSW_PER_WORK] = ksw / v[MS_WORK_RATE];
		}
		if (b->ok[SRC_ENGINE] && a->ok[SRC_ENGINE] &&
		    b->latency_count > a->latency_count &&
		    b->latency_ns >= a->latency_ns)
			v[MS_LATENCY_MS] = (double)(b->latency_ns -
			    a->latency_ns) / 1e6 / (double)(b->latency_count -
			    a->latency_count);
		model_push_wakes(a, b, v);
		/* The CPU the workload got: side by side, each side's share.
		 * Over the times the CPU time was read (a child's, when it
		 * published it), or a late pass reads several CPUs' worth. */
		v[MS_CPU_PCT] = model_rate(a, b, SRC_RUSAGE, a->cpu_time_ns,
		    b->cpu_time_ns) / 1e7;
		if (b->t_ns > a->t_ns && b->cpu_ns >= a->cpu_ns)
			v[MS_SAMPLER_CPU] = 100.0 * (double)(b->cpu_ns -
			    a->cpu_ns) / (double)(b->t_ns - a->t_ns);
	}
	v[MS_VM_SIZE] = model_level(b, SRC_STATUS, (double)b->vm_size);
	v[MS_VM_RSS] = model_level(b, SRC_STATUS, (double)b->vm_rss);
	v[MS_THREADS] = model_level(b, SRC_STATUS, b->threads);
	v[MS_STACK_RESERVED] = model_level(b, SRC_STACKS,
	    (double)b->stack_reserved);
	v[MS_STACK_COMMITTED] = model_level(b, SRC_STACKS,
	    (double)b->stack_committed);
	v[MS_PROCS_RUNNING] = model_level(b, SRC_STAT, b->procs_running);
	v[MS_PROCS_BLOCKED] = model_level(b, SRC_STAT, b->procs_blocked);
	v[MS_LOAD_RUNNABLE] = model_level(b, SRC_LOADAVG, b->load_runnable);
	v[MS_LOAD_TOTAL] = model_level(b, SRC_LOADAVG, b->load_total);
	v[MS_THREADS_R] = model_level(b, SRC_TASKS, b->threads_r);
	v[MS_THREADS_S] = model_level(b, SRC_TASKS, b->threads_s);
	v[MS_THREADS_D] = model_level(b, SRC_TASKS, b->threads_d);
	v[MS_KERNEL_STACK] = model_level(b, SRC_MEMINFO,
	    (double)b->kernel_stack);
	if (b->fibers)
		v[MS_FIBER_RUNQ] = model_level(b, SRC_ENGINE,
		    (double)b->fiber_runqueue);
	v[MS_PSI_SOME] = model_level(b, SRC_PSI, b->psi_some_avg10);
	v[MS_TASKS_ALIVE] = model_level(b, SRC_ENGINE, (double)b->tasks_alive);
	v[MS_BLOCKED_TASKS] = model_level(b, SRC_ENGINE, (double)b->blocked);
	if (b->fibers)
		v[MS_BLOCKED_WORKERS] = model_level(b, SRC_ENGINE,
		    b->blocked_workers);
	v[MS_SAMPLER_MS] = (double)b->pass_ns / 1e6;
	v[MS_SAMPLER_CPU_MS] = (double)b->pass_cpu_ns / 1e6;
	/* The sampler's own intervals: after a gap, one spans the pause. */
	if (!gap && b->ok[SRC_WAIT] && b->wait_span_ns > 0)
		v[MS_RUN_WAIT] = 1000.0 * (double)b->wait_delta_ns /
		    (double)b->wait_span_ns;
	if (!gap)
		model_push_lat(b, v);

	k.mode = b->mode_name;
	k.scenario = b->scenario;
	k.has_knobs = true;
	k.variant = b->variant;
	k.target = b->tasks_target;
	k.workers = b->workers_knob;
	k.stack = b->task_stack;
	chg = model_note_knobs(m, b->ok[SRC_ENGINE] && b->scenario != NULL ?
	    &k : NULL);
	chg |= (b->fibers ? MODEL_CONF_FIBERS : 0u) << MODEL_CONF_SHIFT;
	chg |= (b->variant ? MODEL_CONF_VARIANT : 0u) << MODEL_CONF_SHIFT;

	m->dt_ns = m->have_prev ? b->t_ns - a->t_ns : 0;
	model_push_values(m, v, chg);
	if (!m->frozen)
		model_push_cpu_waits(m, a, b);
	if (gap) {			/* no rates across the pause */
		thread_rows_free(m->rows);
		m->rows = NULL;
	}
	model_push_threads(m, s->rows, s->t_ns);
}

/* The series of percentile q of a latency distribution. */
enum model_series
model_lat_series(enum sample_lat which, int q)
{
	return ((enum model_series)(MS_LAT_FIRST + (int)which * MODEL_LAT_QS +
	    q));
}

/* The percentiles of the interval's latency distributions, us. */
static void
model_push_lat(const struct sample *b, double *v)
{
	const struct lat_counts	*c;
	int			 i, q;

	for (i = 0; i < SAMPLE_LATS; i++) {
		c = &b->lat[i];
		if (c->total == 0 || (i == SAMPLE_LAT_READY && !b->fibers) ||
		    !b->ok[i == SAMPLE_LAT_RUNQ ? SRC_WAIT : SRC_ENGINE])
			continue;
		for (q = 0; q < MODEL_LAT_QS; q++)
			v[model_lat_series(i, q)] = (double)lat_counts_quantile(
			    c, model_lat_quantiles[q]) / 1e3;
	}
}

/* The newest shown interval's histogram of a distribution, or NULL. */
const struct lat_counts *
model_lat_hist(const struct model *m, enum sample_lat which)
{
	if (!m->have_last || m->shown_rec || m->shown.lat[which].total == 0)
		return (NULL);
	if (which == SAMPLE_LAT_READY && !m->shown.fibers)
		return (NULL);
	return (&m->shown.lat[which]);
}

/* A name kept for the model's lifetime, so samples can point at it. */
static const char *
model_name(struct model *m, const char *name)
{
	struct model_name	*n;

	for (n = m->names; n != NULL; n = n->next) {
		if (strcmp(n->name, name) == 0)
			return (n->name);
	}
	n = xcalloc(1, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", name);
	n->next = m->names;
	m->names = n;
	return (n->name);
}

/* The header's stack per task for a recorded sample, from what it has. */
static uint64_t
model_record_stack(const struct model_record *r)
{
	if (r->has_knobs && r->stack_bytes > 0)
		return ((uint64_t)r->stack_bytes);
	if (r->tasks > 0 && !isnan(r->v[MS_STACK_RESERVED]))
		return ((uint64_t)(r->v[MS_STACK_RESERVED] / (double)r->tasks));
	return (0);
}

/* The knobs of a recorded sample; its names are the record's own. */
static void
model_record_knobs(const struct model_record *r, struct model_knobs *k)
{
	memset(k, 0, sizeof *k);
	k->mode = r->mode;
	k->scenario = r->scenario;
	k->workers = r->workers;
	k->has_knobs = r->has_knobs;
	if (r->has_knobs) {
		k->variant = r->variant;
		k->target = r->tasks_target;
		k->stack = model_record_stack(r);
	}
}

/* What changed from one recorded sample to the next: MODEL_CHG_* bits. */
unsigned
model_record_changes(const struct model_record *a,
    const struct model_record *b)
{
	struct model_knobs	ka, kb;

	model_record_knobs(a, &ka);
	model_record_knobs(b, &kb);
	return (model_knobs_diff(&ka, &kb));
}

/*
 * Fold in a sample that is figures already: a line of a recording.  The
 * same series and accessors serve it, so the panels draw it as they draw a
 * live sample; a figure the record lacks reads as not available.  Times
 * must not go back (the reader checks).
 */
void
model_push_record(struct model *m, const struct model_record *r)
{
	struct sample		*b;
	struct model_knobs	 k;
	uint64_t		 t_ns = r->t > 0 ? (uint64_t)(r->t * 1e9 +
				    0.5) : 0;
	unsigned		 chg;
	int			 i;

	if (!m->have_last)
		m->t0_ns = t_ns;
	if (m->have_last)
		m->prev = m->last;
	m->have_prev = m->have_last;
	b = &m->last;
	memset(b, 0, sizeof *b);
	b->t_ns = t_ns;
	b->interval_ns = m->have_prev && t_ns > m->prev.t_ns ?
	    t_ns - m->prev.t_ns : 0;
	b->pid = r->pid;
	for (i = 0; i < SRC_COUNT; i++)
		b->ok[i] = true;
	b->mode_name = model_name(m, r->mode);
	b->scenario = model_name(m, r->scenario);
	b->fibers = strcmp(r->mode, "fibers") == 0;
	b->stack_fibers = b->fibers;
	b->tasks_target = b->tasks_alive = r->tasks;
	b->stack_count = b->stacks_known = b->stacks_measured =
	    r->tasks > 0 ? (uint32_t)r->tasks : 0;
	b->workers = b->workers_knob = r->workers;
	b->task_stack = model_record_stack(r);
	if (r->has_knobs)
		b->tasks_target = r->tasks_target;
	b->variant = r->variant;
	b->work_unit = r->work_unit[0] != '\0' ? model_name(m, r->work_unit) :
	    NULL;
	/* The rows the live screen showed for what was measured. */
	if (!isnan(r->v[MS_LATENCY_MS]))
		b->latency_count = 1;
	if (r->v[MS_BLOCKED_WORKERS] > 0)
		b->blocked_workers = (int)r->v[MS_BLOCKED_WORKERS];
	b->caption = r->caption;
	m->have_last = true;
	m->last_rec = true;
	memcpy(m->last_absent, r->absent, sizeof m->last_absent);

	model_record_knobs(r, &k);
	k.mode = b->mode_name;
	k.scenario = b->scenario;
	chg = model_note_knobs(m, &k);
	chg |= (b->fibers ? MODEL_CONF_FIBERS : 0u) << MODEL_CONF_SHIFT;
	chg |= (b->variant ? MODEL_CONF_VARIANT : 0u) << MODEL_CONF_SHIFT;

	m->dt_ns = b->interval_ns;
	model_push_values(m, r->v, chg);
	model_push_threads(m, NULL, t_ns);
}

/* Drop every series' history and the previous sample. */
void
model_reset(struct model *m)
{
	size_t	cap;
	int	i;

	for (i = 0; i < MS_COUNT; i++) {
		cap = m->s[i].cap;
		series_free(&m->s[i]);
		series_init(&m->s[i], cap);
	}
	series_free(&m->chg);
	series_init(&m->chg, cap);
	series_free(&m->t);
	series_init(&m->t, cap);
	m->have_prev = false;
	m->dt_ns = m->shown_dt_ns = 0;
}

/*
 * A pause of the workload lies between the last sample and the next: that
 * one is a new start, with no rate over the pause (which would read as a
 * collapse) and none of the sampler's deltas that span it.
 */
void
model_gap(struct model *m)
{
	m->gap = true;
}

/* Freeze or thaw what the view sees; samples keep arriving underneath. */
void
model_freeze(struct model *m, bool on)
{
	m->frozen = on;
	if (!on) {
		m->frozen_behind = 0;
		model_show_last(m);
	}
}

/* Whether the view is frozen. */
bool
model_frozen(const struct model *m)
{
	return (m->frozen);
}

/* How many samples of history the view can see. */
size_t
model_len(const struct model *m)
{
	size_t	n = series_len(&m->s[0]);

	return (n > m->frozen_behind ? n - m->frozen_behind : 0);
}

/*
 * When the sample age samples before the newest one the view sees was
 * taken, seconds since the first sample; NAN if absent.
 */
double
model_time_s(const struct model *m, size_t age)
{
	return (series_at(&m->t, age + m->frozen_behind));
}

/* A value age samples before the newest one the view sees; NAN if absent. */
double
model_value(const struct model *m, enum model_series which, size_t age)
{
	return (series_at(&m->s[which], age + m->frozen_behind));
}

/* Two stacked values: a missing one counts as none, unless both are. */
static double
model_stacked(double a, double b)
{
	if (isnan(a))
		return (b);
	return (isnan(b) ? a : a + b);
}

/* The change and configuration bits of a sample the view sees. */
static unsigned
model_chg_bits(const struct model *m, size_t age)
{
	double	v = series_at(&m->chg, age + m->frozen_behind);

	return (isnan(v) ? 0 : (unsigned)v);
}

/* The MODEL_CHG_* bits of the sample age steps before the newest shown. */
unsigned
model_change(const struct model *m, size_t age)
{
	return (model_chg_bits(m, age) & ((1u << MODEL_CONF_SHIFT) - 1));
}

/* How many stacks the newest committed figure covers (model.h).  A
   recording's samples count every stack as read. */
unsigned
model_stacks_read(const struct model *m)
{
	const struct sample	*s = model_last(m);

	if (s == NULL)
		return (0);
	if (!s->stack_fibers && s->stacks_known < s->stack_count)
		return (s->stacks_known);
	return (s->stack_count);
}

/* How many of the newest samples the view sees belong to this scenario. */
size_t
model_segment(const struct model *m)
{
	size_t	n = model_len(m), age;

	for (age = 0; age < n; age++) {
		if (model_change(m, age) & MODEL_CHG_SCENARIO)
			return (age + 1);
	}
	return (n);
}

/*
 * The scale of a graph window samples wide: over the scenario's segment,
 * the peak of each configuration's newest window samples (its screenful),
 * the largest of them; marks left out.
 */
double
model_scale(const struct model *m, enum model_series a, enum model_series b,
    size_t window)
{
	size_t		seen[MODEL_CONFS] = { 0 };
	double		max = NAN, v;
	size_t		n = model_segment(m), age;
	unsigned	bits, conf;

	for (age = 0; age < n; age++) {
		bits = model_chg_bits(m, age);
		conf = (bits >> MODEL_CONF_SHIFT) % MODEL_CONFS;
		if ((bits & ((1u << MODEL_CONF_SHIFT) - 1)) != 0 ||
		    seen[conf] >= window)
			continue;
		seen[conf]++;
		v = model_value(m, a, age);
		if (b != MS_COUNT)
			v = model_stacked(v, model_value(m, b, age));
		if (!isnan(v) && (isnan(max) || v > max))
			max = v;
	}
	return (max);
}

/* Why a figure of a recording is missing, or NULL if it is there. */
static const char *
model_why_record(const struct model *m, enum model_series which)
{
	if (!isnan(model_value(m, which, 0)))
		return (NULL);
	if ((which == MS_FIBER_RATE || which == MS_FIBER_RUNQ ||
	    which == MS_IDLE_SW_RATE) && !m->shown.fibers)
		return ("no fibers (threads mode)");
	if (m->shown_absent[which])
		return ("not recorded");
	return ("not read when recorded");
}

/* Why the newest value of a series is missing, or NULL if it is there. */
const char *
model_why(const struct model *m, enum model_series which)
{
	enum sample_src	src = model_sources[which];

	if (!m->have_last)
		return ("no sample yet");
	if (m->shown_rec)
		return (model_why_record(m, which));
	if (src < SRC_COUNT && !m->shown.ok[src])
		return (m->shown.why[src]);
	if ((which == MS_FIBER_RATE || which == MS_FIBER_RUNQ ||
	    which == MS_IDLE_SW_RATE) && !m->shown.fibers)
		return ("no fibers (threads mode)");
	/* Per handoff or unit of work: the engine counts those. */
	if (!m->shown.ok[SRC_ENGINE] && (which == MS_NS_PER_HANDOFF ||
	    which == MS_KSW_PER_HANDOFF || which == MS_NS_PER_WORK ||
	    which == MS_KSW_PER_WORK))
		return (m->shown.why[SRC_ENGINE]);
	if (isnan(model_value(m, which, 0)) && m->shown_stale &&
	    (src == SRC_RUSAGE || src == SRC_ENGINE ||
	    which == MS_NS_PER_HANDOFF || which == MS_KSW_PER_HANDOFF ||
	    which == MS_NS_PER_WORK || which == MS_KSW_PER_WORK))
		return ("late: the workload did not answer in time");
	if (isnan(model_value(m, which, 0)))
		return (model_len(m) < 2 ? "needs two samples" : "no change");
	return (NULL);
}

/* The newest raw sample the view sees, or NULL before the first. */
const struct sample *
model_last(const struct model *m)
{
	return (m->have_last ? &m->shown : NULL);
}

/*
 * Whether what the view sees came from a recording: then model_last holds
 * only what a recording carries (no per-worker queues, no stack arena).
 */
bool
model_recorded(const struct model *m)
{
	return (m->have_last && m->shown_rec);
}

/* The measured interval behind the newest rates, seconds; NAN if none. */
double
model_interval_s(const struct model *m)
{
	if (m->shown_dt_ns == 0)
		return (NAN);
	return ((double)m->shown_dt_ns / 1e9);
}

/* Seconds since the first sample the view sees. */
double
model_elapsed_s(const struct model *m)
{
	if (!m->have_last)
		return (0);
	return ((double)(m->shown.t_ns - m->t0_ns) / 1e9);
}

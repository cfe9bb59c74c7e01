/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/series.h"

static void
test_model_series_ring_wraps(void **state)
{
	struct series	s;
	int		i;

	series_init(&s, 4);
	assert_true(isnan(series_at(&s, 0)));
	for (i = 1; i <= 6; i++)
		series_push(&s, i);
	assert_int_equal(series_len(&s), 4);
	assert_true(series_at(&s, 0) == 6);
	assert_true(series_at(&s, 3) == 3);
	assert_true(isnan(series_at(&s, 4)));
	assert_true(series_max(&s, 0, 4) == 6);
	assert_true(series_max(&s, 2, 10) == 4);
	series_free(&s);
}

static void
test_model_series_max_skips_nan(void **state)
{
	struct series	s;

	series_init(&s, 8);
	series_push(&s, NAN);
	assert_true(isnan(series_max(&s, 0, 8)));
	series_push(&s, 2);
	series_push(&s, NAN);
	assert_true(series_max(&s, 0, 8) == 2);
	series_free(&s);
}

static void
test_model_rate_uses_measured_interval(void **state)
{
	/* 1,500 events over 1.5 s is 1,000/s whatever the nominal tick. */
	assert_true(fabs(rate_per_s(1000, 2500, 1500000000u) - 1000) < 1e-9);
	assert_true(isnan(rate_per_s(5, 4, 1000000000u)));	/* reset */
	assert_true(isnan(rate_per_s(5, 9, 0)));
	assert_true(rate_per_s(7, 7, 1000000000u) == 0);
}

/* A sample with every source read. */
static void
fill(struct sample *s, uint64_t t_ns, uint64_t vcsw, uint64_t handoffs)
{
	int	i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < SRC_COUNT; i++)
		s->ok[i] = true;
	s->t_ns = t_ns;
	s->vcsw = vcsw;
	s->ivcsw = vcsw / 10;
	s->handoffs = handoffs;
	s->cpu_time_ns = handoffs * 10000;	/* 10 us of CPU a handoff */
	s->tasks_alive = 4;
	s->tasks_per_unit = 2;
	s->vm_rss = 4096;
	s->stack_reserved = 16 << 20;
	s->stack_committed = 16 << 10;
}

static void
test_model_push_computes_rates(void **state)
{
	struct model	*m = model_create(16);
	struct sample	 s;

	fill(&s, 1000000000u, 100, 1000);
	model_push(m, &s);
	assert_true(isnan(model_value(m, MS_VCSW_RATE, 0)));
	assert_non_null(model_why(m, MS_VCSW_RATE));
	assert_true(model_value(m, MS_VM_RSS, 0) == 4096);

	fill(&s, 3000000000u, 2100, 401000);	/* 2 s later */
	model_push(m, &s);
	assert_true(fabs(model_value(m, MS_VCSW_RATE, 0) - 1000) < 1e-6);
	assert_true(fabs(model_value(m, MS_HANDOFF_RATE, 0) - 200000) < 1e-6);
	/* CPU time over handoffs in the interval: 10 us each. */
	assert_true(fabs(model_value(m, MS_NS_PER_HANDOFF, 0) - 10000) < 1e-6);
	/* (1,000 + 100) kernel switches/s over 200,000 handoffs/s. */
	assert_true(fabs(model_value(m, MS_KSW_PER_HANDOFF, 0) - 0.0055) <
	    1e-9);
	assert_null(model_why(m, MS_VCSW_RATE));
	assert_true(fabs(model_interval_s(m) - 2.0) < 1e-9);
	assert_true(fabs(model_elapsed_s(m) - 2.0) < 1e-9);
	model_free(m);
}

/*
 * A workload child's counters are rated over the times it published them:
 * a pass where it has not published again gives no rate (not 0/s), and the
 * next is rated over the child's own interval (not double).
 */
static void
test_model_rates_child_publication(void **state)
{
	struct model	*m = model_create(16);
	struct sample	 s;

	fill(&s, 1000000000u, 100, 1000);
	s.pub_ns = 990000000u;
	model_push(m, &s);
	fill(&s, 2000000000u, 100, 1000);	/* stale: same publication */
	s.pub_ns = 990000000u;
	model_push(m, &s);
	assert_true(isnan(model_value(m, MS_VCSW_RATE, 0)));
	assert_true(isnan(model_value(m, MS_HANDOFF_RATE, 0)));
	assert_string_equal(model_why(m, MS_VCSW_RATE),
	    "late: the workload did not answer in time");
	assert_true(isnan(model_value(m, MS_CPU_PCT, 0)));
	/* The system's own figures are still rated over the pass. */
	fill(&s, 3000000000u, 2100, 401000);
	s.pub_ns = 2990000000u;		/* 2 s after its last publication */
	model_push(m, &s);
	assert_true(fabs(model_value(m, MS_VCSW_RATE, 0) - 1000) < 1e-6);
	assert_true(fabs(model_value(m, MS_HANDOFF_RATE, 0) - 200000) < 1e-6);
	assert_null(model_why(m, MS_VCSW_RATE));
	/* The CPU it used too: 4 s of CPU time in the 2 s between the
	 * publications is 200%, not 400% over the 1 s pass. */
	assert_true(fabs(model_value(m, MS_CPU_PCT, 0) - 200) < 1e-6);
	model_free(m);
}

/* A sleepers sample: tasks alive, wakeups, lateness and missed periods. */
static void
fill_wakes(struct sample *s, uint64_t t_ns, long alive, uint64_t wakes,
    uint64_t late_ns, uint64_t missed)
{
	fill(s, t_ns, 0, 0);
	s->scenario = "sleepers";
	s->work_unit = "wakeups";
	s->tasks_alive = alive;
	s->work = wakes;
	s->wake_period_ns = 100000000u;	/* 100 ms */
	s->wake_late_ns = late_ns;
	s->wakes_missed = missed;
}

/*
 * Sleepers keep their schedule when their wakeups come on time: 1,000
 * tasks every 100 ms are 10,000 wakeups/s due; 0.2 ms late on average is
 * on time.  Behind when the mean lateness passes 10 ms, or when more than
 * 10% of the periods due passed without a wakeup, even if the wakeups
 * that came were early enough.  Without a period: no verdict.
 */
static void
test_model_wakes_on_time_or_behind(void **state)
{
	struct model		*m = model_create(16);
	struct model_wakes	 w;
	struct sample		 s;

	fill_wakes(&s, 1000000000u, 1000, 0, 0, 0);
	model_push(m, &s);
	assert_int_equal(model_wake_state(m, &w), MODEL_WAKE_NONE);
	/* 10,000 wakeups in 1 s, 2 s of lateness in sum: 0.2 ms each. */
	fill_wakes(&s, 2000000000u, 1000, 10000, 2000000000u, 0);
	model_push(m, &s);
	assert_int_equal(model_wake_state(m, &w), MODEL_WAKE_ON_TIME);
	assert_true(fabs(w.due - 10000) < 1e-6);
	assert_true(fabs(w.rate - 10000) < 1e-6);
	assert_true(fabs(w.late_ms - 0.2) < 1e-9);
	assert_true(w.missed_pct == 0);
	/* 7,500 wakeups, 340 ms late each, 2,500 periods missed. */
	fill_wakes(&s, 3000000000u, 1000, 17500, 2000000000u +
	    7500ull * 340000000u, 2500);
	model_push(m, &s);
	assert_int_equal(model_wake_state(m, &w), MODEL_WAKE_BEHIND);
	assert_true(fabs(w.rate - 7500) < 1e-6);
	assert_true(fabs(w.late_ms - 340) < 1e-6);
	assert_true(fabs(w.missed_pct - 25) < 1e-9);
	/* Early enough, but a fifth of the periods missed: behind. */
	fill_wakes(&s, 4000000000u, 1000, 25500, 2000000000u +
	    7500ull * 340000000u + 8000ull * 1000000u, 4500);
	model_push(m, &s);
	assert_int_equal(model_wake_state(m, &w), MODEL_WAKE_BEHIND);
	assert_true(fabs(w.late_ms - 1) < 1e-9);
	assert_true(fabs(w.missed_pct - 20) < 1e-9);
	/* A scenario without a period has no schedule to keep. */
	fill(&s, 5000000000u, 0, 0);
	model_push(m, &s);
	assert_int_equal(model_wake_state(m, &w), MODEL_WAKE_NONE);
	assert_true(isnan(model_value(m, MS_WAKE_DUE_RATE, 0)));
	model_free(m);
}

static void
test_model_unread_source_says_why(void **state)
{
	struct model	*m = model_create(16);
	struct sample	 s;

	fill(&s, 1000000000u, 100, 1000);
	s.ok[SRC_STAT] = false;
	strcpy(s.why[SRC_STAT], "/proc/stat: Permission denied");
	model_push(m, &s);
	assert_true(isnan(model_value(m, MS_PROCS_RUNNING, 0)));
	assert_string_equal(model_why(m, MS_PROCS_RUNNING),
	    "/proc/stat: Permission denied");
	assert_string_equal(model_why(m, MS_FIBER_RATE),
	    "no fibers (threads mode)");
	model_free(m);
}

static void
test_model_freeze_keeps_view(void **state)
{
	struct model	*m = model_create(16);
	struct sample	 s;

	fill(&s, 1000000000u, 100, 1000);
	model_push(m, &s);
	fill(&s, 2000000000u, 1100, 2000);
	model_push(m, &s);
	model_freeze(m, true);
	fill(&s, 3000000000u, 5100, 3000);
	model_push(m, &s);
	assert_true(model_frozen(m));
	assert_true(fabs(model_value(m, MS_VCSW_RATE, 0) - 1000) < 1e-6);
	assert_int_equal(model_len(m), 2);
	assert_true(model_last(m)->t_ns == 2000000000u);
	model_freeze(m, false);
	assert_true(fabs(model_value(m, MS_VCSW_RATE, 0) - 4000) < 1e-6);
	assert_int_equal(model_len(m), 3);
	model_free(m);
}

static void
test_model_counter_reset_is_not_a_rate(void **state)
{
	struct model	*m = model_create(16);
	struct sample	 s;

	fill(&s, 1000000000u, 5000, 1000);
	model_push(m, &s);
	fill(&s, 2000000000u, 10, 1000);
	model_push(m, &s);
	assert_true(isnan(model_value(m, MS_VCSW_RATE, 0)));
	model_free(m);
}

/* A pass's table of n threads: TIDs, vcsw, ivcsw and wait_ns in steps. */
static struct thread_rows *
rows_make(size_t n, const int *tid, const uint64_t *vcsw, uint64_t wait_ns)
{
	struct thread_rows	*t;
	size_t			 i;

	t = calloc(1, sizeof *t + n * sizeof *t->rows);
	t->n = n;
	t->listed = (uint32_t)n;
	for (i = 0; i < n; i++) {
		t->rows[i].tid = tid[i];
		snprintf(t->rows[i].name, sizeof t->rows[i].name, "t%d",
		    tid[i]);
		t->rows[i].state = 'S';
		t->rows[i].has_ctxsw = t->rows[i].has_wait = true;
		t->rows[i].vcsw = vcsw[i];
		t->rows[i].ivcsw = vcsw[i] / 2;
		t->rows[i].wait_ns = wait_ns * (i + 1);
	}
	return (t);
}

/* The row of a TID in the model's table, or NULL. */
static const struct model_thread *
row_of(const struct model *m, int tid)
{
	size_t	i;

	for (i = 0; i < model_threads_len(m); i++) {
		if (model_thread_at(m, i)->tid == tid)
			return (model_thread_at(m, i));
	}
	return (NULL);
}

static void
test_model_threads_rates_by_tid(void **state)
{
	struct model			*m = model_create(8);
	struct sample			 s;
	const struct model_thread	*t;
	const int			 tid1[] = { 10, 11, 12 };
	const uint64_t			 v1[] = { 100, 1000, 50 };
	const int			 tid2[] = { 10, 12, 13 };
	const uint64_t			 v2[] = { 300, 50, 7 };

	fill(&s, 1000000000u, 0, 0);
	s.rows = rows_make(3, tid1, v1, 1000000);
	model_push(m, &s);
	/* One pass: rows, but no rates yet. */
	assert_int_equal(model_threads_len(m), 3);
	assert_true(isnan(row_of(m, 10)->vcsw));
	assert_true(isnan(row_of(m, 10)->wait_ms));

	/* Two seconds later: 11 exited, 13 appeared. */
	fill(&s, 3000000000u, 0, 0);
	s.rows = rows_make(3, tid2, v2, 5000000);
	model_push(m, &s);
	assert_int_equal(model_threads_len(m), 3);
	assert_null(row_of(m, 11));
	t = row_of(m, 10);
	assert_non_null(t);
	assert_true(fabs(t->vcsw - 100.0) < 1e-9);	/* 200 in 2 s */
	assert_true(fabs(t->ivcsw - 50.0) < 1e-9);	/* 150 - 50 in 2 s */
	/* wait_ns 1 ms -> 5 ms in 2 s: 2 ms per s. */
	assert_true(fabs(t->wait_ms - 2.0) < 1e-9);
	t = row_of(m, 12);	/* third row, then second: 3 ms -> 10 ms */
	assert_true(fabs(t->vcsw - 0.0) < 1e-9);
	assert_true(fabs(t->wait_ms - 3.5) < 1e-9);
	t = row_of(m, 13);	/* new: no rate yet */
	assert_non_null(t);
	assert_true(isnan(t->vcsw));
	/* No stack known: not known, not zero. */
	assert_true(isnan(t->stk_res));
	assert_false(model_threads_capped(m, NULL));

	/* The table hidden: no rows. */
	fill(&s, 4000000000u, 0, 0);
	model_push(m, &s);
	assert_int_equal(model_threads_len(m), 0);
	model_free(m);
}

static void
test_model_threads_sort_and_reverse(void **state)
{
	struct model	*m = model_create(8);
	struct sample	 s;
	const int	 tid[] = { 5, 6, 7, 8 };
	const uint64_t	 v1[] = { 0, 0, 0, 0 };
	const uint64_t	 v2[] = { 20, 40, 10, 40 };
	const int	 tid3[] = { 5, 6, 7, 8, 9 };
	const uint64_t	 v3[] = { 20, 40, 10, 40, 0 };

	fill(&s, 1000000000u, 0, 0);
	s.rows = rows_make(4, tid, v1, 0);
	model_push(m, &s);
	fill(&s, 2000000000u, 0, 0);
	s.rows = rows_make(4, tid, v2, 0);
	model_push(m, &s);

	/* The default: voluntary switches, busiest first, ties by TID. */
	assert_int_equal(model_threads_key(m, NULL), MT_VCSW);
	assert_int_equal(model_thread_at(m, 0)->tid, 6);
	assert_int_equal(model_thread_at(m, 1)->tid, 8);
	assert_int_equal(model_thread_at(m, 2)->tid, 5);
	assert_int_equal(model_thread_at(m, 3)->tid, 7);
	assert_null(model_thread_at(m, 4));

	model_threads_sort(m, MT_VCSW, true);
	assert_int_equal(model_thread_at(m, 0)->tid, 7);
	assert_int_equal(model_thread_at(m, 3)->tid, 8);

	/* TIDs rise. */
	model_threads_sort(m, MT_TID, false);
	assert_int_equal(model_thread_at(m, 0)->tid, 5);
	assert_int_equal(model_thread_at(m, 3)->tid, 8);

	/* A new thread has no rate: last either way. */
	fill(&s, 3000000000u, 0, 0);
	s.rows = rows_make(5, tid3, v3, 0);
	model_push(m, &s);
	model_threads_sort(m, MT_VCSW, false);
	assert_int_equal(model_thread_at(m, 4)->tid, 9);
	model_threads_sort(m, MT_VCSW, true);
	assert_int_equal(model_thread_at(m, 4)->tid, 9);
	/* Names rise; the key sticks across passes. */
	model_threads_sort(m, MT_NAME, false);
	fill(&s, 4000000000u, 0, 0);
	s.rows = rows_make(5, tid3, v3, 0);
	model_push(m, &s);
	assert_int_equal(model_threads_key(m, NULL), MT_NAME);
	assert_string_equal(model_thread_at(m, 0)->name, "t5");
	model_free(m);
}

/* A record with every figure absent but a few. */
static void
record_fill(struct model_record *r, double t, double handoffs_per_s)
{
	int	i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < MS_COUNT; i++) {
		r->v[i] = NAN;
		r->absent[i] = true;
	}
	r->t = t;
	snprintf(r->mode, sizeof r->mode, "fibers");
	snprintf(r->scenario, sizeof r->scenario, "pingpong");
	r->tasks = 512;
	r->workers = 64;
	r->v[MS_HANDOFF_RATE] = handoffs_per_s;
	r->absent[MS_HANDOFF_RATE] = false;
	r->absent[MS_NS_PER_HANDOFF] = false;	/* null in the file */
}

static void
test_model_record_shows_recorded_figures(void **state)
{
	struct model		*m = model_create(16);
	struct model_record	 r;
	const struct sample	*s;

	record_fill(&r, 0, 4321987.6);
	model_push_record(m, &r);
	record_fill(&r, 0.5, 1234.5);
	model_push_record(m, &r);
	/* The figure as recorded, not a rate of it; and its history. */
	assert_true(model_value(m, MS_HANDOFF_RATE, 0) == 1234.5);
	assert_true(model_value(m, MS_HANDOFF_RATE, 1) == 4321987.6);
	assert_int_equal(model_len(m), 2);
	assert_null(model_why(m, MS_HANDOFF_RATE));
	assert_string_equal(model_why(m, MS_NS_PER_HANDOFF),
	    "not read when recorded");
	assert_string_equal(model_why(m, MS_VM_RSS), "not recorded");
	assert_true(model_recorded(m));
	s = model_last(m);
	assert_string_equal(s->mode_name, "fibers");
	assert_string_equal(s->scenario, "pingpong");
	assert_true(s->fibers);
	assert_int_equal(s->workers, 64);	/* more than this machine has */
	assert_int_equal(s->tasks_alive, 512);
	assert_true(fabs(model_elapsed_s(m) - 0.5) < 1e-9);
	assert_true(fabs(model_interval_s(m) - 0.5) < 1e-9);

	/* Frozen, the view keeps the sample it had. */
	model_freeze(m, true);
	record_fill(&r, 1.0, 99);
	snprintf(r.mode, sizeof r.mode, "threads");
	model_push_record(m, &r);
	assert_true(model_value(m, MS_HANDOFF_RATE, 0) == 1234.5);
	assert_string_equal(model_last(m)->mode_name, "fibers");
	model_freeze(m, false);
	assert_true(model_value(m, MS_HANDOFF_RATE, 0) == 99);
	assert_string_equal(model_last(m)->mode_name, "threads");
	assert_string_equal(model_why(m, MS_FIBER_RATE),
	    "no fibers (threads mode)");
	model_free(m);
}

/* A sample of a scenario and mode, with a kernel switch count. */
static void
fill_knobs(struct sample *s, uint64_t t_ns, uint64_t vcsw,
    const char *scenario, const char *mode)
{
	fill(s, t_ns, vcsw, vcsw);
	s->scenario = scenario;
	s->mode_name = mode;
	s->fibers = strcmp(mode, "fibers") == 0;
	s->tasks_target = 2;
	s->workers_knob = 2;
	s->task_stack = s->fibers ? 16384 : 8388608;
}

/*
 * Push n samples a second apart at rate kernel switches/s from *t and
 * *count on; the first of them straddles whatever changed before it, so
 * it carries a burst of burst switches on top.
 */
static void
push_run(struct model *m, uint64_t *t, uint64_t *count, int n,
    uint64_t rate, uint64_t burst, const char *scenario, const char *mode)
{
	struct sample	s;
	int		i;

	for (i = 0; i < n; i++) {
		*t += 1000000000u;
		*count += rate + (i == 0 ? burst : 0);
		fill_knobs(&s, *t, *count, scenario, mode);
		model_push(m, &s);
	}
}

static void
test_model_scale_keeps_threads_peak_after_m(void **state)
{
	struct model	*m = model_create(256);
	uint64_t	 t = 0, n = 0;
	double		 peak;

	/* Threads pingpong at 150k/s, then m: fibers at 300/s for longer
	 * than any graph is wide, the first sample straddling the switch. */
	push_run(m, &t, &n, 10, 150000, 0, "pingpong", "threads");
	push_run(m, &t, &n, 120, 300, 5000000, "pingpong", "fibers");
	assert_true(model_change(m, 119) & MODEL_CHG_MODE);
	assert_false(model_change(m, 119) & MODEL_CHG_SCENARIO);
	assert_int_equal(model_change(m, 0), 0);
	/* Both modes share the scale: the threads peak, voluntary and
	 * involuntary stacked; the straddling burst sets nothing. */
	peak = model_scale(m, MS_VCSW_RATE, MS_IVCSW_RATE, 60);
	assert_true(fabs(peak - 150000 * 1.1) < 1);
	assert_true(fabs(model_scale(m, MS_VCSW_RATE, MS_COUNT, 60) - 150000) <
	    1);
	/* The fibers' own rate is a sliver of that scale. */
	assert_true(model_value(m, MS_VCSW_RATE, 0) < peak / 100);
	/* Back in threads, a burst at its start scrolls away with the
	 * screen; the fibers' peak stays. */
	push_run(m, &t, &n, 3, 900000, 0, "pingpong", "threads");
	assert_true(fabs(model_scale(m, MS_VCSW_RATE, MS_COUNT, 60) -
	    900000) < 1);
	push_run(m, &t, &n, 100, 20000, 0, "pingpong", "threads");
	assert_true(fabs(model_scale(m, MS_VCSW_RATE, MS_COUNT, 60) -
	    20000) < 1);
	assert_true(fabs(model_scale(m, MS_VCSW_RATE, MS_COUNT, 200) -
	    900000) < 1);
	model_free(m);
}

static void
test_model_scale_new_scenario_forgets_old(void **state)
{
	struct model	*m = model_create(256);
	uint64_t	 t = 0, n = 0;
	struct sample	 s;

	push_run(m, &t, &n, 10, 150000, 0, "pingpong", "threads");
	/* What the scenario key does: reset, then samples of the old
	 * scenario still in flight, then the new one with a burst across
	 * the change. */
	model_reset(m);
	push_run(m, &t, &n, 2, 150000, 0, "pingpong", "threads");
	push_run(m, &t, &n, 5, 1000, 900000, "cpu-flood", "threads");
	assert_int_equal(model_segment(m), 5);
	assert_true(model_change(m, 4) & MODEL_CHG_SCENARIO);
	assert_true(fabs(model_scale(m, MS_VCSW_RATE, MS_COUNT, 60) - 1000) <
	    1);
	/* A climb after the change is drawn as a climb: the peak is its
	 * own newest value. */
	push_run(m, &t, &n, 3, 4000, 0, "cpu-flood", "threads");
	assert_true(fabs(model_scale(m, MS_VCSW_RATE, MS_COUNT, 60) - 4000) <
	    1);
	/* Without a reset (a recording, a tour step) the same holds. */
	push_run(m, &t, &n, 5, 150000, 0, "pingpong", "threads");
	assert_int_equal(model_segment(m), 5);
	fill_knobs(&s, t + 1000000000u, n + 2000, "pingpong", "threads");
	model_push(m, &s);
	assert_true(fabs(model_scale(m, MS_VCSW_RATE, MS_COUNT, 60) - 150000) <
	    1);
	model_free(m);
}

static void
test_model_marks_every_change(void **state)
{
	struct model		*m = model_create(64);
	struct model_record	 r;
	struct sample		 s;
	uint64_t		 t = 1000000000u;

	fill_knobs(&s, t, 0, "cpu-flood", "threads");
	model_push(m, &s);
	assert_int_equal(model_change(m, 0), 0);	/* nothing before */
	fill_knobs(&s, t += 1000000000u, 10, "cpu-flood", "threads");
	s.variant = true;
	model_push(m, &s);
	assert_int_equal(model_change(m, 0), MODEL_CHG_VARIANT);
	fill_knobs(&s, t += 1000000000u, 20, "cpu-flood", "threads");
	s.variant = true;
	s.tasks_target = 4;
	model_push(m, &s);
	assert_int_equal(model_change(m, 0), MODEL_CHG_TASKS_UP);
	fill_knobs(&s, t += 1000000000u, 30, "cpu-flood", "threads");
	s.variant = true;
	s.workers_knob = 1;
	s.task_stack = 65536;
	model_push(m, &s);
	assert_int_equal(model_change(m, 0), MODEL_CHG_TASKS_DOWN |
	    MODEL_CHG_WORKERS_DOWN | MODEL_CHG_STACK);
	/* A mode's own stack size is no stack change. */
	fill_knobs(&s, t += 1000000000u, 40, "cpu-flood", "fibers");
	s.variant = true;
	s.workers_knob = 1;
	model_push(m, &s);
	assert_int_equal(model_change(m, 0), MODEL_CHG_MODE);
	assert_int_equal(model_change(m, 1), MODEL_CHG_TASKS_DOWN |
	    MODEL_CHG_WORKERS_DOWN | MODEL_CHG_STACK);
	/* The scenario key: the engine shows the new target a sample
	 * before the new name; one key, one mark. */
	fill_knobs(&s, t += 1000000000u, 45, "cpu-flood", "fibers");
	s.variant = true;
	s.workers_knob = 1;
	s.tasks_target = 64;
	model_push(m, &s);
	assert_int_equal(model_change(m, 0), MODEL_CHG_TASKS_UP);
	fill_knobs(&s, t += 1000000000u, 48, "sleepers", "fibers");
	s.workers_knob = 1;
	s.tasks_target = 64;
	model_push(m, &s);
	assert_int_equal(model_change(m, 1), 0);
	assert_int_equal(model_change(m, 0), MODEL_CHG_SCENARIO |
	    MODEL_CHG_VARIANT | MODEL_CHG_TASKS_UP);
	/* A sample without the engine says nothing either way. */
	fill_knobs(&s, t += 1000000000u, 50, "pingpong", "fibers");
	s.ok[SRC_ENGINE] = false;
	model_push(m, &s);
	assert_int_equal(model_change(m, 0), 0);
	model_free(m);

	/* A replayed recording marks the same changes. */
	m = model_create(64);
	record_fill(&r, 0, 10);
	r.has_knobs = true;
	r.tasks_target = 512;
	r.stack_bytes = 16384;
	model_push_record(m, &r);
	record_fill(&r, 1, 10);
	r.has_knobs = true;
	r.tasks_target = 1024;
	r.stack_bytes = 16384;
	r.variant = true;
	model_push_record(m, &r);
	assert_int_equal(model_change(m, 0), MODEL_CHG_VARIANT |
	    MODEL_CHG_TASKS_UP);
	assert_int_equal(model_last(m)->tasks_target, 1024);
	record_fill(&r, 1.5, 10);
	model_push_record(m, &r);	/* an older recording: no knobs */
	assert_int_equal(model_change(m, 0), 0);
	record_fill(&r, 2, 10);
	snprintf(r.scenario, sizeof r.scenario, "sleepers");
	model_push_record(m, &r);
	assert_int_equal(model_change(m, 0), MODEL_CHG_SCENARIO);
	assert_int_equal(model_segment(m), 1);
	assert_true(isnan(model_scale(m, MS_HANDOFF_RATE, MS_COUNT, 60)));
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_series_ring_wraps),
		cmocka_unit_test(test_model_series_max_skips_nan),
		cmocka_unit_test(test_model_rate_uses_measured_interval),
		cmocka_unit_test(test_model_push_computes_rates),
		cmocka_unit_test(test_model_rates_child_publication),
		cmocka_unit_test(test_model_wakes_on_time_or_behind),
		cmocka_unit_test(test_model_unread_source_says_why),
		cmocka_unit_test(test_model_freeze_keeps_view),
		cmocka_unit_test(test_model_counter_reset_is_not_a_rate),
		cmocka_unit_test(test_model_threads_rates_by_tid),
		cmocka_unit_test(test_model_threads_sort_and_reverse),
		cmocka_unit_test(test_model_record_shows_recorded_figures),
		cmocka_unit_test(test_model_scale_keeps_threads_peak_after_m),
		cmocka_unit_test(test_model_scale_new_scenario_forgets_old),
		cmocka_unit_test(test_model_marks_every_change),
	};

	return (cmocka_run_group_tests_name("model", tests, NULL, NULL));
}

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
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
	    "no fibers in threads mode");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_series_ring_wraps),
		cmocka_unit_test(test_model_series_max_skips_nan),
		cmocka_unit_test(test_model_rate_uses_measured_interval),
		cmocka_unit_test(test_model_push_computes_rates),
		cmocka_unit_test(test_model_unread_source_says_why),
		cmocka_unit_test(test_model_freeze_keeps_view),
		cmocka_unit_test(test_model_counter_reset_is_not_a_rate),
	};

	return (cmocka_run_group_tests_name("model", tests, NULL, NULL));
}

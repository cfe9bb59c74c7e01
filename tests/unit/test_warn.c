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
#include "model/warn.h"

#define SEC	1000000000ULL

/* A quiet sample at second t: every source read, nothing wrong. */
static void
fill(struct sample *s, uint64_t t)
{
	int	i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < SRC_COUNT; i++)
		s->ok[i] = true;
	s->t_ns = t * SEC;
	s->interval_ns = SEC;
	s->pass_ns = SEC / 100;
	s->vcsw = 1000 * t;
	s->ivcsw = 10 * t;
	s->threads_r = 1;
	s->tasks_alive = 100;
	s->tasks_target = 100;
	s->work = 500 * t;
	s->stack_reserved = 64 << 10;
	s->stack_committed = 16 << 10;
	s->scenario = "test";
	s->mode_name = "threads";
	s->work_unit = "tasks started";
}

/* Push n samples from second t0, each changed by fn. */
static void
feed(struct model *m, struct warns *w, uint64_t t0, int n,
    void (*fn)(struct sample *, int))
{
	struct sample	s;
	int		i;

	for (i = 0; i < n; i++) {
		fill(&s, t0 + (uint64_t)i);
		if (fn != NULL)
			fn(&s, i);
		model_push(m, &s);
		warn_eval(w, m);
	}
}

static void
stacks_big(struct sample *s, int i)
{
	s->stack_reserved = 200ULL << 23;	/* 200 threads of 8 MiB */
	s->stack_committed = 200ULL << 13;	/* 8 KiB each */
	s->stack_count = s->stacks_known = s->stacks_measured = 200;
}

static void
stacks_settling(struct sample *s, int i)
{
	/* 20 of 200 stacks read, 8 KiB each: the sum is a tenth. */
	stacks_big(s, i);
	s->stack_committed = 20ULL << 13;
	s->stacks_known = 20;
}

static void
stacks_few(struct sample *s, int i)
{
	stacks_big(s, i);
	s->stack_reserved = 64ULL << 23;	/* cpu-flood's 64 threads */
	s->stack_committed = 64ULL << 13;
	s->stack_count = s->stacks_known = s->stacks_measured = 64;
}

static void
stacks_unread(struct sample *s, int i)
{
	stacks_big(s, i);
	s->stacks_known = 0;
}

static void
flood(struct sample *s, int i)
{
	s->threads_r = 40;
	s->ivcsw = 5000 * (s->t_ns / SEC);
}

static void
flood_voluntary(struct sample *s, int i)
{
	s->threads_r = 40;	/* runnable, but they switch by choice */
}

static void
blocked_all(struct sample *s, int i)
{
	s->fibers = true;
	s->workers = 2;
	s->blocked_workers = 2;
}

static void
blocked_one(struct sample *s, int i)
{
	blocked_all(s, i);
	s->blocked_workers = 1;
}

static void
hog(struct sample *s, int i)
{
	s->fibers = true;
	s->workers = 2;
	s->long_run_ns = 30000000;
	s->long_run_worker = 1;
	s->long_run_queued = 7;
}

static void
short_runs(struct sample *s, int i)
{
	hog(s, i);
	s->long_run_ns = 2000000;
}

static void
nobody_queued(struct sample *s, int i)
{
	hog(s, i);
	s->long_run_queued = 0;
}

static void
leaking(struct sample *s, int i)
{
	s->tasks_alive = 100 + 200 * i;
	s->tasks_target = 4000;
}

static void
growing(struct sample *s, int i)
{
	/* More tasks doing more work: not a leak. */
	leaking(s, i);
	s->work = (uint64_t)(500 * (1 + i)) * (s->t_ns / SEC);
}

static void
slow_pass(struct sample *s, int i)
{
	s->pass_ns = SEC + SEC / 2;
}

/* Run fn for n samples; return the rules active after the last. */
static unsigned
run(void (*fn)(struct sample *, int), int n, struct warns *w)
{
	struct model	*m = model_create(64);
	unsigned	 mask;

	warn_init(w, 2);
	feed(m, w, 1, n, fn);
	mask = warn_active(w);
	model_free(m);
	return (mask);
}

static void
test_warn_quiet_on_a_quiet_model(void **state)
{
	struct warns	w;

	assert_int_equal(run(NULL, 10, &w), 0);
	assert_int_equal(w.seen, 0);
}

static void
test_warn_stacks(void **state)
{
	struct warns	w;

	assert_int_equal(run(stacks_big, 2, &w), 1u << WARN_STACKS);
	assert_non_null(strstr(w.text[WARN_STACKS], "1024 times"));
	assert_non_null(strstr(w.text[WARN_STACKS], "8.00 MiB each for "
	    "8.00 KiB"));
	/* While stacks are still being read, the ratio is per stack read,
	   not of a partial sum that would say 10240 times. */
	assert_int_equal(run(stacks_settling, 2, &w), 1u << WARN_STACKS);
	assert_non_null(strstr(w.text[WARN_STACKS], "1024 times"));
	assert_int_equal(run(stacks_unread, 2, &w), 0);
	/* A few threads reserving 8 MiB each are not worth a warning. */
	assert_int_equal(run(stacks_few, 2, &w), 0);
}

static void
test_warn_flood(void **state)
{
	struct warns	w;

	/* Three samples in a row, and rates need two: the fourth fires. */
	assert_int_equal(run(flood, 2, &w), 0);
	assert_int_equal(run(flood, 4, &w), 1u << WARN_FLOOD);
	assert_non_null(strstr(w.text[WARN_FLOOD], "40 threads runnable "
	    "for 2 CPUs"));
	assert_int_equal(run(flood_voluntary, 6, &w), 0);
}

static void
test_warn_blocking(void **state)
{
	struct warns	w;

	assert_int_equal(run(blocked_all, 2, &w), 1u << WARN_BLOCKING);
	assert_non_null(strstr(w.text[WARN_BLOCKING], "all 2 workers in blocking calls"));
	assert_int_equal(run(blocked_one, 4, &w), 0);
}

static void
test_warn_long_run_names_the_worker(void **state)
{
	struct warns	w;

	assert_int_equal(run(hog, 1, &w), 1u << WARN_LONG_RUN);
	assert_non_null(strstr(w.text[WARN_LONG_RUN], "worker 1 for 30 ms"));
	assert_non_null(strstr(w.text[WARN_LONG_RUN], "7 fibers queued"));
	assert_int_equal(run(short_runs, 4, &w), 0);
	/* A long slice with no fiber queued behind it is a preempted
	   worker or a lone task: no fiber waited, nothing to teach. */
	assert_int_equal(run(nobody_queued, 4, &w), 0);
}

static void
test_warn_leak(void **state)
{
	struct warns	w;

	assert_int_equal(run(leaking, WARN_LEAK_SAMPLES, &w), 0);
	assert_int_equal(run(leaking, 10, &w), 1u << WARN_LEAK);
	assert_non_null(strstr(w.text[WARN_LEAK], "900 to 1900"));
	assert_int_equal(run(growing, 10, &w), 0);
}

static void
test_warn_sampler(void **state)
{
	struct warns	w;

	assert_int_equal(run(slow_pass, 1, &w), 1u << WARN_SAMPLER);
	assert_non_null(strstr(w.text[WARN_SAMPLER], "pass 1500 ms > "
	    "interval 1000 ms"));
}

/* A warning begins and ends at the samples' times; --allow silences it. */
static void
test_warn_began_ended_allow(void **state)
{
	struct model	*m = model_create(64);
	struct warns	 w;
	char		 names[64];

	warn_init(&w, 2);
	feed(m, &w, 1, 3, NULL);
	feed(m, &w, 4, 2, slow_pass);
	assert_int_equal(w.began_now, 0);
	assert_true(w.active[WARN_SAMPLER]);
	assert_true(w.began[WARN_SAMPLER] == 3.0);	/* t 4 s, from 1 s */
	feed(m, &w, 6, 1, NULL);
	assert_int_equal(w.ended_now, 1u << WARN_SAMPLER);
	assert_true(w.ended[WARN_SAMPLER] == 5.0);
	warn_names(w.seen, names, sizeof names);
	assert_string_equal(names, "sampler");
	model_free(m);

	m = model_create(64);
	warn_init(&w, 2);
	w.on[WARN_SAMPLER] = false;
	feed(m, &w, 1, 3, slow_pass);
	assert_int_equal(w.seen, 0);
	model_free(m);
	assert_int_equal(warn_lookup("leak"), WARN_LEAK);
	assert_int_equal(warn_lookup("nosuch"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warn_quiet_on_a_quiet_model),
		cmocka_unit_test(test_warn_stacks),
		cmocka_unit_test(test_warn_flood),
		cmocka_unit_test(test_warn_blocking),
		cmocka_unit_test(test_warn_long_run_names_the_worker),
		cmocka_unit_test(test_warn_leak),
		cmocka_unit_test(test_warn_sampler),
		cmocka_unit_test(test_warn_began_ended_allow),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

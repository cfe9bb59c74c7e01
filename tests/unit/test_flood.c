/* SPDX-License-Identifier: ISC */
/*
 * The cpu-flood and fanin scenarios through the engine: each mode and
 * variant starts, does work, resizes, and engine_destroy returns while the
 * tasks spin (cpu-flood) or wait on the shared queue (fanin).  No timing is
 * asserted (the machine is shared); waits are generous and the destroy
 * times are printed for the record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "util/util.h"

#define WAIT_NS	30000000000u	/* 30 s: the machine may be loaded */

/* Wait until the scenario has this many tasks alive and work past mark. */
static bool
wait_work(struct engine *e, long alive, uint64_t mark,
    struct engine_snapshot *s)
{
	struct timespec	ts = { 0, 10000000 };
	uint64_t	until = util_now_ns() + WAIT_NS;

	do {
		engine_snapshot(e, s);
		if (s->tasks_alive == alive && s->work > mark)
			return (true);
		nanosleep(&ts, NULL);
	} while (util_now_ns() < until);
	return (false);
}

/* Run a scenario in a mode and variant: start, work, grow, shrink, quit. */
static void
run(const char *name, enum engine_mode mode, bool variant, long tasks)
{
	struct engine_config	 cfg = { .mode = mode, .scenario = name,
	    .tasks = tasks, .workers = 2, .variant = variant };
	struct engine_snapshot	 s;
	struct engine		*e;
	char			 err[ENGINE_ERRLEN];
	uint64_t		 t0;

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	assert_true(wait_work(e, tasks, 10, &s));
	assert_string_equal(s.scenario, name);
	assert_true(s.variant == variant);
	assert_non_null(s.work_unit);

	assert_int_equal(engine_set_tasks(e, tasks * 2, err, sizeof err), 0);
	assert_true(wait_work(e, tasks * 2, s.work, &s));
	assert_int_equal(engine_set_tasks(e, tasks / 2, err, sizeof err), 0);
	assert_true(wait_work(e, tasks / 2, s.work, &s));
	if (strcmp(name, "cpu-flood") == 0) {
		/* Every chunk has a wait measured. */
		assert_true(s.latency_count > 0);
		assert_true(s.latency_count == s.work);
	}

	/* Quit while the tasks are busy. */
	t0 = util_now_ns();
	engine_destroy(e);
	printf("# %s %s%s: engine_destroy took %.0f ms\n", name,
	    engine_mode_name(mode), variant ? " -b" : "",
	    (double)(util_now_ns() - t0) / 1e6);
}

static void
test_cpuflood_threads(void **state)
{
	run("cpu-flood", ENGINE_THREADS, false, 16);
}

static void
test_cpuflood_threads_pool(void **state)
{
	run("cpu-flood", ENGINE_THREADS, true, 16);
}

static void
test_cpuflood_fibers(void **state)
{
	run("cpu-flood", ENGINE_FIBERS, false, 16);
}

static void
test_cpuflood_fibers_pool(void **state)
{
	run("cpu-flood", ENGINE_FIBERS, true, 16);
}

static void
test_fanin_threads(void **state)
{
	run("fanin", ENGINE_THREADS, false, 16);
}

static void
test_fanin_threads_partial(void **state)
{
	run("fanin", ENGINE_THREADS, true, 16);
}

static void
test_fanin_fibers(void **state)
{
	run("fanin", ENGINE_FIBERS, false, 16);
}

static void
test_fanin_fibers_partial(void **state)
{
	run("fanin", ENGINE_FIBERS, true, 16);
}

/* The pool follows P live, and a variant switch restarts cleanly. */
static void
test_cpuflood_pool_workers_live(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_THREADS,
	    .scenario = "cpu-flood", .tasks = 8, .workers = 2,
	    .variant = true };
	struct engine_snapshot	 s;
	struct engine		*e;
	char			 err[ENGINE_ERRLEN];

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	assert_true(wait_work(e, 8, 10, &s));
	cfg.workers = 4;
	assert_int_equal(engine_wait(e, engine_request(e, &cfg), err,
	    sizeof err), 0);
	assert_true(wait_work(e, 8, s.work, &s));
	cfg.workers = 1;
	assert_int_equal(engine_wait(e, engine_request(e, &cfg), err,
	    sizeof err), 0);
	assert_true(wait_work(e, 8, s.work, &s));
	cfg.variant = false;
	assert_int_equal(engine_wait(e, engine_request(e, &cfg), err,
	    sizeof err), 0);
	assert_true(wait_work(e, 8, 0, &s));
	assert_false(s.variant);
	engine_destroy(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuflood_threads),
		cmocka_unit_test(test_cpuflood_threads_pool),
		cmocka_unit_test(test_cpuflood_fibers),
		cmocka_unit_test(test_cpuflood_fibers_pool),
		cmocka_unit_test(test_cpuflood_pool_workers_live),
		cmocka_unit_test(test_fanin_threads),
		cmocka_unit_test(test_fanin_threads_partial),
		cmocka_unit_test(test_fanin_fibers),
		cmocka_unit_test(test_fanin_fibers_partial),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

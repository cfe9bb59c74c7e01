/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "engine/engine.h"
#include "runtime/fiber.h"
#include "util/util.h"

/* Wait up to 10 s for the handoff counter to pass a mark. */
static uint64_t
wait_handoffs(struct engine *e, uint64_t mark)
{
	struct engine_snapshot	s;
	struct timespec		ts = { 0, 10000000 };
	uint64_t		until = util_now_ns() + 10000000000u;

	do {
		engine_snapshot(e, &s);
		if (s.handoffs > mark)
			break;
		nanosleep(&ts, NULL);
	} while (util_now_ns() < until);
	return (s.handoffs);
}

static struct engine *
start(long tasks)
{
	struct engine_config	cfg = { .mode = ENGINE_THREADS,
	    .scenario = "pingpong", .tasks = tasks };
	char			err[ENGINE_ERRLEN];

	return (engine_create(&cfg, err, sizeof err));
}

static void
test_engine_pingpong_hands_off(void **state)
{
	struct engine		*e = start(0);
	struct engine_snapshot	 s;
	struct engine_stack	 st[8];

	assert_non_null(e);
	assert_true(wait_handoffs(e, 1000) > 1000);
	engine_snapshot(e, &s);
	assert_string_equal(s.scenario, "pingpong");
	assert_int_equal(s.tasks_target, 2);
	assert_int_equal(s.tasks_alive, 2);
	assert_int_equal(s.tasks_per_unit, 2);
	assert_non_null(s.caption);
	/* Both threads registered a real stack range. */
	assert_int_equal(engine_stacks(e, st, 8), 2);
	assert_true(st[0].size >= 16384 && st[1].size >= 16384);
	assert_true(st[0].tid != st[1].tid);
	engine_destroy(e);
}

static void
test_engine_pingpong_grows_and_shrinks(void **state)
{
	struct engine		*e = start(2);
	struct engine_snapshot	 s;
	struct engine_stack	 st[64];
	char			 err[ENGINE_ERRLEN];
	uint64_t		 before;

	assert_non_null(e);
	assert_int_equal(engine_set_tasks(e, 16, err, sizeof err), 0);
	engine_snapshot(e, &s);
	assert_int_equal(s.tasks_alive, 16);
	before = s.handoffs;
	assert_true(wait_handoffs(e, before + 1000) > before + 1000);
	assert_int_equal(engine_set_tasks(e, 4, err, sizeof err), 0);
	engine_snapshot(e, &s);
	assert_int_equal(s.tasks_alive, 4);
	/* Counters never go back when pairs stop. */
	assert_true(s.handoffs >= before);
	assert_int_equal(engine_stacks(e, st, 64), 4);
	engine_destroy(e);
}

static void
test_engine_clamps_requests(void **state)
{
	struct engine		*e = start(3);
	struct engine_snapshot	 s;
	char			 err[ENGINE_ERRLEN];

	assert_non_null(e);
	engine_snapshot(e, &s);
	assert_int_equal(s.tasks_target, 2);	/* whole pairs only */
	assert_int_equal(engine_set_tasks(e, engine_tasks_max(e) * 4, err,
	    sizeof err) == 0 || err[0] != '\0', 1);
	engine_snapshot(e, &s);
	assert_true(s.tasks_target <= engine_tasks_max(e));
	engine_destroy(e);
}

static void
test_engine_pingpong_fibers_and_back(void **state)
{
	struct engine			*e = start(8);
	struct engine_snapshot		 s;
	struct engine_fiber_memory	 fm;
	char				 err[ENGINE_ERRLEN];
	uint64_t			 before;

	assert_non_null(e);
	assert_int_equal(engine_fiber_memory(e, &fm, true), -1);
	assert_int_equal(engine_set_mode(e, ENGINE_FIBERS, err, sizeof err),
	    0);
	engine_snapshot(e, &s);
	assert_int_equal(s.mode, ENGINE_FIBERS);
	assert_int_equal(s.tasks_alive, 8);	/* the knob carried over */
	assert_true(s.workers >= 1);
	/* No thread stacks now: the tasks are fibers. */
	assert_int_equal(engine_stacks(e, NULL, 0), 0);
	before = s.fiber_switches;
	assert_true(wait_handoffs(e, s.handoffs + 100000) > s.handoffs +
	    100000);
	engine_snapshot(e, &s);
	/* Fibers waiting on the channel park: the runtime switches. */
	assert_true(s.fiber_switches > before + 1000);
	assert_int_equal(engine_fiber_memory(e, &fm, true), 0);
	assert_int_equal(fm.live, 8);
	assert_true(fm.reserved >= 8 * 2048 && fm.arena >= fm.reserved);
	assert_true(fm.committed > 0);
	assert_int_equal(engine_set_tasks(e, 16, err, sizeof err), 0);
	engine_snapshot(e, &s);
	assert_int_equal(s.tasks_alive, 16);

	assert_int_equal(engine_set_mode(e, ENGINE_THREADS, err, sizeof err),
	    0);
	engine_snapshot(e, &s);
	assert_int_equal(s.mode, ENGINE_THREADS);
	assert_int_equal(s.tasks_alive, 16);
	assert_int_equal(s.workers, 0);
	assert_int_equal(engine_stacks(e, NULL, 0), 16);
	engine_destroy(e);
}

/* How many of the process's threads besides the main one block sig. */
static int
threads_blocking(int sig, int *others)
{
	DIR			*d = opendir("/proc/self/task");
	struct dirent		*de;
	char			 path[300], line[256];
	unsigned long long	 mask;
	int			 n = 0;
	FILE			*f;

	*others = 0;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status",
		    de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		(*others)++;
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "SigBlk: %llx", &mask) == 1 &&
			    (mask & (1ULL << (sig - 1))) != 0)
				n++;
		}
		fclose(f);
	}
	closedir(d);
	return (n);
}

/*
 * Workload threads never take SIGINT or SIGWINCH: the main thread handles
 * them, and a handler could not land on a fiber's small stack.
 */
static void
test_engine_threads_block_async_signals(void **state)
{
	struct engine	*e = start(4);
	char		 err[ENGINE_ERRLEN];
	int		 others, n;

	assert_non_null(e);
	n = threads_blocking(SIGINT, &others);
	assert_int_equal(n, others);
	assert_true(others >= 4);
	n = threads_blocking(SIGWINCH, &others);
	assert_int_equal(n, others);
	assert_int_equal(engine_set_mode(e, ENGINE_FIBERS, err, sizeof err),
	    0);
	n = threads_blocking(SIGINT, &others);
	assert_int_equal(n, others);
	assert_true(others >= 1);	/* the workers and the poller */
	engine_destroy(e);
}

/*
 * How much stack each scenario's fibers really use, painted and scanned
 * once they return, on a stack large enough not to limit the measure.
 * The smallest class (FIBER_STACK_MIN) must hold the deepest with room
 * to spare: what is left is the margin the man page promises.
 */
static void
test_engine_fiber_stack_depth(void **state)
{
	struct engine_scenario_info	 info;
	struct engine_config		 cfg;
	struct engine			*e;
	struct timespec			 ts = { 0, 400000000 };
	char				 err[ENGINE_ERRLEN];
	size_t				 i, deepest, most = 0;

	for (i = 0; engine_scenario(i, &info) == 0; i++) {
		memset(&cfg, 0, sizeof cfg);
		cfg.mode = ENGINE_FIBERS;
		cfg.scenario = info.name;
		cfg.tasks = 64;
		cfg.stack[ENGINE_FIBERS] = 64 * 1024;
		fiber_stack_paint(1);
		e = engine_create(&cfg, err, sizeof err);
		assert_non_null(e);
		nanosleep(&ts, NULL);
		engine_destroy(e);
		deepest = fiber_stack_deepest();
		fiber_stack_paint(0);
		print_message("%-10s deepest fiber stack %zu bytes\n",
		    info.name, deepest);
		assert_true(deepest > 0);
		if (deepest > most)
			most = deepest;
	}
#ifndef CSW_SANITIZED	/* sanitizer frames are larger; fiber.h says so */
	assert_true(most + FIBER_STACK_MARGIN <= FIBER_STACK_MIN);
#endif
}

static void
test_engine_rejects_unknown_scenario(void **state)
{
	struct engine_config	cfg = { .mode = ENGINE_THREADS,
	    .scenario = "nosuch" };
	char			err[ENGINE_ERRLEN];

	assert_null(engine_create(&cfg, err, sizeof err));
	assert_string_equal(err, "unknown scenario 'nosuch'");
}

/*
 * A big request ramps on the control thread: the call returns at once,
 * tasks_alive climbs in steps, and destroying the engine mid-ramp stops
 * and joins everything.
 */
static void
test_engine_ramps_in_background(void **state)
{
	struct engine		*e = start(2);
	struct engine_config	 cfg;
	struct engine_snapshot	 s;
	struct timespec		 ts = { 0, 5000000 };
	uint64_t		 until = util_now_ns() + 60000000000u;
	bool			 saw_ramp = false;

	assert_non_null(e);
	engine_config_get(e, &cfg);
	cfg.tasks = 512;	/* four steps of 128 threads */
	engine_request(e, &cfg);
	do {
		engine_snapshot(e, &s);
		assert_int_equal(s.tasks_target, 512);
		if (s.tasks_alive > 2 && s.tasks_alive < 512)
			saw_ramp = true;
		nanosleep(&ts, NULL);
	} while (s.tasks_alive < 512 && util_now_ns() < until);
	assert_int_equal(s.tasks_alive, 512);
	assert_true(saw_ramp);
	/* Down again, then up and quit halfway. */
	cfg.tasks = 2;
	assert_int_equal(engine_wait(e, engine_request(e, &cfg), NULL, 0), 0);
	engine_snapshot(e, &s);
	assert_int_equal(s.tasks_alive, 2);
	assert_int_equal(engine_stacks(e, NULL, 0), 2);
	cfg.tasks = 512;
	engine_request(e, &cfg);
	engine_destroy(e);
}

/* The knobs: workers, stack size and mode carry over a mode switch. */
static void
test_engine_knobs_carry_over(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_THREADS,
	    .scenario = "pingpong", .tasks = 4, .workers = 3,
	    .stack = { 64 * 1024, 4096 } };
	struct engine_snapshot	 s;
	struct engine_stack	 st[4];
	struct engine		*e;
	char			 err[ENGINE_ERRLEN];

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	engine_snapshot(e, &s);
	assert_int_equal(s.stack_size, 64 * 1024);
	assert_int_equal(s.workers_knob, 3);
	assert_int_equal(engine_stacks(e, st, 4), 4);
	/* Sanitizers may add to a stack, but it is not the default. */
	assert_true(st[0].size >= 64 * 1024 &&
	    st[0].size < engine_thread_stack_default());
	assert_int_equal(engine_set_mode(e, ENGINE_FIBERS, err, sizeof err),
	    0);
	engine_snapshot(e, &s);
	assert_int_equal(s.workers, 3);
#ifdef CSW_SANITIZED
	assert_int_equal(s.stack_size, 16384);	/* sanitizer frames */
#else
	assert_int_equal(s.stack_size, 4096);
#endif
	assert_int_equal(s.tasks_alive, 4);
	/* P changes live in fibers mode. */
	engine_config_get(e, &cfg);
	cfg.workers = 1;
	assert_int_equal(engine_wait(e, engine_request(e, &cfg), err,
	    sizeof err), 0);
	engine_snapshot(e, &s);
	assert_int_equal(s.workers, 1);
	assert_int_equal(s.tasks_alive, 4);
	engine_destroy(e);
}

/*
 * A new scenario starts all its tasks: the message after the ramp counts
 * those, not the difference with the old scenario's (pingpong's 2).
 */
static void
test_engine_restart_counts_started(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_FIBERS,
	    .scenario = "pingpong", .tasks = 2 };
	struct engine		*e;
	char			 err[ENGINE_ERRLEN], msg[ENGINE_ERRLEN];
	uint64_t		 seq = 0;

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	(void)engine_message(e, &seq, msg, sizeof msg);
	engine_config_get(e, &cfg);
	cfg.scenario = "sleepers";
	cfg.tasks = 1000;
	assert_int_equal(engine_wait(e, engine_request(e, &cfg), err,
	    sizeof err), 0);
	msg[0] = '\0';
	(void)engine_message(e, &seq, msg, sizeof msg);
	if (strstr(msg, "1,000 tasks running") == NULL ||
	    strstr(msg, " started in ") == NULL)
		fail_msg("ramp message: '%s'", msg);
	engine_destroy(e);
}

/* The table has the scenarios the keys name, in order. */
static void
test_engine_scenario_table(void **state)
{
	struct engine_scenario_info	info;

	assert_int_equal(engine_scenario(0, &info), 0);
	assert_string_equal(info.name, "pingpong");
	assert_int_equal(engine_scenario(99, &info), -1);
	assert_int_equal(engine_stack_next(ENGINE_THREADS, 0), 1u << 20);
	assert_int_equal(engine_stack_next(ENGINE_THREADS, 64u << 10), 0);
	assert_int_equal(engine_stack_next(ENGINE_FIBERS, 0), 64u << 10);
	assert_int_equal(engine_stack_next(ENGINE_FIBERS, 64u << 10),
	    2u << 10);
}

/*
 * The rails: with RLIMIT_NPROC a few hundred threads above what runs, a
 * request for 2048 threads is capped below it, the engine says which limit
 * capped it, and the screen's target is the capped one.  As root the
 * kernel does not enforce RLIMIT_NPROC, so the test cannot starve the
 * machine; as another user it is skipped for the same reason.
 */
static void
test_engine_rails_cap_threads(void **state)
{
	struct engine		*e;
	struct engine_config	 cfg;
	struct engine_snapshot	 s;
	struct rlimit		 old, rl;
	char			 msg[ENGINE_ERRLEN];
	uint64_t		 seq = 0;
	int			 i;

	if (geteuid() != 0)
		skip();
	e = start(2);
	assert_non_null(e);
	assert_int_equal(getrlimit(RLIMIT_NPROC, &old), 0);
	rl = old;
	rl.rlim_cur = 600;	/* headroom 256: about 340 more threads */
	assert_int_equal(setrlimit(RLIMIT_NPROC, &rl), 0);
	engine_config_get(e, &cfg);
	cfg.tasks = 2048;
	assert_int_equal(engine_wait(e, engine_request(e, &cfg), msg,
	    sizeof msg), 0);
	assert_int_equal(setrlimit(RLIMIT_NPROC, &old), 0);
	engine_snapshot(e, &s);
	assert_true(s.tasks_alive < 600 && s.tasks_alive > 100);
	assert_int_equal(s.tasks_target, s.tasks_alive);
	msg[0] = '\0';
	for (i = 0; i < 100 && !engine_message(e, &seq, msg, sizeof msg); i++)
		usleep(10000);
	if (strstr(msg, "capped at") == NULL ||
	    strstr(msg, "RLIMIT_NPROC 600") == NULL)
		fail_msg("cap message: '%s'", msg);
	engine_destroy(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_pingpong_hands_off),
		cmocka_unit_test(test_engine_pingpong_grows_and_shrinks),
		cmocka_unit_test(test_engine_clamps_requests),
		cmocka_unit_test(test_engine_pingpong_fibers_and_back),
		cmocka_unit_test(test_engine_threads_block_async_signals),
		cmocka_unit_test(test_engine_rejects_unknown_scenario),
		cmocka_unit_test(test_engine_ramps_in_background),
		cmocka_unit_test(test_engine_knobs_carry_over),
		cmocka_unit_test(test_engine_restart_counts_started),
		cmocka_unit_test(test_engine_scenario_table),
		cmocka_unit_test(test_engine_fiber_stack_depth),
		cmocka_unit_test(test_engine_rails_cap_threads),
	};

	return (cmocka_run_group_tests_name("engine", tests, NULL, NULL));
}

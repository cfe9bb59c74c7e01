#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "engine/engine.h"
#include "sampler/sampler.h"

static void
test_sampler_collect_reads_fixture_root(void **state)
{
	struct sampler_pass	p;
	struct sample		s;

	sampler_pass_init(&p, FIXTURES "/proc/root", NULL);
	sampler_collect(&p, &s);
	assert_true(s.ok[SRC_STAT]);
	assert_int_equal(s.ctxt, 338730);
	assert_int_equal(s.procs_running, 1);
	assert_int_equal(s.procs_blocked, 0);
	assert_true(s.ok[SRC_LOADAVG]);
	assert_int_equal(s.load_runnable, 1);
	assert_int_equal(s.load_total, 90);
	assert_true(s.ok[SRC_STATUS]);
	assert_int_equal(s.vm_size, 27972 * 1024);
	assert_int_equal(s.vm_rss, 1608 * 1024);
	assert_int_equal(s.threads, 4);
	assert_true(s.ok[SRC_PSI]);
	assert_true(fabs(s.psi_some_avg10 - 2.01) < 1e-9);
	assert_true(s.ok[SRC_MEMINFO]);
	assert_int_equal(s.kernel_stack, 1472u * 1024);
	/* Four threads, one named "my (evil) thr) ": two R, two S. */
	assert_true(s.ok[SRC_TASKS]);
	assert_int_equal(s.threads_r, 2);
	assert_int_equal(s.threads_s, 2);
	assert_int_equal(s.threads_d, 0);
	/* No engine: the engine's sources say so instead of guessing. */
	assert_false(s.ok[SRC_ENGINE]);
	assert_string_equal(s.why[SRC_ENGINE], "no engine");
	assert_false(s.ok[SRC_STACKS]);
	assert_true(s.ok[SRC_RUSAGE]);
	sampler_pass_free(&p);
}

static void
test_sampler_thread_table_reads_fixture_root(void **state)
{
	struct sampler_pass	 p;
	struct sample		 s;
	struct thread_row	*r;

	sampler_pass_init(&p, FIXTURES "/proc/root", NULL);
	sampler_collect(&p, &s);
	assert_null(s.rows);		/* only while the table is shown */
	assert_int_equal(p.ntasks, 0);

	p.detail = true;
	sampler_collect(&p, &s);
	assert_non_null(s.rows);
	assert_int_equal(s.rows->n, 4);
	assert_int_equal(s.rows->listed, 4);
	assert_false(s.rows->capped);
	r = s.rows->rows;
	assert_int_equal(r[0].tid, 100);
	assert_string_equal(r[0].name, "cswviz");
	assert_int_equal(r[0].state, 'S');
	assert_true(r[0].has_ctxsw);
	assert_int_equal(r[0].vcsw, 7);
	assert_int_equal(r[0].ivcsw, 2);
	assert_true(r[0].has_wait);
	assert_int_equal(r[0].wait_ns, 5609055);
	assert_int_equal(r[1].tid, 101);
	assert_string_equal(r[1].name, "csw-worker-0");
	assert_int_equal(r[1].state, 'R');
	assert_int_equal(r[1].vcsw, 3969);
	assert_int_equal(r[1].ivcsw, 21);
	assert_int_equal(r[1].wait_ns, 26337808);
	assert_int_equal(r[3].tid, 103);
	assert_string_equal(r[3].name, "my (evil) thr) ");
	assert_int_equal(r[3].wait_ns, 41636752);
	/* No engine: no stack is known, which is not a stack of zero. */
	assert_false(r[0].has_stack);
	/* The counts by state come from the same reads. */
	assert_int_equal(s.threads_r, 2);
	assert_int_equal(s.threads_s, 2);
	/* The files stay open for the next pass and are re-read. */
	assert_int_equal(p.ntasks, 4);
	assert_true(p.tasks[0].fd_stat >= 0);
	assert_true(p.tasks[3].fd_sched >= 0);
	thread_rows_free(s.rows);
	sampler_collect(&p, &s);
	assert_non_null(s.rows);
	assert_int_equal(s.rows->n, 4);
	assert_int_equal(s.rows->rows[2].vcsw, 3967);
	thread_rows_free(s.rows);

	/* Hidden again: no table, and the files are closed. */
	p.detail = false;
	sampler_collect(&p, &s);
	assert_null(s.rows);
	assert_int_equal(p.ntasks, 0);
	assert_int_equal(s.threads_r, 2);
	sampler_pass_free(&p);
}

static void
test_sampler_thread_table_has_engine_stacks(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_THREADS,
	    .scenario = "pingpong", .tasks = 2 };
	struct sampler_pass	 p;
	struct sample		 s;
	struct engine		*e;
	char			 err[ENGINE_ERRLEN];
	size_t			 i, with = 0;

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	sampler_pass_init(&p, "/proc", e);
	p.detail = true;
	sampler_collect(&p, &s);
	assert_non_null(s.rows);
	assert_true(s.rows->n >= 3);	/* this thread and two tasks */
	for (i = 0; i < s.rows->n; i++) {
		if (!s.rows->rows[i].has_stack)
			continue;
		with++;
		assert_true(s.rows->rows[i].stack_reserved > 0);
		assert_true(s.rows->rows[i].stack_committed <=
		    s.rows->rows[i].stack_reserved);
	}
	assert_int_equal(with, s.stack_count);
	thread_rows_free(s.rows);
	sampler_pass_free(&p);
	engine_destroy(e);
}

static void
test_sampler_missing_root_is_data_not_fatal(void **state)
{
	struct sampler_pass	p;
	struct sample		s;

	sampler_pass_init(&p, "/nonexistent-proc", NULL);
	sampler_collect(&p, &s);
	assert_false(s.ok[SRC_STAT]);
	assert_non_null(strstr(s.why[SRC_STAT], "/nonexistent-proc/stat"));
	assert_false(s.ok[SRC_LOADAVG]);
	assert_false(s.ok[SRC_STATUS]);
	assert_false(s.ok[SRC_TASKS]);
	assert_non_null(strstr(s.why[SRC_TASKS], "/nonexistent-proc/self/task"));
	sampler_pass_free(&p);
}

static void
test_sampler_engine_stacks_committed_within_reserved(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_THREADS,
	    .scenario = "pingpong", .tasks = 4 };
	struct sampler_pass	 p;
	struct sample		 s;
	struct engine		*e;
	char			 err[ENGINE_ERRLEN];

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	sampler_pass_init(&p, "/proc", e);
	sampler_collect(&p, &s);
	assert_true(s.ok[SRC_ENGINE]);
	assert_true(s.ok[SRC_STACKS]);
	assert_int_equal(s.stack_count, 4);
	assert_true(s.stack_reserved >= 4 * 16384);
	/* Each thread has run, so it touched at least a page of stack. */
	assert_true(s.stack_committed >= 4096);
	assert_true(s.stack_committed <= s.stack_reserved);
	assert_true(s.pass_ns > 0);
	sampler_pass_free(&p);
	engine_destroy(e);
}

/* voluntary_ctxt_switches of the calling thread, from /proc. */
static unsigned long
thread_status_vcsw(void)
{
	char		line[256];
	unsigned long	v = 0;
	FILE		*f = fopen("/proc/thread-self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		sscanf(line, "voluntary_ctxt_switches: %lu", &v);
	fclose(f);
	return (v);
}

/*
 * Agreement with the kernel: getrusage's switch count of a thread is the
 * one /proc/TID/status shows, read just before and just after, while the
 * thread sleeps and so switches voluntarily between the reads.
 */
static void
test_sampler_rusage_agrees_with_task_status(void **state)
{
	struct rusage	ru;
	unsigned long	before, after;
	struct timespec	ts = { 0, 1000000 };
	int		i;

	for (i = 0; i < 20; i++)
		nanosleep(&ts, NULL);
	before = thread_status_vcsw();
	getrusage(RUSAGE_THREAD, &ru);
	after = thread_status_vcsw();
	assert_true(before >= 20);
	assert_true(before <= (unsigned long)ru.ru_nvcsw);
	assert_true((unsigned long)ru.ru_nvcsw <= after);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampler_collect_reads_fixture_root),
		cmocka_unit_test(test_sampler_thread_table_reads_fixture_root),
		cmocka_unit_test(test_sampler_thread_table_has_engine_stacks),
		cmocka_unit_test(test_sampler_missing_root_is_data_not_fatal),
		cmocka_unit_test(
		    test_sampler_engine_stacks_committed_within_reserved),
		cmocka_unit_test(test_sampler_rusage_agrees_with_task_status),
	};

	return (cmocka_run_group_tests_name("sampler", tests, NULL, NULL));
}

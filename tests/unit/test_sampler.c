/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "engine/engine.h"
#include "model/model.h"
#include "proc/procfs.h"
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

/* The row of a TID in a sample's table, or NULL. */
static const struct thread_row *
row_of(const struct sample *s, int tid)
{
	size_t	i;

	for (i = 0; s->rows != NULL && i < s->rows->n; i++) {
		if (s->rows->rows[i].tid == tid)
			return (&s->rows->rows[i]);
	}
	return (NULL);
}

static void
test_sampler_thread_table_reads_fixture_root(void **state)
{
	struct sampler_pass	 p;
	struct sample		 s;
	const struct thread_row	*r;
	const int		 shown[] = { 103, 101 };

	sampler_pass_init(&p, FIXTURES "/proc/root", NULL);
	sampler_collect(&p, &s);
	assert_null(s.rows);		/* only while the table is shown */
	assert_int_equal(p.ntasks, 4);	/* known, files not kept */
	assert_int_equal(p.tasks[0].fd_stat, -1);

	p.detail = true;
	sampler_pass_visible(&p, shown, 2);
	sampler_collect(&p, &s);
	assert_non_null(s.rows);
	assert_int_equal(s.rows->n, 4);
	assert_int_equal(s.rows->listed, 4);
	assert_false(s.rows->capped);
	assert_false(s.rotating);
	r = s.rows->rows;
	assert_int_equal(r[0].tid, 100);
	assert_string_equal(r[0].name, "cswviz");
	assert_int_equal(r[0].state, 'S');
	assert_true(r[0].fresh);
	assert_true(r[0].has_ctxsw);
	assert_int_equal(r[0].vcsw, 7);
	assert_int_equal(r[0].ivcsw, 2);
	assert_true(r[0].has_wait);
	assert_int_equal(r[0].wait_ns, 5609055);
	/* Read before without the table: a wait, but no switches then. */
	assert_true(r[0].has_prev);
	assert_true(r[0].prev_wait);
	assert_false(r[0].prev_ctxsw);
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
	/* The wait is there, and did not move: 0 ms/s over the 2 sleeping
	   threads.  The 2 runnable ones have not run since (the same
	   timeslices): their wait is not credited yet, so it is not 0. */
	assert_true(s.ok[SRC_WAIT]);
	assert_int_equal(s.wait_threads, 2);
	assert_int_equal(s.wait_delta_ns, 0);
	/* The rows on screen keep their files open, the others do not. */
	assert_int_equal(p.ntasks, 4);
	assert_int_equal(p.tasks[0].fd_stat, -1);
	assert_true(p.tasks[1].fd_stat >= 0);
	assert_true(p.tasks[3].fd_sched >= 0);
	thread_rows_free(s.rows);
	sampler_collect(&p, &s);
	assert_non_null(s.rows);
	assert_int_equal(s.rows->n, 4);
	assert_int_equal(s.rows->rows[2].vcsw, 3967);
	assert_true(s.rows->rows[2].prev_ctxsw);
	assert_int_equal(s.rows->rows[2].prev_vcsw, 3967);
	thread_rows_free(s.rows);

	/* Hidden again: no table, and the files are closed. */
	p.detail = false;
	sampler_collect(&p, &s);
	assert_null(s.rows);
	assert_int_equal(p.tasks[1].fd_stat, -1);
	assert_int_equal(s.threads_r, 2);
	sampler_pass_free(&p);
}

/*
 * With a budget of one thread a pass, each pass lists and reads the next
 * thread only, says it is rotating, and scales the counts by state to the
 * kernel's thread count; a whole rotation reads every thread once.
 */
static void
test_sampler_rotates_through_threads(void **state)
{
	struct sampler_pass	 p;
	struct sample		 s;
	int			 pass, seen[4] = { 0 }, tid;
	size_t			 i;

	sampler_pass_init(&p, FIXTURES "/proc/root", NULL);
	p.budget = 1;
	p.fixed_budget = true;
	p.detail = true;
	for (pass = 0; pass < 4; pass++) {
		sampler_collect(&p, &s);
		assert_true(s.ok[SRC_TASKS]);
		assert_true(s.rotating);
		assert_int_equal(s.threads_read, 1);
		assert_int_equal(s.threads_listed, 4);
		/* One thread in R or S, scaled: 4 of that state. */
		assert_int_equal(s.threads_r + s.threads_s, 4);
		assert_true(s.threads_r == 0 || s.threads_r == 4);
		for (i = 0; i < s.rows->n; i++) {
			/* The thread read again as a wait probe has a prev. */
			if (!s.rows->rows[i].fresh ||
			    s.rows->rows[i].has_prev)
				continue;
			tid = s.rows->rows[i].tid;
			assert_true(tid >= 100 && tid <= 103);
			seen[tid - 100]++;
		}
		thread_rows_free(s.rows);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(seen[i], 1);
	/* The next rotation reads them again: now with a reading before. */
	sampler_collect(&p, &s);
	for (i = 0; i < s.rows->n; i++) {
		if (s.rows->rows[i].fresh)
			assert_true(s.rows->rows[i].has_prev);
	}
	assert_non_null(row_of(&s, 103));
	thread_rows_free(s.rows);
	sampler_pass_free(&p);
}

/*
 * The wait per thread needs a thread read twice; with a rotation that
 * reads one thread a pass (as 10,000 threads make it), the share's first
 * thread is read again in the next pass, so the second pass has a wait
 * already instead of the first pass of the second rotation.
 */
/* Give every thread of a copied fixture root one more timeslice and
   add_ns more run-queue wait, as if the threads had run since. */
static void
advance_schedstat(const char *root, uint64_t add_ns)
{
	char			 dir[512], path[1024];
	DIR			*d;
	struct dirent		*e;
	FILE			*f;
	unsigned long long	 run, wait, slices;

	snprintf(dir, sizeof dir, "%s/self/task", root);
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/schedstat", dir, e->d_name);
		assert_non_null(f = fopen(path, "r"));
		assert_int_equal(fscanf(f, "%llu %llu %llu", &run, &wait,
		    &slices), 3);
		fclose(f);
		assert_non_null(f = fopen(path, "w"));
		fprintf(f, "%llu %llu %llu\n", run + 1000, wait + add_ns,
		    slices + 1);
		fclose(f);
	}
	closedir(d);
}

/*
 * The kernel credits a wait when the thread gets the CPU: a runnable
 * thread that has not run since is left out (not 0 ms/s), and a wait
 * credited now is capped at the interval (not 2,000 ms/s).
 */
static void
test_sampler_row_wait_credited_when_run(void **state)
{
	struct thread_row	r;
	uint64_t		w, span;

	memset(&r, 0, sizeof r);
	r.has_wait = r.has_prev = r.prev_wait = true;
	r.prev_t_ns = 1000000000;
	r.t_ns = 2000000000;			/* 1 s later */
	r.prev_wait_ns = r.wait_ns = 5000;
	r.prev_slices = r.slices = 7;
	r.state = 'R';				/* queued all along */
	assert_false(thread_row_wait(&r, &w, &span));
	r.state = 'S';				/* asleep: no wait */
	assert_true(thread_row_wait(&r, &w, &span));
	assert_int_equal(w, 0);
	r.state = 'R';
	r.slices = 8;
	r.wait_ns = 5000 + 3000000000ULL;	/* 3 s credited at once */
	assert_true(thread_row_wait(&r, &w, &span));
	assert_int_equal(span, 1000000000);
	assert_int_equal(w, 1000000000);
}

/*
 * A copy of the fixture root in root (a mkdtemp template), to change
 * between passes, and a pass over it that reads one thread at a time.
 */
static void
rotation_root(char *root, struct sampler_pass *p)
{
	char	cmd[1024];

	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof cmd, "cp -R '%s/proc/root/.' '%s'", FIXTURES,
	    root);
	assert_int_equal(system(cmd), 0);
	sampler_pass_init(p, root, NULL);
	p->budget = 1;
	p->fixed_budget = true;
}

static void
rotation_root_free(const char *root)
{
	char	cmd[1024];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void
test_sampler_wait_from_second_pass(void **state)
{
	struct sampler_pass	 p;
	struct sample		 s;
	char			 root[] = "/tmp/csw-sampler-XXXXXX";

	rotation_root(root, &p);
	sampler_collect(&p, &s);
	assert_false(s.ok[SRC_WAIT]);
	assert_int_equal(s.wait_threads, 0);
	/* Whichever thread was read first ran again, and waited 1 us. */
	advance_schedstat(root, 1000);
	sampler_collect(&p, &s);
	assert_true(s.ok[SRC_WAIT]);
	assert_int_equal(s.wait_threads, 1);
	assert_int_equal(s.wait_delta_ns, 1000);
	/* The probe is not counted twice among the threads read. */
	assert_int_equal(s.threads_read, 1);
	assert_int_equal(s.threads_r + s.threads_s, 4);
	sampler_pass_free(&p);
	rotation_root_free(root);
}

/*
 * Threads that exit between two passes of a rotation (leak's live a
 * second) are not read from the last pass's listing: the pass after the
 * first lists what the directory holds now, and reads a thread there.
 */
static void
test_sampler_rotation_lists_afresh(void **state)
{
	struct sampler_pass	 p;
	struct sample		 s;
	char			 root[] = "/tmp/csw-sampler-XXXXXX";
	char			 cmd[1024];
	int			 pass;

	rotation_root(root, &p);
	sampler_collect(&p, &s);
	assert_true(s.ok[SRC_TASKS]);
	assert_int_equal(s.threads_read, 1);
	/* Every thread is gone and two new ones run. */
	snprintf(cmd, sizeof cmd, "cd '%s/self/task' && cp -R 103 104 && "
	    "cp -R 103 105 && rm -rf 100 101 102 103", root);
	assert_int_equal(system(cmd), 0);
	for (pass = 0; pass < 3; pass++) {
		sampler_collect(&p, &s);
		assert_true(s.ok[SRC_TASKS]);
		assert_int_equal(s.threads_read, 1);
	}
	sampler_pass_free(&p);
	rotation_root_free(root);
}

/*
 * Per-CPU wait from /proc/schedstat where a kernel has it (a root of its
 * own), and why not where it has not (the main fixture root, like the
 * kernel the fixtures come from).
 */
static void
test_sampler_reads_cpu_schedstat(void **state)
{
	struct sampler_pass	p;
	struct sample		s;

	sampler_pass_init(&p, FIXTURES "/proc/root", NULL);
	sampler_collect(&p, &s);
	assert_false(s.ok[SRC_SCHEDSTAT]);
	assert_string_equal(s.why[SRC_SCHEDSTAT],
	    FIXTURES "/proc/root/schedstat: No such file or directory");
	sampler_pass_free(&p);

	sampler_pass_init(&p, FIXTURES "/proc/root-schedstat", NULL);
	sampler_collect(&p, &s);
	assert_true(s.ok[SRC_SCHEDSTAT]);
	assert_int_equal(s.sched_ncpu, 2);
	assert_int_equal(s.cpu_wait_ns[0], 1234567890ULL);
	assert_int_equal(s.cpu_wait_ns[1], 2345678901ULL);
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
	/* A kernel without schedstats: absent, and why. */
	assert_false(s.ok[SRC_SCHEDSTAT]);
	assert_non_null(strstr(s.why[SRC_SCHEDSTAT],
	    "/nonexistent-proc/schedstat"));
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

/* Sum voluntary_ctxt_switches over every live thread of the process. */
static unsigned long
tasks_vcsw_sum(void)
{
	DIR		*d = opendir("/proc/self/task");
	struct dirent	*de;
	char		 path[300], line[256];
	unsigned long	 sum = 0, v;
	FILE		*f;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status",
		    de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "voluntary_ctxt_switches: %lu",
			    &v) == 1)
				sum += v;
		}
		fclose(f);
	}
	closedir(d);
	return (sum);
}

/*
 * Agreement with the kernel, the way pidstat -w -t adds it up: with live
 * pingpong threads and none exited yet, getrusage's process total lies
 * between the per-thread sums of /proc/self/task/TID/status read just
 * before and just after it.  This test must run first in its process.
 */
static void
test_sampler_rusage_is_sum_of_task_status(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_THREADS,
				    .scenario = "pingpong", .tasks = 4 };
	struct engine		*e;
	struct rusage		 ru;
	struct timespec		 ts = { 0, 25000000 };
	struct engine_snapshot	 snap;
	unsigned long		 before, after;
	int			 i;
	char			 err[ENGINE_ERRLEN];

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	/* Let the pairs hand off a while, however loaded the machine is. */
	for (i = 0; i < 400; i++) {
		engine_snapshot(e, &snap);
		if (snap.handoffs > 2000)
			break;
		nanosleep(&ts, NULL);
	}
	before = tasks_vcsw_sum();
	getrusage(RUSAGE_SELF, &ru);
	after = tasks_vcsw_sum();
	assert_true(before > 1000);	/* the pairs are handing off */
	assert_true(before <= (unsigned long)ru.ru_nvcsw);
	assert_true((unsigned long)ru.ru_nvcsw <= after);
	engine_destroy(e);
}

/* Sum both switch counts over every live thread of the process. */
static void
tasks_csw_sum(uint64_t *vcsw, uint64_t *ivcsw)
{
	DIR		*d = opendir("/proc/self/task");
	struct dirent	*de;
	char		 path[300], line[256];
	unsigned long	 v;
	FILE		*f;

	assert_non_null(d);
	*vcsw = *ivcsw = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status",
		    de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "voluntary_ctxt_switches: %lu",
			    &v) == 1)
				*vcsw += v;
			else if (sscanf(line,
			    "nonvoluntary_ctxt_switches: %lu", &v) == 1)
				*ivcsw += v;
		}
		fclose(f);
	}
	closedir(d);
}

/*
 * Whether x agrees within 10%, or within slack counts when small, with a
 * count known to lie between lo and hi.
 */
static bool
agree(double x, double lo, double hi, double slack)
{
	double	below = 0.10 * lo > slack ? 0.10 * lo : slack;
	double	above = 0.10 * hi > slack ? 0.10 * hi : slack;

	return (x >= lo - below && x <= hi + above);
}

/*
 * Agreement with the kernel, end to end: the rates the sampler and the
 * model show for the process's voluntary and involuntary switches agree
 * within 10% with the per-thread counts of /proc/self/task/TID/status,
 * summed as pidstat -w -t would, over the same interval.  No thread starts
 * or exits between.  The sums are read on both sides of each pass, since
 * a pass under ThreadSanitizer on a loaded machine can take a second: the
 * switches of the sampler's interval lie between the sums from after the
 * first pass to before the second and from before the first to after the
 * second.
 */
static void
test_sampler_rates_agree_with_task_status(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_THREADS,
				    .scenario = "pingpong", .tasks = 4 };
	struct timespec		 ts = { 0, 25000000 };
	struct engine_snapshot	 snap;
	struct sampler_pass	 p;
	struct sample		 a, b;
	struct model		*m;
	struct engine		*e;
	uint64_t		 v[4], iv[4], h0;
	double			 dt, rv, ri;
	char			 err[ENGINE_ERRLEN];
	int			 i;

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	m = model_create(8);
	sampler_pass_init(&p, "/proc", e);
	tasks_csw_sum(&v[0], &iv[0]);
	sampler_collect(&p, &a);
	tasks_csw_sum(&v[1], &iv[1]);
	engine_snapshot(e, &snap);
	h0 = snap.handoffs;
	/* Enough switches that the edges do not matter, however slow. */
	for (i = 0; i < 2400; i++) {
		nanosleep(&ts, NULL);
		engine_snapshot(e, &snap);
		if (snap.handoffs - h0 > 5000 && i >= 20)
			break;
	}
	tasks_csw_sum(&v[2], &iv[2]);
	sampler_collect(&p, &b);
	tasks_csw_sum(&v[3], &iv[3]);
	assert_true(snap.handoffs - h0 > 1000);
	model_push(m, &a);
	model_push(m, &b);
	dt = (double)(b.t_ns - a.t_ns) / 1e9;
	rv = model_value(m, MS_VCSW_RATE, 0);
	ri = model_value(m, MS_IVCSW_RATE, 0);
	assert_false(isnan(rv));
	assert_false(isnan(ri));
	print_message("sampler %.0f vol, %.0f invol; task status %.0f-%.0f "
	    "and %.0f-%.0f, over %.2f s\n", rv * dt, ri * dt,
	    (double)(v[2] - v[1]), (double)(v[3] - v[0]),
	    (double)(iv[2] - iv[1]), (double)(iv[3] - iv[0]), dt);
	assert_true(agree(rv * dt, (double)(v[2] - v[1]),
	    (double)(v[3] - v[0]), 20));
	assert_true(agree(ri * dt, (double)(iv[2] - iv[1]),
	    (double)(iv[3] - iv[0]), 20));
	sampler_pass_free(&p);
	model_free(m);
	engine_destroy(e);
}

struct smaps_sum {
	const struct engine_stack	*st;
	size_t				 n;
	uint64_t			 rss, size;
	size_t				 found;
};

/* Add the Rss of each mapping that holds a registered stack. */
static void
smaps_add(const struct procfs_map *map, void *arg)
{
	struct smaps_sum	*sum = arg;
	size_t			 i;

	for (i = 0; i < sum->n; i++) {
		if (sum->st[i].base >= map->start &&
		    sum->st[i].base < map->end) {
			sum->rss += map->rss;
			sum->size += map->size;
			sum->found++;
			return;
		}
	}
}

/*
 * Agreement with the kernel: stack committed by mincore against the Rss of
 * the same mappings in /proc/self/smaps.  A thread stack's mapping also
 * holds the thread's descriptor and TLS above the stack proper, so smaps
 * may count those few pages more, never fewer.
 */
static void
test_sampler_stack_committed_agrees_with_smaps(void **state)
{
	struct engine_config	 cfg = { .mode = ENGINE_THREADS,
				    .scenario = "pingpong", .tasks = 8 };
	struct engine_stack	 st[8];
	struct smaps_sum	 sum;
	struct sampler_pass	 p;
	struct sample		 s;
	struct engine		*e;
	char			 err[ENGINE_ERRLEN], *text;
	size_t			 len = 0;
	FILE			*f;

	e = engine_create(&cfg, err, sizeof err);
	assert_non_null(e);
	sampler_pass_init(&p, "/proc", e);
	sampler_collect(&p, &s);
	assert_int_equal(engine_stacks(e, st, 8), 8);

	text = malloc(1 << 22);
	f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	len = fread(text, 1, (1 << 22) - 1, f);
	fclose(f);
	text[len] = '\0';
	memset(&sum, 0, sizeof sum);
	sum.st = st;
	sum.n = 8;
	assert_int_equal(procfs_parse_smaps(text, smaps_add, &sum, err,
	    sizeof err), 0);
	free(text);

	assert_int_equal(sum.found, 8);
	assert_true(s.stack_committed > 0);
	assert_true(s.stack_committed <= sum.rss);
	assert_true(sum.rss - s.stack_committed <= 8 * 16384);
	/* Reserved: the same mappings' Size, less at most a few pages each
	   (the guard page is a mapping of its own, PROT_NONE). */
	assert_int_equal(s.stack_count, 8);
	assert_true(s.stack_reserved <= sum.size);
	assert_true(sum.size - s.stack_reserved <= 8 * 16384);
	sampler_pass_free(&p);
	engine_destroy(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: no thread of this process may have exited yet. */
		cmocka_unit_test(test_sampler_rusage_is_sum_of_task_status),
		cmocka_unit_test(test_sampler_rates_agree_with_task_status),
		cmocka_unit_test(test_sampler_stack_committed_agrees_with_smaps),
		cmocka_unit_test(test_sampler_collect_reads_fixture_root),
		cmocka_unit_test(test_sampler_thread_table_reads_fixture_root),
		cmocka_unit_test(test_sampler_rotates_through_threads),
		cmocka_unit_test(test_sampler_rotation_lists_afresh),
		cmocka_unit_test(test_sampler_row_wait_credited_when_run),
		cmocka_unit_test(test_sampler_wait_from_second_pass),
		cmocka_unit_test(test_sampler_reads_cpu_schedstat),
		cmocka_unit_test(test_sampler_thread_table_has_engine_stacks),
		cmocka_unit_test(test_sampler_missing_root_is_data_not_fatal),
		cmocka_unit_test(
		    test_sampler_engine_stacks_committed_within_reserved),
		cmocka_unit_test(test_sampler_rusage_agrees_with_task_status),
	};

	return (cmocka_run_group_tests_name("sampler", tests, NULL, NULL));
}

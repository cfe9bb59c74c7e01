/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "engine/limits.h"
#include "proc/procfs.h"
#include "util/util.h"

#define LIM		FIXTURES "/limits"
#define KIB		((int64_t)1024)
#define MIB		(1024 * KIB)
#define GIB		(1024 * MIB)

static char	why[LIMITS_WHYLEN];
static char	err[LIMITS_WHYLEN + 32];

/* Limits that cap nothing a test asks for, every usage figure small. */
static void
roomy(struct limits *l)
{
	limits_clear(l);
	l->threads_max.value = 4000000;
	l->pid_max.value = 4194304;
	l->nproc.value = LIMITS_NONE;
	l->max_map_count.value = 16000000;
	l->map_count.value = 40;
	l->pids_max.value = LIMITS_NONE;
	l->pids_current.value = 10;
	l->memory_max.value = LIMITS_NONE;
	l->memory_current.value = 10 * MIB;
	l->mem_available.value = 1024 * GIB;
	l->system_threads.value = 100;
	l->process_threads.value = 3;
}

/* A thread request: 1 thread and 2 maps a task, 32 KiB committed. */
static struct limits_request
threads(long tasks)
{
	struct limits_request	r = {
		.kind = LIMITS_THREADS, .tasks = tasks, .have = 0,
		.task_bytes = 32 * KIB, .task_maps = 2, .task_threads = 1,
	};

	return (r);
}

/* A fiber request: no thread of its own, 64 KiB class, 2 maps if guarded. */
static struct limits_request
fibers(long tasks)
{
	struct limits_request	r = {
		.kind = LIMITS_FIBERS, .tasks = tasks, .have = 0,
		.task_bytes = 64 * KIB, .task_maps = 2, .task_threads = 0,
	};

	return (r);
}

/* Cap req under l and return the count, leaving the reason in why. */
static long
cap(const struct limits *l, const struct limits_request *req)
{
	memset(why, 'x', sizeof why);
	return (limits_cap(l, req, why, sizeof why));
}

static void
test_limits_cap_below_all_limits_unchanged(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(10000);

	roomy(&l);
	assert_int_equal(cap(&l, &r), 10000);
	assert_string_equal(why, "");
	r = fibers(100000);
	assert_int_equal(cap(&l, &r), 100000);
	assert_string_equal(why, "");
}

static void
test_limits_cap_unknown_limits_do_not_cap(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(LONG_MAX);

	limits_clear(&l);
	assert_int_equal(l.pid_max.value, LIMITS_UNKNOWN);
	assert_string_equal(l.pid_max.why, "not read");
	assert_int_equal(cap(&l, &r), LONG_MAX);
	assert_string_equal(why, "");

	/* Unknown usage counts as none: the limit still caps. */
	l.pid_max.value = 32768;
	r.tasks = 100000;
	assert_int_equal(cap(&l, &r), 32768 - 1638);
	assert_string_equal(why, "capped at 31,130 threads: kernel.pid_max "
	    "32768");

	/* Any negative figure is taken as unknown. */
	l.pid_max.value = -7;
	assert_int_equal(cap(&l, &r), 100000);
}

static void
test_limits_cap_threads_max(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(100000);

	roomy(&l);
	l.threads_max.value = 10000;
	l.system_threads.value = 1000;
	/* 10000 - 5% (500) - 1000 in use. */
	assert_int_equal(cap(&l, &r), 8500);
	assert_string_equal(why,
	    "capped at 8,500 threads: kernel.threads-max 10000");
}

static void
test_limits_cap_pid_max(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(100000);

	roomy(&l);
	l.pid_max.value = 32768;
	l.system_threads.value = 108;
	/* 32768 - 5% (1638) - 108 in use. */
	assert_int_equal(cap(&l, &r), 31022);
	assert_string_equal(why,
	    "capped at 31,022 threads: kernel.pid_max 32768");

	/* The message counts the tasks running already. */
	r.have = 10;
	assert_int_equal(cap(&l, &r), 31022);
	assert_string_equal(why,
	    "capped at 31,032 threads: kernel.pid_max 32768");
}

static void
test_limits_cap_cgroup_pids_max(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(100000);

	roomy(&l);
	l.pids_max.value = 4000;
	l.pids_current.value = 1200;
	/* 5% is 200, under the floor of 256. */
	assert_int_equal(cap(&l, &r), 4000 - 256 - 1200);
	assert_string_equal(why,
	    "capped at 2,544 threads: cgroup pids.max 4000");
}

static void
test_limits_cap_rlimit_nproc(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(100000);

	roomy(&l);
	l.nproc.value = 4096;
	l.process_threads.value = 3;
	assert_int_equal(cap(&l, &r), 4096 - 256 - 3);
	assert_string_equal(why, "capped at 3,837 threads: RLIMIT_NPROC 4096");
}

static void
test_limits_cap_max_map_count(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(100000);

	roomy(&l);
	l.max_map_count.value = 65530;
	l.map_count.value = 30;
	/* (65530 - 5% (3276) - 30) / 2 maps a thread. */
	assert_int_equal(cap(&l, &r), 31112);
	assert_string_equal(why,
	    "capped at 31,112 threads: vm.max_map_count 65530");
}

static void
test_limits_cap_cgroup_memory_max(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(100000);

	roomy(&l);
	l.memory_max.value = GIB;
	l.memory_current.value = 100 * MIB;
	r.task_bytes = MIB;
	/* 10% is 102.4 MiB, under the floor of 256 MiB. */
	assert_int_equal(cap(&l, &r), 1024 - 256 - 100);
	assert_string_equal(why,
	    "capped at 668 threads: cgroup memory.max 1024 MiB");
}

static void
test_limits_cap_mem_available(void **state)
{
	struct limits		l;
	struct limits_request	r = fibers(1000000);

	roomy(&l);
	l.mem_available.value = 2 * GIB;
	/* (2048 - 256) MiB of 64 KiB stacks. */
	assert_int_equal(cap(&l, &r), 28672);
	assert_string_equal(why,
	    "capped at 28,672 fibers: MemAvailable 2048 MiB");
}

static void
test_limits_cap_headroom(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(10000000);

	roomy(&l);
	l.threads_max.value = LIMITS_UNKNOWN;
	l.system_threads.value = 0;
	/* Above 5,120 the share (5%) beats the floor. */
	l.pid_max.value = 4194304;
	assert_int_equal(cap(&l, &r), 4194304 - 209715);
	/* Below it the floor of 256 stays free. */
	l.pid_max.value = 1000;
	assert_int_equal(cap(&l, &r), 1000 - 256);
	/* A limit inside its own headroom allows nothing. */
	l.pid_max.value = 200;
	assert_int_equal(cap(&l, &r), 0);
	assert_string_equal(why, "capped at 0 threads: kernel.pid_max 200");
	/* As does usage past the limit. */
	l.pid_max.value = 32768;
	l.system_threads.value = 40000;
	assert_int_equal(cap(&l, &r), 0);
	/* Memory: above 2.5 GiB the 10% beats the 256 MiB floor. */
	roomy(&l);
	l.mem_available.value = 10 * GIB;
	r.task_bytes = MIB;
	assert_int_equal(cap(&l, &r), 10240 - 1024);
	l.mem_available.value = 256 * MIB;
	assert_int_equal(cap(&l, &r), 0);
}

static void
test_limits_cap_memory_estimate(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(1000000);

	roomy(&l);
	l.mem_available.value = 1280 * MIB;	/* 1 GiB after the reserve */
	r.task_bytes = 16 * KIB + 8 * KIB + 4 * KIB;
	assert_int_equal(cap(&l, &r), GIB / (28 * KIB));
	r.task_bytes = 56 * KIB;
	assert_int_equal(cap(&l, &r), GIB / (56 * KIB));
	r.task_bytes = 1;
	assert_int_equal(cap(&l, &r), 1000000);
	/* No estimate, no memory cap. */
	limits_clear(&l);
	l.mem_available.value = 1280 * MIB;
	r.tasks = LONG_MAX;
	r.task_bytes = 0;
	assert_int_equal(cap(&l, &r), LONG_MAX);
	assert_string_equal(why, "");
}

static void
test_limits_cap_fibers_skip_threads_and_maps(void **state)
{
	struct limits		l;
	struct limits_request	t = threads(100000), f = fibers(100000);

	roomy(&l);
	l.pid_max.value = 32768;
	l.threads_max.value = 20000;
	l.nproc.value = 4096;
	l.pids_max.value = 500;
	l.max_map_count.value = 65530;
	assert_int_equal(cap(&l, &t), 500 - 256 - 10);
	assert_string_equal(why, "capped at 234 threads: cgroup pids.max 500");
	assert_int_equal(cap(&l, &f), 100000);
	assert_string_equal(why, "");

	/* Fibers ignore maps even when the request counts them. */
	roomy(&l);
	l.max_map_count.value = 1000;
	f.task_maps = 2;
	assert_int_equal(cap(&l, &f), 100000);
	assert_int_equal(cap(&l, &t), (1000 - 256 - 40) / 2);

	/* Memory caps both, each with its own word. */
	roomy(&l);
	l.mem_available.value = 256 * MIB + 64 * KIB;
	assert_int_equal(cap(&l, &f), 1);
	assert_string_equal(why, "capped at 1 fiber: MemAvailable 256 MiB");
	t.task_bytes = 64 * KIB;
	assert_int_equal(cap(&l, &t), 1);
	assert_string_equal(why, "capped at 1 thread: MemAvailable 256 MiB");
}

static void
test_limits_cap_tightest_wins(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(1000000);

	roomy(&l);
	l.threads_max.value = 63372;	/* 60,204 - 100 */
	l.pid_max.value = 32768;	/* 31,130 - 100 */
	l.nproc.value = 30000;		/* 28,500 - 3 */
	l.max_map_count.value = 65530;	/* (62,254 - 40) / 2 */
	l.mem_available.value = 2 * GIB; /* 57,344 at 32 KiB */
	assert_int_equal(cap(&l, &r), 28497);
	assert_string_equal(why,
	    "capped at 28,497 threads: RLIMIT_NPROC 30000");
	l.pids_max.value = 20000;	/* 19,000 - 10 */
	assert_int_equal(cap(&l, &r), 18990);
	assert_string_equal(why,
	    "capped at 18,990 threads: cgroup pids.max 20000");

	/* A tie goes to the first limit in table order. */
	roomy(&l);
	l.threads_max.value = 32768;
	l.pid_max.value = 32768;
	assert_int_equal(cap(&l, &r), 31030);
	assert_string_equal(why,
	    "capped at 31,030 threads: kernel.threads-max 32768");
}

static void
test_limits_cap_huge_values_do_not_overflow(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(LONG_MAX);

	/* memory.max 2^63 reads as no limit; 2^63 - 2 is a (huge) limit. */
	roomy(&l);
	l.mem_available.value = LIMITS_UNKNOWN;
	l.memory_max.value = INT64_MAX - 1;
	l.memory_current.value = 0;
	r.task_bytes = 1;
	r.task_maps = 0;
	r.task_threads = 0;
	assert_int_equal(cap(&l, &r),
	    (INT64_MAX - 1) - (INT64_MAX - 1) / 10);
	assert_string_equal(why, "capped at 8,301,034,833,169,298,226 "
	    "threads: cgroup memory.max 8796093022207 MiB");

	/* Usage past any limit, per-task figures at their maximum. */
	l.memory_current.value = INT64_MAX;
	assert_int_equal(cap(&l, &r), 0);
	roomy(&l);
	r.task_bytes = INT64_MAX;
	r.task_maps = LONG_MAX;
	r.task_threads = LONG_MAX;
	assert_int_equal(cap(&l, &r), 0);

	/* have near LONG_MAX saturates the count in the message. */
	roomy(&l);
	l.pid_max.value = 32768;
	l.system_threads.value = 0;
	r = threads(LONG_MAX);
	r.have = LONG_MAX - 5;
	assert_int_equal(cap(&l, &r), 31130);
	assert_string_equal(why, "capped at 9,223,372,036,854,775,807 "
	    "threads: kernel.pid_max 32768");

	/* A negative request is none. */
	r = threads(-5);
	assert_int_equal(cap(&l, &r), 0);
	assert_string_equal(why, "");
}

static void
test_limits_cap_why_is_optional_and_bounded(void **state)
{
	struct limits		l;
	struct limits_request	r = threads(100000);
	char			small[12];

	roomy(&l);
	l.pid_max.value = 32768;
	l.system_threads.value = 108;
	assert_int_equal(limits_cap(&l, &r, NULL, 0), 31022);
	assert_int_equal(limits_cap(&l, &r, small, sizeof small), 31022);
	assert_string_equal(small, "capped at 3");
}

static void
test_limits_format_count(void **state)
{
	static const struct {
		long		 n;
		const char	*s;
	} cases[] = {
		{ 0, "0" },
		{ 7, "7" },
		{ 999, "999" },
		{ 1000, "1,000" },
		{ 32000, "32,000" },
		{ 100000, "100,000" },
		{ 1234567, "1,234,567" },
		{ -1, "-1" },
		{ -1234, "-1,234" },
		{ -999999, "-999,999" },
		{ LONG_MAX, "9,223,372,036,854,775,807" },
		{ LONG_MIN, "-9,223,372,036,854,775,808" },
	};
	char	buf[32], small[4];
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(cases); i++) {
		assert_int_equal(limits_format_count(cases[i].n, buf,
		    sizeof buf), strlen(cases[i].s));
		assert_string_equal(buf, cases[i].s);
	}
	/* Cut like snprintf: the whole length, a terminated prefix. */
	assert_int_equal(limits_format_count(32000, small, sizeof small), 6);
	assert_string_equal(small, "32,");
	assert_int_equal(limits_format_count(32000, NULL, 0), 6);
}

static void
test_limits_read_v2_tree(void **state)
{
	struct limits	l;

	assert_int_equal(limits_read(&l, LIM "/v2/proc", LIM "/v2/sys", err,
	    sizeof err), 0);
	assert_string_equal(err, "");
	assert_int_equal(l.threads_max.value, 63372);
	assert_int_equal(l.pid_max.value, 32768);
	assert_int_equal(l.nproc.value, 4096);
	assert_int_equal(l.max_map_count.value, 65530);
	assert_int_equal(l.map_count.value, 6);
	assert_int_equal(l.mem_available.value, 2 * GIB);
	assert_int_equal(l.system_threads.value, 345);
	assert_int_equal(l.process_threads.value, 3);
	/* The scope says "max"; its parent user.slice binds at 4000. */
	assert_int_equal(l.pids_max.value, 4000);
	assert_int_equal(l.pids_current.value, 1200);
	/* The scope's 1 GiB binds; the parent says "max". */
	assert_int_equal(l.memory_max.value, GIB);
	assert_int_equal(l.memory_current.value, 100 * MIB);
	assert_string_equal(l.pid_max.why, "");
	assert_string_equal(l.pids_max.why, "");
}

static void
test_limits_read_unlimited(void **state)
{
	struct limits	l;

	assert_int_equal(limits_read(&l, LIM "/unlimited/proc",
	    LIM "/unlimited/sys", err, sizeof err), 0);
	assert_int_equal(l.nproc.value, LIMITS_NONE);
	assert_int_equal(l.pids_max.value, LIMITS_NONE);
	assert_int_equal(l.pids_current.value, 7);
	/* 2^63 is past INT64_MAX: no limit. */
	assert_int_equal(l.memory_max.value, LIMITS_NONE);
	assert_int_equal(l.memory_current.value, 4096);
}

static void
test_limits_read_root_cgroup_has_no_limits(void **state)
{
	struct limits	l;

	/* v2 mounted, the process in the root cgroup: no *.max files. */
	assert_int_equal(limits_read(&l, LIM "/root/proc", LIM "/root/sys",
	    err, sizeof err), 4);
	assert_string_equal(err, "cgroup pids.max: " LIM
	    "/root/sys/fs/cgroup/pids.max: No such file or directory");
	assert_int_equal(l.pids_max.value, LIMITS_UNKNOWN);
	assert_int_equal(l.pids_current.value, LIMITS_UNKNOWN);
	assert_string_equal(l.memory_max.why, LIM
	    "/root/sys/fs/cgroup/memory.max: No such file or directory");
	assert_int_equal(l.memory_current.value, LIMITS_UNKNOWN);
	assert_int_equal(l.pid_max.value, 32768);
}

static void
test_limits_read_absent_files(void **state)
{
	struct limits	l;

	/* Only loadavg and a cgroup v1 self/cgroup; no sys root at all. */
	assert_int_equal(limits_read(&l, LIM "/absent/proc",
	    LIM "/absent/sys", err, sizeof err), 11);
	assert_string_equal(err, "kernel.threads-max: " LIM
	    "/absent/proc/sys/kernel/threads-max: No such file or directory");
	assert_int_equal(l.system_threads.value, 345);
	assert_int_equal(l.pid_max.value, LIMITS_UNKNOWN);
	assert_string_equal(l.nproc.why,
	    LIM "/absent/proc/self/limits: No such file or directory");
	assert_string_equal(l.map_count.why,
	    LIM "/absent/proc/self/maps: No such file or directory");
	assert_string_equal(l.mem_available.why,
	    LIM "/absent/proc/meminfo: No such file or directory");
	assert_string_equal(l.pids_max.why,
	    LIM "/absent/proc/self/cgroup: no cgroup v2 (0::/) line");
	assert_string_equal(l.memory_current.why, l.pids_max.why);

	/* Missing roots entirely; NULL err is allowed. */
	assert_int_equal(limits_read(&l, "/nonexistent", "/nonexistent",
	    NULL, 0), 12);
}

static void
test_limits_read_malformed(void **state)
{
	struct limits	l;

	assert_int_equal(limits_read(&l, LIM "/malformed/proc",
	    LIM "/malformed/sys", err, sizeof err), 9);
	assert_string_equal(l.threads_max.why,
	    LIM "/malformed/proc/sys/kernel/threads-max: not a number");
	assert_string_equal(l.pid_max.why,
	    LIM "/malformed/proc/sys/kernel/pid_max: not a number");
	/* "max" only means no limit where the kernel writes it. */
	assert_string_equal(l.max_map_count.why,
	    LIM "/malformed/proc/sys/vm/max_map_count: not a number");
	assert_string_equal(l.nproc.why,
	    LIM "/malformed/proc/self/limits: Max processes: not a number");
	assert_string_equal(l.mem_available.why, LIM
	    "/malformed/proc/meminfo: MemAvailable: not a number of kB");
	assert_string_equal(l.system_threads.why,
	    LIM "/malformed/proc/loadavg: no running/total field");
	assert_string_equal(l.process_threads.why,
	    LIM "/malformed/proc/self/status: Threads not a number");
	assert_string_equal(l.pids_max.why,
	    LIM "/malformed/sys/fs/cgroup/bad/pids.max: not a number");
	assert_string_equal(l.memory_max.why,
	    LIM "/malformed/sys/fs/cgroup/bad/memory.max: not a number");
	/* The figures beside them still read. */
	assert_int_equal(l.pids_current.value, 3);
	assert_int_equal(l.memory_current.value, 4096);
	assert_int_equal(l.map_count.value, 6);
	/* Unknown limits cap nothing. */
	{
		struct limits_request	r = threads(1000000);

		assert_int_equal(cap(&l, &r), 1000000);
	}
}

/* Agreement with the kernel: the live figures, printed for the record. */
static void
test_limits_read_agrees_with_kernel(void **state)
{
	struct limits	l;
	struct rlimit	rl;
	char		buf[32];
	int		unknown;

	err[0] = 'x';
	unknown = limits_read(&l, NULL, NULL, err, sizeof err);
	assert_int_equal(l.pid_max.value,
	    util_read_long("/proc/sys/kernel/pid_max", -1));
	assert_int_equal(l.threads_max.value,
	    util_read_long("/proc/sys/kernel/threads-max", -1));
	assert_int_equal(l.max_map_count.value,
	    util_read_long("/proc/sys/vm/max_map_count", -1));
	assert_int_equal(getrlimit(RLIMIT_NPROC, &rl), 0);
	if (rl.rlim_cur == RLIM_INFINITY)
		assert_int_equal(l.nproc.value, LIMITS_NONE);
	else
		assert_int_equal(l.nproc.value, (int64_t)rl.rlim_cur);
	assert_true(l.process_threads.value >= 1);
	assert_true(l.map_count.value > 0);
	assert_true(l.system_threads.value >= l.process_threads.value);
	assert_true(l.mem_available.value > 0);

#define SHOW(f) print_message("%-22s %lld %s\n", #f, \
	(long long)l.f.value, l.f.why)
	SHOW(threads_max);
	SHOW(pid_max);
	SHOW(nproc);
	SHOW(max_map_count);
	SHOW(map_count);
	SHOW(pids_max);
	SHOW(pids_current);
	SHOW(memory_max);
	SHOW(memory_current);
	SHOW(mem_available);
	SHOW(system_threads);
	SHOW(process_threads);
#undef SHOW
	print_message("%d unknown%s%s\n", unknown, unknown ? ", first: " : "",
	    unknown ? err : "");
	{
		struct limits_request	r = threads(100000);

		limits_format_count(cap(&l, &r), buf, sizeof buf);
		print_message("100,000 threads -> %s: %s\n", buf, why);
		r = fibers(10000000);
		limits_format_count(cap(&l, &r), buf, sizeof buf);
		print_message("10,000,000 fibers -> %s: %s\n", buf, why);
	}
}

/* Read a fixture file whole into buf. */
static void
slurp(const char *root, const char *rel, char *buf, size_t len)
{
	char	e[PROCFS_ERRLEN];

	assert_true(procfs_read(root, rel, buf, len, e, sizeof e) >= 0);
}

/* The parsers under limits_read, on the recorded files, one kind each. */
static void
test_limits_parse_fixtures(void **state)
{
	static const struct {
		enum limits_file	 kind;
		const char		*rel;
		int64_t			 want;
	} cases[] = {
		{ LIMITS_FILE_NUMBER, "sys/vm/max_map_count", 65530 },
		{ LIMITS_FILE_LIMITS, "self/limits", 4096 },
		{ LIMITS_FILE_MEMINFO, "meminfo", (int64_t)2097152 * 1024 },
		{ LIMITS_FILE_LOADAVG, "loadavg", 345 },
		{ LIMITS_FILE_STATUS, "self/status", 3 },
	};
	char	text[4096], e[LIMITS_WHYLEN], cg[64];
	int64_t	v;
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		slurp(LIM "/v2/proc", cases[i].rel, text, sizeof text);
		v = -7;
		assert_int_equal(limits_parse(cases[i].kind, text, &v, e,
		    sizeof e), 0);
		assert_int_equal(v, cases[i].want);
		/* The same file as another kind fails and leaves v. */
		e[0] = '\0';
		assert_int_equal(limits_parse(cases[i].kind ==
		    LIMITS_FILE_STATUS ? LIMITS_FILE_LOADAVG :
		    LIMITS_FILE_STATUS, text, &v, e, sizeof e), -1);
		assert_int_equal(v, cases[i].want);
		assert_true(e[0] != '\0');
	}
	assert_int_equal(limits_parse(LIMITS_FILE_CGROUP, "max\n", &v, e,
	    sizeof e), 0);
	assert_int_equal(v, LIMITS_NONE);
	assert_int_equal(limits_parse(LIMITS_FILE_NUMBER, "max\n", &v, e,
	    sizeof e), -1);
	assert_string_equal(e, "not a number");
	slurp(LIM "/malformed/proc", "self/status", text, sizeof text);
	assert_int_equal(limits_parse(LIMITS_FILE_STATUS, text, &v, e,
	    sizeof e), -1);
	assert_string_equal(e, "Threads not a number");

	slurp(LIM "/v2/proc", "self/cgroup", text, sizeof text);
	assert_int_equal(limits_parse_cgroup_path(text, cg, sizeof cg, e,
	    sizeof e), 0);
	assert_string_equal(cg, "/user.slice/cswviz.scope");
	slurp(LIM "/absent/proc", "self/cgroup", text, sizeof text);
	strcpy(cg, "untouched");
	assert_int_equal(limits_parse_cgroup_path(text, cg, sizeof cg, e,
	    sizeof e), -1);
	assert_string_equal(cg, "untouched");
	assert_string_equal(e, "no cgroup v2 (0::/) line");
	assert_int_equal(limits_parse_cgroup_path("0::/a/long/path\n", cg, 8,
	    e, sizeof e), -1);
	assert_string_equal(e, "cgroup path too long");
}

/* Guarded fiber stacks: two maps each, within the maps' headroom. */
static void
test_limits_guard_budget(void **state)
{
	struct limits	l;

	assert_int_equal(limits_read(&l, LIM "/v2/proc", LIM "/v2/sys", NULL,
	    0), 0);
	/* 65530 less the 4096 floor (over 5%) less the 6 maps in use. */
	assert_int_equal(limits_guard_budget(&l), (65530 - 4096 - 6) / 2);
	l.max_map_count.value = LIMITS_UNKNOWN;
	assert_int_equal(limits_guard_budget(&l),
	    (LIMITS_MAP_COUNT_DEFAULT - 4096 - 6) / 2);
	l.max_map_count.value = 1000000;	/* 5% is over the floor */
	assert_int_equal(limits_guard_budget(&l), (1000000 - 50000 - 6) / 2);
	l.max_map_count.value = 4200;	/* the floor leaves 104 */
	assert_int_equal(limits_guard_budget(&l), (4200 - 4096 - 6) / 2);
	l.map_count.value = 1000;
	assert_int_equal(limits_guard_budget(&l), 0);
	l.max_map_count.value = LIMITS_NONE;
	assert_int_equal(limits_guard_budget(&l), LONG_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits_cap_below_all_limits_unchanged),
		cmocka_unit_test(test_limits_cap_unknown_limits_do_not_cap),
		cmocka_unit_test(test_limits_cap_threads_max),
		cmocka_unit_test(test_limits_cap_pid_max),
		cmocka_unit_test(test_limits_cap_cgroup_pids_max),
		cmocka_unit_test(test_limits_cap_rlimit_nproc),
		cmocka_unit_test(test_limits_cap_max_map_count),
		cmocka_unit_test(test_limits_cap_cgroup_memory_max),
		cmocka_unit_test(test_limits_cap_mem_available),
		cmocka_unit_test(test_limits_cap_headroom),
		cmocka_unit_test(test_limits_cap_memory_estimate),
		cmocka_unit_test(test_limits_cap_fibers_skip_threads_and_maps),
		cmocka_unit_test(test_limits_cap_tightest_wins),
		cmocka_unit_test(test_limits_cap_huge_values_do_not_overflow),
		cmocka_unit_test(test_limits_cap_why_is_optional_and_bounded),
		cmocka_unit_test(test_limits_format_count),
		cmocka_unit_test(test_limits_read_v2_tree),
		cmocka_unit_test(test_limits_parse_fixtures),
		cmocka_unit_test(test_limits_guard_budget),
		cmocka_unit_test(test_limits_read_unlimited),
		cmocka_unit_test(test_limits_read_root_cgroup_has_no_limits),
		cmocka_unit_test(test_limits_read_absent_files),
		cmocka_unit_test(test_limits_read_malformed),
		cmocka_unit_test(test_limits_read_agrees_with_kernel),
	};

	return (cmocka_run_group_tests_name("limits", tests, NULL, NULL));
}

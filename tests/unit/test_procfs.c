/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/procfs.h"

#define PROC		FIXTURES "/proc"
#define ROOT		FIXTURES "/proc/root"
#define TEXT_SIZE	(1 << 16)
#define POISON		0xa5

static char	text[TEXT_SIZE];
static char	err[PROCFS_ERRLEN];

/* Load fixture NAME under tests/fixtures/proc into text. */
static const char *
load(const char *name)
{
	ssize_t	n;

	err[0] = '\0';
	n = procfs_read(PROC, name, text, sizeof text, err, sizeof err);
	if (n < 0)
		fail_msg("%s", err);
	assert_true((size_t)n < sizeof text - 1);
	return (text);
}

/* Tell whether len bytes at p all hold POISON. */
static int
poisoned(const void *p, size_t len)
{
	const unsigned char	*c = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		if (c[i] != POISON)
			return (0);
	return (1);
}

static void
test_procfs_read_fixture(void **state)
{
	ssize_t	n;

	n = procfs_read(ROOT, "loadavg", text, sizeof text, err, sizeof err);
	assert_int_equal(n, 25);
	assert_string_equal(text, "0.30 0.35 0.18 1/90 9668\n");
}

static void
test_procfs_read_missing_names_path(void **state)
{
	/* This kernel has no /proc/schedstat, so neither has the root. */
	memset(text, 'x', 8);
	assert_int_equal(procfs_read(ROOT, "schedstat", text, sizeof text,
	    err, sizeof err), -1);
	assert_string_equal(err,
	    ROOT "/schedstat: No such file or directory");
	assert_int_equal(procfs_read("/nonexistent", "pressure/cpu", text,
	    sizeof text, err, sizeof err), -1);
	assert_string_equal(err,
	    "/nonexistent/pressure/cpu: No such file or directory");
	/* A NULL err is allowed. */
	assert_int_equal(procfs_read(ROOT, "nope", text, sizeof text, NULL,
	    0), -1);
}

static void
test_procfs_read_cuts_to_buffer(void **state)
{
	char	small[16];

	assert_int_equal(procfs_read(ROOT, "loadavg", small, sizeof small,
	    err, sizeof err), 15);
	assert_string_equal(small, "0.30 0.35 0.18 ");
	assert_int_equal(procfs_read(ROOT, "loadavg", small, 0, err,
	    sizeof err), -1);
}

static void
test_procfs_pread_rereads_from_start(void **state)
{
	int	fd;

	fd = open(ROOT "/self/task/101/schedstat", O_RDONLY);
	assert_true(fd != -1);
	assert_int_equal(procfs_pread(fd, "schedstat", text, sizeof text, err,
	    sizeof err), 24);
	assert_string_equal(text, "349404986 26337808 4004\n");
	assert_int_equal(procfs_pread(fd, "schedstat", text, sizeof text, err,
	    sizeof err), 24);
	assert_string_equal(text, "349404986 26337808 4004\n");
	close(fd);
	assert_int_equal(procfs_pread(fd, "task 101 schedstat", text,
	    sizeof text, err, sizeof err), -1);
	assert_string_equal(err, "task 101 schedstat: Bad file descriptor");
}

static void
test_procfs_stat_parses_machine(void **state)
{
	static struct procfs_cpu_time	cpu[PROCFS_MAX_CPUS];
	struct procfs_stat		st = { .cpu = cpu };

	assert_int_equal(procfs_parse_stat(load("stat"), &st, err,
	    sizeof err), 0);
	assert_true(st.has_ctxt);
	assert_int_equal(st.ctxt, 338730);
	assert_true(st.has_procs);
	assert_int_equal(st.procs_running, 1);
	assert_int_equal(st.procs_blocked, 0);
	assert_int_equal(st.total.user, 5898);
	assert_int_equal(st.total.nice, 50);
	assert_int_equal(st.total.system, 6088);
	assert_int_equal(st.total.idle, 69857);
	assert_int_equal(st.total.iowait, 477);
	assert_int_equal(st.total.softirq, 152);
	assert_int_equal(st.ncpu, 2);
	assert_ptr_equal(st.cpu, cpu);
	assert_int_equal(cpu[0].user, 2403);
	assert_int_equal(cpu[0].idle, 36009);
	assert_int_equal(cpu[1].nice, 44);
	assert_int_equal(cpu[1].softirq, 92);
}

static void
test_procfs_stat_skips_null_cpu_array(void **state)
{
	struct procfs_stat	st = { .cpu = NULL };

	assert_int_equal(procfs_parse_stat(load("stat"), &st, err,
	    sizeof err), 0);
	assert_int_equal(st.ncpu, 2);
	assert_null(st.cpu);
}

static void
test_procfs_stat_ignores_truncated_tail(void **state)
{
	struct procfs_stat	st = { .cpu = NULL };

	/* Cut at "ctxt 33": the partial number must not be taken. */
	assert_int_equal(procfs_parse_stat(load("stat-truncated"), &st, err,
	    sizeof err), 0);
	assert_false(st.has_ctxt);
	assert_int_equal(st.ctxt, 0);
	assert_false(st.has_procs);
	assert_int_equal(st.total.user, 5898);
	assert_int_equal(st.ncpu, 2);
}

static void
test_procfs_stat_old_kernel_without_ctxt(void **state)
{
	static struct procfs_cpu_time	cpu[PROCFS_MAX_CPUS];
	struct procfs_stat		st = { .cpu = cpu };

	assert_int_equal(procfs_parse_stat(load("stat-no-ctxt"), &st, err,
	    sizeof err), 0);
	assert_false(st.has_ctxt);
	assert_false(st.has_procs);
	assert_int_equal(st.total.system, 200);
	assert_int_equal(st.total.softirq, 6);
	assert_int_equal(st.total.steal, 0);
	assert_int_equal(st.ncpu, 1);
	assert_int_equal(cpu[0].irq, 5);
}

static void
test_procfs_stat_failure_leaves_output(void **state)
{
	static struct procfs_cpu_time	cpu[PROCFS_MAX_CPUS];
	struct procfs_stat		st, copy;

	memset(&st, POISON, sizeof st);
	st.cpu = cpu;
	memset(cpu, POISON, sizeof cpu);
	copy = st;

	assert_int_equal(procfs_parse_stat(load("stat-no-cpu"), &st, err,
	    sizeof err), -1);
	assert_string_equal(err, "stat: no 'cpu' line");
	assert_int_equal(procfs_parse_stat(load("stat-malformed"), &st, err,
	    sizeof err), -1);
	assert_string_equal(err, "stat:3: bad 'cpu1' line");
	assert_int_equal(procfs_parse_stat(load("stat-overflow"), &st, err,
	    sizeof err), -1);
	assert_string_equal(err, "stat:5: bad 'ctxt' line");
	assert_int_equal(procfs_parse_stat("", &st, err, sizeof err), -1);
	assert_string_equal(err, "stat: no 'cpu' line");
	assert_memory_equal(&st, &copy, sizeof st);
	assert_true(poisoned(cpu, sizeof cpu));
}

static void
test_procfs_stat_caps_stored_cpus(void **state)
{
	static struct procfs_cpu_time	cpu[PROCFS_MAX_CPUS + 1];
	struct procfs_stat		st = { .cpu = cpu };
	char				*big, *p;
	int				 i, n = PROCFS_MAX_CPUS + 6;

	big = malloc((size_t)n * 64 + 64);
	assert_non_null(big);
	p = big + sprintf(big, "cpu  1 2 3 4 5 6 7 8 9 10\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "cpu%d %d 0 0 %d 0 0 0 0 0 0\n", i, i, 2 * i);
	sprintf(p, "ctxt 42\n");
	memset(cpu, POISON, sizeof cpu);

	assert_int_equal(procfs_parse_stat(big, &st, err, sizeof err), 0);
	assert_int_equal(st.ncpu, n);
	assert_int_equal(st.total.steal, 8);
	assert_int_equal(cpu[PROCFS_MAX_CPUS - 1].user, PROCFS_MAX_CPUS - 1);
	assert_int_equal(cpu[PROCFS_MAX_CPUS - 1].idle,
	    2 * (PROCFS_MAX_CPUS - 1));
	assert_true(poisoned(&cpu[PROCFS_MAX_CPUS], sizeof cpu[0]));
	assert_int_equal(st.ctxt, 42);
	free(big);
}

static void
test_procfs_loadavg_parses(void **state)
{
	struct procfs_loadavg	la;

	assert_int_equal(procfs_parse_loadavg(load("loadavg"), &la, err,
	    sizeof err), 0);
	assert_true(la.load1 == 0.30);
	assert_true(la.load5 == 0.35);
	assert_true(la.load15 == 0.18);
	assert_int_equal(la.runnable, 1);
	assert_int_equal(la.total, 90);
	assert_int_equal(la.last_pid, 9668);
}

static void
test_procfs_loadavg_rejects(void **state)
{
	struct procfs_loadavg	la, copy;

	memset(&la, POISON, sizeof la);
	copy = la;
	assert_int_equal(procfs_parse_loadavg(load("loadavg-malformed"), &la,
	    err, sizeof err), -1);
	assert_string_equal(err, "loadavg: bad load15");
	assert_int_equal(procfs_parse_loadavg("0.30 0.35 0.18 1/90 96", &la,
	    err, sizeof err), -1);
	assert_string_equal(err, "loadavg: truncated");
	assert_int_equal(procfs_parse_loadavg("", &la, err, sizeof err), -1);
	assert_string_equal(err, "loadavg: empty");
	assert_int_equal(procfs_parse_loadavg("1 2 3 1/90 4294967296\n", &la,
	    err, sizeof err), -1);
	assert_memory_equal(&la, &copy, sizeof la);
}

static void
test_procfs_status_parses_process(void **state)
{
	struct procfs_status	st;

	assert_int_equal(procfs_parse_status(load("status"), &st, err,
	    sizeof err), 0);
	assert_string_equal(st.name, "cswviz");
	assert_int_equal(st.state, 'R');
	assert_true(st.has_vm);
	assert_int_equal(st.vm_size, 27972ULL * 1024);
	assert_int_equal(st.vm_rss, 1608ULL * 1024);
	assert_true(st.has_threads);
	assert_int_equal(st.threads, 4);
	assert_true(st.has_ctxsw);
	assert_int_equal(st.vcsw, 3);
	assert_int_equal(st.ivcsw, 2);
}

static void
test_procfs_status_keeps_name_as_is(void **state)
{
	struct procfs_status	st;

	assert_true(procfs_read(ROOT, "self/task/103/status", text,
	    sizeof text, err, sizeof err) > 0);
	assert_int_equal(procfs_parse_status(text, &st, err, sizeof err), 0);
	/* The kernel cut "my (evil) thr) d" to 15 bytes. */
	assert_string_equal(st.name, "my (evil) thr) ");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.vcsw, 4189);
	assert_int_equal(st.ivcsw, 23);
}

static void
test_procfs_status_kernel_thread_has_no_vm(void **state)
{
	struct procfs_status	st;

	memset(&st, POISON, sizeof st);
	assert_int_equal(procfs_parse_status(load("status-kthread"), &st, err,
	    sizeof err), 0);
	assert_string_equal(st.name, "kthreadd");
	assert_false(st.has_vm);
	assert_int_equal(st.vm_size, 0);
	assert_int_equal(st.vm_rss, 0);
	assert_true(st.has_threads);
	assert_int_equal(st.threads, 1);
	assert_int_equal(st.vcsw, 59);
}

static void
test_procfs_status_ignores_truncated_tail(void **state)
{
	struct procfs_status	st;

	/* Cut inside "VmRSS:\t    1608 kB": VmRSS must not read as 1 kB. */
	assert_int_equal(procfs_parse_status(load("status-truncated"), &st,
	    err, sizeof err), 0);
	assert_string_equal(st.name, "cswviz");
	assert_false(st.has_vm);
	assert_int_equal(st.vm_rss, 0);
	assert_false(st.has_threads);
	assert_false(st.has_ctxsw);
}

static void
test_procfs_status_rejects(void **state)
{
	struct procfs_status	st, copy;
	char			long_line[4096 + 64];

	memset(&st, POISON, sizeof st);
	copy = st;
	assert_int_equal(procfs_parse_status(load("status-malformed"), &st,
	    err, sizeof err), -1);
	assert_string_equal(err, "status:23: bad 'VmRSS' line");
	assert_int_equal(procfs_parse_status(load("status-no-name"), &st,
	    err, sizeof err), -1);
	assert_string_equal(err, "status: no 'Name' line");
	assert_int_equal(procfs_parse_status("Name:\tx\n", &st, err,
	    sizeof err), -1);
	assert_string_equal(err, "status: no 'State' line");
	assert_int_equal(procfs_parse_status("", &st, err, sizeof err), -1);
	assert_int_equal(procfs_parse_status("Name:\tx\nState:\tS\n"
	    "VmSize:\t99999999999999999 kB\n", &st, err, sizeof err), -1);
	assert_string_equal(err, "status:3: bad 'VmSize' line");
	assert_memory_equal(&st, &copy, sizeof st);

	/* A very long name is cut, not overrun. */
	memset(long_line, 'n', sizeof long_line);
	memcpy(long_line, "Name:\t", 6);
	strcpy(long_line + 4096, "\nState:\tR\n");
	assert_int_equal(procfs_parse_status(long_line, &st, err, sizeof err),
	    0);
	assert_int_equal(strlen(st.name), PROCFS_COMM_LEN - 1);
}

static void
test_procfs_task_stat_parses(void **state)
{
	struct procfs_task_stat	ts;

	assert_int_equal(procfs_parse_task_stat(load("task-stat"), &ts, err,
	    sizeof err), 0);
	assert_int_equal(ts.tid, 101);
	assert_string_equal(ts.comm, "csw-worker-0");
	assert_int_equal(ts.state, 'R');
	assert_int_equal(ts.utime, 33);
	assert_int_equal(ts.stime, 1);
	assert_int_equal(ts.nice, 0);
	assert_int_equal(ts.processor, 0);
}

static void
test_procfs_task_stat_evil_comm(void **state)
{
	struct procfs_task_stat	ts;

	assert_int_equal(procfs_parse_task_stat(load("task-stat-evil"), &ts,
	    err, sizeof err), 0);
	assert_int_equal(ts.tid, 103);
	assert_string_equal(ts.comm, "my (evil) thr) d");
	assert_int_equal(ts.state, 'S');
	assert_int_equal(ts.utime, 32);
	assert_int_equal(ts.processor, 1);

	/* The kernel's own cut of the same name, captured live. */
	assert_true(procfs_read(ROOT, "self/task/103/stat", text, sizeof text,
	    err, sizeof err) > 0);
	assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err),
	    0);
	assert_string_equal(ts.comm, "my (evil) thr) ");
}

static void
test_procfs_task_stat_odd_comm_and_nice(void **state)
{
	struct procfs_task_stat	ts;

	assert_int_equal(procfs_parse_task_stat(load("task-stat-odd"), &ts,
	    err, sizeof err), 0);
	assert_int_equal(ts.tid, 104);
	assert_string_equal(ts.comm, "a) b (c");
	assert_int_equal(ts.state, 'R');
	assert_int_equal(ts.nice, -5);
	assert_int_equal(ts.processor, 1);
}

static void
test_procfs_task_stat_newline_in_comm(void **state)
{
	struct procfs_task_stat	ts;

	assert_int_equal(procfs_parse_task_stat(load("task-stat-newline"),
	    &ts, err, sizeof err), 0);
	assert_string_equal(ts.comm, "new\nline) x");
	assert_int_equal(ts.state, 'R');
	assert_int_equal(ts.utime, 33);
}

static void
test_procfs_task_stat_rejects(void **state)
{
	struct procfs_task_stat	ts, copy;
	char			line[256];
	int			field;

	memset(&ts, POISON, sizeof ts);
	copy = ts;
	assert_int_equal(procfs_parse_task_stat(load("task-stat-truncated"),
	    &ts, err, sizeof err), -1);
	assert_string_equal(err, "task stat: bad field 39");
	assert_int_equal(procfs_parse_task_stat(load("task-stat-no-paren"),
	    &ts, err, sizeof err), -1);
	assert_string_equal(err, "task stat: no ')' after comm");
	assert_int_equal(procfs_parse_task_stat("", &ts, err, sizeof err), -1);
	assert_string_equal(err, "task stat: empty");
	assert_int_equal(procfs_parse_task_stat("1 (x) S 0", &ts, err,
	    sizeof err), -1);
	assert_string_equal(err, "task stat: truncated");
	assert_int_equal(procfs_parse_task_stat("x (y) S\n", &ts, err,
	    sizeof err), -1);
	assert_string_equal(err, "task stat: bad tid");
	assert_int_equal(procfs_parse_task_stat("1 (y) S 1 2\n", &ts, err,
	    sizeof err), -1);
	assert_string_equal(err, "task stat: bad field 6");

	/* Fields 4 to 38, then a processor beyond int32_t. */
	strcpy(line, "1 (x) S");
	for (field = 4; field <= 38; field++)
		strcat(line, field == 19 ? " -20" : " 7");
	strcat(line, " 4294967296\n");
	assert_int_equal(procfs_parse_task_stat(line, &ts, err, sizeof err),
	    -1);
	assert_string_equal(err, "task stat: bad field 39");
	assert_memory_equal(&ts, &copy, sizeof ts);
	strcpy(strrchr(line, ' '), " 3\n");
	assert_int_equal(procfs_parse_task_stat(line, &ts, err, sizeof err),
	    0);
	assert_int_equal(ts.processor, 3);
	assert_int_equal(ts.nice, -20);
	assert_int_equal(ts.utime, 7);
}

static void
test_procfs_schedstat_parses(void **state)
{
	struct procfs_schedstat	ss, copy;

	assert_int_equal(procfs_parse_schedstat(load("schedstat"), &ss, err,
	    sizeof err), 0);
	assert_int_equal(ss.run_ns, 349404986);
	assert_int_equal(ss.wait_ns, 26337808);
	assert_int_equal(ss.timeslices, 4004);

	copy = ss;
	assert_int_equal(procfs_parse_schedstat(load("schedstat-malformed"),
	    &ss, err, sizeof err), -1);
	assert_string_equal(err, "schedstat: want 3 numbers");
	assert_int_equal(procfs_parse_schedstat("1 2 3", &ss, err,
	    sizeof err), -1);
	assert_string_equal(err, "schedstat: truncated");
	assert_int_equal(procfs_parse_schedstat("1 2 18446744073709551616\n",
	    &ss, err, sizeof err), -1);
	assert_memory_equal(&ss, &copy, sizeof ss);
}

static void
test_procfs_meminfo_parses(void **state)
{
	struct procfs_meminfo	mi;

	assert_int_equal(procfs_parse_meminfo(load("meminfo"), &mi, err,
	    sizeof err), 0);
	assert_int_equal(mi.mem_total, 24683620ULL * 1024);
	assert_true(mi.has_available);
	assert_int_equal(mi.mem_available, 24344476ULL * 1024);
	assert_true(mi.has_kernel_stack);
	assert_int_equal(mi.kernel_stack, 1472ULL * 1024);
	/* PageTables, not SecPageTables. */
	assert_true(mi.has_page_tables);
	assert_int_equal(mi.page_tables, 1516ULL * 1024);
}

static void
test_procfs_meminfo_old_kernel_and_rejects(void **state)
{
	struct procfs_meminfo	mi, copy;

	assert_int_equal(procfs_parse_meminfo(load("meminfo-old"), &mi, err,
	    sizeof err), 0);
	assert_int_equal(mi.mem_total, 1035360ULL * 1024);
	assert_false(mi.has_available);
	assert_false(mi.has_kernel_stack);
	assert_false(mi.has_page_tables);

	copy = mi;
	assert_int_equal(procfs_parse_meminfo(load("meminfo-no-total"), &mi,
	    err, sizeof err), -1);
	assert_string_equal(err, "meminfo: no 'MemTotal' line");
	assert_int_equal(procfs_parse_meminfo("MemTotal: 12 MB\n", &mi, err,
	    sizeof err), -1);
	assert_string_equal(err, "meminfo:1: bad 'MemTotal' line");
	assert_memory_equal(&mi, &copy, sizeof mi);
}

static void
test_procfs_psi_parses(void **state)
{
	struct procfs_psi	ps;

	assert_int_equal(procfs_parse_psi(load("pressure-cpu"), &ps, err,
	    sizeof err), 0);
	assert_true(ps.has_some);
	assert_true(ps.some_avg10 == 2.01);
	assert_true(ps.some_avg60 == 1.44);
	assert_true(ps.some_avg300 == 2.14);
	assert_int_equal(ps.some_total_us, 14146047);
	assert_true(ps.has_full);
	assert_true(ps.full_avg10 == 0.0);
	assert_int_equal(ps.full_total_us, 0);
}

static void
test_procfs_psi_some_only_and_rejects(void **state)
{
	struct procfs_psi	ps, copy;

	assert_int_equal(procfs_parse_psi(load("pressure-cpu-some-only"), &ps,
	    err, sizeof err), 0);
	assert_true(ps.has_some);
	assert_true(ps.some_avg10 == 0.12);
	assert_int_equal(ps.some_total_us, 123456);
	assert_false(ps.has_full);

	copy = ps;
	assert_int_equal(procfs_parse_psi(load("pressure-cpu-malformed"), &ps,
	    err, sizeof err), -1);
	assert_string_equal(err, "pressure:1: bad 'some' line");
	assert_int_equal(procfs_parse_psi("", &ps, err, sizeof err), -1);
	assert_string_equal(err, "pressure: no 'some' line");
	assert_memory_equal(&ps, &copy, sizeof ps);
}

static void
test_procfs_cpu_schedstat_v15(void **state)
{
	struct procfs_cpu_sched	cs[4];

	assert_int_equal(procfs_parse_cpu_schedstat(load("cpu-schedstat-v15"),
	    cs, 4, err, sizeof err), 2);
	assert_int_equal(cs[0].run_ns, 51234567890ULL);
	assert_int_equal(cs[0].wait_ns, 1234567890ULL);
	assert_int_equal(cs[0].timeslices, 80123);
	assert_int_equal(cs[1].run_ns, 52345678901ULL);
	assert_int_equal(cs[1].wait_ns, 2345678901ULL);
	assert_int_equal(cs[1].timeslices, 81234);
}

static void
test_procfs_cpu_schedstat_v17_caps_at_max(void **state)
{
	struct procfs_cpu_sched	cs[4];

	memset(cs, POISON, sizeof cs);
	assert_int_equal(procfs_parse_cpu_schedstat(load("cpu-schedstat-v17"),
	    cs, 3, err, sizeof err), 3);
	assert_int_equal(cs[2].run_ns, 5);
	assert_int_equal(cs[2].wait_ns, 6);
	assert_int_equal(cs[2].timeslices, 7);
	assert_true(poisoned(&cs[3], sizeof cs[3]));
	assert_int_equal(procfs_parse_cpu_schedstat(text, cs, 4, err,
	    sizeof err), 4);
	assert_int_equal(cs[3].wait_ns, 60);
}

static void
test_procfs_cpu_schedstat_rejects(void **state)
{
	struct procfs_cpu_sched	cs[4];

	memset(cs, POISON, sizeof cs);
	assert_int_equal(procfs_parse_cpu_schedstat(load("cpu-schedstat-v14"),
	    cs, 4, err, sizeof err), -1);
	assert_string_equal(err, "schedstat: unknown version 14");
	assert_int_equal(procfs_parse_cpu_schedstat(
	    load("cpu-schedstat-short"), cs, 4, err, sizeof err), -1);
	assert_string_equal(err, "schedstat:3: short or bad cpu line");
	assert_int_equal(procfs_parse_cpu_schedstat(
	    "version 15\ntimestamp 1\n", cs, 4, err, sizeof err), -1);
	assert_string_equal(err, "schedstat: no cpu lines");
	assert_int_equal(procfs_parse_cpu_schedstat("", cs, 4, err,
	    sizeof err), -1);
	assert_string_equal(err, "schedstat: empty");
	assert_int_equal(procfs_parse_cpu_schedstat(load("stat"), cs, 4, err,
	    sizeof err), -1);
	assert_string_equal(err, "schedstat:1: no version line");
	assert_true(poisoned(cs, sizeof cs));
}

static void
test_procfs_maps_line_parses(void **state)
{
	struct procfs_map	m, copy;

	assert_int_equal(procfs_parse_maps_line("7ffdd0d83000-7ffdd0e87000 "
	    "rw-p 00000000 00:00 0                          [stack]\n", &m, err,
	    sizeof err), 0);
	assert_true(m.start == 0x7ffdd0d83000);
	assert_true(m.end == 0x7ffdd0e87000);
	assert_string_equal(m.perms, "rw-p");
	assert_string_equal(m.path, "[stack]");
	assert_int_equal(m.size, 1040 * 1024);
	assert_int_equal(m.rss, 0);

	/* Anonymous: trailing blank, no path, no '\n'. */
	assert_int_equal(procfs_parse_maps_line("7fa94690f000-7fa94710f000 "
	    "rw-p 00000000 00:00 0 ", &m, err, sizeof err), 0);
	assert_string_equal(m.path, "");
	assert_int_equal(m.size, 8 << 20);

	/* A path with spaces. */
	assert_int_equal(procfs_parse_maps_line("1000-2000 r-xs 00001000 "
	    "fe:01 42   /tmp/my lib.so (deleted)", &m, err, sizeof err), 0);
	assert_string_equal(m.path, "/tmp/my lib.so (deleted)");
	assert_string_equal(m.perms, "r-xs");

	copy = m;
	assert_int_equal(procfs_parse_maps_line("2000-1000 r-xp 0 0:0 0\n",
	    &m, err, sizeof err), -1);
	assert_string_equal(err, "maps: malformed line");
	assert_int_equal(procfs_parse_maps_line("1000-2000 rq-p 0 0:0 0\n",
	    &m, err, sizeof err), -1);
	assert_int_equal(procfs_parse_maps_line("1000-2000 r-", &m, err,
	    sizeof err), -1);
	assert_int_equal(procfs_parse_maps_line("", &m, err, sizeof err), -1);
	assert_memory_equal(&m, &copy, sizeof m);
}

static void
test_procfs_maps_whole_file(void **state)
{
	struct procfs_map	 m;
	const char		*line, *eol;
	int			 n = 0, stacks = 0;

	load("maps");
	for (line = text; (eol = strchr(line, '\n')) != NULL; line = eol + 1) {
		assert_int_equal(procfs_parse_maps_line(line, &m, err,
		    sizeof err), 0);
		if (strcmp(m.path, "[stack]") == 0)
			stacks++;
		n++;
	}
	assert_int_equal(n, 30);
	assert_int_equal(stacks, 1);
}

struct smaps_seen {
	int			n;
	struct procfs_map	maps[8];
};

/* Collect the mappings an smaps parse reports. */
static void
smaps_collect(const struct procfs_map *m, void *arg)
{
	struct smaps_seen	*seen = arg;

	if (seen->n < 8)
		seen->maps[seen->n] = *m;
	seen->n++;
}

static void
test_procfs_smaps_calls_back_per_mapping(void **state)
{
	struct smaps_seen	seen = { 0 };

	assert_int_equal(procfs_parse_smaps(load("smaps"), smaps_collect,
	    &seen, err, sizeof err), 0);
	assert_int_equal(seen.n, 6);
	assert_string_equal(seen.maps[0].path, "/usr/local/bin/cswviz");
	assert_int_equal(seen.maps[0].size, 4 * 1024);
	assert_string_equal(seen.maps[1].path, "[heap]");
	assert_int_equal(seen.maps[1].size, 132 * 1024);
	assert_int_equal(seen.maps[1].rss, 12 * 1024);
	assert_string_equal(seen.maps[2].path, "");	/* a thread stack */
	assert_int_equal(seen.maps[2].size, 8192 * 1024);
	assert_int_equal(seen.maps[2].rss, 8 * 1024);
	assert_int_equal(seen.maps[3].rss, 984 * 1024);
	assert_string_equal(seen.maps[4].path, "[stack]");
	assert_string_equal(seen.maps[4].perms, "rw-p");
	assert_int_equal(seen.maps[4].rss, 44 * 1024);
	assert_string_equal(seen.maps[5].path, "[vsyscall]");
	assert_true(seen.maps[5].start == (uintptr_t)0xffffffffff600000ULL);
	assert_int_equal(seen.maps[5].rss, 0);
}

static void
test_procfs_smaps_drops_cut_last_mapping(void **state)
{
	struct smaps_seen	seen = { 0 };

	/* Cut inside the Rss line of [stack]: that mapping is dropped. */
	assert_int_equal(procfs_parse_smaps(load("smaps-truncated"),
	    smaps_collect, &seen, err, sizeof err), 0);
	assert_int_equal(seen.n, 4);
	assert_int_equal(seen.maps[3].rss, 984 * 1024);
}

static void
test_procfs_smaps_rejects_before_calling_back(void **state)
{
	struct smaps_seen	seen = { 0 };

	assert_int_equal(procfs_parse_smaps(load("smaps-no-rss"),
	    smaps_collect, &seen, err, sizeof err), -1);
	assert_string_equal(err, "smaps:50: mapping above has no Rss");
	assert_int_equal(procfs_parse_smaps("Rss: 4 kB\n", smaps_collect,
	    &seen, err, sizeof err), -1);
	assert_string_equal(err, "smaps:1: field before the first mapping");
	assert_int_equal(procfs_parse_smaps("1000-2000 r--p 0 0:0 0\n"
	    "Size: 4 kB\nRss: 4x kB\n", smaps_collect, &seen, err, sizeof err),
	    -1);
	assert_string_equal(err, "smaps:3: bad 'Rss' line");
	assert_int_equal(seen.n, 0);

	/* A kernel thread's smaps is empty: no mappings, no error. */
	assert_int_equal(procfs_parse_smaps("", smaps_collect, &seen, err,
	    sizeof err), 0);
	assert_int_equal(seen.n, 0);
}

static void
test_procfs_root_layout_parses(void **state)
{
	static const char *const tids[] = { "100", "101", "102", "103" };
	struct procfs_task_stat	 ts;
	struct procfs_status	 st;
	struct procfs_schedstat	 ss;
	struct procfs_stat	 pst = { .cpu = NULL };
	struct procfs_loadavg	 la;
	struct procfs_meminfo	 mi;
	struct procfs_psi	 ps;
	struct smaps_seen	 seen = { 0 };
	char			 rel[64];
	size_t			 i;

	for (i = 0; i < 4; i++) {
		snprintf(rel, sizeof rel, "self/task/%s/stat", tids[i]);
		assert_true(procfs_read(ROOT, rel, text, sizeof text, err,
		    sizeof err) > 0);
		assert_int_equal(procfs_parse_task_stat(text, &ts, err,
		    sizeof err), 0);
		assert_int_equal(ts.tid, atoi(tids[i]));
		snprintf(rel, sizeof rel, "self/task/%s/status", tids[i]);
		assert_true(procfs_read(ROOT, rel, text, sizeof text, err,
		    sizeof err) > 0);
		assert_int_equal(procfs_parse_status(text, &st, err,
		    sizeof err), 0);
		assert_int_equal(st.threads, 4);
		snprintf(rel, sizeof rel, "self/task/%s/schedstat", tids[i]);
		assert_true(procfs_read(ROOT, rel, text, sizeof text, err,
		    sizeof err) > 0);
		assert_int_equal(procfs_parse_schedstat(text, &ss, err,
		    sizeof err), 0);
	}
	assert_true(procfs_read(ROOT, "self/task/102/stat", text, sizeof text,
	    err, sizeof err) > 0);
	assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err),
	    0);
	assert_int_equal(ts.nice, 5);	/* setpriority(2) on one thread */

	assert_true(procfs_read(ROOT, "self/stat", text, sizeof text, err,
	    sizeof err) > 0);
	assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err),
	    0);
	assert_string_equal(ts.comm, "cswviz");
	assert_true(procfs_read(ROOT, "self/status", text, sizeof text, err,
	    sizeof err) > 0);
	assert_int_equal(procfs_parse_status(text, &st, err, sizeof err), 0);
	assert_true(procfs_read(ROOT, "self/smaps", text, sizeof text, err,
	    sizeof err) > 0);
	assert_int_equal(procfs_parse_smaps(text, smaps_collect, &seen, err,
	    sizeof err), 0);
	assert_int_equal(seen.n, 30);
	assert_true(procfs_read(ROOT, "stat", text, sizeof text, err,
	    sizeof err) > 0);
	assert_int_equal(procfs_parse_stat(text, &pst, err, sizeof err), 0);
	assert_true(procfs_read(ROOT, "loadavg", text, sizeof text, err,
	    sizeof err) > 0);
	assert_int_equal(procfs_parse_loadavg(text, &la, err, sizeof err), 0);
	assert_true(procfs_read(ROOT, "meminfo", text, sizeof text, err,
	    sizeof err) > 0);
	assert_int_equal(procfs_parse_meminfo(text, &mi, err, sizeof err), 0);
	assert_true(procfs_read(ROOT, "pressure/cpu", text, sizeof text, err,
	    sizeof err) > 0);
	assert_int_equal(procfs_parse_psi(text, &ps, err, sizeof err), 0);
}

static void
test_procfs_decimals_ignore_locale(void **state)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"
	};
	struct procfs_loadavg	 la;
	struct procfs_psi	 ps;
	const char		*set = NULL;
	size_t			 i;

	for (i = 0; i < sizeof names / sizeof names[0] && set == NULL; i++)
		set = setlocale(LC_NUMERIC, names[i]);
	if (set == NULL)
		skip();	/* no locale with a decimal comma installed */
	assert_string_equal(localeconv()->decimal_point, ",");
	assert_int_equal(procfs_parse_loadavg("0.30 0.35 0.18 1/90 9668\n",
	    &la, err, sizeof err), 0);
	assert_int_equal(procfs_parse_psi(load("pressure-cpu"), &ps, err,
	    sizeof err), 0);
	setlocale(LC_NUMERIC, "C");
	assert_true(la.load15 == 0.18);
	assert_true(ps.some_avg300 == 2.14);
}

struct parse_job {
	char	status[4096], task_stat[1024], stat[8192];
	int	failures;
};

/* Parse the same texts many times and count wrong answers. */
static void *
parse_many(void *arg)
{
	struct parse_job	*job = arg;
	struct procfs_status	 st;
	struct procfs_task_stat	 ts;
	struct procfs_stat	 ps = { .cpu = NULL };
	char			 e[PROCFS_ERRLEN];
	int			 i;

	for (i = 0; i < 20000; i++) {
		if (procfs_parse_status(job->status, &st, e, sizeof e) != 0 ||
		    st.vm_rss != 1636ULL * 1024 || st.vcsw != 4189)
			job->failures++;
		if (procfs_parse_task_stat(job->task_stat, &ts, e,
		    sizeof e) != 0 || ts.tid != 103 || ts.utime != 32 ||
		    strcmp(ts.comm, "my (evil) thr) ") != 0)
			job->failures++;
		if (procfs_parse_stat(job->stat, &ps, e, sizeof e) != 0 ||
		    ps.ctxt != 338730)
			job->failures++;
	}
	return (NULL);
}

static void
test_procfs_parsers_run_concurrently(void **state)
{
	static struct parse_job	jobs[4];
	pthread_t		threads[4];
	int			i;

	for (i = 0; i < 4; i++) {
		assert_true(procfs_read(ROOT, "self/task/103/status",
		    jobs[i].status, sizeof jobs[i].status, err, sizeof err) > 0);
		assert_true(procfs_read(ROOT, "self/task/103/stat",
		    jobs[i].task_stat, sizeof jobs[i].task_stat, err,
		    sizeof err) > 0);
		assert_true(procfs_read(ROOT, "stat", jobs[i].stat,
		    sizeof jobs[i].stat, err, sizeof err) > 0);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, parse_many,
		    &jobs[i]), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(jobs[i].failures, 0);
	}
}

/* Count mappings. */
static void
smaps_count(const struct procfs_map *m, void *arg)
{
	assert_true(m->start <= m->end);
	(*(int *)arg)++;
}

/*
 * Feed text[0..len) (in a buffer of exactly that size, so a sanitizer sees
 * any over-read) to every parser.  What a prefix parse reports must agree
 * with the whole file's parse: a cut never invents a number.
 */
static void
fuzz_prefix(const char *whole, size_t len, const char *name)
{
	static struct procfs_cpu_time	cpu[PROCFS_MAX_CPUS];
	struct procfs_stat		st, fst = { .cpu = NULL };
	struct procfs_status		ss, fss;
	struct procfs_task_stat		ts, fts;
	struct procfs_schedstat		sc, fsc;
	struct procfs_meminfo		mi, fmi;
	struct procfs_psi		ps, fps;
	struct procfs_loadavg		la;
	struct procfs_cpu_sched		cs[4];
	struct procfs_map		m;
	char				*p, e[PROCFS_ERRLEN];
	int				 n, full_ok[6], off, size;

	full_ok[0] = procfs_parse_stat(whole, &fst, e, sizeof e) == 0;
	full_ok[1] = procfs_parse_status(whole, &fss, e, sizeof e) == 0;
	full_ok[2] = procfs_parse_task_stat(whole, &fts, e, sizeof e) == 0;
	full_ok[3] = procfs_parse_schedstat(whole, &fsc, e, sizeof e) == 0;
	full_ok[4] = procfs_parse_meminfo(whole, &fmi, e, sizeof e) == 0;
	full_ok[5] = procfs_parse_psi(whole, &fps, e, sizeof e) == 0;

	p = malloc(len + 1);
	assert_non_null(p);
	memcpy(p, whole, len);
	p[len] = '\0';

	e[0] = '\0';
	st.cpu = cpu;
	if (procfs_parse_stat(p, &st, e, sizeof e) == 0) {
		if (full_ok[0]) {
			assert_memory_equal(&st.total, &fst.total,
			    sizeof st.total);
			assert_true(st.ncpu <= fst.ncpu);
			if (st.has_ctxt)
				assert_int_equal(st.ctxt, fst.ctxt);
		}
	} else
		assert_true(strncmp(e, "stat", 4) == 0);

	e[0] = '\0';
	if (procfs_parse_status(p, &ss, e, sizeof e) == 0) {
		assert_true(memchr(ss.name, '\0', sizeof ss.name) != NULL);
		if (full_ok[1]) {
			assert_string_equal(ss.name, fss.name);
			if (ss.has_vm)
				assert_int_equal(ss.vm_rss, fss.vm_rss);
			if (ss.has_ctxsw)
				assert_int_equal(ss.ivcsw, fss.ivcsw);
			if (ss.has_threads)
				assert_int_equal(ss.threads, fss.threads);
		}
	} else
		assert_true(strncmp(e, "status", 6) == 0);

	e[0] = '\0';
	if (procfs_parse_task_stat(p, &ts, e, sizeof e) == 0) {
		assert_true(memchr(ts.comm, '\0', sizeof ts.comm) != NULL);
		if (full_ok[2]) {
			assert_int_equal(ts.utime, fts.utime);
			assert_int_equal(ts.processor, fts.processor);
		}
	} else
		assert_true(strncmp(e, "task stat", 9) == 0);

	e[0] = '\0';
	if (procfs_parse_schedstat(p, &sc, e, sizeof e) == 0) {
		if (full_ok[3])
			assert_memory_equal(&sc, &fsc, sizeof sc);
	} else
		assert_true(strncmp(e, "schedstat", 9) == 0);

	e[0] = '\0';
	if (procfs_parse_meminfo(p, &mi, e, sizeof e) == 0) {
		if (full_ok[4]) {
			assert_int_equal(mi.mem_total, fmi.mem_total);
			if (mi.has_available)
				assert_int_equal(mi.mem_available,
				    fmi.mem_available);
		}
	} else
		assert_true(strncmp(e, "meminfo", 7) == 0);

	e[0] = '\0';
	if (procfs_parse_psi(p, &ps, e, sizeof e) == 0) {
		if (full_ok[5]) {
			assert_true(ps.some_avg10 == fps.some_avg10);
			assert_int_equal(ps.some_total_us, fps.some_total_us);
		}
	} else
		assert_true(strncmp(e, "pressure", 8) == 0);

	e[0] = '\0';
	if (procfs_parse_loadavg(p, &la, e, sizeof e) == 0)
		assert_true(la.load1 >= 0 && la.runnable <= UINT32_MAX);
	else
		assert_true(strncmp(e, "loadavg", 7) == 0);

	e[0] = '\0';
	n = procfs_parse_cpu_schedstat(p, cs, 4, e, sizeof e);
	if (n < 0)
		assert_true(strncmp(e, "schedstat", 9) == 0);
	else
		assert_true(n <= 4);

	if (procfs_parse_maps_line(p, &m, e, sizeof e) == 0) {
		assert_true(m.start <= m.end);
		assert_true(memchr(m.path, '\0', sizeof m.path) != NULL);
	}
	n = 0;
	if (procfs_parse_smaps(p, smaps_count, &n, e, sizeof e) != 0)
		assert_int_equal(n, 0);

	/* A cut format file never names a field past its end. */
	if (procfs_parse_trace_field(p, "next_pid", &off, &size) == 0)
		assert_true(off >= 0 && size > 0 && strstr(p, "next_pid") !=
		    NULL);
	free(p);
	(void)name;
}

static void
test_procfs_every_prefix_is_safe(void **state)
{
	static const char *const names[] = {
		"cpu-schedstat-short", "cpu-schedstat-v14",
		"cpu-schedstat-v15", "cpu-schedstat-v17", "loadavg",
		"loadavg-malformed", "maps", "meminfo", "meminfo-no-total",
		"meminfo-old", "pressure-cpu", "pressure-cpu-malformed",
		"pressure-cpu-some-only", "schedstat", "schedstat-malformed",
		"smaps", "smaps-no-rss", "smaps-truncated", "stat",
		"stat-malformed", "stat-no-cpu", "stat-no-ctxt",
		"stat-overflow", "stat-truncated", "status", "status-kthread",
		"status-malformed", "status-no-name", "status-truncated",
		"task-stat", "task-stat-evil", "task-stat-newline",
		"task-stat-no-paren", "task-stat-odd", "task-stat-truncated",
		"tracefs-sched-switch", "tracefs-sched-wakeup",
	};
	char	*whole;
	size_t	 i, len, cut;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		load(names[i]);
		len = strlen(text);
		whole = strdup(text);
		assert_non_null(whole);
		for (cut = 0; cut <= len; cut++)
			fuzz_prefix(whole, cut, names[i]);
		free(whole);
	}
}

/*
 * The fields the trace's kernel side reads from tracefs format files:
 * arrays by their name alone, and a name that is only the end of another
 * field's ("pid" in "common_pid", "prev_pid") is not that field.
 */
static void
test_procfs_trace_field(void **state)
{
	int	off, size;

	load("tracefs-sched-switch");
	assert_int_equal(procfs_parse_trace_field(text, "prev_comm", &off,
	    &size), 0);
	assert_int_equal(off, 8);
	assert_int_equal(size, 16);
	assert_int_equal(procfs_parse_trace_field(text, "next_pid", &off,
	    &size), 0);
	assert_int_equal(off, 56);
	assert_int_equal(size, 4);
	assert_int_equal(procfs_parse_trace_field(text, "prev_state", &off,
	    &size), 0);
	assert_int_equal(size, 8);
	assert_int_equal(procfs_parse_trace_field(text, "pid", &off, &size),
	    -1);
	load("tracefs-sched-wakeup");
	assert_int_equal(procfs_parse_trace_field(text, "pid", &off, &size),
	    0);
	assert_int_equal(off, 24);
	assert_int_equal(procfs_parse_trace_field(text, "comm", &off, &size),
	    0);
	assert_int_equal(off, 8);
	assert_int_equal(procfs_parse_trace_field("field:int pid; offset:"
	    "x;", "pid", &off, &size), -1);
	assert_int_equal(procfs_parse_trace_field("field:int pid", "pid",
	    &off, &size), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procfs_read_fixture),
		cmocka_unit_test(test_procfs_read_missing_names_path),
		cmocka_unit_test(test_procfs_read_cuts_to_buffer),
		cmocka_unit_test(test_procfs_pread_rereads_from_start),
		cmocka_unit_test(test_procfs_stat_parses_machine),
		cmocka_unit_test(test_procfs_stat_skips_null_cpu_array),
		cmocka_unit_test(test_procfs_stat_ignores_truncated_tail),
		cmocka_unit_test(test_procfs_stat_old_kernel_without_ctxt),
		cmocka_unit_test(test_procfs_stat_failure_leaves_output),
		cmocka_unit_test(test_procfs_stat_caps_stored_cpus),
		cmocka_unit_test(test_procfs_loadavg_parses),
		cmocka_unit_test(test_procfs_loadavg_rejects),
		cmocka_unit_test(test_procfs_status_parses_process),
		cmocka_unit_test(test_procfs_status_keeps_name_as_is),
		cmocka_unit_test(test_procfs_status_kernel_thread_has_no_vm),
		cmocka_unit_test(test_procfs_status_ignores_truncated_tail),
		cmocka_unit_test(test_procfs_status_rejects),
		cmocka_unit_test(test_procfs_task_stat_parses),
		cmocka_unit_test(test_procfs_task_stat_evil_comm),
		cmocka_unit_test(test_procfs_task_stat_odd_comm_and_nice),
		cmocka_unit_test(test_procfs_task_stat_newline_in_comm),
		cmocka_unit_test(test_procfs_task_stat_rejects),
		cmocka_unit_test(test_procfs_schedstat_parses),
		cmocka_unit_test(test_procfs_meminfo_parses),
		cmocka_unit_test(test_procfs_meminfo_old_kernel_and_rejects),
		cmocka_unit_test(test_procfs_psi_parses),
		cmocka_unit_test(test_procfs_psi_some_only_and_rejects),
		cmocka_unit_test(test_procfs_cpu_schedstat_v15),
		cmocka_unit_test(test_procfs_cpu_schedstat_v17_caps_at_max),
		cmocka_unit_test(test_procfs_cpu_schedstat_rejects),
		cmocka_unit_test(test_procfs_maps_line_parses),
		cmocka_unit_test(test_procfs_maps_whole_file),
		cmocka_unit_test(test_procfs_smaps_calls_back_per_mapping),
		cmocka_unit_test(test_procfs_smaps_drops_cut_last_mapping),
		cmocka_unit_test(test_procfs_smaps_rejects_before_calling_back),
		cmocka_unit_test(test_procfs_root_layout_parses),
		cmocka_unit_test(test_procfs_decimals_ignore_locale),
		cmocka_unit_test(test_procfs_parsers_run_concurrently),
		cmocka_unit_test(test_procfs_every_prefix_is_safe),
		cmocka_unit_test(test_procfs_trace_field),
	};

	return (cmocka_run_group_tests_name("procfs", tests, NULL, NULL));
}

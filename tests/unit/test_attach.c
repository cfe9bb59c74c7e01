/* SPDX-License-Identifier: ISC */
/*
 * The readers -p adds (proc/attach_read.c): a thread's stack pointer from
 * task/TID/syscall, the PID argument, why a file is refused and what
 * would allow it, and the check before watching a process; and the two
 * fields of procfs.c's parsers -p reads (Uid, starttime).  On fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/attach_read.h"
#include "proc/procfs.h"

#define PROC		FIXTURES "/proc"
#define ROOT		FIXTURES "/proc/root-attach"

static char	text[1 << 16];
static char	err[PROCFS_ERRLEN];

/* Load fixture NAME under tests/fixtures/proc into text. */
static const char *
load(const char *name)
{
	if (procfs_read(PROC, name, text, sizeof text, err, sizeof err) < 0)
		fail_msg("%s", err);
	return (text);
}

/* A thread in a system call: SP is the second to last of 8 fields. */
static void
test_attach_syscall_in_call(void **state)
{
	struct procfs_syscall	sc;

	assert_int_equal(procfs_parse_syscall(load("syscall-in-call"), &sc,
	    err, sizeof err), 0);
	assert_false(sc.running);
	assert_true(sc.in_syscall);
	assert_int_equal(sc.nr, 202);
	assert_true(sc.sp == (uintptr_t)0xc001aa5da8ULL);
	assert_true(sc.pc == (uintptr_t)0x45bac3);
}

/* Blocked outside a call: "-1 SP PC". */
static void
test_attach_syscall_not_in_call(void **state)
{
	struct procfs_syscall	sc;

	assert_int_equal(procfs_parse_syscall(load("syscall-not-in-call"),
	    &sc, err, sizeof err), 0);
	assert_false(sc.in_syscall);
	assert_false(sc.running);
	assert_true(sc.sp == (uintptr_t)0x7ffc7eece888ULL);
}

/* On a CPU: "running", no SP, to be read again. */
static void
test_attach_syscall_running(void **state)
{
	struct procfs_syscall	sc;

	assert_int_equal(procfs_parse_syscall(load("syscall-running"), &sc,
	    err, sizeof err), 0);
	assert_true(sc.running);
	assert_true(sc.sp == 0);
}

/* Wrong field counts and a cut line fail and leave the output alone. */
static void
test_attach_syscall_bad(void **state)
{
	struct procfs_syscall	sc, before;
	const char		*bad[] = { "syscall-malformed",
				    "syscall-truncated" };
	size_t			 i;

	for (i = 0; i < 2; i++) {
		memset(&sc, 0xa5, sizeof sc);
		before = sc;
		err[0] = '\0';
		assert_int_equal(procfs_parse_syscall(load(bad[i]), &sc, err,
		    sizeof err), -1);
		assert_memory_equal(&sc, &before, sizeof sc);
		assert_non_null(strstr(err, "syscall"));
	}
	assert_int_equal(procfs_parse_syscall("-2 0x1 0x2\n", &sc, err,
	    sizeof err), -1);
	assert_int_equal(procfs_parse_syscall("", &sc, err, sizeof err), -1);
}

/* A PID: digits, 1 to INT32_MAX; the rest is said in words. */
static void
test_attach_pid(void **state)
{
	int	pid = -1;

	assert_int_equal(procfs_parse_pid("4242", &pid, err, sizeof err), 0);
	assert_int_equal(pid, 4242);
	assert_int_equal(procfs_parse_pid("abc", &pid, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a process ID"));
	assert_int_equal(procfs_parse_pid("-5", &pid, err, sizeof err), -1);
	assert_int_equal(procfs_parse_pid("12x", &pid, err, sizeof err), -1);
	assert_int_equal(procfs_parse_pid("", &pid, err, sizeof err), -1);
	assert_int_equal(procfs_parse_pid("0", &pid, err, sizeof err), -1);
	assert_int_equal(procfs_parse_pid("99999999999", &pid, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "beyond"));
	assert_int_equal(pid, 4242);
}

/* status's real Uid and stat's starttime, which -p reads. */
static void
test_attach_uid_starttime(void **state)
{
	struct procfs_status	st;
	struct procfs_task_stat	ts;

	assert_int_equal(procfs_parse_status(load("root-attach/4242/status"),
	    &st, err, sizeof err), 0);
	assert_true(st.has_uid);
	assert_int_equal(st.uid, 1000);
	assert_int_equal(procfs_parse_task_stat(load("task-stat"), &ts, err,
	    sizeof err), 0);
	assert_int_equal(ts.starttime, 40876);
}

/* A refused file: the file, the access, the owner, what allows it. */
static void
test_attach_explain(void **state)
{
	char	buf[400];

	procfs_explain_denied(ROOT, 4242, "smaps", EACCES, 1000, 1001, false,
	    buf, sizeof buf);
	assert_non_null(strstr(buf, ROOT "/4242/smaps"));
	assert_non_null(strstr(buf, "ptrace read"));
	assert_non_null(strstr(buf, "uid 1000"));
	assert_non_null(strstr(buf, "CAP_SYS_PTRACE"));
	/* Same owner: syscall needs attach, which Yama 1 refuses. */
	procfs_explain_denied(ROOT, 4242, "task/4243/syscall", EACCES, 1000,
	    1000, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "ptrace attach"));
	assert_non_null(strstr(buf, "kernel.yama.ptrace_scope is 1"));
	assert_non_null(strstr(buf, "ptrace_scope=0"));
	/* Brief: one line a panel can hold. */
	procfs_explain_denied(ROOT, 4242, "task/4243/syscall", EACCES, 1000,
	    1000, true, buf, sizeof buf);
	/* Under /proc, not this long fixture path. */
	assert_true(strlen(buf) - strlen(ROOT) + strlen("/proc") < 160);
	assert_non_null(strstr(buf, "ptrace_scope"));
	procfs_explain_denied(ROOT, 4242, "smaps", ENOENT, 1000, 1000, true,
	    buf, sizeof buf);
	assert_non_null(strstr(buf, "exited"));
}

/* The check before watching: gone, a zombie, or readable. */
static void
test_attach_check(void **state)
{
	char	why[160], note[400];

	assert_int_equal(procfs_attach_check(ROOT, 4244, false, why,
	    sizeof why, note, sizeof note), -1);
	assert_non_null(strstr(why, "no such process"));
	assert_int_equal(procfs_attach_check(ROOT, 4243, false, why,
	    sizeof why, note, sizeof note), -1);
	assert_non_null(strstr(why, "zombie"));
	/* 4242 has smaps; no syscall file: a note that names it. */
	assert_int_equal(procfs_attach_check(ROOT, 4242, false, why,
	    sizeof why, note, sizeof note), 0);
	assert_non_null(strstr(note, "syscall"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_syscall_in_call),
		cmocka_unit_test(test_attach_syscall_not_in_call),
		cmocka_unit_test(test_attach_syscall_running),
		cmocka_unit_test(test_attach_syscall_bad),
		cmocka_unit_test(test_attach_pid),
		cmocka_unit_test(test_attach_uid_starttime),
		cmocka_unit_test(test_attach_explain),
		cmocka_unit_test(test_attach_check),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the /proc parsers, one program per parser: FUZZ_PARSER names which
 * (compiled in with -DFUZZ_PARSER=FUZZ_STAT and so on).  Whatever the
 * text, a parser either succeeds with terminated strings and counts in
 * range, or fails with a message and leaves its output untouched.
 */
#include "proc/attach_read.h"
#include "proc/procfs.h"
#include "fuzz.h"

#define FUZZ_STAT		1
#define FUZZ_LOADAVG		2
#define FUZZ_STATUS		3
#define FUZZ_TASK_STAT		4
#define FUZZ_SCHEDSTAT		5
#define FUZZ_MEMINFO		6
#define FUZZ_PSI		7
#define FUZZ_CPU_SCHEDSTAT	8
#define FUZZ_MAPS_LINE		9
#define FUZZ_SMAPS		10
#define FUZZ_SYSCALL		11
#define FUZZ_PID		12

#ifndef FUZZ_PARSER
#error "FUZZ_PARSER names the parser this program fuzzes"
#endif

/* Call the parser on text; out is filled with a pattern first. */
#define FUZZ_PARSE(type, call) do {					\
	type	before;							\
	memset(&out, 0xa5, sizeof out);					\
	before = out;							\
	if ((call) < 0) {						\
		FUZZ_CHECK(memcmp(&out, &before, sizeof out) == 0);	\
		FUZZ_CHECK(fuzz_message_ok(err, sizeof err));		\
		ok = 0;							\
	} else								\
		ok = 1;							\
} while (0)

#if FUZZ_PARSER == FUZZ_SMAPS
struct fuzz_smaps {
	unsigned	n;
};

/* Check one mapping handed to the callback. */
static void
fuzz_smaps_cb(const struct procfs_map *m, void *arg)
{
	struct fuzz_smaps	*fs = arg;

	FUZZ_CHECK(m->start <= m->end);
	FUZZ_CHECK(memchr(m->path, '\0', sizeof m->path) != NULL);
	FUZZ_CHECK(m->perms[4] == '\0' && strlen(m->perms) == 4);
	fs->n++;
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text = fuzz_text(data, size);
	char	 err[PROCFS_ERRLEN];
	int	 ok;

	memset(err, 0, sizeof err);
#if FUZZ_PARSER == FUZZ_STAT
	{
		static struct procfs_cpu_time cpus[PROCFS_MAX_CPUS];
		struct procfs_stat	out;

		memset(&out, 0xa5, sizeof out);
		out.cpu = cpus;
		{
			struct procfs_stat	before = out;

			ok = procfs_parse_stat(text, &out, err, sizeof err) == 0;
			if (!ok) {
				FUZZ_CHECK(memcmp(&out, &before,
				    sizeof out) == 0);
				FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
			} else {
				FUZZ_CHECK(out.cpu == cpus);
				FUZZ_CHECK(out.has_procs ||
				    (out.procs_running == 0 &&
				    out.procs_blocked == 0));
			}
		}
		/* And without the per-CPU array. */
		memset(&out, 0, sizeof out);
		FUZZ_CHECK((procfs_parse_stat(text, &out, err,
		    sizeof err) == 0) == ok);
	}
#elif FUZZ_PARSER == FUZZ_LOADAVG
	{
		struct procfs_loadavg	out;

		FUZZ_PARSE(struct procfs_loadavg,
		    procfs_parse_loadavg(text, &out, err, sizeof err));
		if (ok)
			FUZZ_CHECK(out.load1 >= 0 && out.last_pid >= 0);
	}
#elif FUZZ_PARSER == FUZZ_STATUS
	{
		struct procfs_status	out;

		FUZZ_PARSE(struct procfs_status,
		    procfs_parse_status(text, &out, err, sizeof err));
		if (ok) {
			FUZZ_CHECK(memchr(out.name, '\0',
			    sizeof out.name) != NULL);
			FUZZ_CHECK(out.state != '\0');
			FUZZ_CHECK(out.has_vm || out.vm_rss == 0);
			FUZZ_CHECK(out.has_ctxsw || out.vcsw == 0);
		}
	}
#elif FUZZ_PARSER == FUZZ_TASK_STAT
	{
		struct procfs_task_stat	out;

		FUZZ_PARSE(struct procfs_task_stat,
		    procfs_parse_task_stat(text, &out, err, sizeof err));
		if (ok) {
			FUZZ_CHECK(memchr(out.comm, '\0',
			    sizeof out.comm) != NULL);
			FUZZ_CHECK(out.tid >= 0);
		}
	}
#elif FUZZ_PARSER == FUZZ_SCHEDSTAT
	{
		struct procfs_schedstat	out;

		FUZZ_PARSE(struct procfs_schedstat,
		    procfs_parse_schedstat(text, &out, err, sizeof err));
		(void)ok;
	}
#elif FUZZ_PARSER == FUZZ_MEMINFO
	{
		struct procfs_meminfo	out;

		FUZZ_PARSE(struct procfs_meminfo,
		    procfs_parse_meminfo(text, &out, err, sizeof err));
		if (ok)
			FUZZ_CHECK(out.mem_total % 1024 == 0);
	}
#elif FUZZ_PARSER == FUZZ_PSI
	{
		struct procfs_psi	out;

		FUZZ_PARSE(struct procfs_psi,
		    procfs_parse_psi(text, &out, err, sizeof err));
		if (ok)
			FUZZ_CHECK(out.has_some && out.some_avg10 >= 0);
	}
#elif FUZZ_PARSER == FUZZ_CPU_SCHEDSTAT
	{
		struct procfs_cpu_sched	out[4], before[4];
		int			n, max;

		for (max = 0; max <= 4; max += 2) {
			memset(out, 0xa5, sizeof out);
			memcpy(before, out, sizeof out);
			n = procfs_parse_cpu_schedstat(text, max > 0 ? out :
			    NULL, max, err, sizeof err);
			if (n < 0) {
				FUZZ_CHECK(n == -1);
				FUZZ_CHECK(memcmp(out, before,
				    sizeof out) == 0);
				FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
			} else {
				FUZZ_CHECK(n <= max);
				FUZZ_CHECK(memcmp(out + n, before + n,
				    (4 - n) * sizeof out[0]) == 0);
			}
		}
		(void)ok;
	}
#elif FUZZ_PARSER == FUZZ_MAPS_LINE
	{
		struct procfs_map	out;

		FUZZ_PARSE(struct procfs_map,
		    procfs_parse_maps_line(text, &out, err, sizeof err));
		if (ok) {
			FUZZ_CHECK(out.start <= out.end);
			FUZZ_CHECK(out.size == out.end - out.start);
			FUZZ_CHECK(memchr(out.path, '\0',
			    sizeof out.path) != NULL);
		}
	}
#elif FUZZ_PARSER == FUZZ_SMAPS
	{
		struct fuzz_smaps	fs = { 0 };

		if (procfs_parse_smaps(text, fuzz_smaps_cb, &fs, err,
		    sizeof err) != 0) {
			FUZZ_CHECK(fs.n == 0);	/* checked before any call */
			FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
		}
		(void)ok;
	}
#elif FUZZ_PARSER == FUZZ_SYSCALL
	{
		struct procfs_syscall	out;

		FUZZ_PARSE(struct procfs_syscall,
		    procfs_parse_syscall(text, &out, err, sizeof err));
		if (ok) {
			FUZZ_CHECK(!out.running || out.sp == 0);
			FUZZ_CHECK(out.running ||
			    out.in_syscall == (out.nr >= 0));
			FUZZ_CHECK(out.nr >= -1);
		}
	}
#elif FUZZ_PARSER == FUZZ_PID
	{
		int	out;

		FUZZ_PARSE(int, procfs_parse_pid(text, &out, err,
		    sizeof err));
		if (ok)
			FUZZ_CHECK(out > 0);
	}
#else
#error "unknown FUZZ_PARSER"
#endif
	free(text);
	return (0);
}

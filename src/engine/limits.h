/*
 * The rails: how many more tasks the machine lets this process start.
 *
 * Two halves, kept apart so the arithmetic is tested with fake limits:
 *
 *  - limits_read() reads the limits and the usage that matter for spawning
 *    from a proc root and a sys root ("/proc" and "/sys", or fixture trees)
 *    into a caller-owned struct limits.  It keeps no state and may be called
 *    from any OS thread (it needs about 32 KiB of stack: not from a fiber);
 *    it costs a dozen small reads plus one pass over /proc/self/maps (about
 *    75 bytes a mapping), so call it before a ramp, not on every tick.
 *
 *  - limits_cap() is pure: from a struct limits and a request it returns how
 *    many of the new tasks may start and, if fewer than asked, says which
 *    limit capped them, e.g. "capped at 32,000 threads: kernel.pid_max
 *    32768".  Any thread, any time.
 *
 * A value is a count, or bytes for the memory fields, and
 *	LIMITS_UNKNOWN (-1)	could not be read; its why says why, e.g.
 *				"/sys/fs/cgroup/pids.max: No such file or
 *				directory".  An unknown limit does not cap.
 *	LIMITS_NONE (INT64_MAX)	read, and there is no limit ("max",
 *				"unlimited", or a number past INT64_MAX).
 *
 * Headroom.  limits_cap never hands out a limit to the last unit:
 *  - pids and threads (kernel.threads-max, kernel.pid_max, cgroup pids.max,
 *    RLIMIT_NPROC) keep max(5% of the limit, 256) free for the rest of the
 *    system, after subtracting what is in use now: the threads of the whole
 *    system for the kernel limits, pids.current for the cgroup, this
 *    process's threads for RLIMIT_NPROC (which really counts every process
 *    of the user, so it is a lower bound there).  Usage that is unknown
 *    counts as 0.
 *  - mappings (vm.max_map_count, per process) keep max(5%, 256) free after
 *    the process's current map count, for malloc, libraries and the rest.
 *  - memory (MemAvailable; cgroup memory.max less memory.current) keeps
 *    max(10%, 256 MiB) in reserve.  A task's memory is the caller's
 *    estimate of what it commits, not what it reserves.
 *  All of it in 64-bit arithmetic that cannot overflow, whatever the
 *  values (a memory.max of 2^63 - 1 included).
 * Fibers never cap on mappings: the runtime falls back to unguarded stacks
 * when guard pages would exceed the map budget.  The cgroup figures are
 * those of the process's cgroup v2 (the "0::" line of /proc/self/cgroup) or
 * of the ancestor with the least room left; cgroup v1 is not read.
 */
#ifndef CSW_LIMITS_H
#define CSW_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#define LIMITS_UNKNOWN	((int64_t)-1)
#define LIMITS_NONE	INT64_MAX
#define LIMITS_WHYLEN	160

/* One figure and, when it is unknown, why. */
struct limits_value {
	int64_t	value;
	char	why[LIMITS_WHYLEN];
};

/* Counts, or bytes where it says so. */
struct limits {
	struct limits_value	threads_max;	/* kernel.threads-max */
	struct limits_value	pid_max;	/* kernel.pid_max */
	struct limits_value	nproc;		/* RLIMIT_NPROC soft */
	struct limits_value	max_map_count;	/* vm.max_map_count */
	struct limits_value	map_count;	/* this process's maps */
	struct limits_value	pids_max;	/* cgroup pids.max */
	struct limits_value	pids_current;	/* cgroup */
	struct limits_value	memory_max;	/* cgroup, bytes */
	struct limits_value	memory_current;	/* cgroup, bytes */
	struct limits_value	mem_available;	/* meminfo, bytes */
	struct limits_value	system_threads;	/* loadavg total */
	struct limits_value	process_threads; /* status Threads */
};

enum limits_kind {
	LIMITS_THREADS,		/* each task is an OS thread */
	LIMITS_FIBERS,		/* each task is a fiber on few workers */
};

/*
 * What the caller wants to start:
 *   tasks         new tasks wanted.
 *   have          tasks of this kind running now: the message counts
 *                 have + allowed, so it reads as the total on screen.
 *   task_bytes    committed memory per task: threads ~16 KiB kernel stack
 *                 + touched user stack + guard; fibers their stack class.
 *                 0 does not cap on memory.
 *   task_maps     mappings per task: a guarded thread stack is 2.  Ignored
 *                 for fibers.
 *   task_threads  OS threads per task: threads 1, fibers 0.
 */
struct limits_request {
	enum limits_kind kind;
	long		 tasks;
	long		 have;
	int64_t		 task_bytes;
	long		 task_maps;
	long		 task_threads;
};

/* Set every field to LIMITS_UNKNOWN with why "not read". */
void	limits_clear(struct limits *);

/*
 * Read every field; procroot and sysroot NULL mean "/proc" and "/sys".
 * Returns the number of fields left unknown (0 if all were read), with err
 * holding the first one's reason, e.g. "cgroup pids.max:
 * /sys/fs/cgroup/pids.max: No such file or directory".  Never fails harder:
 * an unreadable figure is data, not an error.
 */
int	limits_read(struct limits *, const char *procroot,
	    const char *sysroot, char *err, size_t errlen);

/*
 * The most of req->tasks that may start (0 .. req->tasks).  If that is fewer
 * than asked, why says which limit, the tightest, capped it:
 * "capped at 31,022 threads: kernel.pid_max 32768"; otherwise why is "".
 */
long	limits_cap(const struct limits *, const struct limits_request *,
	    char *why, size_t whylen);

/*
 * Write n with a comma every three digits ("32,000", "-1,234") into buf and
 * return the length of the whole text, as snprintf does.
 */
size_t	limits_format_count(long n, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The rails: how many more tasks the machine lets this process start.
 *
 * The figures come from the limits reader (proc/limits_read.h: limits_read
 * fills a struct limits from a proc root and a sys root); this half is the
 * policy over them, pure, so that it is tested with fake limits:
 *
 *  - limits_cap() returns from a struct limits and a request how many of
 *    the new tasks may start and, if fewer than asked, says which limit
 *    capped them, e.g. "capped at 32,000 threads: kernel.pid_max 32768".
 *    Any thread, any time.  engine_task_cap (engine/engine.h) reads the
 *    limits and calls it: the screen, --batch and --bench all go through
 *    there.
 *  - limits_guard_budget() is how many fiber stacks may have a guard page.
 *
 * An unknown limit (LIMITS_UNKNOWN) does not cap.
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
 * when guard pages would exceed the map budget, which limits_guard_budget
 * computes with the same 5% but a floor of 4096.  Only cgroup v2 is read.
 */
#ifndef CSW_LIMITS_H
#define CSW_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "proc/limits_read.h"

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

/*
 * The most of req->tasks that may start (0 .. req->tasks).  If that is fewer
 * than asked, why says which limit, the tightest, capped it:
 * "capped at 31,022 threads: kernel.pid_max 32768"; otherwise why is "".
 */
long	limits_cap(const struct limits *, const struct limits_request *,
	    char *why, size_t whylen);

/*
 * How many page-sized fiber stacks may take a guard page (two mappings
 * each) within vm.max_map_count less the mappings in use and the headroom
 * above, with a floor of 4096 entries for the runtime's own chunks.  An unknown vm.max_map_count counts as the kernel's default,
 * LIMITS_MAP_COUNT_DEFAULT.
 */
#define LIMITS_MAP_COUNT_DEFAULT	65530
long	limits_guard_budget(const struct limits *);

/*
 * Write n with a comma every three digits ("32,000", "-1,234") into buf and
 * return the length of the whole text, as snprintf does.
 */
size_t	limits_format_count(long n, char *buf, size_t len);

#endif

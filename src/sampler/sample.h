/* SPDX-License-Identifier: ISC */
/*
 * One pass of the sampler: raw counters and levels as read, with a flag and
 * a reason for every source.  Plain data, copied by value from the sampler
 * thread to the loop thread.
 */
#ifndef CSW_SAMPLE_H
#define CSW_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/lathist.h"
#include "util/util.h"

enum sample_src {
	SRC_RUSAGE,	/* getrusage(RUSAGE_SELF) */
	SRC_STAT,	/* /proc/stat */
	SRC_LOADAVG,	/* /proc/loadavg */
	SRC_STATUS,	/* /proc/self/status */
	SRC_TASKS,	/* /proc/self/task/TID/stat */
	SRC_STACKS,	/* engine stack registry + mincore */
	SRC_ENGINE,	/* engine counters */
	SRC_MEMINFO,	/* /proc/meminfo */
	SRC_PSI,	/* /proc/pressure/cpu */
	SRC_SCHEDSTAT,	/* /proc/schedstat: per-CPU run-queue wait */
	SRC_WAIT,	/* /proc/self/task/TID/schedstat: per-thread wait */
	SRC_COUNT
};

/* The latency distributions of a pass (sample.lat). */
enum sample_lat {
	SAMPLE_LAT_WAKE,	/* the workload: waker's stamp to running */
	SAMPLE_LAT_READY,	/* fibers: made ready to running */
	SAMPLE_LAT_RUNQ,	/* kernel: a thread's run_delay per timeslice */
	SAMPLE_LATS
};

#define SAMPLE_WHYLEN	160
#define SAMPLE_THREADS_MAX 32768	/* rows of the thread table (pid_max) */
#define SAMPLE_CPUS	64	/* CPUs whose /proc/schedstat wait is kept */
#define SAMPLE_NAMELEN	16	/* a thread's comm, NUL included */

/*
 * One OS thread of the process: raw counters as last read.  The sampler
 * reads a rotating share of the threads each pass, so a row may come from
 * an earlier pass (t_ns says when); with has_prev it also carries the
 * reading before that one (prev_*, at prev_t_ns), so that a rate can be
 * taken over the thread's own interval.  A row never read yet has state
 * '?' and no counters.
 */
struct thread_row {
	int		 tid;
	char		 name[SAMPLE_NAMELEN];
	char		 state;		/* stat field 3: R S D ... or '?' */
	int		 cpu;		/* stat field 39: last CPU */
	bool		 fresh;		/* read in this pass */
	bool		 has_ctxsw;	/* status read */
	bool		 has_wait;	/* schedstat read */
	bool		 has_stack;	/* an engine thread: stack known */
	bool		 has_prev;	/* prev_* hold the reading before */
	bool		 prev_ctxsw, prev_wait;
	uint64_t	 t_ns, prev_t_ns;	/* CLOCK_MONOTONIC of the reads */
	uint64_t	 vcsw, ivcsw;	/* status: *_ctxt_switches */
	uint64_t	 wait_ns;	/* schedstat: runnable, not running */
	uint64_t	 slices;	/* schedstat: timeslices run */
	uint64_t	 prev_vcsw, prev_ivcsw, prev_wait_ns, prev_slices;
	uint64_t	 stack_reserved, stack_committed;
};

/*
 * The per-thread table of one pass, on the heap so that struct sample stays
 * small.  Rows are sorted by TID.  Whoever holds the sample owns it: the
 * sampler until sampler_take, then the model (model_push), which frees it
 * with thread_rows_free.
 */
struct thread_rows {
	size_t		 n;
	uint32_t	 listed;	/* threads seen, capped or not */
	bool		 capped;	/* listed > SAMPLE_THREADS_MAX */
	struct thread_row rows[];
};

struct sample {
	uint64_t	 t_ns;		/* CLOCK_MONOTONIC when the pass began */
	uint64_t	 pass_ns;	/* how long the pass took */
	uint64_t	 pass_cpu_ns;	/* CPU time the pass took */
	uint64_t	 cpu_ns;	/* sampler thread CPU time, cumulative */
	uint64_t	 interval_ns;	/* nominal interval */
	int		 pid;
	/*
	 * -p: another process is watched (no engine: SRC_ENGINE says so),
	 * its name, and once it has exited, how that was seen.
	 */
	bool		 attached, gone;
	char		 comm[SAMPLE_NAMELEN];
	char		 gone_why[SAMPLE_WHYLEN];
	bool		 ok[SRC_COUNT];
	char		 why[SRC_COUNT][SAMPLE_WHYLEN];

	/* SRC_RUSAGE: all threads of the process, since it started. */
	uint64_t	 vcsw, ivcsw;
	uint64_t	 cpu_time_ns;	/* user + system time */
	/*
	 * When a workload child published SRC_RUSAGE and SRC_ENGINE (its
	 * clock is ours); 0: read at t_ns.  A child that answers late
	 * republishes nothing new, and its counters rated over t_ns would
	 * read 0/s and then double.
	 */
	uint64_t	 pub_ns;
	/* SRC_STAT */
	uint64_t	 ctxt;
	uint32_t	 procs_running, procs_blocked;
	/* SRC_LOADAVG */
	uint32_t	 load_runnable, load_total;
	/* SRC_STATUS */
	uint64_t	 vm_size, vm_rss;
	uint32_t	 threads;
	/* SRC_MEMINFO: the kernel's own memory, system-wide. */
	uint64_t	 kernel_stack, page_tables, mem_available;
	/* SRC_PSI: share of time some runnable task waited for a CPU. */
	double		 psi_some_avg10;	/* percent, last 10 s */
	/*
	 * SRC_TASKS: this process's threads by state.  When the pass read
	 * only a share of the threads (threads_read < threads_listed), the
	 * counts are the share's, scaled to every thread: an estimate.
	 */
	uint32_t	 threads_r, threads_s, threads_d, threads_other;
	uint32_t	 threads_listed;	/* TIDs in /proc/self/task */
	uint32_t	 threads_read;	/* of them, read in this pass */
	bool		 rotating;	/* threads_read < threads_listed */
	/*
	 * SRC_WAIT: run-queue wait of the threads read this pass that had
	 * been read before: the sum of their wait deltas over the sum of
	 * their intervals, so wait_ns / span_ns is the average share of
	 * time a thread spent runnable but waiting for a CPU.
	 */
	uint64_t	 wait_delta_ns, wait_span_ns;
	uint32_t	 wait_threads;
	/*
	 * Latency distributions of this pass's interval (lathist.h):
	 * SAMPLE_LAT_WAKE and _READY from the engine (SRC_ENGINE), the
	 * counts the interval added; SAMPLE_LAT_RUNQ (SRC_WAIT) one value
	 * per thread read with a reading before: its run-queue wait over
	 * the timeslices it ran in between, an interval mean per thread.
	 */
	struct lat_counts lat[SAMPLE_LATS];
	/* SRC_SCHEDSTAT: per-CPU wait, cumulative, the first SAMPLE_CPUS. */
	uint32_t	 sched_ncpu;
	uint64_t	 cpu_wait_ns[SAMPLE_CPUS];
	/* SRC_STACKS: engine threads' stacks, or in fibers mode the fibers'. */
	uint64_t	 stack_reserved, stack_committed;
	uint32_t	 stack_count;	/* threads or fibers they belong to */
	/*
	 * Threads mode: mincore is run over a rotating share of the stacks
	 * each pass (stacks_measured); the committed total adds each stack's
	 * newest measure, over the stacks_known that have one so far.
	 */
	uint32_t	 stacks_measured, stacks_known;
	/*
	 * Fibers mode: mincore over the whole arena can cost more than the
	 * share; the figures are then reused for stack_age passes.
	 */
	uint32_t	 stack_age;	/* passes since they were measured */
	bool		 stack_fibers;	/* the figures are the fibers' */
	uint64_t	 stack_arena;	/* fibers: bytes mapped for stacks */
	uint32_t	 stack_shared;	/* fibers: stacks sharing pages */
	bool		 guard_dropped;	/* fiber stacks without guard pages */
	/*
	 * -p: threads whose stack pointer is not known yet (on a CPU at
	 * each reading, or not read yet), and threads whose stack pointer
	 * lies in a mapping that is not a thread stack of its own: shared
	 * with other threads, or with no guard page below as every pthread
	 * stack has (a runtime's stacks in its heap, as Go's).  Neither is
	 * in stack_count.
	 */
	uint32_t	 stack_pending, stack_elsewhere;
	/* SRC_ENGINE */
	int		 mode;		/* enum engine_mode */
	bool		 fibers;	/* the engine runs fibers now */
	const char	*mode_name;	/* static strings */
	const char	*scenario;
	const char	*caption;
	long		 tasks_target, tasks_alive, tasks_per_unit;
	uint64_t	 handoffs, fiber_switches;
	uint64_t	 idle_switches;	/* kernel, fiber workers with no work */
	int		 workers, parked_workers;	/* fibers mode: P */
	int		 blocked_workers;	/* fibers in a syscall */
	int		 workers_knob;		/* P as set, any mode */
	bool		 workers_used;		/* P changes what runs */
	bool		 ramping;		/* alive moving to target */
	bool		 tasks_cap;		/* target is a cap (leak) */
	bool		 variant;		/* the b variant runs */
	const char	*variant_name;		/* NULL: none */
	uint64_t	 task_stack;		/* bytes per task's stack */
	const char	*work_unit;		/* NULL: no work counted */
	uint64_t	 work;			/* units of work done */
	uint64_t	 blocked;		/* tasks in a blocking call */
	uint64_t	 latency_ns, latency_count;	/* sums */
	/* Periodic wakeups (engine_snapshot's); period 0: none. */
	uint64_t	 wake_period_ns, wake_late_ns, wakes_missed;
	uint64_t	 fiber_runqueue;	/* runnable fibers queued */
	uint32_t	 worker_runq[CSW_WORKERS_MAX];	/* per worker */
	/* A fiber running without a yield (not in a blocking call). */
	uint64_t	 long_run_ns;		/* so far; 0: none */
	int		 long_run_worker;	/* its worker */
	uint32_t	 long_run_queued;	/* fibers queued on that worker */
	/* SRC_TASKS, only while the thread table is shown: owned, or NULL. */
	struct thread_rows *rows;
};

void	thread_rows_free(struct thread_rows *);

/*
 * A row's run-queue wait over its own interval, into *wait_ns of *span_ns;
 * false when it is not known.  The kernel credits a wait (schedstat's
 * run_delay) only when the thread gets the CPU: a runnable thread that
 * has not run since its last reading is waiting still, by an amount not
 * yet known, so it is left out rather than counted as 0; and a wait
 * credited now may have begun before the interval, so it is capped at the
 * interval rather than shown as more than 1000 ms/s.
 */
static inline bool
thread_row_wait(const struct thread_row *r, uint64_t *wait_ns,
    uint64_t *span_ns)
{
	uint64_t	w;

	if (!r->has_wait || !r->has_prev || !r->prev_wait ||
	    r->wait_ns < r->prev_wait_ns || r->t_ns <= r->prev_t_ns)
		return (false);
	if (r->slices == r->prev_slices && r->state == 'R')
		return (false);
	w = r->wait_ns - r->prev_wait_ns;
	*span_ns = r->t_ns - r->prev_t_ns;
	*wait_ns = w < *span_ns ? w : *span_ns;
	return (true);
}

#endif

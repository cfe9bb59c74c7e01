/* SPDX-License-Identifier: ISC */
/*
 * The workload engine: runs one scenario in one mode and publishes what it
 * does as counters.
 *
 * A control thread of the engine owns the workload: it starts, grows,
 * shrinks and stops tasks, so a request never blocks its caller for longer
 * than it takes to copy it.  Growing to many tasks goes in steps, and a new
 * request or engine_destroy interrupts a ramp between two steps.
 *
 * Threads: engine_create, engine_request, engine_wait, engine_set_* and
 * engine_destroy are called by one owning thread (the loop thread).
 * engine_snapshot, engine_stacks, engine_fiber_memory, engine_message and
 * engine_fd may be called from any thread at any time (the sampler calls
 * them); they take no lock that a workload task holds across a handoff.
 * A mode switch stops every task of the old mode before the new mode's
 * tasks start.
 */
#ifndef CSW_ENGINE_H
#define CSW_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct lat_counts;

enum engine_mode {
	ENGINE_THREADS,
	ENGINE_FIBERS,
};

#define ENGINE_MODES	2

/* What the engine should run.  Zero fields mean the defaults. */
struct engine_config {
	enum engine_mode	 mode;
	const char		*scenario;	/* from the scenario table */
	long			 tasks;		/* requested tasks */
	int			 workers;	/* P; 0: online CPUs */
	size_t			 stack[ENGINE_MODES]; /* bytes; 0: default */
	bool			 variant;	/* the scenario's b variant */
};

#define ENGINE_ERRLEN		160

/* A point-in-time copy of the engine's counters; counters only grow. */
struct engine_snapshot {
	enum engine_mode	 mode;
	const char		*scenario;
	long			 tasks_target;	/* asked for, after caps */
	long			 tasks_alive;	/* running now */
	long			 tasks_per_unit;/* 2 for a pair */
	bool			 ramping;	/* alive is moving to target */
	bool			 tasks_cap;	/* target is a cap, not a count */
	bool			 variant;	/* the b variant runs */
	const char		*variant_name;	/* NULL: none in this scenario */
	size_t			 stack_size;	/* bytes per task's stack */
	int			 workers_knob;	/* P as set (threads mode too) */
	bool			 workers_used;	/* P changes what runs */
	const char		*caption;	/* what to watch */
	const char		*work_unit;	/* "requests", ...; NULL: none */
	uint64_t		 work;		/* units of work done */
	uint64_t		 blocked;	/* tasks in a blocking call now */
	uint64_t		 latency_ns;	/* sum of latencies measured */
	uint64_t		 latency_count;
	/* Tasks that wake on a period: work counts the wakeups. */
	uint64_t		 wake_period_ns;/* 0: none in this scenario */
	uint64_t		 wake_late_ns;	/* sum of wakeup - deadline */
	uint64_t		 wakes_missed;	/* periods passed unwoken */
	uint64_t		 handoffs;	/* token handoffs */
	uint64_t		 fiber_switches;/* user-space switches */
	/* Kernel switches of fiber workers with no fiber to run (the
	   runtime's count, from each worker's own getrusage). */
	uint64_t		 idle_switches;
	int			 workers;	/* fiber workers P, or 0 */
	int			 parked_workers;
	int			 blocked_workers;/* fiber workers in a syscall */
	uint64_t		 runqueue;	/* fibers queued, all workers */
	uint32_t		 worker_runq[CSW_WORKERS_MAX];
	/* The longest run without a yield in progress on a worker not in a
	   blocking call: how long so far, which worker, fibers queued on it. */
	uint64_t		 long_run_ns;	/* 0: none */
	int			 long_run_worker;
	uint32_t		 long_run_queued;
};

/* Stacks of the fibers: the runtime's arena. */
struct engine_fiber_memory {
	uint64_t	reserved;	/* stack bytes the live fibers hold */
	uint64_t	arena;		/* bytes mapped for fiber stacks */
	uint64_t	committed;	/* resident bytes of those stacks */
	uint64_t	shared_stacks;	/* of them, sharing pages (2 KiB) */
	uint64_t	live;		/* fibers alive */
	size_t		stack_size;	/* class of a new fiber's stack */
	bool		guard_dropped;	/* map budget hit: no guard pages */
	uint32_t	committed_age;	/* publishes committed was reused */
};

/* One thread's stack, as the kernel maps it. */
struct engine_stack {
	uintptr_t	base;		/* lowest address */
	size_t		size;		/* bytes, without the guard page */
	int		tid;
};

/* One row of the scenario table, for keys, options and help. */
struct engine_scenario_info {
	const char	*name;
	const char	*summary;
	const char	*variant;	/* NULL: no b variant */
	long		 default_tasks;
	long		 unit;
	long		 max_tasks;
};

struct engine;

const char	*engine_mode_name(enum engine_mode);
int		 engine_mode_parse(const char *, enum engine_mode *);
bool		 engine_scenario_exists(const char *);
/* What to watch in a scenario, mode and variant; NULL: no such scenario. */
const char	*engine_scenario_caption(const char *, enum engine_mode, bool);
/* The n-th scenario of the table (0-based): 0, or -1 past the end. */
int		 engine_scenario(size_t, struct engine_scenario_info *);
/* Whether P changes what a configuration runs. */
bool		 engine_workers_used(const struct engine_config *);
/* The next stack size the s key steps to in a mode. */
size_t		 engine_stack_next(enum engine_mode, size_t);
/* The stack a thread gets by default: RLIMIT_STACK, as glibc does. */
size_t		 engine_thread_stack_default(void);
/*
 * How many of want new tasks of a mode may start now, have running: the
 * machine's limits (limits_read) under the rails' policy (limits_cap).  The
 * one rule for the screen, --batch and --bench.  stack is a fiber's stack
 * (0: the default); threads count what the engine's threads commit.  why
 * says "capped at N threads: LIMIT VALUE" when fewer than want may start,
 * else "".  Any OS thread (32 KiB of stack: not a fiber).
 */
long		 engine_task_cap(enum engine_mode, long have, long want,
		    size_t stack, char *why, size_t whylen);
/* Guarded fiber stacks the map budget allows now: fiber_rt_config's. */
long		 engine_fiber_guard_limit(void);

struct engine	*engine_create(const struct engine_config *, char *, size_t);
/* The configuration asked for last (not necessarily running yet). */
void		 engine_config_get(struct engine *, struct engine_config *);
/* Ask for a configuration; returns a ticket for engine_wait. */
uint64_t	 engine_request(struct engine *, const struct engine_config *);
/* Wait for a request to be carried out: 0, or -1 with the reason. */
int		 engine_wait(struct engine *, uint64_t, char *, size_t);
int		 engine_set_tasks(struct engine *, long, char *, size_t);
int		 engine_set_mode(struct engine *, enum engine_mode, char *,
		    size_t);
/* The newest message of the control thread, if newer than *seq. */
bool		 engine_message(struct engine *, uint64_t *, char *, size_t);
/* Readable when the control thread has a new message. */
int		 engine_fd(struct engine *);
/* The fibers' stacks; committed false leaves committed and shared_stacks
   0: the counts alone are cheap, the resident pages take a mincore over
   the arena. */
int		 engine_fiber_memory(struct engine *,
		    struct engine_fiber_memory *, bool);
long		 engine_tasks_max(struct engine *);
void		 engine_snapshot(struct engine *, struct engine_snapshot *);
/*
 * Add the latency histograms (util/lathist.h) to wake and ready, as
 * cumulative counts and the maxima since the last call: the wakeups the
 * scenarios time (a waker's stamp to the woken task running, one handoff
 * in LAT_SAMPLE_EVERY) and the fiber runtime's ready-queue waits.  One
 * caller at a time (the sampler).
 */
void		 engine_latency(struct engine *, struct lat_counts *,
		    struct lat_counts *);
size_t		 engine_stacks(struct engine *, struct engine_stack *, size_t);
/* Before an exit that leaves the tasks to the kernel: each must run to
   die, and under SCHED_IDLE on a busy machine that takes seconds. */
void		 engine_hurry(struct engine *);
void		 engine_destroy(struct engine *);

#endif

/*
 * The workload engine: runs one scenario in one mode and publishes what it
 * does as counters.
 *
 * Threads: engine_create, engine_set_tasks, engine_set_mode and
 * engine_destroy are called by the loop thread only, one at a time.
 * engine_snapshot, engine_stacks and engine_fiber_memory may be called from
 * any thread at any time (the sampler calls them); they take no lock that a
 * workload task holds across a handoff.  A mode switch stops every task of
 * the old mode before the new mode's tasks start.
 */
#ifndef CSW_ENGINE_H
#define CSW_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum engine_mode {
	ENGINE_THREADS,
	ENGINE_FIBERS,
};

struct engine_config {
	enum engine_mode	 mode;
	const char		*scenario;	/* from the scenario table */
	long			 tasks;		/* requested tasks */
	int			 workers;	/* fiber workers P; 0: CPUs */
};

#define ENGINE_WORKERS_SHOWN	256	/* per-worker queues copied out */

/* A point-in-time copy of the engine's counters; counters only grow. */
struct engine_snapshot {
	enum engine_mode	 mode;
	const char		*scenario;
	long			 tasks_target;	/* asked for, after caps */
	long			 tasks_alive;	/* running now */
	long			 tasks_per_unit;/* 2 for a pair */
	const char		*caption;	/* what to watch */
	uint64_t		 handoffs;	/* token handoffs */
	uint64_t		 fiber_switches;/* user-space switches */
	int			 workers;	/* fiber workers P, or 0 */
	int			 parked_workers;
	uint64_t		 runqueue;	/* fibers queued, all workers */
	uint32_t		 worker_runq[ENGINE_WORKERS_SHOWN];
};

/* Stacks of the fibers: the runtime's arena. */
struct engine_fiber_memory {
	uint64_t	reserved;	/* stack bytes the live fibers hold */
	uint64_t	arena;		/* bytes mapped for fiber stacks */
	uint64_t	committed;	/* resident bytes of the arena */
	uint64_t	live;		/* fibers alive */
	size_t		stack_size;	/* class of a new fiber's stack */
	bool		guard_dropped;	/* map budget hit: no guard pages */
};

/* One thread's stack, as the kernel maps it. */
struct engine_stack {
	uintptr_t	base;		/* lowest address */
	size_t		size;		/* bytes, without the guard page */
	int		tid;
};

#define ENGINE_ERRLEN	160

struct engine;

const char	*engine_mode_name(enum engine_mode);
int		 engine_mode_parse(const char *, enum engine_mode *);
bool		 engine_scenario_exists(const char *);
struct engine	*engine_create(const struct engine_config *, char *, size_t);
int		 engine_set_tasks(struct engine *, long, char *, size_t);
int		 engine_set_mode(struct engine *, enum engine_mode, char *,
		    size_t);
int		 engine_fiber_memory(struct engine *,
		    struct engine_fiber_memory *);
long		 engine_tasks_max(const struct engine *);
void		 engine_snapshot(struct engine *, struct engine_snapshot *);
size_t		 engine_stacks(struct engine *, struct engine_stack *, size_t);
void		 engine_destroy(struct engine *);

#endif

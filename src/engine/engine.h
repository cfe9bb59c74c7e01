/*
 * The workload engine: runs one scenario in one mode and publishes what it
 * does as counters.
 *
 * Threads: engine_create, engine_set_tasks, engine_destroy are called by the
 * loop thread only, one at a time.  engine_snapshot and engine_stacks may be
 * called from any thread at any time (the sampler calls them); they take no
 * lock that a workload thread holds across a handoff.
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
	const char		*scenario;	/* name from the scenario table */
	long			 tasks;		/* requested tasks */
};

/* A point-in-time copy of the engine's counters; counters only grow. */
struct engine_snapshot {
	enum engine_mode	 mode;
	const char		*scenario;
	long			 tasks_target;	/* what was asked for, after caps */
	long			 tasks_alive;	/* tasks running now */
	long			 tasks_per_unit;/* tasks in one unit (2 for a pair) */
	const char		*caption;	/* what to watch, static text */
	uint64_t		 handoffs;	/* token handoffs since start */
	uint64_t		 fiber_switches;/* user-space switches since start */
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
struct engine	*engine_create(const struct engine_config *, char *, size_t);
int		 engine_set_tasks(struct engine *, long, char *, size_t);
long		 engine_tasks_max(const struct engine *);
void		 engine_snapshot(struct engine *, struct engine_snapshot *);
size_t		 engine_stacks(struct engine *, struct engine_stack *, size_t);
void		 engine_destroy(struct engine *);

#endif

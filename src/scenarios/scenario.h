/* SPDX-License-Identifier: ISC */
/*
 * Inside the engine: what a scenario is, the table that lists them
 * (scenarios.c) and the services the engine gives them; a scenario starts
 * its tasks through task.h rather than these where it can.  For
 * src/engine/ and src/scenarios/ only.
 *
 * The engine's control thread calls start, resize, set_workers and stop,
 * one at a time; stats is called from any thread (the sampler's) while the
 * others run, so a scenario guards what stats reads.
 */
#ifndef CSW_SCENARIO_H
#define CSW_SCENARIO_H

#include <pthread.h>

#include "engine/engine.h"

struct fiber;

/* What a scenario starts with. */
struct scenario_params {
	enum engine_mode	 mode;
	long			 tasks;		/* to start with */
	int			 workers;	/* P, resolved: 1 or more */
	size_t			 stack;		/* bytes; threads: 0 = default */
	bool			 variant;	/* the b variant */
};

/* One scenario: a small vtable, like tmux's window modes. */
struct scenario_ops {
	const char	*name;
	const char	*summary;	/* one line, for --list-scenarios */
	const char	*variant;	/* what b turns on; NULL: no variant */
	/* What to watch: [variant][engine_mode]. */
	const char	*caption[2][ENGINE_MODES];
	const char	*work_unit;	/* what work counts; NULL: none */
	long		 default_tasks;
	long		 unit;		/* tasks come in multiples of this */
	long		 max_tasks;
	bool		 tasks_cap;	/* the tasks knob caps, tasks come and go */
	unsigned	 modes;		/* 1 << engine_mode it runs in */
	/* Start with this many tasks; returns state or NULL with err set. */
	void		*(*start)(struct engine *, const struct scenario_params *,
			    char *, size_t);
	/* Grow or shrink to this many tasks; -1 with err on a refused spawn. */
	int		 (*resize)(void *, long, char *, size_t);
	/* P changed (fibers: the runtime has the new P already); or NULL,
	   and the engine restarts the scenario when P matters to it. */
	void		 (*set_workers)(void *, int);
	/* Add this scenario's counters to a snapshot. */
	void		 (*stats)(void *, struct engine_snapshot *);
	/* Tell every task to stop, without waiting for any; or NULL.  The
	   engine calls it before it lifts the tasks out of SCHED_IDLE for
	   the stop, so that spinning tasks raised to the stopper's priority
	   see their flags at once instead of competing with it for a CPU. */
	void		 (*halt)(void *);
	/* Stop every task and free the state. */
	void		 (*stop)(void *);
	/* Whether P changes what the scenario does in threads mode. */
	bool		 threads_use_workers;
	/* The smallest fiber stack the tasks run in; 0: 4 KiB.  Packed 2 KiB
	   stacks have no guard page, so a deeper call chain (a channel, a
	   select) would write over a neighbour: only a scenario whose fibers
	   just sleep says 2048. */
	size_t		 fiber_stack_min;
	/* Threads mode, per variant: the tasks share a pool of P threads
	   instead of a thread each (the rails then do not count threads). */
	bool		 pooled[2];
};

extern const struct scenario_ops	 scenario_blocking;
extern const struct scenario_ops	 scenario_pingpong;
extern const struct scenario_ops	 scenario_cpuflood;
extern const struct scenario_ops	 scenario_fanin;
extern const struct scenario_ops	 scenario_sleepers;
extern const struct scenario_ops	 scenario_leak;
extern const struct scenario_ops	 scenario_server;

/* The table (scenarios.c): by name, or the n-th row; NULL if none. */
const struct scenario_ops	*scenario_find(const char *);
const struct scenario_ops	*scenario_at(size_t);

/* The engine's fiber runtime, or NULL in threads mode. */
struct fiber_rt	*engine_fiber_rt(struct engine *);
/* Create a workload thread with the engine's thread stack size. */
int	engine_thread_create(struct engine *, pthread_t *, void *(*)(void *),
	    void *);
/* Join a thread from engine_thread_create; its stack goes back to the
   engine's pool. */
void	engine_thread_join(struct engine *, pthread_t);
/* A detached workload thread, on a stack of glibc's. */
int	engine_thread_create_detached(struct engine *, pthread_t *,
	    void *(*)(void *), void *);
/* Run the calling workload thread below the UI and the sampler. */
void	engine_thread_lower_priority(void);
/* Record the calling thread's stack in the engine's registry. */
void	engine_stack_register(struct engine *);
/* Remove the calling thread's stack from the registry. */
void	engine_stack_unregister(struct engine *);
/*
 * Put a thread back under SCHED_OTHER before telling it to stop: at
 * SCHED_IDLE on a loaded machine it may wait seconds for a CPU to see the
 * flag.  Without CAP_SYS_NICE or RLIMIT_NICE this fails (EPERM) and the
 * thread waits its turn.
 */
void	engine_thread_hurry(pthread_t);
/* Whether the control thread wants the current step cut short. */
bool	engine_interrupted(struct engine *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * Tasks for the scenarios: a group of N tasks, each a thread or a fiber by
 * the engine's mode, so that a scenario writes its work loop and not the
 * machinery around it.
 *
 * A group spawns task i on slot i, in order; its threads put their stacks
 * on the engine's registry and count themselves ready before they drop to
 * SCHED_IDLE, and a grow waits for them, so that a task the group counts
 * alive is on the registry.  A shrink raises the stop flags of the tasks
 * above the new count (through the body's stop), lifts their threads out
 * of SCHED_IDLE so that they see the flag promptly, and joins them.
 *
 * The control thread alone grows, shrinks and destroys a group; any thread
 * may read its counts.  A loose task (task_spawn) lives outside the slots:
 * one thread of the scenario's starts such tasks, and it frees them.
 */
#ifndef CSW_TASK_H
#define CSW_TASK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "scenarios/scenario.h"

struct fiber;
struct fiber_rt;
struct task_group;

/* What a task runs: one body for each mode, and how to tell it to stop. */
struct task_body {
	const char	*name;		/* threads: "name-i"; one: "name" */
	/* Threads: write the thread's name for the task's argument instead
	   (at most 15 characters); or NULL. */
	void		 (*name_at)(void *, char *, size_t);
	/* What a refused spawn names: NULL, "(at i threads)"; else the
	   task, "(what i)", or "(what)" in a group of one. */
	const char	*what;
	/* Threads mode: the work loop, until the stop; the group has
	   registered the thread and lowered its priority already. */
	void		 (*thread)(void *);
	/* Fibers mode: the work loop, until the stop or a runtime error. */
	void		 (*fiber)(void *);
	/* Raise the task's stop flag; it must not wait for the task.  NULL:
	   the scenario tells its tasks to stop another way (a limit). */
	void		 (*stop)(void *);
	/* After the join, free what the task held; or NULL. */
	void		 (*reap)(void *);
	/* Threads: detached, on a stack of glibc's, and at the creator's
	   priority; counted running from the spawn, like a fiber. */
	bool		 detached;
};

/* One task of a group. */
struct task {
	struct task_group	*group;
	const struct task_body	*body;
	void			*arg;
	long			 index;
	pthread_t		 thread;
	struct fiber		*fiber;
	atomic_bool		 done;		/* the task's last touch */
};

struct task_group {
	struct engine		*engine;
	enum engine_mode	 mode;
	struct fiber_rt		*rt;		/* fibers mode */
	size_t			 stack;		/* fibers: 0, the default; a
						   scenario may raise it */
	struct task		*tasks;		/* cap slots */
	long			 cap;

	pthread_mutex_t		 mu;		/* guards what follows */
	pthread_cond_t		 cv;		/* ready went up */
	long			 alive;		/* spawned and not joined */
	/* Running: threads registered or fibers spawned, not ended.  A
	   thread changes it under mu (a grow waits on cv); a fiber ends
	   with an atomic decrement alone. */
	_Atomic long		 ready;
	long			 slots;		/* slots ever used */
};

/*
 * A counter on a cache line of its own, written by one task at a time and
 * read by the sampler: relaxed atomics, a load and a store instead of a
 * locked add.
 */
struct task_counter {
	_Atomic uint64_t	n;
} __attribute__((aligned(64)));

/* Add to a single-writer count (its one writer only): a counter's, or
   one of several that share a cache line their writer owns. */
static inline void
task_count_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c,
	    memory_order_relaxed) + n, memory_order_relaxed);
}

/* Read a single-writer count from any thread. */
static inline uint64_t
task_count_read(_Atomic uint64_t *c)
{
	return (atomic_load_explicit(c, memory_order_relaxed));
}

/* Add to a counter (its one writer only). */
static inline void
task_counter_add(struct task_counter *c, uint64_t n)
{
	task_count_add(&c->n, n);
}

/* Read a counter from any thread. */
static inline uint64_t
task_counter_read(struct task_counter *c)
{
	return (task_count_read(&c->n));
}

/* Set up an empty group of at most cap tasks in the engine's mode. */
void	task_group_init(struct task_group *, struct engine *,
	    const struct scenario_params *, long);
/* Free a group whose tasks are all joined. */
void	task_group_free(struct task_group *);
/*
 * Grow or shrink to want tasks.  A new task i runs body on the argument
 * that arg_at(ctx, i, err, errlen) returns, once arg_at has made slot i
 * ready to run (or NULL with err set: it cannot).  Returns 0, or -1 with
 * err set when a spawn is refused (the tasks spawned until then run and
 * count).
 */
int	task_group_resize(struct task_group *, long, const struct task_body *,
	    void *(*)(void *, long, char *, size_t), void *, char *, size_t);
/*
 * Shrink to want tasks: stop those above it, call kick(ctx) if not NULL
 * (to wake tasks waiting on a condition of the scenario's), and join them.
 */
void	task_group_shrink(struct task_group *, long, void (*)(void *),
	    void *);
/* The argument task i runs on (i below the tasks alive). */
static inline void *
task_group_arg(struct task_group *g, long i)
{
	return (g->tasks[i].arg);
}

/*
 * Start a loose task with index i (what a refused spawn names) in t, which
 * the caller keeps until task_join: 0, or -1 with err set.
 */
int	task_spawn(struct task_group *, struct task *, long,
	    const struct task_body *, void *, char *, size_t);
/* Whether a loose task has ended; task_join then does not wait. */
static inline bool
task_done(struct task *t)
{
	return (atomic_load(&t->done));
}

/* Wait for a loose task to end (a detached thread: poll) and free its
   fiber. */
void	task_join(struct task *);

/* Raise the stop flag of every task, waiting for none. */
void	task_group_halt(struct task_group *);
/* Tasks alive, and slots ever used (the counters that only grow). */
long	task_group_alive(struct task_group *);
/* Tasks running now: a task counts until its body returns, so that a
   shrink shows its tasks ending one by one. */
long	task_group_running(struct task_group *);
void	task_group_counts(struct task_group *, long *, long *);

#endif

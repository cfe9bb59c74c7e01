/*
 * Inside the engine: the table of scenarios and the services the engine
 * gives them.  Not for use outside src/engine/.
 */
#ifndef CSW_SCENARIO_H
#define CSW_SCENARIO_H

#include "engine/engine.h"

/* One scenario: a small vtable, like tmux's window modes. */
struct scenario_ops {
	const char	*name;
	const char	*summary;	/* one line, for --list-scenarios */
	const char	*caption[2];	/* what to watch, per engine_mode */
	long		 default_tasks;
	long		 unit;		/* tasks come in multiples of this */
	long		 max_tasks;
	unsigned	 modes;		/* 1 << engine_mode it runs in */
	/* Start with this many tasks; returns state or NULL with err set. */
	void		*(*start)(struct engine *, enum engine_mode, long,
			    char *, size_t);
	/* Grow or shrink to this many tasks; -1 with err on a refused spawn. */
	int		 (*resize)(void *, long, char *, size_t);
	/* Add this scenario's counters to a snapshot. */
	void		 (*stats)(void *, struct engine_snapshot *);
	/* Stop every task and free the state. */
	void		 (*stop)(void *);
};

extern const struct scenario_ops	 scenario_pingpong;

const struct scenario_ops	*scenario_find(const char *);

/* The engine's fiber runtime, or NULL in threads mode. */
struct fiber_rt	*engine_fiber_rt(struct engine *);
/* Run the calling workload thread below the UI and the sampler. */
void	engine_thread_lower_priority(void);
/* Record the calling thread's stack in the engine's registry. */
void	engine_stack_register(struct engine *);
/* Remove the calling thread's stack from the registry. */
void	engine_stack_unregister(struct engine *);

#endif

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "engine/engine.h"
#include "engine/scenario.h"
#include "util/util.h"

#define ENGINE_WORKER_NICE	10

static const struct scenario_ops *scenarios[] = {
	&scenario_pingpong,
};

struct engine {
	enum engine_mode		 mode;
	const struct scenario_ops	*ops;
	void				*state;
	long				 tasks_target;

	pthread_mutex_t			 stacks_mu;	/* guards the registry */
	struct engine_stack		*stacks;
	size_t				 nstacks, stacks_cap;
};

/* Name a mode as the screen and the options spell it. */
const char *
engine_mode_name(enum engine_mode mode)
{
	return (mode == ENGINE_FIBERS ? "fibers" : "threads");
}

/* Find a scenario by name. */
const struct scenario_ops *
scenario_find(const char *name)
{
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(scenarios); i++) {
		if (strcmp(scenarios[i]->name, name) == 0)
			return (scenarios[i]);
	}
	return (NULL);
}

/* Round a task request to whole units within the scenario's bounds. */
static long
engine_clamp_tasks(const struct scenario_ops *ops, long tasks)
{
	if (tasks < ops->unit)
		tasks = ops->unit;
	if (tasks > ops->max_tasks)
		tasks = ops->max_tasks;
	return (tasks - tasks % ops->unit);
}

/* Start a scenario in a mode. */
struct engine *
engine_create(const struct engine_config *cfg, char *err, size_t errlen)
{
	const struct scenario_ops	*ops;
	struct engine			*e;

	if ((ops = scenario_find(cfg->scenario)) == NULL) {
		snprintf(err, errlen, "unknown scenario '%s'", cfg->scenario);
		return (NULL);
	}
	if (cfg->mode != ENGINE_THREADS) {
		snprintf(err, errlen, "scenario '%s' has no %s mode",
		    ops->name, engine_mode_name(cfg->mode));
		return (NULL);
	}
	e = xcalloc(1, sizeof *e);
	e->mode = cfg->mode;
	e->ops = ops;
	pthread_mutex_init(&e->stacks_mu, NULL);
	e->tasks_target = engine_clamp_tasks(ops,
	    cfg->tasks > 0 ? cfg->tasks : ops->default_tasks);
	e->state = ops->start(e, e->mode, e->tasks_target, err, errlen);
	if (e->state == NULL) {
		pthread_mutex_destroy(&e->stacks_mu);
		free(e->stacks);
		free(e);
		return (NULL);
	}
	return (e);
}

/* Grow or shrink the running scenario. */
int
engine_set_tasks(struct engine *e, long tasks, char *err, size_t errlen)
{
	long	want = engine_clamp_tasks(e->ops, tasks);

	e->tasks_target = want;
	return (e->ops->resize(e->state, want, err, errlen));
}

/* The most tasks the current scenario accepts. */
long
engine_tasks_max(const struct engine *e)
{
	return (e->ops->max_tasks);
}

/* Copy the engine's counters. */
void
engine_snapshot(struct engine *e, struct engine_snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->mode = e->mode;
	s->scenario = e->ops->name;
	s->tasks_target = e->tasks_target;
	s->tasks_per_unit = e->ops->unit;
	s->caption = e->ops->caption[e->mode];
	e->ops->stats(e->state, s);
}

/* Copy up to max registered stacks; returns how many there are in all. */
size_t
engine_stacks(struct engine *e, struct engine_stack *out, size_t max)
{
	size_t	n;

	pthread_mutex_lock(&e->stacks_mu);
	n = e->nstacks;
	memcpy(out, e->stacks, (n < max ? n : max) * sizeof *out);
	pthread_mutex_unlock(&e->stacks_mu);
	return (n);
}

/*
 * Give the calling workload thread a higher nice value than the UI and the
 * sampler, so that the screen stays live however many tasks are runnable.
 * Linux applies nice per thread.
 */
void
engine_thread_lower_priority(void)
{
	struct sched_param	sp = { 0 };

	if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0)
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
		    ENGINE_WORKER_NICE);
}

/* Record the calling thread's stack range. */
void
engine_stack_register(struct engine *e)
{
	pthread_attr_t	 attr;
	void		*addr;
	size_t		 size;
	struct engine_stack *s;

	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return;
	if (pthread_attr_getstack(&attr, &addr, &size) != 0) {
		pthread_attr_destroy(&attr);
		return;
	}
	pthread_attr_destroy(&attr);

	pthread_mutex_lock(&e->stacks_mu);
	if (e->nstacks == e->stacks_cap) {
		e->stacks_cap = e->stacks_cap ? e->stacks_cap * 2 : 64;
		e->stacks = xrealloc(e->stacks,
		    e->stacks_cap * sizeof *e->stacks);
	}
	s = &e->stacks[e->nstacks++];
	s->base = (uintptr_t)addr;
	s->size = size;
	s->tid = (int)syscall(SYS_gettid);
	pthread_mutex_unlock(&e->stacks_mu);
}

/* Forget the calling thread's stack range. */
void
engine_stack_unregister(struct engine *e)
{
	int	tid = (int)syscall(SYS_gettid);
	size_t	i;

	pthread_mutex_lock(&e->stacks_mu);
	for (i = 0; i < e->nstacks; i++) {
		if (e->stacks[i].tid == tid) {
			e->stacks[i] = e->stacks[--e->nstacks];
			break;
		}
	}
	pthread_mutex_unlock(&e->stacks_mu);
}

/* Stop every task, join every thread and free the engine. */
void
engine_destroy(struct engine *e)
{
	if (e == NULL)
		return;
	e->ops->stop(e->state);
	pthread_mutex_destroy(&e->stacks_mu);
	free(e->stacks);
	free(e);
}

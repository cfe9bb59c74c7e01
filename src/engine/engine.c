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
#include "engine/fiber.h"
#include "engine/scenario.h"
#include "util/util.h"

#define ENGINE_WORKER_NICE	10

static const struct scenario_ops *scenarios[] = {
	&scenario_pingpong,
};

struct engine {
	const struct scenario_ops	*ops;
	long				 tasks_target;
	int				 workers;	/* asked for; 0: CPUs */

	/* Swapped by a mode switch under ctl_mu; read by the sampler. */
	pthread_mutex_t			 ctl_mu;
	enum engine_mode		 mode;
	void				*state;
	struct fiber_rt			*rt;
	uint64_t			 base_handoffs;	/* earlier modes' */
	uint64_t			 base_switches;

	pthread_mutex_t			 stacks_mu;	/* the registry's */
	struct engine_stack		*stacks;
	size_t				 nstacks, stacks_cap;
};

/* Name a mode as the screen and the options spell it. */
const char *
engine_mode_name(enum engine_mode mode)
{
	return (mode == ENGINE_FIBERS ? "fibers" : "threads");
}

/* The mode a name spells: 0, or -1 for none. */
int
engine_mode_parse(const char *name, enum engine_mode *mode)
{
	if (strcmp(name, "threads") == 0)
		*mode = ENGINE_THREADS;
	else if (strcmp(name, "fibers") == 0)
		*mode = ENGINE_FIBERS;
	else
		return (-1);
	return (0);
}

/* Whether the scenario table has a name. */
bool
engine_scenario_exists(const char *name)
{
	return (scenario_find(name) != NULL);
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

/* The fiber runtime the scenarios of fibers mode run on. */
struct fiber_rt *
engine_fiber_rt(struct engine *e)
{
	return (e->rt);
}

/* Start the scenario's tasks in a mode, with a runtime for fibers. */
static void *
engine_start_mode(struct engine *e, enum engine_mode mode, char *err,
    size_t errlen)
{
	struct fiber_rt_config	 rc;
	struct fiber_rt		*rt = NULL;
	void			*state;

	if ((e->ops->modes & (1u << mode)) == 0) {
		snprintf(err, errlen, "scenario %s has no %s mode",
		    e->ops->name, engine_mode_name(mode));
		return (NULL);
	}
	if (mode == ENGINE_FIBERS) {
		memset(&rc, 0, sizeof rc);
		rc.workers = e->workers;
		rc.guard_limit = -1;
		if ((rt = fiber_rt_create(&rc)) == NULL) {
			snprintf(err, errlen, "fiber runtime: %s",
			    strerror(errno));
			return (NULL);
		}
	}
	pthread_mutex_lock(&e->ctl_mu);
	e->rt = rt;
	e->mode = mode;
	pthread_mutex_unlock(&e->ctl_mu);
	state = e->ops->start(e, mode, e->tasks_target, err, errlen);
	pthread_mutex_lock(&e->ctl_mu);
	e->state = state;
	if (state == NULL)
		e->rt = NULL;
	pthread_mutex_unlock(&e->ctl_mu);
	if (state == NULL && rt != NULL)
		fiber_rt_destroy(rt);
	return (state);
}

/* Stop the running tasks and the runtime under them. */
static void
engine_stop_mode(struct engine *e)
{
	struct engine_snapshot	 snap;
	struct fiber_stats	*st = NULL;
	struct fiber_rt		*rt;
	void			*state;

	pthread_mutex_lock(&e->ctl_mu);
	state = e->state;
	rt = e->rt;
	e->state = NULL;
	pthread_mutex_unlock(&e->ctl_mu);
	if (state != NULL) {
		/* Counters go on from where this mode leaves them. */
		memset(&snap, 0, sizeof snap);
		e->ops->stats(state, &snap);
		e->ops->stop(state);
	}
	if (rt != NULL) {
		st = xmalloc(sizeof *st);
		fiber_rt_stats(rt, st);
		fiber_rt_destroy(rt);
	}
	pthread_mutex_lock(&e->ctl_mu);
	e->rt = NULL;
	if (state != NULL)
		e->base_handoffs += snap.handoffs;
	if (st != NULL)
		e->base_switches += st->switches;
	pthread_mutex_unlock(&e->ctl_mu);
	free(st);
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
	e = xcalloc(1, sizeof *e);
	e->ops = ops;
	e->workers = cfg->workers;
	pthread_mutex_init(&e->stacks_mu, NULL);
	pthread_mutex_init(&e->ctl_mu, NULL);
	e->tasks_target = engine_clamp_tasks(ops,
	    cfg->tasks > 0 ? cfg->tasks : ops->default_tasks);
	if (engine_start_mode(e, cfg->mode, err, errlen) == NULL) {
		pthread_mutex_destroy(&e->ctl_mu);
		pthread_mutex_destroy(&e->stacks_mu);
		free(e->stacks);
		free(e);
		return (NULL);
	}
	return (e);
}

/*
 * Switch the running scenario to another mode with the same knobs.  If the
 * new mode cannot start, the old one is started again and -1 says why.
 */
int
engine_set_mode(struct engine *e, enum engine_mode mode, char *err,
    size_t errlen)
{
	enum engine_mode	old = e->mode;
	char			err2[ENGINE_ERRLEN];

	if (mode == old)
		return (0);
	if ((e->ops->modes & (1u << mode)) == 0) {
		snprintf(err, errlen, "scenario %s has no %s mode",
		    e->ops->name, engine_mode_name(mode));
		return (-1);
	}
	engine_stop_mode(e);
	if (engine_start_mode(e, mode, err, errlen) != NULL)
		return (0);
	engine_start_mode(e, old, err2, sizeof err2);
	return (-1);
}

/* Stacks of the fibers, or -1 in threads mode. */
int
engine_fiber_memory(struct engine *e, struct engine_fiber_memory *fm)
{
	struct fiber_stats	*st;
	int			 rc = -1;

	memset(fm, 0, sizeof *fm);
	pthread_mutex_lock(&e->ctl_mu);
	if (e->rt != NULL) {
		st = xmalloc(sizeof *st);
		fiber_rt_stats(e->rt, st);
		fm->reserved = st->stack_in_use;
		fm->arena = st->stack_reserved;
		fm->live = st->live;
		fm->guard_dropped = st->guard_dropped != 0;
		fm->stack_size = FIBER_STACK_DEFAULT;
		fm->committed = fiber_rt_stack_committed(e->rt);
		free(st);
		rc = 0;
	}
	pthread_mutex_unlock(&e->ctl_mu);
	return (rc);
}

/* Grow or shrink the running scenario. */
int
engine_set_tasks(struct engine *e, long tasks, char *err, size_t errlen)
{
	long	want = engine_clamp_tasks(e->ops, tasks);

	pthread_mutex_lock(&e->ctl_mu);
	e->tasks_target = want;
	pthread_mutex_unlock(&e->ctl_mu);
	if (e->state == NULL) {
		snprintf(err, errlen, "no tasks are running");
		return (-1);
	}
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
	struct fiber_stats	*st;
	int			 i;

	memset(s, 0, sizeof *s);
	pthread_mutex_lock(&e->ctl_mu);
	s->mode = e->mode;
	s->scenario = e->ops->name;
	s->tasks_target = e->tasks_target;
	s->tasks_per_unit = e->ops->unit;
	s->caption = e->ops->caption[e->mode];
	if (e->state != NULL)
		e->ops->stats(e->state, s);
	s->handoffs += e->base_handoffs;
	s->fiber_switches = e->base_switches;
	if (e->rt != NULL) {
		st = xmalloc(sizeof *st);
		fiber_rt_stats(e->rt, st);
		s->fiber_switches += st->switches;
		s->workers = st->workers;
		s->parked_workers = st->parked_workers;
		s->runqueue = st->global_runq;
		for (i = 0; i < st->workers && i < FIBER_MAX_WORKERS; i++) {
			s->runqueue += st->w[i].runq;
			if (i < ENGINE_WORKERS_SHOWN)
				s->worker_runq[i] = st->w[i].runq;
		}
		free(st);
	}
	pthread_mutex_unlock(&e->ctl_mu);
}

/* Copy up to max registered stacks; returns how many there are in all. */
size_t
engine_stacks(struct engine *e, struct engine_stack *out, size_t max)
{
	size_t	n;

	pthread_mutex_lock(&e->stacks_mu);
	n = e->nstacks;
	if (n > 0 && max > 0)
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
	engine_stop_mode(e);
	pthread_mutex_destroy(&e->ctl_mu);
	pthread_mutex_destroy(&e->stacks_mu);
	free(e->stacks);
	free(e);
}

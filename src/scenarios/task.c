/* SPDX-License-Identifier: ISC */
/*
 * Task groups: spawn, count ready, shrink and join the tasks of a
 * scenario as threads or fibers, so that the mode is decided here once
 * instead of in every scenario.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/fiber.h"
#include "scenarios/task.h"
#include "util/util.h"

/* Set up an empty group. */
void
task_group_init(struct task_group *g, struct engine *e,
    const struct scenario_params *sp, long cap)
{
	memset(g, 0, sizeof *g);
	g->engine = e;
	g->mode = sp->mode;
	g->rt = engine_fiber_rt(e);
	g->stack = sp->mode == ENGINE_FIBERS ? sp->stack : 0;
	g->cap = cap;
	g->tasks = xcalloc((size_t)cap, sizeof *g->tasks);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
}

/* Free an empty group. */
void
task_group_free(struct task_group *g)
{
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g->tasks);
	g->tasks = NULL;
}

/*
 * A task's thread: name it, put its stack on the registry and count it
 * ready, and only then drop to SCHED_IDLE, so that the grow waiting for it
 * does not wait for a CPU; run the body; take the stack off the registry.
 * A detached thread was counted at its spawn and keeps its priority.
 */
static void *
task_thread_main(void *arg)
{
	struct task		*t = arg;
	struct task_group	*g = t->group;
	const struct task_body	*b = t->body;
	struct engine		*e = g->engine;
	char			 name[16];

	if (b->name_at != NULL)
		b->name_at(t->arg, name, sizeof name);
	else if (g->cap == 1)
		snprintf(name, sizeof name, "%s", b->name);
	else
		snprintf(name, sizeof name, "%s-%ld", b->name, t->index);
	pthread_setname_np(pthread_self(), name);
	engine_stack_register(e);
	if (!b->detached) {
		pthread_mutex_lock(&g->mu);
		g->ready++;
		pthread_cond_broadcast(&g->cv);
		pthread_mutex_unlock(&g->mu);
		engine_thread_lower_priority();
	}
	b->thread(t->arg);
	if (b->detached) {
		engine_stack_unregister(e);
		atomic_fetch_sub(&g->ready, 1);
	} else {
		pthread_mutex_lock(&g->mu);
		g->ready--;
		pthread_mutex_unlock(&g->mu);
		engine_stack_unregister(e);
	}
	/* The last touch: a loose task may be freed from here on. */
	atomic_store(&t->done, true);
	return (NULL);
}

/* A task's fiber: counted running from its spawn until its body returns. */
static void
task_fiber_main(void *arg)
{
	struct task		*t = arg;
	struct task_group	*g = t->group;

	t->body->fiber(t->arg);
	/* No lock: a sleeper's fiber may have 2 KiB of stack. */
	atomic_fetch_sub(&g->ready, 1);
	atomic_store(&t->done, true);
}

/* Start a task in t; 0, or -1 with err naming the call and i. */
int
task_spawn(struct task_group *g, struct task *t, long i,
    const struct task_body *b, void *arg, char *err, size_t errlen)
{
	struct fiber_attr	 fa = { .stack_size = g->stack };
	const char		*call;
	int			 rc;

	memset(t, 0, sizeof *t);
	t->group = g;
	t->body = b;
	t->arg = arg;
	t->index = i;
	if (g->mode == ENGINE_FIBERS) {
		call = "fiber_spawn";
		atomic_fetch_add(&g->ready, 1);
		rc = fiber_spawn(g->rt, task_fiber_main, t, &fa,
		    &t->fiber) == 0 ? 0 : errno;
		if (rc != 0)
			atomic_fetch_sub(&g->ready, 1);
	} else if (b->detached) {
		call = "pthread_create";
		atomic_fetch_add(&g->ready, 1);
		rc = engine_thread_create_detached(g->engine, &t->thread,
		    task_thread_main, t);
		if (rc != 0)
			atomic_fetch_sub(&g->ready, 1);
	} else {
		call = "pthread_create";
		rc = engine_thread_create(g->engine, &t->thread,
		    task_thread_main, t);
	}
	if (rc == 0)
		return (0);
	if (b->what != NULL && g->cap == 1)
		snprintf(err, errlen, "%s: %s (%s)", call, strerror(rc),
		    b->what);
	else if (b->what != NULL)
		snprintf(err, errlen, "%s: %s (%s %ld)", call, strerror(rc),
		    b->what, i);
	else
		snprintf(err, errlen, "%s: %s (at %ld %s)", call, strerror(rc),
		    i, g->mode == ENGINE_FIBERS ? "fibers" : "threads");
	return (-1);
}

/*
 * Wait for a task to end.  A detached thread is polled for its last touch:
 * pthread_join would unmap each 8 MiB stack in turn in the joiner, about a
 * millisecond apiece in a virtual machine, seconds for a few thousand;
 * detached threads hand their stacks back in parallel as they exit.
 */
void
task_join(struct task *t)
{
	struct timespec	 ts = { 0, 1000000 };

	if (t->group->mode == ENGINE_FIBERS)
		fiber_join(t->fiber);
	else if (t->body->detached) {
		while (!task_done(t))
			nanosleep(&ts, NULL);
	} else
		engine_thread_join(t->group->engine, t->thread);
}

/* Grow or shrink to want tasks. */
int
task_group_resize(struct task_group *g, long want, const struct task_body *b,
    void *(*arg_at)(void *, long, char *, size_t), void *ctx, char *err,
    size_t errlen)
{
	void	*arg;
	long	 i;
	int	 rc = 0;

	if (want > g->cap)
		want = g->cap;
	if (want < g->alive) {
		task_group_shrink(g, want, NULL, NULL);
		return (0);
	}
	for (i = g->alive; i < want; i++) {
		if ((arg = arg_at(ctx, i, err, errlen)) == NULL) {
			rc = -1;
			break;
		}
		if ((rc = task_spawn(g, &g->tasks[i], i, b, arg, err,
		    errlen)) != 0) {
			if (b->reap != NULL)
				b->reap(arg);
			break;
		}
	}
	pthread_mutex_lock(&g->mu);
	/* Count threads alive once their stacks are on the registry (a
	   fiber counts from its spawn, and may have ended already). */
	while (g->mode == ENGINE_THREADS && g->ready < i)
		pthread_cond_wait(&g->cv, &g->mu);
	g->alive = i;
	if (i > g->slots)
		g->slots = i;
	pthread_mutex_unlock(&g->mu);
	return (rc);
}

/* Stop, wake and join the tasks from want up. */
void
task_group_shrink(struct task_group *g, long want, void (*kick)(void *),
    void *ctx)
{
	struct task	*t;
	long		 i;

	if (want >= g->alive)
		return;
	for (i = want; i < g->alive; i++) {
		t = &g->tasks[i];
		if (t->body->stop != NULL)
			t->body->stop(t->arg);
		if (g->mode == ENGINE_THREADS)
			engine_thread_hurry(t->thread);
	}
	if (kick != NULL)
		kick(ctx);
	for (i = want; i < g->alive; i++) {
		t = &g->tasks[i];
		task_join(t);
		if (t->body->reap != NULL)
			t->body->reap(t->arg);
	}
	pthread_mutex_lock(&g->mu);
	i = g->alive;
	g->alive = want;
	pthread_mutex_unlock(&g->mu);
	/* A million slots are 48 MB: give back what the stopped ones used. */
	util_pages_release(&g->tasks[want], (size_t)(i - want) *
	    sizeof *g->tasks);
}

/* Raise every task's stop flag. */
void
task_group_halt(struct task_group *g)
{
	long	i;

	for (i = 0; i < g->alive; i++) {
		if (g->tasks[i].body->stop != NULL)
			g->tasks[i].body->stop(g->tasks[i].arg);
	}
}

/* Tasks alive now. */
long
task_group_alive(struct task_group *g)
{
	long	n;

	pthread_mutex_lock(&g->mu);
	n = g->alive;
	pthread_mutex_unlock(&g->mu);
	return (n);
}

/* Tasks running now: registered threads or spawned fibers, not ended. */
long
task_group_running(struct task_group *g)
{
	return (atomic_load(&g->ready));
}

/* Tasks alive and slots ever used, read together. */
void
task_group_counts(struct task_group *g, long *alive, long *slots)
{
	pthread_mutex_lock(&g->mu);
	*alive = g->alive;
	*slots = g->slots;
	pthread_mutex_unlock(&g->mu);
}

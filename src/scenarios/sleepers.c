/*
 * Scenario "sleepers": N tasks wake up every 100 ms, count the wakeup and
 * go back to sleep.  Nearly nothing runs, so what the tasks cost is their
 * memory and the time it takes to start them.
 *
 * Threads mode: one pthread per task with the engine's thread stack (by
 * default RLIMIT_STACK, 8 MiB), sleeping in the kernel until an absolute
 * deadline.  All of them sleep on one shared futex word, so a shrink or a
 * stop wakes every one at once instead of waiting out their periods.
 * Fibers mode: one fiber per task, parked in fiber_sleep on the runtime's
 * timers, with a stack of the class the s key picks.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fiber.h"
#include "util/futex.h"
#include "scenarios/scenario.h"
#include "util/util.h"

#define SL_PERIOD_NS	100000000u	/* 100 ms between wakeups */
#define SL_MAX_TASKS	100000
#define SL_SHARDS	64		/* wakeup counters, spread out */

/*
 * Counters shared by a few tasks, on a cache line of their own: wakeups,
 * how late they came after their deadlines in sum, and the periods that
 * went by without a wakeup because the task woke later than a whole period.
 */
struct sl_count {
	_Atomic uint64_t	n;
	_Atomic uint64_t	late_ns;
	_Atomic uint64_t	missed;
} __attribute__((aligned(64)));

struct sl_task {
	struct sl_state		*st;
	long			 index;
	pthread_t		 thread;
	struct fiber		*fiber;
};

struct sl_state {
	struct engine		*engine;
	enum engine_mode	 mode;
	struct fiber_rt		*rt;		/* fibers mode */
	size_t			 stack;		/* fibers: the class */

	/* The control thread's own: tasks by index. */
	struct sl_task		**tasks;
	long			 ntasks;

	/* Tasks with an index at or above this return. */
	_Atomic long		 limit;
	/* Threads sleep on it; a shrink or a stop bumps it. */
	_Atomic uint32_t	 word;
	_Atomic long		 alive;

	/* Threads that have started, while a step waits for them. */
	pthread_mutex_t		 ready_mu;
	pthread_cond_t		 ready_cv;
	long			 ready;

	struct sl_count		 wakeups[SL_SHARDS];
};

/*
 * Count one wakeup of a task at now, due at deadline, and return the next
 * deadline: a task that woke more than a period late skips the periods it
 * missed (counted), so it does not wake in a burst to catch up.
 */
static inline uint64_t
sl_count(struct sl_task *t, uint64_t deadline, uint64_t now)
{
	struct sl_count	*c = &t->st->wakeups[t->index % SL_SHARDS];
	uint64_t	 late = now - deadline;

	atomic_fetch_add_explicit(&c->n, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->late_ns, late, memory_order_relaxed);
	if (late >= SL_PERIOD_NS) {
		atomic_fetch_add_explicit(&c->missed, late / SL_PERIOD_NS,
		    memory_order_relaxed);
		return (now + SL_PERIOD_NS);
	}
	return (deadline + SL_PERIOD_NS);
}

/* Sleep until the next period, wake, count, until told to stop. */
static void *
sl_thread(void *arg)
{
	struct sl_task	*t = arg;
	struct sl_state	*st = t->st;
	uint64_t	 deadline, now;
	uint32_t	 w;
	char		 name[16];

	snprintf(name, sizeof name, "sleeper-%ld", t->index);
	pthread_setname_np(pthread_self(), name);
	/* Register at the creator's priority, so the ramp does not wait. */
	engine_stack_register(st->engine);
	atomic_fetch_add(&st->alive, 1);
	pthread_mutex_lock(&st->ready_mu);
	st->ready++;
	pthread_cond_signal(&st->ready_cv);
	pthread_mutex_unlock(&st->ready_mu);
	engine_thread_lower_priority();

	deadline = util_now_ns() + SL_PERIOD_NS;
	for (;;) {
		w = atomic_load(&st->word);
		if (t->index >= atomic_load(&st->limit))
			break;
		futex_wait_until(&st->word, w, deadline);
		now = util_now_ns();
		if (now >= deadline)
			deadline = sl_count(t, deadline, now);
	}

	engine_stack_unregister(st->engine);
	atomic_fetch_sub(&st->alive, 1);
	return (NULL);
}

/* The same in a fiber: park on the runtime's timers. */
static void
sl_fiber(void *arg)
{
	struct sl_task	*t = arg;
	struct sl_state	*st = t->st;
	uint64_t	 deadline, now;

	deadline = util_now_ns() + SL_PERIOD_NS;
	for (;;) {
		now = util_now_ns();
		if (fiber_sleep(deadline > now ? deadline - now : 0) !=
		    FIBER_OK)
			break;
		if (t->index >= atomic_load(&st->limit))
			break;
		now = util_now_ns();
		if (now >= deadline)
			deadline = sl_count(t, deadline, now);
	}
	atomic_fetch_sub(&st->alive, 1);
}

/* Start the tasks from ntasks up to want; -1 with err if one is refused. */
static int
sl_grow(struct sl_state *st, long want, char *err, size_t errlen)
{
	struct fiber_attr	 fa;
	struct sl_task		*t;
	long			 started = 0;
	int			 rc = 0, e;

	atomic_store(&st->limit, want);
	memset(&fa, 0, sizeof fa);
	fa.stack_size = st->stack;
	pthread_mutex_lock(&st->ready_mu);
	st->ready = 0;
	pthread_mutex_unlock(&st->ready_mu);
	while (st->ntasks < want) {
		t = xcalloc(1, sizeof *t);
		t->st = st;
		t->index = st->ntasks;
		if (st->mode == ENGINE_FIBERS) {
			atomic_fetch_add(&st->alive, 1);
			if (fiber_spawn(st->rt, sl_fiber, t, &fa,
			    &t->fiber) != 0) {
				e = errno;
				atomic_fetch_sub(&st->alive, 1);
				snprintf(err, errlen, "fiber_spawn: %s (at %ld "
				    "fibers)", strerror(e), st->ntasks);
				rc = -1;
			}
		} else if ((e = engine_thread_create(st->engine, &t->thread,
		    sl_thread, t)) != 0) {
			snprintf(err, errlen, "pthread_create: %s (at %ld "
			    "threads)", strerror(e), st->ntasks);
			rc = -1;
		} else
			started++;
		if (rc != 0) {
			free(t);
			atomic_store(&st->limit, st->ntasks);
			break;
		}
		st->tasks[st->ntasks++] = t;
	}
	if (st->mode == ENGINE_THREADS) {
		/* A thread counts as alive once its stack is registered. */
		pthread_mutex_lock(&st->ready_mu);
		while (st->ready < started)
			pthread_cond_wait(&st->ready_cv, &st->ready_mu);
		pthread_mutex_unlock(&st->ready_mu);
	}
	return (rc);
}

/* Stop the tasks from want up and wait for them. */
static void
sl_shrink(struct sl_state *st, long want)
{
	struct sl_task	*t;
	long		 i;

	atomic_store(&st->limit, want);
	/* Threads wake at once; fibers at their next period at the latest. */
	futex_bump_wake_all(&st->word);
	for (i = want; i < st->ntasks; i++) {
		t = st->tasks[i];
		if (st->mode == ENGINE_FIBERS)
			fiber_join(t->fiber);
		else
			engine_thread_join(st->engine, t->thread);
		free(t);
		st->tasks[i] = NULL;
	}
	st->ntasks = want;
}

/* Grow or shrink to the given number of tasks. */
static int
sl_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct sl_state	*st = arg;

	if (tasks > SL_MAX_TASKS)
		tasks = SL_MAX_TASKS;
	if (tasks > st->ntasks)
		return (sl_grow(st, tasks, err, errlen));
	if (tasks < st->ntasks)
		sl_shrink(st, tasks);
	return (0);
}

/* Start the scenario. */
static void *
sl_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct sl_state	*st;

	if (posix_memalign((void **)&st, 64, sizeof *st) != 0) {
		snprintf(err, errlen, "sleepers: out of memory");
		return (NULL);
	}
	memset(st, 0, sizeof *st);
	st->engine = e;
	st->mode = sp->mode;
	st->rt = engine_fiber_rt(e);
	st->stack = sp->stack;
	st->tasks = xcalloc(SL_MAX_TASKS, sizeof *st->tasks);
	pthread_mutex_init(&st->ready_mu, NULL);
	pthread_cond_init(&st->ready_cv, NULL);
	if (sl_resize(st, sp->tasks, err, errlen) != 0 && st->ntasks == 0) {
		pthread_cond_destroy(&st->ready_cv);
		pthread_mutex_destroy(&st->ready_mu);
		free(st->tasks);
		free(st);
		return (NULL);
	}
	return (st);
}

/* Wakeups so far, how late they were, and the tasks alive. */
static void
sl_stats(void *arg, struct engine_snapshot *s)
{
	struct sl_state	*st = arg;
	uint64_t	 sum = 0, late = 0, missed = 0;
	int		 i;

	for (i = 0; i < SL_SHARDS; i++) {
		sum += atomic_load_explicit(&st->wakeups[i].n,
		    memory_order_relaxed);
		late += atomic_load_explicit(&st->wakeups[i].late_ns,
		    memory_order_relaxed);
		missed += atomic_load_explicit(&st->wakeups[i].missed,
		    memory_order_relaxed);
	}
	s->work = sum;
	s->wake_period_ns = SL_PERIOD_NS;
	s->wake_late_ns = late;
	s->wakes_missed = missed;
	s->tasks_alive = atomic_load(&st->alive);
}

/* Stop every task. */
static void
sl_stop(void *arg)
{
	struct sl_state	*st = arg;

	sl_shrink(st, 0);
	pthread_cond_destroy(&st->ready_cv);
	pthread_mutex_destroy(&st->ready_mu);
	free(st->tasks);
	free(st);
}

const struct scenario_ops scenario_sleepers = {
	.name = "sleepers",
	.summary = "tasks sleep and wake every 100 ms",
	.caption = { {
		[ENGINE_THREADS] = "Each sleeping thread reserves a whole "
		    "stack yet touches a few pages of it: watch stack reserved "
		    "dwarf committed, and the start time.",
		[ENGINE_FIBERS] = "Each fiber reserves only its stack class "
		    "and sleeps on the runtime's timers: compare reserved per "
		    "task with threads mode.",
	} },
	.work_unit = "wakeups",
	.default_tasks = 1000,
	.unit = 1,
	.max_tasks = SL_MAX_TASKS,
	.modes = (1u << ENGINE_THREADS) | (1u << ENGINE_FIBERS),
	.start = sl_start,
	.resize = sl_resize,
	.stats = sl_stats,
	.stop = sl_stop,
	.fiber_stack_min = 2048,	/* a fiber that only sleeps */
};

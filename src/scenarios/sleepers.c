/* SPDX-License-Identifier: ISC */
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
 *
 * The period is 100 ms up to SL_RATE_TASKS tasks; above, it grows with the
 * tasks so that they ask for SL_RATE_MAX wakeups a second at most: a
 * million tasks wake once a second.  A million wakeups every 100 ms would
 * be ten million a second, more than two CPUs can serve, and the picture
 * would be of missed periods instead of memory.
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
#include "scenarios/task.h"
#include "util/lathist.h"
#include "util/util.h"

#define SL_PERIOD_NS	100000000u	/* 100 ms between wakeups */
#define SL_MAX_TASKS	1000000
#define SL_RATE_MAX	1000000u	/* wakeups a second asked at most */
#define SL_RATE_TASKS	(SL_RATE_MAX / (1000000000u / SL_PERIOD_NS))
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
};

struct sl_state {
	struct task_group	 group;		/* the tasks */

	/* Tasks with an index at or above this return. */
	_Atomic long		 limit;
	/* The period for the tasks there are: see sl_period. */
	_Atomic uint64_t	 period_ns;
	/* Threads sleep on it; a shrink or a stop bumps it. */
	_Atomic uint32_t	 word;

	struct sl_count		 wakeups[SL_SHARDS];
};

/* The period for n tasks: 100 ms, longer above SL_RATE_TASKS. */
static uint64_t
sl_period(long n)
{
	if (n <= (long)SL_RATE_TASKS)
		return (SL_PERIOD_NS);
	return ((uint64_t)n * (1000000000u / SL_RATE_MAX));
}

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
	uint64_t	 period = atomic_load_explicit(&t->st->period_ns,
			    memory_order_relaxed);

	atomic_fetch_add_explicit(&c->n, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->late_ns, late, memory_order_relaxed);
	lat_wake_record(late);		/* timer due to running */
	if (late >= period) {
		atomic_fetch_add_explicit(&c->missed, late / period,
		    memory_order_relaxed);
		return (now + period);
	}
	return (deadline + period);
}

/* lesson: sleepers threads */
/* Sleep until the next period, wake, count, until told to stop. */
static void
sl_thread(void *arg)
{
	struct sl_task	*t = arg;
	struct sl_state	*st = t->st;
	uint64_t	 deadline, now;
	uint32_t	 w;

	deadline = util_now_ns() + atomic_load(&st->period_ns);
	for (;;) {
		w = atomic_load(&st->word);
		if (t->index >= atomic_load(&st->limit))
			break;
		futex_wait_until(&st->word, w, deadline);
		now = util_now_ns();
		if (now >= deadline)
			deadline = sl_count(t, deadline, now);
	}
}
/* end lesson */

/* lesson: sleepers fibers */
/* The same in a fiber: park on the runtime's timers. */
static void
sl_fiber(void *arg)
{
	struct sl_task	*t = arg;
	struct sl_state	*st = t->st;
	uint64_t	 deadline, now;

	deadline = util_now_ns() + atomic_load(&st->period_ns);
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
}
/* end lesson */

/* Make task i. */
static void *
sl_task_at(void *arg, long i, char *err, size_t errlen)
{
	struct sl_task	*t;

	(void)err;
	(void)errlen;
	t = xcalloc(1, sizeof *t);
	t->st = arg;
	t->index = i;
	return (t);
}

/* Wake the sleeping threads to see the lower limit; fibers see it at
   their next period at the latest. */
static void
sl_kick(void *arg)
{
	futex_bump_wake_all(&((struct sl_state *)arg)->word);
}

static const struct task_body sl_task_body = {
	.name = "sleeper",
	.thread = sl_thread,
	.fiber = sl_fiber,
	.reap = free,
};

/* Stop the tasks from want up and wait for them. */
static void
sl_shrink(struct sl_state *st, long want)
{
	atomic_store(&st->limit, want);
	task_group_shrink(&st->group, want, sl_kick, st);
}

/* Grow or shrink to the given number of tasks. */
static int
sl_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct sl_state	*st = arg;

	int		 rc;

	if (tasks > SL_MAX_TASKS)
		tasks = SL_MAX_TASKS;
	atomic_store(&st->period_ns, sl_period(tasks));
	if (tasks < task_group_alive(&st->group)) {
		sl_shrink(st, tasks);
		return (0);
	}
	/* The limit first: a task above it returns at once. */
	atomic_store(&st->limit, tasks);
	rc = task_group_resize(&st->group, tasks, &sl_task_body, sl_task_at,
	    st, err, errlen);
	if (rc != 0)
		atomic_store(&st->limit, task_group_alive(&st->group));
	return (rc);
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
	atomic_store(&st->period_ns, SL_PERIOD_NS);
	task_group_init(&st->group, e, sp, SL_MAX_TASKS);
	if (sl_resize(st, sp->tasks, err, errlen) != 0 &&
	    task_group_alive(&st->group) == 0) {
		task_group_free(&st->group);
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
	s->wake_period_ns = atomic_load_explicit(&st->period_ns,
	    memory_order_relaxed);
	s->wake_late_ns = late;
	s->wakes_missed = missed;
	s->tasks_alive = task_group_running(&st->group);
}

/* Stop every task. */
static void
sl_stop(void *arg)
{
	struct sl_state	*st = arg;

	sl_shrink(st, 0);
	task_group_free(&st->group);
	free(st);
}

const struct scenario_ops scenario_sleepers = {
	.name = "sleepers",
	.summary = "tasks sleep and wake every 100 ms",
	.caption = { {
		[ENGINE_THREADS] = "Each sleeping thread reserves a whole "
		    "stack yet touches a few pages of it: watch stack reserved "
		    "dwarf committed.",
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

/* SPDX-License-Identifier: ISC */
/*
 * Scenario "leak": a spawner starts tasks at a steady rate, and each task
 * waits for a reply that nobody will ever send.
 *
 * Without the variant the tasks never end: live tasks and their memory
 * climb until the ceiling.  The tasks knob is that ceiling, the most tasks
 * the leak may hold (threads mode stops at 20,000 whatever it says); the
 * spawner starts ceiling / 50 tasks a second, at least 200, so the climb
 * takes about 50 s.  The b variant gives each task a way out, the way a
 * context with a timeout does: it stops waiting after a second, so live
 * tasks stay near the rate and memory stays flat.
 *
 * Threads mode: one pthread per task, waiting on a futex word shared by all
 * of them (with a deadline in the variant); a shrink or a stop bumps the
 * word and wakes them all at once.  Fibers mode: one fiber per task,
 * receiving on an unbuffered channel of its own (in a select with a timeout
 * in the variant); closing the channel or stopping the runtime wakes it.
 * The tasks are loose tasks of a group, their threads detached: the group
 * counts them running from the spawn to the end of their wait.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/fiber.h"
#include "util/futex.h"
#include "scenarios/scenario.h"
#include "scenarios/task.h"
#include "util/util.h"

#define LK_MAX_TASKS	100000
#define LK_MAX_THREADS	20000
#define LK_RATE_MIN	200		/* tasks started a second, at least */
#define LK_CLIMB_S	50		/* seconds to climb to the ceiling */
#define LK_WAIT_NS	1000000000u	/* the variant's timeout */
#define LK_TICK_NS	10000000u	/* the spawner's period */

struct lk_task {
	struct task		 task;
	struct lk_state		*st;
	uint64_t		 seq;
	uint64_t		 deadline;	/* the variant gives up then */
	atomic_bool		 cancel;	/* a shrink wants it gone */
	struct fiber_chan	*chan;		/* fibers mode */
};

struct lk_state {
	struct task_group	 group;		/* loose tasks, counted */
	long			 max;		/* the ceiling's limit */
	bool			 variant;
	pthread_t		 spawner;

	/* Live tasks, oldest first: a ring, guarded by mu. */
	pthread_mutex_t		 mu;
	struct lk_task		**q;
	size_t			 head, n, cap;
	char			 err[ENGINE_ERRLEN];	/* a refused spawn */
	bool			 failed;

	_Atomic long		 ceiling;
	_Atomic uint32_t	 word;		/* leaked threads wait on it */
	_Atomic uint32_t	 tick;		/* the spawner waits on it */
	atomic_bool		 stopping;
	_Atomic uint64_t	 started;
};

/* Tasks a second for a ceiling. */
static long
lk_rate(long ceiling)
{
	return (ceiling / LK_CLIMB_S > LK_RATE_MIN ? ceiling / LK_CLIMB_S :
	    LK_RATE_MIN);
}

/* Append a task to the ring (mu held). */
static void
lk_q_push(struct lk_state *st, struct lk_task *t)
{
	struct lk_task	**q;
	size_t		  i, cap;

	if (st->n == st->cap) {
		cap = st->cap ? st->cap * 2 : 256;
		q = xcalloc(cap, sizeof *q);
		for (i = 0; i < st->n; i++)
			q[i] = st->q[(st->head + i) % st->cap];
		free(st->q);
		st->q = q;
		st->cap = cap;
		st->head = 0;
	}
	st->q[(st->head + st->n++) % st->cap] = t;
}

/* Wait for a stopping task to return and free it. */
static void
lk_task_free(struct lk_task *t)
{
	task_join(&t->task);
	if (t->chan != NULL)
		fiber_chan_destroy(t->chan);
	free(t);
}

/* Name a leaked thread by its sequence number. */
static void
lk_name(void *arg, char *buf, size_t len)
{
	struct lk_task	*t = arg;

	snprintf(buf, len, "leaked-%llu",
	    (unsigned long long)(t->seq % 100000000u));
}

/* lesson: leak threads */
/*
 * Wait for a reply nobody sends.  Leaked threads are detached and stay at
 * the normal priority: they never run after they start but to exit, and
 * exiting threads at SCHED_IDLE stall one another on the kernel's mmap
 * lock (glibc unmaps cached stacks as threads exit) for tens of seconds on
 * a busy machine.
 */
static void
lk_thread(void *arg)
{
	struct lk_task	*t = arg;
	struct lk_state	*st = t->st;
	uint32_t	 w;

	for (;;) {
		w = atomic_load(&st->word);
		if (atomic_load(&st->stopping) || atomic_load(&t->cancel))
			break;
		if (st->variant && util_now_ns() >= t->deadline)
			break;
		futex_wait_until(&st->word, w, st->variant ? t->deadline : 0);
	}
}
/* end lesson */

/* lesson: leak fibers */
/* The same in a fiber: receive on a channel nobody sends to. */
static void
lk_fiber(void *arg)
{
	struct lk_task		*t = arg;
	struct fiber_select_case cs;
	int			 v;

	if (!t->st->variant)
		fiber_chan_recv(t->chan, &v);
	else {
		cs.chan = t->chan;
		cs.op = FIBER_RECV;
		cs.elem = &v;
		cs.result = 0;
		fiber_select(&cs, 1, LK_WAIT_NS);
	}
}
/* end lesson */

/* Tell a task to stop waiting: a thread sees the flag at the next bump of
   the word, a fiber wakes as its channel closes. */
static void
lk_task_stop(void *arg)
{
	struct lk_task	*t = arg;

	atomic_store(&t->cancel, true);
	if (t->chan != NULL)
		fiber_chan_close(t->chan);
}

static const struct task_body lk_body = {
	.name = "leaked",
	.name_at = lk_name,
	.thread = lk_thread,
	.fiber = lk_fiber,
	.stop = lk_task_stop,
	.detached = true,
};

/* Start one leaked task: 0, or -1 with st->err set. */
static int
lk_spawn(struct lk_state *st)
{
	struct lk_task	*t;
	struct fiber_rt	*rt = st->group.rt;
	char		 err[ENGINE_ERRLEN];
	size_t		 n;
	int		 rc;

	t = xcalloc(1, sizeof *t);
	t->st = st;
	t->seq = atomic_load(&st->started);
	t->deadline = util_now_ns() + LK_WAIT_NS;
	pthread_mutex_lock(&st->mu);
	n = st->n;
	pthread_mutex_unlock(&st->mu);
	/* A fiber waits on a channel of its own. */
	if (st->group.mode == ENGINE_FIBERS &&
	    (t->chan = fiber_chan_create(rt, sizeof(int), 0)) == NULL) {
		snprintf(err, sizeof err, "fiber_spawn: %s (at %zu fibers)",
		    strerror(errno), n);
		rc = -1;
	} else if ((rc = task_spawn(&st->group, &t->task, (long)n, &lk_body,
	    t, err, sizeof err)) != 0 && t->chan != NULL)
		fiber_chan_destroy(t->chan);
	if (rc != 0) {
		free(t);
		if (atomic_load(&st->stopping) || (rt != NULL &&
		    fiber_rt_stopping(rt)))
			return (-1);
		pthread_mutex_lock(&st->mu);
		snprintf(st->err, sizeof st->err, "%s", err);
		st->failed = true;
		atomic_store(&st->ceiling, (long)st->n);
		pthread_mutex_unlock(&st->mu);
		return (-1);
	}
	pthread_mutex_lock(&st->mu);
	lk_q_push(st, t);
	pthread_mutex_unlock(&st->mu);
	atomic_fetch_add(&st->started, 1);
	return (0);
}

/* Free the tasks at the head of the ring that have given up waiting. */
static void
lk_reap(struct lk_state *st)
{
	struct lk_task	*t;

	for (;;) {
		pthread_mutex_lock(&st->mu);
		t = NULL;
		if (st->n != 0 && task_done(&st->q[st->head]->task)) {
			t = st->q[st->head];
			st->head = (st->head + 1) % st->cap;
			st->n--;
		}
		pthread_mutex_unlock(&st->mu);
		if (t == NULL)
			return;
		lk_task_free(t);
	}
}

/* Start tasks at the rate until the ceiling, reaping those that end. */
static void *
lk_spawner(void *arg)
{
	struct lk_state	*st = arg;
	uint64_t	 now, last;
	double		 credit = 0;
	long		 rate, room;
	uint32_t	 w;

	pthread_setname_np(pthread_self(), "leak-spawner");
	last = util_now_ns();
	while (!atomic_load(&st->stopping)) {
		lk_reap(st);
		now = util_now_ns();
		rate = lk_rate(atomic_load(&st->ceiling));
		credit += (double)rate * (double)(now - last) / 1e9;
		last = now;
		if (credit > rate)
			credit = rate;
		pthread_mutex_lock(&st->mu);
		room = atomic_load(&st->ceiling) - (long)st->n;
		pthread_mutex_unlock(&st->mu);
		while (credit >= 1 && room > 0 && !atomic_load(&st->stopping)) {
			if (lk_spawn(st) != 0)
				break;
			credit -= 1;
			room--;
		}
		/* No debt piles up while the leak sits at its ceiling. */
		if (room <= 0 && credit > 1)
			credit = 1;
		w = atomic_load(&st->tick);
		if (atomic_load(&st->stopping))
			break;
		futex_wait_until(&st->tick, w, util_now_ns() + LK_TICK_NS);
	}
	return (NULL);
}

/* Set the ceiling; a lower one ends the newest tasks above it. */
static int
lk_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct lk_state	 *st = arg;
	struct lk_task	**victims;
	size_t		  i, k = 0;

	if (tasks > st->max)
		tasks = st->max;
	pthread_mutex_lock(&st->mu);
	if (st->failed) {
		/* The ceiling came down to what runs when the spawn failed. */
		snprintf(err, errlen, "%s", st->err);
		st->failed = false;
		pthread_mutex_unlock(&st->mu);
		return (-1);
	}
	atomic_store(&st->ceiling, tasks);
	victims = NULL;
	if ((long)st->n > tasks) {
		k = st->n - (size_t)tasks;
		victims = xcalloc(k, sizeof *victims);
		for (i = 0; i < k; i++)
			victims[i] = st->q[(st->head + --st->n) % st->cap];
	}
	pthread_mutex_unlock(&st->mu);
	if (k == 0)
		return (0);
	for (i = 0; i < k; i++)
		lk_task_stop(victims[i]);
	futex_bump_wake_all(&st->word);
	for (i = 0; i < k; i++)
		lk_task_free(victims[i]);
	free(victims);
	return (0);
}

/* Start the scenario and its spawner. */
static void *
lk_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct lk_state	*st;
	int		 rc;

	st = xcalloc(1, sizeof *st);
	task_group_init(&st->group, e, sp, 0);
	st->max = sp->mode == ENGINE_THREADS ? LK_MAX_THREADS : LK_MAX_TASKS;
	st->variant = sp->variant;
	pthread_mutex_init(&st->mu, NULL);
	atomic_store(&st->ceiling, sp->tasks > st->max ? st->max : sp->tasks);
	if ((rc = util_thread_create(&st->spawner, lk_spawner, st)) != 0) {
		snprintf(err, errlen, "leak spawner: %s", strerror(rc));
		task_group_free(&st->group);
		pthread_mutex_destroy(&st->mu);
		free(st);
		return (NULL);
	}
	return (st);
}

/* Tasks started, alive, and all of those alive waiting. */
static void
lk_stats(void *arg, struct engine_snapshot *s)
{
	struct lk_state	*st = arg;

	s->work = atomic_load(&st->started);
	s->tasks_alive = task_group_running(&st->group);
	s->blocked = (uint64_t)s->tasks_alive;
}

/* Stop the spawner, wake every task at once and free them all. */
static void
lk_stop(void *arg)
{
	struct lk_state	*st = arg;
	size_t		 i;

	atomic_store(&st->stopping, true);
	futex_bump_wake_all(&st->tick);
	pthread_join(st->spawner, NULL);
	for (i = 0; i < st->n; i++)
		lk_task_stop(st->q[(st->head + i) % st->cap]);
	futex_bump_wake_all(&st->word);
	for (i = 0; i < st->n; i++)
		lk_task_free(st->q[(st->head + i) % st->cap]);
	task_group_free(&st->group);
	pthread_mutex_destroy(&st->mu);
	free(st->q);
	free(st);
}

const struct scenario_ops scenario_leak = {
	.name = "leak",
	.summary = "tasks wait forever for a reply nobody sends",
	.variant = "cancel path",
	.caption = { {
		[ENGINE_THREADS] = "Every leaked thread keeps its stack and a "
		    "kernel task: watch live tasks, stack and RSS climb to the "
		    "ceiling.",
		[ENGINE_FIBERS] = "Leaked fibers are cheap, not free: live "
		    "tasks and stack memory climb all the same, only slower "
		    "per task.",
	}, {
		[ENGINE_THREADS] = "Each thread gives up after a second: live "
		    "tasks stay near the spawn rate and memory stays flat.",
		[ENGINE_FIBERS] = "Each fiber selects with a one-second "
		    "timeout: live tasks stay near the spawn rate and memory "
		    "stays flat.",
	} },
	.work_unit = "tasks started",
	.default_tasks = 4000,
	.unit = 1,
	.max_tasks = LK_MAX_TASKS,
	.tasks_cap = true,
	.modes = (1u << ENGINE_THREADS) | (1u << ENGINE_FIBERS),
	.start = lk_start,
	.resize = lk_resize,
	.stats = lk_stats,
	.stop = lk_stop,
};

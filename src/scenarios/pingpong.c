/* SPDX-License-Identifier: ISC */
/*
 * Scenario "pingpong": pairs of tasks hand a token back and forth.
 *
 * Threads mode: two pthreads per pair, a mutex and a condition variable, so
 * every handoff puts one thread to sleep in the kernel and wakes the other.
 * Fibers mode: two fibers per pair on the engine's runtime, handing the
 * token over an unbuffered channel: each handoff is a user-space switch.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/fiber.h"
#include "scenarios/scenario.h"
#include "scenarios/task.h"
#include "util/lathist.h"
#include "util/util.h"

#define PP_MAX_PAIRS	1024

struct pp_pair {
	struct pp_state		*st;
	int			 index;
	struct task_counter	 recv[2];	/* handoffs each side took */
	/* When the token was handed over, if that handoff is timed: set by
	   the side giving it, read by the side taking it (lathist.h). */
	uint64_t		 handed_ns;

	/* Threads mode. */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 turn;		/* which side holds the token */
	atomic_bool		 stop;
	int			 ready;		/* threads registered */
	pthread_cond_t		 ready_cv;
	pthread_t		 thread[2];
	int			 started;	/* threads created */

	/* Fibers mode. */
	struct fiber_chan	*chan;
	struct fiber		*fiber[2];
};

struct pp_side {
	struct pp_pair	*pair;
	int		 me;
};

struct pp_state {
	struct engine		*engine;
	enum engine_mode	 mode;
	struct fiber_rt		*rt;		/* fibers mode */
	struct pp_pair		*pairs[PP_MAX_PAIRS];
	struct pp_side		 sides[PP_MAX_PAIRS][2];
	long			 npairs;
	uint64_t		 retired;	/* handoffs of stopped pairs */
	pthread_mutex_t		 mu;		/* guards pairs for readers */
};

/* Count one handoff taken by a side. */
static inline void
pp_count(struct pp_pair *p, int me)
{
	task_counter_add(&p->recv[me], 1);
}

/* Time the handoff just taken, if it was stamped: wakeup latency. */
static inline void
pp_lat_take(struct pp_pair *p)
{
	if (p->handed_ns != 0) {
		lat_wake_record(util_now_ns() - p->handed_ns);
		p->handed_ns = 0;
	}
}

/* Stamp one handoff in LAT_SAMPLE_EVERY, just before it is made. */
static inline void
pp_lat_give(struct pp_pair *p, uint32_t *tick)
{
	if (lat_stamp_due(tick))
		p->handed_ns = util_now_ns();
}

/* Hand the token to the other thread until told to stop. */
static void *
pp_thread(void *arg)
{
	struct pp_side	*side = arg;
	struct pp_pair	*p = side->pair;
	char		 name[16];
	uint32_t	 tick = (uint32_t)side->me * (LAT_SAMPLE_EVERY / 2);

	snprintf(name, sizeof name, "pingpong-%d%c", p->index,
	    side->me ? 'b' : 'a');
	pthread_setname_np(pthread_self(), name);
	/* Register at the creator's priority, so the ramp does not wait. */
	engine_stack_register(p->st->engine);
	pthread_mutex_lock(&p->mu);
	p->ready++;
	pthread_cond_signal(&p->ready_cv);
	pthread_mutex_unlock(&p->mu);
	engine_thread_lower_priority();

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->turn != side->me && !atomic_load(&p->stop))
			pthread_cond_wait(&p->cv, &p->mu);
		if (atomic_load(&p->stop))
			break;
		pp_lat_take(p);
		pp_count(p, side->me);
		p->turn = !side->me;
		pp_lat_give(p, &tick);
		pthread_cond_signal(&p->cv);
	}
	/* The partner may be waiting for a token that will not come. */
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);

	engine_stack_unregister(p->st->engine);
	return (NULL);
}

/*
 * Hand the token over the pair's channel until it closes or the runtime
 * stops.  Side 0 sends first.
 */
static void
pp_fiber(void *arg)
{
	struct pp_side	*side = arg;
	struct pp_pair	*p = side->pair;
	int		 token = 0;
	uint32_t	 tick = (uint32_t)side->me * (LAT_SAMPLE_EVERY / 2);

	if (side->me == 0 && fiber_chan_send(p->chan, &token) != FIBER_OK)
		return;
	for (;;) {
		if (fiber_chan_recv(p->chan, &token) != FIBER_OK)
			return;
		pp_lat_take(p);
		pp_count(p, side->me);
		pp_lat_give(p, &tick);
		if (fiber_chan_send(p->chan, &token) != FIBER_OK)
			return;
	}
}

/*
 * Tell a pair to stop.  Threads: no lock; the side holding the token is
 * never waiting, sees the flag after at most one handoff, and wakes its
 * partner on the way out.  Fibers: closing the channel wakes both.
 */
static void
pp_pair_signal_stop(struct pp_pair *p)
{
	atomic_store(&p->stop, true);
	if (p->chan != NULL)
		fiber_chan_close(p->chan);
}

/* Wait for a stopped pair's tasks to end and free what it holds. */
static void
pp_pair_join(struct pp_pair *p)
{
	int	i;

	if (p->st->mode == ENGINE_FIBERS) {
		for (i = 0; i < p->started; i++)
			fiber_join(p->fiber[i]);
		if (p->chan != NULL)
			fiber_chan_destroy(p->chan);
		return;
	}
	for (i = 0; i < p->started; i++)
		engine_thread_join(p->st->engine, p->thread[i]);
	pthread_cond_destroy(&p->cv);
	pthread_cond_destroy(&p->ready_cv);
	pthread_mutex_destroy(&p->mu);
}

/* Start a pair's two threads. */
static int
pp_pair_start_threads(struct pp_state *st, struct pp_pair *p, char *err,
    size_t errlen)
{
	int	i, rc;

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_cond_init(&p->ready_cv, NULL);
	for (i = 0; i < 2; i++) {
		rc = engine_thread_create(st->engine, &p->thread[i],
		    pp_thread, &st->sides[p->index][i]);
		if (rc != 0) {
			snprintf(err, errlen, "pthread_create: %s (at %d "
			    "threads)", strerror(rc), p->index * 2 + i);
			/* A lone side may be waiting: wake it. */
			pp_pair_signal_stop(p);
			pthread_mutex_lock(&p->mu);
			pthread_cond_broadcast(&p->cv);
			pthread_mutex_unlock(&p->mu);
			pp_pair_join(p);
			return (-1);
		}
		p->started++;
	}
	/* A task counts as alive once its stack is on the registry. */
	pthread_mutex_lock(&p->mu);
	while (p->ready < 2)
		pthread_cond_wait(&p->ready_cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return (0);
}

/* Start a pair's channel and two fibers. */
static int
pp_pair_start_fibers(struct pp_state *st, struct pp_pair *p, char *err,
    size_t errlen)
{
	int	i;

	if ((p->chan = fiber_chan_create(st->rt, sizeof(int), 0)) == NULL) {
		snprintf(err, errlen, "fiber channel: %s", strerror(errno));
		return (-1);
	}
	for (i = 0; i < 2; i++) {
		if (fiber_spawn(st->rt, pp_fiber, &st->sides[p->index][i],
		    NULL, &p->fiber[i]) != 0) {
			snprintf(err, errlen, "fiber_spawn: %s (at %d "
			    "fibers)", strerror(errno), p->index * 2 + i);
			pp_pair_signal_stop(p);
			pp_pair_join(p);
			return (-1);
		}
		p->started++;
	}
	return (0);
}

/* Create one pair and its two tasks. */
static struct pp_pair *
pp_pair_start(struct pp_state *st, int index, char *err, size_t errlen)
{
	struct pp_pair	*p;
	int		 i, rc;

	if (posix_memalign((void **)&p, 64, sizeof *p) != 0) {
		snprintf(err, errlen, "pingpong: out of memory");
		return (NULL);
	}
	memset(p, 0, sizeof *p);
	p->st = st;
	p->index = index;
	for (i = 0; i < 2; i++) {
		st->sides[index][i].pair = p;
		st->sides[index][i].me = i;
	}
	if (st->mode == ENGINE_FIBERS)
		rc = pp_pair_start_fibers(st, p, err, errlen);
	else
		rc = pp_pair_start_threads(st, p, err, errlen);
	if (rc != 0) {
		free(p);
		return (NULL);
	}
	return (p);
}

/* Handoffs a pair has made. */
static uint64_t
pp_pair_handoffs(struct pp_pair *p)
{
	return (task_counter_read(&p->recv[0]) +
	    task_counter_read(&p->recv[1]));
}

/* Grow or shrink to the given number of tasks (two per pair). */
static int
pp_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct pp_state	*st = arg;
	struct pp_pair	*p;
	long		 want = tasks / 2, i;

	while (st->npairs < want) {
		p = pp_pair_start(st, (int)st->npairs, err, errlen);
		if (p == NULL)
			return (-1);
		pthread_mutex_lock(&st->mu);
		st->pairs[st->npairs++] = p;
		pthread_mutex_unlock(&st->mu);
	}
	if (st->npairs <= want)
		return (0);
	/* Stop them all first, then join: no pair waits behind another. */
	for (i = want; i < st->npairs; i++)
		pp_pair_signal_stop(st->pairs[i]);
	for (i = want; i < st->npairs; i++)
		pp_pair_join(st->pairs[i]);
	pthread_mutex_lock(&st->mu);
	for (i = want; i < st->npairs; i++) {
		p = st->pairs[i];
		st->retired += pp_pair_handoffs(p);
		st->pairs[i] = NULL;
		free(p);
	}
	st->npairs = want;
	pthread_mutex_unlock(&st->mu);
	return (0);
}

/* Start the scenario. */
static void *
pp_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct pp_state	*st;

	st = xcalloc(1, sizeof *st);
	st->engine = e;
	st->mode = sp->mode;
	st->rt = engine_fiber_rt(e);
	pthread_mutex_init(&st->mu, NULL);
	if (pp_resize(st, sp->tasks, err, errlen) != 0 && st->npairs == 0) {
		pthread_mutex_destroy(&st->mu);
		free(st);
		return (NULL);
	}
	return (st);
}

/* Sum the pairs' counters. */
static void
pp_stats(void *arg, struct engine_snapshot *s)
{
	struct pp_state	*st = arg;
	uint64_t	 sum;
	long		 i;

	pthread_mutex_lock(&st->mu);
	sum = st->retired;
	for (i = 0; i < st->npairs; i++)
		sum += pp_pair_handoffs(st->pairs[i]);
	s->tasks_alive = st->npairs * 2;
	pthread_mutex_unlock(&st->mu);
	s->handoffs = sum;
	s->work = sum;
}

/* Raise every pair's stop flag; the stop joins them. */
static void
pp_halt(void *arg)
{
	struct pp_state	*st = arg;
	long		 i;

	for (i = 0; i < st->npairs; i++)
		pp_pair_signal_stop(st->pairs[i]);
}

/* Stop every pair and free the state. */
static void
pp_stop(void *arg)
{
	struct pp_state	*st = arg;
	char		 err[ENGINE_ERRLEN];

	pp_resize(st, 0, err, sizeof err);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

const struct scenario_ops scenario_pingpong = {
	.name = "pingpong",
	.summary = "pairs hand a token back and forth",
	.caption = { {
		[ENGINE_THREADS] = "Every handoff puts one thread to sleep in "
		    "the kernel and wakes the other: watch kernel switches "
		    "per handoff stay near 1.",
		[ENGINE_FIBERS] = "Handoffs are user-space fiber switches on a "
		    "channel: kernel switches per handoff fall to about 0, "
		    "and each handoff takes nanoseconds, not microseconds.",
	} },
	.work_unit = "handoffs",
	.default_tasks = 2,
	.unit = 2,
	.max_tasks = PP_MAX_PAIRS * 2,
	.modes = (1u << ENGINE_THREADS) | (1u << ENGINE_FIBERS),
	.start = pp_start,
	.resize = pp_resize,
	.stats = pp_stats,
	.halt = pp_halt,
	.stop = pp_stop,
};

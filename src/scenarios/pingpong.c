/* SPDX-License-Identifier: ISC */
/*
 * Scenario "pingpong": pairs of tasks hand a token back and forth.
 *
 * Threads mode: two pthreads per pair, a mutex and a condition variable, so
 * every handoff puts one thread to sleep in the kernel and wakes the other.
 * Fibers mode: two fibers per pair on the engine's runtime, handing the
 * token over an unbuffered channel: each handoff is a user-space switch.
 * The sides are the tasks of one group; a pair is freed with its last side.
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

struct pp_pair;

/* One side of a pair: task 2n is side 0 of pair n, task 2n+1 side 1. */
struct pp_side {
	struct pp_pair	*pair;
	int		 me;
};

struct pp_pair {
	struct pp_state		*st;
	int			 index;
	struct task_counter	 recv[2];	/* handoffs each side took */
	/* When the token was handed over, if that handoff is timed: set by
	   the side giving it, read by the side taking it (lathist.h). */
	uint64_t		 handed_ns;
	struct pp_side		 side[2];
	int			 refs;		/* sides handed out, not reaped */

	/* Threads mode. */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 turn;		/* which side holds the token */
	atomic_bool		 stop;

	/* Fibers mode. */
	struct fiber_chan	*chan;
};

struct pp_state {
	struct task_group	 group;		/* the sides, pair by pair */
	struct pp_pair		*pairs[PP_MAX_PAIRS];
	long			 npairs;	/* slots in use, for readers */
	uint64_t		 retired;	/* handoffs of freed pairs */
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

/* lesson: pingpong threads */
/* Hand the token to the other thread until told to stop. */
static void
pp_thread(void *arg)
{
	struct pp_side	*side = arg;
	struct pp_pair	*p = side->pair;
	uint32_t	 tick = (uint32_t)side->me * (LAT_SAMPLE_EVERY / 2);

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
}
/* end lesson */

/* lesson: pingpong fibers */
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
/* end lesson */

/* Name a side's thread: pingpong-3a, pingpong-3b. */
static void
pp_name(void *arg, char *buf, size_t len)
{
	struct pp_side	*side = arg;

	snprintf(buf, len, "pingpong-%d%c", side->pair->index,
	    side->me ? 'b' : 'a');
}

/*
 * Tell a side's pair to stop.  Threads: no lock; the side holding the
 * token is never waiting, sees the flag after at most one handoff, and
 * wakes its partner on the way out.  Fibers: closing the channel wakes
 * both.
 */
static void
pp_side_stop(void *arg)
{
	struct pp_pair	*p = ((struct pp_side *)arg)->pair;

	atomic_store(&p->stop, true);
	if (p->chan != NULL)
		fiber_chan_close(p->chan);
}

/* Wake a lone side, whose partner never started: no token will come. */
static void
pp_pair_wake(void *arg)
{
	struct pp_pair	*p = arg;

	pthread_mutex_lock(&p->mu);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Make the side for task i: a new pair for side 0. */
static void *
pp_side_at(void *arg, long i, char *err, size_t errlen)
{
	struct pp_state	*st = arg;
	struct pp_pair	*p;
	int		 k;

	if (i % 2 == 1) {
		p = st->pairs[i / 2];
		p->refs++;
		return (&p->side[1]);
	}
	if (posix_memalign((void **)&p, 64, sizeof *p) != 0) {
		snprintf(err, errlen, "pingpong: out of memory");
		return (NULL);
	}
	memset(p, 0, sizeof *p);
	p->st = st;
	p->index = (int)(i / 2);
	p->refs = 1;
	for (k = 0; k < 2; k++) {
		p->side[k].pair = p;
		p->side[k].me = k;
	}
	/* Fibers hand the token over a channel, threads under a mutex. */
	if (st->group.mode == ENGINE_FIBERS &&
	    (p->chan = fiber_chan_create(st->group.rt, sizeof(int), 0)) ==
	    NULL) {
		snprintf(err, errlen, "fiber channel: %s", strerror(errno));
		free(p);
		return (NULL);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_mutex_lock(&st->mu);
	st->pairs[p->index] = p;
	if (st->npairs <= p->index)
		st->npairs = p->index + 1;
	pthread_mutex_unlock(&st->mu);
	return (&p->side[0]);
}

/* Handoffs a pair has made. */
static uint64_t
pp_pair_handoffs(struct pp_pair *p)
{
	return (task_counter_read(&p->recv[0]) +
	    task_counter_read(&p->recv[1]));
}

/* After a side's join: free its pair once both sides are gone. */
static void
pp_side_reap(void *arg)
{
	struct pp_pair	*p = ((struct pp_side *)arg)->pair;
	struct pp_state	*st = p->st;

	if (--p->refs > 0)
		return;
	pthread_mutex_lock(&st->mu);
	st->retired += pp_pair_handoffs(p);
	st->pairs[p->index] = NULL;
	while (st->npairs > 0 && st->pairs[st->npairs - 1] == NULL)
		st->npairs--;
	pthread_mutex_unlock(&st->mu);
	if (p->chan != NULL)
		fiber_chan_destroy(p->chan);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

static const struct task_body pp_body = {
	.name = "pingpong",
	.name_at = pp_name,
	.thread = pp_thread,
	.fiber = pp_fiber,
	.stop = pp_side_stop,
	.reap = pp_side_reap,
};

/* Grow or shrink to the given number of tasks (two per pair). */
static int
pp_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct pp_state	*st = arg;
	long		 alive;
	int		 rc;

	rc = task_group_resize(&st->group, tasks / 2 * 2, &pp_body,
	    pp_side_at, st, err, errlen);
	/* A refused side 1 leaves side 0 alone: stop it too. */
	if (rc != 0 && (alive = task_group_alive(&st->group)) % 2 != 0)
		task_group_shrink(&st->group, alive - 1, pp_pair_wake,
		    st->pairs[alive / 2]);
	return (rc);
}

/* Start the scenario. */
static void *
pp_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct pp_state	*st;

	st = xcalloc(1, sizeof *st);
	task_group_init(&st->group, e, sp, PP_MAX_PAIRS * 2);
	pthread_mutex_init(&st->mu, NULL);
	if (pp_resize(st, sp->tasks, err, errlen) != 0 &&
	    task_group_alive(&st->group) == 0) {
		task_group_free(&st->group);
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

	s->tasks_alive = task_group_alive(&st->group);
	pthread_mutex_lock(&st->mu);
	sum = st->retired;
	for (i = 0; i < st->npairs; i++) {
		if (st->pairs[i] != NULL)
			sum += pp_pair_handoffs(st->pairs[i]);
	}
	pthread_mutex_unlock(&st->mu);
	s->handoffs = sum;
	s->work = sum;
}

/* Raise every pair's stop flag; the stop joins them. */
static void
pp_halt(void *arg)
{
	task_group_halt(&((struct pp_state *)arg)->group);
}

/* Stop every pair and free the state. */
static void
pp_stop(void *arg)
{
	struct pp_state	*st = arg;

	task_group_shrink(&st->group, 0, NULL, NULL);
	task_group_free(&st->group);
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

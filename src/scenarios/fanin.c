/* SPDX-License-Identifier: ISC */
/*
 * Scenario "fanin": many producers send items to one consumer that sums
 * them.
 *
 * Threads mode: a bounded queue behind one mutex and two condition
 * variables; every item takes the lock twice (put, take), and producers
 * that find the queue full sleep in the kernel until the consumer makes
 * room, so kernel switches and CPU per item climb with the producers.
 * Fibers mode: a buffered fiber channel to one consumer fiber; a full
 * channel parks the producer in user space.
 * Variant b, partial sums: each producer adds FI_BATCH items up on its own
 * and sends one partial sum; the shared queue sees one message per batch,
 * and the cost per item falls by orders of magnitude.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/fiber.h"
#include "scenarios/scenario.h"
#include "scenarios/task.h"
#include "util/util.h"

#define FI_MAX_TASKS	10000
#define FI_QUEUE_CAP	64		/* messages the queue holds */
#define FI_BATCH	4096		/* items in one partial sum */
#define FI_CHECK	256		/* items between checks for stop */

/* What travels: a sum of count items (count 1 without the variant). */
struct fi_msg {
	uint64_t	sum;
	uint64_t	count;
};

struct fi_prod {
	struct fi_state		*st;
	int			 index;
	atomic_bool		 stop;
	uint64_t		 rng;
} __attribute__((aligned(64)));

struct fi_state {
	bool			 partial;	/* variant b */
	struct fi_prod		*prods;		/* FI_MAX_TASKS */
	struct task_group	 group;		/* the producers */
	struct task_group	 cgroup;	/* the consumer */

	/* Threads mode: the shared queue. */
	pthread_mutex_t		 qmu;
	pthread_cond_t		 not_empty, not_full;
	struct fi_msg		 ring[FI_QUEUE_CAP];
	int			 head, len;
	bool			 closed;

	/* Fibers mode. */
	struct fiber_chan	*chan;

	/* The consumer's counters, one writer, a cache line of their own. */
	struct {
		_Atomic uint64_t items;
		_Atomic uint64_t sum;
	} __attribute__((aligned(64)))	 got;
};

/* The next item a producer makes: a xorshift step no compiler folds. */
static inline uint64_t
fi_item(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (*x);
}

/* lesson: fanin threads,fibers b */
/* Make the next message: one item, or a partial sum of FI_BATCH. */
static inline void
fi_make(struct fi_prod *p, struct fi_msg *m)
{
	int	i;

	if (!p->st->partial) {
		m->sum = fi_item(&p->rng);
		m->count = 1;
		return;
	}
	m->sum = 0;
	for (i = 0; i < FI_BATCH; i++)
		m->sum += fi_item(&p->rng);
	m->count = FI_BATCH;
}
/* end lesson */

/* Count what the consumer took. */
static inline void
fi_count(struct fi_state *st, const struct fi_msg *m)
{
	task_count_add(&st->got.items, m->count);
	task_count_add(&st->got.sum, m->sum);
}

/* lesson: fanin threads */
/* Threads mode: put messages on the shared queue until told to stop. */
static void
fi_prod_thread(void *arg)
{
	struct fi_prod	*p = arg;
	struct fi_state	*st = p->st;
	struct fi_msg	 m;

	for (;;) {
		fi_make(p, &m);
		pthread_mutex_lock(&st->qmu);
		while (st->len == FI_QUEUE_CAP && !st->closed &&
		    !atomic_load_explicit(&p->stop, memory_order_relaxed))
			pthread_cond_wait(&st->not_full, &st->qmu);
		if (st->closed || atomic_load_explicit(&p->stop,
		    memory_order_relaxed)) {
			pthread_mutex_unlock(&st->qmu);
			break;
		}
		st->ring[(st->head + st->len) % FI_QUEUE_CAP] = m;
		if (st->len++ == 0)
			pthread_cond_signal(&st->not_empty);
		pthread_mutex_unlock(&st->qmu);
	}
}
/* end lesson */

/* lesson: fanin threads */
/* Threads mode: take messages one at a time and add them up. */
static void
fi_consumer_thread(void *arg)
{
	struct fi_state	*st = arg;
	struct fi_msg	 m;

	for (;;) {
		pthread_mutex_lock(&st->qmu);
		while (st->len == 0 && !st->closed)
			pthread_cond_wait(&st->not_empty, &st->qmu);
		if (st->closed) {
			pthread_mutex_unlock(&st->qmu);
			break;
		}
		m = st->ring[st->head];
		st->head = (st->head + 1) % FI_QUEUE_CAP;
		if (st->len-- == FI_QUEUE_CAP)
			pthread_cond_signal(&st->not_full);
		pthread_mutex_unlock(&st->qmu);
		fi_count(st, &m);
	}
}
/* end lesson */

/* lesson: fanin fibers */
/* Fibers mode: send messages on the channel until told to stop. */
static void
fi_prod_fiber(void *arg)
{
	struct fi_prod	*p = arg;
	struct fi_msg	 m;
	int		 n = 0;

	for (;;) {
		fi_make(p, &m);
		if (fiber_chan_send(p->st->chan, &m) != FIBER_OK)
			return;
		n += (int)m.count;
		if (n < FI_CHECK)
			continue;
		/* A send that finds room never parks: make a turn here. */
		n = 0;
		if (atomic_load_explicit(&p->stop, memory_order_relaxed) ||
		    fiber_yield() != FIBER_OK)
			return;
	}
}
/* end lesson */

/* lesson: fanin fibers */
/* Fibers mode: receive and add up until the channel closes. */
static void
fi_consumer_fiber(void *arg)
{
	struct fi_state	*st = arg;
	struct fi_msg	 m;

	while (fiber_chan_recv(st->chan, &m) == FIBER_OK)
		fi_count(st, &m);
}
/* end lesson */

/* Raise a producer's stop flag. */
static void
fi_prod_stop(void *arg)
{
	atomic_store(&((struct fi_prod *)arg)->stop, true);
}

/* Close the queue or the channel: the consumer ends once it is empty. */
static void
fi_consumer_stop(void *arg)
{
	struct fi_state	*st = arg;

	if (st->chan != NULL) {
		fiber_chan_close(st->chan);
		return;
	}
	pthread_mutex_lock(&st->qmu);
	st->closed = true;
	pthread_cond_broadcast(&st->not_empty);
	pthread_cond_broadcast(&st->not_full);
	pthread_mutex_unlock(&st->qmu);
}

static const struct task_body fi_prod_body = {
	.name = "producer",
	.thread = fi_prod_thread,
	.fiber = fi_prod_fiber,
	.stop = fi_prod_stop,
};

static const struct task_body fi_consumer_body = {
	.name = "consumer",
	.what = "consumer",
	.thread = fi_consumer_thread,
	.fiber = fi_consumer_fiber,
	.stop = fi_consumer_stop,
};

/* Ready producer slot i to run. */
static void *
fi_prod_at(void *arg, long i, char *err, size_t errlen)
{
	struct fi_state	*st = arg;
	struct fi_prod	*p = &st->prods[i];

	(void)err;
	(void)errlen;
	p->st = st;
	p->index = (int)i;
	p->rng = 0x9e3779b97f4a7c15u ^ ((uint64_t)i << 17) ^ (uint64_t)i;
	atomic_store(&p->stop, false);
	return (p);
}

/* The consumer's argument: the state. */
static void *
fi_consumer_at(void *arg, long i, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	(void)i;
	return (arg);
}

/* Wake the producers waiting for room, to see their stop flags. */
static void
fi_prods_kick(void *arg)
{
	struct fi_state	*st = arg;

	pthread_mutex_lock(&st->qmu);
	pthread_cond_broadcast(&st->not_full);
	pthread_mutex_unlock(&st->qmu);
}

/* Grow or shrink to exactly this many producers. */
static int
fi_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct fi_state	*st = arg;

	if (tasks < task_group_alive(&st->group)) {
		task_group_shrink(&st->group, tasks, fi_prods_kick, st);
		return (0);
	}
	return (task_group_resize(&st->group, tasks, &fi_prod_body,
	    fi_prod_at, st, err, errlen));
}

/* Stop the consumer and free the state. */
static void
fi_free(struct fi_state *st)
{
	task_group_shrink(&st->cgroup, 0, NULL, NULL);
	if (st->chan != NULL)
		fiber_chan_destroy(st->chan);
	task_group_free(&st->cgroup);
	task_group_free(&st->group);
	pthread_cond_destroy(&st->not_full);
	pthread_cond_destroy(&st->not_empty);
	pthread_mutex_destroy(&st->qmu);
	free(st->prods);
	free(st);
}

/* Start the consumer, then the producers. */
static void *
fi_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct fi_state		*st;

	st = xcalloc(1, sizeof *st);
	st->partial = sp->variant;
	if (posix_memalign((void **)&st->prods, 64, FI_MAX_TASKS *
	    sizeof *st->prods) != 0) {
		free(st);
		snprintf(err, errlen, "fanin: out of memory");
		return (NULL);
	}
	memset(st->prods, 0, FI_MAX_TASKS * sizeof *st->prods);
	task_group_init(&st->group, e, sp, FI_MAX_TASKS);
	task_group_init(&st->cgroup, e, sp, 1);
	pthread_mutex_init(&st->qmu, NULL);
	pthread_cond_init(&st->not_empty, NULL);
	pthread_cond_init(&st->not_full, NULL);
	/* Fibers talk over a channel, threads over the queue above. */
	if (sp->mode == ENGINE_FIBERS && (st->chan = fiber_chan_create(
	    engine_fiber_rt(e), sizeof(struct fi_msg), FI_QUEUE_CAP)) == NULL) {
		snprintf(err, errlen, "fiber channel: %s", strerror(errno));
		goto fail;
	}
	if (task_group_resize(&st->cgroup, 1, &fi_consumer_body,
	    fi_consumer_at, st, err, errlen) != 0)
		goto fail;
	if (fi_resize(st, sp->tasks, err, errlen) != 0 &&
	    task_group_alive(&st->group) == 0)
		goto fail;
	return (st);

fail:
	fi_free(st);
	return (NULL);
}

/* The consumer's count of items. */
static void
fi_stats(void *arg, struct engine_snapshot *s)
{
	struct fi_state	*st = arg;

	s->tasks_alive = task_group_alive(&st->group);
	s->work = task_count_read(&st->got.items);
}

/* Raise every producer's stop flag; the stop joins them. */
static void
fi_halt(void *arg)
{
	task_group_halt(&((struct fi_state *)arg)->group);
}

/* Stop the producers, then the consumer. */
static void
fi_stop(void *arg)
{
	struct fi_state	*st = arg;

	task_group_shrink(&st->group, 0, fi_prods_kick, st);
	fi_free(st);
}

const struct scenario_ops scenario_fanin = {
	.name = "fanin",
	.summary = "producers send items to one consumer; b: partial sums",
	.variant = "per-producer partial sums",
	.caption = { {
		[ENGINE_THREADS] = "Every item takes a shared lock and may "
		    "wake a sleeper: watch the CPU and kernel switches per "
		    "item, then press b.",
		[ENGINE_FIBERS] = "Items go over one fiber channel: no kernel "
		    "switches, but every item still costs a channel "
		    "operation and often a fiber switch.",
	}, {
		[ENGINE_THREADS] = "Each producer sums 4096 items alone and "
		    "sends one message: ns per item falls by orders of "
		    "magnitude, items/s soars.",
		[ENGINE_FIBERS] = "Partial sums over the channel: one message "
		    "per 4096 items, so the channel's cost per item all but "
		    "vanishes.",
	} },
	.work_unit = "items",
	.default_tasks = 16,
	.unit = 1,
	.max_tasks = FI_MAX_TASKS,
	.modes = (1u << ENGINE_THREADS) | (1u << ENGINE_FIBERS),
	.start = fi_start,
	.resize = fi_resize,
	.stats = fi_stats,
	.halt = fi_halt,
	.stop = fi_stop,
};

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
	pthread_t		 thread;
	struct fiber		*fiber;
} __attribute__((aligned(64)));

struct fi_state {
	struct engine		*engine;
	enum engine_mode	 mode;
	bool			 partial;	/* variant b */
	struct fiber_rt		*rt;
	size_t			 stack;		/* fibers */
	struct fi_prod		*prods;		/* FI_MAX_TASKS */

	pthread_mutex_t		 mu;		/* guards nprods for stats */
	long			 nprods;
	struct engine_ready	 ready;	/* threads on the registry */

	/* Threads mode: the shared queue. */
	pthread_mutex_t		 qmu;
	pthread_cond_t		 not_empty, not_full;
	struct fi_msg		 ring[FI_QUEUE_CAP];
	int			 head, len;
	bool			 closed;
	pthread_t		 consumer;
	bool			 consumer_started;

	/* Fibers mode. */
	struct fiber_chan	*chan;
	struct fiber		*consumer_fiber;

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

/* Count what the consumer took. */
static inline void
fi_count(struct fi_state *st, const struct fi_msg *m)
{
	atomic_store_explicit(&st->got.items, atomic_load_explicit(
	    &st->got.items, memory_order_relaxed) + m->count,
	    memory_order_relaxed);
	atomic_store_explicit(&st->got.sum, atomic_load_explicit(
	    &st->got.sum, memory_order_relaxed) + m->sum, memory_order_relaxed);
}

/* Threads mode: put messages on the shared queue until told to stop. */
static void *
fi_prod_thread(void *arg)
{
	struct fi_prod	*p = arg;
	struct fi_state	*st = p->st;
	struct fi_msg	 m;
	char		 name[16];

	snprintf(name, sizeof name, "producer-%d", p->index);
	pthread_setname_np(pthread_self(), name);
	engine_ready_thread(st->engine, &st->mu, &st->ready);
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
	engine_stack_unregister(st->engine);
	return (NULL);
}

/* Threads mode: take messages one at a time and add them up. */
static void *
fi_consumer_thread(void *arg)
{
	struct fi_state	*st = arg;
	struct fi_msg	 m;

	pthread_setname_np(pthread_self(), "consumer");
	engine_ready_thread(st->engine, &st->mu, &st->ready);
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
	engine_stack_unregister(st->engine);
	return (NULL);
}

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

/* Fibers mode: receive and add up until the channel closes. */
static void
fi_consumer_fiber(void *arg)
{
	struct fi_state	*st = arg;
	struct fi_msg	 m;

	while (fiber_chan_recv(st->chan, &m) == FIBER_OK)
		fi_count(st, &m);
}

/* Start producer i. */
static int
fi_prod_start(struct fi_state *st, long i, char *err, size_t errlen)
{
	struct fi_prod		*p = &st->prods[i];

	p->st = st;
	p->index = (int)i;
	p->rng = 0x9e3779b97f4a7c15u ^ ((uint64_t)i << 17) ^ (uint64_t)i;
	atomic_store(&p->stop, false);
	return (engine_task_spawn(st->engine, st->mode, fi_prod_fiber,
	    fi_prod_thread, p, st->stack, i, &p->fiber, &p->thread, err,
	    errlen));
}

/* Stop and join the producers from want up. */
static void
fi_prods_stop(struct fi_state *st, long want)
{
	long	i;

	if (want >= st->nprods)
		return;
	for (i = want; i < st->nprods; i++) {
		atomic_store(&st->prods[i].stop, true);
		if (st->mode == ENGINE_THREADS)
			engine_thread_hurry(st->prods[i].thread);
	}
	if (st->mode == ENGINE_THREADS) {
		pthread_mutex_lock(&st->qmu);
		pthread_cond_broadcast(&st->not_full);
		pthread_mutex_unlock(&st->qmu);
	}
	for (i = want; i < st->nprods; i++) {
		if (st->mode == ENGINE_FIBERS)
			fiber_join(st->prods[i].fiber);
		else
			engine_thread_join(st->engine,
			    st->prods[i].thread);
	}
	pthread_mutex_lock(&st->mu);
	if (st->mode == ENGINE_THREADS)
		st->ready.n -= st->nprods - want;
	st->nprods = want;
	pthread_mutex_unlock(&st->mu);
}

/* Grow or shrink to exactly this many producers. */
static int
fi_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct fi_state	*st = arg;
	long		 i;
	int		 rc = 0;

	if (tasks > FI_MAX_TASKS)
		tasks = FI_MAX_TASKS;
	if (tasks <= st->nprods) {
		fi_prods_stop(st, tasks);
		return (0);
	}
	for (i = st->nprods; i < tasks; i++) {
		if ((rc = fi_prod_start(st, i, err, errlen)) != 0)
			break;
	}
	/* The consumer is one of the registered threads. */
	if (st->mode == ENGINE_THREADS)
		engine_ready_wait(&st->mu, &st->ready, i + 1);
	pthread_mutex_lock(&st->mu);
	st->nprods = i;
	pthread_mutex_unlock(&st->mu);
	return (rc);
}

/* Stop the consumer and free the state. */
static void
fi_free(struct fi_state *st)
{
	if (st->mode == ENGINE_THREADS && st->consumer_started) {
		engine_thread_hurry(st->consumer);
		pthread_mutex_lock(&st->qmu);
		st->closed = true;
		pthread_cond_broadcast(&st->not_empty);
		pthread_cond_broadcast(&st->not_full);
		pthread_mutex_unlock(&st->qmu);
		engine_thread_join(st->engine, st->consumer);
	}
	if (st->chan != NULL) {
		fiber_chan_close(st->chan);
		if (st->consumer_fiber != NULL)
			fiber_join(st->consumer_fiber);
		fiber_chan_destroy(st->chan);
	}
	pthread_cond_destroy(&st->not_full);
	pthread_cond_destroy(&st->not_empty);
	pthread_mutex_destroy(&st->qmu);
	pthread_cond_destroy(&st->ready.cv);
	pthread_mutex_destroy(&st->mu);
	free(st->prods);
	free(st);
}

/* Start the consumer, then the producers. */
static void *
fi_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct fiber_attr	 fa = { .stack_size = sp->stack };
	struct fi_state		*st;
	int			 rc;

	st = xcalloc(1, sizeof *st);
	st->engine = e;
	st->mode = sp->mode;
	st->partial = sp->variant;
	st->rt = engine_fiber_rt(e);
	st->stack = sp->mode == ENGINE_FIBERS ? sp->stack : 0;
	if (posix_memalign((void **)&st->prods, 64, FI_MAX_TASKS *
	    sizeof *st->prods) != 0) {
		free(st);
		snprintf(err, errlen, "fanin: out of memory");
		return (NULL);
	}
	memset(st->prods, 0, FI_MAX_TASKS * sizeof *st->prods);
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->ready.cv, NULL);
	pthread_mutex_init(&st->qmu, NULL);
	pthread_cond_init(&st->not_empty, NULL);
	pthread_cond_init(&st->not_full, NULL);
	if (st->mode == ENGINE_FIBERS) {
		st->chan = fiber_chan_create(st->rt, sizeof(struct fi_msg),
		    FI_QUEUE_CAP);
		if (st->chan == NULL) {
			snprintf(err, errlen, "fiber channel: %s",
			    strerror(errno));
			goto fail;
		}
		if (fiber_spawn(st->rt, fi_consumer_fiber, st, &fa,
		    &st->consumer_fiber) != 0) {
			snprintf(err, errlen, "fiber_spawn: %s (consumer)",
			    strerror(errno));
			st->consumer_fiber = NULL;
			goto fail;
		}
	} else {
		rc = engine_thread_create(e, &st->consumer, fi_consumer_thread,
		    st);
		if (rc != 0) {
			snprintf(err, errlen, "pthread_create: %s (consumer)",
			    strerror(rc));
			goto fail;
		}
		st->consumer_started = true;
	}
	if (fi_resize(st, sp->tasks, err, errlen) != 0 && st->nprods == 0)
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

	pthread_mutex_lock(&st->mu);
	s->tasks_alive = st->nprods;
	pthread_mutex_unlock(&st->mu);
	s->work = atomic_load_explicit(&st->got.items, memory_order_relaxed);
}

/* Raise every producer's stop flag; the stop joins them. */
static void
fi_halt(void *arg)
{
	struct fi_state	*st = arg;
	long		 i;

	for (i = 0; i < st->nprods; i++)
		atomic_store(&st->prods[i].stop, true);
}

/* Stop the producers, then the consumer. */
static void
fi_stop(void *arg)
{
	struct fi_state	*st = arg;

	fi_prods_stop(st, 0);
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

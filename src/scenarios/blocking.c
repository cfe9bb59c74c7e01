/* SPDX-License-Identifier: ISC */
/*
 * Scenario "blocking": tasks make system calls that block for 100 to 200 ms,
 * one after another, while two tickers try to run every 10 ms.
 *
 * The blocking call is nanosleep(2), standing for any call that keeps its
 * thread in the kernel for a while (a disk read, a DNS lookup, a call into
 * a C library that waits).  Threads mode: each task is a thread and ties up
 * one OS thread per call in flight, but nothing else waits for it.  Fibers
 * mode: each task is a fiber that calls fiber_block_sleep, which does not
 * park the fiber: its worker thread is stuck in the kernel with it, and the
 * fibers queued on that worker stall.  With P calls in flight no worker is
 * left, and the tickers wait behind the calls: a call's length or more.
 *
 * The tickers measure that: each arms a one-shot timerfd for 10 ms, waits
 * for it (a blocking read in threads mode, fiber_read on the poller in
 * fibers mode, so any free worker can run the ticker) and adds how late it
 * woke to latency_ns and to the wakeup latency histogram (lathist.h).
 *
 * The b variant limits the calls in flight to P - 1 (at least 1) with a
 * semaphore: threads wait on a condition variable; fibers ask a gatekeeper
 * fiber over a channel and park meanwhile, so at least one worker keeps
 * running the tickers when P is 2 or more.
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
#include <sys/timerfd.h>

#include "runtime/fiber.h"
#include "scenarios/scenario.h"
#include "scenarios/task.h"
#include "util/lathist.h"
#include "util/util.h"

#define BL_MAX_TASKS	10000
#define BL_TICKERS	2
#define BL_TICK_NS	10000000ULL	/* a ticker's period */
#define BL_CALL_MS	100		/* a call blocks 100 ms ... */
#define BL_CALL_SPREAD	101		/* ... to 200 ms */
#define BL_PAUSE_NS	1000000		/* between two calls */
#define BL_FIBER_STACK	4096		/* fiber_block_sleep, fiber_read */
#define BL_GATE_POLL_NS	50000000	/* the gatekeeper rereads the limit */

struct bl_task {
	struct bl_state		*st;
	int			 index;
	uint32_t		 rng;
	atomic_bool		 stop;
	struct task_counter	 calls;
	struct fiber_chan	*quit;		/* closed: stop waiting */
};

struct bl_ticker {
	struct bl_state		*st;
	int			 index;
	int			 tfd;
	struct task_counter	 ticks;
	struct task_counter	 late_ns;
	pthread_t		 thread;
	struct fiber		*fiber;
	bool			 started;
};

struct bl_state {
	struct engine		*engine;
	enum engine_mode	 mode;
	struct fiber_rt		*rt;
	bool			 variant;
	size_t			 fiber_stack;
	atomic_int		 limit;		/* calls in flight, b variant */
	_Atomic uint64_t	 blocked;	/* tasks inside the call now */

	struct task_group	 group;		/* the tasks */
	pthread_mutex_t		 mu;		/* tasks, retired */
	struct bl_task		*tasks[BL_MAX_TASKS];
	uint64_t		 retired;	/* calls of ended tasks */

	/* The semaphore, threads mode. */
	pthread_mutex_t		 sem_mu;
	pthread_cond_t		 sem_cv;
	int			 in_flight;

	/* The semaphore, fibers mode: a gatekeeper fiber. */
	struct fiber_chan	*acquire;
	struct fiber_chan	*release;
	struct fiber		*gate;

	struct bl_ticker	 tickers[BL_TICKERS];
	atomic_bool		 tickers_stop;
};

/* How long the next call blocks: 100 to 200 ms, different per task. */
static uint64_t
bl_call_ns(struct bl_task *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 17;
	t->rng ^= t->rng << 5;
	return ((BL_CALL_MS + t->rng % BL_CALL_SPREAD) * 1000000ULL);
}

/* The limit of the b variant for P workers. */
static int
bl_limit(int workers)
{
	return (workers > 1 ? workers - 1 : 1);
}

/* lesson: blocking threads b */
/* Take a slot of the threads' semaphore; false if told to stop. */
static bool
bl_sem_acquire(struct bl_task *t)
{
	struct bl_state	*st = t->st;
	bool		 ok;

	pthread_mutex_lock(&st->sem_mu);
	while (st->in_flight >= atomic_load(&st->limit) &&
	    !atomic_load(&t->stop))
		pthread_cond_wait(&st->sem_cv, &st->sem_mu);
	if ((ok = !atomic_load(&t->stop)))
		st->in_flight++;
	pthread_mutex_unlock(&st->sem_mu);
	return (ok);
}
/* end lesson */

/* lesson: blocking threads b */
/* Give a slot back. */
static void
bl_sem_release(struct bl_state *st)
{
	pthread_mutex_lock(&st->sem_mu);
	st->in_flight--;
	pthread_cond_signal(&st->sem_cv);
	pthread_mutex_unlock(&st->sem_mu);
}
/* end lesson */

/* lesson: blocking threads */
/* Make blocking calls, one after another, until told to stop. */
static void
bl_thread(void *arg)
{
	struct bl_task	*t = arg;
	struct bl_state	*st = t->st;
	struct timespec	 ts;
	uint64_t	 ns;

	while (!atomic_load(&t->stop)) {
		if (st->variant && !bl_sem_acquire(t))
			break;
		ns = bl_call_ns(t);
		ts.tv_sec = (time_t)(ns / 1000000000);
		ts.tv_nsec = (long)(ns % 1000000000);
		atomic_fetch_add(&st->blocked, 1);
		nanosleep(&ts, NULL);
		atomic_fetch_sub(&st->blocked, 1);
		task_counter_add(&t->calls, 1);
		if (st->variant)
			bl_sem_release(st);
		ts.tv_sec = 0;
		ts.tv_nsec = BL_PAUSE_NS;
		nanosleep(&ts, NULL);
	}
}
/* end lesson */

/* lesson: blocking fibers b */
/* Take a slot from the gatekeeper; false if told to stop. */
static bool
bl_gate_acquire(struct bl_task *t)
{
	struct fiber_select_case	cs[2];
	int				one = 1, dummy;

	memset(cs, 0, sizeof cs);
	cs[0].chan = t->st->acquire;
	cs[0].op = FIBER_SEND;
	cs[0].elem = &one;
	cs[1].chan = t->quit;
	cs[1].op = FIBER_RECV;
	cs[1].elem = &dummy;
	return (fiber_select(cs, 2, -1) == 0 && cs[0].result == FIBER_OK);
}
/* end lesson */

/* lesson: blocking fibers */
/* Make blocking calls that pin the worker, yielding in between. */
static void
bl_fiber(void *arg)
{
	struct bl_task	*t = arg;
	struct bl_state	*st = t->st;
	int		 one = 1, r;

	while (!atomic_load(&t->stop)) {
		if (st->variant && !bl_gate_acquire(t))
			return;
		atomic_fetch_add(&st->blocked, 1);
		r = fiber_block_sleep(bl_call_ns(t));
		atomic_fetch_sub(&st->blocked, 1);
		if (r == FIBER_STOPPED)
			return;
		task_counter_add(&t->calls, 1);
		if (st->variant && fiber_chan_send(st->release, &one) !=
		    FIBER_OK)
			return;
		/* A moment's pause before the next call, parked. */
		if (fiber_sleep(BL_PAUSE_NS) != FIBER_OK)
			return;
	}
}
/* end lesson */

/* lesson: blocking fibers b */
/*
 * The semaphore of fibers mode: grant acquires while fewer than the limit
 * are out, take releases always.  The timeout rereads a raised limit.
 */
static void
bl_gate(void *arg)
{
	struct bl_state			*st = arg;
	struct fiber_select_case	 cs[2];
	int				 out = 0, n, r, v;

	for (;;) {
		memset(cs, 0, sizeof cs);
		cs[0].chan = st->release;
		cs[0].op = FIBER_RECV;
		cs[0].elem = &v;
		n = 1;
		if (out < atomic_load(&st->limit)) {
			cs[1].chan = st->acquire;
			cs[1].op = FIBER_RECV;
			cs[1].elem = &v;
			n = 2;
		}
		r = fiber_select(cs, n, BL_GATE_POLL_NS);
		if (r == FIBER_STOPPED)
			return;
		if (r == FIBER_TIMEOUT)
			continue;
		if (cs[r].result != FIBER_OK)
			return;		/* closed: the scenario stops */
		out += r == 0 ? -1 : 1;
	}
}
/* end lesson */

/* Wait 10 ms on a timerfd, again and again, and record how late it woke. */
static void
bl_tick(struct bl_ticker *k, uint64_t armed)
{
	uint64_t	now = util_now_ns(), due = armed + BL_TICK_NS;

	task_counter_add(&k->late_ns, now > due ? now - due : 0);
	/* The timer made it ready at due: every tick is a wakeup timed. */
	lat_wake_record(now > due ? now - due : 0);
	task_counter_add(&k->ticks, 1);
}

/* Arm a ticker's timerfd for one period. */
static int
bl_tick_arm(struct bl_ticker *k)
{
	struct itimerspec	its;

	memset(&its, 0, sizeof its);
	its.it_value.tv_nsec = (long)BL_TICK_NS;
	return (timerfd_settime(k->tfd, 0, &its, NULL));
}

/* A ticker thread: a blocking read on its timer. */
static void *
bl_ticker_thread(void *arg)
{
	struct bl_ticker	*k = arg;
	uint64_t		 armed, exp;
	char			 name[16];

	snprintf(name, sizeof name, "ticker-%d", k->index);
	pthread_setname_np(pthread_self(), name);
	engine_stack_register(k->st->engine);
	/* It sleeps 10 ms at a time and runs for microseconds: it keeps the
	   priority the runtime's workers have, so both modes compare. */
	while (!atomic_load(&k->st->tickers_stop)) {
		armed = util_now_ns();
		if (bl_tick_arm(k) != 0 ||
		    read(k->tfd, &exp, sizeof exp) != sizeof exp)
			break;
		bl_tick(k, armed);
	}
	engine_stack_unregister(k->st->engine);
	return (NULL);
}

/* A ticker fiber: parks on the poller until its timer fires. */
static void
bl_ticker_fiber(void *arg)
{
	struct bl_ticker	*k = arg;
	uint64_t		 armed, exp;

	while (!atomic_load(&k->st->tickers_stop)) {
		armed = util_now_ns();
		if (bl_tick_arm(k) != 0 ||
		    fiber_read(k->tfd, &exp, sizeof exp) != sizeof exp)
			return;
		bl_tick(k, armed);
	}
}

/* Start the tickers (and the gatekeeper in fibers mode). */
static int
bl_helpers_start(struct bl_state *st, char *err, size_t errlen)
{
	struct fiber_attr	 attr;
	struct bl_ticker	*k;
	int			 i, rc, flags;

	memset(&attr, 0, sizeof attr);
	attr.stack_size = st->fiber_stack;
	if (st->mode == ENGINE_FIBERS) {
		st->acquire = fiber_chan_create(st->rt, sizeof(int), 0);
		st->release = fiber_chan_create(st->rt, sizeof(int), 0);
		if (st->acquire == NULL || st->release == NULL) {
			snprintf(err, errlen, "fiber channel: %s",
			    strerror(errno));
			return (-1);
		}
		if (fiber_spawn(st->rt, bl_gate, st, &attr, &st->gate) != 0) {
			snprintf(err, errlen, "fiber_spawn: %s",
			    strerror(errno));
			return (-1);
		}
	}
	flags = TFD_CLOEXEC | (st->mode == ENGINE_FIBERS ? TFD_NONBLOCK : 0);
	for (i = 0; i < BL_TICKERS; i++) {
		k = &st->tickers[i];
		k->st = st;
		k->index = i;
		if ((k->tfd = timerfd_create(CLOCK_MONOTONIC, flags)) < 0) {
			snprintf(err, errlen, "timerfd: %s", strerror(errno));
			return (-1);
		}
		if (st->mode == ENGINE_FIBERS) {
			if (fiber_spawn(st->rt, bl_ticker_fiber, k, &attr,
			    &k->fiber) != 0) {
				snprintf(err, errlen, "fiber_spawn: %s",
				    strerror(errno));
				return (-1);
			}
		} else if ((rc = engine_thread_create(st->engine, &k->thread,
		    bl_ticker_thread, k)) != 0) {
			snprintf(err, errlen, "pthread_create: %s",
			    strerror(rc));
			return (-1);
		}
		k->started = true;
	}
	return (0);
}

/* Stop the tickers and the gatekeeper; free what they hold. */
static void
bl_helpers_stop(struct bl_state *st)
{
	struct bl_ticker	*k;
	int			 i;

	atomic_store(&st->tickers_stop, true);
	for (i = 0; i < BL_TICKERS; i++) {
		k = &st->tickers[i];
		if (k->started) {
			/* A ticker wakes every 10 ms and sees the flag. */
			if (st->mode == ENGINE_FIBERS)
				fiber_join(k->fiber);
			else
				engine_thread_join(st->engine, k->thread);
		}
		if (k->tfd >= 0)
			close(k->tfd);
	}
	if (st->gate != NULL) {
		fiber_chan_close(st->acquire);
		fiber_chan_close(st->release);
		fiber_join(st->gate);
	}
	if (st->acquire != NULL)
		fiber_chan_destroy(st->acquire);
	if (st->release != NULL)
		fiber_chan_destroy(st->release);
}

/* Tell a task to stop and wake it if it waits for a slot. */
static void
bl_task_stop(void *arg)
{
	struct bl_task	*t = arg;
	struct bl_state	*st = t->st;

	atomic_store(&t->stop, true);
	if (t->quit != NULL)
		fiber_chan_close(t->quit);
	if (st->variant) {
		pthread_mutex_lock(&st->sem_mu);
		pthread_cond_broadcast(&st->sem_cv);
		pthread_mutex_unlock(&st->sem_mu);
	}
}

/* A task has ended: keep its calls in retired and free it. */
static void
bl_task_reap(void *arg)
{
	struct bl_task	*t = arg;
	struct bl_state	*st = t->st;

	pthread_mutex_lock(&st->mu);
	st->retired += task_counter_read(&t->calls);
	st->tasks[t->index] = NULL;
	pthread_mutex_unlock(&st->mu);
	if (t->quit != NULL)
		fiber_chan_destroy(t->quit);
	free(t);
}

static const struct task_body bl_task_body = {
	.name = "blocking",
	.thread = bl_thread,
	.fiber = bl_fiber,
	.stop = bl_task_stop,
	.reap = bl_task_reap,
};

/* Make task i, with a channel to wake it in fibers mode. */
static void *
bl_task_at(void *arg, long i, char *err, size_t errlen)
{
	struct bl_state	*st = arg;
	struct bl_task	*t;

	if (posix_memalign((void **)&t, 64, sizeof *t) != 0) {
		snprintf(err, errlen, "blocking: out of memory");
		return (NULL);
	}
	memset(t, 0, sizeof *t);
	t->st = st;
	t->index = (int)i;
	t->rng = 2654435761u * (uint32_t)(i + 1);
	if (st->rt != NULL && (t->quit = fiber_chan_create(st->rt,
	    sizeof(int), 0)) == NULL) {
		snprintf(err, errlen, "fiber channel: %s", strerror(errno));
		free(t);
		return (NULL);
	}
	pthread_mutex_lock(&st->mu);
	st->tasks[i] = t;
	pthread_mutex_unlock(&st->mu);
	return (t);
}

/* Grow or shrink to the given number of tasks. */
static int
bl_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct bl_state	*st = arg;

	/* A shrink stops them all first: each ends its call, in parallel. */
	return (task_group_resize(&st->group, tasks, &bl_task_body,
	    bl_task_at, st, err, errlen));
}

/* Free the state. */
static void
bl_free(struct bl_state *st)
{
	pthread_cond_destroy(&st->sem_cv);
	pthread_mutex_destroy(&st->sem_mu);
	task_group_free(&st->group);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

/* Start the tickers and the first tasks. */
static void *
bl_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct bl_state	*st;
	int		 i;

	st = xcalloc(1, sizeof *st);
	st->engine = e;
	st->mode = sp->mode;
	st->rt = engine_fiber_rt(e);
	st->variant = sp->variant;
	st->fiber_stack = sp->stack < BL_FIBER_STACK ? BL_FIBER_STACK :
	    sp->stack;
	atomic_store(&st->limit, bl_limit(sp->workers));
	for (i = 0; i < BL_TICKERS; i++)
		st->tickers[i].tfd = -1;
	task_group_init(&st->group, e, sp, BL_MAX_TASKS);
	st->group.stack = st->fiber_stack;
	pthread_mutex_init(&st->mu, NULL);
	pthread_mutex_init(&st->sem_mu, NULL);
	pthread_cond_init(&st->sem_cv, NULL);
	if (bl_helpers_start(st, err, errlen) != 0 ||
	    (bl_resize(st, sp->tasks, err, errlen) != 0 &&
	    task_group_alive(&st->group) == 0)) {
		bl_resize(st, 0, err, errlen);
		bl_helpers_stop(st);
		bl_free(st);
		return (NULL);
	}
	return (st);
}

/* P changed: the b variant's limit follows it. */
static void
bl_set_workers(void *arg, int workers)
{
	struct bl_state	*st = arg;

	pthread_mutex_lock(&st->sem_mu);
	atomic_store(&st->limit, bl_limit(workers));
	pthread_cond_broadcast(&st->sem_cv);
	pthread_mutex_unlock(&st->sem_mu);
}

/* Calls made, calls in flight, ticker lateness. */
static void
bl_stats(void *arg, struct engine_snapshot *s)
{
	struct bl_state	*st = arg;
	uint64_t	 sum;
	long		 i, alive, slots;
	int		 k;

	task_group_counts(&st->group, &alive, &slots);
	pthread_mutex_lock(&st->mu);
	sum = st->retired;
	for (i = 0; i < slots; i++) {
		/* An ended task's calls are in retired, its slot empty. */
		if (st->tasks[i] != NULL)
			sum += task_counter_read(&st->tasks[i]->calls);
	}
	pthread_mutex_unlock(&st->mu);
	s->tasks_alive = task_group_running(&st->group);
	s->work = sum;
	s->blocked = atomic_load_explicit(&st->blocked, memory_order_relaxed);
	for (k = 0; k < BL_TICKERS; k++) {
		s->latency_ns += task_counter_read(&st->tickers[k].late_ns);
		s->latency_count += task_counter_read(&st->tickers[k].ticks);
	}
}

/* Stop every task, then the tickers. */
static void
bl_stop(void *arg)
{
	struct bl_state	*st = arg;
	char		 err[ENGINE_ERRLEN];

	bl_resize(st, 0, err, sizeof err);
	bl_helpers_stop(st);
	bl_free(st);
}

const struct scenario_ops scenario_blocking = {
	.name = "blocking",
	.summary = "tasks make blocking system calls beside two tickers",
	.variant = "limit calls in flight to P-1",
	.caption = { {
		[ENGINE_THREADS] = "Each call in flight ties up an OS thread "
		    "(tasks in syscall), but the kernel still runs the 10 ms "
		    "tickers: late by well under a call while a CPU is free.",
		[ENGINE_FIBERS] = "Each call pins its worker in the kernel: "
		    "with all P workers blocked the tickers wait behind the "
		    "calls, 100-200 ms late or more: more tasks, later.",
	}, {
		[ENGINE_THREADS] = "At most P-1 calls in flight: fewer threads "
		    "blocked and fewer calls/s; the tickers were on time "
		    "anyway.",
		[ENGINE_FIBERS] = "A semaphore keeps calls in flight to P-1: "
		    "with P of 2 or more a worker stays free for the tickers, "
		    "so they are on time again, at the price of calls/s.",
	} },
	.work_unit = "calls",
	.default_tasks = 8,
	.unit = 1,
	.max_tasks = BL_MAX_TASKS,
	.modes = (1u << ENGINE_THREADS) | (1u << ENGINE_FIBERS),
	.start = bl_start,
	.resize = bl_resize,
	.set_workers = bl_set_workers,
	.stats = bl_stats,
	.stop = bl_stop,
	.threads_use_workers = true,
};

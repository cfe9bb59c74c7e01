/* SPDX-License-Identifier: ISC */
/*
 * Scenario "cpu-flood": N tasks that only compute, all wanting a CPU.
 *
 * Each task runs jobs of about 100 us of arithmetic (a "chunk"), one after
 * the other.  A job is ready as soon as the one before it ends; its wait is
 * the time from ready to done minus the CPU time it used: how long it sat
 * waiting for a CPU, in the kernel's run queue or in ours.
 *
 * Threads mode: one SCHED_IDLE pthread per task, so N threads are runnable
 * at once and the kernel time-slices them (involuntary switches).
 * Variant b, a bounded pool: P threads take the tasks' jobs from one queue,
 * round robin, a chunk at a time; only P threads are runnable and the wait
 * moves into the queue.  Fibers mode: N fibers on the runtime's P workers,
 * yielding after every chunk; b runs P fibers over the same job queue.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/fiber.h"
#include "scenarios/scenario.h"
#include "scenarios/task.h"
#include "util/util.h"

#define CF_MAX_TASKS	10000
#define CF_CHUNK_NS	100000		/* CPU time of one chunk */
#define CF_IDLE_NS	1000000		/* fibers pool: nap on an empty queue */

enum cf_where {
	CF_OUT,				/* not in the queue, not running */
	CF_QUEUED,
	CF_RUNNING,
};

/* One task: its counters on a cache line of their own. */
struct cf_task {
	_Atomic uint64_t	 chunks;
	_Atomic uint64_t	 wait_ns;	/* sum of the chunks' waits */
	atomic_bool		 stop;
	int			 index;
	struct cf_state		*st;
	/* Pool: guarded by the state's qmu. */
	enum cf_where		 where;
	uint64_t		 ready;		/* when it was queued */
} __attribute__((aligned(64)));

/* A worker of the bounded pool (variant b). */
struct cf_worker {
	struct cf_state		*st;
	int			 index;
	atomic_bool		 stop;
};

struct cf_state {
	bool			 pool;		/* variant b */
	struct cf_task		*tasks;		/* CF_MAX_TASKS slots */
	struct task_group	 group;		/* the tasks, unless pooled */

	/* The pool: the tasks it serves, as stats reads them. */
	pthread_mutex_t		 mu;		/* guards ntasks, nslots */
	long			 ntasks;
	long			 nslots;	/* slots ever used */

	/* The pool: a ring of task indices and its workers. */
	pthread_mutex_t		 qmu;
	pthread_cond_t		 qcv;		/* the queue is not empty */
	int			*ring;
	long			 head, len;
	long			 qtasks;	/* tasks the pool serves */
	int			 idle;		/* workers waiting on qcv */
	struct cf_worker	 workers[CSW_WORKERS_MAX];
	struct task_group	 wgroup;	/* the pool's workers */
};

static long	cf_iters;		/* loop turns in one chunk */
static pthread_once_t cf_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t cf_sink;

/* Nanoseconds of a clock. */
static uint64_t
cf_clock(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* The arithmetic of a chunk: a chain of multiplies no compiler folds. */
static uint64_t
cf_spin(uint64_t x, long n)
{
	long	i;

	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		x ^= x >> 29;
	}
	return (x);
}

/* Measure how many turns of cf_spin make CF_CHUNK_NS of CPU time. */
static void
cf_calibrate(void)
{
	uint64_t	t0, dt, best = UINT64_MAX;
	long		n = 20000;
	int		i;

	for (i = 0; i < 5; i++) {
		t0 = cf_clock(CLOCK_THREAD_CPUTIME_ID);
		atomic_fetch_add_explicit(&cf_sink, cf_spin(t0, n),
		    memory_order_relaxed);
		dt = cf_clock(CLOCK_THREAD_CPUTIME_ID) - t0;
		if (dt > 0 && dt < best)
			best = dt;
	}
	if (best == UINT64_MAX)
		best = 20000;
	cf_iters = (long)((double)n * CF_CHUNK_NS / (double)best);
	if (cf_iters < 1000)
		cf_iters = 1000;
	if (cf_iters > 10000000)
		cf_iters = 10000000;
}

/*
 * Run one chunk for a task that became ready at *ready; count it with its
 * wait and set *ready to when it ended (the next chunk is ready then).
 */
static void
cf_chunk(struct cf_task *t, uint64_t *ready)
{
	uint64_t	c0, c1, done, wall, wait;

	c0 = cf_clock(CLOCK_THREAD_CPUTIME_ID);
	atomic_store_explicit(&cf_sink, cf_spin(c0, cf_iters),
	    memory_order_relaxed);
	c1 = cf_clock(CLOCK_THREAD_CPUTIME_ID);
	done = cf_clock(CLOCK_MONOTONIC);
	wall = done > *ready ? done - *ready : 0;
	wait = wall > c1 - c0 ? wall - (c1 - c0) : 0;
	*ready = done;
	/* One writer at a time (the pool hands a task over under qmu). */
	task_count_add(&t->wait_ns, wait);
	task_count_add(&t->chunks, 1);
}

/* lesson: cpu-flood threads a */
/* Threads mode: compute chunk after chunk until told to stop. */
static void
cf_task_thread(void *arg)
{
	struct cf_task	*t = arg;
	uint64_t	 ready = cf_clock(CLOCK_MONOTONIC);

	while (!atomic_load_explicit(&t->stop, memory_order_relaxed))
		cf_chunk(t, &ready);
}
/* end lesson */

/* lesson: cpu-flood fibers a */
/* Fibers mode: compute a chunk, then let the other fibers have a turn. */
static void
cf_task_fiber(void *arg)
{
	struct cf_task	*t = arg;
	uint64_t	 ready = cf_clock(CLOCK_MONOTONIC);

	while (!atomic_load_explicit(&t->stop, memory_order_relaxed)) {
		cf_chunk(t, &ready);
		if (fiber_yield() != FIBER_OK)
			return;
	}
}
/* end lesson */

/* Queue a task at the tail (qmu held). */
static void
cf_push(struct cf_state *st, struct cf_task *t, uint64_t ready)
{
	st->ring[(st->head + st->len) % CF_MAX_TASKS] = t->index;
	st->len++;
	t->where = CF_QUEUED;
	t->ready = ready;
	if (st->idle > 0)
		pthread_cond_signal(&st->qcv);
}

/* Take the task at the head (qmu held, len > 0). */
static struct cf_task *
cf_pop(struct cf_state *st)
{
	struct cf_task	*t = &st->tasks[st->ring[st->head]];

	st->head = (st->head + 1) % CF_MAX_TASKS;
	st->len--;
	t->where = CF_RUNNING;
	return (t);
}

/* lesson: cpu-flood threads,fibers b */
/*
 * Run one job from the queue, if there is one, and queue its task again at
 * the tail unless the pool no longer serves it.  Returns whether it ran.
 * Called with qmu held; drops it while computing.
 */
static bool
cf_pool_step(struct cf_state *st)
{
	struct cf_task	*t;
	uint64_t	 ready;

	if (st->len == 0)
		return (false);
	t = cf_pop(st);
	ready = t->ready;
	pthread_mutex_unlock(&st->qmu);
	cf_chunk(t, &ready);
	pthread_mutex_lock(&st->qmu);
	if (t->index < st->qtasks)
		cf_push(st, t, ready);
	else
		t->where = CF_OUT;
	return (true);
}
/* end lesson */

/* lesson: cpu-flood threads b */
/* A pool thread: serve the queue until told to stop. */
static void
cf_worker_thread(void *arg)
{
	struct cf_worker	*w = arg;
	struct cf_state		*st = w->st;

	pthread_mutex_lock(&st->qmu);
	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		if (cf_pool_step(st))
			continue;
		st->idle++;
		pthread_cond_wait(&st->qcv, &st->qmu);
		st->idle--;
	}
	pthread_mutex_unlock(&st->qmu);
}
/* end lesson */

/* lesson: cpu-flood fibers b */
/* A pool fiber: serve the queue, yielding between jobs. */
static void
cf_worker_fiber(void *arg)
{
	struct cf_worker	*w = arg;
	struct cf_state		*st = w->st;
	bool			 ran;
	int			 rc;

	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		pthread_mutex_lock(&st->qmu);
		ran = cf_pool_step(st);
		pthread_mutex_unlock(&st->qmu);
		rc = ran ? fiber_yield() : fiber_sleep(CF_IDLE_NS);
		if (rc != FIBER_OK)
			return;
	}
}
/* end lesson */

/* Raise a task's or a worker's stop flag. */
static void
cf_task_stop(void *arg)
{
	atomic_store(&((struct cf_task *)arg)->stop, true);
}

/* Raise a worker's stop flag. */
static void
cf_worker_stop(void *arg)
{
	atomic_store(&((struct cf_worker *)arg)->stop, true);
}

static const struct task_body cf_task_body = {
	.name = "cpuflood",
	.thread = cf_task_thread,
	.fiber = cf_task_fiber,
	.stop = cf_task_stop,
};

static const struct task_body cf_worker_body = {
	.name = "cpupool",
	.what = "pool worker",
	.thread = cf_worker_thread,
	.fiber = cf_worker_fiber,
	.stop = cf_worker_stop,
};

/* Ready task slot i to run. */
static void *
cf_task_at(void *arg, long i, char *err, size_t errlen)
{
	struct cf_state	*st = arg;
	struct cf_task	*t = &st->tasks[i];

	(void)err;
	(void)errlen;
	t->index = (int)i;
	t->st = st;
	atomic_store(&t->stop, false);
	return (t);
}

/* Ready worker slot i to run. */
static void *
cf_worker_at(void *arg, long i, char *err, size_t errlen)
{
	struct cf_state		*st = arg;
	struct cf_worker	*w = &st->workers[i];

	(void)err;
	(void)errlen;
	memset(w, 0, sizeof *w);
	w->st = st;
	w->index = (int)i;
	return (w);
}

/* Wake the workers waiting for a job, to see their stop flags. */
static void
cf_workers_kick(void *arg)
{
	struct cf_state	*st = arg;

	pthread_mutex_lock(&st->qmu);
	pthread_cond_broadcast(&st->qcv);
	pthread_mutex_unlock(&st->qmu);
}

/* The pool's workers: exactly n, started or stopped and joined. */
static int
cf_workers_resize(struct cf_state *st, int n, char *err, size_t errlen)
{
	if (n < task_group_alive(&st->wgroup)) {
		task_group_shrink(&st->wgroup, n, cf_workers_kick, st);
		return (0);
	}
	return (task_group_resize(&st->wgroup, n, &cf_worker_body,
	    cf_worker_at, st, err, errlen));
}

/* The pool: serve exactly this many tasks. */
static void
cf_pool_resize(struct cf_state *st, long want)
{
	struct cf_task	*t;
	uint64_t	 now = cf_clock(CLOCK_MONOTONIC);
	long		 i, n, keep;

	pthread_mutex_lock(&st->qmu);
	if (want < st->qtasks) {
		/* Drop the queued ones; running ones drop themselves. */
		n = st->len;
		keep = 0;
		for (i = 0; i < n; i++) {
			t = &st->tasks[st->ring[(st->head + i) % CF_MAX_TASKS]];
			if (t->index < want)
				st->ring[(st->head + keep++) % CF_MAX_TASKS] =
				    t->index;
			else
				t->where = CF_OUT;
		}
		st->len = keep;
	}
	for (i = st->qtasks; i < want; i++) {
		t = &st->tasks[i];
		t->index = (int)i;
		t->st = st;
		if (t->where == CF_OUT)
			cf_push(st, t, now);
	}
	st->qtasks = want;
	pthread_mutex_unlock(&st->qmu);
}

/* Grow or shrink to exactly this many tasks. */
static int
cf_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct cf_state	*st = arg;

	if (tasks > CF_MAX_TASKS)
		tasks = CF_MAX_TASKS;
	if (st->pool) {
		cf_pool_resize(st, tasks);
		pthread_mutex_lock(&st->mu);
		st->ntasks = tasks;
		if (tasks > st->nslots)
			st->nslots = tasks;
		pthread_mutex_unlock(&st->mu);
		return (0);
	}
	return (task_group_resize(&st->group, tasks, &cf_task_body,
	    cf_task_at, st, err, errlen));
}

/* P changed: the pool follows it; unbounded tasks ignore it. */
static void
cf_set_workers(void *arg, int workers)
{
	struct cf_state	*st = arg;
	char		 err[ENGINE_ERRLEN];

	if (st->pool)
		cf_workers_resize(st, workers, err, sizeof err);
}

/* Free the state. */
static void
cf_free(struct cf_state *st)
{
	task_group_free(&st->wgroup);
	task_group_free(&st->group);
	pthread_cond_destroy(&st->qcv);
	pthread_mutex_destroy(&st->qmu);
	pthread_mutex_destroy(&st->mu);
	free(st->ring);
	free(st->tasks);
	free(st);
}

/* Start the scenario. */
static void *
cf_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct cf_state	*st;
	int		 rc;

	pthread_once(&cf_once, cf_calibrate);
	st = xcalloc(1, sizeof *st);
	st->pool = sp->variant;
	if (posix_memalign((void **)&st->tasks, 64, CF_MAX_TASKS *
	    sizeof *st->tasks) != 0) {
		free(st);
		snprintf(err, errlen, "cpu-flood: out of memory");
		return (NULL);
	}
	memset(st->tasks, 0, CF_MAX_TASKS * sizeof *st->tasks);
	st->ring = xcalloc(CF_MAX_TASKS, sizeof *st->ring);
	task_group_init(&st->group, e, sp, CF_MAX_TASKS);
	task_group_init(&st->wgroup, e, sp, CSW_WORKERS_MAX);
	pthread_mutex_init(&st->mu, NULL);
	pthread_mutex_init(&st->qmu, NULL);
	pthread_cond_init(&st->qcv, NULL);
	if (st->pool) {
		/* Queue the jobs first, so no worker finds an empty queue. */
		cf_resize(st, sp->tasks, err, errlen);
		if (cf_workers_resize(st, sp->workers, err, errlen) != 0 &&
		    task_group_alive(&st->wgroup) == 0) {
			cf_free(st);
			return (NULL);
		}
		return (st);
	}
	rc = cf_resize(st, sp->tasks, err, errlen);
	if (rc != 0 && task_group_alive(&st->group) == 0) {
		cf_free(st);
		return (NULL);
	}
	return (st);
}

/* Sum the tasks' counters: every slot ever used, so the sums only grow. */
static void
cf_stats(void *arg, struct engine_snapshot *s)
{
	struct cf_state	*st = arg;
	uint64_t	 chunks = 0, wait = 0;
	long		 i, alive, slots;

	if (st->pool) {
		pthread_mutex_lock(&st->mu);
		alive = st->ntasks;
		slots = st->nslots;
		pthread_mutex_unlock(&st->mu);
	} else
		task_group_counts(&st->group, &alive, &slots);
	for (i = 0; i < slots; i++) {
		chunks += task_count_read(&st->tasks[i].chunks);
		wait += task_count_read(&st->tasks[i].wait_ns);
	}
	s->tasks_alive = alive;
	s->work = chunks;
	s->latency_ns = wait;
	s->latency_count = chunks;
}

/* Raise every stop flag; the stop joins them. */
static void
cf_halt(void *arg)
{
	struct cf_state	*st = arg;

	task_group_halt(&st->group);
	task_group_halt(&st->wgroup);
}

/* Stop every task and worker. */
static void
cf_stop(void *arg)
{
	struct cf_state	*st = arg;
	char		 err[ENGINE_ERRLEN];

	if (st->pool) {
		/* Workers first: one may hold qmu, waiting for a CPU. */
		cf_workers_resize(st, 0, err, sizeof err);
		cf_pool_resize(st, 0);
	} else
		cf_resize(st, 0, err, sizeof err);
	cf_free(st);
}

const struct scenario_ops scenario_cpuflood = {
	.name = "cpu-flood",
	.summary = "N tasks compute; b: a bounded pool of P workers",
	.variant = "bounded pool of P workers",
	.caption = { {
		[ENGINE_THREADS] = "Every thread wants a CPU: runnable threads "
		    "near N, involuntary switches climb, and each chunk waits "
		    "its turn in the kernel's run queue.",
		[ENGINE_FIBERS] = "N fibers share P workers: only about P OS "
		    "threads are runnable; the wait per chunk is now spent "
		    "in the runtime's run queue.",
	}, {
		[ENGINE_THREADS] = "P pool threads serve N tasks' jobs: "
		    "runnable threads near P, few involuntary switches, and "
		    "the wait moves into our job queue.",
		[ENGINE_FIBERS] = "P fibers serve N tasks' jobs from one "
		    "queue: at most P jobs in flight; the rest wait in the "
		    "queue, not on the run queue.",
	} },
	.work_unit = "chunks",
	.default_tasks = 64,
	.unit = 1,
	.max_tasks = CF_MAX_TASKS,
	.modes = (1u << ENGINE_THREADS) | (1u << ENGINE_FIBERS),
	.start = cf_start,
	.resize = cf_resize,
	.set_workers = cf_set_workers,
	.stats = cf_stats,
	.halt = cf_halt,
	.stop = cf_stop,
	.threads_use_workers = true,
	.pooled = { false, true },
};

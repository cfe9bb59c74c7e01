/* SPDX-License-Identifier: ISC */
/*
 * The engine: the control thread that owns the running workload.  It takes
 * requests from the loop (mode, scenario, tasks, P, stack, variant), checks
 * them against the rails (limits.c), and carries them out in steps: start,
 * ramp by doubling, shrink, or stop and start again, so that a ramp stays
 * interruptible.  It creates the workload threads on its own stack pool
 * (tstack.c) below the screen's priority, and publishes what runs as
 * counters that the sampler copies with engine_snapshot.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "engine/engine.h"
#include "runtime/fiber.h"
#include "engine/limits.h"
#include "scenarios/scenario.h"
#include "engine/tstack.h"
#include "util/lathist.h"
#include "util/util.h"

#define ENGINE_WORKER_NICE	10
#define ENGINE_STEP_THREADS	128	/* tasks per ramp step */
#define ENGINE_STEP_FIBERS	8192
#define ENGINE_PROGRESS_NS	250000000ULL	/* a long ramp's news */
#define ENGINE_THREAD_STACK_MIN	(16 * 1024)
/* What a sleeping thread commits: its kernel stack, the pages of its user
   stack it has touched, and its glibc descriptor (measured: about 28 KiB). */
#define ENGINE_THREAD_COMMIT	(32 * 1024)
#ifdef CSW_SANITIZED
#define ENGINE_FIBER_STACK_MIN	(16 * 1024)	/* sanitizer frames are big */
#else
#define ENGINE_FIBER_STACK_MIN	(4 * 1024)
#endif

/* What runs, or should: the resolved form of an engine_config. */
struct engine_want {
	const struct scenario_ops	*ops;
	enum engine_mode		 mode;
	long				 tasks;
	int				 workers;	/* 0: CPUs */
	size_t				 stack[ENGINE_MODES];
	bool				 variant;
};

struct engine {
	/* Requests, from the owner to the control thread. */
	pthread_mutex_t			 req_mu;
	pthread_cond_t			 req_cv;	/* a request, or quit */
	pthread_cond_t			 done_cv;	/* a request done */
	struct engine_want		 want;
	uint64_t			 want_gen, done_gen;
	atomic_uint_fast64_t		 want_gen_seen;	/* lock-free copy */
	atomic_bool			 quit;
	int				 done_rc;
	char				 done_err[ENGINE_ERRLEN];
	uint64_t			 msg_seq;
	char				 msg[ENGINE_ERRLEN];
	int				 efd;		/* eventfd: a message */
	pthread_t			 ctl;

	/* What runs: swapped under ctl_mu by the control thread. */
	pthread_mutex_t			 ctl_mu;
	struct engine_want		 cur;
	void				*state;
	struct fiber_rt			*rt;
	bool				 ramping;
	long				 target;	/* tasks asked for */
	uint64_t			 base_handoffs;	/* earlier runs' */
	uint64_t			 base_switches;
	uint64_t			 base_idle_switches;
	/* Ready-queue waits of runtimes gone (engine_latency). */
	struct lat_counts		 ready_base;
	uint64_t			 base_work;

	struct tstack_pool		*tstacks;	/* threads' stacks */
	pthread_mutex_t			 stacks_mu;	/* the registry's */
	struct engine_stack		*stacks;
	size_t				 nstacks, stacks_cap;
};

/* Name a mode as the screen and the options spell it. */
const char *
engine_mode_name(enum engine_mode mode)
{
	return (mode == ENGINE_FIBERS ? "fibers" : "threads");
}

/* The mode a name spells: 0, or -1 for none. */
int
engine_mode_parse(const char *name, enum engine_mode *mode)
{
	if (strcmp(name, "threads") == 0)
		*mode = ENGINE_THREADS;
	else if (strcmp(name, "fibers") == 0)
		*mode = ENGINE_FIBERS;
	else
		return (-1);
	return (0);
}

/* Whether the scenario table has a name. */
bool
engine_scenario_exists(const char *name)
{
	return (scenario_find(name) != NULL);
}

/*
 * The caption of a scenario in a mode and variant, as the live screen
 * shows it; a replay finds it from the names a recording keeps.
 */
const char *
engine_scenario_caption(const char *name, enum engine_mode mode,
    bool variant)
{
	const struct scenario_ops	*ops = scenario_find(name);

	if (ops == NULL)
		return (NULL);
	return (ops->caption[variant && ops->variant != NULL][mode]);
}

/*
 * Whether P, the workers knob, changes what a configuration runs: always
 * in fibers mode (the runtime's workers), in threads mode only where the
 * scenario's b variant sizes something by it (a pool, a limit).
 */
static bool
engine_ops_use_workers(const struct scenario_ops *ops, enum engine_mode mode,
    bool variant)
{
	return (mode == ENGINE_FIBERS || (ops->threads_use_workers &&
	    variant && ops->variant != NULL));
}

/* Whether P changes what a configuration runs (see above). */
bool
engine_workers_used(const struct engine_config *cfg)
{
	const struct scenario_ops	*ops = scenario_find(cfg->scenario);

	return (ops != NULL && engine_ops_use_workers(ops, cfg->mode,
	    cfg->variant));
}

/* The n-th row of the scenario table: 0, or -1 past the end. */
int
engine_scenario(size_t n, struct engine_scenario_info *info)
{
	const struct scenario_ops	*ops;

	if ((ops = scenario_at(n)) == NULL)
		return (-1);
	info->name = ops->name;
	info->summary = ops->summary;
	info->variant = ops->variant;
	info->default_tasks = ops->default_tasks;
	info->unit = ops->unit;
	info->max_tasks = ops->max_tasks;
	return (0);
}

/* The stack glibc gives a new thread: RLIMIT_STACK, or 8 MiB. */
size_t
engine_thread_stack_default(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur < ENGINE_THREAD_STACK_MIN)
		return (8u << 20);
	return ((size_t)rl.rlim_cur);
}

/* Threads: the default, 1 MiB, 64 KiB; fibers: the runtime's classes. */
size_t
engine_stack_next(enum engine_mode mode, size_t cur)
{
	static const size_t	thr[] = { 0, 1u << 20, 64u << 10 };
	static const size_t	fib[] = { 2u << 10, 4u << 10, 16u << 10,
				    64u << 10 };
	const size_t		*steps = mode == ENGINE_FIBERS ? fib : thr;
	size_t			 n = mode == ENGINE_FIBERS ?
				    CSW_ARRAY_LEN(fib) : CSW_ARRAY_LEN(thr), i;

	if (mode == ENGINE_FIBERS && cur == 0)
		cur = FIBER_STACK_DEFAULT;
	for (i = 0; i < n; i++) {
		if (steps[i] == cur)
			return (steps[(i + 1) % n]);
	}
	return (steps[0]);
}

/* Round a task request to whole units within the scenario's bounds. */
static long
engine_clamp_tasks(const struct scenario_ops *ops, long tasks)
{
	if (tasks < ops->unit)
		tasks = ops->unit;
	if (tasks > ops->max_tasks)
		tasks = ops->max_tasks;
	return (tasks - tasks % ops->unit);
}

/* P as the runtime and the scenarios see it. */
static int
engine_workers_resolved(int workers)
{
	long	n;

	if (workers > 0)
		return (workers);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return (n > CSW_WORKERS_MAX ? CSW_WORKERS_MAX : (int)n);
}

/* The fiber runtime the scenarios of fibers mode run on. */
struct fiber_rt *
engine_fiber_rt(struct engine *e)
{
	return (e->rt);
}

/* Whether a newer request or quit should cut the current work short. */
bool
engine_interrupted(struct engine *e)
{
	uint64_t	gen;

	if (atomic_load(&e->quit))
		return (true);
	pthread_mutex_lock(&e->req_mu);
	gen = e->want_gen;
	pthread_mutex_unlock(&e->req_mu);
	return (gen != atomic_load(&e->want_gen_seen));
}

/* Post a message for the owner (the footer); any thread. */
static void
engine_post(struct engine *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
engine_post(struct engine *e, const char *fmt, ...)
{
	va_list		ap;
	uint64_t	one = 1;
	ssize_t		n;

	pthread_mutex_lock(&e->req_mu);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->msg_seq++;
	pthread_mutex_unlock(&e->req_mu);
	n = write(e->efd, &one, sizeof one);
	(void)n;
}

/* The fiber stack a scenario runs with: 0 is the default, and at least
   the scenario's minimum. */
static size_t
engine_fiber_stack(const struct scenario_ops *ops, size_t stack)
{
	size_t	min = ops->fiber_stack_min != 0 ? ops->fiber_stack_min :
		    ENGINE_FIBER_STACK_MIN;

	if (min < ENGINE_FIBER_STACK_MIN && ENGINE_FIBER_STACK_MIN > 4096)
		min = ENGINE_FIBER_STACK_MIN;	/* sanitized: always */
	if (stack == 0)
		stack = FIBER_STACK_DEFAULT;
	return (stack < min ? min : stack);
}

/* Start the scenario's tasks as w says, with a runtime for fibers. */
static int
engine_start_mode(struct engine *e, const struct engine_want *w, long first,
    char *err, size_t errlen)
{
	struct scenario_params	 sp;
	struct fiber_rt_config	 rc;
	struct fiber_rt		*rt = NULL;
	void			*state;
	size_t			 min;

	if ((w->ops->modes & (1u << w->mode)) == 0) {
		snprintf(err, errlen, "scenario %s has no %s mode",
		    w->ops->name, engine_mode_name(w->mode));
		return (-1);
	}
	memset(&sp, 0, sizeof sp);
	sp.mode = w->mode;
	sp.tasks = first;
	sp.workers = engine_workers_resolved(w->workers);
	sp.stack = w->stack[w->mode];
	sp.variant = w->variant && w->ops->variant != NULL;
	if (w->mode == ENGINE_FIBERS) {
		min = engine_fiber_stack(w->ops, sp.stack);
		if (sp.stack != 0 && min != sp.stack)
			engine_post(e, "%s fibers need %zu KiB stacks or more: "
			    "running %zu KiB, not %zu", w->ops->name, min >> 10,
			    min >> 10, sp.stack >> 10);
		sp.stack = min;
		memset(&rc, 0, sizeof rc);
		rc.workers = sp.workers;
		rc.stack_size = sp.stack;
		rc.guard_limit = engine_fiber_guard_limit();
		if ((rt = fiber_rt_create(&rc)) == NULL) {
			snprintf(err, errlen, "fiber runtime: %s",
			    strerror(errno));
			return (-1);
		}
		if (sp.stack == 0)
			sp.stack = FIBER_STACK_DEFAULT;
	} else if (sp.stack == 0)
		sp.stack = engine_thread_stack_default();
	pthread_mutex_lock(&e->ctl_mu);
	e->rt = rt;
	e->cur = *w;
	e->cur.tasks = first;
	if (w->mode == ENGINE_FIBERS)
		e->cur.stack[ENGINE_FIBERS] = sp.stack;
	pthread_mutex_unlock(&e->ctl_mu);
	state = w->ops->start(e, &sp, err, errlen);
	pthread_mutex_lock(&e->ctl_mu);
	e->state = state;
	if (state == NULL)
		e->rt = NULL;
	pthread_mutex_unlock(&e->ctl_mu);
	if (state == NULL && rt != NULL)
		fiber_rt_destroy(rt);
	return (state == NULL ? -1 : 0);
}

/*
 * Put every registered workload thread back under SCHED_OTHER before a
 * stop: a SCHED_IDLE thread on a loaded machine can wait seconds for a CPU
 * to see its stop flag and exit.  Linux refuses this to an unprivileged
 * process unless RLIMIT_NICE allows it; the stop then takes its chances.
 */
static void
engine_raise_for_stop(struct engine *e)
{
	struct sched_param	sp = { 0 };
	size_t			i;

	pthread_mutex_lock(&e->stacks_mu);
	for (i = 0; i < e->nstacks; i++)
		sched_setscheduler(e->stacks[i].tid, SCHED_OTHER, &sp);
	pthread_mutex_unlock(&e->stacks_mu);
}

/* Stop the running tasks and the runtime under them. */
static void
engine_stop_mode(struct engine *e)
{
	struct engine_snapshot	 snap;
	struct fiber_stats	*st = NULL;
	struct fiber_rt		*rt;
	void			*state;

	/*
	 * Take the state off the engine first, counters and all, so that no
	 * snapshot (the sampler's) reads it while it is stopped and freed;
	 * the runtime stays readable until its counters are carried over.
	 */
	pthread_mutex_lock(&e->ctl_mu);
	state = e->state;
	rt = e->rt;
	memset(&snap, 0, sizeof snap);
	if (state != NULL)
		e->cur.ops->stats(state, &snap);
	e->state = NULL;
	e->base_handoffs += snap.handoffs;
	e->base_work += snap.work;
	pthread_mutex_unlock(&e->ctl_mu);
	if (state != NULL && rt != NULL) {
		/* Wake every parked fiber so that stop never waits long. */
		fiber_rt_stop(rt, 2000000000u);
	}
	if (state != NULL) {
		if (e->cur.ops->halt != NULL)
			e->cur.ops->halt(state);
		engine_raise_for_stop(e);
		e->cur.ops->stop(state);
		pthread_mutex_lock(&e->stacks_mu);
		CSW_CHECK(e->nstacks == 0, "a workload thread's stack stayed "
		    "on the registry after its scenario stopped");
		pthread_mutex_unlock(&e->stacks_mu);
	}
	if (rt != NULL) {
		st = xmalloc(sizeof *st);
		pthread_mutex_lock(&e->ctl_mu);
		fiber_rt_stats(rt, st);
		e->base_switches += st->switches;
		e->base_idle_switches += st->idle_switches;
		fiber_rt_ready_wait(rt, &e->ready_base);
		e->rt = NULL;
		pthread_mutex_unlock(&e->ctl_mu);
		fiber_rt_destroy(rt);
		free(st);
	}
}

/* The tasks now alive, as the scenario counts them. */
static long
engine_alive(struct engine *e)
{
	struct engine_snapshot	snap;

	memset(&snap, 0, sizeof snap);
	pthread_mutex_lock(&e->ctl_mu);
	if (e->state != NULL)
		e->cur.ops->stats(e->state, &snap);
	pthread_mutex_unlock(&e->ctl_mu);
	return (snap.tasks_alive);
}

/* Whether the running tasks must be stopped and started anew for w. */
static bool
engine_needs_restart(struct engine *e, const struct engine_want *w)
{
	const struct engine_want	*c = &e->cur;

	if (e->state == NULL || c->ops != w->ops || c->mode != w->mode ||
	    c->variant != w->variant)
		return (true);
	if (w->mode == ENGINE_FIBERS ? c->stack[ENGINE_FIBERS] !=
	    engine_fiber_stack(w->ops, w->stack[ENGINE_FIBERS]) :
	    c->stack[ENGINE_THREADS] != w->stack[ENGINE_THREADS])
		return (true);
	if (c->workers == w->workers)
		return (false);
	if (w->mode == ENGINE_FIBERS)
		return (false);		/* the runtime takes a new P live */
	return (w->ops->threads_use_workers && w->ops->set_workers == NULL);
}

/* Read the limits and cap a request of a mode by them. */
long
engine_task_cap(enum engine_mode mode, long have, long want, size_t stack,
    char *why, size_t whylen)
{
	struct limits		 lim;
	struct limits_request	 req;

	limits_read(&lim, NULL, NULL, NULL, 0);
	memset(&req, 0, sizeof req);
	req.tasks = want;
	req.have = have;
	if (mode == ENGINE_FIBERS) {
		req.kind = LIMITS_FIBERS;
		req.task_bytes = (int64_t)(stack != 0 ? stack :
		    FIBER_STACK_DEFAULT);
	} else {
		req.kind = LIMITS_THREADS;
		req.task_bytes = ENGINE_THREAD_COMMIT;
		req.task_maps = 2;	/* the stack and its guard page */
		req.task_threads = 1;
	}
	return (limits_cap(&lim, &req, why, whylen));
}

/* Read the limits and size the fiber runtime's guard budget by them. */
long
engine_fiber_guard_limit(void)
{
	struct limits	lim;

	limits_read(&lim, NULL, NULL, NULL, 0);
	return (limits_guard_budget(&lim));
}

/*
 * The rails: cap a growth to what the machine's limits allow, leaving
 * headroom; returns the target to ramp to, with why set when it is capped.
 */
static long
engine_cap(struct engine *e, const struct engine_want *w, long target,
    char *why, size_t whylen)
{
	char	 buf[LIMITS_WHYLEN], n[32];
	char	*reason;
	long	 have = e->cur.tasks, allowed;

	why[0] = '\0';
	if (target <= have || (w->mode == ENGINE_THREADS &&
	    w->ops->pooled[w->variant]))
		return (target);
	allowed = engine_task_cap(w->mode, have, target - have,
	    w->stack[ENGINE_FIBERS], why, whylen);
	if (allowed >= target - have)
		return (target);
	target = have + allowed;
	target -= target % w->ops->unit;
	/* Say the figure the screen shows: whole units of the scenario. */
	if ((reason = strchr(why, ':')) != NULL) {
		limits_format_count(target, n, sizeof n);
		snprintf(buf, sizeof buf, "capped at %s %s%s", n,
		    w->mode == ENGINE_FIBERS ? "fibers" : "threads", reason);
		snprintf(why, whylen, "%s", buf);
	}
	return (target);
}

/*
 * Say how far a long grow has come, at most every ENGINE_PROGRESS_NS:
 * "612,000 of 1,000,000 fibers started, 4.1 s".
 */
static void
engine_ramp_progress(struct engine *e, long have, long target, uint64_t t0,
    uint64_t *last)
{
	char		a[32], b[32];
	uint64_t	now = util_now_ns();

	if (now - *last < ENGINE_PROGRESS_NS)
		return;
	*last = now;
	limits_format_count(have, a, sizeof a);
	limits_format_count(target, b, sizeof b);
	engine_post(e, "%s of %s %s started, %.1f s", a, b,
	    e->cur.mode == ENGINE_FIBERS ? "fibers" : "threads",
	    (double)(now - t0) / 1e9);
}

/* Grow or shrink the running scenario towards w->tasks, in steps. */
static int
engine_ramp(struct engine *e, long target, char *err, size_t errlen)
{
	const struct scenario_ops	*ops = e->cur.ops;
	long				 step, next, have;
	uint64_t			 t0 = util_now_ns(), last = t0;

	step = e->cur.mode == ENGINE_FIBERS ? ENGINE_STEP_FIBERS :
	    ENGINE_STEP_THREADS;
	step -= step % ops->unit;
	if (step < ops->unit)
		step = ops->unit;
	pthread_mutex_lock(&e->ctl_mu);
	e->ramping = true;
	pthread_mutex_unlock(&e->ctl_mu);
	for (;;) {
		have = e->cur.tasks;
		if (have == target)
			break;
		next = target < have ? target : have + step < target ?
		    have + step : target;
		if (ops->resize(e->state, next, err, errlen) != 0) {
			have = engine_alive(e);
			have -= have % ops->unit;
			pthread_mutex_lock(&e->ctl_mu);
			e->cur.tasks = have;
			e->ramping = false;
			pthread_mutex_unlock(&e->ctl_mu);
			return (-1);
		}
		pthread_mutex_lock(&e->ctl_mu);
		e->cur.tasks = next;
		pthread_mutex_unlock(&e->ctl_mu);
		if (engine_interrupted(e))
			break;
		if (next > have && next < target)
			engine_ramp_progress(e, next, target, t0, &last);
	}
	pthread_mutex_lock(&e->ctl_mu);
	e->ramping = false;
	pthread_mutex_unlock(&e->ctl_mu);
	return (0);
}

/* Make what runs match w. */
static int
engine_converge(struct engine *e, const struct engine_want *w, char *err,
    size_t errlen)
{
	struct engine_want	old = e->cur;
	bool			had = e->state != NULL;
	long			first, target;
	char			err2[ENGINE_ERRLEN], why[LIMITS_WHYLEN];

	err[0] = '\0';
	if (engine_needs_restart(e, w)) {
		engine_stop_mode(e);
		first = w->tasks < ENGINE_STEP_THREADS ? w->tasks :
		    ENGINE_STEP_THREADS - ENGINE_STEP_THREADS % w->ops->unit;
		if (engine_start_mode(e, w, first, err, errlen) != 0) {
			/* Put back what ran, so the screen has a workload. */
			if (had && engine_start_mode(e, &old, old.tasks <
			    first ? old.tasks : first, err2,
			    sizeof err2) == 0)
				engine_ramp(e, old.tasks, err2, sizeof err2);
			return (-1);
		}
	} else if (e->cur.workers != w->workers) {
		if (e->rt != NULL && fiber_rt_set_workers(e->rt,
		    engine_workers_resolved(w->workers)) != 0) {
			snprintf(err, errlen, "cannot run %d workers: %s",
			    engine_workers_resolved(w->workers),
			    strerror(errno));
			return (-1);
		}
		if (e->cur.ops->set_workers != NULL)
			e->cur.ops->set_workers(e->state,
			    engine_workers_resolved(w->workers));
		pthread_mutex_lock(&e->ctl_mu);
		e->cur.workers = w->workers;
		pthread_mutex_unlock(&e->ctl_mu);
	}
	target = engine_cap(e, w, w->tasks, why, sizeof why);
	if (why[0] != '\0') {
		engine_post(e, "%s", why);
		pthread_mutex_lock(&e->req_mu);
		if (e->want.tasks == w->tasks)
			e->want.tasks = target;
		pthread_mutex_unlock(&e->req_mu);
		pthread_mutex_lock(&e->ctl_mu);
		e->target = target;
		pthread_mutex_unlock(&e->ctl_mu);
	}
	if (engine_ramp(e, target, err, errlen) != 0)
		return (-1);
	/* The ramp's progress replaced it: the limit is the lasting news. */
	if (why[0] != '\0')
		engine_post(e, "%s", why);
	return (0);
}

/*
 * After a shrink, give the memory of the tasks that ended back to the
 * kernel: the free fiber stacks' pages and malloc's free pages, so that
 * going from a million tasks back to two brings VmRSS back too.
 */
static void
engine_give_back(struct engine *e)
{
	if (e->rt != NULL)
		fiber_rt_trim(e->rt);
	malloc_trim(0);
}

/* The control thread: carry out requests until told to quit. */
static void *
engine_control(void *arg)
{
	struct engine		*e = arg;
	struct engine_want	 w;
	uint64_t		 gen, t0;
	char			 err[ENGINE_ERRLEN], a[32], b[32], d[32];
	double			 took;
	int			 rc;
	long			 from, kept;

	pthread_setname_np(pthread_self(), "csw-control");
	pthread_mutex_lock(&e->req_mu);
	while (!atomic_load(&e->quit)) {
		if (e->done_gen == e->want_gen) {
			pthread_cond_wait(&e->req_cv, &e->req_mu);
			continue;
		}
		gen = e->want_gen;
		w = e->want;
		atomic_store(&e->want_gen_seen, gen);
		pthread_mutex_unlock(&e->req_mu);
		pthread_mutex_lock(&e->ctl_mu);
		e->target = w.tasks;
		pthread_mutex_unlock(&e->ctl_mu);

		from = e->cur.tasks;
		/* A restart starts every task: none of the old ones stays. */
		kept = engine_needs_restart(e, &w) ? 0 : from;
		t0 = util_now_ns();
		rc = engine_converge(e, &w, err, sizeof err);
		/* Stacks of stopped threads: keep the slabs still in use. */
		tstack_trim(e->tstacks);
		if (e->cur.tasks < from)
			engine_give_back(e);
		if (rc != 0 && e->state != NULL)
			engine_post(e, "stopped at %ld tasks: %s",
			    e->cur.tasks, err);
		else if (rc != 0)
			engine_post(e, "%s", err);
		else if (e->cur.tasks == w.tasks && w.tasks - kept >
		    ENGINE_STEP_THREADS && !engine_interrupted(e) &&
		    engine_alive(e) == w.tasks) {
			limits_format_count(w.tasks, a, sizeof a);
			limits_format_count(w.tasks - kept, b, sizeof b);
			took = (double)(util_now_ns() - t0) / 1e9;
			/* Milliseconds under a second: fibers start a
			   thousand in a few, which "0.0 s" hides. */
			if (took < 1)
				snprintf(d, sizeof d, "%.0f ms", took * 1e3);
			else
				snprintf(d, sizeof d, "%.1f s", took);
			if (kept == 0)
				engine_post(e, "%s tasks running, all %s "
				    "started in %s", a, b, d);
			else
				engine_post(e, "%s tasks running: %s more "
				    "started in %s", a, b, d);
		}

		pthread_mutex_lock(&e->req_mu);
		if (rc != 0 && e->want_gen == gen) {
			/* What runs is the truth now: ask for no more. */
			e->want = e->cur;
			pthread_mutex_lock(&e->ctl_mu);
			e->target = e->cur.tasks;
			pthread_mutex_unlock(&e->ctl_mu);
		}
		e->done_gen = gen;
		e->done_rc = rc;
		snprintf(e->done_err, sizeof e->done_err, "%s", err);
		pthread_cond_broadcast(&e->done_cv);
	}
	pthread_mutex_unlock(&e->req_mu);
	engine_stop_mode(e);
	return (NULL);
}

/* Resolve a configuration against the table. */
static int
engine_want_from(struct engine_want *w, const struct engine_config *cfg,
    char *err, size_t errlen)
{
	const struct scenario_ops	*ops;

	if ((ops = scenario_find(cfg->scenario)) == NULL) {
		snprintf(err, errlen, "unknown scenario '%s'", cfg->scenario);
		return (-1);
	}
	memset(w, 0, sizeof *w);
	w->ops = ops;
	w->mode = cfg->mode;
	w->tasks = engine_clamp_tasks(ops, cfg->tasks > 0 ? cfg->tasks :
	    ops->default_tasks);
	w->workers = cfg->workers < 0 ? 0 : cfg->workers >
	    CSW_WORKERS_MAX ? CSW_WORKERS_MAX : cfg->workers;
	w->stack[ENGINE_THREADS] = cfg->stack[ENGINE_THREADS];
	w->stack[ENGINE_FIBERS] = cfg->stack[ENGINE_FIBERS] == 0 ? 0 :
	    fiber_stack_class_size(cfg->stack[ENGINE_FIBERS]);
	w->variant = cfg->variant && ops->variant != NULL;
	return (0);
}

/* Free an engine whose tasks and control thread are gone. */
static void
engine_free(struct engine *e)
{
	if (e->efd >= 0)
		close(e->efd);
	pthread_cond_destroy(&e->done_cv);
	pthread_cond_destroy(&e->req_cv);
	pthread_mutex_destroy(&e->req_mu);
	pthread_mutex_destroy(&e->ctl_mu);
	pthread_mutex_destroy(&e->stacks_mu);
	tstack_pool_free(e->tstacks);
	free(e->stacks);
	free(e);
}

/*
 * Start a scenario.  The first step of tasks is running when this returns;
 * the rest ramps up in the background.
 */
struct engine *
engine_create(const struct engine_config *cfg, char *err, size_t errlen)
{
	struct engine_want	 w;
	struct engine		*e;
	long			 first;
	int			 rc;
	char			 why[LIMITS_WHYLEN];

	if (engine_want_from(&w, cfg, err, errlen) != 0)
		return (NULL);
	if (cfg->stack[ENGINE_FIBERS] != 0 && w.stack[ENGINE_FIBERS] == 0) {
		snprintf(err, errlen, "fiber stacks are at most %d MiB",
		    FIBER_STACK_MAX >> 20);
		return (NULL);
	}
	e = xcalloc(1, sizeof *e);
	pthread_mutex_init(&e->stacks_mu, NULL);
	pthread_mutex_init(&e->ctl_mu, NULL);
	pthread_mutex_init(&e->req_mu, NULL);
	pthread_cond_init(&e->req_cv, NULL);
	pthread_cond_init(&e->done_cv, NULL);
	e->tstacks = tstack_pool_new();
	e->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	first = w.tasks < ENGINE_STEP_THREADS ? w.tasks :
	    ENGINE_STEP_THREADS - ENGINE_STEP_THREADS % w.ops->unit;
	/*
	 * The control thread first, idle until the first request: started
	 * after the tasks, it could find RLIMIT_NPROC spent on them.
	 */
	if (e->efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		engine_free(e);
		return (NULL);
	}
	if ((rc = util_thread_create(&e->ctl, engine_control, e)) != 0) {
		snprintf(err, errlen, "control thread: %s", strerror(rc));
		engine_free(e);
		return (NULL);
	}
	/* The rails hold for the first step too; the ramp says why. */
	first = engine_cap(e, &w, first, why, sizeof why);
	if (engine_start_mode(e, &w, first, err, errlen) != 0) {
		engine_destroy(e);
		return (NULL);
	}
	pthread_mutex_lock(&e->req_mu);
	e->want = w;
	pthread_mutex_lock(&e->ctl_mu);
	e->target = w.tasks;
	pthread_mutex_unlock(&e->ctl_mu);
	e->want_gen = 1;	/* the rest of the ramp */
	pthread_cond_signal(&e->req_cv);
	pthread_mutex_unlock(&e->req_mu);
	return (e);
}

/* The configuration last asked for. */
void
engine_config_get(struct engine *e, struct engine_config *cfg)
{
	pthread_mutex_lock(&e->req_mu);
	memset(cfg, 0, sizeof *cfg);
	cfg->mode = e->want.mode;
	cfg->scenario = e->want.ops->name;
	cfg->tasks = e->want.tasks;
	cfg->workers = e->want.workers;
	memcpy(cfg->stack, e->want.stack, sizeof cfg->stack);
	cfg->variant = e->want.variant;
	pthread_mutex_unlock(&e->req_mu);
}

/*
 * Ask for a configuration.  What cannot be resolved (an unknown scenario)
 * keeps what was asked before; tasks are clamped to the scenario's range.
 */
uint64_t
engine_request(struct engine *e, const struct engine_config *cfg)
{
	struct engine_want	w;
	char			err[ENGINE_ERRLEN];
	uint64_t		gen;

	pthread_mutex_lock(&e->req_mu);
	if (engine_want_from(&w, cfg, err, sizeof err) == 0) {
		if (w.stack[ENGINE_FIBERS] == 0)
			w.stack[ENGINE_FIBERS] = e->want.stack[ENGINE_FIBERS];
		e->want = w;
		/* The screen shows the new target at once. */
		pthread_mutex_lock(&e->ctl_mu);
		e->target = w.tasks;
		pthread_mutex_unlock(&e->ctl_mu);
	}
	gen = ++e->want_gen;
	pthread_cond_signal(&e->req_cv);
	pthread_mutex_unlock(&e->req_mu);
	return (gen);
}

/* Wait until the control thread has carried out a request. */
int
engine_wait(struct engine *e, uint64_t gen, char *err, size_t errlen)
{
	int	rc;

	pthread_mutex_lock(&e->req_mu);
	while (e->done_gen < gen)
		pthread_cond_wait(&e->done_cv, &e->req_mu);
	rc = e->done_gen == gen ? e->done_rc : 0;
	if (rc != 0)
		snprintf(err, errlen, "%s", e->done_err);
	pthread_mutex_unlock(&e->req_mu);
	return (rc);
}

/* Grow or shrink the running scenario, and wait for it. */
int
engine_set_tasks(struct engine *e, long tasks, char *err, size_t errlen)
{
	struct engine_config	cfg;

	engine_config_get(e, &cfg);
	cfg.tasks = tasks;
	return (engine_wait(e, engine_request(e, &cfg), err, errlen));
}

/*
 * Switch the running scenario to another mode with the same knobs, and
 * wait.  If the new mode cannot start, the old one runs again and -1 says
 * why.
 */
int
engine_set_mode(struct engine *e, enum engine_mode mode, char *err,
    size_t errlen)
{
	struct engine_config	cfg;

	engine_config_get(e, &cfg);
	if (cfg.mode == mode)
		return (0);
	cfg.mode = mode;
	return (engine_wait(e, engine_request(e, &cfg), err, errlen));
}

/* The newest message, if there is one newer than *seq. */
bool
engine_message(struct engine *e, uint64_t *seq, char *buf, size_t len)
{
	uint64_t	v;
	bool		fresh;
	ssize_t		n;

	n = read(e->efd, &v, sizeof v);
	(void)n;
	pthread_mutex_lock(&e->req_mu);
	fresh = e->msg_seq != *seq;
	if (fresh) {
		*seq = e->msg_seq;
		snprintf(buf, len, "%s", e->msg);
	}
	pthread_mutex_unlock(&e->req_mu);
	return (fresh);
}

/* The descriptor to poll for messages. */
int
engine_fd(struct engine *e)
{
	return (e->efd);
}

/* Stacks of the fibers, or -1 in threads mode (engine.h). */
int
engine_fiber_memory(struct engine *e, struct engine_fiber_memory *fm,
    bool committed)
{
	struct fiber_stats	*st;
	struct fiber_stack_memory held;
	int			 rc = -1;

	memset(fm, 0, sizeof *fm);
	pthread_mutex_lock(&e->ctl_mu);
	if (e->rt != NULL) {
		st = xmalloc(sizeof *st);
		fiber_rt_stats(e->rt, st);
		fm->arena = st->stack_reserved;
		fm->live = st->live;
		fm->guard_dropped = st->guard_dropped != 0;
		fm->stack_size = e->cur.stack[ENGINE_FIBERS] != 0 ?
		    e->cur.stack[ENGINE_FIBERS] : FIBER_STACK_DEFAULT;
		fm->reserved = st->stack_in_use;
		if (committed) {
			fiber_rt_stack_memory(e->rt, &held);
			fm->committed = held.committed;
			fm->shared_stacks = held.shared_stacks;
		}
		free(st);
		rc = 0;
	}
	pthread_mutex_unlock(&e->ctl_mu);
	return (rc);
}

/* The most tasks the scenario asked for last accepts. */
long
engine_tasks_max(struct engine *e)
{
	long	max;

	pthread_mutex_lock(&e->req_mu);
	max = e->want.ops->max_tasks;
	pthread_mutex_unlock(&e->req_mu);
	return (max);
}

/* Copy the engine's counters. */
void
engine_snapshot(struct engine *e, struct engine_snapshot *s)
{
	struct fiber_stats		*st;
	const struct scenario_ops	*ops;
	int				 i;

	memset(s, 0, sizeof *s);
	pthread_mutex_lock(&e->ctl_mu);
	ops = e->cur.ops;
	s->mode = e->cur.mode;
	s->scenario = ops->name;
	s->tasks_target = e->target;
	s->tasks_per_unit = ops->unit;
	s->ramping = e->ramping;
	s->tasks_cap = ops->tasks_cap;
	s->variant = e->cur.variant;
	s->variant_name = ops->variant;
	s->stack_size = e->cur.stack[e->cur.mode];
	if (s->stack_size == 0)
		s->stack_size = e->cur.mode == ENGINE_FIBERS ?
		    FIBER_STACK_DEFAULT : engine_thread_stack_default();
	s->workers_knob = engine_workers_resolved(e->cur.workers);
	s->workers_used = engine_ops_use_workers(ops, e->cur.mode,
	    e->cur.variant);
	s->caption = ops->caption[e->cur.variant][e->cur.mode];
	s->work_unit = ops->work_unit;
	if (e->state != NULL)
		ops->stats(e->state, s);
	s->handoffs += e->base_handoffs;
	s->work += e->base_work;
	s->fiber_switches = e->base_switches;
	s->idle_switches = e->base_idle_switches;
	if (e->rt != NULL) {
		st = xmalloc(sizeof *st);
		fiber_rt_stats(e->rt, st);
		s->fiber_switches += st->switches;
		s->idle_switches += st->idle_switches;
		s->workers = st->workers;
		s->parked_workers = st->parked_workers;
		s->blocked_workers = st->blocked_workers;
		s->runqueue = st->global_runq;
		for (i = 0; i < st->workers && i < CSW_WORKERS_MAX; i++) {
			s->runqueue += st->w[i].runq;
			if (i < CSW_WORKERS_MAX)
				s->worker_runq[i] = st->w[i].runq;
			if (!st->w[i].blocked &&
			    st->w[i].run_ns > s->long_run_ns) {
				s->long_run_ns = st->w[i].run_ns;
				s->long_run_worker = i;
				s->long_run_queued = st->w[i].runq;
			}
		}
		free(st);
	}
	pthread_mutex_unlock(&e->ctl_mu);
}

/* Add the latency histograms: the workload's wakeups, the runtime's
   ready-queue waits (those of runtimes gone included). */
void
engine_latency(struct engine *e, struct lat_counts *wake,
    struct lat_counts *ready)
{
	unsigned	i;

	lat_wake_collect(wake);
	pthread_mutex_lock(&e->ctl_mu);
	for (i = 0; i < LAT_BUCKETS; i++)
		ready->n[i] += e->ready_base.n[i];
	ready->total += e->ready_base.total;
	if (e->ready_base.max > ready->max)
		ready->max = e->ready_base.max;
	e->ready_base.max = 0;		/* told once */
	if (e->rt != NULL)
		fiber_rt_ready_wait(e->rt, ready);
	pthread_mutex_unlock(&e->ctl_mu);
}

/* Copy up to max registered stacks; returns how many there are in all. */
size_t
engine_stacks(struct engine *e, struct engine_stack *out, size_t max)
{
	size_t	n;

	pthread_mutex_lock(&e->stacks_mu);
	n = e->nstacks;
	if (n > 0 && max > 0)
		memcpy(out, e->stacks, (n < max ? n : max) * sizeof *out);
	pthread_mutex_unlock(&e->stacks_mu);
	return (n);
}

#if defined(__SANITIZE_THREAD__)
#define ENGINE_TSAN	1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ENGINE_TSAN	1
#endif
#endif

/*
 * Create a workload thread with the stack size of the running config, on
 * a stack from the engine's pool (see tstack.h): engine_thread_join gives
 * it back.  ThreadSanitizer keeps about 900 KiB of its own at the top of
 * a stack it did not allocate, more than a small stack has, so its builds
 * let glibc allocate (TSan enlarges those); the join hands back nothing.
 */
int
engine_thread_create(struct engine *e, pthread_t *t, void *(*fn)(void *),
    void *arg)
{
	size_t		 size = e->cur.stack[ENGINE_THREADS];
#ifndef ENGINE_TSAN
	pthread_attr_t	 attr;
	void		*stack;
	int		 rc;
#endif

	if (size == 0)
		size = engine_thread_stack_default();
#ifdef ENGINE_TSAN
	return (util_thread_create_stack(t, size, fn, arg));
#else
	if ((rc = tstack_get(e->tstacks, size, &stack)) != 0)
		return (rc);
	if ((rc = pthread_attr_init(&attr)) == 0) {
		if ((rc = pthread_attr_setstack(&attr, stack, size)) == 0)
			rc = util_thread_create_attr(t, &attr, fn, arg);
		pthread_attr_destroy(&attr);
	}
	if (rc != 0)
		tstack_put(e->tstacks, stack, size);
	return (rc);
#endif
}

/* Join a thread from engine_thread_create and take its stack back. */
void
engine_thread_join(struct engine *e, pthread_t t)
{
	pthread_attr_t	 attr;
	void		*stack = NULL;
	size_t		 size = 0;

	if (pthread_getattr_np(t, &attr) == 0) {
		if (pthread_attr_getstack(&attr, &stack, &size) != 0)
			stack = NULL;
		pthread_attr_destroy(&attr);
	}
	pthread_join(t, NULL);
	if (stack != NULL)
		tstack_put(e->tstacks, stack, size);
}

/*
 * Create a detached workload thread on a stack of glibc's: nobody joins it
 * to hand a stack back, and glibc frees its own as the thread exits.
 */
int
engine_thread_create_detached(struct engine *e, pthread_t *t,
    void *(*fn)(void *), void *arg)
{
	int	rc;

	rc = util_thread_create_stack(t, e->cur.stack[ENGINE_THREADS], fn,
	    arg);
	if (rc == 0)
		pthread_detach(*t);
	return (rc);
}

/*
 * Run the calling workload thread at SCHED_IDLE (or a higher nice value),
 * below the UI and the sampler, so that the screen stays live however many
 * tasks are runnable.  Linux applies both per thread.
 */
void
engine_thread_lower_priority(void)
{
	struct sched_param	sp = { 0 };

	if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0)
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
		    ENGINE_WORKER_NICE);
}

/* Out of SCHED_IDLE, to stop promptly. */
void
engine_thread_hurry(pthread_t t)
{
	struct sched_param	sp = { 0 };

	pthread_setschedparam(t, SCHED_OTHER, &sp);
}

/* Record the calling thread's stack range. */
void
engine_stack_register(struct engine *e)
{
	pthread_attr_t	 attr;
	void		*addr;
	size_t		 size;
	struct engine_stack *s;

	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return;
	if (pthread_attr_getstack(&attr, &addr, &size) != 0) {
		pthread_attr_destroy(&attr);
		return;
	}
	pthread_attr_destroy(&attr);

	pthread_mutex_lock(&e->stacks_mu);
	if (e->nstacks == e->stacks_cap) {
		e->stacks_cap = e->stacks_cap ? e->stacks_cap * 2 : 64;
		e->stacks = xrealloc(e->stacks,
		    e->stacks_cap * sizeof *e->stacks);
	}
	s = &e->stacks[e->nstacks++];
	s->base = (uintptr_t)addr;
	s->size = size;
	s->tid = (int)syscall(SYS_gettid);
	pthread_mutex_unlock(&e->stacks_mu);
}

/* Forget the calling thread's stack range. */
void
engine_stack_unregister(struct engine *e)
{
	int	tid = (int)syscall(SYS_gettid);
	size_t	i;

	pthread_mutex_lock(&e->stacks_mu);
	for (i = 0; i < e->nstacks; i++) {
		if (e->stacks[i].tid == tid) {
			e->stacks[i] = e->stacks[--e->nstacks];
			break;
		}
	}
	pthread_mutex_unlock(&e->stacks_mu);
}

/* Lift every workload thread out of SCHED_IDLE, so an exit kills them fast. */
void
engine_hurry(struct engine *e)
{
	if (e != NULL)
		engine_raise_for_stop(e);
}

/* Stop every task, join every thread and free the engine. */
void
engine_destroy(struct engine *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&e->req_mu);
	atomic_store(&e->quit, true);
	pthread_cond_signal(&e->req_cv);
	pthread_mutex_unlock(&e->req_mu);
	pthread_join(e->ctl, NULL);
	engine_free(e);
}

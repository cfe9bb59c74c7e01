/*
 * `cswviz --bench`: what a switch, a handoff, a spawn and a sleeping task
 * cost on this machine, threads against fibers.  Timings are medians of
 * BENCH_TRIALS trials; memory figures come from one run each (mincore over
 * the stacks, and the process RSS growth).
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/bench.h"
#include "engine/ctx.h"
#include "engine/fiber.h"
#include "util/util.h"

#define BENCH_TRIALS		7
#define BENCH_LOOP_OPS		20000000
#define BENCH_CTX_SWITCHES	4000000
#define BENCH_THREAD_HANDOFFS	2000
#define BENCH_FIBER_SWITCHES	2000000
#define BENCH_FIBER_HANDOFFS	1000000
#define BENCH_FIBER_SPAWNS	1000000
#define BENCH_SPAWN_WAVE	128
#define BENCH_THREAD_SPAWNS	2000
#define BENCH_SLEEPERS		100000
#define BENCH_MILLION		1000000
#define BENCH_FRESH_MAX_S	4.0	/* longest fresh-arena phase wanted */
#define BENCH_THREADS		10000
#define BENCH_SLEEP_NS		(3600ULL * 1000000000ULL)

struct bench_sleep_out {
	double		 bytes;		/* stack committed per sleeper */
	double		 rss;		/* RSS growth per sleeper */
	double		 asleep_s;	/* until all were asleep */
	double		 late_ms;	/* last wake after the deadline */
};

struct bench_result {
	double		 loop_ns;
	double		 ctx_ns;
	double		 thr_ns[3];	/* unpinned, same CPU, across CPUs */
	double		 fsw_ns;
	double		 fho_ns;
	double		 fspawn;
	double		 tspawn;
	double		 fsleep[FIBER_STACK_CLASSES];
	double		 fsleep_rss[FIBER_STACK_CLASSES];
	double		 tsleep;
	double		 tsleep_rss;
	long		 nthreads;
	struct bench_sleep_out million[2];	/* fresh, warm arena */
	int		 million_ok[2];
	long		 nmillion;	/* sleepers actually run */
	double		 touch_us;
	char		 notes[1024];
	char		 limits[512];
};

/* Classes the sleeper measurement covers. */
static const size_t bench_classes[] = {
	2048, 4096, 16384, 65536, 8388608
};

/* Append a note. */
static void
bench_note(struct bench_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
bench_note(struct bench_result *r, const char *fmt, ...)
{
	va_list	ap;
	size_t	len = strlen(r->notes);

	if (len != 0 && len < sizeof r->notes - 2) {
		r->notes[len++] = ';';
		r->notes[len++] = ' ';
		r->notes[len] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(r->notes + len, sizeof r->notes - len, fmt, ap);
	va_end(ap);
}

static int	bench_verbose;

/* Say what is being measured, with CSW_BENCH_VERBOSE set. */
static void
bench_step(const char *what)
{
	static uint64_t	t0;

	if (!bench_verbose)
		return;
	if (t0 == 0)
		t0 = util_now_ns();
	fprintf(stderr, "bench: %7.2f s  %s\n",
	    (double)(util_now_ns() - t0) / 1e9, what);
}

/* Compare doubles for qsort. */
static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* Median of n values (sorts them). */
static double
bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

/* Resident set size of this process in bytes, or 0. */
static uint64_t
bench_rss(void)
{
	FILE		*f = fopen("/proc/self/statm", "r");
	unsigned long	 size, res = 0;

	if (f == NULL)
		return (0);
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return ((uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE));
}

/* ns per iteration of a plain loop. */
static double
bench_loop(void)
{
	uint64_t	t0, x = 0;
	long		i;

	t0 = util_now_ns();
	for (i = 0; i < BENCH_LOOP_OPS; i++) {
		x += (uint64_t)i;
		__asm__ volatile("" : "+r"(x));
	}
	return ((double)(util_now_ns() - t0) / BENCH_LOOP_OPS);
}

static struct ctx	bench_main_ctx, bench_a_ctx, bench_b_ctx;

/* Switch to b and back BENCH_CTX_SWITCHES / 2 times, then to main. */
static void
bench_ctx_a(void *arg)
{
	long	i;

	for (i = 0; i < BENCH_CTX_SWITCHES / 2; i++)
		CTX_JUMP(&bench_a_ctx, &bench_b_ctx);
	ctx_switch(&bench_a_ctx, &bench_main_ctx);
}

/* Switch back to a forever. */
static void
bench_ctx_b(void *arg)
{
	for (;;)
		CTX_JUMP(&bench_b_ctx, &bench_a_ctx);
}

/* ns per bare context switch (no scheduler; the switch the scheduler
   uses). */
static double
bench_ctx(void)
{
	static char	sa[65536], sb[65536];
	uint64_t	t0;

	ctx_init(&bench_a_ctx, sa, sizeof sa, bench_ctx_a, NULL);
	ctx_init(&bench_b_ctx, sb, sizeof sb, bench_ctx_b, NULL);
	t0 = util_now_ns();
	ctx_switch(&bench_main_ctx, &bench_a_ctx);
	return ((double)(util_now_ns() - t0) / BENCH_CTX_SWITCHES);
}

struct bench_pp {
	pthread_mutex_t	 m;
	pthread_cond_t	 c;
	int		 turn;
	int		 n;
	int		 cpu[2];
};

struct bench_side {
	struct bench_pp	*pp;
	int		 me;
};

/* Pin the calling thread to cpu (-1: leave it). */
static int
bench_pin(int cpu)
{
	cpu_set_t	set;

	if (cpu < 0)
		return (0);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return (pthread_setaffinity_np(pthread_self(), sizeof set, &set));
}

/* Wait for my turn, pass it on, n times. */
static void *
bench_pp_side(void *arg)
{
	struct bench_side	*s = arg;
	struct bench_pp		*pp = s->pp;
	int			 i;

	bench_pin(pp->cpu[s->me]);
	for (i = 0; i < pp->n; i++) {
		pthread_mutex_lock(&pp->m);
		while (pp->turn != s->me)
			pthread_cond_wait(&pp->c, &pp->m);
		pp->turn = !s->me;
		pthread_cond_signal(&pp->c);
		pthread_mutex_unlock(&pp->m);
	}
	return (NULL);
}

/* ns per mutex+condvar handoff between two threads, or -1. */
static double
bench_thread_handoff(int cpu0, int cpu1)
{
	struct bench_pp		pp;
	struct bench_side	s[2] = { { &pp, 0 }, { &pp, 1 } };
	pthread_t		t[2];
	uint64_t		t0;

	pthread_mutex_init(&pp.m, NULL);
	pthread_cond_init(&pp.c, NULL);
	pp.turn = 0;
	pp.n = BENCH_THREAD_HANDOFFS;
	pp.cpu[0] = cpu0;
	pp.cpu[1] = cpu1;
	t0 = util_now_ns();
	if (pthread_create(&t[0], NULL, bench_pp_side, &s[0]) != 0)
		return (-1);
	if (pthread_create(&t[1], NULL, bench_pp_side, &s[1]) != 0) {
		pthread_join(t[0], NULL);
		return (-1);
	}
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	pthread_cond_destroy(&pp.c);
	pthread_mutex_destroy(&pp.m);
	return ((double)(util_now_ns() - t0) / (2.0 * BENCH_THREAD_HANDOFFS));
}

struct bench_fib {
	struct fiber_chan	*a, *b;
	long			 n;
	uint64_t		 t0, t1;
	_Atomic long		 done;
};

/* Yield n times. */
static void
bench_yielder(void *arg)
{
	struct bench_fib	*bf = arg;
	long			 i;

	for (i = 0; i < bf->n; i++)
		fiber_yield();
	atomic_fetch_add(&bf->done, 1);
}

/* Start two fibers on one worker from a fiber, time them to the end. */
static void
bench_pair_parent(void *arg)
{
	struct bench_fib	*bf = arg;
	struct fiber		*x, *y;

	bf->t0 = util_now_ns();
	fiber_spawn(fiber_rt_self(), bench_yielder, bf, NULL, &x);
	fiber_spawn(fiber_rt_self(), bench_yielder, bf, NULL, &y);
	fiber_join(x);
	fiber_join(y);
	bf->t1 = util_now_ns();
}

/* Run parent on a fresh one-worker runtime; returns elapsed ns or 0. */
static uint64_t
bench_fiber_run(fiber_fn parent, struct bench_fib *bf)
{
	struct fiber_rt_config	 cfg = { 1, 0, -1 };
	struct fiber_rt		*rt;
	struct fiber		*p;

	if ((rt = fiber_rt_create(&cfg)) == NULL)
		return (0);
	if (bf->a == NULL) {
		bf->a = fiber_chan_create(rt, sizeof(long), 0);
		bf->b = fiber_chan_create(rt, sizeof(long), 0);
	}
	if (fiber_spawn(rt, parent, bf, NULL, &p) != 0) {
		fiber_rt_destroy(rt);
		return (0);
	}
	fiber_join(p);
	fiber_chan_destroy(bf->a);
	fiber_chan_destroy(bf->b);
	fiber_rt_destroy(rt);
	return (bf->t1 - bf->t0);
}

/* ns per fiber switch through the scheduler (two fibers yielding). */
static double
bench_fiber_switch(void)
{
	struct bench_fib	bf;
	uint64_t		ns;

	memset(&bf, 0, sizeof bf);
	bf.n = BENCH_FIBER_SWITCHES / 2;
	ns = bench_fiber_run(bench_pair_parent, &bf);
	return (ns == 0 ? -1 : (double)ns / BENCH_FIBER_SWITCHES);
}

/* Receive on a, send back on b, n times. */
static void
bench_ponger(void *arg)
{
	struct bench_fib	*bf = arg;
	long			 i, v;

	for (i = 0; i < bf->n; i++) {
		fiber_chan_recv(bf->a, &v);
		fiber_chan_send(bf->b, &v);
	}
}

/* Send on a, receive on b, n times; time it. */
static void
bench_pinger(void *arg)
{
	struct bench_fib	*bf = arg;
	struct fiber		*p;
	long			 i, v = 0;

	fiber_spawn(fiber_rt_self(), bench_ponger, bf, NULL, &p);
	bf->t0 = util_now_ns();
	for (i = 0; i < bf->n; i++) {
		fiber_chan_send(bf->a, &v);
		fiber_chan_recv(bf->b, &v);
	}
	bf->t1 = util_now_ns();
	fiber_join(p);
}

/* ns per unbuffered channel handoff between two fibers. */
static double
bench_fiber_handoff(void)
{
	struct bench_fib	bf;
	uint64_t		ns;

	memset(&bf, 0, sizeof bf);
	bf.n = BENCH_FIBER_HANDOFFS / 2;
	ns = bench_fiber_run(bench_pinger, &bf);
	return (ns == 0 ? -1 : (double)ns / BENCH_FIBER_HANDOFFS);
}

static _Atomic long	bench_exited;

/* Exit at once. */
static void
bench_nothing(void *arg)
{
	atomic_fetch_add_explicit(&bench_exited, 1, memory_order_relaxed);
}

/*
 * Spawn BENCH_FIBER_SPAWNS detached fibers, yielding after every wave so
 * they run and exit and their stacks are reused (as in a server that keeps
 * a steady number of tasks); without the waves this measures page faults.
 */
static void
bench_spawner(void *arg)
{
	struct bench_fib	*bf = arg;
	long			 i;

	bf->t0 = util_now_ns();
	for (i = 0; i < BENCH_FIBER_SPAWNS; i++) {
		if (fiber_spawn(fiber_rt_self(), bench_nothing, NULL, NULL,
		    NULL) != 0)
			break;
		if (i % BENCH_SPAWN_WAVE == BENCH_SPAWN_WAVE - 1)
			fiber_yield();
	}
}

/* Fibers spawned and exited per second (one worker, recycled stacks). */
static double
bench_fiber_spawn(void)
{
	struct fiber_rt_config	 cfg = { 1, 0, -1 };
	struct fiber_rt		*rt;
	struct bench_fib	 bf;
	uint64_t		 t1;

	memset(&bf, 0, sizeof bf);
	atomic_store(&bench_exited, 0);
	if ((rt = fiber_rt_create(&cfg)) == NULL)
		return (-1);
	if (fiber_spawn(rt, bench_spawner, &bf, NULL, NULL) != 0) {
		fiber_rt_destroy(rt);
		return (-1);
	}
	while (atomic_load(&bench_exited) < BENCH_FIBER_SPAWNS)
		sched_yield();
	t1 = util_now_ns();
	fiber_rt_destroy(rt);
	return (BENCH_FIBER_SPAWNS / ((double)(t1 - bf.t0) / 1e9));
}

/* Return at once. */
static void *
bench_thread_nothing(void *arg)
{
	return (arg);
}

/* Threads created and joined per second (default attributes). */
static double
bench_thread_spawn(void)
{
	pthread_t	t;
	uint64_t	t0 = util_now_ns();
	int		i;

	for (i = 0; i < BENCH_THREAD_SPAWNS; i++) {
		if (pthread_create(&t, NULL, bench_thread_nothing, NULL) != 0)
			return (-1);
		pthread_join(t, NULL);
	}
	return (BENCH_THREAD_SPAWNS / ((double)(util_now_ns() - t0) / 1e9));
}

struct bench_sleepers {
	long		 share;		/* per spawner */
	struct fiber_attr *attr;
	_Atomic long	 spawned;
	_Atomic int	 spawners;
	_Atomic int	 failed;
	_Atomic long	 asleep;
	_Atomic long	 woke;
	uint64_t	 wake_at;	/* 0: sleep until stopped */
	_Atomic uint64_t last_wake;
};

/* Count myself asleep, then sleep (until wake_at, or until stopped). */
static void
bench_sleeper(void *arg)
{
	struct bench_sleepers	*s = arg;
	uint64_t		 now;

	atomic_fetch_add_explicit(&s->asleep, 1, memory_order_relaxed);
	if (s->wake_at == 0) {
		fiber_sleep(BENCH_SLEEP_NS);
		return;
	}
	now = util_now_ns();
	fiber_sleep(s->wake_at > now ? s->wake_at - now : 0);
	now = util_now_ns();
	if (now > atomic_load_explicit(&s->last_wake, memory_order_relaxed))
		atomic_store_explicit(&s->last_wake, now,
		    memory_order_relaxed);
	atomic_fetch_add_explicit(&s->woke, 1, memory_order_relaxed);
}

/* Spawn this spawner's share of the sleepers from inside the runtime. */
static void
bench_sleep_spawner(void *arg)
{
	struct bench_sleepers	*s = arg;
	long			 i, share = s->share;

	atomic_fetch_add(&s->spawners, 1);
	for (i = 0; i < share; i++) {
		if (fiber_spawn(fiber_rt_self(), bench_sleeper, s, s->attr,
		    NULL) != 0) {
			atomic_store(&s->failed, 1);
			return;
		}
	}
	atomic_fetch_add(&s->spawned, i);
}

/*
 * Put n fibers of stack class size to sleep on rt, spawned by one fiber per
 * worker; measure committed stack bytes and RSS growth per sleeper and the
 * time until all slept.  With wake_ms they wake together at start +
 * wake_ms (measure how late the last one was) and exit; without, they
 * sleep until the runtime stops.  0 or -1.
 */
static int
bench_sleepers_run(struct fiber_rt *rt, size_t size, long n, uint64_t wake_ms,
    struct bench_sleep_out *o)
{
	struct fiber_attr	 attr = { size };
	struct bench_sleepers	 s;
	struct fiber_stats	 st;
	uint64_t		 rss0, t0, end;
	long			 p, k;

	memset(&s, 0, sizeof s);
	fiber_rt_stats(rt, &st);
	p = st.workers > 0 ? st.workers : 1;
	rss0 = bench_rss();
	t0 = util_now_ns();
	end = t0 + 30000000000ULL;
	if (wake_ms != 0)
		s.wake_at = t0 + wake_ms * 1000000ULL;
	s.attr = &attr;
	for (k = 0; k < p; k++) {
		s.share = n / p + (k < n % p ? 1 : 0);
		if (fiber_spawn(rt, bench_sleep_spawner, &s, NULL, NULL) != 0)
			return (-1);
		while (atomic_load(&s.spawners) != k + 1 && !atomic_load(&s.failed) &&
		    util_now_ns() < end)
			sched_yield();	/* share is read at its start */
	}
	while (atomic_load(&s.asleep) < n && !atomic_load(&s.failed) &&
	    util_now_ns() < end)
		usleep(1000);
	o->asleep_s = (double)(util_now_ns() - t0) / 1e9;
	usleep(20000);		/* let the last ones reach their park */
	o->bytes = (double)fiber_rt_stack_committed(rt) / (double)n;
	o->rss = ((double)bench_rss() - (double)rss0) / (double)n;
	o->late_ms = -1;
	if (wake_ms != 0) {
		while (atomic_load(&s.woke) < atomic_load(&s.asleep) &&
		    util_now_ns() < end)
			usleep(1000);
		if (o->asleep_s * 1000 < (double)wake_ms)
			o->late_ms = ((double)atomic_load(&s.last_wake) -
			    (double)s.wake_at) / 1e6;
		/* Wait for them to exit so the stacks can be reused. */
		do {
			usleep(1000);
			fiber_rt_stats(rt, &st);
		} while (st.live != 0 && util_now_ns() < end);
	}
	return (atomic_load(&s.asleep) == n ? 0 : -1);
}

/* Sleepers of one class on a runtime of their own. */
static int
bench_sleep_fibers(size_t size, long n, struct bench_sleep_out *o)
{
	struct fiber_rt_config	 cfg = { 0, size, -1 };
	struct fiber_rt		*rt;
	int			 rc;

	if ((rt = fiber_rt_create(&cfg)) == NULL)
		return (-1);
	rc = bench_sleepers_run(rt, size, n, 0, o);
	fiber_rt_destroy(rt);
	return (rc);
}

/* Microseconds the first write to a fresh page costs on this machine. */
static double
bench_page_touch_us(void)
{
	size_t		 n = 4096, i, page = (size_t)sysconf(_SC_PAGESIZE);
	char		*p;
	uint64_t	 t0;
	double		 us;

	p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	t0 = util_now_ns();
	for (i = 0; i < n; i++)
		p[i * page] = 1;
	us = (double)(util_now_ns() - t0) / 1e3 / (double)n;
	munmap(p, n * page);
	return (us);
}

struct bench_tsleep {
	pthread_mutex_t	 m;
	pthread_cond_t	 c;		/* the threads wait for go */
	pthread_cond_t	 started_c;	/* the bench waits for started */
	int		 go;
	long		 started;
	long		 want;
	void		**lo;
	size_t		*len;
};

struct bench_targ {
	struct bench_tsleep	*ts;
	long			 i;
};

/* Record my stack, then sleep on the condvar until told to go. */
static void *
bench_thread_sleeper(void *arg)
{
	struct bench_targ	*a = arg;
	struct bench_tsleep	*ts = a->ts;
	pthread_attr_t		 attr;

	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		pthread_attr_getstack(&attr, &ts->lo[a->i], &ts->len[a->i]);
		pthread_attr_destroy(&attr);
	}
	pthread_mutex_lock(&ts->m);
	/* Only the bench waits here: a broadcast to all would wake every
	   sleeper for every new thread. */
	if (++ts->started == ts->want)
		pthread_cond_signal(&ts->started_c);
	while (!ts->go)
		pthread_cond_wait(&ts->c, &ts->m);
	pthread_mutex_unlock(&ts->m);
	return (NULL);
}

/* Read a long from a file, or def. */
static long
bench_read_long(const char *path, long def)
{
	FILE	*f = fopen(path, "r");
	long	 v;

	if (f == NULL)
		return (def);
	if (fscanf(f, "%ld", &v) != 1)
		v = def;
	fclose(f);
	return (v);
}

/* How many threads we may start without hitting a limit; says which. */
static long
bench_thread_cap(struct bench_result *r, long want)
{
	struct rlimit	rl;
	long		cap = want, v, have = 64;	/* margin for the rest */

	v = bench_read_long("/proc/sys/kernel/threads-max", -1);
	if (v > 0 && v / 2 < cap) {
		cap = v / 2;
		snprintf(r->limits, sizeof r->limits, "threads-max %ld", v);
	}
	v = bench_read_long("/proc/sys/kernel/pid_max", -1);
	if (v > 0 && v / 2 < cap) {
		cap = v / 2;
		snprintf(r->limits, sizeof r->limits, "pid_max %ld", v);
	}
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur - have < cap) {
		cap = (long)rl.rlim_cur - have;
		snprintf(r->limits, sizeof r->limits, "RLIMIT_NPROC %ld",
		    (long)rl.rlim_cur);
	}
	v = bench_read_long("/sys/fs/cgroup/pids.max", -1);
	if (v > 0 && v - have < cap) {
		cap = v - have;
		snprintf(r->limits, sizeof r->limits, "cgroup pids.max %ld", v);
	}
	{
		FILE	*f = fopen("/proc/loadavg", "r");
		long	 total = -1, tmax;
		double	 l1, l5, l15;
		long	 running;

		/* Threads the whole machine runs now: leave it half the rest. */
		if (f != NULL) {
			if (fscanf(f, "%lf %lf %lf %ld/%ld", &l1, &l5, &l15,
			    &running, &total) != 5)
				total = -1;
			fclose(f);
		}
		tmax = bench_read_long("/proc/sys/kernel/threads-max", -1);
		if (total > 0 && tmax > total && (tmax - total) / 2 < cap) {
			cap = (tmax - total) / 2;
			snprintf(r->limits, sizeof r->limits,
			    "threads-max %ld with %ld threads running", tmax,
			    total);
		}
	}
	v = bench_read_long("/sys/fs/cgroup/pids/pids.max", -1);	/* v1 */
	if (v > 0 && v - have < cap) {
		cap = v - have;
		snprintf(r->limits, sizeof r->limits, "cgroup pids.max %ld", v);
	}
	v = bench_read_long("/proc/sys/vm/max_map_count", -1);
	if (v > 0 && v / 3 < cap) {		/* stack + guard per thread */
		cap = v / 3;
		snprintf(r->limits, sizeof r->limits, "vm.max_map_count %ld",
		    v);
	}
	if (bench_read_long("/proc/sys/vm/overcommit_memory", 0) == 2) {
		cap = cap > 100 ? 100 : cap;
		snprintf(r->limits, sizeof r->limits,
		    "vm.overcommit_memory=2 (strict): default 8 MiB stacks "
		    "count fully");
	}
	return (cap < 0 ? 0 : cap);
}

/* Committed stack bytes and RSS growth per sleeping thread (default
   stacks). */
static int
bench_sleep_threads(struct bench_result *r)
{
	struct bench_tsleep	 ts;
	struct bench_targ	*args;
	pthread_t		*t;
	unsigned char		*vec = NULL;
	size_t			 cap = 0, pages, j, page = 4096;
	uint64_t		 rss0, committed = 0;
	long			 n, i, started;
	int			 err = 0;

	n = bench_thread_cap(r, BENCH_THREADS);
	if (n < BENCH_THREADS)
		bench_note(r, "threads capped at %ld by %s", n, r->limits);
	if (n <= 0)
		return (-1);
	memset(&ts, 0, sizeof ts);
	pthread_mutex_init(&ts.m, NULL);
	pthread_cond_init(&ts.c, NULL);
	pthread_cond_init(&ts.started_c, NULL);
	ts.want = n;
	ts.lo = xcalloc((size_t)n, sizeof *ts.lo);
	ts.len = xcalloc((size_t)n, sizeof *ts.len);
	args = xcalloc((size_t)n, sizeof *args);
	t = xcalloc((size_t)n, sizeof *t);
	rss0 = bench_rss();
	for (i = 0; i < n; i++) {
		args[i].ts = &ts;
		args[i].i = i;
		if ((err = pthread_create(&t[i], NULL, bench_thread_sleeper,
		    &args[i])) != 0)
			break;
	}
	started = i;
	pthread_mutex_lock(&ts.m);
	ts.want = started;
	pthread_mutex_unlock(&ts.m);
	if (err != 0)
		bench_note(r, "pthread_create failed after %ld threads: %s",
		    started, strerror(err));
	pthread_mutex_lock(&ts.m);
	while (ts.started < started)
		pthread_cond_wait(&ts.started_c, &ts.m);
	pthread_mutex_unlock(&ts.m);
	r->tsleep_rss = ((double)bench_rss() - (double)rss0) /
	    (double)(started ? started : 1);
	for (i = 0; i < started; i++) {
		pages = (ts.len[i] + page - 1) / page;
		if (pages > cap) {
			vec = xrealloc(vec, pages);
			cap = pages;
		}
		if (ts.lo[i] == NULL || mincore(ts.lo[i], ts.len[i], vec) != 0)
			continue;
		for (j = 0; j < pages; j++)
			committed += vec[j] & 1;
	}
	r->tsleep = (double)(committed * page) / (double)(started ? started :
	    1);
	r->nthreads = started;
	pthread_mutex_lock(&ts.m);
	ts.go = 1;
	pthread_cond_broadcast(&ts.c);
	pthread_mutex_unlock(&ts.m);
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(vec);
	free(t);
	free(args);
	free(ts.lo);
	free(ts.len);
	pthread_cond_destroy(&ts.c);
	pthread_cond_destroy(&ts.started_c);
	pthread_mutex_destroy(&ts.m);
	return (started > 0 ? 0 : -1);
}

/* Run every measurement. */
static int
bench_measure(struct bench_result *r)
{
	double	v[8][BENCH_TRIALS];
	long	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t	k;
	int	i, c;

	for (i = 0; i < BENCH_TRIALS; i++) {
		bench_step("loop, context switch");
		v[0][i] = bench_loop();
		v[1][i] = bench_ctx();
		bench_step("thread handoffs");
		v[2][i] = bench_thread_handoff(-1, -1);
		v[3][i] = bench_thread_handoff(0, 0);
		v[4][i] = ncpu > 1 ? bench_thread_handoff(0, 1) : -1;
		bench_step("fiber switch");
		v[5][i] = bench_fiber_switch();
		bench_step("fiber handoff");
		v[6][i] = bench_fiber_handoff();
		bench_step("fiber spawn");
		v[7][i] = bench_fiber_spawn();
	}
	bench_step("thread spawn");
	r->loop_ns = bench_median(v[0], BENCH_TRIALS);
	r->ctx_ns = bench_median(v[1], BENCH_TRIALS);
	r->thr_ns[0] = bench_median(v[2], BENCH_TRIALS);
	r->thr_ns[1] = bench_median(v[3], BENCH_TRIALS);
	r->thr_ns[2] = bench_median(v[4], BENCH_TRIALS);
	r->fsw_ns = bench_median(v[5], BENCH_TRIALS);
	r->fho_ns = bench_median(v[6], BENCH_TRIALS);
	r->fspawn = bench_median(v[7], BENCH_TRIALS);
	for (i = 0; i < BENCH_TRIALS; i++)
		v[0][i] = bench_thread_spawn();
	r->tspawn = bench_median(v[0], BENCH_TRIALS);
	if (ncpu < 2)
		bench_note(r, "one CPU: no cross-CPU handoff");

	for (k = 0; k < CSW_ARRAY_LEN(bench_classes); k++) {
		struct bench_sleep_out	o;

		bench_step("fiber sleepers");
		c = 0;
		while (((size_t)FIBER_STACK_MIN << c) != bench_classes[k])
			c++;
		if (bench_sleep_fibers(bench_classes[k], BENCH_SLEEPERS,
		    &o) != 0) {
			bench_note(r, "%zu-byte class: not all %d fibers slept",
			    bench_classes[k], BENCH_SLEEPERS);
			r->fsleep[c] = -1;
			continue;
		}
		r->fsleep[c] = o.bytes;
		r->fsleep_rss[c] = o.rss;
	}
	r->touch_us = bench_page_touch_us();
	/*
	 * A fresh million costs half a million first page touches: about a
	 * second on bare metal, 10-50 us each on some VMs.  Scale it down
	 * unless that stays short (or CSW_BENCH_FULL is set), and say so.
	 */
	r->nmillion = BENCH_MILLION;
	if (getenv("CSW_BENCH_FULL") == NULL && r->touch_us > 0 &&
	    r->touch_us * (BENCH_MILLION / 2) / 1e6 > BENCH_FRESH_MAX_S) {
		r->nmillion = (long)(BENCH_FRESH_MAX_S * 1e6 * 2 /
		    r->touch_us) / 10000 * 10000;
		if (r->nmillion < BENCH_SLEEPERS)
			r->nmillion = BENCH_SLEEPERS;
		bench_note(r, "the million sleepers ran as %ld: a fresh page "
		    "costs %.1f us here, a million would take %.0f s "
		    "(CSW_BENCH_FULL=1 runs it)", r->nmillion, r->touch_us,
		    r->touch_us * (BENCH_MILLION / 2) / 1e6);
	}
	bench_step("a million fiber sleepers, fresh and reused arena");
	{
		struct fiber_rt_config	 cfg = { 0, 2048, -1 };
		struct fiber_rt		*rt = fiber_rt_create(&cfg);

		for (i = 0; i < 2 && rt != NULL; i++) {
			r->million_ok[i] = bench_sleepers_run(rt, 2048,
			    r->nmillion, 3000, &r->million[i]) == 0;
			if (!r->million_ok[i])
				bench_note(r, "million sleepers: not all slept "
				    "within 30 s");
		}
		fiber_rt_destroy(rt);
	}
	bench_step("thread sleepers");
	if (bench_sleep_threads(r) != 0) {
		r->tsleep = -1;
		r->tsleep_rss = -1;
	}
	return (0);
}

/* Print a value or "n/a". */
static void
bench_put(FILE *out, const char *label, double v, const char *unit,
    int prec)
{
	if (v < 0)
		fprintf(out, "  %-46s %14s\n", label, "n/a");
	else
		fprintf(out, "  %-46s %14.*f %s\n", label, prec, v, unit);
}

/* Print a JSON number or null. */
static void
bench_json_num(FILE *out, const char *key, double v, int comma)
{
	if (v < 0)
		fprintf(out, "\"%s\":null%s", key, comma ? "," : "");
	else
		fprintf(out, "\"%s\":%.3f%s", key, v, comma ? "," : "");
}

/* Print a JSON string with quotes escaped. */
static void
bench_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Print the human table. */
static void
bench_print_table(FILE *out, struct bench_result *r)
{
	char	label[64];
	size_t	k;
	int	c;

	fprintf(out, "cswviz bench: %ld CPUs, context switch: %s, "
	    "median of %d trials\n\n", sysconf(_SC_NPROCESSORS_ONLN),
	    CTX_NAME, BENCH_TRIALS);
	fprintf(out, "time per operation\n");
	bench_put(out, "plain loop iteration", r->loop_ns, "ns", 2);
	bench_put(out, "bare context switch (no scheduler)", r->ctx_ns,
	    "ns", 2);
	bench_put(out, "thread handoff, mutex+condvar, unpinned",
	    r->thr_ns[0], "ns", 0);
	bench_put(out, "thread handoff, same CPU", r->thr_ns[1], "ns", 0);
	bench_put(out, "thread handoff, across CPUs", r->thr_ns[2], "ns", 0);
	bench_put(out, "fiber yield switch (scheduler, P=1)", r->fsw_ns,
	    "ns", 2);
	bench_put(out, "fiber channel handoff (unbuffered, P=1)", r->fho_ns,
	    "ns", 2);
	fprintf(out, "\nspawn rate\n");
	bench_put(out, "fibers spawned+exited (P=1)", r->fspawn, "/s", 0);
	bench_put(out, "threads created+joined", r->tspawn, "/s", 0);
	fprintf(out, "\nmemory per sleeping task (stack committed, mincore; "
	    "RSS growth)\n");
	for (k = 0; k < CSW_ARRAY_LEN(bench_classes); k++) {
		for (c = 0; ((size_t)FIBER_STACK_MIN << c) != bench_classes[k];
		    c++)
			;
		snprintf(label, sizeof label, "%d fibers, %zu KiB stack",
		    BENCH_SLEEPERS, bench_classes[k] / 1024);
		if (r->fsleep[c] < 0)
			bench_put(out, label, -1, "", 0);
		else
			fprintf(out, "  %-46s %14.0f B   rss %.0f B\n", label,
			    r->fsleep[c], r->fsleep_rss[c]);
	}
	snprintf(label, sizeof label, "%ld threads, default stack",
	    r->nthreads);
	if (r->tsleep < 0)
		bench_put(out, label, -1, "", 0);
	else
		fprintf(out, "  %-46s %14.0f B   rss %.0f B\n", label,
		    r->tsleep, r->tsleep_rss);
	fprintf(out, "\n%ld sleepers, 2 KiB stacks, waking together "
	    "3 s after the start\n", r->nmillion);
	for (c = 0; c < 2; c++) {
		struct bench_sleep_out	*o = &r->million[c];

		fprintf(out, "  %s arena%s\n", c == 0 ? "fresh" : "reused",
		    c == 0 ? " (pays the first touch of every page)" :
		    " (same runtime, stacks recycled)");
		if (!r->million_ok[c]) {
			bench_put(out, "  all asleep", -1, "", 0);
			continue;
		}
		fprintf(out, "  %-46s %14.0f B   rss %.0f B\n",
		    "  stack committed per fiber", o->bytes, o->rss);
		bench_put(out, "  all spawned and asleep in", o->asleep_s, "s",
		    2);
		bench_put(out, "  last wake after the deadline", o->late_ms,
		    "ms", 1);
	}
	bench_put(out, "first write to a fresh page (this machine)",
	    r->touch_us, "us", 1);
	fprintf(out, "\nratios\n");
	if (r->fho_ns > 0 && r->thr_ns[0] > 0)
		fprintf(out, "  %-46s %14.0fx\n",
		    "thread handoff (unpinned) / fiber handoff",
		    r->thr_ns[0] / r->fho_ns);
	if (r->fho_ns > 0 && r->thr_ns[1] > 0)
		fprintf(out, "  %-46s %14.0fx\n",
		    "thread handoff (same CPU) / fiber handoff",
		    r->thr_ns[1] / r->fho_ns);
	if (r->fspawn > 0 && r->tspawn > 0)
		fprintf(out, "  %-46s %14.0fx\n", "fiber spawn rate / thread",
		    r->fspawn / r->tspawn);
	if (r->fsleep[3] > 0 && r->tsleep > 0)
		fprintf(out, "  %-46s %14.1fx\n",
		    "thread stack / fiber stack (16 KiB) committed",
		    r->tsleep / r->fsleep[3]);
	if (r->notes[0] != '\0')
		fprintf(out, "\nnotes: %s\n", r->notes);
}

/* Print the JSON object. */
static void
bench_print_json(FILE *out, struct bench_result *r)
{
	size_t	k;
	int	c, first;

	fprintf(out, "{\"cpus\":%ld,\"context_switch\":",
	    sysconf(_SC_NPROCESSORS_ONLN));
	bench_json_str(out, CTX_NAME);
	fprintf(out, ",\"trials\":%d,", BENCH_TRIALS);
	bench_json_num(out, "loop_ns", r->loop_ns, 1);
	bench_json_num(out, "ctx_switch_ns", r->ctx_ns, 1);
	bench_json_num(out, "thread_handoff_ns", r->thr_ns[0], 1);
	bench_json_num(out, "thread_handoff_same_cpu_ns", r->thr_ns[1], 1);
	bench_json_num(out, "thread_handoff_cross_cpu_ns", r->thr_ns[2], 1);
	bench_json_num(out, "fiber_switch_ns", r->fsw_ns, 1);
	bench_json_num(out, "fiber_handoff_ns", r->fho_ns, 1);
	bench_json_num(out, "fiber_spawn_per_s", r->fspawn, 1);
	bench_json_num(out, "thread_spawn_per_s", r->tspawn, 1);
	bench_json_num(out, "fiber_sleeper_bytes", r->fsleep[3], 1);
	for (first = 1, k = 0; k < 2; k++) {
		fprintf(out, "\"%s\":{", k == 0 ?
		    "fiber_sleeper_bytes_by_class" : "fiber_sleeper_rss_bytes");
		for (first = 1, c = 0; c < FIBER_STACK_CLASSES; c++) {
			size_t	j;
			char	key[32];

			for (j = 0; j < CSW_ARRAY_LEN(bench_classes); j++) {
				if (bench_classes[j] ==
				    ((size_t)FIBER_STACK_MIN << c))
					break;
			}
			if (j == CSW_ARRAY_LEN(bench_classes))
				continue;
			if (!first)
				fputc(',', out);
			first = 0;
			snprintf(key, sizeof key, "%zu", bench_classes[j]);
			bench_json_num(out, key, k == 0 ? r->fsleep[c] :
			    r->fsleep_rss[c], 0);
		}
		fprintf(out, "},");
	}
	bench_json_num(out, "thread_sleeper_bytes", r->tsleep, 1);
	bench_json_num(out, "thread_sleeper_rss_bytes", r->tsleep_rss, 1);
	fprintf(out, "\"thread_sleepers\":%ld,", r->nthreads);
	fprintf(out, "\"million_sleepers\":{\"count\":%ld,", r->nmillion);
	for (c = 0; c < 2; c++) {
		struct bench_sleep_out	*o = &r->million[c];

		fprintf(out, "\"%s\":{", c == 0 ? "fresh" : "reused");
		bench_json_num(out, "stack_bytes", r->million_ok[c] ? o->bytes :
		    -1, 1);
		bench_json_num(out, "rss_bytes", r->million_ok[c] ? o->rss : -1,
		    1);
		bench_json_num(out, "asleep_s", r->million_ok[c] ? o->asleep_s :
		    -1, 1);
		bench_json_num(out, "late_ms", r->million_ok[c] ? o->late_ms :
		    -1, 0);
		fprintf(out, "}%s", c == 0 ? "," : "");
	}
	fprintf(out, "},");
	bench_json_num(out, "page_first_touch_us", r->touch_us, 0);
	fprintf(out, ",\"ratios\":{");
	bench_json_num(out, "thread_over_fiber_handoff", r->fho_ns > 0 &&
	    r->thr_ns[0] > 0 ? r->thr_ns[0] / r->fho_ns : -1, 1);
	bench_json_num(out, "fiber_over_thread_spawn", r->fspawn > 0 &&
	    r->tspawn > 0 ? r->fspawn / r->tspawn : -1, 0);
	fprintf(out, "},\"limits\":");
	bench_json_str(out, r->limits);
	fprintf(out, ",\"notes\":");
	bench_json_str(out, r->notes);
	fprintf(out, "}\n");
}

/* Print the table (json 0) or one JSON object (json 1) to out. */
int
bench_run(FILE *out, int json)
{
	struct bench_result	*r;

	r = xcalloc(1, sizeof *r);
	bench_verbose = getenv("CSW_BENCH_VERBOSE") != NULL;
	if (bench_measure(r) != 0) {
		fprintf(stderr, "cswviz: bench: %s\n", r->notes);
		free(r);
		return (1);
	}
	if (json)
		bench_print_json(out, r);
	else
		bench_print_table(out, r);
	fflush(out);
	free(r);
	return (ferror(out) ? 1 : 0);
}

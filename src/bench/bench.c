/* SPDX-License-Identifier: ISC */
/*
 * `cswviz --bench`: what a switch, a handoff, a spawn and a sleeping task
 * cost on this machine, threads against fibers.  Timings are medians of
 * BENCH_TRIALS trials, shown with the lowest and highest trial; memory
 * figures come from one run each (mincore over the stacks, and the process
 * RSS growth).
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
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_go.h"
#include "bench/bench_sampler.h"
#include "engine/engine.h"
#include "runtime/ctx.h"
#include "runtime/fiber.h"
#include "util/lathist.h"
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

/* Goals against Go in the same run: ours over Go's at most (time, RSS),
   Go's handoff over ours at least. */
#define BENCH_GO_TIME_RATIO	1.0
#define BENCH_GO_RSS_RATIO	0.8
#define BENCH_GO_HANDOFF_RATIO	4.0
#define BENCH_GO_HANDOFF_TRIALS	3

/* Goals of the fiber runtime, printed beside the figures. */
#define BENCH_MILLION_TARGET_S	3.0	/* a million 2 KiB sleepers asleep */
#define BENCH_2K_TARGET_B	2560	/* committed per 2 KiB sleeper */
#define BENCH_16K_TARGET_B	4608	/* committed per 16 KiB sleeper */

struct bench_sleep_out {
	double		 bytes;		/* stack committed per sleeper */
	double		 rss;		/* RSS growth per sleeper */
	double		 asleep_s;	/* until all were asleep */
	double		 late_ms;	/* last wake after the deadline */
	double		 cpu_s;		/* CPU time of the process meanwhile */
};

/* The timed rows, in the order they print. */
enum bench_timing {
	BENCH_LOOP,
	BENCH_CTX,
	BENCH_THR,		/* unpinned */
	BENCH_THR_SAME,
	BENCH_THR_CROSS,
	BENCH_FSW,
	BENCH_FHO,		/* latency not timed, not traced */
	BENCH_FHO_TIMED,	/* timed as the pingpong scenario does */
	BENCH_FHO_TRACED,	/* --trace on */
	BENCH_FSPAWN,
	BENCH_TSPAWN,
	BENCH_NTIMINGS
};

/* Median and spread of the trials; all -1 when none succeeded. */
struct bench_stat {
	double		 med;
	double		 min;
	double		 max;
};

struct bench_result {
	struct bench_stat t[BENCH_NTIMINGS];
	double		 fsleep[FIBER_STACK_CLASSES];
	double		 fsleep_rss[FIBER_STACK_CLASSES];
	double		 tsleep;
	double		 tsleep_rss;
	long		 nthreads;	/* started */
	long		 nthreads_want;	/* after the limits */
	int		 thread_err;	/* pthread_create, or 0 */
	char		 limit_name[48];	/* the limit that capped, or "" */
	size_t		 tstack;	/* reserved stack per thread, or 0 */
	struct bench_sleep_out million[2];	/* fresh, warm arena */
	int		 million_ok[2];
	long		 nmillion;	/* sleepers actually run */
	double		 touch_us;	/* first write, page faulted in */
	double		 populate_us;	/* MAP_POPULATE, per page */
	double		 populated_us;	/* first write after MAP_POPULATE */
	char		 notes[1024];
	char		 limits[512];
	struct bench_s_out *sampler;	/* the sampler's section */
	/* Against Go, in the same run: a million 2 KiB sleepers on a fresh
	   runtime, and the handoff above. */
	struct bench_go	 go;
	struct bench_sleep_out gomillion;
	int		 gomillion_ok;
};

/* Classes the sleeper measurement covers. */
static const size_t bench_classes[] = {
	2048, 4096, 16384, 65536, 8388608
};

/* Index of the fiber stack class of size bytes (a power of two). */
static int
bench_class_index(size_t size)
{
	int	c = 0;

	while (c < FIBER_STACK_CLASSES - 1 &&
	    ((size_t)FIBER_STACK_MIN << c) < size)
		c++;
	return (c);
}

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

static int	bench_verbose;	/* CSW_BENCH_VERBOSE: progress, with times */
static int	bench_progress;	/* progress on stderr */

/*
 * Say which section starts, on stderr when it is a terminal (or with
 * CSW_BENCH_VERBOSE), so a long run is not silent; stdout stays clean.
 */
static void
bench_step(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void
bench_step(const char *fmt, ...)
{
	static uint64_t	t0;
	va_list		ap;

	if (!bench_progress)
		return;
	if (t0 == 0)
		t0 = util_now_ns();
	if (bench_verbose)
		fprintf(stderr, "bench: %7.2f s  ",
		    (double)(util_now_ns() - t0) / 1e9);
	else
		fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "...\n");
}

/* Median, lowest and highest of the n trials that succeeded (>= 0). */
static void
bench_stats(double *v, int n, struct bench_stat *st)
{
	int	i, ok = 0;

	for (i = 0; i < n; i++) {
		if (v[i] >= 0)
			v[ok++] = v[i];
	}
	if (ok == 0) {
		st->med = st->min = st->max = -1;
		return;
	}
	st->med = util_median(v, (size_t)ok);
	st->min = v[0];
	st->max = v[ok - 1];
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

/*
 * CPU time of the calling thread in ns.  The one-thread rows (loop, bare
 * switch) are timed with it: on a loaded machine a wall clock adds the
 * time the thread waited for a CPU, which is not the cost of the switch.
 */
static uint64_t
bench_cpu_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return (util_now_ns());
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/*
 * CPU time of the whole process (every thread) in ns.  The fiber rows are
 * timed with it, and so is Go's handoff: one worker thread does all of
 * the work, the others sleep, and a wall clock on a shared machine adds
 * every wait for a CPU (an untimed handoff came out slower than a timed
 * one, which does more, when another process ran during its trials).
 */
static uint64_t
bench_proc_cpu_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return (util_now_ns());
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* CPU time of the whole process (every thread) in seconds. */
static double
bench_proc_cpu_s(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return (0);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* ns per iteration of a plain loop (thread CPU time). */
static double
bench_loop(void)
{
	uint64_t	t0, x = 0;
	long		i;

	t0 = bench_cpu_ns();
	for (i = 0; i < BENCH_LOOP_OPS; i++) {
		x += (uint64_t)i;
		__asm__ volatile("" : "+r"(x));
	}
	return ((double)(bench_cpu_ns() - t0) / BENCH_LOOP_OPS);
}

static struct ctx	bench_main_ctx, bench_a_ctx, bench_b_ctx;

/* Switch to b and back BENCH_CTX_SWITCHES / 2 times, then to main. */
static void
bench_ctx_a(void *arg)
{
	long	i;

	for (i = 0; i < BENCH_CTX_SWITCHES / 2; i++)
		CTX_JUMP(&bench_a_ctx, &bench_b_ctx);
	fiber_ctx_switch(&bench_a_ctx, &bench_main_ctx);
}

/* Switch back to a forever. */
static void
bench_ctx_b(void *arg)
{
	for (;;)
		CTX_JUMP(&bench_b_ctx, &bench_a_ctx);
}

/*
 * ns per bare context switch (no scheduler; the switch the scheduler
 * uses, saving and restoring MXCSR and the x87 control word), thread CPU
 * time.  Two fibers switch to each other: BENCH_CTX_SWITCHES switches, a
 * round trip being two; the loop around them is a decrement and a branch.
 */
static double
bench_ctx(void)
{
	static char	sa[65536], sb[65536];
	uint64_t	t0;

	fiber_ctx_init(&bench_a_ctx, sa, sizeof sa, bench_ctx_a, NULL);
	fiber_ctx_init(&bench_b_ctx, sb, sizeof sb, bench_ctx_b, NULL);
	t0 = bench_cpu_ns();
	fiber_ctx_switch(&bench_main_ctx, &bench_a_ctx);
	return ((double)(bench_cpu_ns() - t0) / BENCH_CTX_SWITCHES);
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
	int			 timed;		/* time wakeups (lathist.h) */
	uint64_t		 handed_ns;	/* the pingpong scenario's stamp */
};

/* Take a handoff as pingpong does when timed: record a stamped one. */
static inline void
bench_lat_take(struct bench_fib *bf)
{
	if (bf->timed && bf->handed_ns != 0) {
		lat_wake_record(util_now_ns() - bf->handed_ns);
		bf->handed_ns = 0;
	}
}

/* Make a handoff as pingpong does when timed: stamp one in 64. */
static inline void
bench_lat_give(struct bench_fib *bf, uint32_t *tick)
{
	if (bf->timed && lat_stamp_due(tick))
		bf->handed_ns = util_now_ns();
}

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

	bf->t0 = bench_proc_cpu_ns();
	fiber_spawn(fiber_rt_self(), bench_yielder, bf, NULL, &x);
	fiber_spawn(fiber_rt_self(), bench_yielder, bf, NULL, &y);
	fiber_join(x);
	fiber_join(y);
	bf->t1 = bench_proc_cpu_ns();
}

/* Run parent on a fresh one-worker runtime; returns elapsed ns or 0. */
static uint64_t
bench_fiber_run(fiber_fn parent, struct bench_fib *bf)
{
	struct fiber_rt_config	 cfg = { 1, 0, 0 };
	struct fiber_rt		*rt;
	struct fiber		*p;

	cfg.guard_limit = engine_fiber_guard_limit();
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
	uint32_t		 tick = LAT_SAMPLE_EVERY / 2;

	for (i = 0; i < bf->n; i++) {
		fiber_chan_recv(bf->a, &v);
		bench_lat_take(bf);
		bench_lat_give(bf, &tick);
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
	uint32_t		 tick = 0;

	fiber_spawn(fiber_rt_self(), bench_ponger, bf, NULL, &p);
	bf->t0 = bench_proc_cpu_ns();
	for (i = 0; i < bf->n; i++) {
		bench_lat_give(bf, &tick);
		fiber_chan_send(bf->a, &v);
		fiber_chan_recv(bf->b, &v);
		bench_lat_take(bf);
	}
	bf->t1 = bench_proc_cpu_ns();
	fiber_join(p);
}

/* ns per unbuffered channel handoff between two fibers, latency timed by
   the runtime and the tasks (timed) or by neither. */
static double
bench_fiber_handoff_as(int timed)
{
	struct bench_fib	bf;
	uint64_t		ns;

	memset(&bf, 0, sizeof bf);
	bf.n = BENCH_FIBER_HANDOFFS / 2;
	bf.timed = timed;
	fiber_time_readies(timed);
	ns = bench_fiber_run(bench_pinger, &bf);
	fiber_time_readies(1);
	return (ns == 0 ? -1 : (double)ns / BENCH_FIBER_HANDOFFS);
}

/* ns per fiber channel handoff, nothing timed. */
static double
bench_fiber_handoff(void)
{
	return (bench_fiber_handoff_as(0));
}

/* ns per fiber channel handoff, timed as the pingpong scenario is. */
static double
bench_fiber_handoff_timed(void)
{
	return (bench_fiber_handoff_as(1));
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
	struct fiber_rt_config	 cfg = { 1, 0, 0 };
	struct fiber_rt		*rt;
	struct bench_fib	 bf;
	uint64_t		 t1;

	memset(&bf, 0, sizeof bf);
	atomic_store(&bench_exited, 0);
	cfg.guard_limit = engine_fiber_guard_limit();
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

/* Thread handoff, the kernel picking the CPUs. */
static double
bench_thr_unpinned(void)
{
	return (bench_thread_handoff(-1, -1));
}

/* Thread handoff, both threads pinned to CPU 0. */
static double
bench_thr_same(void)
{
	return (bench_thread_handoff(0, 0));
}

/* Thread handoff, one thread on CPU 0 and one on CPU 1, or -1. */
static double
bench_thr_cross(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return (-1);
	return (bench_thread_handoff(0, 1));
}
/*
 * The same handoffs with --trace's rings on, big enough for every switch
 * (a full ring would take the cheaper path of counting only): the price
 * of tracing, at most twice the handoff.  The row above runs with tracing
 * off, so it shows what the off branch costs.
 */
static double
bench_fiber_handoff_traced(void)
{
	double	ns;

	if (fiber_trace_start(2 * BENCH_FIBER_HANDOFFS + 1024) != 0)
		return (-1);
	ns = bench_fiber_handoff();
	fiber_trace_stop();
	fiber_trace_free();
	return (ns);
}

/*
 * The timed rows: one function per trial, the JSON key (with _min and _max
 * beside it), the label in the table, and the section the progress line
 * names (NULL: the same section as the row before), and the title of the
 * section of the table the row starts, if any.
 */
static const struct bench_row {
	const char	*key;
	const char	*label;
	const char	*unit;
	int		 prec;
	double		(*fn)(void);
	const char	*step;
	const char	*title;		/* starts a section of the table */
	double		 target;	/* the goal, 0 if none */
	int		 at_least;	/* the target is a floor, not a ceiling */
} bench_rows[BENCH_NTIMINGS] = {
	[BENCH_LOOP] = { "loop_ns", "plain loop iteration", "ns", 2,
	    bench_loop, "measuring a plain loop and the bare context switch",
	    "time per operation" },
	[BENCH_CTX] = { "ctx_switch_ns", "bare context switch (no scheduler)",
	    "ns", 2, bench_ctx, NULL },
	[BENCH_THR] = { "thread_handoff_ns",
	    "thread handoff, mutex+condvar, unpinned", "ns", 0,
	    bench_thr_unpinned, "measuring thread handoffs" },
	[BENCH_THR_SAME] = { "thread_handoff_same_cpu_ns",
	    "thread handoff, same CPU", "ns", 0, bench_thr_same, NULL },
	[BENCH_THR_CROSS] = { "thread_handoff_cross_cpu_ns",
	    "thread handoff, across CPUs", "ns", 0, bench_thr_cross, NULL },
	[BENCH_FSW] = { "fiber_switch_ns",
	    "fiber yield switch (scheduler, P=1)", "ns", 2,
	    bench_fiber_switch, "measuring fiber switches", .target = 12 },
	[BENCH_FHO] = { "fiber_handoff_ns",
	    "fiber channel handoff (unbuffered, P=1)", "ns", 2,
	    bench_fiber_handoff, "measuring fiber handoffs", .target = 40 },
	[BENCH_FHO_TIMED] = { "fiber_handoff_timed_ns",
	    "fiber channel handoff, latency timed", "ns", 2,
	    bench_fiber_handoff_timed, "measuring timed fiber handoffs" },
	[BENCH_FHO_TRACED] = { "fiber_handoff_traced_ns",
	    "fiber channel handoff, --trace on", "ns", 2,
	    bench_fiber_handoff_traced, "measuring traced fiber handoffs" },
	[BENCH_FSPAWN] = { "fiber_spawn_per_s", "fibers spawned+exited (P=1)",
	    "/s", 0, bench_fiber_spawn, "measuring fiber spawns",
	    "spawn rate", .target = 4000000, .at_least = 1 },
	[BENCH_TSPAWN] = { "thread_spawn_per_s", "threads created+joined",
	    "/s", 0, bench_thread_spawn, "measuring thread spawns" },
};

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
	double			 cpu0;
	long			 p, k;

	memset(&s, 0, sizeof s);
	fiber_rt_stats(rt, &st);
	p = st.workers > 0 ? st.workers : 1;
	rss0 = bench_rss();
	cpu0 = bench_proc_cpu_s();
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
	o->cpu_s = bench_proc_cpu_s() - cpu0;
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
	struct fiber_rt_config	 cfg = { 0, size, 0 };
	struct fiber_rt		*rt;
	int			 rc;

	cfg.guard_limit = engine_fiber_guard_limit();
	if ((rt = fiber_rt_create(&cfg)) == NULL)
		return (-1);
	rc = bench_sleepers_run(rt, size, n, 0, o);
	fiber_rt_destroy(rt);
	return (rc);
}

/*
 * Microseconds of CPU per page, on this machine, of: the first write to a
 * fresh page (a page fault), mapping pages with MAP_POPULATE (what the
 * 2 KiB class does), and the first write to a page so populated.  On a bare
 * machine the last is a plain cached write; on a VM whose hypervisor
 * fills its own page tables lazily it still traps.
 */
static void
bench_page_costs(struct bench_result *r)
{
	size_t		 n = 4096, i, page = (size_t)sysconf(_SC_PAGESIZE);
	char		*p;
	uint64_t	 t0, t1;

	r->touch_us = r->populate_us = r->populated_us = -1;
	p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	t0 = bench_cpu_ns();
	for (i = 0; i < n; i++)
		p[i * page] = 1;
	r->touch_us = (double)(bench_cpu_ns() - t0) / 1e3 / (double)n;
	munmap(p, n * page);

	t0 = bench_cpu_ns();
	p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return;
	t1 = bench_cpu_ns();
	for (i = 0; i < n; i++)
		p[i * page] = 1;
	r->populated_us = (double)(bench_cpu_ns() - t1) / 1e3 / (double)n;
	r->populate_us = (double)(t1 - t0) / 1e3 / (double)n;
	munmap(p, n * page);
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

/*
 * How many threads we may start, by the engine's rule (engine_task_cap);
 * when capped, r->limits says by which limit and r->limit_name names it.
 */
static long
bench_thread_cap(struct bench_result *r, long want)
{
	char		 why[sizeof r->limits];
	const char	*p;
	long		 cap;

	cap = engine_task_cap(ENGINE_THREADS, 0, want, 0, why, sizeof why);
	if (cap < want && (p = strstr(why, ": ")) != NULL) {
		snprintf(r->limits, sizeof r->limits, "%s", p + 2);
		snprintf(r->limit_name, sizeof r->limit_name, "%.*s",
		    (int)strcspn(p + 2, " "), p + 2);
	}
	return (cap);
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
	r->nthreads_want = n;
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
	r->thread_err = err;
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
		if (ts.len[i] > r->tstack)
			r->tstack = ts.len[i];
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
	double	v[BENCH_TRIALS];
	size_t	k;
	int	i, c;

	for (k = 0; k < BENCH_NTIMINGS; k++) {
		if (bench_rows[k].step != NULL)
			bench_step("%s", bench_rows[k].step);
		for (i = 0; i < BENCH_TRIALS; i++)
			v[i] = bench_rows[k].fn();
		bench_stats(v, BENCH_TRIALS, &r->t[k]);
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		bench_note(r, "one CPU: no cross-CPU handoff");

	bench_step("measuring %d sleeping fibers per stack class",
	    BENCH_SLEEPERS);
	for (k = 0; k < CSW_ARRAY_LEN(bench_classes); k++) {
		struct bench_sleep_out	o;

		c = bench_class_index(bench_classes[k]);
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
	bench_page_costs(r);
	/*
	 * A fresh million costs half a million first page touches (2 KiB
	 * stacks, two to a page, populated): about a second on bare metal,
	 * 15-50 us each on some VMs.  Scale it down unless that stays short
	 * (or CSW_BENCH_FULL is set), and say so.
	 */
	r->nmillion = BENCH_MILLION;
	if (r->populate_us >= 0 && r->populated_us >= 0) {
		double	page_us = r->populate_us + r->populated_us;
		double	est = page_us * (BENCH_MILLION / 2) / 1e6;

		if (getenv("CSW_BENCH_FULL") == NULL && page_us > 0 &&
		    est > BENCH_FRESH_MAX_S) {
			r->nmillion = (long)(BENCH_FRESH_MAX_S * 1e6 * 2 /
			    page_us) / 10000 * 10000;
			if (r->nmillion < BENCH_SLEEPERS)
				r->nmillion = BENCH_SLEEPERS;
			bench_note(r, "the million sleepers ran as %ld: a "
			    "fresh page costs %.1f us here (populated, then "
			    "first written), a million would take %.0f s "
			    "(CSW_BENCH_FULL=1 runs it)", r->nmillion,
			    page_us, est);
		}
	}
	bench_step("measuring %ld sleepers waking together, fresh and reused "
	    "arena", r->nmillion);
	{
		struct fiber_rt_config	 cfg = { 0, 2048,
					    engine_fiber_guard_limit() };
		struct fiber_rt		*rt = fiber_rt_create(&cfg);

		for (i = 0; i < 2 && rt != NULL; i++) {
			r->million_ok[i] = bench_sleepers_run(rt, 2048,
			    r->nmillion, 3000, &r->million[i]) == 0;
			if (!r->million_ok[i])
				bench_note(r, "million sleepers: not all slept "
				    "within 30 s");
			else if (r->million[i].late_ms < 0)
				bench_note(r, "%s arena: falling asleep took "
				    "%.2f s, past the 3 s deadline, so no wake "
				    "lateness", i == 0 ? "fresh" : "reused",
				    r->million[i].asleep_s);
		}
		fiber_rt_destroy(rt);
	}
	bench_step("measuring sleeping threads (up to %d)", BENCH_THREADS);
	if (bench_sleep_threads(r) != 0) {
		r->tsleep = -1;
		r->tsleep_rss = -1;
	}
	bench_step("%s", BENCH_SAMPLER_STEP);
	r->sampler = bench_sampler_measure();
	bench_step("building the Go program and measuring a million "
	    "goroutines and fibers");
	bench_go_run(&r->go, BENCH_MILLION, BENCH_FIBER_HANDOFFS,
	    BENCH_GO_HANDOFF_TRIALS);
	if (r->go.ok)
		r->gomillion_ok = bench_sleep_fibers(2048, BENCH_MILLION,
		    &r->gomillion) == 0;
	else
		bench_note(r, "no Go beside: %s", r->go.why);
	return (0);
}

#define BENCH_LABEL_W	45	/* label column of the table */
#define BENCH_CLASS_DEFAULT 16384	/* the fiber runtime's default */

/* What the words in the table mean, printed under it. */
static const char *const bench_legend[][2] = {
	{ "median", "the middle trial; min-max: the lowest and the highest" },
	{ "goal", "what the fiber runtime is built to reach on a small VM; "
	    "over or under: by how much a figure misses it" },
	{ "loop, bare", "timed in the thread's CPU time, not wall time (so "
	    "are the page costs)" },
	{ "fiber rows", "switch and handoffs, and Go's handoff: timed in the "
	    "process's CPU time (every thread), not wall time" },
	{ "P=1", "one worker thread runs all the fibers" },
	{ "unpinned", "the kernel picks the CPUs (same CPU, across CPUs: "
	    "pinned)" },
	{ "reserved", "address space set aside for a stack, mostly untouched" },
	{ "committed", "stack pages really in memory (counted with mincore)" },
	{ "rss", "growth of the process's resident set (all its memory)" },
	{ "fresh arena", "stacks never used before: each page's first write "
	    "is slow" },
	{ "reused arena", "the same runtime again: its stacks and pages are "
	    "recycled" },
};

/* The section against Go: both figures and the ratio, with its goal. */
static void
bench_print_go(FILE *out, struct bench_result *r)
{
	const struct bench_sleep_out	*o = &r->gomillion;
	const struct bench_go		*g = &r->go;
	double				 ours, ratio;

	fprintf(out, "\nagainst Go on this machine, in this run "
	    "(fibers / goroutines)\n");
	if (!g->ok) {
		fprintf(out, "  %s: skipped\n", g->why);
		return;
	}
	fprintf(out, "  %-*s %9s %9s %8s  %s\n", BENCH_LABEL_W - 2, "",
	    "fibers", "Go", "ratio", "goal");
	if (r->gomillion_ok && g->asleep_s > 0) {
		ratio = o->asleep_s / g->asleep_s;
		fprintf(out, "  %-*s %7.2f s %7.2f s %8.2f  %s %.2f%s\n",
		    BENCH_LABEL_W - 2, "1,000,000 sleepers all asleep (2 KiB)",
		    o->asleep_s, g->asleep_s, ratio, "at most",
		    BENCH_GO_TIME_RATIO, ratio <= BENCH_GO_TIME_RATIO ? "" :
		    ", over");
		ours = o->rss * BENCH_MILLION;
		ratio = g->rss_bytes > 0 ? ours / g->rss_bytes : -1;
		fprintf(out, "  %-*s %5.0f MiB %5.0f MiB %8.2f  %s %.2f%s\n",
		    BENCH_LABEL_W - 2, "RSS growth with them", ours / 1048576,
		    g->rss_bytes / 1048576, ratio, "at most",
		    BENCH_GO_RSS_RATIO, ratio <= BENCH_GO_RSS_RATIO ? "" :
		    ", over");
	} else
		fprintf(out, "  a million fibers did not all fall asleep\n");
	ours = r->t[BENCH_FHO].med;
	if (ours > 0 && g->handoff_ns > 0) {
		ratio = g->handoff_ns / ours;
		fprintf(out, "  %-*s %6.1f ns %6.1f ns %7.2fx  %s %.1fx%s\n",
		    BENCH_LABEL_W - 2, "channel handoff, P=1 / GOMAXPROCS=1",
		    ours, g->handoff_ns, ratio, "at least",
		    BENCH_GO_HANDOFF_RATIO, ratio >= BENCH_GO_HANDOFF_RATIO ?
		    "" : ", under");
	}
}

/* Short name of an error of pthread_create. */
static const char *
bench_errname(int err)
{
	switch (err) {
	case EAGAIN:
		return ("EAGAIN");
	case ENOMEM:
		return ("ENOMEM");
	case EPERM:
		return ("EPERM");
	case EINVAL:
		return ("EINVAL");
	}
	return ("error");
}

/* Say what cut the sleeping threads short into buf, or "" if nothing. */
static void
bench_thread_why(struct bench_result *r, char *buf, size_t len)
{
	if (r->thread_err != 0)
		snprintf(buf, len, "%s at %ld", bench_errname(r->thread_err),
		    r->nthreads + 1);
	else if (r->nthreads_want < BENCH_THREADS && r->limit_name[0] != '\0')
		snprintf(buf, len, "%s limit", r->limit_name);
	else
		buf[0] = '\0';
}

/* Format a size in bytes as "8 MiB", "16 KiB" or "100 B". */
static void
bench_size(char *buf, size_t len, size_t bytes)
{
	if (bytes >= 1048576 && bytes % 1048576 == 0)
		snprintf(buf, len, "%zu MiB", bytes / 1048576);
	else if (bytes >= 1048576)
		snprintf(buf, len, "%.1f MiB", (double)bytes / 1048576);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, len, "%zu KiB", bytes / 1024);
	else
		snprintf(buf, len, "%zu B", bytes);
}

/* Print a section title; over timed rows, head the columns too. */
static void
bench_head(FILE *out, const char *title, int timed)
{
	if (timed)
		fprintf(out, "%-*s%6s     %s\n", 2 + BENCH_LABEL_W + 1 + 10 - 6,
		    title, "median", "min-max");
	else
		fprintf(out, "%s\n", title);
}

/* Print a value or "n/a". */
static void
bench_put(FILE *out, const char *label, double v, const char *unit,
    int prec)
{
	if (v < 0)
		fprintf(out, "  %-*s %10s\n", BENCH_LABEL_W, label, "n/a");
	else
		fprintf(out, "  %-*s %10.*f %s\n", BENCH_LABEL_W, label, prec,
		    v, unit);
}

/*
 * The goal beside a figure, and how the figure compares with it: "goal
 * 5 ns: 72% over", "goal 4000000 /s or more: 88% under", "goal 5 ns: met";
 * "" when there is no goal.
 */
static void
bench_target(char *buf, size_t len, double v, double target, int at_least,
    const char *unit)
{
	char	cmp[32];
	double	off;

	if (target <= 0) {
		buf[0] = '\0';
		return;
	}
	off = at_least ? 1 - v / target : v / target - 1;
	if (v < 0)
		cmp[0] = '\0';
	else if (off <= 0)
		snprintf(cmp, sizeof cmp, ": met");
	else
		snprintf(cmp, sizeof cmp, ": %.*f%% %s", off < 0.01 ? 1 : 0,
		    off * 100, at_least ? "under" : "over");
	snprintf(buf, len, "goal %.*f%s%s%s%s",
	    target == (double)(long)target ? 0 : 2, target,
	    strcmp(unit, "x") == 0 ? "" : " ", unit, at_least ? " or more" :
	    "", cmp);
}

/* Print a timed row: median, the lowest and highest trial, the target. */
static void
bench_put_stat(FILE *out, const struct bench_row *row,
    struct bench_stat *st)
{
	char	spread[64], target[64];

	bench_target(target, sizeof target, st->med, row->target,
	    row->at_least, row->unit);
	if (st->med < 0) {
		fprintf(out, "  %-*s %10s%s%s\n", BENCH_LABEL_W, row->label,
		    "n/a", target[0] != '\0' ? "                    " : "",
		    target);
		return;
	}
	snprintf(spread, sizeof spread, "%.*f-%.*f", row->prec, st->min,
	    row->prec, st->max);
	if (target[0] == '\0')
		fprintf(out, "  %-*s %10.*f %-2s  %s\n", BENCH_LABEL_W,
		    row->label, row->prec, st->med, row->unit, spread);
	else
		fprintf(out, "  %-*s %10.*f %-2s  %-13s  %s\n", BENCH_LABEL_W,
		    row->label, row->prec, st->med, row->unit, spread, target);
}

/* Print committed stack bytes and RSS growth per sleeper, or "n/a", and
   the target (bytes, 0 if none). */
static void
bench_put_mem(FILE *out, const char *label, double bytes, double rss,
    double target)
{
	char	t[64], r[32];

	bench_target(t, sizeof t, bytes, target, 0, "B");
	if (bytes < 0) {
		bench_put(out, label, -1, "", 0);
		return;
	}
	snprintf(r, sizeof r, "rss %.0f B", rss);
	if (t[0] == '\0')
		fprintf(out, "  %-*s %10.0f B   %s\n", BENCH_LABEL_W, label,
		    bytes, r);
	else
		fprintf(out, "  %-*s %10.0f B   %-13s  %s\n", BENCH_LABEL_W,
		    label, bytes, r, t);
}

/* Print a ratio. */
static void
bench_put_ratio(FILE *out, const char *label, double v, int prec)
{
	fprintf(out, "  %-*s %10.*fx\n", BENCH_LABEL_W, label, prec, v);
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

/* Print a JSON median as key, and the spread as key_min and key_max. */
static void
bench_json_stat(FILE *out, const char *key, struct bench_stat *st)
{
	char	k[64];

	bench_json_num(out, key, st->med, 1);
	snprintf(k, sizeof k, "%s_min", key);
	bench_json_num(out, k, st->min, 1);
	snprintf(k, sizeof k, "%s_max", key);
	bench_json_num(out, k, st->max, 1);
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
	struct bench_stat	*t = r->t;
	char			 label[96], size[32], fib[32], why[64];
	char			 tgt[64];
	size_t			 k;
	int			 c, def;

	def = bench_class_index(BENCH_CLASS_DEFAULT);
	fprintf(out, "cswviz bench: %ld CPUs, context switch: %s, "
	    "%d trials each\n", sysconf(_SC_NPROCESSORS_ONLN), CTX_NAME,
	    BENCH_TRIALS);
	for (k = 0; k < BENCH_NTIMINGS; k++) {
		if (bench_rows[k].title != NULL) {
			fputc('\n', out);
			bench_head(out, bench_rows[k].title, 1);
		}
		bench_put_stat(out, &bench_rows[k], &t[k]);
	}
	fputc('\n', out);
	bench_head(out, "memory per sleeping task (stack committed; "
	    "rss growth)", 0);
	for (k = 0; k < CSW_ARRAY_LEN(bench_classes); k++) {
		c = bench_class_index(bench_classes[k]);
		bench_size(size, sizeof size, bench_classes[k]);
		snprintf(label, sizeof label, "%d fibers, %s stack",
		    BENCH_SLEEPERS, size);
		bench_put_mem(out, label, r->fsleep[c], r->fsleep_rss[c],
		    bench_classes[k] == 2048 ? BENCH_2K_TARGET_B :
		    bench_classes[k] == 16384 ? BENCH_16K_TARGET_B : 0);
	}
	bench_thread_why(r, why, sizeof why);
	bench_size(size, sizeof size, r->tstack);
	if (why[0] != '\0')
		snprintf(label, sizeof label, "%ld threads (%s: see notes)",
		    r->nthreads, why);
	else if (r->tstack != 0)
		snprintf(label, sizeof label, "%ld threads, %s default stack",
		    r->nthreads, size);
	else
		snprintf(label, sizeof label, "%ld threads, default stack",
		    r->nthreads);
	bench_put_mem(out, label, r->tsleep, r->tsleep_rss, 0);
	fprintf(out, "\n%ld sleepers, 2 KiB stacks, waking together "
	    "3 s after the start (one run each)\n", r->nmillion);
	for (c = 0; c < 2; c++) {
		struct bench_sleep_out	*o = &r->million[c];

		fprintf(out, "  %s arena%s\n", c == 0 ? "fresh" : "reused",
		    c == 0 ? " (pays the first touch of every page)" :
		    " (same runtime, stacks recycled)");
		if (!r->million_ok[c]) {
			bench_put(out, "  all asleep", -1, "", 0);
			continue;
		}
		bench_put_mem(out, "  stack committed per fiber", o->bytes,
		    o->rss, BENCH_2K_TARGET_B);
		bench_target(tgt, sizeof tgt, o->asleep_s,
		    BENCH_MILLION_TARGET_S * r->nmillion / BENCH_MILLION, 0,
		    "s");
		fprintf(out, "  %-*s %10.2f s   %-13s  %s%s\n", BENCH_LABEL_W,
		    "  all spawned and asleep in", o->asleep_s, "", tgt,
		    r->nmillion == BENCH_MILLION ? "" :
		    " (3 s a million, scaled)");
		bench_put(out, "  CPU time meanwhile, all threads", o->cpu_s,
		    "s", 2);
		bench_put(out, "  last wake after the deadline", o->late_ms,
		    "ms", 1);
	}
	bench_print_go(out, r);
	bench_put(out, "first write to a fresh page (page fault)",
	    r->touch_us, "us", 1);
	bench_put(out, "MAP_POPULATE, per page", r->populate_us, "us", 1);
	bench_put(out, "first write to a populated page", r->populated_us,
	    "us", 1);
	fprintf(out, "\nratios\n");
	if (t[BENCH_FHO].med > 0 && t[BENCH_THR].med > 0) {
		bench_target(tgt, sizeof tgt, t[BENCH_THR].med /
		    t[BENCH_FHO].med, 100, 1, "x");
		fprintf(out, "  %-*s %10.0fx  %s\n", BENCH_LABEL_W,
		    "thread handoff (unpinned) / fiber handoff",
		    t[BENCH_THR].med / t[BENCH_FHO].med, tgt);
	}
	if (t[BENCH_FHO].med > 0 && t[BENCH_FHO_TRACED].med > 0) {
		bench_target(tgt, sizeof tgt, t[BENCH_FHO_TRACED].med /
		    t[BENCH_FHO].med, 2, 0, "x");
		fprintf(out, "  %-*s %10.2fx  %s\n", BENCH_LABEL_W,
		    "fiber handoff, --trace on / off",
		    t[BENCH_FHO_TRACED].med / t[BENCH_FHO].med, tgt);
	}
	if (t[BENCH_FHO].med > 0 && t[BENCH_THR_SAME].med > 0)
		bench_put_ratio(out,
		    "thread handoff (same CPU) / fiber handoff",
		    t[BENCH_THR_SAME].med / t[BENCH_FHO].med, 0);
	if (t[BENCH_FHO].med > 0 && t[BENCH_FHO_TIMED].med > 0) {
		bench_target(tgt, sizeof tgt, t[BENCH_FHO_TIMED].med /
		    t[BENCH_FHO].med, 1.15, 0, "x");
		fprintf(out, "  %-*s %10.2fx  %s\n", BENCH_LABEL_W,
		    "fiber handoff, latency timed / untimed",
		    t[BENCH_FHO_TIMED].med / t[BENCH_FHO].med, tgt);
	}
	if (t[BENCH_FSPAWN].med > 0 && t[BENCH_TSPAWN].med > 0)
		bench_put_ratio(out, "fiber spawn rate / thread",
		    t[BENCH_FSPAWN].med / t[BENCH_TSPAWN].med, 0);
	bench_size(fib, sizeof fib, BENCH_CLASS_DEFAULT);
	if (r->tstack != 0) {
		snprintf(label, sizeof label, "stack reserved: thread %s / "
		    "fiber %s", size, fib);
		bench_put_ratio(out, label,
		    (double)r->tstack / BENCH_CLASS_DEFAULT, 0);
	}
	if (r->fsleep[def] > 0 && r->tsleep > 0) {
		snprintf(label, sizeof label, "stack committed: thread / "
		    "fiber %s", fib);
		bench_put_ratio(out, label, r->tsleep / r->fsleep[def], 1);
	}
	bench_sampler_print_table(out, r->sampler);
	if (r->notes[0] != '\0')
		fprintf(out, "\nnotes: %s\n", r->notes);
	fprintf(out, "\nlegend\n");
	for (k = 0; k < CSW_ARRAY_LEN(bench_legend); k++)
		fprintf(out, "  %-13s %s\n", bench_legend[k][0],
		    bench_legend[k][1]);
}

/* Print the JSON object. */
static void
bench_print_json(FILE *out, struct bench_result *r)
{
	struct bench_stat	*t = r->t;
	char			 why[64];
	size_t			 k;
	int			 c, first, def;

	def = bench_class_index(BENCH_CLASS_DEFAULT);
	fprintf(out, "{\"cpus\":%ld,\"context_switch\":",
	    sysconf(_SC_NPROCESSORS_ONLN));
	bench_json_str(out, CTX_NAME);
	fprintf(out, ",\"trials\":%d,", BENCH_TRIALS);
	for (k = 0; k < BENCH_NTIMINGS; k++)
		bench_json_stat(out, bench_rows[k].key, &t[k]);
	bench_json_num(out, "fiber_sleeper_bytes", r->fsleep[def], 1);
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
	bench_json_num(out, "thread_stack_reserved_bytes", r->tstack != 0 ?
	    (double)r->tstack : -1, 1);
	fprintf(out, "\"thread_sleepers\":%ld,\"thread_sleepers_cut\":",
	    r->nthreads);
	bench_thread_why(r, why, sizeof why);
	if (why[0] == '\0')
		fprintf(out, "null,");
	else {
		bench_json_str(out, why);
		fputc(',', out);
	}
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
		bench_json_num(out, "cpu_s", r->million_ok[c] ? o->cpu_s : -1,
		    1);
		bench_json_num(out, "late_ms", r->million_ok[c] ? o->late_ms :
		    -1, 0);
		fprintf(out, "}%s", c == 0 ? "," : "");
	}
	fprintf(out, "},");
	bench_json_num(out, "page_first_touch_us", r->touch_us, 1);
	bench_json_num(out, "page_populate_us", r->populate_us, 1);
	bench_json_num(out, "page_populated_touch_us", r->populated_us, 0);
	fprintf(out, ",\"go\":{");
	bench_json_num(out, "fiber_million_asleep_s", r->gomillion_ok ?
	    r->gomillion.asleep_s : -1, 1);
	bench_json_num(out, "fiber_million_rss_bytes", r->gomillion_ok ?
	    r->gomillion.rss * BENCH_MILLION : -1, 1);
	bench_json_num(out, "go_million_asleep_s", r->go.asleep_s, 1);
	bench_json_num(out, "go_million_rss_bytes", r->go.rss_bytes, 1);
	bench_json_num(out, "go_handoff_ns", r->go.handoff_ns, 0);
	fprintf(out, ",\"skipped\":");
	bench_json_str(out, r->go.ok ? "" : r->go.why);
	fprintf(out, "}");
	fprintf(out, ",\"ratios\":{");
	bench_json_num(out, "thread_over_fiber_handoff",
	    t[BENCH_FHO].med > 0 && t[BENCH_THR].med > 0 ?
	    t[BENCH_THR].med / t[BENCH_FHO].med : -1, 1);
	bench_json_num(out, "fiber_handoff_timed_over_untimed",
	    t[BENCH_FHO].med > 0 && t[BENCH_FHO_TIMED].med > 0 ?
	    t[BENCH_FHO_TIMED].med / t[BENCH_FHO].med : -1, 1);
	bench_json_num(out, "traced_over_fiber_handoff",
	    t[BENCH_FHO].med > 0 && t[BENCH_FHO_TRACED].med > 0 ?
	    t[BENCH_FHO_TRACED].med / t[BENCH_FHO].med : -1, 1);
	bench_json_num(out, "fiber_over_thread_spawn",
	    t[BENCH_FSPAWN].med > 0 && t[BENCH_TSPAWN].med > 0 ?
	    t[BENCH_FSPAWN].med / t[BENCH_TSPAWN].med : -1, 1);
	bench_json_num(out, "thread_over_fiber_stack_reserved", r->tstack != 0 ?
	    (double)r->tstack / BENCH_CLASS_DEFAULT : -1, 1);
	bench_json_num(out, "thread_over_fiber_stack_committed",
	    r->fsleep[def] > 0 && r->tsleep > 0 ? r->tsleep / r->fsleep[def] :
	    -1, 0);
	fprintf(out, "},");
	bench_sampler_print_json(out, r->sampler);
	fprintf(out, "\"targets\":{");
	for (k = 0; k < BENCH_NTIMINGS; k++) {
		if (bench_rows[k].target <= 0)
			continue;
		fprintf(out, "\"%s_%s\":%g,", bench_rows[k].key,
		    bench_rows[k].at_least ? "min" : "max", bench_rows[k].target);
	}
	fprintf(out, "\"thread_over_fiber_handoff_min\":100,"
	    "\"million_sleepers_asleep_s_max\":%g,"
	    "\"fiber_sleeper_bytes_2048_max\":%d,"
	    "\"fiber_sleeper_bytes_16384_max\":%d",
	    BENCH_MILLION_TARGET_S, BENCH_2K_TARGET_B, BENCH_16K_TARGET_B);
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
	bench_progress = bench_verbose || isatty(STDERR_FILENO);
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
	free(r->sampler);
	free(r);
	return (ferror(out) ? 1 : 0);
}

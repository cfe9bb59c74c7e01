/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "runtime/fiber.h"
#include "util/lathist.h"
#include "util/util.h"

#define MS	1000000ULL
#ifdef CSW_SANITIZED
#define MANY	2000	/* TSan: a shadow thread per fiber, and CI is shared */
#define PATIENCE 60000
/* Sanitizer frames overflow a 2 KiB stack: the small class is 8 KiB. */
#define SMALL_STACK 8192
#else
#define MANY	100000
#define PATIENCE 10000
#define SMALL_STACK 2048
#endif

/* A runtime with n workers; guard_limit -1: the engine's map budget. */
static struct fiber_rt *
test_rt(int workers, long guard_limit)
{
	struct fiber_rt_config	cfg = { workers, 0, guard_limit < 0 ?
				    engine_fiber_guard_limit() : guard_limit };
	struct fiber_rt		*rt = fiber_rt_create(&cfg);

	assert_non_null(rt);
	return (rt);
}

/* Stop with the test's patience (the machine may be loaded), then free. */
static void
test_rt_free(struct fiber_rt *rt)
{
	if (!fiber_rt_stopping(rt))
		assert_int_equal(fiber_rt_stop(rt, PATIENCE * MS), 0);
	fiber_rt_destroy(rt);
}

/* Wait (from the test thread) until *v reaches want or 10 s pass. */
static void
test_wait_for(_Atomic long *v, long want)
{
	uint64_t	end = util_now_ns() + PATIENCE * MS;

	while (atomic_load(v) < want && util_now_ns() < end)
		usleep(1000);
	assert_int_equal(atomic_load(v), want);
}

static _Atomic long	counter;

/* Count one. */
static void
test_count(void *arg)
{
	atomic_fetch_add(&counter, 1);
}

static void
test_fiber_spawn_join_100000(void **state)
{
	struct fiber_rt	*rt = test_rt(2, -1);
	struct fiber	**h;
	struct fiber_stats st;
	int		 i, n = MANY;

	h = calloc((size_t)n, sizeof *h);
	atomic_store(&counter, 0);
	for (i = 0; i < n; i++)
		assert_int_equal(fiber_spawn(rt, test_count, NULL, NULL,
		    &h[i]), 0);
	for (i = 0; i < n; i++)
		fiber_join(h[i]);
	assert_int_equal(atomic_load(&counter), n);
	fiber_rt_stats(rt, &st);
	assert_int_equal(st.live, 0);
	assert_true(st.spawns >= (uint64_t)n);
	free(h);
	test_rt_free(rt);
}

/* Spawn MANY detached children from inside a fiber. */
static void
test_spawner(void *arg)
{
	struct fiber_rt	*rt = arg;
	int		 i;

	for (i = 0; i < MANY; i++) {
		if (fiber_spawn(rt, test_count, NULL, NULL, NULL) != 0)
			abort();
	}
}

static void
test_fiber_spawn_from_fiber_detached(void **state)
{
	struct fiber_rt		*rt = test_rt(2, -1);
	struct fiber_stats	 st;

	atomic_store(&counter, 0);
	assert_int_equal(fiber_spawn(rt, test_spawner, rt, NULL, NULL), 0);
	test_wait_for(&counter, MANY);
	fiber_rt_stats(rt, &st);
	assert_true(st.switches >= MANY);
	test_rt_free(rt);
}

static _Atomic int	hog_stop;

/* Spin without yielding until told to stop (or yield each turn if arg). */
static void
test_hog(void *arg)
{
	while (!atomic_load(&hog_stop)) {
		atomic_fetch_add(&counter, 1);
		if (arg != NULL)
			fiber_yield();
	}
}

/* The longest run in progress on any worker, as the sampler sees it. */
static uint64_t
test_longest_run(struct fiber_rt *rt)
{
	struct fiber_stats	st;
	uint64_t		max = 0;
	int			i;

	fiber_rt_stats(rt, &st);
	for (i = 0; i < st.workers; i++)
		if (st.w[i].run_ns > max)
			max = st.w[i].run_ns;
	return (max);
}

/*
 * A fiber that never yields shows its run growing on its worker; one that
 * yields every turn starts a new run each turn.  A run in progress is wall
 * time, so a worker thread that the kernel takes off its CPU mid-turn (a
 * loaded machine, a sanitized build) reads long until it runs again: the
 * yielding fiber has to read short once in a second of looks, where a run
 * that never restarts would read longer and longer.
 */
static void
test_fiber_long_run_seen(void **state)
{
	struct fiber_rt	*rt = test_rt(1, -1);
	struct fiber	*h;
	uint64_t	 res = fiber_coarse_res_ns(), end, run;

	atomic_store(&counter, 0);
	atomic_store(&hog_stop, 0);
	assert_int_equal(fiber_spawn(rt, test_hog, &hog_stop, NULL, &h), 0);
	while (atomic_load(&counter) < 1000)
		usleep(1000);
	usleep(30000 + res / 1000);
	end = util_now_ns() + 1000 * MS;
	while ((run = test_longest_run(rt)) >= 10000000u + res &&
	    util_now_ns() < end)
		usleep(1000);
	atomic_store(&hog_stop, 1);
	fiber_join(h);
	assert_true(run < 10000000u + res);

	atomic_store(&counter, 0);
	atomic_store(&hog_stop, 0);
	assert_int_equal(fiber_spawn(rt, test_hog, NULL, NULL, &h), 0);
	while (atomic_load(&counter) < 1)
		usleep(1000);
	usleep(30000 + res / 1000);
	assert_true(test_longest_run(rt) >= 20000000u);
	atomic_store(&hog_stop, 1);
	fiber_join(h);
	assert_int_equal(test_longest_run(rt), 0);
	test_rt_free(rt);
}

static char	trace[64];
static _Atomic int trace_len;

/* Append a letter three times, yielding in between. */
static void
test_yielder(void *arg)
{
	int	i;

	for (i = 0; i < 3; i++) {
		trace[atomic_fetch_add(&trace_len, 1)] = *(char *)arg;
		fiber_yield();
	}
}

/* Spawn two yielders from inside a fiber so they share one worker. */
static void
test_yield_parent(void *arg)
{
	struct fiber	*a, *b;
	static char	 la = 'a', lb = 'b';

	fiber_spawn(fiber_rt_self(), test_yielder, &la, NULL, &a);
	fiber_spawn(fiber_rt_self(), test_yielder, &lb, NULL, &b);
	fiber_join(a);
	fiber_join(b);
}

static void
test_fiber_yield_interleaves(void **state)
{
	struct fiber_rt	*rt = test_rt(1, -1);
	struct fiber	*p;

	atomic_store(&trace_len, 0);
	assert_int_equal(fiber_spawn(rt, test_yield_parent, NULL, NULL, &p),
	    0);
	fiber_join(p);
	trace[atomic_load(&trace_len)] = '\0';
	assert_string_equal(trace, "ababab");
	test_rt_free(rt);
}

static _Atomic pid_t	seen_tid[2];

/*
 * Note which worker ran this, then hold the worker in the kernel until a
 * second worker has shown up or 50 ms pass: on a loaded machine the idle
 * worker may wait a while for a CPU before it can steal.
 */
static void
test_blocker(void *arg)
{
	pid_t		tid = (pid_t)syscall(SYS_gettid), none = 0;
	uint64_t	until = util_now_ns() + 50 * MS;

	if (!atomic_compare_exchange_strong(&seen_tid[0], &none, tid) &&
	    atomic_load(&seen_tid[0]) != tid)
		atomic_store(&seen_tid[1], tid);
	do
		fiber_block_sleep(1 * MS);
	while (atomic_load(&seen_tid[1]) == 0 && util_now_ns() < until);
	atomic_fetch_add(&counter, 1);
}

/* Queue 64 blockers on this worker's local run queue. */
static void
test_blocker_parent(void *arg)
{
	int	i;

	for (i = 0; i < 64; i++)
		fiber_spawn(fiber_rt_self(), test_blocker, NULL, NULL, NULL);
}

static void
test_fiber_idle_worker_steals(void **state)
{
	struct fiber_rt		*rt = test_rt(2, -1);
	struct fiber_stats	 st;

	atomic_store(&counter, 0);
	atomic_store(&seen_tid[0], 0);
	atomic_store(&seen_tid[1], 0);
	assert_int_equal(fiber_spawn(rt, test_blocker_parent, NULL, NULL,
	    NULL), 0);
	test_wait_for(&counter, 64);
	fiber_rt_stats(rt, &st);
	assert_true(st.steals > 0);
	assert_true(atomic_load(&seen_tid[1]) != 0);
	assert_true(st.w[0].tid != 0 && st.w[1].tid != 0);
	test_rt_free(rt);
}

struct pp {
	struct fiber_chan	*to, *from;
	int			 n;
	long			 sum;
	int			 bad;
};

/* Receive n values, check their order, send each back plus one. */
static void
test_ponger(void *arg)
{
	struct pp	*p = arg;
	int		 i, v;

	for (i = 0; i < p->n; i++) {
		if (fiber_chan_recv(p->to, &v) != FIBER_OK || v != 2 * i)
			p->bad++;
		v++;
		fiber_chan_send(p->from, &v);
	}
}

/* Send n values and sum the replies. */
static void
test_pinger(void *arg)
{
	struct pp	*p = arg;
	int		 i, v;

	for (i = 0; i < p->n; i++) {
		v = 2 * i;
		fiber_chan_send(p->to, &v);
		if (fiber_chan_recv(p->from, &v) != FIBER_OK || v != 2 * i + 1)
			p->bad++;
		p->sum += v;
	}
}

static void
test_fiber_chan_unbuffered_pingpong(void **state)
{
	struct fiber_rt	*rt = test_rt(2, -1);
	struct pp	 p = { NULL, NULL, MANY, 0, 0 };
	struct fiber	*a, *b;

	p.to = fiber_chan_create(rt, sizeof(int), 0);
	p.from = fiber_chan_create(rt, sizeof(int), 0);
	fiber_spawn(rt, test_ponger, &p, NULL, &b);
	fiber_spawn(rt, test_pinger, &p, NULL, &a);
	fiber_join(a);
	fiber_join(b);
	assert_int_equal(p.bad, 0);
	assert_int_equal(p.sum, (long)p.n * p.n);
	fiber_chan_destroy(p.to);
	fiber_chan_destroy(p.from);
	test_rt_free(rt);
}

/*
 * The runtime times one ready in LAT_SAMPLE_EVERY per worker: after 2 *
 * MANY handoffs its histograms hold about 2 * MANY / 64 waits, and
 * switching the timing off stops them.
 */
static void
test_fiber_ready_wait_timed(void **state)
{
	struct fiber_rt		*rt = test_rt(1, -1);
	struct pp		 p = { NULL, NULL, MANY, 0, 0 };
	struct lat_counts	*c = calloc(1, sizeof *c);
	struct fiber		*a, *b;
	uint64_t		 first;

	assert_non_null(c);
	p.to = fiber_chan_create(rt, sizeof(int), 0);
	p.from = fiber_chan_create(rt, sizeof(int), 0);
	fiber_spawn(rt, test_ponger, &p, NULL, &b);
	fiber_spawn(rt, test_pinger, &p, NULL, &a);
	fiber_join(a);
	fiber_join(b);
	fiber_rt_ready_wait(rt, c);
	assert_true(c->total >= (uint64_t)(2 * MANY / LAT_SAMPLE_EVERY) / 2);
	assert_true(c->total <= (uint64_t)(2 * MANY / LAT_SAMPLE_EVERY) * 2 +
	    8);
	assert_true(c->max > 0);
	/* A wait of the median is a switch on one worker: far below 1 ms. */
	assert_true(lat_counts_quantile(c, 0.5) < 1000000);
	first = c->total;
	fiber_time_readies(0);
	p.n = MANY;
	p.sum = 0;
	fiber_spawn(rt, test_ponger, &p, NULL, &b);
	fiber_spawn(rt, test_pinger, &p, NULL, &a);
	fiber_join(a);
	fiber_join(b);
	fiber_time_readies(1);
	memset(c, 0, sizeof *c);
	fiber_rt_ready_wait(rt, c);
	assert_true(c->total <= first + 4);
	fiber_chan_destroy(p.to);
	fiber_chan_destroy(p.from);
	test_rt_free(rt);
	free(c);
}

struct prodcons {
	struct fiber_chan	*c;
	int			 n;
	int			 got;
	int			 bad;
	int			 closed;
};

/* Send 0..n-1 then close. */
static void
test_producer(void *arg)
{
	struct prodcons	*pc = arg;
	int		 i;

	for (i = 0; i < pc->n; i++)
		fiber_chan_send(pc->c, &i);
	fiber_chan_close(pc->c);
}

/* Receive until closed, checking order. */
static void
test_consumer(void *arg)
{
	struct prodcons	*pc = arg;
	int		 v, r;

	while ((r = fiber_chan_recv(pc->c, &v)) == FIBER_OK) {
		if (v != pc->got)
			pc->bad++;
		pc->got++;
	}
	pc->closed = r == FIBER_CLOSED;
}

static void
test_fiber_chan_buffered_order_and_close(void **state)
{
	struct fiber_rt	*rt = test_rt(2, -1);
	struct prodcons	 pc = { NULL, 10000, 0, 0, 0 };
	struct fiber	*a, *b;
	int		 v = 7;

	pc.c = fiber_chan_create(rt, sizeof(int), 16);
	fiber_spawn(rt, test_consumer, &pc, NULL, &b);
	fiber_spawn(rt, test_producer, &pc, NULL, &a);
	fiber_join(a);
	fiber_join(b);
	assert_int_equal(pc.bad, 0);
	assert_int_equal(pc.got, pc.n);
	assert_true(pc.closed);
	assert_int_equal(fiber_chan_len(pc.c), 0);
	(void)v;
	fiber_chan_destroy(pc.c);
	test_rt_free(rt);
}

struct closer {
	struct fiber_chan	*c;
	_Atomic int		 closed_results;
};

/* Send on a channel nobody reads; expect FIBER_CLOSED. */
static void
test_blocked_sender(void *arg)
{
	struct closer	*cl = arg;
	int		 v = 1;

	if (fiber_chan_send(cl->c, &v) == FIBER_CLOSED)
		atomic_fetch_add(&cl->closed_results, 1);
	atomic_fetch_add(&counter, 1);
}

static void
test_fiber_chan_close_wakes_senders(void **state)
{
	struct fiber_rt	*rt = test_rt(2, -1);
	struct closer	 cl;
	int		 i;

	cl.c = fiber_chan_create(rt, sizeof(int), 0);
	atomic_store(&cl.closed_results, 0);
	atomic_store(&counter, 0);
	for (i = 0; i < 10; i++)
		fiber_spawn(rt, test_blocked_sender, &cl, NULL, NULL);
	usleep(20000);
	assert_int_equal(atomic_load(&counter), 0);
	fiber_chan_close(cl.c);
	test_wait_for(&counter, 10);
	assert_int_equal(atomic_load(&cl.closed_results), 10);
	fiber_chan_destroy(cl.c);
	test_rt_free(rt);
}

struct sel {
	struct fiber_chan	*a, *b;
	int			 r_poll, r_timeout, r_pick, val, r_closed;
	uint64_t		 waited;
};

/* Exercise select: poll, timeout, pick the ready case, closed case. */
static void
test_selector(void *arg)
{
	struct sel			*s = arg;
	int				 va = 0, vb = 0;
	struct fiber_select_case	 cs[2] = {
		{ s->a, FIBER_RECV, &va, 0 },
		{ s->b, FIBER_RECV, &vb, 0 },
	};
	uint64_t			 t0;

	s->r_poll = fiber_select(cs, 2, 0);
	t0 = util_now_ns();
	s->r_timeout = fiber_select(cs, 2, 20 * MS);
	s->waited = util_now_ns() - t0;
	s->r_pick = fiber_select(cs, 2, -1);
	s->val = vb;
	fiber_chan_close(s->a);
	s->r_closed = fiber_select(cs, 1, -1);
	if (cs[0].result != FIBER_CLOSED)
		s->r_closed = -99;
}

/* Send 42 on b after the selector has timed out once. */
static void
test_select_sender(void *arg)
{
	struct sel	*s = arg;
	int		 v = 42;

	fiber_sleep(60 * MS);
	fiber_chan_send(s->b, &v);
}

static void
test_fiber_select_poll_timeout_pick_closed(void **state)
{
	struct fiber_rt	*rt = test_rt(2, -1);
	struct sel	 s;
	struct fiber	*x, *y;

	memset(&s, 0, sizeof s);
	s.a = fiber_chan_create(rt, sizeof(int), 0);
	s.b = fiber_chan_create(rt, sizeof(int), 0);
	fiber_spawn(rt, test_selector, &s, NULL, &x);
	fiber_spawn(rt, test_select_sender, &s, NULL, &y);
	fiber_join(x);
	fiber_join(y);
	assert_int_equal(s.r_poll, FIBER_TIMEOUT);
	assert_int_equal(s.r_timeout, FIBER_TIMEOUT);
	assert_true(s.waited >= 20 * MS);
	assert_int_equal(s.r_pick, 1);
	assert_int_equal(s.val, 42);
	assert_int_equal(s.r_closed, 0);
	fiber_chan_destroy(s.a);
	fiber_chan_destroy(s.b);
	test_rt_free(rt);
}

static _Atomic int	wake_order[40];
static _Atomic int	wake_n;

static _Atomic uint64_t	 wake_base;
static struct fiber_chan *wake_gate;

/*
 * Wait at the gate, then sleep until base + index * 3 ms and record the
 * wake.  The gate opens once every sleeper exists, so a slow spawn (under
 * a sanitizer, on a loaded machine) cannot push a deadline into the past.
 */
static void
test_sleeper_ordered(void *arg)
{
	int		i = (int)(intptr_t)arg;
	uint64_t	now, at;

	fiber_chan_recv(wake_gate, NULL);
	now = util_now_ns();
	at = atomic_load(&wake_base) + (uint64_t)i * 3 * MS;
	fiber_sleep(at > now ? at - now : 0);
	wake_order[atomic_fetch_add(&wake_n, 1)] = i;
}

static void
test_fiber_timers_wake_in_order(void **state)
{
	struct fiber_rt	*rt = test_rt(1, -1);
	struct fiber	*f[40];
	int		 i;

	atomic_store(&wake_n, 0);
	wake_gate = fiber_chan_create(rt, 0, 0);
	for (i = 39; i >= 0; i--)	/* spawned in reverse order */
		fiber_spawn(rt, test_sleeper_ordered, (void *)(intptr_t)i,
		    NULL, &f[i]);
	atomic_store(&wake_base, util_now_ns() + 200 * MS);
	fiber_chan_close(wake_gate);
	for (i = 0; i < 40; i++)
		fiber_join(f[i]);
	fiber_chan_destroy(wake_gate);
	for (i = 0; i < 40; i++)
		assert_int_equal(wake_order[i], i);
	test_rt_free(rt);
}

struct io {
	int		 fd;
	char		 buf[8];
	ssize_t		 n;
	_Atomic long	 ticks_while_parked;
	_Atomic int	 reading;
	_Atomic int	 done;
};

/* Read from the socket, parking until the test writes. */
static void
test_io_reader(void *arg)
{
	struct io	*io = arg;

	atomic_store(&io->reading, 1);
	io->n = fiber_read(io->fd, io->buf, sizeof io->buf);
	atomic_store(&io->done, 1);
}

/* Keep counting on the same worker while the reader is parked. */
static void
test_io_ticker(void *arg)
{
	struct io	*io = arg;

	while (!atomic_load(&io->done)) {
		if (atomic_load(&io->reading))
			atomic_fetch_add(&io->ticks_while_parked, 1);
		fiber_sleep(MS / 2);
	}
}

static void
test_fiber_read_parks_and_worker_runs_others(void **state)
{
	struct fiber_rt	*rt = test_rt(1, -1);
	struct io	 io;
	struct fiber	*r, *t;
	int		 sv[2];
	uint64_t	 end;

	memset(&io, 0, sizeof io);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	io.fd = sv[0];
	fiber_spawn(rt, test_io_reader, &io, NULL, &r);
	fiber_spawn(rt, test_io_ticker, &io, NULL, &t);
	/* The worker keeps running the ticker while the reader is parked
	   (no timing: wait as long as the loaded machine needs). */
	end = util_now_ns() + PATIENCE * MS;
	while (atomic_load(&io.ticks_while_parked) <= 5 && util_now_ns() < end)
		usleep(1000);
	assert_int_equal(atomic_load(&io.done), 0);
	assert_true(atomic_load(&io.ticks_while_parked) > 5);
	assert_int_equal(write(sv[1], "hello", 5), 5);
	fiber_join(r);
	fiber_join(t);
	assert_int_equal(io.n, 5);
	assert_memory_equal(io.buf, "hello", 5);
	close(sv[0]);
	close(sv[1]);
	test_rt_free(rt);
}

/* Write more than the pipe holds, parking on EPOLLOUT. */
static void
test_io_writer(void *arg)
{
	static char	 big[256 * 1024];
	struct io	*io = arg;

	io->n = fiber_write(io->fd, big, sizeof big);
	atomic_store(&io->done, 1);
}

static void
test_fiber_write_parks_until_drained(void **state)
{
	struct fiber_rt	*rt = test_rt(1, -1);
	struct io	 io;
	struct fiber	*w;
	int		 p[2];
	char		 buf[65536];
	size_t		 got = 0;
	ssize_t		 n;

	memset(&io, 0, sizeof io);
	assert_int_equal(pipe(p), 0);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	io.fd = p[1];
	fiber_spawn(rt, test_io_writer, &io, NULL, &w);
	while (got < 256 * 1024 && (n = read(p[0], buf, sizeof buf)) > 0)
		got += (size_t)n;
	fiber_join(w);
	assert_int_equal(got, 256 * 1024);
	assert_int_equal(io.n, 256 * 1024);
	close(p[0]);
	close(p[1]);
	test_rt_free(rt);
}

static void
test_fiber_stack_classes_round_up(void **state)
{
	assert_int_equal(fiber_stack_class_size(1), 2048);
	assert_int_equal(fiber_stack_class_size(2048), 2048);
	assert_int_equal(fiber_stack_class_size(2049), 4096);
	assert_int_equal(fiber_stack_class_size(10000), 16384);
	assert_int_equal(fiber_stack_class_size(FIBER_STACK_MAX),
	    FIBER_STACK_MAX);
	assert_int_equal(fiber_stack_class_size(FIBER_STACK_MAX + 1), 0);
}

/* Touch some stack and sleep until stopped. */
static void
test_stack_user(void *arg)
{
	volatile char	buf[512];

	buf[0] = 1;
	buf[511] = buf[0];
	while (fiber_sleep(1000 * MS) == FIBER_OK)
		;
	atomic_fetch_add(&counter, 1);
}

/*
 * Reserved counts the live fibers' stacks, committed the resident pages of
 * every stack handed out, live or kept for reuse; a trim gives the kept
 * ones' pages back.  In the 2 KiB class (pre-populated 4 MiB chunks, two
 * stacks to a page) and a page-sized one.
 */
static void
test_fiber_stack_committed_and_trim(void **state)
{
	static const size_t	 sizes[] = { 2048, 16384 };
	struct fiber_attr	 attr;
	struct fiber_stack_memory m;
	struct fiber_rt		*rt;
	uint64_t		 kept;
	size_t			 i;
	int			 k;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
#if defined(CSW_SANITIZED) || defined(CSW_CTX_UCONTEXT)
		if (sizes[i] < 4096)
			continue;	/* their frames do not fit 2 KiB */
#endif
		rt = test_rt(2, -1);
		attr.stack_size = sizes[i];
		atomic_store(&counter, 0);
		for (k = 0; k < 1000; k++)
			assert_int_equal(fiber_spawn(rt, test_stack_user, NULL,
			    &attr, NULL), 0);
		usleep(50000);
		fiber_rt_stack_memory(rt, &m);
		assert_true(m.committed > 0);
		assert_int_equal(m.reserved, 1000 * sizes[i]);
		assert_int_equal(m.shared_stacks, sizes[i] < 4096 ? 1000 : 0);
		/* They return; their stacks stay resident, for reuse... */
		assert_int_equal(fiber_rt_stop(rt, PATIENCE * MS), 0);
		fiber_rt_stack_memory(rt, &m);
		assert_int_equal(m.reserved, 0);
		kept = m.committed;
		assert_true(kept > 0);
		/* ...until a trim gives the pages of the arena's back. */
		assert_true(fiber_rt_trim(rt) > 0);
		fiber_rt_stack_memory(rt, &m);
		assert_true(m.fallow > 0);
		assert_true(m.committed < kept);
		test_rt_free(rt);
	}
}

static void
test_fiber_guard_budget_falls_back_unguarded(void **state)
{
	struct fiber_rt		*rt = test_rt(2, 3);
	struct fiber_stats	 st;
	struct fiber_attr	 small = { SMALL_STACK }, big = { FIBER_STACK_MAX };
	int			 i;

	atomic_store(&counter, 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(fiber_spawn(rt, test_stack_user, NULL, NULL,
		    NULL), 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(fiber_spawn(rt, test_stack_user, NULL, &small,
		    NULL), 0);
	assert_int_equal(fiber_spawn(rt, test_stack_user, NULL, &big, NULL),
	    0);
	fiber_rt_stats(rt, &st);
	assert_int_equal(st.stacks_guarded, 3);
	assert_true(st.stacks_unguarded >= 7);
	assert_true(st.guard_dropped);
	assert_true(st.stack_reserved >= 8 * 1024 * 1024);
	assert_int_equal(st.stack_in_use,
	    10 * 16384 + 10 * SMALL_STACK + FIBER_STACK_MAX);
	usleep(20000);
	assert_true(fiber_rt_stack_committed(rt) > 0);
	assert_true(fiber_rt_stack_committed(rt) < st.stack_reserved);
	assert_int_equal(fiber_rt_stop(rt, PATIENCE * MS), 0);
	assert_int_equal(atomic_load(&counter), 21);
	test_rt_free(rt);
}

static void
test_fiber_guard_budget_default_from_map_count(void **state)
{
	struct fiber_rt		*rt = test_rt(1, -1);
	struct fiber_stats	 st;

	assert_int_equal(fiber_spawn(rt, test_stack_user, NULL, NULL, NULL),
	    0);
	fiber_rt_stats(rt, &st);
	assert_int_equal(st.stacks_guarded, 1);
	assert_false(st.guard_dropped);
	test_rt_free(rt);
}

struct small {
	struct fiber_chan	*c, *d;
	size_t			 used;
	int			 sel;
};

/* Partner of test_small_user: answer one send, then a select. */
static void
test_small_partner(void *arg)
{
	struct small	*sm = arg;
	int		 v;

	fiber_chan_recv(sm->c, &v);
	fiber_chan_send(sm->d, &v);
}

/* On a 2 KiB stack: sleep, yield, send, select; then measure how deep the
   stack went (the arena is fresh, so untouched bytes are zero, apart from
   the canary). */
static void
test_small_user(void *arg)
{
	struct small			*sm = arg;
	volatile char			 here = 0;
	uintptr_t			 lo = (uintptr_t)&here & ~(uintptr_t)2047;
	const unsigned char		*p;
	int				 v = 1, w = 0;
	struct fiber_select_case	 cs[2] = {
		{ NULL, FIBER_RECV, &w, 0 },
		{ NULL, FIBER_RECV, &w, 0 },
	};

	cs[0].chan = sm->d;
	cs[1].chan = sm->c;
	fiber_sleep(MS);
	fiber_yield();
	fiber_chan_send(sm->c, &v);
	sm->sel = fiber_select(cs, 2, 1000 * (int64_t)MS);
	/* The lowest word is the runtime's canary. */
	for (p = (const unsigned char *)lo + sizeof(uint64_t); *p == 0; p++)
		;
	sm->used = lo + 2048 - (uintptr_t)p;
}

static void
test_fiber_small_stack_fits_runtime_calls(void **state)
{
	struct fiber_rt		*rt;
	struct fiber_attr	 small = { 2048 };
	struct small		 sm;
	struct fiber		*a, *b;

#if defined(CSW_SANITIZED) || defined(CSW_CTX_UCONTEXT)
	skip();		/* sanitizer frames or a ucontext_t do not fit */
#endif
	rt = test_rt(1, -1);
	memset(&sm, 0, sizeof sm);
	sm.c = fiber_chan_create(rt, sizeof(int), 0);
	sm.d = fiber_chan_create(rt, sizeof(int), 0);
	assert_int_equal(fiber_spawn(rt, test_small_partner, &sm, NULL, &b),
	    0);
	assert_int_equal(fiber_spawn(rt, test_small_user, &sm, &small, &a), 0);
	fiber_join(a);
	fiber_join(b);
	assert_int_equal(sm.sel, 0);
	print_message("2 KiB stack: %zu bytes used\n", sm.used);
	assert_true(sm.used > 0);
	assert_true(sm.used <= 1536);	/* a quarter left for fiber code */
	fiber_chan_destroy(sm.c);
	fiber_chan_destroy(sm.d);
	test_rt_free(rt);
}

struct stopper {
	struct fiber_chan	*c;
	int			 fd[10][2];	/* a pipe per reader */
	_Atomic int		 nreader;
	_Atomic int		 stopped;
};

/* Park forever in one of four ways; count FIBER_STOPPED results. */
static void
test_parker(void *arg)
{
	struct stopper			*s = arg;
	static _Atomic int		 kind;
	int				 k = atomic_fetch_add(&kind, 1) % 6, v;
	char				 b;
	struct fiber_select_case	 cs = { NULL, FIBER_RECV, &v, 0 };

	cs.chan = s->c;
	switch (k) {
	case 0:
		if (fiber_sleep(3600000 * MS) == FIBER_STOPPED)
			atomic_fetch_add(&s->stopped, 1);
		break;
	case 1:
		if (fiber_chan_recv(s->c, &v) == FIBER_STOPPED)
			atomic_fetch_add(&s->stopped, 1);
		break;
	case 2:
		v = atomic_fetch_add(&s->nreader, 1);
		if (fiber_read(s->fd[v][0], &b, 1) < 0 && errno == ECANCELED)
			atomic_fetch_add(&s->stopped, 1);
		break;
	case 3:
		if (fiber_select(&cs, 1, 3600000 * (int64_t)MS) ==
		    FIBER_STOPPED)
			atomic_fetch_add(&s->stopped, 1);
		break;
	case 4:
		while (fiber_yield() == FIBER_OK)
			fiber_block_sleep(MS / 10);
		atomic_fetch_add(&s->stopped, 1);
		break;
	default:
		/* Blocked in the kernel for an hour: still stops. */
		if (fiber_block_sleep(3600000 * MS) == FIBER_STOPPED)
			atomic_fetch_add(&s->stopped, 1);
		break;
	}
}

static void
test_fiber_stop_wakes_parked_fibers(void **state)
{
	struct fiber_rt	*rt = test_rt(2, -1);
	struct stopper	 s;
	int		 i;

	for (i = 0; i < 10; i++) {
		assert_int_equal(pipe(s.fd[i]), 0);
		fcntl(s.fd[i][0], F_SETFL, O_NONBLOCK);
	}
	s.c = fiber_chan_create(rt, sizeof(int), 0);
	atomic_store(&s.nreader, 0);
	atomic_store(&s.stopped, 0);
	for (i = 0; i < 60; i++)
		assert_int_equal(fiber_spawn(rt, test_parker, &s, NULL, NULL),
		    0);
	usleep(50000);
	/* Promptness is the bench's business; here: everything returns. */
	assert_int_equal(fiber_rt_stop(rt, PATIENCE * MS), 0);
	assert_int_equal(atomic_load(&s.stopped), 60);
	assert_int_equal(fiber_spawn(rt, test_count, NULL, NULL, NULL), -1);
	assert_int_equal(errno, ECANCELED);
	fiber_chan_destroy(s.c);
	test_rt_free(rt);
	for (i = 0; i < 10; i++) {
		close(s.fd[i][0]);
		close(s.fd[i][1]);
	}
}

/* Sleep in steps of 1 ms 30 times. */
static void
test_stepper(void *arg)
{
	int	i;

	for (i = 0; i < 30; i++)
		fiber_sleep(MS);
	atomic_fetch_add(&counter, 1);
}

static void
test_fiber_set_workers_while_running(void **state)
{
	struct fiber_rt		*rt = test_rt(2, -1);
	struct fiber_stats	 st;
	int			 i;

	atomic_store(&counter, 0);
	for (i = 0; i < 200; i++)
		fiber_spawn(rt, test_stepper, NULL, NULL, NULL);
	assert_int_equal(fiber_rt_set_workers(rt, 4), 0);
	usleep(5000);
	assert_int_equal(fiber_rt_set_workers(rt, 1), 0);
	usleep(5000);
	assert_int_equal(fiber_rt_set_workers(rt, 3), 0);
	test_wait_for(&counter, 200);
	/* The last exit is counted just after the fiber's last statement. */
	for (i = 0; i < 1000; i++) {
		fiber_rt_stats(rt, &st);
		if (st.live == 0)
			break;
		usleep(1000);
	}
	assert_int_equal(st.workers, 3);
	assert_int_equal(st.live, 0);
	assert_int_equal(fiber_rt_set_workers(rt, 0), -1);
	assert_int_equal(fiber_rt_set_workers(rt, CSW_WORKERS_MAX + 1), -1);
	test_rt_free(rt);
}

/* Run 20 ms without a pause, yielding. */
static void
test_busy(void *arg)
{
	uint64_t	end = util_now_ns() + 20 * MS;

	while (util_now_ns() < end)
		fiber_yield();
	atomic_fetch_add(&counter, 1);
}

/* Whole-process kernel switches, voluntary and involuntary. */
static uint64_t
test_process_switches(void)
{
	struct rusage	ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ((uint64_t)ru.ru_nvcsw + (uint64_t)ru.ru_nivcsw);
}

/*
 * The idle workers' kernel switches: a fiber that sleeps 1 ms 30 times
 * leaves its only worker idle between, to park each time (a voluntary
 * switch each); they are part of the process's own count, not beside it.
 * A fiber that never stops running leaves its worker nothing to idle in.
 */
static void
test_fiber_idle_switches_counted(void **state)
{
	struct fiber_rt		*rt = test_rt(1, -1);
	struct fiber_stats	 st;
	uint64_t		 before, idle0, busy_idle;
	int			 i;

	fiber_rt_stats(rt, &st);
	idle0 = st.idle_switches;
	atomic_store(&counter, 0);
	fiber_spawn(rt, test_busy, NULL, NULL, NULL);
	test_wait_for(&counter, 1);
	fiber_rt_stats(rt, &st);
	busy_idle = st.idle_switches - idle0;

	before = test_process_switches();
	idle0 = st.idle_switches;
	atomic_store(&counter, 0);
	fiber_spawn(rt, test_stepper, NULL, NULL, NULL);
	test_wait_for(&counter, 1);
	for (i = 0; i < 1000; i++) {
		fiber_rt_stats(rt, &st);
		if (st.live == 0 && st.w[0].parked)
			break;
		usleep(1000);
	}
	usleep(5000);
	fiber_rt_stats(rt, &st);
	print_message("idle switches: %llu while one fiber slept 30 times, "
	    "%llu while one ran 20 ms; the process took %llu\n",
	    (unsigned long long)(st.idle_switches - idle0),
	    (unsigned long long)busy_idle,
	    (unsigned long long)(test_process_switches() - before));
	assert_true(st.idle_switches - idle0 >= 20);
	assert_true(st.idle_switches - idle0 <= test_process_switches() -
	    before);
	/* The busy fiber's worker went idle only when it ended (a start
	   or two, on a loaded machine a few more). */
	assert_true(busy_idle <= 10);
	test_rt_free(rt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fiber_spawn_join_100000),
		cmocka_unit_test(test_fiber_ready_wait_timed),
		cmocka_unit_test(test_fiber_spawn_from_fiber_detached),
		cmocka_unit_test(test_fiber_yield_interleaves),
		cmocka_unit_test(test_fiber_idle_worker_steals),
		cmocka_unit_test(test_fiber_chan_unbuffered_pingpong),
		cmocka_unit_test(test_fiber_chan_buffered_order_and_close),
		cmocka_unit_test(test_fiber_chan_close_wakes_senders),
		cmocka_unit_test(test_fiber_select_poll_timeout_pick_closed),
		cmocka_unit_test(test_fiber_timers_wake_in_order),
		cmocka_unit_test(test_fiber_read_parks_and_worker_runs_others),
		cmocka_unit_test(test_fiber_write_parks_until_drained),
		cmocka_unit_test(test_fiber_stack_classes_round_up),
		cmocka_unit_test(test_fiber_guard_budget_falls_back_unguarded),
		cmocka_unit_test(test_fiber_guard_budget_default_from_map_count),
		cmocka_unit_test(test_fiber_small_stack_fits_runtime_calls),
		cmocka_unit_test(test_fiber_stop_wakes_parked_fibers),
		cmocka_unit_test(test_fiber_long_run_seen),
		cmocka_unit_test(test_fiber_set_workers_while_running),
		cmocka_unit_test(test_fiber_idle_switches_counted),
		cmocka_unit_test(test_fiber_stack_committed_and_trim),
	};

	return (cmocka_run_group_tests_name("fiber", tests, NULL, NULL));
}

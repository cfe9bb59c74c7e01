/* SPDX-License-Identifier: ISC */
/*
 * The fiber scheduler: P workers, each with a lock-free local run queue
 * (owner pushes and pops, idle workers steal half), a runnext slot for
 * direct handoffs, a timer heap, and a futex to park on when there is
 * nothing to do.  A global queue under rt->lock takes overflow and fibers
 * readied by threads outside the runtime.
 *
 * A fiber that stops running switches straight to the next runnable fiber
 * of its worker, or to the worker's scheduler context when there is none.
 * Whatever must happen once its context is saved (requeue it, release the
 * lock it parked under, free its stack) is the worker's post-switch action,
 * run by whichever context resumes next.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fiber_impl.h"
#include "util/util.h"

#ifdef FIBER_ASAN
void	__sanitizer_start_switch_fiber(void **, const void *, size_t);
void	__sanitizer_finish_switch_fiber(void *, const void **, size_t *);
void	__asan_unpoison_memory_region(const volatile void *, size_t);
#endif
#ifdef FIBER_TSAN
void	*__tsan_get_current_fiber(void);
void	*__tsan_create_fiber(unsigned);
void	 __tsan_destroy_fiber(void *);
void	 __tsan_switch_to_fiber(void *, unsigned);
#endif

#define FIBER_TICK_MASK		63	/* slow checks every 64 switches */
#define FIBER_TIMER_BATCH	64	/* timers fired per check */
#define FIBER_TIMERS_KEEP	256	/* timer entries a heap keeps (6 KiB) */
#define FIBER_BLOCK_SLICE_NS	50000000	/* fiber_block_sleep slice */
#define FIBER_SPIN_LIMIT	128
#define FIBER_SPIN_NS		50000	/* idle workers look this long */
#define FIBER_SPIN_YIELD_NS	10000	/* and offer the CPU this often */
#define FIBER_SPIN_PAUSES	32	/* pauses between two looks */

__thread struct worker	*fiber_tls_worker;

static void	 runq_push(struct worker *, struct fiber *);
static inline void worker_post_run(void);
static inline void worker_switch(struct worker *, struct ctx *,
		    struct fiber *, int, int);
static uint64_t	 fiber_coarse_ns(void);
static void	*worker_main(void *);

/* Take a spin lock another holds (fiber_spin_lock's slow path). */
void
fiber_spin_wait(_Atomic int *l)
{
	int	n = 0;

	do {
		while (atomic_load_explicit(l, memory_order_relaxed) != 0) {
			if (++n < FIBER_SPIN_LIMIT) {
#if defined(__x86_64__) || defined(__i386__)
				__builtin_ia32_pause();
#endif
			} else
				sched_yield();
		}
	} while (atomic_exchange_explicit(l, 1, memory_order_acquire) != 0);
}

/* Wait while *addr == val, at most timeout_ns (0 = forever). */
void
fiber_futex_wait(_Atomic uint32_t *addr, uint32_t val, uint64_t timeout_ns)
{
	struct timespec	ts, *tsp = NULL;

	if (timeout_ns != 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tsp = &ts;
	}
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, tsp, NULL, 0);
}

/* Wake up to n threads waiting on addr. */
void
fiber_futex_wake(_Atomic uint32_t *addr, int n)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

#ifdef FIBER_TSAN
/* See fiber_impl.h: out of line in a ThreadSanitizer build. */
__attribute__((noinline)) struct worker *
fiber_worker(void)
{
	return (fiber_tls_worker);
}
#endif

/*
 * Set errno of the thread running the fiber now.  Out of line on purpose:
 * __errno_location() is a const function, so a compiler may reuse its
 * result across a park, and the fiber may have moved to another thread.
 */
__attribute__((noinline)) void
fiber_errno_set(int e)
{
	errno = e;
}

/* Add to a counter only its owner writes (no locked instruction). */
static inline void
worker_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed)
	    + n, memory_order_release);
}

/* Bump a counter only its owner writes. */
static inline void
worker_count(_Atomic uint64_t *c)
{
	worker_add(c, 1);
}

/* Win the right to wake f from wait gen, with result; 1 if won. */
int
fiber_claim(struct fiber *f, uint64_t gen, int result)
{
	uint64_t	expect = gen << 1 | 1;

	if (!atomic_compare_exchange_strong_explicit(&f->wait_word, &expect,
	    gen << 1, memory_order_acq_rel, memory_order_relaxed))
		return (0);
	f->wait_result = result;
	return (1);
}

/* Push f on the global queue and wake a worker. */
static void
rt_global_push(struct fiber_rt *rt, struct fiber *first, struct fiber *last,
    uint64_t n)
{
	pthread_mutex_lock(&rt->lock);
	last->next = NULL;
	if (rt->gq_tail != NULL)
		rt->gq_tail->next = first;
	else
		rt->gq_head = first;
	rt->gq_tail = last;
	atomic_fetch_add_explicit(&rt->gq_len, n, memory_order_relaxed);
	pthread_mutex_unlock(&rt->lock);
}

/* Take a fiber from the global queue, or NULL; a worker w also takes its
   share of the rest onto its local queue. */
static struct fiber *
rt_global_pop(struct fiber_rt *rt, struct worker *w)
{
	struct fiber	*f, *g;
	uint64_t	 n, want = 1;

	if ((n = atomic_load_explicit(&rt->gq_len, memory_order_relaxed)) == 0)
		return (NULL);
	if (w != NULL) {
		want = n / (uint64_t)atomic_load(&rt->nworkers) + 1;
		if (want > FIBER_RUNQ_SIZE / 2)
			want = FIBER_RUNQ_SIZE / 2;
	}
	pthread_mutex_lock(&rt->lock);
	if ((f = rt->gq_head) != NULL) {
		g = f;
		for (n = 1; n < want && g->next != NULL; n++)
			g = g->next;
		if ((rt->gq_head = g->next) == NULL)
			rt->gq_tail = NULL;
		atomic_fetch_sub_explicit(&rt->gq_len, n,
		    memory_order_relaxed);
	}
	pthread_mutex_unlock(&rt->lock);
	if (f == NULL)
		return (NULL);
	/* The first runs now; the rest go to the (empty enough) local queue. */
	for (g = f->next; n > 1; n--) {
		struct fiber	*next = g->next;

		runq_push(w, g);
		g = next;
	}
	return (f);
}

/* Wake one parked worker, if any. */
static void
rt_wake_one(struct fiber_rt *rt)
{
	struct worker	*w;

	/* A spinning worker will find the work; it rechecks before parking. */
	if (atomic_load(&rt->nspinning) != 0 || atomic_load(&rt->nparked) == 0)
		return;
	pthread_mutex_lock(&rt->lock);
	if ((w = rt->idle) != NULL) {
		rt->idle = w->idle_next;
		w->in_idle = 0;
		atomic_fetch_sub(&rt->nparked, 1);
	}
	pthread_mutex_unlock(&rt->lock);
	if (w != NULL) {
		atomic_store(&w->park_word, 1);
		fiber_futex_wake(&w->park_word, 1);
	}
}

/* Wake every parked worker (stop, resize). */
static void
rt_wake_all(struct fiber_rt *rt)
{
	int	i;

	for (i = 0; i < rt->nslots; i++) {
		atomic_store(&rt->w[i]->park_word, 1);
		fiber_futex_wake(&rt->w[i]->park_word, 1);
	}
}

/* Move half of w's queue plus f to the global queue (queue full). */
static int
runq_overflow(struct worker *w, struct fiber *f, uint32_t h, uint32_t t)
{
	struct fiber	*first, *prev;
	uint32_t	 n = (t - h) / 2, i;

	/* Claim first: no one writes the claimed slots until we push again. */
	if (!atomic_compare_exchange_strong_explicit(&w->head, &h, h + n,
	    memory_order_acq_rel, memory_order_relaxed))
		return (0);
	first = prev = atomic_load_explicit(&w->ring[h % FIBER_RUNQ_SIZE],
	    memory_order_relaxed);
	for (i = 1; i < n; i++) {
		prev->next = atomic_load_explicit(&w->ring[(h + i) %
		    FIBER_RUNQ_SIZE], memory_order_relaxed);
		prev = prev->next;
	}
	prev->next = f;
	rt_global_push(w->rt, first, f, n + 1);
	return (1);
}

/* Put f at the tail of w's shared (stealable) run queue (owner only). */
static void
runq_push_shared(struct worker *w, struct fiber *f)
{
	uint32_t	h, t;

	for (;;) {
		h = atomic_load_explicit(&w->head, memory_order_acquire);
		t = atomic_load_explicit(&w->tail, memory_order_relaxed);
		if (t - h < FIBER_RUNQ_SIZE) {
			atomic_store_explicit(&w->ring[t % FIBER_RUNQ_SIZE], f,
			    memory_order_relaxed);
			atomic_store_explicit(&w->tail, t + 1,
			    memory_order_release);
			return;
		}
		if (runq_overflow(w, f, h, t))
			return;
	}
}

/* Take the fiber at the head of w's shared run queue (owner), or NULL. */
static struct fiber *
runq_pop_shared(struct worker *w)
{
	uint32_t	 h, t;
	struct fiber	*f;

	for (;;) {
		h = atomic_load_explicit(&w->head, memory_order_acquire);
		t = atomic_load_explicit(&w->tail, memory_order_relaxed);
		if (t == h)
			return (NULL);
		f = atomic_load_explicit(&w->ring[h % FIBER_RUNQ_SIZE],
		    memory_order_relaxed);
		if (atomic_compare_exchange_weak_explicit(&w->head, &h, h + 1,
		    memory_order_release, memory_order_relaxed))
			return (f);
	}
}

/*
 * The owner's side of the local queue: the shared ring holds the older
 * fibers, a private FIFO the newer ones.  While no worker is idle nobody
 * can steal, so new fibers go to the private FIFO with no atomic
 * instructions (the CAS of a shared pop was 40% of a yield).  Once a worker
 * idles, the private FIFO is appended to the ring (worker_publish, also at
 * the next slow check) and pushes go to the ring.
 */
static void
worker_publish_all(struct worker *w)
{
	while (w->pq_head != w->pq_tail)
		runq_push_shared(w, w->pq[w->pq_head++ % FIBER_PRIVQ_SIZE]);
	atomic_store_explicit(&w->pq_len, 0, memory_order_relaxed);
}

/* Put f at the tail of w's local queue (owner only). */
static void
runq_push(struct worker *w, struct fiber *f)
{
	struct fiber_rt	*rt = w->rt;

	if (w->pq_tail - w->pq_head < FIBER_PRIVQ_SIZE && !w->retiring &&
	    atomic_load_explicit(&rt->nspinning, memory_order_relaxed) == 0 &&
	    atomic_load_explicit(&rt->nparked, memory_order_relaxed) == 0) {
		w->pq[w->pq_tail++ % FIBER_PRIVQ_SIZE] = f;
		atomic_store_explicit(&w->pq_len, w->pq_tail - w->pq_head,
		    memory_order_relaxed);
		return;
	}
	worker_publish_all(w);
	runq_push_shared(w, f);
}

/* Take the fiber at the head of w's local queue (owner only), or NULL. */
static struct fiber *
runq_pop(struct worker *w)
{
	struct fiber	*f;

	if (atomic_load_explicit(&w->tail, memory_order_relaxed) !=
	    atomic_load_explicit(&w->head, memory_order_relaxed) &&
	    (f = runq_pop_shared(w)) != NULL)
		return (f);
	if (w->pq_head != w->pq_tail) {
		CSW_CHECK(w->pq_tail - w->pq_head <= FIBER_PRIVQ_SIZE,
		    "the private run queue holds more than it has room for");
		f = w->pq[w->pq_head++ % FIBER_PRIVQ_SIZE];
		atomic_store_explicit(&w->pq_len, w->pq_tail - w->pq_head,
		    memory_order_relaxed);
		return (f);
	}
	return (NULL);
}

/* Make the private FIFO stealable if some worker is looking for work. */
static void
worker_publish(struct worker *w)
{
	struct fiber_rt	*rt = w->rt;

	if (w->pq_head == w->pq_tail ||
	    (atomic_load(&rt->nspinning) == 0 && atomic_load(&rt->nparked) == 0))
		return;
	worker_publish_all(w);
	rt_wake_one(rt);
}

/* Steal half of victim's queue into w's (empty) queue; return one. */
static struct fiber *
runq_steal(struct worker *w, struct worker *v)
{
	uint32_t	 h, t, n, i, wt;
	struct fiber	*f;

	wt = atomic_load_explicit(&w->tail, memory_order_relaxed);
	for (;;) {
		h = atomic_load_explicit(&v->head, memory_order_acquire);
		t = atomic_load_explicit(&v->tail, memory_order_acquire);
		n = t - h;
		n -= n / 2;
		if (n == 0)
			return (NULL);
		if (n > FIBER_RUNQ_SIZE / 2)
			continue;	/* torn read of head and tail */
		for (i = 0; i < n; i++) {
			f = atomic_load_explicit(&v->ring[(h + i) %
			    FIBER_RUNQ_SIZE], memory_order_relaxed);
			atomic_store_explicit(&w->ring[(wt + i) %
			    FIBER_RUNQ_SIZE], f, memory_order_relaxed);
		}
		if (atomic_compare_exchange_weak_explicit(&v->head, &h, h + n,
		    memory_order_acq_rel, memory_order_relaxed))
			break;
	}
	n--;
	f = atomic_load_explicit(&w->ring[(wt + n) % FIBER_RUNQ_SIZE],
	    memory_order_relaxed);
	if (n != 0)
		atomic_store_explicit(&w->tail, wt + n, memory_order_release);
	worker_count(&w->steals);
	return (f);
}

static _Atomic int	fiber_timing = 1;

/* Time readies (on) or not: --bench measures what the timing costs. */
void
fiber_time_readies(int on)
{
	atomic_store_explicit(&fiber_timing, on, memory_order_relaxed);
}

/* Make f runnable; handoff puts it in runnext to run next on this worker. */
void
fiber_ready(struct fiber *f, int handoff)
{
	struct worker	*w = fiber_worker();
	struct fiber	*old;

	CSW_CHECK(atomic_load_explicit(&f->live, memory_order_relaxed),
	    "a fiber made ready after its stack went back to the arena");
	CSW_CHECK(!f->done, "a fiber made ready after it returned");
	if (w == NULL || w->rt != f->rt || w->retiring) {
		rt_global_push(f->rt, f, f, 1);
		rt_wake_one(f->rt);
		return;
	}
	/* One ready in LAT_SAMPLE_EVERY is timed until the fiber runs. */
	if (lat_stamp_due(&w->lat_tick) &&
	    atomic_load_explicit(&fiber_timing, memory_order_relaxed))
		f->ready_ns = util_now_ns();
	if (handoff) {
		old = w->runnext;
		w->runnext = f;
		if (old == NULL)
			return;
		f = old;
	}
	runq_push(w, f);
	if (atomic_load_explicit(&w->rt->nparked, memory_order_seq_cst) != 0)
		rt_wake_one(w->rt);
}

/* Sift timer entry i up. */
static void
timer_up(struct timer_heap *h, size_t i)
{
	struct timer_entry	e = h->v[i];

	while (i > 0 && h->v[(i - 1) / 2].deadline > e.deadline) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = e;
}

/* Remove the earliest timer entry into *out. */
static void
timer_pop(struct timer_heap *h, struct timer_entry *out)
{
	struct timer_entry	e;
	size_t			i = 0, c;

	*out = h->v[0];
	e = h->v[--h->n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].deadline < h->v[c].deadline)
			c++;
		if (h->v[c].deadline >= e.deadline)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n != 0)
		h->v[i] = e;
}

/*
 * Give w's timer heap room for cap entries.  The heap is a mapping of its
 * own rather than malloc's: a million sleepers grew it to 24 MB, and a
 * malloc'd heap shrunk back left its peak in the worker's malloc arena,
 * resident, where malloc_trim does not reach (16 KiB stacks: VmRSS 19%
 * over its start after 80,000 fibers went back to two).  mremap gives the
 * pages of a shrink straight back.
 */
static void
worker_timers_resize(struct worker *w, size_t cap)
{
	struct timer_heap	*h = &w->timers;
	size_t			 len = cap * sizeof *h->v;
	void			*p;

	if (h->v == NULL)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		p = mremap(h->v, h->cap * sizeof *h->v, len, MREMAP_MAYMOVE);
	if (p == MAP_FAILED) {
		if (cap < h->cap)
			return;		/* a shrink can wait */
		fprintf(stderr, "cswviz: out of memory for %zu timers\n", cap);
		abort();
	}
	h->v = p;
	h->cap = cap;
}

/* Make room in w's timer heap; on the thread stack, never a fiber's. */
static void
worker_timers_grow(struct worker *w)
{
	worker_timers_resize(w, w->timers.cap == 0 ? FIBER_TIMERS_KEEP :
	    w->timers.cap * 2);
}

/*
 * Halve w's timer heap, which is an eighth full or less: a million
 * sleepers grew it to 24 MB, which a shrink to two should give back.
 */
static void
worker_timers_shrink(struct worker *w)
{
	worker_timers_resize(w, w->timers.cap / 2);
}

/* Post action: make the fiber that stepped out to the scheduler run next. */
static void
post_runnext(struct worker *w, void *arg)
{
	if (w->runnext != NULL)
		runq_push(w, w->runnext);
	w->runnext = arg;
}

/*
 * Make sure the running fiber's worker can add a timer without allocating:
 * malloc on a 2 KiB stack would overflow it, so when the heap is full the
 * fiber steps out to the scheduler, which grows the heap on its own stack.
 */
void
fiber_timer_reserve(void)
{
	struct worker	*w = fiber_worker();
	struct fiber	*self = w->cur;

	while (w->timers.n == w->timers.cap) {
		w->post_fn = post_runnext;
		w->post_arg = self;
		worker_switch(w, &self->ctx, NULL, 0, FIBER_WHY_TIMER);
		w = fiber_worker();
	}
}

/* Add a timer waking f from wait gen at deadline (w's own thread). */
void
fiber_timer_add(struct worker *w, uint64_t deadline, struct fiber *f,
    uint64_t gen)
{
	struct timer_heap	*h = &w->timers;

	if (h->n == h->cap)
		worker_timers_grow(w);	/* fiber_timer_reserve was not called */
	h->v[h->n].deadline = deadline;
	h->v[h->n].f = f;
	h->v[h->n].gen = gen;
	timer_up(h, h->n++);
}

/* Wake the fibers whose timers are due (all of them, with result, if
   all is set); returns the next deadline or 0. */
static uint64_t
worker_fire_timers(struct worker *w, int all, int result)
{
	struct timer_heap	*h = &w->timers;
	struct timer_entry	 e;
	uint64_t		 now = 0;
	int			 n = 0;

	if (h->n == 0)
		return (0);
	if (!all)
		now = util_now_ns();
	/*
	 * A batch at a time: the woken fibers then run while their control
	 * blocks are still in cache.  When a million wake at once, queueing
	 * them all first made each wake cost twice the cache misses.
	 */
	while (h->n != 0 && (all || (h->v[0].deadline <= now &&
	    n++ < FIBER_TIMER_BATCH))) {
		timer_pop(h, &e);
		if (h->n != 0)
			__builtin_prefetch(h->v[0].f, 1);
		if (fiber_claim(e.f, e.gen, all ? result : FIBER_TIMEOUT))
			fiber_ready(e.f, 0);
	}
	return (h->n != 0 ? h->v[0].deadline : 0);
}

/*
 * Switch contexts on w with the sanitizer annotations; runs the post action
 * once resumed.  why (enum fiber_why) is what the running fiber waits for,
 * for a trace only: while not tracing it costs the one branch on w->trace.
 */
static inline __attribute__((always_inline)) void
worker_switch(struct worker *w, struct ctx *from, struct fiber *to,
    int exiting, int why)
{
#ifdef FIBER_ASAN
	void	*fake = NULL;

	if (to != NULL)
		__sanitizer_start_switch_fiber(exiting ? NULL : &fake,
		    to->stack_lo, (size_t)((char *)to - to->stack_lo));
	else
		__sanitizer_start_switch_fiber(exiting ? NULL : &fake,
		    w->thread_stack_lo, w->thread_stack_size);
#endif
#ifdef FIBER_TSAN
	__tsan_switch_to_fiber(to != NULL ? to->tsan : w->tsan_sched, 0);
#endif
	if (w->cur != NULL)
		fiber_stack_check(w->cur);
	if (to != NULL && to->ready_ns != 0) {
		lat_hist_add_own(&w->ready_wait, util_now_ns() - to->ready_ns);
		to->ready_ns = 0;
	}
	if (__builtin_expect(w->trace != NULL, 0))
		fiber_trace_record(w, w->cur, to, why);
	worker_count(&w->switches);
	w->cur = to;
	atomic_store_explicit(&w->run_start, to != NULL ? fiber_coarse_ns() :
	    0, memory_order_relaxed);
	CTX_JUMP(from, to != NULL ? &to->ctx : &w->sched_ctx);
#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	worker_post_run();
}

/* Run the post-switch action left by the context we came from; the
   channels' unlock, the common one, without an indirect call. */
static inline void
worker_post_run(void)
{
	struct worker	*w = fiber_worker();
	void		(*fn)(struct worker *, void *) = w->post_fn;

	if (fn == NULL)
		return;
	w->post_fn = NULL;
	if (fn == fiber_post_unlock)
		fiber_spin_unlock(w->post_arg);
	else
		fn(w, w->post_arg);
}

/* Do the checks that need not run every switch: stop, retire, timers,
   the global queue.  Returns a fiber to run, or NULL. */
static struct fiber *
worker_slow_check(struct worker *w)
{
	struct fiber_rt	*rt = w->rt;

	if (atomic_load_explicit(&rt->stopping, memory_order_relaxed) ||
	    w->index >= atomic_load_explicit(&rt->nworkers,
	    memory_order_relaxed)) {
		w->leave = 1;
		return (NULL);
	}
	worker_fire_timers(w, 0, 0);
	worker_publish(w);
	return (rt_global_pop(rt, w));
}

/* The next fiber this worker should run without the scheduler, or NULL. */
static inline struct fiber *
worker_next_local(struct worker *w)
{
	struct fiber	*f;

	if ((++w->tick & FIBER_TICK_MASK) == 0) {
		if ((f = worker_slow_check(w)) != NULL || w->leave)
			return (f);
		if ((f = runq_pop(w)) != NULL)
			return (f);	/* runnext must not starve the queue */
	}
	if ((f = w->runnext) != NULL) {
		w->runnext = NULL;
		return (f);
	}
	return (runq_pop(w));
}

/* Stop running the current fiber and run the next one; post(arg) runs once
   the current context is saved; why (enum fiber_why) is what it waits for.
   Returns when the fiber is resumed. */
void
fiber_park(void (*post)(struct worker *, void *), void *arg, int why)
{
	struct worker	*w = fiber_worker();
	struct fiber	*self = w->cur, *next;

	next = w->leave ? NULL : worker_next_local(w);
	w->post_fn = post;
	w->post_arg = arg;
	worker_switch(w, &self->ctx, next, 0, why);
}

/* Post action: put the yielding fiber back on the run queue. */
static void
post_requeue(struct worker *w, void *arg)
{
	runq_push(w, arg);
}

/* Let other runnable fibers run: FIBER_OK or FIBER_STOPPED. */
int
fiber_yield(void)
{
	struct worker	*w = fiber_worker();
	struct fiber	*self = w->cur, *next;

	next = worker_next_local(w);
	if (next != NULL || w->leave) {
		w->post_fn = post_requeue;
		w->post_arg = self;
		worker_switch(w, &self->ctx, next, 0, FIBER_WHY_YIELD);
	} else	/* nothing else to run: still a yield, a new run */
		atomic_store_explicit(&w->run_start, fiber_coarse_ns(),
		    memory_order_relaxed);
	if (atomic_load_explicit(&self->rt->stopping, memory_order_relaxed))
		return (FIBER_STOPPED);
	return (FIBER_OK);
}

/* Post action: finish a fiber that returned, from another context. */
static void
post_exit(struct worker *w, void *arg)
{
	struct fiber	*f = arg, *j;
	int		 ext;

#ifdef FIBER_TSAN
	__tsan_destroy_fiber(f->tsan);
#endif
	worker_count(&w->exits);
	fiber_stack_measure(f);
	if (!f->joinable) {
		fiber_stack_release(&w->rt->arena, w, f);
		return;
	}
	fiber_spin_lock(&f->jlock);
	f->done = 1;
	j = f->joiner;
	ext = f->ext_join;
	if (j != NULL && fiber_claim(j, f->joiner_gen, FIBER_OK))
		fiber_ready(j, 0);
	atomic_store(&f->jfutex, 1);
	fiber_spin_unlock(&f->jlock);
	if (ext)
		fiber_futex_wake(&f->jfutex, 1);
}

/* End the running fiber. */
void
fiber_exit(void)
{
	struct worker	*w = fiber_worker();
	struct fiber	*self = w->cur, *next;

	next = w->leave ? NULL : worker_next_local(w);
	w->post_fn = post_exit;
	w->post_arg = self;
	worker_switch(w, &self->ctx, next, 1, FIBER_WHY_EXIT);
	abort();
}

/* First code of every fiber. */
static void
fiber_entry(void *arg)
{
	struct fiber	*f = arg;

#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	worker_post_run();
	f->fn(f->arg);
	fiber_exit();
}

/* The running fiber, or NULL outside fibers. */
struct fiber *
fiber_self(void)
{
	struct worker	*w = fiber_worker();

	return (w != NULL ? w->cur : NULL);
}

/* The runtime of the running fiber, or NULL outside fibers. */
struct fiber_rt *
fiber_rt_self(void)
{
	struct worker	*w = fiber_worker();

	return (w != NULL && w->cur != NULL ? w->rt : NULL);
}

/* Start fn(arg) in a new fiber; with joinp the fiber must be joined. */
int
fiber_spawn(struct fiber_rt *rt, fiber_fn fn, void *arg,
    const struct fiber_attr *attr, struct fiber **joinp)
{
	struct worker	*w = fiber_worker();
	struct fiber	*f;
	size_t		 size = rt->default_stack;
	int		 cls;

	if (attr != NULL && attr->stack_size != 0)
		size = attr->stack_size;
	if ((cls = fiber_stack_class_index(size)) < 0) {
		errno = EINVAL;
		return (-1);
	}
	if (w != NULL && (w->rt != rt || w->cur == NULL))
		w = NULL;
	/* Count first, then look at stopping: fiber_rt_stop relies on it. */
	if (w != NULL)
		worker_count(&w->spawns);
	else
		atomic_fetch_add(&rt->ext_spawns, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&rt->stopping, memory_order_relaxed)) {
		errno = ECANCELED;
		goto undo;
	}
	if ((f = fiber_stack_alloc(&rt->arena, w, cls)) == NULL) {
		errno = ENOMEM;
		goto undo;
	}
	f->rt = rt;
	f->fn = fn;
	f->arg = arg;
	f->next = NULL;
	f->joinable = joinp != NULL;
	f->done = 0;
	f->ext_join = 0;
	f->joiner = NULL;
	f->trace_id = 0;
	atomic_store_explicit(&f->jlock, 0, memory_order_relaxed);
	atomic_store_explicit(&f->jfutex, 0, memory_order_relaxed);
	/* The generation survives reuse so stale timers cannot claim. */
	atomic_store_explicit(&f->wait_word,
	    atomic_load_explicit(&f->wait_word, memory_order_relaxed) & ~1ULL,
	    memory_order_relaxed);
#ifdef FIBER_ASAN
	/* Frames of the stack's last fiber never returned: clear their
	   redzones. */
	__asan_unpoison_memory_region(f->stack_lo,
	    (size_t)((char *)f - f->stack_lo));
#endif
	fiber_stack_prepare(f);
	fiber_ctx_init(&f->ctx, f->stack_lo, (size_t)((char *)f - f->stack_lo),
	    fiber_entry, f);
#ifdef FIBER_TSAN
	f->tsan = __tsan_create_fiber(0);
#endif
	if (joinp != NULL)
		*joinp = f;
	fiber_ready(f, 0);
	return (0);

undo:
	if (w != NULL)
		atomic_store_explicit(&w->spawns, atomic_load_explicit(
		    &w->spawns, memory_order_relaxed) - 1,
		    memory_order_release);
	else
		atomic_fetch_sub(&rt->ext_spawns, 1);
	return (-1);
}

/* Post action: release a spin lock the parking fiber held. */
void
fiber_post_unlock(struct worker *w, void *arg)
{
	fiber_spin_unlock(arg);
}

/* Wait for a joinable fiber to return and free it. */
void
fiber_join(struct fiber *f)
{
	struct worker	*w = fiber_worker();
	struct fiber	*self = fiber_self();
	struct fiber_rt	*rt = f->rt;

	fiber_spin_lock(&f->jlock);
	if (!f->done) {
		if (self != NULL) {
			f->joiner = self;
			f->joiner_gen = fiber_arm(self);
			fiber_park(fiber_post_unlock, &f->jlock,
			    FIBER_WHY_JOIN);
		} else {
			f->ext_join = 1;
			fiber_spin_unlock(&f->jlock);
			while (atomic_load(&f->jfutex) == 0)
				fiber_futex_wait(&f->jfutex, 0, 0);
		}
		/* The exiting side may still hold the lock briefly. */
		fiber_spin_lock(&f->jlock);
	}
	fiber_spin_unlock(&f->jlock);
	w = fiber_worker();
	if (w != NULL && (w->rt != rt || w->cur == NULL))
		w = NULL;
	fiber_stack_release(&rt->arena, w, f);
}

/* Park for ns nanoseconds: FIBER_OK or FIBER_STOPPED. */
int
fiber_sleep(uint64_t ns)
{
	struct worker	*w;
	struct fiber	*self = fiber_self();
	uint64_t	 deadline = util_now_ns() + ns;

	for (;;) {
		if (atomic_load_explicit(&self->rt->stopping,
		    memory_order_relaxed))
			return (FIBER_STOPPED);
		fiber_timer_reserve();
		w = fiber_worker();
		fiber_timer_add(w, deadline, self, fiber_arm(self));
		fiber_park(NULL, NULL, FIBER_WHY_TIMER);
		switch (self->wait_result) {
		case FIBER_TIMEOUT:
			return (FIBER_OK);
		case FIBER_STOPPED:
			return (FIBER_STOPPED);
		}
		/* Moved off a retiring worker: sleep out the rest here. */
		if (util_now_ns() >= deadline)
			return (FIBER_OK);
	}
}

/*
 * Block the worker thread itself in nanosleep (the blocking-call lesson).
 * It sleeps in slices of at most 50 ms so that fiber_rt_stop is not held
 * up by a long blocking call: still one thread stuck in the kernel.
 */
int
fiber_block_sleep(uint64_t ns)
{
	struct worker	*w = fiber_worker();
	struct timespec	 ts;
	uint64_t	 end = util_now_ns() + ns, now, step;
	int		 r = FIBER_OK;

	/* The worker is pinned for a while: let idle workers take its queue. */
	if (w->pq_head != w->pq_tail) {
		worker_publish_all(w);
		rt_wake_one(w->rt);
	}
	atomic_store(&w->blocked, 1);
	if (w->trace != NULL)
		fiber_trace_record(w, w->cur, w->cur, FIBER_WHY_BLOCK_BEGIN);
	while ((now = util_now_ns()) < end) {
		if (atomic_load(&w->rt->stopping)) {
			r = FIBER_STOPPED;
			break;
		}
		step = end - now < FIBER_BLOCK_SLICE_NS ? end - now :
		    FIBER_BLOCK_SLICE_NS;
		ts.tv_sec = (time_t)(step / 1000000000);
		ts.tv_nsec = (long)(step % 1000000000);
		nanosleep(&ts, NULL);
	}
	atomic_store(&w->blocked, 0);
	if (w->trace != NULL)
		fiber_trace_record(w, w->cur, w->cur, FIBER_WHY_BLOCK_END);
	if (atomic_load(&w->rt->stopping))
		r = FIBER_STOPPED;
	return (r);
}

/* Whether any worker has queued fibers (a parking worker's last look). */
static int
rt_has_work(struct fiber_rt *rt)
{
	int	i;

	if (atomic_load(&rt->gq_len) != 0)
		return (1);
	for (i = 0; i < rt->nslots; i++) {
		if (atomic_load(&rt->w[i]->tail) != atomic_load(&rt->w[i]->head))
			return (1);
	}
	return (0);
}

/* Find a runnable fiber for the scheduler: local, global, timers, steal. */
static struct fiber *
worker_find(struct worker *w)
{
	struct fiber_rt	*rt = w->rt;
	struct fiber	*f;
	int		 i, n, start;

	if ((f = w->runnext) != NULL) {
		w->runnext = NULL;
		return (f);
	}
	if ((f = runq_pop(w)) != NULL)
		return (f);
	if ((f = rt_global_pop(rt, w)) != NULL)
		return (f);
	worker_fire_timers(w, 0, 0);
	if ((f = w->runnext) != NULL) {
		w->runnext = NULL;
		return (f);
	}
	if ((f = runq_pop(w)) != NULL)
		return (f);
	n = atomic_load(&rt->nworkers);
	if (n > rt->nslots)
		n = rt->nslots;
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	start = n > 0 ? (int)(w->rng % (uint64_t)n) : 0;
	for (i = 0; i < n; i++) {
		struct worker	*v = rt->w[(start + i) % n];

		if (v != w && (f = runq_steal(w, v)) != NULL)
			return (f);
	}
	return (NULL);
}

/*
 * The idle worker's own kernel switches, read when its idle time first
 * gives the CPU away (mark) and when that time ends (account): what an
 * M:N runtime pays in kernel switches for having no work, apart from the
 * work's own.  Two getrusage calls per idle time that yields or parks,
 * none for one that finds work while it spins.
 */
static void
worker_idle_mark(struct worker *w)
{
	struct rusage	ru;

	if (w->idle_marked || getrusage(RUSAGE_THREAD, &ru) != 0)
		return;
	w->idle_vcsw0 = (uint64_t)ru.ru_nvcsw;
	w->idle_ivcsw0 = (uint64_t)ru.ru_nivcsw;
	w->idle_marked = 1;
}

static void
worker_idle_account(struct worker *w)
{
	struct rusage	ru;

	if (!w->idle_marked)
		return;
	w->idle_marked = 0;
	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return;
	worker_add(&w->idle_vcsw, (uint64_t)ru.ru_nvcsw - w->idle_vcsw0);
	worker_add(&w->idle_ivcsw, (uint64_t)ru.ru_nivcsw - w->idle_ivcsw0);
}

/*
 * Look for work a little longer before parking: a futex wake costs tens
 * of microseconds on a busy machine, more than the work usually takes.
 * Between looks the worker pauses on the CPU; only every
 * FIBER_SPIN_YIELD_NS does it offer the CPU with sched_yield to whoever
 * is making the work (2 CPUs, 3 threads).  A yield that gives the CPU
 * away counts as an involuntary switch, and yielding at every look made
 * an idle worker's hundreds of yields a millisecond outweigh the work's
 * own switches.
 */
static struct fiber *
worker_spin(struct worker *w)
{
	struct fiber_rt	*rt = w->rt;
	struct fiber	*f = NULL;
	uint64_t	 now = util_now_ns(), end = now + FIBER_SPIN_NS;
	uint64_t	 yield_at = now + FIBER_SPIN_YIELD_NS;
	int		 i;

	atomic_fetch_add(&rt->nspinning, 1);
	while (!atomic_load_explicit(&rt->stopping, memory_order_relaxed)) {
		if (rt_has_work(rt) && (f = worker_find(w)) != NULL)
			break;
		if ((now = util_now_ns()) >= end)
			break;
		if (now >= yield_at) {
			worker_idle_mark(w);
			sched_yield();
			yield_at = now + FIBER_SPIN_YIELD_NS;
			continue;
		}
		for (i = 0; i < FIBER_SPIN_PAUSES; i++) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#elif defined(__aarch64__)
			__asm__ __volatile__("yield");
#endif
		}
	}
	/* Still counted as spinning until worker_sleep counts it parked, so
	   that pushers never see no idle worker while one is going idle. */
	if (f != NULL) {
		atomic_fetch_sub(&rt->nspinning, 1);
		worker_idle_account(w);
	}
	return (f);
}

/* Sleep in the kernel until woken or the next timer is due. */
static void
worker_sleep(struct worker *w)
{
	struct fiber_rt	*rt = w->rt;
	uint64_t	 next, now, timeout = 0;

	pthread_mutex_lock(&rt->lock);
	if (rt->gq_head != NULL) {
		pthread_mutex_unlock(&rt->lock);
		atomic_fetch_sub(&rt->nspinning, 1);
		return;
	}
	atomic_store(&w->park_word, 0);
	w->idle_next = rt->idle;
	rt->idle = w;
	w->in_idle = 1;
	atomic_fetch_add(&rt->nparked, 1);
	pthread_mutex_unlock(&rt->lock);
	atomic_fetch_sub(&rt->nspinning, 1);

	next = w->timers.n != 0 ? w->timers.v[0].deadline : 0;
	if (next != 0) {
		now = util_now_ns();
		timeout = next > now ? next - now : 1;
	}
	if (!rt_has_work(rt) &&
	    !(atomic_load(&rt->stopping) && w->timers.n != 0) &&
	    !atomic_load(&rt->quit) && w->index < atomic_load(&rt->nworkers)) {
		worker_idle_mark(w);
		atomic_store(&w->parked, 1);
		fiber_futex_wait(&w->park_word, 0, timeout);
		atomic_store(&w->parked, 0);
	}
	worker_idle_account(w);

	pthread_mutex_lock(&rt->lock);
	if (w->in_idle) {
		struct worker	**pp;

		for (pp = &rt->idle; *pp != w; pp = &(*pp)->idle_next)
			;
		*pp = w->idle_next;
		w->in_idle = 0;
		atomic_fetch_sub(&rt->nparked, 1);
	}
	pthread_mutex_unlock(&rt->lock);
}

/* Hand a retiring worker's fibers and sleepers to the others. */
static void
worker_retire(struct worker *w)
{
	struct fiber	*f;

	w->retiring = 1;
	if ((f = w->runnext) != NULL) {
		w->runnext = NULL;
		fiber_ready(f, 0);
	}
	while ((f = runq_pop(w)) != NULL)
		fiber_ready(f, 0);
	worker_fire_timers(w, 1, FIBER_WAKE_RETRY);
	fiber_stack_cache_flush(&w->rt->arena, w);
	if (atomic_load(&w->rt->gq_len) != 0)
		rt_wake_one(w->rt);
}

/* Worker thread: run fibers until told to retire or quit. */
static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	struct fiber_rt	*rt = w->rt;
	struct fiber	*f;
	pthread_attr_t	 attr;
	char		 name[16];

	fiber_tls_worker = w;
	snprintf(name, sizeof name, "fiber-w%d", w->index);
	pthread_setname_np(pthread_self(), name);
	atomic_store(&w->tid, (pid_t)syscall(SYS_gettid));
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		pthread_attr_getstack(&attr, &w->thread_stack_lo,
		    &w->thread_stack_size);
		pthread_attr_destroy(&attr);
	}
#ifdef FIBER_TSAN
	w->tsan_sched = __tsan_get_current_fiber();
#endif
	/*
	 * Asynchronous signals are blocked here (util_thread_create); a
	 * fault still arrives, and its handler must not run on a fiber's
	 * stack, which may be 2 KiB or what overflowed.
	 */
	if (util_sigaltstack_init(&w->sigstack, &w->sigstack_len) != 0)
		w->sigstack = NULL;
	w->trace = fiber_trace_claim(w);
	for (;;) {
		w->leave = 0;
		if (w->timers.n + 1 >= w->timers.cap)
			worker_timers_grow(w);
		else if (w->timers.cap > FIBER_TIMERS_KEEP &&
		    w->timers.n < w->timers.cap / 8)
			worker_timers_shrink(w);
		if (atomic_load(&rt->stopping))
			worker_fire_timers(w, 1, FIBER_STOPPED);
		if (w->index >= atomic_load(&rt->nworkers) ||
		    atomic_load(&rt->quit)) {
			worker_retire(w);
			break;
		}
		if ((f = worker_find(w)) != NULL ||
		    (f = worker_spin(w)) != NULL) {
			worker_switch(w, &w->sched_ctx, f, 0, FIBER_WHY_RUN);
			continue;
		}
		worker_sleep(w);
	}
	fiber_trace_close(w);
	if (w->timers.v != NULL)
		munmap(w->timers.v, w->timers.cap * sizeof *w->timers.v);
	memset(&w->timers, 0, sizeof w->timers);
	w->retiring = 0;
	util_sigaltstack_free(w->sigstack, w->sigstack_len);
	w->sigstack = NULL;
	atomic_store(&w->tid, 0);
	atomic_store(&w->exited, 1);
	fiber_tls_worker = NULL;
	return (NULL);
}

/* Start worker slot i (allocating it the first time). */
static int
rt_worker_start(struct fiber_rt *rt, int i)
{
	struct worker	*w = rt->w[i];

	if (w == NULL) {
		if (posix_memalign((void **)&w, FIBER_CACHELINE,
		    sizeof *w) != 0)
			return (-1);
		memset(w, 0, sizeof *w);
		w->rt = rt;
		w->index = i;
		w->rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
		rt->w[i] = w;
		if (i >= atomic_load(&rt->nslots))
			atomic_store(&rt->nslots, i + 1);
	} else if (w->started) {
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
	atomic_store(&w->exited, 0);
	if (util_thread_create(&w->thread, worker_main, w) != 0)
		return (-1);
	w->started = 1;
	return (0);
}

/* Change the number of workers (1..CSW_WORKERS_MAX) while running. */
int
fiber_rt_set_workers(struct fiber_rt *rt, int n)
{
	int	i, old = atomic_load(&rt->nworkers);

	if (n < 1 || n > CSW_WORKERS_MAX) {
		errno = EINVAL;
		return (-1);
	}
	if (atomic_load(&rt->stopping)) {
		errno = ECANCELED;
		return (-1);
	}
	/* Slots being restarted must have finished retiring first. */
	for (i = old; i < n && i < rt->nslots; i++) {
		if (rt->w[i]->started && !atomic_load(&rt->w[i]->exited)) {
			atomic_store(&rt->w[i]->park_word, 1);
			fiber_futex_wake(&rt->w[i]->park_word, 1);
			pthread_join(rt->w[i]->thread, NULL);
			rt->w[i]->started = 0;
		}
	}
	atomic_store(&rt->nworkers, n);
	for (i = old; i < n; i++) {
		if (rt_worker_start(rt, i) != 0) {
			atomic_store(&rt->nworkers, i);
			return (i == 0 ? -1 : 0);
		}
	}
	if (n < old)
		rt_wake_all(rt);
	return (0);
}

/* Create a runtime and start its workers; NULL with errno on failure. */
struct fiber_rt *
fiber_rt_create(const struct fiber_rt_config *cfg)
{
	struct fiber_rt	*rt;
	int		 n = cfg != NULL ? cfg->workers : 0;
	size_t		 stack = cfg != NULL ? cfg->stack_size : 0;
	long		 guard = cfg != NULL ? cfg->guard_limit : 0;

	if (n <= 0 && (n = (int)sysconf(_SC_NPROCESSORS_ONLN)) <= 0)
		n = 1;
	if (n > CSW_WORKERS_MAX)
		n = CSW_WORKERS_MAX;
	if (stack == 0)
		stack = FIBER_STACK_DEFAULT;
	if (fiber_stack_class_index(stack) < 0) {
		errno = EINVAL;
		return (NULL);
	}
	rt = xcalloc(1, sizeof *rt);
	rt->default_stack = stack;
	pthread_mutex_init(&rt->lock, NULL);
	pthread_mutex_init(&rt->chan_lock, NULL);
	if (fiber_stack_arena_init(&rt->arena, guard) != 0)
		goto fail;
	if (fiber_poller_create(rt) != 0)
		goto fail_arena;
	if (fiber_rt_set_workers(rt, n) != 0 || atomic_load(&rt->nworkers) == 0)
		goto fail_workers;
	return (rt);

fail_workers:
	fiber_rt_stop(rt, 0);
	fiber_poller_destroy(rt);
fail_arena:
	fiber_stack_arena_free(&rt->arena);
fail:
	pthread_mutex_destroy(&rt->chan_lock);
	pthread_mutex_destroy(&rt->lock);
	free(rt);
	return (NULL);
}

/* Whether fiber_rt_stop has been called. */
int
fiber_rt_stopping(struct fiber_rt *rt)
{
	return (atomic_load(&rt->stopping));
}

/* Fibers not yet returned: exits are read before spawns so that a child
   spawned by a fiber that has exited is always counted. */
static uint64_t
rt_live(struct fiber_rt *rt)
{
	uint64_t	spawns, exits = 0;
	int		i;

	for (i = 0; i < rt->nslots; i++)
		exits += atomic_load_explicit(&rt->w[i]->exits,
		    memory_order_acquire);
	spawns = atomic_load(&rt->ext_spawns);
	for (i = 0; i < rt->nslots; i++)
		spawns += atomic_load_explicit(&rt->w[i]->spawns,
		    memory_order_acquire);
	return (spawns > exits ? spawns - exits : 0);
}

/* Wake every parked fiber with FIBER_STOPPED, wait up to timeout_ns for all
   fibers to return, then stop the workers: 0 or -1 (ETIMEDOUT). */
int
fiber_rt_stop(struct fiber_rt *rt, uint64_t timeout_ns)
{
	uint64_t	deadline = util_now_ns() + timeout_ns;
	int		i;

	atomic_store(&rt->stopping, 1);
	fiber_chan_stop_all(rt);
	fiber_poller_stop(rt);
	rt_wake_all(rt);
	while (rt_live(rt) != 0) {
		if (util_now_ns() >= deadline) {
			errno = ETIMEDOUT;
			return (-1);
		}
		/* Sweep again: a fiber may have parked as we set the flag. */
		fiber_chan_stop_all(rt);
		fiber_poller_stop(rt);
		rt_wake_all(rt);
		usleep(1000);
	}
	atomic_store(&rt->quit, 1);
	rt_wake_all(rt);
	for (i = 0; i < rt->nslots; i++) {
		if (rt->w[i]->started) {
			pthread_join(rt->w[i]->thread, NULL);
			rt->w[i]->started = 0;
		}
	}
	return (0);
}

/* Stop (2 s) and free everything; leaks the runtime if fibers never return. */
void
fiber_rt_destroy(struct fiber_rt *rt)
{
	int	i;

	if (rt == NULL)
		return;
	if (!atomic_load(&rt->quit) && fiber_rt_stop(rt, 2000000000ULL) != 0)
		return;
	fiber_poller_destroy(rt);
	for (i = 0; i < rt->nslots; i++)
		free(rt->w[i]);
	fiber_stack_arena_free(&rt->arena);
	pthread_mutex_destroy(&rt->chan_lock);
	pthread_mutex_destroy(&rt->lock);
	free(rt);
}

/* Add every worker's ready-queue wait to c (one reader at a time). */
void
fiber_rt_ready_wait(struct fiber_rt *rt, struct lat_counts *c)
{
	int	i, n = atomic_load(&rt->nslots);

	for (i = 0; i < n && i < CSW_WORKERS_MAX; i++)
		if (rt->w[i] != NULL)
			lat_hist_collect(&rt->w[i]->ready_wait, c);
}

/*
 * The coarse monotonic clock: a vDSO read of a few ns, cheap enough for
 * every switch; its resolution (a tick, 1 to 10 ms) is far below the runs
 * it has to see.
 */
static uint64_t
fiber_coarse_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* Resolution of the clock behind a worker's run_ns. */
uint64_t
fiber_coarse_res_ns(void)
{
	struct timespec	ts;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &ts) != 0)
		return (0);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* Fill a snapshot of the counters (any thread, no locks). */
void
fiber_rt_stats(struct fiber_rt *rt, struct fiber_stats *st)
{
	struct worker	*w;
	int		 i, n = rt->nslots;
	uint32_t	 h, t;
	uint64_t	 now = fiber_coarse_ns(), start;

	memset(st, 0, sizeof *st);
	st->workers = atomic_load(&rt->nworkers);
	st->live = rt_live(rt);
	st->spawns = atomic_load(&rt->ext_spawns);
	for (i = 0; i < n && i < CSW_WORKERS_MAX; i++) {
		w = rt->w[i];
		if (w == NULL)
			continue;
		st->w[i].tid = atomic_load(&w->tid);
		st->w[i].parked = atomic_load(&w->parked);
		st->w[i].blocked = atomic_load(&w->blocked);
		start = atomic_load_explicit(&w->run_start,
		    memory_order_relaxed);
		st->w[i].run_ns = start != 0 && now > start ? now - start : 0;
		h = atomic_load(&w->head);
		t = atomic_load(&w->tail);
		st->w[i].runq = (t - h <= FIBER_RUNQ_SIZE ? t - h : 0) +
		    atomic_load_explicit(&w->pq_len, memory_order_relaxed);
		st->w[i].switches = atomic_load(&w->switches);
		st->w[i].steals = atomic_load(&w->steals);
		st->w[i].idle_vcsw = atomic_load_explicit(&w->idle_vcsw,
		    memory_order_relaxed);
		st->w[i].idle_ivcsw = atomic_load_explicit(&w->idle_ivcsw,
		    memory_order_relaxed);
		st->idle_switches += st->w[i].idle_vcsw + st->w[i].idle_ivcsw;
		st->switches += st->w[i].switches;
		st->steals += st->w[i].steals;
		st->spawns += atomic_load(&w->spawns);
		st->exits += atomic_load(&w->exits);
		st->parked_workers += st->w[i].parked;
		st->blocked_workers += st->w[i].blocked;
	}
	st->global_runq = atomic_load(&rt->gq_len);
	st->stack_reserved = atomic_load(&rt->arena.reserved);
	st->stack_in_use = atomic_load(&rt->arena.in_use);
	st->stacks_guarded = atomic_load(&rt->arena.guarded);
	st->stacks_unguarded = atomic_load(&rt->arena.unguarded);
	st->guard_dropped = atomic_load(&rt->arena.guard_dropped);
}

/* Stack bytes resident (mincore over the arena); costly, any thread. */
void
fiber_rt_stack_memory(struct fiber_rt *rt, struct fiber_stack_memory *m)
{
	fiber_stack_arena_held(&rt->arena, m);
}

/* Give the free stacks' pages back (fiber.h). */
size_t
fiber_rt_trim(struct fiber_rt *rt)
{
	return (fiber_stack_trim(&rt->arena));
}

/* Stack bytes resident over the whole arena (mincore); any thread. */
uint64_t
fiber_rt_stack_committed(struct fiber_rt *rt)
{
	return (fiber_stack_arena_committed(&rt->arena));
}

/* SPDX-License-Identifier: ISC */
/*
 * Internals shared by the fiber runtime's files (fiber.c, fiber_stack.c,
 * fiber_chan.c, fiber_io.c).  Not for use outside src/runtime/.
 *
 * Ownership: a worker's fields above "shared" are touched only by its own
 * thread; the run queue ring is single-producer (owner) multi-consumer
 * (owner and stealers); counters are written by the owner and read by
 * anyone.  A parked fiber is woken by whoever wins fiber_claim() on its
 * wait word; every claimant either runs on the fiber's own worker or holds a
 * lock the parking fiber released only after its context was saved.
 */
#ifndef CSW_ENGINE_FIBER_IMPL_H
#define CSW_ENGINE_FIBER_IMPL_H

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

#include "runtime/ctx.h"
#include "runtime/fiber.h"
#include "util/lathist.h"

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FIBER_TSAN 1
#endif
#endif

#define FIBER_CACHELINE		64
#define FIBER_RUNQ_SIZE		256
#define FIBER_PRIVQ_SIZE	64
#define FIBER_WAKE_RETRY	-100	/* internal: woken to re-park elsewhere */

struct fiber {
	struct ctx		 ctx;
	struct fiber		*next;		/* run queue, free list */
	struct fiber_rt		*rt;
	fiber_fn		 fn;
	void			*arg;
	_Atomic uint64_t	 wait_word;	/* generation << 1 | armed */
	int			 wait_result;
	uint64_t		 ready_ns;	/* made ready at, if timed; else 0 */
	/* Set when the slot is carved; kept across reuse. */
	uint8_t			 cls;
	uint8_t			 guarded;
	uint8_t			 canary;	/* fiber_stack_check looks */
	_Atomic uint8_t		 live;		/* held by a fiber, for the sampler */
	uint32_t		 trace_id;	/* 0: not named by a trace yet */
	/* Join. */
	uint8_t			 joinable;
	uint8_t			 done;
	uint8_t			 ext_join;
	_Atomic int		 jlock;
	_Atomic uint32_t	 jfutex;
	struct fiber		*joiner;
	uint64_t		 joiner_gen;
	char			*stack_lo;	/* usable stack, above the guard */
#ifdef FIBER_TSAN
	void			*tsan;
#endif
};

struct timer_entry {
	uint64_t		 deadline;
	struct fiber		*f;
	uint64_t		 gen;
};

struct timer_heap {
	struct timer_entry	*v;
	size_t			 n;
	size_t			 cap;
};

struct worker {
	struct fiber_rt		*rt;
	int			 index;
	struct fiber		*cur;		/* running fiber, NULL in sched */
	struct fiber		*runnext;	/* runs next; not stealable */
	struct fiber		*pq[FIBER_PRIVQ_SIZE];	/* private FIFO */
	uint32_t		 pq_head;
	uint32_t		 pq_tail;
	void			(*post_fn)(struct worker *, void *);
	void			*post_arg;
	struct trace_ring	*trace;		/* NULL: not tracing */
	uint32_t		 tick;
	uint32_t		 lat_tick;	/* readies made, for sampling */
	int			 leave;		/* go back to the scheduler */
	int			 retiring;
	uint64_t		 rng;
	struct ctx		 sched_ctx;
	struct timer_heap	 timers;
	struct fiber		*cache[FIBER_STACK_CLASSES];
	uint32_t		 ncache[FIBER_STACK_CLASSES];
	void			*thread_stack_lo;	/* for ASan */
	size_t			 thread_stack_size;
	void			*sigstack;	/* signal stack and its guard */
	size_t			 sigstack_len;
#ifdef FIBER_TSAN
	void			*tsan_sched;
#endif
	pthread_t		 thread;
	int			 started;
	struct worker		*idle_next;	/* under rt->lock */
	int			 in_idle;
	/* The thread's own kernel switches when its idle look first gave
	   the CPU away (a yield or a park); idle_marked: taken. */
	uint64_t		 idle_vcsw0, idle_ivcsw0;
	int			 idle_marked;

	/* shared */
	alignas(FIBER_CACHELINE) _Atomic uint32_t head;
	alignas(FIBER_CACHELINE) _Atomic uint32_t tail;
	struct fiber *_Atomic	 ring[FIBER_RUNQ_SIZE];
	alignas(FIBER_CACHELINE) _Atomic uint64_t switches;
	_Atomic uint64_t	 spawns;
	_Atomic uint64_t	 exits;
	_Atomic uint64_t	 steals;
	/* Kernel switches taken while idle, looking for work or parked:
	   the thread's own counts, read around the idle time. */
	_Atomic uint64_t	 idle_vcsw;
	_Atomic uint64_t	 idle_ivcsw;
	_Atomic uint32_t	 pq_len;
	_Atomic int		 parked;
	_Atomic int		 blocked;
	_Atomic int		 exited;
	/* When the running fiber was switched in (fiber_coarse_ns), 0 in the
	   scheduler: the sampler sees a long run without walking fibers. */
	_Atomic uint64_t	 run_start;
	_Atomic pid_t		 tid;
	_Atomic uint32_t	 park_word;
	/* Ready-queue wait of the fibers this worker ran (lat_stamp_due's
	   share of them): written by this worker only. */
	alignas(FIBER_CACHELINE) struct lat_hist ready_wait;
};

struct stack_chunk {
	char			*base;
	size_t			 len;
	int			 cls;
	_Atomic size_t		 carved;	/* bytes handed out as slots */
	struct stack_chunk	*next;
};

/*
 * A run of free slots whose pages went back to the kernel (MADV_DONTNEED)
 * in a trim: their control blocks are gone, so they live here, off the
 * stacks, until a spawn takes them again.
 */
struct stack_fallow {
	char			*lo;		/* the first slot, guard included */
	size_t			 n;		/* slots */
	uint64_t		 wait_word;	/* a generation no stale timer has */
	uint8_t			 guarded;	/* every slot of the run has one */
};

struct stack_class {
	struct fiber		*free;
	size_t			 nfree;
	char			*carve;		/* next slot in the last chunk */
	char			*carve_end;
	struct stack_chunk	*chunk;		/* the last chunk */
	struct stack_fallow	*fallow;	/* trimmed runs */
	size_t			 nfallow;
	size_t			 capfallow;
};

struct stack_arena {
	pthread_mutex_t		 lock;
	struct stack_class	 cls[FIBER_STACK_CLASSES];
	struct stack_chunk *_Atomic chunks;
	long			 guard_limit;
	_Atomic int		 populate_ok;	/* MADV_POPULATE_WRITE works */
	_Atomic uint64_t	 reserved;
	_Atomic uint64_t	 in_use;
	_Atomic uint64_t	 in_use_packed;	/* of it, the sub-page class */
	_Atomic uint64_t	 fallow;	/* bytes of trimmed slots */
	uint64_t		 epoch;		/* trims so far; locked */
	_Atomic uint64_t	 guarded;
	_Atomic uint64_t	 unguarded;
	_Atomic int		 guard_dropped;
};

struct poller;

struct fiber_rt {
	pthread_mutex_t		 lock;		/* global queue, idle list */
	struct fiber		*gq_head;
	struct fiber		*gq_tail;
	_Atomic uint64_t	 gq_len;
	struct worker		*idle;
	_Atomic int		 nparked;
	_Atomic int		 nspinning;	/* workers looking for work */
	_Atomic int		 nworkers;
	_Atomic int		 nslots;	/* worker slots allocated */
	struct worker		*w[CSW_WORKERS_MAX];
	_Atomic int		 stopping;
	_Atomic int		 quit;
	_Atomic uint64_t	 ext_spawns;
	size_t			 default_stack;
	struct stack_arena	 arena;
	pthread_mutex_t		 chan_lock;	/* the channel list */
	struct fiber_chan	*chans;
	struct poller		*poller;
};

extern __thread struct worker	*fiber_tls_worker;

/*
 * The worker running the caller now.  A fiber may move to another thread
 * at any park, and a compiler may keep the thread pointer in a register
 * across the park's call.  A ThreadSanitizer build, which takes each TLS
 * address to check it, did so in fiber_sleep: after a move it read the old
 * worker's slot as that worker exited (TSan reported the race).  There it
 * is out of line, as fiber_errno_set is for errno; elsewhere it is the
 * plain TLS load, which the compiler makes afresh from %fs each time.
 */
#ifdef FIBER_TSAN
struct worker	*fiber_worker(void);
#else
static inline struct worker *
fiber_worker(void)
{
	return (fiber_tls_worker);
}
#endif

/* fiber_trace.c: the rings behind fiber_trace_*; the worker's own calls. */
struct trace_ring;
struct trace_ring *fiber_trace_claim(struct worker *);
void	 fiber_trace_record(struct worker *, struct fiber *, struct fiber *,
	    int);
void	 fiber_trace_close(struct worker *);

/* The running fiber (inside fibers only). */
static inline struct fiber *
fiber_current(void)
{
	return (fiber_worker()->cur);
}

/* fiber.c */
void	 fiber_spin_wait(_Atomic int *);
int	 fiber_claim(struct fiber *, uint64_t, int);
void	 fiber_ready(struct fiber *, int);
void	 fiber_park(void (*)(struct worker *, void *), void *, int);
void	 fiber_post_unlock(struct worker *, void *);
void	 fiber_errno_set(int);
void	 fiber_timer_reserve(void);
void	 fiber_timer_add(struct worker *, uint64_t, struct fiber *, uint64_t);
void	 fiber_futex_wait(_Atomic uint32_t *, uint32_t, uint64_t);
void	 fiber_futex_wake(_Atomic uint32_t *, int);

/* fiber_stack.c */
int	 fiber_stack_arena_init(struct stack_arena *, long);
void	 fiber_stack_arena_free(struct stack_arena *);
int	 fiber_stack_class_index(size_t);
size_t	 fiber_stack_class_bytes(int);
struct fiber *fiber_stack_alloc(struct stack_arena *, struct worker *, int);
void	 fiber_stack_release(struct stack_arena *, struct worker *, struct fiber *);
void	 fiber_stack_cache_flush(struct stack_arena *, struct worker *);
uint64_t fiber_stack_arena_committed(struct stack_arena *);
size_t	 fiber_stack_trim(struct stack_arena *);
void	 fiber_stack_arena_held(struct stack_arena *, struct fiber_stack_memory *);
void	 fiber_stack_prepare(struct fiber *);
void	 fiber_stack_overflow(struct fiber *) __attribute__((noreturn));
void	 fiber_stack_measure(struct fiber *);
const char *fiber_stack_fault_explain(int, const void *);

/* fiber_chan.c */
void	 fiber_chan_stop_all(struct fiber_rt *);

/* fiber_io.c */
int	 fiber_poller_create(struct fiber_rt *);
void	 fiber_poller_stop(struct fiber_rt *);
void	 fiber_poller_destroy(struct fiber_rt *);

/* Take a spin lock (held for a few instructions, maybe across a switch):
   one exchange when free, fiber_spin_wait when not. */
static inline void
fiber_spin_lock(_Atomic int *l)
{
	if (atomic_exchange_explicit(l, 1, memory_order_acquire) != 0)
		fiber_spin_wait(l);
}

/* Release a spin lock. */
static inline void
fiber_spin_unlock(_Atomic int *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

/* The lowest word of a stack without a guard page (fiber_stack.c). */
#define FIBER_STACK_CANARY	0x5a17c0de5a17c0deULL

/* Abort with the words if f ran over the canary at its stack's bottom:
   at every switch out, so inline. */
static inline void
fiber_stack_check(struct fiber *f)
{
	uint64_t	v;

	if (!f->canary)
		return;
	__builtin_memcpy(&v, f->stack_lo, sizeof v);
	if (v != FIBER_STACK_CANARY)
		fiber_stack_overflow(f);
}

/* Arm the running fiber for a new wait; returns its generation. */
static inline uint64_t
fiber_arm(struct fiber *f)
{
	uint64_t	gen;

	gen = (atomic_load_explicit(&f->wait_word, memory_order_relaxed) >> 1)
	    + 1;
	atomic_store_explicit(&f->wait_word, gen << 1 | 1,
	    memory_order_relaxed);
	return (gen);
}

/*
 * Make f run next on this worker (a channel's direct handoff): the common
 * case, a free runnext slot and a ready not due for timing, inline;
 * anything else is fiber_ready's.
 */
static inline void
fiber_handoff(struct fiber *f)
{
	struct worker	*w = fiber_worker();

	if (w != NULL && w->runnext == NULL && w->rt == f->rt &&
	    !w->retiring && ((w->lat_tick + 1) & (LAT_SAMPLE_EVERY - 1)) != 0) {
		w->lat_tick++;
		w->runnext = f;
		return;
	}
	fiber_ready(f, 1);
}

#endif

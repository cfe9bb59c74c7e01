/* SPDX-License-Identifier: ISC */
/*
 * The fiber runtime: M:N scheduling of fibers on P worker threads, like
 * goroutines.  One runtime (struct fiber_rt) owns its workers, its stack
 * arena, its channels' wait queues, its timers and an epoll poller.
 *
 * Threads:
 * - fiber_rt_create, fiber_rt_set_workers, fiber_rt_stop, fiber_rt_destroy:
 *   the controlling (engine) thread only, never a fiber; one at a time.
 * - fiber_rt_stats, fiber_rt_stack_committed, fiber_rt_stopping: any thread,
 *   lock-free reads of atomic counters (committed calls mincore, so it is
 *   slower; call it at sampling rate, not per operation).
 * - fiber_spawn, fiber_join: any thread (a fiber parks, another thread
 *   blocks on a futex).  fiber_chan_create/destroy: any thread.
 * - Everything else (fiber_self, fiber_yield, fiber_exit, fiber_sleep,
 *   fiber_block_sleep, fiber_chan_send/recv/close, fiber_select, fiber_read,
 *   fiber_write, fiber_wait_fd) runs inside a fiber of the runtime only.
 *   fiber_chan_close may also be called from any thread.
 *
 * Order: create, spawn..., stop (every parked fiber wakes with
 * FIBER_STOPPED and must return), destroy.  Fibers must not run forever
 * without calling a parking or yielding function: the runtime is
 * cooperative and stop cannot interrupt a busy loop.
 *
 * errno and other thread-locals belong to the worker thread, and a fiber
 * may resume on another worker after any call that parks or yields: read
 * errno before such a call (fiber_read/fiber_write set it on return).
 *
 * Stacks: size classes are powers of two from 2 KiB to 8 MiB; requests
 * round up.  The fiber control block (about 140 bytes) lives at the top of
 * its stack, so a sleeping fiber touches one page (2 KiB class: half a
 * page).  What fiber code may do per class:
 *   2 KiB   about 1.8 KiB usable: fiber_sleep, fiber_yield, channels and
 *           select, small leaf code.  No libc beyond trivial calls, no
 *           fiber_spawn (it may mmap and malloc), no fiber_read/write.
 *   4 KiB   adds fiber_spawn, fiber_read/fiber_write/fiber_wait_fd,
 *           fiber_block_sleep and plain system call wrappers.
 *   16 KiB  (default) printf/snprintf and most libc; use 64 KiB or more
 *           for deep recursion, getaddrinfo, or anything that uses locale.
 * Measured (fiber_stack_paint): the scenarios' deepest fiber uses 712 bytes
 * (blocking), with the runtime's own frames.  The binary must be linked
 * with -z now: a lazy binding's resolver alone needs several KiB.
 * No guard page protects the 2 KiB class (two share a page): a canary in
 * its lowest word is checked at every switch out instead; page-sized
 * classes get a PROT_NONE guard page below the stack until the
 * vm.max_map_count budget is used, then unguarded stacks
 * (fiber_stats.guard_dropped).  Sanitizer builds need about twice as much,
 * and the ucontext fallback keeps a 1 KiB ucontext_t in the control block.
 */
#ifndef CSW_ENGINE_FIBER_H
#define CSW_ENGINE_FIBER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/util.h"

#define FIBER_STACK_MIN		2048
#define FIBER_STACK_MARGIN	512	/* left in the smallest class */
#define FIBER_STACK_MAX		(8 * 1024 * 1024)
#define FIBER_STACK_DEFAULT	(16 * 1024)
#define FIBER_STACK_CLASSES	13	/* 2 KiB, 4 KiB, ... 8 MiB */

/* Results of the parking calls: 0 or one of these. */
#define FIBER_OK	0
#define FIBER_CLOSED	-1	/* the channel is closed */
#define FIBER_TIMEOUT	-2	/* fiber_select timed out */
#define FIBER_STOPPED	-3	/* fiber_rt_stop: return promptly */

struct fiber;
struct fiber_rt;
struct fiber_chan;
struct lat_counts;

typedef void (*fiber_fn)(void *);

struct fiber_rt_config {
	int		 workers;	/* P; 0 = online CPUs */
	size_t		 stack_size;	/* default class; 0 = 16 KiB */
	long		 guard_limit;	/* guarded stacks at most, 0 = none:
					   the caller's vm.max_map_count budget
					   (engine_fiber_guard_limit) */
};

struct fiber_attr {
	size_t		 stack_size;	/* 0 = the runtime's default */
};

struct fiber_worker_stats {
	pid_t		 tid;		/* 0 if not running */
	int		 parked;	/* sleeping in the kernel, idle */
	int		 blocked;	/* inside fiber_block_sleep */
	uint64_t	 run_ns;	/* the running fiber's run so far, 0: none
					   (coarse clock: fiber_coarse_res_ns) */
	uint32_t	 runq;		/* local run queue depth */
	uint64_t	 switches;
	uint64_t	 steals;	/* fibers taken from other workers */
	uint64_t	 idle_vcsw;	/* kernel switches while idle: */
	uint64_t	 idle_ivcsw;	/* parked, and giving the CPU away */
};

struct fiber_stats {
	int		 workers;	/* P */
	int		 parked_workers;
	int		 blocked_workers;
	uint64_t	 switches;	/* fiber context switches, total */
	uint64_t	 spawns;
	uint64_t	 exits;
	uint64_t	 live;		/* spawns - exits */
	uint64_t	 steals;
	uint64_t	 idle_switches;	/* the workers' idle_vcsw + idle_ivcsw */
	uint64_t	 global_runq;
	uint64_t	 stack_reserved;	/* bytes mapped for stacks */
	uint64_t	 stack_in_use;		/* bytes of stacks held by fibers */
	uint64_t	 stacks_guarded;	/* stacks with a guard page */
	uint64_t	 stacks_unguarded;	/* page-sized stacks without */
	int		 guard_dropped;		/* map budget hit: no more guards */
	struct fiber_worker_stats w[CSW_WORKERS_MAX];
};

/* Create a runtime and start its workers; NULL with errno on failure. */
struct fiber_rt	*fiber_rt_create(const struct fiber_rt_config *);
/* Change the number of workers (1..CSW_WORKERS_MAX) while running. */
int		 fiber_rt_set_workers(struct fiber_rt *, int);
/* Wake every parked fiber with FIBER_STOPPED, refuse spawns, wait up to
   timeout_ns for fibers to return, then stop workers: 0 or -1 (ETIMEDOUT). */
int		 fiber_rt_stop(struct fiber_rt *, uint64_t);
/* Stop (2 s) and free everything; leaks the runtime if fibers never return. */
void		 fiber_rt_destroy(struct fiber_rt *);
/* Whether fiber_rt_stop has been called. */
int		 fiber_rt_stopping(struct fiber_rt *);
/* Fill a snapshot of the counters (any thread, no locks). */
void		 fiber_rt_stats(struct fiber_rt *, struct fiber_stats *);
/* Add the workers' ready-queue waits (a fiber made ready to running, one
   ready in LAT_SAMPLE_EVERY timed) to the counts; takes their maxima.
   Any thread, one at a time (the sampler's). */
void		 fiber_rt_ready_wait(struct fiber_rt *, struct lat_counts *);
/* Time the ready-queue waits (1, the default) or not (0), every runtime;
   any thread.  For --bench, which measures what timing costs. */
void		 fiber_time_readies(int);
/* Resolution of the clock behind fiber_worker_stats.run_ns, ns. */
uint64_t	 fiber_coarse_res_ns(void);
/* Stack bytes resident (mincore over the arena); costly, any thread. */
uint64_t	 fiber_rt_stack_committed(struct fiber_rt *);
/*
 * The stacks: reserved is what the live fibers' stacks take (their class
 * sizes, from the runtime's counts), committed the resident pages of every
 * stack the arena has handed out, live or kept for reuse (mincore over the
 * pages, never a walk over the fibers); a trim (fiber_rt_trim) gives the
 * kept ones' pages back, and fallow says how many bytes of stacks it did.
 */
struct fiber_stack_memory {
	uint64_t	 reserved;	/* bytes of the live fibers' stacks */
	uint64_t	 committed;	/* resident bytes among them */
	uint64_t	 shared_stacks;	/* live stacks of the sub-page class */
	uint64_t	 fallow;	/* bytes of free stacks given back */
};
/* Measure the live fibers' stacks (mincore; any thread). */
void		 fiber_rt_stack_memory(struct fiber_rt *,
		    struct fiber_stack_memory *);
/*
 * Give the pages of the free stacks kept for reuse back to the kernel, and
 * shrink what the runtime keeps for its peak (its timer heaps shrink by
 * themselves); returns the stack bytes given back.  Any thread, after a
 * shrink: it takes the arena's lock for a time that grows with the free
 * stacks (tens of ms for a million).
 */
size_t		 fiber_rt_trim(struct fiber_rt *);
/* Round a stack size up to its class size; 0 if above FIBER_STACK_MAX. */
size_t		 fiber_stack_class_size(size_t);

/* Paint each new fiber's stack (on) so that fiber_stack_deepest can tell
   the most stack any fiber used; costs a memset per spawn, for tests and
   measurements.  Any thread; set it before the fibers to measure spawn. */
void		 fiber_stack_paint(int);
/* Bytes of stack the deepest fiber used since painting began (measured at
   its return, from the top of its stack); 0 if none returned. */
size_t		 fiber_stack_deepest(void);

/* Start fn(arg) in a new fiber; with joinp the fiber must be joined.
   0, or -1 with errno (ENOMEM, EINVAL, ECANCELED when stopping). */
int		 fiber_spawn(struct fiber_rt *, fiber_fn, void *,
		     const struct fiber_attr *, struct fiber **);
/* Wait for a joinable fiber to return and free it. */
void		 fiber_join(struct fiber *);

/* The running fiber, or NULL outside fibers. */
struct fiber	*fiber_self(void);
/* The runtime of the running fiber, or NULL outside fibers. */
struct fiber_rt	*fiber_rt_self(void);
/* Let other runnable fibers run: FIBER_OK or FIBER_STOPPED. */
int		 fiber_yield(void);
/* End the running fiber. */
void		 fiber_exit(void) __attribute__((noreturn));
/* Park for ns nanoseconds: FIBER_OK or FIBER_STOPPED. */
int		 fiber_sleep(uint64_t);
/* Block the worker thread itself in nanosleep (the blocking-call lesson):
   FIBER_OK, or FIBER_STOPPED within 50 ms of fiber_rt_stop. */
int		 fiber_block_sleep(uint64_t);

/* Create a channel of cap elements of elemsize bytes (cap 0: unbuffered). */
struct fiber_chan *fiber_chan_create(struct fiber_rt *, size_t, size_t);
/* Free a channel nobody waits on. */
void		 fiber_chan_destroy(struct fiber_chan *);
/* Send one element: FIBER_OK, FIBER_CLOSED or FIBER_STOPPED. */
int		 fiber_chan_send(struct fiber_chan *, const void *);
/* Receive one element: FIBER_OK, FIBER_CLOSED (drained) or FIBER_STOPPED. */
int		 fiber_chan_recv(struct fiber_chan *, void *);
/* Close: receivers drain then get FIBER_CLOSED, senders FIBER_CLOSED. */
void		 fiber_chan_close(struct fiber_chan *);
/* Elements buffered now (racy, for display). */
size_t		 fiber_chan_len(struct fiber_chan *);

#define FIBER_SEND	1
#define FIBER_RECV	2
struct fiber_select_case {
	struct fiber_chan *chan;
	int		 op;		/* FIBER_SEND or FIBER_RECV */
	void		*elem;		/* sent from or received into */
	int		 result;	/* out: FIBER_OK or FIBER_CLOSED */
};
/* Wait for one of n (at most 16) cases: its index, FIBER_TIMEOUT or
   FIBER_STOPPED.  timeout_ns < 0 waits forever, 0 polls. */
int		 fiber_select(struct fiber_select_case *, int, int64_t);

/* Park until fd (O_NONBLOCK) is ready for events (EPOLLIN/EPOLLOUT):
   FIBER_OK or FIBER_STOPPED.  One reader and one writer per fd at a time;
   close an fd only once its waiters have returned (epoll forgets it). */
int		 fiber_wait_fd(int, uint32_t);
/* read(2) on a nonblocking fd, parking instead of EAGAIN; -1 errno
   ECANCELED when stopped. */
ssize_t		 fiber_read(int, void *, size_t);
/* write(2) likewise; writes everything unless an error occurs. */
ssize_t		 fiber_write(int, const void *, size_t);

/*
 * Tracing (--trace): each worker thread records its switches, with the
 * time (a stamp: fiber_trace_ns makes it CLOCK_MONOTONIC ns), the fiber
 * that runs next (0: the worker's scheduler) and why the one before it
 * stopped, into a ring of its own allocated when the worker starts.  The
 * stamp is the CPU's invariant time-stamp counter where there is one (a
 * clock read costs more than the rest of the record), mapped onto
 * CLOCK_MONOTONIC by readings of both at start and stop.  Off unless
 * fiber_trace_start was called before the runtime's workers started: the
 * switch then costs one predictable branch.  A full ring keeps counting
 * the switches it could not hold (dropped).
 *
 * fiber_trace_start, fiber_trace_stop, fiber_trace_ring and
 * fiber_trace_free: one controlling thread; read the rings after stop,
 * free them after the runtimes are destroyed.
 */
enum fiber_why {
	FIBER_WHY_RUN,		/* the scheduler picked it (from 0) */
	FIBER_WHY_YIELD,	/* fiber_yield */
	FIBER_WHY_CHANNEL,	/* a channel send, receive or select */
	FIBER_WHY_TIMER,	/* fiber_sleep, a timer heap's growth */
	FIBER_WHY_IO,		/* fiber_read, fiber_write, fiber_wait_fd */
	FIBER_WHY_JOIN,		/* fiber_join */
	FIBER_WHY_EXIT,		/* it returned */
	FIBER_WHY_BLOCK_BEGIN,	/* not a switch: a blocking call begins */
	FIBER_WHY_BLOCK_END,	/* and ends */
	FIBER_WHY_COUNT
};

struct fiber_trace_event {
	uint64_t	 stamp;		/* fiber_trace_ns gives the time */
	uint32_t	 to;		/* fiber id; 0: the scheduler */
	uint32_t	 why;		/* enum fiber_why */
};				/* the fiber that stopped: the last to */

struct fiber_trace_ring {
	const struct fiber_trace_event *ev;
	size_t		 n;		/* events held */
	uint64_t	 dropped;	/* switches after the ring was full */
	uint64_t	 switches;	/* the worker's counter over the trace */
	pid_t		 tid;
	int		 worker;	/* its index in its runtime */
	int		 closed;	/* the worker ended or saw the stop */
};

#define FIBER_TRACE_RINGS	1024	/* workers over a program's life */

int		 fiber_trace_start(size_t);
void		 fiber_trace_stop(void);
size_t		 fiber_trace_rings(void);
int		 fiber_trace_ring(size_t, struct fiber_trace_ring *);
const char	*fiber_trace_why_name(enum fiber_why);
uint64_t	 fiber_trace_ns(uint64_t);
const char	*fiber_trace_clock(void);
void		 fiber_trace_free(void);

#endif

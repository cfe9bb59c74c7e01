/* SPDX-License-Identifier: ISC */
/*
 * The rings of --trace: one per worker thread, claimed when the worker
 * starts (if tracing), written by that worker alone, read by the
 * controlling thread after fiber_trace_stop.  A ring is allocated once, at
 * its claim, and never grows: a full ring counts what it drops.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/fiber.h"
#include "runtime/fiber_impl.h"
#include "util/util.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#define TRACE_HAVE_TSC	1
#endif

struct trace_ring {
	struct fiber_trace_event *ev;
	size_t			 cap;
	_Atomic size_t		 n;
	_Atomic uint64_t	 dropped;
	uint64_t		 switches0;	/* the counter at the claim */
	_Atomic uint64_t	 switches;	/* over the trace, at close */
	pid_t			 tid;
	int			 worker;
	_Atomic int		 closed;
};

static _Atomic int		 trace_on;
static size_t			 trace_cap;	/* events a ring holds */
static struct trace_ring	 trace_rings[FIBER_TRACE_RINGS];
static _Atomic size_t		 trace_nrings;	/* claimed */
static _Atomic uint32_t		 trace_ids;	/* the last fiber id given */

/*
 * The stamps' clock: the time-stamp counter if invariant, else
 * CLOCK_MONOTONIC ns.  Set by fiber_trace_start before any worker that
 * reads it starts; (tsc, ns) pairs at start and stop map one on the other.
 */
static bool			 trace_tsc;
static uint64_t			 trace_tsc0, trace_ns0, trace_tsc1, trace_ns1;

static const char *const trace_why_names[FIBER_WHY_COUNT] = {
	[FIBER_WHY_RUN] = "run",
	[FIBER_WHY_YIELD] = "yield",
	[FIBER_WHY_CHANNEL] = "channel",
	[FIBER_WHY_TIMER] = "timer",
	[FIBER_WHY_IO] = "I/O",
	[FIBER_WHY_JOIN] = "join",
	[FIBER_WHY_EXIT] = "exit",
	[FIBER_WHY_BLOCK_BEGIN] = "blocking call",
	[FIBER_WHY_BLOCK_END] = "blocking call ends",
};

/* A stamp for an event: one counter read where it is cheap. */
static inline uint64_t
trace_stamp(void)
{
#ifdef TRACE_HAVE_TSC
	if (trace_tsc)
		return (__rdtsc());
#endif
	return (util_now_ns());
}

/* Whether the CPU's time-stamp counter ticks at one rate in every state. */
static bool
trace_tsc_invariant(void)
{
#ifdef TRACE_HAVE_TSC
	unsigned int	a, b, c, d;

	if (__get_cpuid(0x80000007, &a, &b, &c, &d) && (d & (1u << 8)))
		return (true);
#endif
	return (false);
}

/* Read the counter and the clock together: the clock at the counter. */
static void
trace_calibrate(uint64_t *tsc, uint64_t *ns)
{
	uint64_t	a, b;

	*tsc = *ns = 0;
#ifdef TRACE_HAVE_TSC
	a = util_now_ns();
	*tsc = __rdtsc();
	b = util_now_ns();
	*ns = a + (b - a) / 2;
#else
	(void)a;
	(void)b;
#endif
}

/* CLOCK_MONOTONIC ns of an event's stamp. */
uint64_t
fiber_trace_ns(uint64_t stamp)
{
	double	rate;

	if (!trace_tsc)
		return (stamp);
	if (trace_tsc1 <= trace_tsc0)
		trace_calibrate(&trace_tsc1, &trace_ns1);
	if (trace_tsc1 <= trace_tsc0)
		return (trace_ns0);
	rate = (double)(trace_ns1 - trace_ns0) / (double)(trace_tsc1 -
	    trace_tsc0);
	if (stamp >= trace_tsc0)
		return (trace_ns0 + (uint64_t)((double)(stamp - trace_tsc0) *
		    rate + 0.5));
	return (trace_ns0 - (uint64_t)((double)(trace_tsc0 - stamp) * rate +
	    0.5));
}

/* What the stamps are, as a trace's metadata says. */
const char *
fiber_trace_clock(void)
{
	if (trace_tsc)
		return ("the CPU's invariant time-stamp counter, mapped onto "
		    "CLOCK_MONOTONIC by readings of both at the trace's start "
		    "and end");
	return ("CLOCK_MONOTONIC, read at each switch");
}

/*
 * Trace the switches of every worker that starts from now on, up to
 * events a worker: 0, or -1 (EINVAL for 0 events, EBUSY if on).
 */
int
fiber_trace_start(size_t events)
{
	if (events == 0) {
		errno = EINVAL;
		return (-1);
	}
	if (atomic_load(&trace_on)) {
		errno = EBUSY;
		return (-1);
	}
	trace_cap = events;
	trace_tsc = trace_tsc_invariant();
	trace_calibrate(&trace_tsc0, &trace_ns0);
	trace_tsc1 = trace_ns1 = 0;
	atomic_store(&trace_on, 1);
	return (0);
}

/* Stop tracing: each worker closes its ring at its next switch. */
void
fiber_trace_stop(void)
{
	atomic_store(&trace_on, 0);
	if (trace_tsc)
		trace_calibrate(&trace_tsc1, &trace_ns1);
}

/* How many rings workers have claimed. */
size_t
fiber_trace_rings(void)
{
	return (atomic_load(&trace_nrings));
}

/* What ring i holds: 0, or -1 if there is no such ring. */
int
fiber_trace_ring(size_t i, struct fiber_trace_ring *out)
{
	struct trace_ring	*r;

	if (i >= atomic_load(&trace_nrings))
		return (-1);
	r = &trace_rings[i];
	out->ev = r->ev;
	out->n = atomic_load_explicit(&r->n, memory_order_acquire);
	out->dropped = atomic_load(&r->dropped);
	out->closed = atomic_load_explicit(&r->closed, memory_order_acquire);
	out->switches = atomic_load(&r->switches);
	out->tid = r->tid;
	out->worker = r->worker;
	return (0);
}

/* The name of a reason, as a trace shows it. */
const char *
fiber_trace_why_name(enum fiber_why why)
{
	if ((unsigned)why >= FIBER_WHY_COUNT)
		return ("?");
	return (trace_why_names[why]);
}

/* Free the rings: after every runtime that wrote to them is destroyed. */
void
fiber_trace_free(void)
{
	size_t	i, n = atomic_load(&trace_nrings);

	atomic_store(&trace_on, 0);
	for (i = 0; i < n; i++) {
		if (trace_rings[i].ev != NULL)
			munmap(trace_rings[i].ev, trace_rings[i].cap *
			    sizeof *trace_rings[i].ev);
		memset(&trace_rings[i], 0, sizeof trace_rings[i]);
	}
	atomic_store(&trace_nrings, 0);
}

/*
 * A starting worker's ring, or NULL when not tracing, when every ring is
 * taken or the memory is not there (the worker then runs untraced).
 */
struct trace_ring *
fiber_trace_claim(struct worker *w)
{
	struct trace_ring	*r;
	size_t			 i;

	if (!atomic_load(&trace_on))
		return (NULL);
	if ((i = atomic_fetch_add(&trace_nrings, 1)) >= FIBER_TRACE_RINGS) {
		atomic_store(&trace_nrings, FIBER_TRACE_RINGS);
		return (NULL);
	}
	r = &trace_rings[i];
	/* Populated now, not by the switches that land on a new page. */
	r->ev = mmap(NULL, trace_cap * sizeof *r->ev, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (r->ev == MAP_FAILED) {
		r->ev = NULL;
		return (NULL);
	}
	/*
	 * And written: where the hypervisor shadows page tables, a page's
	 * first write still costs a fault that MAP_POPULATE did not take.
	 */
	memset(r->ev, 0, trace_cap * sizeof *r->ev);
	r->cap = trace_cap;
	r->tid = (pid_t)syscall(SYS_gettid);
	r->worker = w->index;
	r->switches0 = atomic_load_explicit(&w->switches,
	    memory_order_relaxed);
	return (r);
}

/* A fiber's id in the trace, given at its first traced switch. */
static uint32_t
trace_id(struct fiber *f)
{
	if (f == NULL)
		return (0);
	if (f->trace_id == 0)
		f->trace_id = atomic_fetch_add_explicit(&trace_ids, 1,
		    memory_order_relaxed) + 1;
	return (f->trace_id);
}

/* Close the worker's ring: the runtime's count of its switches meanwhile. */
void
fiber_trace_close(struct worker *w)
{
	struct trace_ring	*r = w->trace;

	if (r == NULL)
		return;
	atomic_store(&r->switches, atomic_load_explicit(&w->switches,
	    memory_order_relaxed) - r->switches0);
	atomic_store_explicit(&r->closed, 1, memory_order_release);
	w->trace = NULL;
}

/*
 * Record a switch on w from one fiber to another (NULL: the scheduler)
 * and why the first stopped; or a blocking call's start or end.  Called
 * by the worker itself, before worker_switch counts the switch.  The ring
 * keeps from as the event before's to: 16 bytes an event.
 */
void
fiber_trace_record(struct worker *w, struct fiber *from, struct fiber *to,
    int why)
{
	struct trace_ring		*r = w->trace;
	struct fiber_trace_event	*e;
	size_t				 n;

	if (!atomic_load_explicit(&trace_on, memory_order_relaxed)) {
		fiber_trace_close(w);
		return;
	}
	n = atomic_load_explicit(&r->n, memory_order_relaxed);
	if (n == r->cap) {
		if (why != FIBER_WHY_BLOCK_BEGIN && why != FIBER_WHY_BLOCK_END)
			atomic_store_explicit(&r->dropped, atomic_load_explicit(
			    &r->dropped, memory_order_relaxed) + 1,
			    memory_order_relaxed);
		return;
	}
	(void)from;
	e = &r->ev[n];
	e->stamp = trace_stamp();
	e->to = trace_id(to);
	e->why = (uint32_t)why;
	atomic_store_explicit(&r->n, n + 1, memory_order_release);
}

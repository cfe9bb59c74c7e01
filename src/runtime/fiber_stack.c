/* SPDX-License-Identifier: ISC */
/*
 * Fiber stacks: an mmap arena carved into power-of-two size classes, with
 * the fiber control block at the top of each stack.  Chunks are large so a
 * million fibers cost a few hundred mmaps.  Page-sized classes get a
 * PROT_NONE guard page below the stack while the vm.max_map_count budget
 * lasts (each guard splits the mapping: two map entries per stack), then
 * fall back to unguarded stacks and say so.  Slots are recycled through a
 * per-worker cache and a per-class free list under the arena lock.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/fiber_impl.h"
#include "util/util.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#endif
#ifndef PR_SET_VMA_ANON_NAME
#define PR_SET_VMA_ANON_NAME	0
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

#define STACK_PAGE		4096
#define STACK_CHUNK		(64UL * 1024 * 1024)
#define STACK_CHUNK_PACKED	(4UL * 1024 * 1024)	/* 2 KiB class */
#define STACK_BATCH		32	/* slots moved to a worker cache at once */
#define STACK_CACHE_MAX		256	/* a worker's cache per class */
#define STACK_CANARY		0x5a17c0de5a17c0deULL	/* bottom of unguarded */
#define STACK_PAINT		0xa5
#define STACK_UNGUARDED_REACH	(64 * 1024)	/* a fault this far below */

static _Atomic int	 stack_painting;
static _Atomic size_t	 stack_deepest;

static void	 stack_messages_init(void);

/* Size in bytes of class i (2 KiB << i). */
size_t
fiber_stack_class_bytes(int i)
{
	return ((size_t)FIBER_STACK_MIN << i);
}

/* Class index for a stack size, or -1 if too large. */
int
fiber_stack_class_index(size_t size)
{
	int	i;

	for (i = 0; i < FIBER_STACK_CLASSES; i++) {
		if (size <= fiber_stack_class_bytes(i))
			return (i);
	}
	return (-1);
}

/* Round a stack size up to its class size; 0 if above FIBER_STACK_MAX. */
size_t
fiber_stack_class_size(size_t size)
{
	int	i = fiber_stack_class_index(size);

	return (i < 0 ? 0 : fiber_stack_class_bytes(i));
}

/* Bytes one slot of class i takes: the stack plus a guard page if paged. */
static size_t
stack_slot_bytes(int i)
{
	size_t	s = fiber_stack_class_bytes(i);

	return (s >= STACK_PAGE ? s + STACK_PAGE : s);
}

/*
 * Set up an empty arena that guards at most guard_limit stacks (the
 * caller's share of vm.max_map_count; below 0 is none).
 */
int
fiber_stack_arena_init(struct stack_arena *a, long guard_limit)
{
	memset(a, 0, sizeof *a);
	if (pthread_mutex_init(&a->lock, NULL) != 0)
		return (-1);
	a->guard_limit = guard_limit > 0 ? guard_limit : 0;
	atomic_store(&a->populate_ok, 1);
	stack_messages_init();
	util_fault_explainer(fiber_stack_fault_explain);
	return (0);
}

/* Unmap every chunk. */
void
fiber_stack_arena_free(struct stack_arena *a)
{
	struct stack_chunk	*c, *next;

	for (c = atomic_load(&a->chunks); c != NULL; c = next) {
		next = c->next;
		munmap(c->base, c->len);
		free(c);
	}
	atomic_store(&a->chunks, NULL);
	pthread_mutex_destroy(&a->lock);
}

/* Map a new chunk for class i and make it the carving chunk; locked. */
static int
stack_chunk_add(struct stack_arena *a, int i)
{
	struct stack_chunk	*c;
	size_t			 slot = stack_slot_bytes(i), n, len;
	void			*p;
	int			 packed;

	/*
	 * Sub-page stacks fill every page they are on, so their (smaller)
	 * chunks are populated at once: one mmap instead of a page fault per
	 * two fibers.
	 */
	packed = slot < STACK_PAGE;
	n = (packed ? STACK_CHUNK_PACKED : STACK_CHUNK) / slot;
	if (n == 0)
		n = 1;
	len = n * slot;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | (packed ? MAP_POPULATE : MAP_NORESERVE), -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	/* Older kernels or no CONFIG_ANON_VMA_NAME: EINVAL, ignored. */
	(void)prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, len,
	    (unsigned long)"cswviz-fiber-stacks");
	c = xmalloc(sizeof *c);
	c->base = p;
	c->len = len;
	c->cls = i;
	atomic_store_explicit(&c->carved, 0, memory_order_relaxed);
	a->cls[i].chunk = c;
	c->next = atomic_load(&a->chunks);
	atomic_store_explicit(&a->chunks, c, memory_order_release);
	atomic_fetch_add(&a->reserved, len);
	a->cls[i].carve = p;
	a->cls[i].carve_end = (char *)p + len;
	return (0);
}

/*
 * Reserve up to want fresh slots of class i from the carving chunk; locked.
 * Returns how many, with the first at *lo.
 */
static int
stack_reserve(struct stack_arena *a, int i, int want, char **lo)
{
	struct stack_class	*sc = &a->cls[i];
	size_t			 slot = stack_slot_bytes(i), left;

	if (sc->carve == NULL || sc->carve + slot > sc->carve_end) {
		if (stack_chunk_add(a, i) != 0)
			return (0);
	}
	left = (size_t)(sc->carve_end - sc->carve) / slot;
	if ((size_t)want > left)
		want = (int)left;
	*lo = sc->carve;
	sc->carve += (size_t)want * slot;
	atomic_store_explicit(&sc->chunk->carved, (size_t)(sc->carve -
	    sc->chunk->base), memory_order_release);
	return (want);
}

/*
 * Set up a fresh slot: guard page, committed top page, control block.
 * Unlocked, so that workers spawning at once touch their new pages (the
 * dominant cost of a fresh stack) in parallel.
 */
static struct fiber *
stack_slot_init(struct stack_arena *a, int i, char *lo)
{
	size_t		 slot = stack_slot_bytes(i);
	struct fiber	*f;
	int		 guarded = 0;

	if (slot != fiber_stack_class_bytes(i)) {
		if ((long)atomic_fetch_add(&a->guarded, 1) < a->guard_limit &&
		    mprotect(lo, STACK_PAGE, PROT_NONE) == 0)
			guarded = 1;
		else {
			atomic_fetch_sub(&a->guarded, 1);
			atomic_store(&a->guard_dropped, 1);
			atomic_fetch_add(&a->unguarded, 1);
		}
		lo += STACK_PAGE;
	}
	f = (struct fiber *)(((uintptr_t)lo + fiber_stack_class_bytes(i) -
	    sizeof *f) & ~(uintptr_t)(FIBER_CACHELINE - 1));
	/*
	 * Commit the top page, where the control block and the first frames
	 * live, with one call: cheaper than a page fault (13 us against 19 us
	 * per page on the paravirtualised test VM).  Old kernels: EINVAL.
	 */
	if (slot >= STACK_PAGE && atomic_load_explicit(&a->populate_ok,
	    memory_order_relaxed) && madvise((void *)((uintptr_t)f &
	    ~(uintptr_t)(STACK_PAGE - 1)), STACK_PAGE, MADV_POPULATE_WRITE) != 0)
		atomic_store(&a->populate_ok, 0);
	f->cls = (uint8_t)i;
	f->guarded = (uint8_t)guarded;
	f->stack_lo = lo;
	return (f);
}

/* Take a stack of class i: its control block, not yet initialised.  With
   a worker, refill its cache in batches. */
struct fiber *
fiber_stack_alloc(struct stack_arena *a, struct worker *w, int i)
{
	struct stack_class	*sc = &a->cls[i];
	struct fiber		*f, *chain = NULL;
	char			*lo = NULL;
	int			 n = 0, want = w != NULL ? STACK_BATCH : 1, k;

	if (w != NULL && (f = w->cache[i]) != NULL)
		goto take;
	pthread_mutex_lock(&a->lock);
	while (n < want && (f = sc->free) != NULL) {
		sc->free = f->next;
		sc->nfree--;
		f->next = chain;
		chain = f;
		n++;
	}
	k = n < want ? stack_reserve(a, i, want - n, &lo) : 0;
	pthread_mutex_unlock(&a->lock);
	while (k-- > 0) {
		f = stack_slot_init(a, i, lo);
		lo += stack_slot_bytes(i);
		f->next = chain;
		chain = f;
		n++;
	}
	if (chain == NULL)
		return (NULL);
	if (w == NULL) {
		f = chain;
		goto count;
	}
	for (f = chain; f->next != NULL; f = f->next)
		;
	f->next = w->cache[i];
	w->cache[i] = chain;
	w->ncache[i] += (uint32_t)n;
	f = chain;
take:
	w->cache[i] = f->next;
	w->ncache[i]--;
count:
	CSW_CHECK(!atomic_load_explicit(&f->live, memory_order_relaxed),
	    "a stack handed out while a fiber still holds it");
	atomic_fetch_add_explicit(&a->in_use, fiber_stack_class_bytes(i),
	    memory_order_relaxed);
	atomic_store_explicit(&f->live, 1, memory_order_relaxed);
	return (f);
}

/* Give a stack back, to w's cache (or the arena if w is NULL). */
void
fiber_stack_release(struct stack_arena *a, struct worker *w, struct fiber *f)
{
	int		 i = f->cls, n;
	struct fiber	*g;

	CSW_CHECK(atomic_load_explicit(&f->live, memory_order_relaxed),
	    "a stack given back twice");
	atomic_fetch_sub_explicit(&a->in_use, fiber_stack_class_bytes(i),
	    memory_order_relaxed);
	atomic_store_explicit(&f->live, 0, memory_order_relaxed);
	if (w != NULL) {
		f->next = w->cache[i];
		w->cache[i] = f;
		if (++w->ncache[i] <= STACK_CACHE_MAX)
			return;
		/* Too many: hand half to the arena. */
		pthread_mutex_lock(&a->lock);
		for (n = 0; n < STACK_CACHE_MAX / 2; n++) {
			g = w->cache[i];
			w->cache[i] = g->next;
			w->ncache[i]--;
			g->next = a->cls[i].free;
			a->cls[i].free = g;
			a->cls[i].nfree++;
		}
		pthread_mutex_unlock(&a->lock);
		return;
	}
	pthread_mutex_lock(&a->lock);
	f->next = a->cls[i].free;
	a->cls[i].free = f;
	a->cls[i].nfree++;
	pthread_mutex_unlock(&a->lock);
}

/* Return all of a worker's cached stacks to the arena. */
void
fiber_stack_cache_flush(struct stack_arena *a, struct worker *w)
{
	struct fiber	*f;
	int		 i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < FIBER_STACK_CLASSES; i++) {
		while ((f = w->cache[i]) != NULL) {
			w->cache[i] = f->next;
			f->next = a->cls[i].free;
			a->cls[i].free = f;
			a->cls[i].nfree++;
		}
		w->ncache[i] = 0;
	}
	pthread_mutex_unlock(&a->lock);
}

/* Bytes of the arena resident in memory now (mincore). */
uint64_t
fiber_stack_arena_committed(struct stack_arena *a)
{
	struct stack_chunk	*c;
	unsigned char		*vec = NULL;
	size_t			 cap = 0, pages, i;
	uint64_t		 total = 0;

	c = atomic_load_explicit(&a->chunks, memory_order_acquire);
	for (; c != NULL; c = c->next) {
		pages = c->len / STACK_PAGE;
		if (pages > cap) {
			vec = xrealloc(vec, pages);
			cap = pages;
		}
		if (mincore(c->base, c->len, vec) != 0)
			continue;
		for (i = 0; i < pages; i++)
			total += vec[i] & 1;
	}
	free(vec);
	return (total * STACK_PAGE);
}

/*
 * The live fibers' stacks, reserved and resident (see fiber.h).  A slot
 * is live when its control block says so; the block is read only when its
 * page is resident, so that the walk never faults a page in.
 */
void
fiber_stack_arena_held(struct stack_arena *a, struct fiber_stack_memory *m)
{
	struct stack_chunk	*c;
	unsigned char		*vec = NULL;
	size_t			 cap = 0, pages, slot, size, k, n, p, q;
	size_t			 last;
	struct fiber		*f;
	char			*lo;

	memset(m, 0, sizeof *m);
	c = atomic_load_explicit(&a->chunks, memory_order_acquire);
	for (; c != NULL; c = c->next) {
		n = atomic_load_explicit(&c->carved, memory_order_acquire);
		pages = (n + STACK_PAGE - 1) / STACK_PAGE;
		if (pages == 0)
			continue;
		if (pages > cap) {
			vec = xrealloc(vec, pages);
			cap = pages;
		}
		if (mincore(c->base, pages * STACK_PAGE, vec) != 0)
			continue;
		slot = stack_slot_bytes(c->cls);
		size = fiber_stack_class_bytes(c->cls);
		last = (size_t)-1;
		for (k = 0; k + slot <= n; k += slot) {
			lo = c->base + k + (slot - size);
			f = (struct fiber *)(((uintptr_t)lo + size - sizeof *f) &
			    ~(uintptr_t)(FIBER_CACHELINE - 1));
			p = (size_t)((char *)f - c->base) / STACK_PAGE;
			if (!(vec[p] & 1) || !atomic_load_explicit(&f->live,
			    memory_order_relaxed))
				continue;
			if (size >= STACK_PAGE) {
				m->reserved += size;
				for (q = (size_t)(lo - c->base) / STACK_PAGE;
				    q * STACK_PAGE < (size_t)(lo - c->base) +
				    size; q++)
					m->committed += (vec[q] & 1) *
					    (uint64_t)STACK_PAGE;
				continue;
			}
			/* Sub-page: a page counts once, whole. */
			m->shared_stacks++;
			if (p == last)
				continue;
			last = p;
			m->shared_pages++;
			m->reserved += STACK_PAGE;
			m->committed += STACK_PAGE;	/* vec[p] is set */
		}
	}
	free(vec);
}

/* Paint new stacks or not; painting on starts a new measure. */
void
fiber_stack_paint(int on)
{
	if (on)
		atomic_store(&stack_deepest, 0);
	atomic_store(&stack_painting, on);
}

/* The most stack a fiber used, in bytes, since painting began. */
size_t
fiber_stack_deepest(void)
{
	return (atomic_load(&stack_deepest));
}

/*
 * Whether f's stack carries a canary: the packed class, which has no guard
 * page and whose lowest word shares a page with a neighbour's stack in use,
 * so writing it commits nothing.  A larger stack left unguarded past the
 * map budget gets none: the word would commit its lowest page, 4 KiB a
 * fiber that the memory panel would show as the fiber's own.
 */
static int
stack_has_canary(const struct fiber *f)
{
	return (!f->guarded && fiber_stack_class_bytes(f->cls) < STACK_PAGE);
}

/*
 * Before a fiber first runs on f's stack: a packed stack gets a canary
 * in its lowest word, which fiber_stack_check looks at every time the fiber
 * switches out; with painting on, the rest is painted for fiber_stack_measure.
 */
void
fiber_stack_prepare(struct fiber *f)
{
	if (stack_has_canary(f))
		memcpy(f->stack_lo, &(uint64_t){ STACK_CANARY },
		    sizeof(uint64_t));
	if (atomic_load_explicit(&stack_painting, memory_order_relaxed))
		memset(f->stack_lo + sizeof(uint64_t), STACK_PAINT,
		    (size_t)((char *)f - f->stack_lo) - sizeof(uint64_t));
}

/* Messages for the overflows, one per class: the fault handler cannot
   format.  Filled once, before any fiber runs. */
static char	stack_overflow_msg[FIBER_STACK_CLASSES][2][128];

/* Write the overflow messages (idempotent). */
static void
stack_messages_init(void)
{
	char	size[16];
	int	i;

	for (i = 0; i < FIBER_STACK_CLASSES; i++) {
		if (fiber_stack_class_bytes(i) >= 1024 * 1024)
			snprintf(size, sizeof size, "%zu MiB",
			    fiber_stack_class_bytes(i) >> 20);
		else
			snprintf(size, sizeof size, "%zu KiB",
			    fiber_stack_class_bytes(i) >> 10);
		snprintf(stack_overflow_msg[i][0], sizeof
		    stack_overflow_msg[i][0], "fiber stack overflow: a fiber "
		    "ran off its %s stack into the guard page (use a larger "
		    "--stack)", size);
		snprintf(stack_overflow_msg[i][1], sizeof
		    stack_overflow_msg[i][1], "fiber stack overflow: a fiber "
		    "wrote below its %s stack (unguarded; use a larger "
		    "--stack)", size);
	}
}

/* Abort with the words if f ran over the canary at its stack's bottom. */
void
fiber_stack_check(struct fiber *f)
{
	uint64_t	v;

	if (!stack_has_canary(f))
		return;
	memcpy(&v, f->stack_lo, sizeof v);
	if (v != STACK_CANARY) {
		util_fault_note(stack_overflow_msg[f->cls][1]);
		abort();
	}
}

/* With painting on, record how deep the returned fiber f went. */
void
fiber_stack_measure(struct fiber *f)
{
	const unsigned char	*p, *top = (const unsigned char *)f;
	size_t			 used, old;

	if (!atomic_load_explicit(&stack_painting, memory_order_relaxed))
		return;
	p = (const unsigned char *)f->stack_lo + sizeof(uint64_t);
	while (p < top && *p == STACK_PAINT)
		p++;
	used = (size_t)(top - p);
	old = atomic_load(&stack_deepest);
	while (used > old && !atomic_compare_exchange_weak(&stack_deepest,
	    &old, used))
		;
}

/*
 * Name a fault on a fiber worker: in the running fiber's guard page, or in
 * the guard page below the worker's signal stack.  Async-signal-safe.
 */
const char *
fiber_stack_fault_explain(int sig, const void *addr)
{
	struct worker	*w = fiber_tls_worker;
	struct fiber	*f;
	const char	*a = addr;

	if (w == NULL || (sig != SIGSEGV && sig != SIGBUS))
		return (NULL);
	f = w->cur;
	if (f != NULL && f->guarded && a < f->stack_lo &&
	    a >= f->stack_lo - STACK_PAGE)
		return (stack_overflow_msg[f->cls][0]);
	/* Unguarded: ran through the stacks below to something unmapped. */
	if (f != NULL && !f->guarded && a < f->stack_lo &&
	    a >= f->stack_lo - STACK_UNGUARDED_REACH)
		return (stack_overflow_msg[f->cls][1]);
	if (w->sigstack != NULL && a >= (const char *)w->sigstack &&
	    a < (const char *)w->sigstack + STACK_PAGE)
		return ("signal stack overflow on a fiber worker");
	return (NULL);
}

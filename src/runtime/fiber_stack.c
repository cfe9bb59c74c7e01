/* SPDX-License-Identifier: ISC */
/*
 * Fiber stacks: an mmap arena carved into power-of-two size classes, with
 * the fiber control block at the top of each stack.  Chunks are large so a
 * million fibers cost a few hundred mmaps.  Page-sized classes get a
 * PROT_NONE guard page below the stack while the vm.max_map_count budget
 * lasts (each guard splits the mapping: two map entries per stack), then
 * fall back to unguarded stacks and say so.  Slots are recycled through a
 * per-worker cache and a per-class free list under the arena lock.
 *
 * Trimming (fiber_stack_trim, after a shrink) gives the pages of the free
 * list's slots back to the kernel with MADV_DONTNEED and keeps the slots as
 * fallow runs off the stacks; a spawn sets a fallow slot up again as if it
 * were fresh.  Chunks are never unmapped while the runtime runs, so a stale
 * timer entry can still read a trimmed control block: it reads zero, or
 * the generation the slot was set up again with, which is above any it saw.
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
#define STACK_PAINT		0xa5
#define STACK_UNGUARDED_REACH	(64 * 1024)	/* a fault this far below */

static uint64_t		 stack_resident(struct stack_arena *);
static _Atomic int	 stack_painting;
struct stack_arena;
static struct fiber	*stack_slot_top(struct stack_arena *, int, char *,
			    int);
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
	int			 i;

	for (c = atomic_load(&a->chunks); c != NULL; c = next) {
		next = c->next;
		munmap(c->base, c->len);
		free(c);
	}
	atomic_store(&a->chunks, NULL);
	for (i = 0; i < FIBER_STACK_CLASSES; i++)
		free(a->cls[i].fallow);
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
	}
	return (stack_slot_top(a, i, lo, guarded));
}

/*
 * Set up the control block of the slot at lo (guard included), whose
 * guard page, if any, is in place already: a fresh slot's or a fallow
 * one's.  Unlocked.
 */
static struct fiber *
stack_slot_top(struct stack_arena *a, int i, char *lo, int guarded)
{
	size_t		 slot = stack_slot_bytes(i);
	struct fiber	*f;

	if (slot != fiber_stack_class_bytes(i))
		lo += STACK_PAGE;
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

/*
 * Take up to want fallow slots of class i, from the end of the last run;
 * locked.  Returns how many, with the first at *lo and its run in *fw.
 */
static int
stack_take_fallow(struct stack_arena *a, int i, int want, char **lo,
    struct stack_fallow *fw)
{
	struct stack_class	*sc = &a->cls[i];
	struct stack_fallow	*r;
	size_t			 k;

	if (sc->nfallow == 0)
		return (0);
	r = &sc->fallow[sc->nfallow - 1];
	k = r->n < (size_t)want ? r->n : (size_t)want;
	r->n -= k;
	*lo = r->lo + r->n * stack_slot_bytes(i);
	*fw = *r;
	if (r->n == 0)
		sc->nfallow--;
	atomic_fetch_sub_explicit(&a->fallow, k * fiber_stack_class_bytes(i),
	    memory_order_relaxed);
	return ((int)k);
}

/* Take a stack of class i: its control block, not yet initialised.  With
   a worker, refill its cache in batches. */
struct fiber *
fiber_stack_alloc(struct stack_arena *a, struct worker *w, int i)
{
	struct stack_class	*sc = &a->cls[i];
	struct stack_fallow	 fw;
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
	k = n < want ? stack_take_fallow(a, i, want - n, &lo, &fw) : 0;
	pthread_mutex_unlock(&a->lock);
	while (k-- > 0) {
		f = stack_slot_top(a, i, lo, fw.guarded);
		atomic_store_explicit(&f->wait_word, fw.wait_word,
		    memory_order_relaxed);
		lo += stack_slot_bytes(i);
		f->next = chain;
		chain = f;
		n++;
	}
	if (n < want) {
		pthread_mutex_lock(&a->lock);
		k = stack_reserve(a, i, want - n, &lo);
		pthread_mutex_unlock(&a->lock);
	}
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
	if (stack_slot_bytes(i) < STACK_PAGE)
		atomic_fetch_add_explicit(&a->in_use_packed,
		    fiber_stack_class_bytes(i), memory_order_relaxed);
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
	if (stack_slot_bytes(i) < STACK_PAGE)
		atomic_fetch_sub_explicit(&a->in_use_packed,
		    fiber_stack_class_bytes(i), memory_order_relaxed);
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
	return (stack_resident(a));
}

/* Resident bytes of what was carved of the chunks (mincore). */
static uint64_t
stack_resident(struct stack_arena *a)
{
	struct stack_chunk	*c;
	unsigned char		*vec = NULL;
	size_t			 cap = 0, pages, i, n;
	uint64_t		 total = 0;

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
		for (i = 0; i < pages; i++)
			total += vec[i] & 1;
	}
	free(vec);
	return (total * STACK_PAGE);
}

/*
 * The live fibers' stacks (see fiber.h) from the arena's counts, and the
 * arena's resident pages from mincore over what was carved of its chunks:
 * a walk over pages, never over the fibers, so that a million of them
 * cost the sampler what the pages do.
 */
void
fiber_stack_arena_held(struct stack_arena *a, struct fiber_stack_memory *m)
{
	memset(m, 0, sizeof *m);
	m->reserved = atomic_load_explicit(&a->in_use, memory_order_relaxed);
	m->shared_stacks = atomic_load_explicit(&a->in_use_packed,
	    memory_order_relaxed) / FIBER_STACK_MIN;
	m->committed = stack_resident(a);
	m->fallow = atomic_load_explicit(&a->fallow, memory_order_relaxed);
}

/* Order slots by address, for qsort. */
static int
stack_cmp(const void *x, const void *y)
{
	uintptr_t	a = (uintptr_t)*(struct fiber *const *)x;
	uintptr_t	b = (uintptr_t)*(struct fiber *const *)y;

	return (a < b ? -1 : a > b);
}

/* Append a fallow run to class sc, or lengthen the last; locked. */
static void
stack_fallow_add(struct stack_class *sc, char *lo, size_t slot, int guarded,
    uint64_t wait_word)
{
	struct stack_fallow	*r;

	r = sc->nfallow > 0 ? &sc->fallow[sc->nfallow - 1] : NULL;
	if (r != NULL && r->lo + r->n * slot == lo && r->guarded == guarded &&
	    r->wait_word == wait_word) {
		r->n++;
		return;
	}
	if (sc->nfallow == sc->capfallow) {
		sc->capfallow = sc->capfallow == 0 ? 16 : sc->capfallow * 2;
		sc->fallow = xrealloc(sc->fallow, sc->capfallow *
		    sizeof *sc->fallow);
	}
	r = &sc->fallow[sc->nfallow++];
	r->lo = lo;
	r->n = 1;
	r->guarded = (uint8_t)guarded;
	r->wait_word = wait_word;
}

/*
 * Give back the pages of class i's free list: every slot of a page-sized
 * class, both slots of a page of the packed class (one whose partner is
 * in use stays on the list).  Locked; returns the bytes given back.
 */
static size_t
stack_trim_class(struct stack_arena *a, int i, uint64_t wait_word)
{
	struct stack_class	*sc = &a->cls[i];
	size_t			 slot = stack_slot_bytes(i), n = sc->nfree, k;
	size_t			 given = 0, kept = 0;
	struct fiber		**v, *f;
	char			*lo, *run = NULL, *run_end = NULL;
	int			 packed = slot < STACK_PAGE;

	if (n == 0)
		return (0);
	v = xmalloc(n * sizeof *v);
	for (k = 0, f = sc->free; f != NULL && k < n; f = f->next)
		v[k++] = f;
	n = k;
	qsort(v, n, sizeof *v, stack_cmp);
	sc->free = NULL;
	sc->nfree = 0;
	for (k = 0; k < n; k++) {
		lo = v[k]->stack_lo - (slot - fiber_stack_class_bytes(i));
		if (packed && !(((uintptr_t)lo % STACK_PAGE) == 0 && k + 1 < n &&
		    v[k + 1]->stack_lo == lo + slot)) {
			/* Its partner on the page is in use: keep it. */
			v[k]->next = sc->free;
			sc->free = v[k];
			sc->nfree++;
			kept++;
			continue;
		}
		stack_fallow_add(sc, lo, slot, v[k]->guarded, wait_word);
		if (packed)
			stack_fallow_add(sc, lo + slot, slot, 0, wait_word);
		if (lo != run_end) {
			if (run != NULL)
				madvise(run, (size_t)(run_end - run),
				    MADV_DONTNEED);
			run = lo;
		}
		run_end = lo + (packed ? STACK_PAGE : slot);
		given += packed ? STACK_PAGE : slot;
		if (packed)
			k++;
	}
	if (run != NULL)
		madvise(run, (size_t)(run_end - run), MADV_DONTNEED);
	atomic_fetch_add_explicit(&a->fallow, (n - kept) *
	    fiber_stack_class_bytes(i), memory_order_relaxed);
	free(v);
	return (given);
}

/* Give the pages of the free stacks back to the kernel (see above). */
size_t
fiber_stack_trim(struct stack_arena *a)
{
	size_t	given = 0;
	int	i;

	pthread_mutex_lock(&a->lock);
	a->epoch++;
	for (i = 0; i < FIBER_STACK_CLASSES; i++)
		given += stack_trim_class(a, i, a->epoch << 33);
	pthread_mutex_unlock(&a->lock);
	return (given);
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
	f->canary = (uint8_t)stack_has_canary(f);
	if (f->canary)
		memcpy(f->stack_lo, &(uint64_t){ FIBER_STACK_CANARY },
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

/* Abort with the words: f ran over the canary (fiber_stack_check). */
void
fiber_stack_overflow(struct fiber *f)
{
	util_fault_note(stack_overflow_msg[f->cls][1]);
	abort();
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
	struct worker	*w = fiber_worker();
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

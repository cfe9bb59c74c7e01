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

/* Size in bytes of class i (2 KiB << i). */
size_t
stack_class_bytes(int i)
{
	return ((size_t)FIBER_STACK_MIN << i);
}

/* Class index for a stack size, or -1 if too large. */
int
stack_class_index(size_t size)
{
	int	i;

	for (i = 0; i < FIBER_STACK_CLASSES; i++) {
		if (size <= stack_class_bytes(i))
			return (i);
	}
	return (-1);
}

/* Round a stack size up to its class size; 0 if above FIBER_STACK_MAX. */
size_t
fiber_stack_class_size(size_t size)
{
	int	i = stack_class_index(size);

	return (i < 0 ? 0 : stack_class_bytes(i));
}

/* Bytes one slot of class i takes: the stack plus a guard page if paged. */
static size_t
stack_slot_bytes(int i)
{
	size_t	s = stack_class_bytes(i);

	return (s >= STACK_PAGE ? s + STACK_PAGE : s);
}

/*
 * Set up an empty arena that guards at most guard_limit stacks (the
 * caller's share of vm.max_map_count; below 0 is none).
 */
int
stack_arena_init(struct stack_arena *a, long guard_limit)
{
	memset(a, 0, sizeof *a);
	if (pthread_mutex_init(&a->lock, NULL) != 0)
		return (-1);
	a->guard_limit = guard_limit > 0 ? guard_limit : 0;
	atomic_store(&a->populate_ok, 1);
	return (0);
}

/* Unmap every chunk. */
void
stack_arena_free(struct stack_arena *a)
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

	if (slot != stack_class_bytes(i)) {
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
	f = (struct fiber *)(((uintptr_t)lo + stack_class_bytes(i) -
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
stack_alloc(struct stack_arena *a, struct worker *w, int i)
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
	atomic_fetch_add_explicit(&a->in_use, stack_class_bytes(i),
	    memory_order_relaxed);
	return (f);
}

/* Give a stack back, to w's cache (or the arena if w is NULL). */
void
stack_release(struct stack_arena *a, struct worker *w, struct fiber *f)
{
	int		 i = f->cls, n;
	struct fiber	*g;

	atomic_fetch_sub_explicit(&a->in_use, stack_class_bytes(i),
	    memory_order_relaxed);
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
stack_cache_flush(struct stack_arena *a, struct worker *w)
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
stack_arena_committed(struct stack_arena *a)
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

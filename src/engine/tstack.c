/* SPDX-License-Identifier: ISC */
/*
 * Workload thread stacks in slabs.  A slab is one mapping, PROT_NONE, cut
 * into slots of a guard page and a stack; a slot becomes writable the first
 * time it is handed out (so the commit charge is that of glibc's stacks,
 * whose guard is PROT_NONE too) and stays so on the free list.  Free
 * stacks are kept per size, last in first out, so a reused stack is the
 * one whose pages are still warm.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "util/util.h"
#include "engine/tstack.h"

#define TS_SLAB_BYTES	((size_t)1 << 30)	/* a slab maps at most this */
#define TS_SLAB_SLOTS	64			/* and has at most this many */

struct ts_slab {
	char		*base;
	size_t		 len;
	int		 slots;		/* slots in the slab */
	int		 carved;	/* slots handed out at least once */
	int		 inuse;		/* slots a thread has now */
};

/* The stacks of one size. */
struct ts_class {
	size_t		 size;		/* of a stack, without its guard */
	struct ts_slab	*slabs;
	size_t		 nslabs, slabs_cap;
	void		**free;		/* stacks handed back */
	size_t		 nfree, free_cap;
};

struct tstack_pool {
	pthread_mutex_t	 mu;
	size_t		 page;
	struct ts_class	*classes;
	size_t		 nclasses;
};

struct tstack_pool *
tstack_pool_new(void)
{
	struct tstack_pool	*p = xcalloc(1, sizeof *p);
	long			 page = sysconf(_SC_PAGESIZE);

	p->page = page > 0 ? (size_t)page : 4096;
	pthread_mutex_init(&p->mu, NULL);
	return (p);
}

void
tstack_pool_free(struct tstack_pool *p)
{
	struct ts_class	*c;
	size_t		 i, k;

	if (p == NULL)
		return;
	for (i = 0; i < p->nclasses; i++) {
		c = &p->classes[i];
		for (k = 0; k < c->nslabs; k++)
			munmap(c->slabs[k].base, c->slabs[k].len);
		free(c->slabs);
		free(c->free);
	}
	free(p->classes);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* The class of a size, made if need be (mu held). */
static struct ts_class *
ts_class(struct tstack_pool *p, size_t size)
{
	size_t	i;

	for (i = 0; i < p->nclasses; i++) {
		if (p->classes[i].size == size)
			return (&p->classes[i]);
	}
	p->classes = xrealloc(p->classes, (p->nclasses + 1) *
	    sizeof *p->classes);
	memset(&p->classes[p->nclasses], 0, sizeof *p->classes);
	p->classes[p->nclasses].size = size;
	return (&p->classes[p->nclasses++]);
}

/* The slab a stack of the class lies in (mu held). */
static struct ts_slab *
ts_slab_of(struct ts_class *c, const void *stack)
{
	const char	*s = stack;
	size_t		 k;

	for (k = 0; k < c->nslabs; k++) {
		if (s >= c->slabs[k].base &&
		    s < c->slabs[k].base + c->slabs[k].len)
			return (&c->slabs[k]);
	}
	return (NULL);
}

/* Carve a never used slot, mapping a slab if none has one (mu held). */
static int
ts_carve(struct tstack_pool *p, struct ts_class *c, void **out)
{
	struct ts_slab	*sl = NULL;
	size_t		 slot = p->page + c->size, k;
	char		*stack;
	void		*m;
	int		 n;

	for (k = 0; k < c->nslabs; k++) {
		if (c->slabs[k].carved < c->slabs[k].slots) {
			sl = &c->slabs[k];
			break;
		}
	}
	if (sl == NULL) {
		n = (int)(TS_SLAB_BYTES / slot);
		if (n > TS_SLAB_SLOTS)
			n = TS_SLAB_SLOTS;
		if (n < 1)
			n = 1;
		m = mmap(NULL, slot * (size_t)n, PROT_NONE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
		if (m == MAP_FAILED)
			return (errno);
		if (c->nslabs == c->slabs_cap) {
			c->slabs_cap = c->slabs_cap ? c->slabs_cap * 2 : 16;
			c->slabs = xrealloc(c->slabs, c->slabs_cap *
			    sizeof *c->slabs);
		}
		sl = &c->slabs[c->nslabs++];
		memset(sl, 0, sizeof *sl);
		sl->base = m;
		sl->len = slot * (size_t)n;
		sl->slots = n;
	}
	/* The guard stays PROT_NONE below the stack, which grows down. */
	stack = sl->base + (size_t)sl->carved * slot + p->page;
	if (mprotect(stack, c->size, PROT_READ | PROT_WRITE) != 0)
		return (errno);
	sl->carved++;
	sl->inuse++;
	*out = stack;
	return (0);
}

int
tstack_get(struct tstack_pool *p, size_t size, void **out)
{
	struct ts_class	*c;
	int		 rc = 0;

	size = (size + p->page - 1) & ~(p->page - 1);
	pthread_mutex_lock(&p->mu);
	c = ts_class(p, size);
	if (c->nfree > 0) {
		*out = c->free[--c->nfree];
		ts_slab_of(c, *out)->inuse++;
	} else
		rc = ts_carve(p, c, out);
	pthread_mutex_unlock(&p->mu);
	return (rc);
}

void
tstack_put(struct tstack_pool *p, void *stack, size_t size)
{
	struct ts_class	*c;
	struct ts_slab	*sl;

	size = (size + p->page - 1) & ~(p->page - 1);
	pthread_mutex_lock(&p->mu);
	c = ts_class(p, size);
	if ((sl = ts_slab_of(c, stack)) != NULL) {
		if (c->nfree == c->free_cap) {
			c->free_cap = c->free_cap ? c->free_cap * 2 : 64;
			c->free = xrealloc(c->free, c->free_cap *
			    sizeof *c->free);
		}
		c->free[c->nfree++] = stack;
		sl->inuse--;
	}
	pthread_mutex_unlock(&p->mu);
}

size_t
tstack_trim(struct tstack_pool *p)
{
	struct ts_class	*c;
	struct ts_slab	*sl;
	size_t		 i, k, j, out = 0, kept;

	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->nclasses; i++) {
		c = &p->classes[i];
		/* Forget the free stacks of idle slabs, then unmap those. */
		for (j = 0, kept = 0; j < c->nfree; j++) {
			sl = ts_slab_of(c, c->free[j]);
			if (sl != NULL && sl->inuse > 0)
				c->free[kept++] = c->free[j];
		}
		c->nfree = kept;
		for (k = 0, kept = 0; k < c->nslabs; k++) {
			sl = &c->slabs[k];
			if (sl->inuse == 0) {
				munmap(sl->base, sl->len);
				out += sl->len;
			} else
				c->slabs[kept++] = *sl;
		}
		c->nslabs = kept;
	}
	pthread_mutex_unlock(&p->mu);
	return (out);
}

size_t
tstack_mapped(struct tstack_pool *p)
{
	size_t	i, k, n = 0;

	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->nclasses; i++) {
		for (k = 0; k < p->classes[i].nslabs; k++)
			n += p->classes[i].slabs[k].len;
	}
	pthread_mutex_unlock(&p->mu);
	return (n);
}

/* SPDX-License-Identifier: ISC */
/*
 * Portable context switch on getcontext/makecontext/swapcontext, selected by
 * configure where there is no assembly switch.  Slow (swapcontext saves the
 * signal mask with a system call) but correct.
 */
#include <stdint.h>
#include <stdlib.h>

#include "runtime/ctx.h"

/* Call the entry packed into two ints by fiber_ctx_init (makecontext takes ints). */
static void
ctx_trampoline(unsigned int fhi, unsigned int flo, unsigned int ahi,
    unsigned int alo)
{
	void		(*fn)(void *);
	uintptr_t	 f, a;

	f = ((uintptr_t)fhi << 16 << 16) | flo;
	a = ((uintptr_t)ahi << 16 << 16) | alo;
	fn = (void (*)(void *))f;
	fn((void *)a);
	abort();
}

/* Prepare ctx to run fn(arg) on [lo, lo + size); fn must not return. */
void
fiber_ctx_init(struct ctx *c, void *lo, size_t size, void (*fn)(void *), void *arg)
{
	uintptr_t	f = (uintptr_t)fn, a = (uintptr_t)arg;

	if (getcontext(&c->uc) != 0)
		abort();
	c->uc.uc_stack.ss_sp = lo;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, (void (*)(void))ctx_trampoline, 4,
	    (unsigned int)(f >> 16 >> 16), (unsigned int)f,
	    (unsigned int)(a >> 16 >> 16), (unsigned int)a);
}

/* Save the running context in from and resume to. */
void
fiber_ctx_switch(struct ctx *from, struct ctx *to)
{
	if (swapcontext(&from->uc, &to->uc) != 0)
		abort();
}

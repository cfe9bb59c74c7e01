/* SPDX-License-Identifier: ISC */
/* Context setup for the assembly switches (ctx_x86_64.S, ctx_aarch64.S). */
#include <string.h>

#include "runtime/ctx.h"

void	fiber_ctx_start(void);

/* Prepare ctx to run fn(arg) on [lo, lo + size); fn must not return. */
void
fiber_ctx_init(struct ctx *c, void *lo, size_t size, void (*fn)(void *), void *arg)
{
	uintptr_t	top = ((uintptr_t)lo + size) & ~(uintptr_t)15;

	memset(c, 0, sizeof *c);
	c->pc = (void *)fiber_ctx_start;
#if defined(CSW_CTX_X86_64)
	/* fiber_ctx_start pops them: no register is loaded by the switch. */
	top -= 2 * sizeof(void *);
	((void **)top)[0] = (void *)fn;
	((void **)top)[1] = arg;
	c->sp = (void *)top;
	c->mxcsr = 0x1f80;	/* round to nearest, all exceptions masked */
	c->fpucw = 0x037f;	/* extended precision, round to nearest */
#else
	c->sp = (void *)top;
	c->x[0] = (uint64_t)(uintptr_t)fn;
	c->x[1] = (uint64_t)(uintptr_t)arg;
	c->fpcr = 0;		/* round to nearest, no traps */
#endif
}

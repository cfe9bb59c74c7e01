/* SPDX-License-Identifier: ISC */
/*
 * Machine context switch for the fiber runtime (internal to src/engine).
 *
 * A struct ctx holds what a suspended fiber needs to resume: its stack
 * pointer, the address to resume at, the callee-saved registers and the
 * floating-point control state.  fiber_ctx_switch() saves the running context in
 * "from" and resumes "to"; it returns when someone switches back to "from".
 * The implementation is chosen by configure: ctx_x86_64.S, ctx_aarch64.S or
 * ctx_ucontext.c.  Both functions run on whichever thread owns the contexts;
 * they take no locks and make no system calls (except the ucontext fallback,
 * whose swapcontext saves the signal mask).
 */
#ifndef CSW_ENGINE_CTX_H
#define CSW_ENGINE_CTX_H

#include <stddef.h>
#include <stdint.h>

#if defined(CSW_CTX_X86_64)
struct ctx {
	void		*sp;		/* 0 */
	void		*pc;		/* 8: resume address */
	uint64_t	 rbp;		/* 16 */
	uint32_t	 mxcsr;		/* 24 */
	uint16_t	 fpucw;		/* 28: x87 control word */
};
/* ctx_x86_64.S and CTX_JUMP address the fields by these offsets. */
_Static_assert(offsetof(struct ctx, sp) == 0, "ctx_x86_64.S: sp at 0");
_Static_assert(offsetof(struct ctx, pc) == 8, "ctx_x86_64.S: pc at 8");
_Static_assert(offsetof(struct ctx, rbp) == 16, "ctx_x86_64.S: rbp at 16");
_Static_assert(offsetof(struct ctx, mxcsr) == 24, "ctx_x86_64.S: mxcsr at 24");
_Static_assert(offsetof(struct ctx, fpucw) == 28, "ctx_x86_64.S: fpucw at 28");
#define CTX_NAME	"x86_64 assembly"
#elif defined(CSW_CTX_AARCH64)
struct ctx {
	void		*sp;		/* 0 */
	void		*pc;		/* 8: resume address */
	uint64_t	 x[11];		/* 16: x19-x29; x19 entry, x20 argument */
	uint64_t	 d[8];		/* 104: d8-d15 */
	uint64_t	 fpcr;		/* 168 */
};
/* ctx_aarch64.S addresses the fields by these offsets. */
_Static_assert(offsetof(struct ctx, sp) == 0, "ctx_aarch64.S: sp at 0");
_Static_assert(offsetof(struct ctx, pc) == 8, "ctx_aarch64.S: pc at 8");
_Static_assert(offsetof(struct ctx, x) == 16, "ctx_aarch64.S: x19 at 16");
_Static_assert(offsetof(struct ctx, d) == 104, "ctx_aarch64.S: d8 at 104");
_Static_assert(offsetof(struct ctx, fpcr) == 168, "ctx_aarch64.S: fpcr at 168");
#define CTX_NAME	"aarch64 assembly"
#else
#include <ucontext.h>
struct ctx {
	ucontext_t	 uc;
};
#define CTX_NAME	"ucontext fallback"
#endif

/* Prepare ctx to run fn(arg) on [lo, lo + size); fn must not return. */
void	fiber_ctx_init(struct ctx *, void *, size_t, void (*)(void *), void *);
/* Save the running context in from and resume to. */
void	fiber_ctx_switch(struct ctx *, struct ctx *);

/*
 * The same switch for the scheduler's hot path.  On x86_64 it jumps into
 * fiber_ctx_jump instead of calling fiber_ctx_switch: a call whose return is never
 * executed leaves a stale entry on the return stack buffer, and the next ret
 * after every switch would be mispredicted.  The resume address is the label
 * after the jmp.  fiber_ctx_jump keeps only rsp, rbp and the FP control
 * words; every other register is declared clobbered, callee-saved ones
 * included, so the compiler saves around the switch only the values live
 * across it.  rbp cannot be declared clobbered (it may be the frame
 * pointer), so the switch keeps it.
 */
#if defined(CSW_CTX_X86_64)
#define CTX_JUMP(from, to) do {						\
	struct ctx	*ctx_from_ = (from), *ctx_to_ = (to);		\
	__asm__ volatile(						\
	    "leaq 1f(%%rip), %%rax\n\t"					\
	    "movq %%rax, 8(%%rdi)\n\t"					\
	    "jmp fiber_ctx_jump\n\t"						\
	    "1:\n\t"							\
	    : "+D"(ctx_from_), "+S"(ctx_to_)				\
	    :								\
	    : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11",	\
	      "r12", "r13", "r14", "r15", "memory", "cc",		\
	      "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",		\
	      "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",	\
	      "xmm13", "xmm14", "xmm15", "st", "st(1)", "st(2)",		\
	      "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");		\
} while (0)
#else
#define CTX_JUMP(from, to)	fiber_ctx_switch((from), (to))
#endif

#endif

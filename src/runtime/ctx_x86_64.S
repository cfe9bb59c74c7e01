/* SPDX-License-Identifier: ISC */
/*
 * x86-64 System V context switch: see ctx.h for struct ctx.
 *
 * fiber_ctx_switch(from = rdi, to = rsi) pops its own return address and keeps it
 * as the resume address, saves rsp, the callee-saved registers and the
 * MXCSR / x87 control words, then loads "to" and ends in an indirect jmp to
 * its resume address.  Ending in jmp instead of ret keeps the return stack
 * predictor out of it: a ret into another fiber is always mispredicted.
 * fiber_ctx_jump is the same switch entered by a jmp instead of a call (see
 * CTX_JUMP in ctx.h): no return address is pushed, so the return stack
 * buffer stays balanced and the rets after the switch are predicted.
 * MXCSR is reloaded unconditionally; the x87 control word only when the
 * target's differs from the one fnstcw just stored.  Measured on the AMD
 * Zen 5 test VM (median of 15, CPU time): stmxcsr is the dear part, about
 * 1.2 ns of a 5.4 ns switch, ldmxcsr 0.3 ns, fldcw 0.4 ns.  The word fnstcw
 * stores is read back from the store buffer at once, so the fldcw skip pays
 * (5.1 ns); the word stmxcsr stores is not forwarded, and comparing it
 * before ldmxcsr made the switch 6.5 ns.  There is no register form of
 * either store.
 */
	.text
	.globl	fiber_ctx_switch
	.hidden	fiber_ctx_switch
	.type	fiber_ctx_switch, @function
	.p2align 4
fiber_ctx_switch:
	popq	%rax
	movq	%rax, 8(%rdi)
	/* Entered by jmp from CTX_JUMP (ctx.h) with from->pc already set. */
	.globl	fiber_ctx_jump
	.hidden	fiber_ctx_jump
fiber_ctx_jump:
	fnstcw	68(%rdi)
	stmxcsr	64(%rdi)
	movq	%rsp, 0(%rdi)
	movq	%rbx, 16(%rdi)
	movq	%rbp, 24(%rdi)
	movq	%r12, 32(%rdi)
	movq	%r13, 40(%rdi)
	movq	%r14, 48(%rdi)
	movq	%r15, 56(%rdi)
	movq	16(%rsi), %rbx
	movq	24(%rsi), %rbp
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	movq	48(%rsi), %r14
	movq	56(%rsi), %r15
	movq	0(%rsi), %rsp
	movzwl	68(%rdi), %eax
	ldmxcsr	64(%rsi)
	cmpw	68(%rsi), %ax
	jne	1f
	jmpq	*8(%rsi)
1:	fldcw	68(%rsi)
	jmpq	*8(%rsi)
	.size	fiber_ctx_switch, .-fiber_ctx_switch

/*
 * First resume address of a new context: rsp is 16-byte aligned, r12 holds
 * the entry function and r13 its argument.  The entry never returns.
 */
	.globl	fiber_ctx_start
	.hidden	fiber_ctx_start
	.type	fiber_ctx_start, @function
	.p2align 4
fiber_ctx_start:
	movq	%r13, %rdi
	callq	*%r12
	ud2
	.size	fiber_ctx_start, .-fiber_ctx_start

	.section .note.GNU-stack,"",%progbits

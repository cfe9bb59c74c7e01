/* SPDX-License-Identifier: ISC */
/*
 * x86-64 System V context switch: see ctx.h for struct ctx.
 *
 * fiber_ctx_jump(from = rdi, to = rsi), entered by a jmp from CTX_JUMP
 * (ctx.h) with from->pc already set, saves rsp, rbp and the MXCSR / x87
 * control words in "from", loads "to" and ends in an indirect jmp to its
 * resume address.  It keeps no other register: CTX_JUMP declares every
 * one but rbp and rsp clobbered, so the compiler keeps in the fiber's
 * frame only what is live across the switch, often nothing, instead of
 * six saves and six loads on every switch.  Ending in jmp instead of ret
 * keeps the return stack predictor out of it.
 *
 * fiber_ctx_switch(from, to) is the same switch as an ordinary call: it
 * pushes the callee-saved registers its caller expects kept, and its
 * resume address pops them and returns.  It is for the cold paths (a
 * thread entering its first fiber); the scheduler uses CTX_JUMP.
 *
 * MXCSR is reloaded unconditionally; the x87 control word only when the
 * target's differs from the one fnstcw just stored.  Measured on the AMD
 * Zen 5 test VM (thread CPU time, medians of 15): stmxcsr alone, in a
 * loop, takes 4.2 ns, and it bounds the switch (4.6-5.0 ns; 2.9 ns
 * without the MXCSR pair, 2.1 ns without either word); ldmxcsr takes
 * 0.3 ns and fnstcw 0.6 ns.  The word fnstcw stores is read back from the
 * store buffer at once, so the fldcw skip pays; the word stmxcsr stores
 * is not forwarded, and comparing it before ldmxcsr made the switch
 * 7.9 ns.  There is no register form of either store.
 */
	.text
	.globl	fiber_ctx_switch
	.hidden	fiber_ctx_switch
	.type	fiber_ctx_switch, @function
	.p2align 4
fiber_ctx_switch:
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	leaq	1f(%rip), %rax
	movq	%rax, 8(%rdi)
	.globl	fiber_ctx_jump
	.hidden	fiber_ctx_jump
fiber_ctx_jump:
	fnstcw	28(%rdi)
	stmxcsr	24(%rdi)
	movq	%rsp, 0(%rdi)
	movq	%rbp, 16(%rdi)
	movq	16(%rsi), %rbp
	movq	0(%rsi), %rsp
	movzwl	28(%rdi), %eax
	ldmxcsr	24(%rsi)
	cmpw	28(%rsi), %ax
	jne	2f
	jmpq	*8(%rsi)
2:	fldcw	28(%rsi)
	jmpq	*8(%rsi)
	/* Resumed: fiber_ctx_switch's caller gets its registers back. */
1:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
	.size	fiber_ctx_switch, .-fiber_ctx_switch

/*
 * First resume address of a new context: rsp points at the entry function
 * and its argument, which fiber_ctx_init put at the top of the stack;
 * popping them leaves rsp 16-byte aligned for the call.  The entry never
 * returns.
 */
	.globl	fiber_ctx_start
	.hidden	fiber_ctx_start
	.type	fiber_ctx_start, @function
	.p2align 4
fiber_ctx_start:
	popq	%rax
	popq	%rdi
	callq	*%rax
	ud2
	.size	fiber_ctx_start, .-fiber_ctx_start

	.section .note.GNU-stack,"",%progbits

/* SPDX-License-Identifier: ISC */
/*
 * AArch64 (AAPCS64) context switch: see ctx.h for struct ctx.
 *
 * fiber_ctx_switch(from = x0, to = x1) saves sp, lr as the resume address,
 * x19-x29, d8-d15 and fpcr, loads "to" and ends in br (not ret) to its
 * resume address, so the return predictor stays out of it.  fpcr is only
 * written when it differs.
 */
	.text
	.globl	fiber_ctx_switch
	.hidden	fiber_ctx_switch
	.type	fiber_ctx_switch, %function
	.p2align 4
fiber_ctx_switch:
	mov	x9, sp
	stp	x9, x30, [x0, #0]
	stp	x19, x20, [x0, #16]
	stp	x21, x22, [x0, #32]
	stp	x23, x24, [x0, #48]
	stp	x25, x26, [x0, #64]
	stp	x27, x28, [x0, #80]
	str	x29, [x0, #96]
	stp	d8, d9, [x0, #104]
	stp	d10, d11, [x0, #120]
	stp	d12, d13, [x0, #136]
	stp	d14, d15, [x0, #152]
	mrs	x10, fpcr
	str	x10, [x0, #168]

	ldr	x11, [x1, #168]
	cmp	x10, x11
	b.eq	1f
	msr	fpcr, x11
1:
	ldp	x19, x20, [x1, #16]
	ldp	x21, x22, [x1, #32]
	ldp	x23, x24, [x1, #48]
	ldp	x25, x26, [x1, #64]
	ldp	x27, x28, [x1, #80]
	ldr	x29, [x1, #96]
	ldp	d8, d9, [x1, #104]
	ldp	d10, d11, [x1, #120]
	ldp	d12, d13, [x1, #136]
	ldp	d14, d15, [x1, #152]
	ldp	x9, x16, [x1, #0]
	mov	sp, x9
	br	x16
	.size	fiber_ctx_switch, .-fiber_ctx_switch

/* First resume address of a new context: x19 entry function, x20 argument. */
	.globl	fiber_ctx_start
	.hidden	fiber_ctx_start
	.type	fiber_ctx_start, %function
	.p2align 4
fiber_ctx_start:
	mov	x0, x20
	mov	x29, xzr
	mov	x30, xzr
	blr	x19
	brk	#0
	.size	fiber_ctx_start, .-fiber_ctx_start

	.section .note.GNU-stack,"",%progbits

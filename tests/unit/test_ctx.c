/* SPDX-License-Identifier: ISC */
#include <fenv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "runtime/ctx.h"

#define SWITCHES	1000000
#define STACK_SIZE	(64 * 1024)

static struct ctx	main_ctx, ping_ctx, pong_ctx;
static long		errors;
static long		rounds;
static int		use_jump;	/* CTX_JUMP instead of fiber_ctx_switch */

#if defined(__x86_64__)
/* Read the x87 control word. */
static uint16_t
test_fpucw_get(void)
{
	uint16_t	cw;

	__asm__ volatile("fnstcw %0" : "=m"(cw));
	return (cw);
}

/* Read MXCSR. */
static uint32_t
test_mxcsr_get(void)
{
	uint32_t	m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return (m);
}

/* Set the x87 control word. */
static void
test_fpucw_set(uint16_t cw)
{
	__asm__ volatile("fldcw %0" : : "m"(cw));
}

/* Set MXCSR. */
static void
test_mxcsr_set(uint32_t m)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}
#endif

/*
 * The floating-point control state one side runs with: a rounding mode
 * for fesetround and, on x86_64, the exact MXCSR and x87 control word
 * (the rounding fields agreeing with round).  fiber_ctx_jump reloads the x87
 * word only when it differs, so the cases below make the two sides equal
 * in one word and different in the other, both, and neither.
 */
struct test_fp {
	int		 round;
	uint32_t	 mxcsr;
	uint16_t	 cw;
};

struct test_fp_case {
	const char	*name;
	struct test_fp	 side[2];
};

/* MXCSR: exceptions masked, RC in bits 13-14, FTZ 0x8000, DAZ 0x0040.
   x87: exceptions masked, PC in bits 8-9, RC in bits 10-11. */
static const struct test_fp_case test_fp_cases[] = {
	{ "both differ", {
	    { FE_DOWNWARD, 0x3f80, 0x077f }, { FE_UPWARD, 0x5f80, 0x0a7f } } },
	{ "x87 word equal, MXCSR differs", {
	    { FE_TONEAREST, 0x9fc0, 0x037f }, { FE_TONEAREST, 0x1f80, 0x037f } } },
	{ "MXCSR equal, x87 word differs", {
	    { FE_TONEAREST, 0x1f80, 0x027f }, { FE_TONEAREST, 0x1f80, 0x037f } } },
	{ "both equal", {
	    { FE_TOWARDZERO, 0x7f80, 0x0f7f }, { FE_TOWARDZERO, 0x7f80, 0x0f7f } } },
};

static const struct test_fp	*test_fp_side[2];

#if defined(__x86_64__)
/*
 * One CTX_JUMP with distinct values in registers: CTX_JUMP keeps none but
 * rbp and rsp itself and declares the rest clobbered, so the compiler must
 * keep these across it.  Seven values, more than the callee-saved
 * registers, so that a register the clobber list forgot would be used.
 */
static void
test_ctx_jump_once(struct ctx *self, struct ctx *peer, uint64_t seed, long i)
{
	uint64_t	v[7];
	int		k;

	for (k = 0; k < 7; k++)
		v[k] = seed * (uint64_t)(2 * k + 3) + (uint64_t)i;
	__asm__ volatile("" : "+r"(v[0]), "+r"(v[1]), "+r"(v[2]),
	    "+r"(v[3]), "+r"(v[4]), "+r"(v[5]), "+r"(v[6]));
	CTX_JUMP(self, peer);
	__asm__ volatile("" : "+r"(v[0]), "+r"(v[1]), "+r"(v[2]),
	    "+r"(v[3]), "+r"(v[4]), "+r"(v[5]), "+r"(v[6]));
	for (k = 0; k < 7; k++)
		if (v[k] != seed * (uint64_t)(2 * k + 3) + (uint64_t)i)
			errors++;
}
#endif

/*
 * Switch to the other side many times with distinct values pinned in the
 * callee-saved registers and this side's FP control state; count
 * mismatches.
 */
static void
test_ctx_side(struct ctx *self, struct ctx *peer, uint64_t seed,
    const struct test_fp *fp)
{
	long	i;
	int	round = fp->round;

	fesetround(round);
#if defined(__x86_64__)
	test_mxcsr_set(fp->mxcsr);
	test_fpucw_set(fp->cw);
	uint16_t cw = test_fpucw_get();
	uint32_t mxcsr = test_mxcsr_get();

	if (cw != fp->cw || mxcsr != fp->mxcsr || fegetround() != round)
		errors++;
#endif
	for (i = 0; i < SWITCHES; i++) {
#if defined(__x86_64__)
		if (use_jump) {
			test_ctx_jump_once(self, peer, seed, i);
			goto fp;
		}
		register uint64_t rbx __asm__("rbx") = seed + i;
		register uint64_t r12 __asm__("r12") = seed * 3 + i;
		register uint64_t r13 __asm__("r13") = seed * 5 + i;
		register uint64_t r14 __asm__("r14") = seed * 7 + i;
		register uint64_t r15 __asm__("r15") = seed * 11 + i;
		__asm__ volatile("" : "+r"(rbx), "+r"(r12), "+r"(r13),
		    "+r"(r14), "+r"(r15));
		fiber_ctx_switch(self, peer);
		__asm__ volatile("" : "+r"(rbx), "+r"(r12), "+r"(r13),
		    "+r"(r14), "+r"(r15));
		if (rbx != seed + i || r12 != seed * 3 + i ||
		    r13 != seed * 5 + i || r14 != seed * 7 + i ||
		    r15 != seed * 11 + i)
			errors++;
fp:
		if (test_fpucw_get() != cw || test_mxcsr_get() != mxcsr)
			errors++;
#elif defined(__aarch64__)
		register uint64_t x19 __asm__("x19") = seed + i;
		register uint64_t x22 __asm__("x22") = seed * 3 + i;
		register uint64_t x27 __asm__("x27") = seed * 5 + i;
		register double d8 __asm__("d8") = (double)(seed + i);
		__asm__ volatile("" : "+r"(x19), "+r"(x22), "+r"(x27),
		    "+w"(d8));
		fiber_ctx_switch(self, peer);
		__asm__ volatile("" : "+r"(x19), "+r"(x22), "+r"(x27),
		    "+w"(d8));
		if (x19 != seed + i || x22 != seed * 3 + i ||
		    x27 != seed * 5 + i || d8 != (double)(seed + i))
			errors++;
#else
		fiber_ctx_switch(self, peer);
#endif
		if (fegetround() != round)
			errors++;
		rounds++;
	}
}

/* Run the ping side, then return to main. */
static void
test_ctx_ping(void *arg)
{
	test_ctx_side(&ping_ctx, &pong_ctx, 0x1000, test_fp_side[0]);
	fiber_ctx_switch(&ping_ctx, &main_ctx);
	abort();
}

/* Run the pong side; its last switch resumes ping, which finishes. */
static void
test_ctx_pong(void *arg)
{
	test_ctx_side(&pong_ctx, &ping_ctx, 0x2001, test_fp_side[1]);
	fiber_ctx_switch(&pong_ctx, &main_ctx);
	abort();
}

/* Ping-pong SWITCHES times each way and check nothing was lost. */
static void
test_ctx_run_pingpong(int jump, const struct test_fp_case *fc)
{
	void	*s1 = malloc(STACK_SIZE), *s2 = malloc(STACK_SIZE);
#if defined(__x86_64__)
	uint32_t mxcsr = test_mxcsr_get();
	uint16_t cw = test_fpucw_get();
#endif

	use_jump = jump;
	errors = 0;
	rounds = 0;
	test_fp_side[0] = &fc->side[0];
	test_fp_side[1] = &fc->side[1];

	assert_non_null(s1);
	assert_non_null(s2);
	fesetround(FE_TONEAREST);
	fiber_ctx_init(&ping_ctx, s1, STACK_SIZE, test_ctx_ping, NULL);
	fiber_ctx_init(&pong_ctx, s2, STACK_SIZE, test_ctx_pong, NULL);
	fiber_ctx_switch(&main_ctx, &ping_ctx);
	if (errors != 0)
		print_error("%s: %ld mismatches\n", fc->name, errors);
	assert_int_equal(errors, 0);
	assert_int_equal(rounds, 2 * SWITCHES - 1);
	assert_int_equal(fegetround(), FE_TONEAREST);
#if defined(__x86_64__)
	assert_int_equal(test_mxcsr_get() & ~0x3fU, mxcsr & ~0x3fU);
	assert_int_equal(test_fpucw_get(), cw);
#endif
	free(s1);
	free(s2);
}

/* Every case of test_fp_cases through fiber_ctx_switch (jump 0) or CTX_JUMP. */
static void
test_ctx_run_cases(int jump)
{
	size_t	i;

	for (i = 0; i < sizeof test_fp_cases / sizeof test_fp_cases[0]; i++)
		test_ctx_run_pingpong(jump, &test_fp_cases[i]);
}

static void
test_fiber_switch_keeps_registers_and_fp_control(void **state)
{
	test_ctx_run_cases(0);
}

static void
test_fiber_jump_keeps_registers_and_fp_control(void **state)
{
	test_ctx_run_cases(1);
}

/* Record the argument and return to main. */
static void
test_ctx_arg_entry(void *arg)
{
	*(int *)arg = 42;
	fiber_ctx_switch(&ping_ctx, &main_ctx);
	abort();
}

static void
test_fiber_switch_passes_entry_argument(void **state)
{
	void	*s = malloc(STACK_SIZE);
	int	 v = 0;

	fiber_ctx_init(&ping_ctx, s, STACK_SIZE, test_ctx_arg_entry, &v);
	fiber_ctx_switch(&main_ctx, &ping_ctx);
	assert_int_equal(v, 42);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fiber_switch_passes_entry_argument),
		cmocka_unit_test(test_fiber_switch_keeps_registers_and_fp_control),
		cmocka_unit_test(test_fiber_jump_keeps_registers_and_fp_control),
	};

	return (cmocka_run_group_tests_name("ctx", tests, NULL, NULL));
}

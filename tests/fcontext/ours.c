/* SPDX-License-Identifier: ISC */
/*
 * The fcontext probe's C half: cswviz's own bare switch, timed as
 * `cswviz --bench` times it (two contexts switching to each other with
 * CTX_JUMP, thread CPU time).  Built by probe.sh, never by the product.
 */
#include <stdint.h>
#include <time.h>

#include "runtime/ctx.h"

/* As many switches as cswviz --bench times (a round trip is two). */
#define OURS_SWITCHES	4000000

static struct ctx	ours_main, ours_a, ours_b;

/* Thread CPU time in ns. */
uint64_t
probe_cpu_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* Switch to b and back OURS_SWITCHES / 2 times, then to main. */
static void
ours_side_a(void *arg)
{
	long	i;

	(void)arg;
	for (i = 0; i < OURS_SWITCHES / 2; i++)
		CTX_JUMP(&ours_a, &ours_b);
	fiber_ctx_switch(&ours_a, &ours_main);
}

/* Switch back to a forever. */
static void
ours_side_b(void *arg)
{
	(void)arg;
	for (;;)
		CTX_JUMP(&ours_b, &ours_a);
}

/* ns per switch over OURS_SWITCHES switches. */
double
probe_ours(void)
{
	static char	sa[65536], sb[65536];
	uint64_t	t0;

	fiber_ctx_init(&ours_a, sa, sizeof sa, ours_side_a, NULL);
	fiber_ctx_init(&ours_b, sb, sizeof sb, ours_side_b, NULL);
	t0 = probe_cpu_ns();
	fiber_ctx_switch(&ours_main, &ours_a);
	return ((double)(probe_cpu_ns() - t0) / OURS_SWITCHES);
}

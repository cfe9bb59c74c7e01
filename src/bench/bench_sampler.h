/* SPDX-License-Identifier: ISC */
/*
 * The sampler's and the screen's section of `cswviz --bench`, which
 * bench_run measures after its own and prints after its own: sampler pass
 * time and CPU share at 1,000 and 10,000 threads and 100,000 fibers, and
 * over a workload child's 10,000 runnable threads, and key to redraw while
 * every CPU is busy.  Main thread only.
 */
#ifndef CSW_BENCH_SAMPLER_H
#define CSW_BENCH_SAMPLER_H

#include <stdio.h>

#define BENCH_SAMPLER_STEP "measuring the sampler at 1,000 and 10,000 " \
	"threads, 100,000 fibers and a child's 10,000 runnable threads, " \
	"and key to redraw"

struct bench_s_out;

/* Measure every case: the figures, which the caller frees with free(). */
struct bench_s_out *bench_sampler_measure(void);
/* Print the section's lines of the table. */
void	bench_sampler_print_table(FILE *, const struct bench_s_out *);
/* Print the section's JSON members, each followed by a comma. */
void	bench_sampler_print_json(FILE *, const struct bench_s_out *);

#endif

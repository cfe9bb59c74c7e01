/*
 * The sampler's and the screen's section of `cswviz --bench`
 * (bench_add_section from main, before bench_run): sampler pass time and
 * CPU share at 1,000 and 10,000 threads and 100,000 fibers, and key to
 * redraw while every CPU is busy.  Main thread only.
 */
#ifndef CSW_BENCH_SAMPLER_H
#define CSW_BENCH_SAMPLER_H

#include "bench/bench.h"

extern const struct bench_section bench_sampler_section;

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The machine benchmark behind `cswviz --bench`: threads vs fibers on this
 * machine, one run, medians over repeated trials.  Call from the main
 * thread with no fiber runtime of the caller running; it creates and frees
 * its own runtimes and threads.
 */
#ifndef CSW_ENGINE_BENCH_H
#define CSW_ENGINE_BENCH_H

#include <stdio.h>

/*
 * Print the table (json 0) or one JSON object (json 1) to out.  Returns 0,
 * or non-zero after a message on stderr.  JSON keys: loop_ns,
 * ctx_switch_ns, thread_handoff_ns (unpinned), thread_handoff_same_cpu_ns,
 * thread_handoff_cross_cpu_ns, fiber_switch_ns, fiber_handoff_ns,
 * fiber_spawn_per_s, thread_spawn_per_s (medians; each with <key>_min and
 * <key>_max, the lowest and highest trial), fiber_sleeper_bytes (the default
 * 16 KiB class: stack bytes committed per sleeping fiber),
 * fiber_sleeper_bytes_by_class (object: class size in bytes as the key,
 * committed stack bytes per sleeper as the value), fiber_sleeper_rss_bytes
 * (same keys, whole-process RSS growth per sleeper),
 * thread_sleeper_bytes (committed stack bytes per sleeping thread),
 * thread_sleeper_rss_bytes, thread_stack_reserved_bytes (the stack size the
 * threads got), thread_sleepers (how many ran), thread_sleepers_cut (what
 * cut them short of 10,000, e.g. "EAGAIN at 2037", or null),
 * million_sleepers (object: count, and for the "fresh" and "reused" arena
 * stack_bytes, rss_bytes, asleep_s, late_ms;
 * count is scaled down when first page touches are slow unless
 * CSW_BENCH_FULL is set in the environment), limits (strings),
 * and ratios (handoff, spawn, and thread over fiber stack reserved and
 * committed).  A value that could not be measured is null, with the reason
 * in "notes".  Progress goes to stderr when it is a terminal;
 * CSW_BENCH_VERBOSE=1 prints it anyway, with times.
 */
int	bench_run(FILE *, int);

#endif

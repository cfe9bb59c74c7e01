/* SPDX-License-Identifier: ISC */
/*
 * --trace FILE: the runtime's switches, and the kernel's (ktrace.h) where
 * it allows, written as a Trace Event Format file (JSON) that Perfetto's
 * UI and chrome://tracing open.  Called from the workload child's main,
 * after its runtimes are destroyed (their rings closed) and the kernel
 * side stopped.
 */
#ifndef CSW_RECORD_TRACE_H
#define CSW_RECORD_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_EVENTS_PER_WORKER	200000	/* 4.8 MB a worker */

struct ktrace_result;

int	trace_write(const char *, uint64_t, uint64_t,
	    const struct ktrace_result *, char *, size_t, char *, size_t);

#endif

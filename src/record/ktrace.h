/* SPDX-License-Identifier: ISC */
/*
 * The kernel side of --trace: the scheduler's sched_switch and
 * sched_wakeup tracepoints for the threads of this process (and those
 * they start), read with perf_event_open on every CPU, the events
 * inherited by each new thread, stamped with CLOCK_MONOTONIC like the
 * fiber runtime's events.  One ring buffer a CPU, mapped once at
 * ktrace_start and read only at the end: a full ring ends the kernel side
 * at its last event, and the trace says so.
 *
 * Order, all from the workload child's main thread: ktrace_start before
 * any workload thread starts, ktrace_stop after they ended, then
 * ktrace_events, then ktrace_free.  Where the events may not be read,
 * ktrace_start fails and ktrace_why and ktrace_allow say why and what
 * would allow it.
 */
#ifndef CSW_RECORD_KTRACE_H
#define CSW_RECORD_KTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KTRACE_RING_BYTES	(16u << 20)	/* a CPU's ring, at most */
#define KTRACE_TOTAL_BYTES	(256u << 20)	/* all CPUs' rings, at most */

enum ktrace_kind {
	KTRACE_IN,		/* the thread starts running on cpu */
	KTRACE_OUT,		/* it stops: state, other runs next */
	KTRACE_WAKE		/* other wakes it */
};

struct ktrace_event {
	uint64_t	 ns;		/* CLOCK_MONOTONIC */
	pid_t		 tid;
	pid_t		 other;		/* OUT: the next thread; WAKE: the waker */
	int		 cpu;
	int		 kind;		/* enum ktrace_kind */
	long		 state;		/* OUT: prev_state as the tracepoint has it */
	char		 comm[16];	/* OUT: the thread's name */
	char		 other_comm[16];	/* OUT: the next thread's */
};

struct ktrace_result {
	struct ktrace_event *ev;	/* by thread, then time; ktrace_free */
	size_t		 n;
	uint64_t	 begin, end;	/* ns: the interval the events cover */
	bool		 filled;	/* a ring filled: end is its last event */
	int		 full_cpu;	/* the first CPU whose ring filled */
	size_t		 ring_bytes;	/* a CPU's ring */
	uint64_t	 ring_used;	/* bytes, in the fullest ring */
	int		 cpus;
	uint64_t	 process_switches; /* getrusage's count meanwhile */
	uint64_t	 lost;		/* events the kernel said it lost */
};

int		 ktrace_start(void);
const char	*ktrace_why(void);
const char	*ktrace_allow(void);
void		 ktrace_stop(void);
int		 ktrace_events(struct ktrace_result *);
void		 ktrace_free(struct ktrace_result *);

#endif

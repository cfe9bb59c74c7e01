/* SPDX-License-Identifier: ISC */
/*
 * Waiting on a shared word with an absolute deadline, the way
 * clock_nanosleep(TIMER_ABSTIME) sleeps, but wakeable by a broadcast.
 */
#include <errno.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#include "util/futex.h"

/* Wait while *word == val, until an absolute monotonic deadline. */
int
futex_wait_until(_Atomic uint32_t *word, uint32_t val, uint64_t deadline_ns)
{
	struct timespec	 ts, *tsp = NULL;

	if (deadline_ns != 0) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
		ts.tv_nsec = (long)(deadline_ns % 1000000000u);
		tsp = &ts;
	}
	/* The bitset form takes an absolute CLOCK_MONOTONIC time. */
	if (syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, val, tsp,
	    NULL, FUTEX_BITSET_MATCH_ANY) == 0)
		return (0);
	if (errno == EAGAIN)
		return (0);
	return (errno);
}

/* Bump the word and wake all its waiters. */
void
futex_bump_wake_all(_Atomic uint32_t *word)
{
	atomic_fetch_add(word, 1);
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

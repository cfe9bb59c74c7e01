/* SPDX-License-Identifier: ISC */
/*
 * A word many workload threads can wait on and be woken from at once: the
 * scenarios' way to make thousands of sleeping or blocked threads stoppable
 * within a moment.  A waiter reads the word, checks its own conditions, and
 * waits while the word still holds what it read; whoever changes a
 * condition bumps the word and wakes everyone.  Any thread.
 */
#ifndef CSW_ENGINE_FUTEX_H
#define CSW_ENGINE_FUTEX_H

#include <stdatomic.h>
#include <stdint.h>

/* Wait while *word == val, until deadline_ns on CLOCK_MONOTONIC (0 =
   forever): 0 when woken or the word moved, ETIMEDOUT, or EINTR. */
int	futex_wait_until(_Atomic uint32_t *, uint32_t, uint64_t);
/* Change the word and wake every thread waiting on it. */
void	futex_bump_wake_all(_Atomic uint32_t *);

#endif

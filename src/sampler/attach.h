/* SPDX-License-Identifier: ISC */
/*
 * The sampler's part for -p PID: another process, read from /proc alone.
 * Internal to the sampler: sampler.c calls these on its own thread, in
 * this order each pass: attach_begin (false: the process has exited, the
 * pass reads nothing more of it), attach_task for each thread read,
 * attach_end, attach_stacks.  attach_free when the pass is freed.
 */
#ifndef CSW_SAMPLER_ATTACH_H
#define CSW_SAMPLER_ATTACH_H

#include <stdbool.h>

#include "sampler/sampler.h"

bool	attach_begin(struct sampler_pass *, struct sample *);
void	attach_task(struct sampler_pass *, int, struct sampler_task *,
	    struct thread_row *);
void	attach_end(struct sampler_pass *, struct sample *);
void	attach_stacks(struct sampler_pass *, struct sample *);
void	attach_free(struct sampler_pass *);

#endif

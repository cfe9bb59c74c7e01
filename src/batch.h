/* SPDX-License-Identifier: ISC */
/*
 * --batch: the same workload and sampler as the live screen, with samples
 * printed as JSON Lines or CSV instead of drawn, then a summary of medians,
 * all through the writer of recordings (record/write.h).
 * Runs on the main thread.
 */
#ifndef CSW_BATCH_H
#define CSW_BATCH_H

#include <stdio.h>

#include "record/write.h"

struct child;
struct sampler;
struct model;

int	batch_run(struct child *, struct sampler *, struct model *,
	    struct warns *, long, enum record_format, FILE *);

#endif

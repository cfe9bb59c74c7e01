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

/*
 * One workload of the run: --compare has two, each line then names its
 * side.  A side's child may be NULL (-p).
 */
struct batch_side {
	struct child	*e;
	struct sampler	*sp;
	struct model	*m;
	struct warns	*w;
	const char	*name;		/* "threads", "fibers"; NULL: one */
};

int	batch_run(struct batch_side *, size_t, long, enum record_format,
	    FILE *);

#endif

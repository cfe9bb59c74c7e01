/* SPDX-License-Identifier: ISC */
/*
 * Recordings: the JSON Lines that --batch prints and --record writes, read
 * back one line at a time for --replay.
 *
 * record_parse is pure: it reads only its arguments, writes only *out and
 * err, and leaves *out untouched when the line is refused.  Any thread may
 * call it.  It reads the flat objects record/write.c writes (strings, numbers,
 * null, true and false) and nothing more: no nesting, no \u escapes.
 */
#ifndef CSW_RECORD_READ_H
#define CSW_RECORD_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define RECORD_LINE_MAX	65536	/* longer lines are not a recording */

/* Which workload a line of a run side by side (--compare) belongs to. */
enum record_side {
	RECORD_SIDE_NONE,	/* one workload: no "side" */
	RECORD_SIDE_THREADS,
	RECORD_SIDE_FIBERS,
};

struct record {
	bool			 summary;	/* the closing line of medians */
	enum record_side	 side;
	struct model_record	 fig;		/* the figures of a sample */
	/* The knobs as set, for telling one segment of a session from the
	   next; -1 where an older recording does not carry them. */
	long			 tasks_target;	/* tasks asked for */
	long long		 stack_bytes;	/* a task's stack */
};

int	record_parse(const char *, size_t, struct record *, char *, size_t);

#endif

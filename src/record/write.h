/* SPDX-License-Identifier: ISC */
/*
 * The writer of recordings: JSON Lines (what --record writes and --replay
 * reads) or CSV, one line a sample, then a line of medians.  Pure
 * formatting of a model onto a stream; called by the thread that owns the
 * model (the main thread for --batch, the loop thread for --record).
 */
#ifndef CSW_RECORD_WRITE_H
#define CSW_RECORD_WRITE_H

#include <stdio.h>

#include "model/model.h"
#include "model/warn.h"

enum record_format {
	RECORD_JSON,
	RECORD_CSV,
};

void	record_write_header(enum record_format, FILE *);
void	record_write_sample(const struct model *, enum record_format,
	    FILE *);
void	record_write_warned(const struct model *, const struct warns *,
	    enum record_format, FILE *);
void	record_write_summary_warned(const struct model *,
	    const struct warns *, enum record_format, FILE *);
void	record_write_summary(const struct model *, enum record_format,
	    FILE *);
/*
 * Side by side (--compare): each line carries "side", the workload it
 * belongs to ("threads" or "fibers"); the CSV header a side column.
 */
void	record_write_header_sides(enum record_format, FILE *);
void	record_write_side(const struct model *, const struct warns *,
	    const char *, enum record_format, FILE *);
void	record_write_summary_side(const struct model *,
	    const struct warns *, const char *, enum record_format, FILE *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The columns of a recording, the one table that both the writer and the
 * reader walk.  Pure data; any thread may read it.
 */
#ifndef CSW_RECORD_COLUMNS_H
#define CSW_RECORD_COLUMNS_H

#include <stddef.h>

#include "model/model.h"

/* One numeric column: its key (unit in the name) and the series it holds. */
struct record_column {
	const char		*key;
	enum model_series	 series;
	int			 decimals;
};

const struct record_column *record_columns_table(size_t *);

#endif

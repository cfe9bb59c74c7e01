/*
 * --batch: the same workload and sampler as the live screen, with samples
 * printed as JSON Lines or CSV instead of drawn, then a summary of medians.
 * Runs on the main thread; batch_record and batch_summary are pure
 * formatting of the model, for the tests.
 */
#ifndef CSW_BATCH_H
#define CSW_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "model/model.h"

struct engine;
struct sampler;
struct model;

enum batch_format {
	BATCH_JSON,
	BATCH_CSV,
};

/*
 * One numeric column: its key (unit in the name) and the model series it
 * prints.  The same table reads a recording back (record.c), so a column
 * added here is replayed too.
 */
struct batch_column {
	const char		*key;
	enum model_series	 series;
	int			 decimals;
};

const struct batch_column *batch_columns_table(size_t *);

void	batch_header(enum batch_format, FILE *);
void	batch_record(const struct model *, enum batch_format, FILE *);
void	batch_summary(const struct model *, enum batch_format, FILE *);
int	batch_run(struct engine *, struct sampler *, struct model *, long,
	    enum batch_format, FILE *);

#endif

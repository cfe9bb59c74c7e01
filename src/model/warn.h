/* SPDX-License-Identifier: ISC */
/*
 * Warnings that teach: a table of rules over the model's newest figures,
 * each with a name, a threshold and a lesson, on or off by name.  The
 * caller owns a struct warns and calls warn_eval after each model_push or
 * model_push_record; the view and the writer of recordings read it.
 *
 * Owned by the loop thread (or the batch loop): every call comes from it.
 */
#ifndef CSW_WARN_H
#define CSW_WARN_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

/* The thresholds, as the man page states them. */
#define WARN_LONG_RUN_MS	10.0	/* a fiber's run without a yield */
#define WARN_STACK_RATIO	16.0	/* reserved over committed */
#define WARN_STACK_MIN		(1024.0 * 1024.0 * 1024.0) /* bytes reserved */
#define WARN_FLOOD_SAMPLES	3	/* samples in a row over the CPUs */
#define WARN_LEAK_SAMPLES	5	/* rises in a row of live tasks */
#define WARN_LEAK_RISE		1.2	/* live tasks grew by this factor */
#define WARN_LEAK_WORK		1.2	/* while work/s grew by less */

enum warn_id {
	WARN_LONG_RUN,
	WARN_BLOCKING,
	WARN_FLOOD,
	WARN_STACKS,
	WARN_LEAK,
	WARN_SAMPLER,
	WARN_COUNT
};

#define WARN_TEXTLEN	200

struct warn_rule {
	const char	*name;		/* for --warn and --allow */
	const char	*threshold;	/* when it fires, in words */
	const char	*lesson;	/* what it teaches */
	/* Whether it fires on the newest sample; if so, text says what. */
	bool		(*fires)(const struct model *, int, char *, size_t);
};

struct warns {
	bool		 on[WARN_COUNT];	/* not --allow'ed */
	bool		 active[WARN_COUNT];
	double		 began[WARN_COUNT];	/* model_elapsed_s; NAN: never */
	double		 ended[WARN_COUNT];	/* NAN: still on, or never */
	char		 text[WARN_COUNT][WARN_TEXTLEN];
	unsigned	 began_now, ended_now;	/* 1u << id, this sample */
	unsigned	 seen;			/* every one that began */
	int		 ncpu;			/* online CPUs */
	int		 newest;		/* id last to begin, or -1 */
};

const struct warn_rule *warn_table(size_t *);
int		 warn_lookup(const char *);
void		 warn_init(struct warns *, int);
void		 warn_eval(struct warns *, const struct model *);
void		 warn_names(unsigned, char *, size_t);
unsigned	 warn_active(const struct warns *);

#endif

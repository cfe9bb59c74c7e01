/* SPDX-License-Identifier: ISC */
/*
 * The guided tour: a fixed list of steps, each a scenario, a mode, knobs
 * and a caption.  The man page's WALKTHROUGH section tells the same story;
 * tests/test_tour.c fails when the two differ.  Pure data, any thread.
 */
#ifndef CSW_TOUR_H
#define CSW_TOUR_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

struct tour_step {
	const char		*title;		/* a few words */
	const char		*scenario;
	enum engine_mode	 mode;
	long			 tasks;		/* 0: the scenario's default */
	bool			 variant;
	const char		*caption;	/* one to three lines */
	bool			 compare;	/* side by side: threads and
						   fibers at once (c) */
};

size_t			 tour_len(void);
/* Step n, 0-based, or NULL past the end. */
const struct tour_step	*tour_step(size_t);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * Figures: the model's history drawn as an SVG for slides, notes and bug
 * reports.  One graph per panel of the screen (switch rates, stack memory
 * reserved and committed, run queue, and latency where it was measured),
 * on real axes with units, with the lesson, its knobs and the machine in
 * the caption.  Lines differ by dash and marker as well as colour, so a
 * black-and-white print reads the same.
 *
 * Side by side (figure_svg_sides), both workloads share the graphs: the
 * same time and value axes, a series in the same colour and marker shape
 * on both sides, each side told by its dash and by filled or open markers
 * (threads solid and filled, fibers dashed and open), named in the legend.
 *
 * Drawn from the model only, through its accessors: the same figure comes
 * from the live screen and from a replayed recording.  Each line carries
 * its values (data-values, the recording's key in data-key) so a figure
 * can be checked against the recording it came from.
 *
 * Pure apart from writing to the stream it is given; the caller owns the
 * model and calls from the thread that owns it (the loop, or main).
 */
#ifndef CSW_FIGURE_SVG_H
#define CSW_FIGURE_SVG_H

#include <stdio.h>

#include "model/model.h"

/* The colours a figure is drawn in, 0xRRGGBB each, from the theme. */
enum figure_ink {
	FIGURE_INK_VOLUNTARY,
	FIGURE_INK_INVOLUNTARY,
	FIGURE_INK_FIBER,
	FIGURE_INK_SYSTEM,
	FIGURE_INK_RESERVED,
	FIGURE_INK_COMMITTED,
	FIGURE_INK_COUNT
};

struct figure_style {
	int		 fg, bg, dim;		/* text, paper, grid */
	int		 ink[FIGURE_INK_COUNT];
	const char	*theme;			/* its name, for the caption */
};

/* What the caption says beyond the model. */
struct figure_caption {
	const char	*machine;	/* "CPU, N CPUs, kernel" */
	const char	*source;	/* "live session" or "recording NAME" */
	const char	*when;		/* when it was drawn, UTC */
};

/* Graphs a figure may hold; FIGURE_GRAPHS is the most at once. */
#define FIGURE_GRAPHS	4
#define FIGURE_WIDTH	1600
#define FIGURE_HEIGHT	900

int	figure_contrast_ink(int, int, int);
int	figure_svg(FILE *, const struct model *, const struct figure_style *,
	    const struct figure_caption *);
int	figure_svg_sides(FILE *, const struct model *, const struct model *,
	    const struct figure_style *, const struct figure_caption *);
void	figure_nice_axis(double, int, double *, double *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * Figures to files, for the e key and --export: the theme's colours, the
 * machine's description and a file name around figure_svg (figure_svg_sides
 * with a peer's model, side by side).  Called from
 * the thread that owns the model (the loop, or main for --export).
 */
#ifndef CSW_EXPORT_H
#define CSW_EXPORT_H

#include <stddef.h>

struct model;
struct theme;

#define EXPORT_ERRLEN	320

int	export_figure(const struct model *, const struct model *,
	    const struct theme *, const char *, const char *, char *, size_t);
int	export_figure_new(const struct model *, const struct model *,
	    const struct theme *, const char *, const char *, char *, size_t);

#endif

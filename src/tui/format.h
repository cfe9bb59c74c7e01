/* SPDX-License-Identifier: ISC */
/*
 * Curses-free formatting: numbers with units, and the glyphs of graphs and
 * bars.  Pure functions, callable from any thread, tested on their own.
 * Every function writes a NUL-terminated string and returns buf.
 */
#ifndef CSW_FORMAT_H
#define CSW_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#define FORMAT_LEN	32

char		*format_count(double, char *, size_t);
char		*format_bytes(double, char *, size_t);
char		*format_ns(double, bool, char *, size_t);
char		*format_duration(double, char *, size_t);
char		*format_ratio_to(double, double, char *, size_t);
/* The unit an axis label names. */
enum format_unit {
	FORMAT_UNIT_COUNT,	/* 12 */
	FORMAT_UNIT_RATE,	/* 200k/s */
	FORMAT_UNIT_BYTES,	/* 50 MiB */
};

const char	*format_graph_cell(double, double, int, int, bool);
const char	*format_stack_cell(double, double, double, int, int, bool,
		    bool *);
double		 format_scale_ceil(double, bool);
char		*format_scale_label(double, enum format_unit, char *,
		    size_t);
const char	*format_mark_glyph(unsigned);
const char	*format_bar_cell(double, bool, bool);

#define FORMAT_BIG_ROWS	5	/* rows of a big glyph, before scaling */

/* What a big figure counts, which says its unit. */
enum format_big_kind {
	FORMAT_BIG_COUNT,	/* 1397, 123k */
	FORMAT_BIG_RATIO,	/* 1.01, no unit */
	FORMAT_BIG_NS,		/* 37.9ns, 6.24µs, 202ms */
	FORMAT_BIG_BYTES,	/* 7.81MiB */
	FORMAT_BIG_RATE,	/* 14.1k/s */
	FORMAT_BIG_PERCENT,	/* 12.5% */
};

bool		 format_big_known(const char *);
int		 format_big_width(const char *, int);
char		*format_big_row(const char *, int, int, bool, char *, size_t);
char		*format_big_figure(double, enum format_big_kind, int, bool,
		    char *, size_t);

#endif

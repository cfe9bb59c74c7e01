/* SPDX-License-Identifier: ISC */
/*
 * The code behind the numbers (the v key): the lines each task of a
 * scenario runs, per mode and variant, and the same in Go beside the
 * fibers.  The table is generated at build time from the marked blocks of
 * the scenarios' sources and tests/go/lessons.go (src/tui/lessons.awk), so
 * it shows what this build runs.  Read-only data: any thread may call these.
 */
#ifndef CSW_CODE_H
#define CSW_CODE_H

#include <stdbool.h>
#include <stddef.h>

/* One marked block of source. */
struct code_lesson {
	const char	*scenario;
	const char	*modes;		/* "threads", "fibers", "threads,fibers" */
	int		 variant;	/* -1: both, 0: without b, 1: with b */
	const char	*lang;		/* "C" or "Go" */
	const char	*file;		/* from the top of the source tree */
	int		 line;		/* of its first line */
	const char	*text;		/* its lines, each ending in \n */
};

/* Every block of the table, in file order. */
const struct code_lesson *code_lessons_all(size_t *);
/*
 * The blocks in lang for a scenario in a mode ("threads" or "fibers", or
 * NULL: any mode) with or without the b variant, at most max in out: the
 * task bodies of both variants, the variant's own, then the helpers both
 * modes share.  Returns how many there are.
 */
size_t	code_lessons_for(const char *, const char *, bool, const char *,
	    const struct code_lesson **, size_t);

struct model;
struct view;

/* Draw the overlay over the panels (the loop thread, in tui_draw). */
void	code_draw(const struct model *, const struct view *);
/* How far the overlay scrolls now: its lines past the first screen. */
size_t	code_scroll_max(const struct model *, const struct view *);
/* Lines a page key scrolls by: a screen of the overlay but one. */
size_t	code_page(void);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The screen, for the program's faces (main, loop): ncurses set-up and
 * tear-down, the view's state, and drawing it from the model.  The view
 * reads the model only through its accessors and never touches the engine
 * or the sampler.  The panels' own interface is tui/panel.h, which only
 * src/tui/ includes (tests/layers.sh checks).
 * Every function is called from the loop thread.
 */
#ifndef CSW_TUI_H
#define CSW_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termkey.h>

#include "model/model.h"
#include "model/warn.h"
#include "tui/keymap.h"

/* What the view shows besides the model. */
struct view {
	bool		 help;		/* the help overlay is up */
	bool		 ascii;		/* no Unicode glyphs */
	bool		 heavy;		/* the theme asks for heavy bars */
	char		 message[160];	/* a transient line in the footer */
	uint64_t	 message_until;	/* CLOCK_MONOTONIC ns */
	const struct keymap *keymap;
	bool		 threads;	/* the thread table is up */
	bool		 latency;	/* the Latency panel is up */
	bool		 code;		/* the code overlay (v) is up */
	size_t		 code_top;	/* its first line on screen */
	uint64_t	 paused_ns;	/* z: the workload stopped since
					   (CLOCK_MONOTONIC ns); 0: runs */
	size_t		 thread_top;	/* its first row on screen */
	size_t		 tour_step;	/* the tour's step, 1-based; 0: none */
	char		 caption[400];	/* the tour's caption; "": the
					   scenario's own */
	bool		 big;		/* big figures instead of panels */
	bool		 replay;	/* a recording plays: no workload */
	bool		 attached;	/* -p: another process, no workload */
	char		 badge[96];	/* REPLAY or REC, right of the header */
	char		 badge_short[48];/* its short form, for a narrow
					   header; "": the badge itself */
	char		 scenarios[160];/* "1:pingpong 2:sleepers ...", for
					   the help: the loop fills it */
	struct warns	*warns;		/* the loop's, for the strip */
	/* The split view (c): the fibers side beside the model drawn,
	   which is then the threads side; NULL: one workload. */
	const struct model *peer;
};

struct tui_config {
	bool		 ascii;
	bool		 no_color;
	const char	*theme;
	const char	*theme_dir;
};

int	 tui_open(const struct tui_config *, TermKey **, char *, size_t,
	    char *, size_t);
void	 tui_theme_next(struct view *);
void	 tui_close(TermKey *);
void	 tui_resize(void);
bool	 tui_too_small(void);
void	 tui_suspend(void);
bool	 tui_heavy_bars(void);
struct theme;
const struct theme *tui_theme_current(void);
void	 tui_draw(const struct model *, const struct view *);
size_t	 tui_thread_rows(const struct model *, const struct view *);
void	 tui_message(struct view *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

/*
 * The screen: ncurses set-up and tear-down, the layout, and drawing the
 * panels from the model.  The view reads the model only through its
 * accessors and never touches the engine or the sampler.
 * Every function is called from the loop thread.
 */
#ifndef CSW_TUI_H
#define CSW_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termkey.h>

#include "model/model.h"
#include "tui/keymap.h"

#define TUI_MIN_COLS	80
#define TUI_MIN_LINES	24

/* What the view shows besides the model. */
struct view {
	bool		 help;		/* the help overlay is up */
	bool		 ascii;		/* no Unicode glyphs */
	bool		 heavy;		/* the theme asks for heavy bars */
	char		 message[160];	/* a transient line in the footer */
	uint64_t	 message_until;	/* CLOCK_MONOTONIC ns */
	const struct keymap *keymap;
	bool		 threads;	/* the thread table is up */
	size_t		 thread_top;	/* its first row on screen */
	size_t		 tour_step;	/* the tour's step, 1-based; 0: none */
	char		 caption[400];	/* the tour's caption; "": the
					   scenario's own */
	bool		 big;		/* big figures instead of panels */
	bool		 replay;	/* a recording plays: no workload */
	char		 badge[96];	/* REPLAY or REC, right of the header */
	char		 scenarios[160];/* "1:pingpong 2:sleepers ...", for
					   the help: the loop fills it */
};

/* A region of the screen. */
struct rect {
	int	y, x, h, w;
};

/* One panel: a small vtable, like htop's meters. */
struct panel_ops {
	const char	*name;
	void		 (*draw)(const struct rect *, const struct model *,
			    const struct view *);
};

extern const struct panel_ops	panel_header;
extern const struct panel_ops	panel_switches;
extern const struct panel_ops	panel_memory;
extern const struct panel_ops	panel_runqueue;
extern const struct panel_ops	panel_threads;
extern const struct panel_ops	panel_big;

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
void	 tui_suspend(void);
bool	 tui_heavy_bars(void);
void	 tui_draw(const struct model *, const struct view *);
size_t	 tui_thread_rows(const struct model *, const struct view *);
void	 tui_message(struct view *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* How a figure reads. */
enum figure_kind {
	FIG_RATE,	/* 12.3k/s */
	FIG_BYTES,	/* 8.00 MiB */
	FIG_COUNT,	/* 12 */
	FIG_NS,		/* 7.91 µs */
	FIG_RATIO,	/* 1.01 */
	FIG_PERCENT,	/* 12.5% */
	FIG_MS,		/* a series in ms, shown as 7.91 ms or 310 µs */
};

/* One labelled figure of a panel, for tables of them. */
struct figure {
	const char		*label;
	enum model_series	 series;
	enum figure_kind	 kind;
	const char		*source;
};

/*
 * The three headline figures of a scenario, for the big figures (f): one
 * row per scenario, found by name; the row without a name serves the rest.
 * The kind gives the unit, drawn in big type with the number.
 */
struct headline_figure {
	const char		*label;
	enum model_series	 series;
	enum figure_kind	 kind;
};

struct headline {
	const char		*scenario;
	struct headline_figure	 fig[3];
};

const struct headline	*headline_for(const char *);

/*
 * A part of a line drawn by draw_parts: its forms, longest first; an
 * empty form leaves the part out.  When the line is too wide, the step
 * with the lowest prio is taken first: prio[k] is what taking form k + 1
 * instead of form k costs.
 */
#define DRAW_FORMS	4
#define DRAW_PARTS_MAX	16
struct draw_part {
	const char	*form[DRAW_FORMS];	/* NULL ends the list */
	int		 prio[DRAW_FORMS - 1];
};

/* Drawing helpers shared by the panels (tui/draw.c). */
void	 figure_format(const struct model *, enum model_series,
	    enum figure_kind, bool, char *, size_t);
void	 figure_format_short(const struct model *, enum model_series,
	    enum figure_kind, bool, char *, size_t);
size_t	 draw_fit(const char *, int);
int	 draw_words(int, int, int, int, const char *);
int	 draw_parts(int, int, int, int, const struct draw_part *, size_t,
	    const char *);
bool	 draw_field_fits(int, int, int, const char *, const char *);
void	 draw_words_open(const char *);
void	 draw_words_frame(void);
void	 draw_figures(int *, int, int, int, int, const struct figure *,
	    size_t, const struct model *, bool);
int	 draw_width(const char *);
void	 draw_box(const struct rect *, const char *, const char *);
void	 draw_text(int, int, int, int, const char *);
int	 draw_field(int, int, int, int, int, const char *, const char *,
	    const char *);
void	 draw_graph(const struct rect *, const struct model *,
	    enum model_series, enum model_series, int, int, bool);
void	 draw_graph_legend(const struct rect *, int, const char *, int,
	    const char *, bool);
void	 draw_ratio_bar(int, int, int, double, int, const struct view *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * Inside the screen: the panels' vtable, the regions they draw in, the
 * tables of figures and headlines, and the drawing helpers they share
 * (tui/draw.c).  Only src/tui/ includes this header (tests/layers.sh
 * checks); the program's faces use tui/tui.h.
 * Every function is called from the loop thread.
 */
#ifndef CSW_PANEL_H
#define CSW_PANEL_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "tui/tui.h"

/* The smallest terminal the panels fit in. */
#define TUI_MIN_COLS	80
#define TUI_MIN_LINES	24
/* The split view shows each side's panels from this size on. */
#define TUI_SPLIT_COLS	160
#define TUI_SPLIT_LINES	40

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
extern const struct panel_ops	panel_latency;
extern const struct panel_ops	panel_big;
extern const struct panel_ops	panel_compare;

/* The lines the wide split view gives Side by side: its headline rows. */
int	 compare_headline_lines(void);
/* Whether CPU and switches per unit of work are shown for a scenario. */
bool	 switches_per_unit(const char *);

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
bool	 draw_why_expected(const char *);
void	 draw_graph(const struct rect *, const struct model *,
	    enum model_series, enum model_series, int, int, bool);
void	 draw_graph_share(const struct model *);
void	 draw_graph_legend(const struct rect *, int, const char *, int,
	    const char *, bool);
void	 draw_ratio_bar(int, int, int, double, int, const struct view *);

#endif

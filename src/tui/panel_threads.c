/* SPDX-License-Identifier: ISC */
/*
 * The Threads table: one row per OS thread of the process, from
 * /proc/self/task/TID/{stat,status,schedstat}, with the engine threads'
 * stacks.  Rates are over the measured interval; "-" is not known (no rate
 * yet, or a thread whose stack the engine does not own).
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"

/* A column: heading with its unit, width, and which goes first when narrow. */
struct threads_col {
	const char	*head;
	int		 width;
	int		 drop;		/* higher drops first; 0 never */
	bool		 left;		/* text: aligned left */
};

static const struct threads_col threads_cols[MT_COUNT] = {
	[MT_TID] = { "TID", 7, 0, false },
	[MT_NAME] = { "name", 15, 0, true },
	[MT_STATE] = { "S", 1, 3, true },
	[MT_CPU] = { "CPU", 3, 4, false },
	[MT_VCSW] = { "vol/s", 7, 0, false },
	[MT_IVCSW] = { "invol/s", 7, 1, false },
	[MT_WAIT] = { "wait ms/s", 9, 2, false },
	[MT_STK_RES] = { "stk res", 8, 6, false },
	[MT_STK_COM] = { "stk com", 8, 5, false },
};

static const char *threads_col_names[MT_COUNT] = {
	"TID", "name", "state", "CPU", "vol/s", "invol/s", "wait ms/s",
	"stk res", "stk com"
};

/* Choose the columns that fit in w, dropping the least important. */
static void
threads_fit(int w, bool shown[MT_COUNT])
{
	int	i, used, worst, level;

	for (i = 0; i < MT_COUNT; i++)
		shown[i] = true;
	for (;;) {
		used = 0;
		for (i = 0; i < MT_COUNT; i++)
			used += shown[i] ? threads_cols[i].width + 1 : 0;
		if (used - 1 <= w)
			return;
		worst = -1;
		level = 0;
		for (i = 0; i < MT_COUNT; i++) {
			if (shown[i] && threads_cols[i].drop > level) {
				level = threads_cols[i].drop;
				worst = i;
			}
		}
		if (worst < 0)
			return;
		shown[worst] = false;
	}
}

/* Write one cell of a row; "-" when it is not known. */
static void
threads_cell(const struct model_thread *t, enum model_tcol col, char *buf,
    size_t len)
{
	double	v = NAN;

	switch (col) {
	case MT_TID:
		snprintf(buf, len, "%d", t->tid);
		return;
	case MT_NAME:
		snprintf(buf, len, "%s", t->name);
		return;
	case MT_STATE:
		snprintf(buf, len, "%c", t->state);
		return;
	case MT_CPU:
		snprintf(buf, len, "%d", t->cpu);
		return;
	case MT_VCSW:
		v = t->vcsw;
		break;
	case MT_IVCSW:
		v = t->ivcsw;
		break;
	case MT_WAIT:
		v = t->wait_ms;
		if (!isnan(v) && v < 1000) {
			snprintf(buf, len, "%.1f", v);
			return;
		}
		break;
	case MT_STK_RES:
	case MT_STK_COM:
		v = col == MT_STK_RES ? t->stk_res : t->stk_com;
		if (isnan(v))
			break;
		format_bytes(v, buf, len);
		return;
	default:
		break;
	}
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		format_count(v, buf, len);
}

/* Draw the panel. */
static void
threads_draw(const struct rect *r, const struct model *m,
    const struct view *v)
{
	const struct model_thread	*t;
	bool				 shown[MT_COUNT], rev, capped;
	enum model_tcol			 key = model_threads_key(m, &rev);
	size_t				 n = model_threads_len(m), listed;
	size_t				 top = v->thread_top, rows, i;
	char				 title[96], note[96], cell[FORMAT_LEN];
	char				 line[512];
	int				 x0 = r->x + 2, w = r->w - 4, x, y, c;
	int				 role;

	rows = r->h > 3 ? (size_t)(r->h - 3) : 0;
	if (n <= rows)
		top = 0;
	else if (top > n - rows)
		top = n - rows;
	/*
	 * The kernel's count: the rows grow while the first rotation lists
	 * the threads, a count that would creep while nothing changes.
	 */
	capped = model_threads_capped(m, &listed);
	if (listed > n && !capped)
		snprintf(title, sizeof title, "Threads %zu, %zu listed so far, "
		    "by %s %s", listed, n, threads_col_names[key],
		    (key <= MT_CPU) != rev ? "rising" : "falling");
	else
		snprintf(title, sizeof title, "Threads %zu, by %s %s",
		    listed > n ? listed : n, threads_col_names[key],
		    (key <= MT_CPU) != rev ? "rising" : "falling");
	if (capped)
		snprintf(note, sizeof note, "capped: first %zu of %zu threads",
		    n, listed);
	else if (n > rows)
		snprintf(note, sizeof note, "rows %zu-%zu of %zu", top + 1,
		    top + rows, n);
	else
		note[0] = '\0';
	draw_box(r, title, note);

	threads_fit(w, shown);
	x = x0;
	for (c = 0; c < MT_COUNT; c++) {
		if (!shown[c])
			continue;
		snprintf(line, sizeof line, threads_cols[c].left ? "%-*s" :
		    "%*s", threads_cols[c].width, threads_cols[c].head);
		draw_text(r->y + 1, x, threads_cols[c].width, (int)c ==
		    (int)key ? THEME_TITLE : THEME_LABEL, line);
		x += threads_cols[c].width + 1;
	}
	if (n == 0) {
		draw_text(r->y + 2, x0, w, THEME_DIM, "reading "
		    "/proc/self/task: rows appear after one sample, rates "
		    "after two");
		return;
	}
	for (i = 0; i < rows && top + i < n; i++) {
		t = model_thread_at(m, top + i);
		y = r->y + 2 + (int)i;
		x = x0;
		for (c = 0; c < MT_COUNT; c++) {
			if (!shown[c])
				continue;
			threads_cell(t, (enum model_tcol)c, cell, sizeof cell);
			snprintf(line, sizeof line, threads_cols[c].left ?
			    "%-*.*s" : "%*.*s", threads_cols[c].width,
			    threads_cols[c].width, cell);
			role = c == MT_NAME ? THEME_LABEL : strcmp(cell, "-") ==
			    0 ? THEME_DIM : THEME_VALUE;
			draw_text(y, x, threads_cols[c].width, role, line);
			x += threads_cols[c].width + 1;
		}
	}
}

const struct panel_ops panel_threads = {
	.name = "threads",
	.draw = threads_draw,
};

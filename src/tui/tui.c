/* SPDX-License-Identifier: ISC */
/*
 * Screen set-up and tear-down, layout, caption, footer and help overlay.
 */
#include <curses.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "tui/code.h"
#include "tui/format.h"
#include "tui/panel.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/tui.h"
#include "util/util.h"

static struct theme	 tui_theme;
static char		 tui_theme_name[THEME_NAME_MAX];
static const char	*tui_theme_dir;
static bool		 tui_no_color;

/* Append a terminfo capability to the sequence that leaves the screen. */
static void
tui_leave_cap(char *seq, size_t len, const char *cap)
{
	char	*s = tigetstr(cap);

	if (s != NULL && s != (char *)-1 && strlen(seq) + strlen(s) < len)
		strcat(seq, s);
}

/* Start curses, colours, the theme and libtermkey. */
int
tui_open(const struct tui_config *cfg, TermKey **tkp, char *warn,
    size_t warnlen, char *err, size_t errlen)
{
	char	 seq[256] = "";
	TermKey		*tk;
	SCREEN		*scr;
	const char	*term;
	char		*cup, *smcup, *rmcup, smcup0 = 0, rmcup0 = 0;
	char		 terr[256];

	if (term_save(STDIN_FILENO) != 0) {
		snprintf(err, errlen, "cannot read the terminal's modes: %s",
		    strerror(errno));
		return (-1);
	}
	/* A broken theme is not fatal: say so and keep the default. */
	tui_theme = *theme_builtin("default");
	tui_theme_dir = cfg->theme_dir;
	tui_no_color = cfg->no_color;
	snprintf(tui_theme_name, sizeof tui_theme_name, "%s",
	    cfg->theme ? cfg->theme : "default");
	warn[0] = '\0';
	if (theme_load(tui_theme_name, tui_theme_dir, &tui_theme, terr,
	    sizeof terr) != 0)
		snprintf(warn, warnlen, "%s; using the default theme", terr);
	draw_words_open(getenv("CSWVIZ_WORDS"));
	term = getenv("TERM");
	if (term == NULL || *term == '\0') {
		snprintf(err, errlen, "TERM is not set: cswviz needs to know "
		    "the terminal (for example TERM=xterm-256color)");
		return (-1);
	}
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(err, errlen, "cannot start curses on terminal '%s'",
		    term);
		return (-1);
	}
	/* A full screen needs a cursor that can be moved anywhere. */
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		endwin();
		delscreen(scr);
		snprintf(err, errlen, "terminal '%s' cannot move the cursor, "
		    "and the live screen needs that (--batch prints samples "
		    "without it)", term);
		return (-1);
	}
	/*
	 * Until a screen has once been suspended and resumed, ncurses 6.4
	 * takes it for a bare terminfo user and flushes after every cursor
	 * motion: a redraw went out as dozens of write(2)s, and a terminal
	 * could show half a frame.  One endwin()/refresh() cycle now, before
	 * anything is drawn, makes every refresh() one write.  The cycle
	 * would leave the alternate screen newterm entered and come back,
	 * flashing the shell between the two, so rmcup and smcup are empty
	 * strings for it: ncurses reads them from the terminal's string
	 * table, which tigetstr points into.
	 */
	smcup = tigetstr("smcup");
	rmcup = tigetstr("rmcup");
	if (smcup == (char *)-1)
		smcup = NULL;
	if (rmcup == (char *)-1)
		rmcup = NULL;
	if (smcup != NULL) {
		smcup0 = smcup[0];
		smcup[0] = '\0';
	}
	if (rmcup != NULL) {
		rmcup0 = rmcup[0];
		rmcup[0] = '\0';
	}
	endwin();
	refresh();
	if (smcup != NULL)
		smcup[0] = smcup0;
	if (rmcup != NULL)
		rmcup[0] = rmcup0;
	tui_leave_cap(seq, sizeof seq, "sgr0");
	tui_leave_cap(seq, sizeof seq, "cnorm");
	tui_leave_cap(seq, sizeof seq, "rmkx");
	tui_leave_cap(seq, sizeof seq, "rmcup");
	term_set_leave_sequence(seq);
	term_arm(1);
	term_install_crash_handlers();

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	curs_set(0);
	theme_apply(&tui_theme, cfg->no_color);
	wbkgdset(stdscr, theme_attr(THEME_NORMAL) | ' ');

	/* curses owns the terminal modes; termkey only decodes keys. */
	tk = termkey_new(STDIN_FILENO, TERMKEY_FLAG_NOTERMIOS);
	if (tk == NULL) {
		tui_close(NULL);
		snprintf(err, errlen, "libtermkey: cannot read keys from this "
		    "terminal");
		return (-1);
	}
	*tkp = tk;
	return (0);
}

/* Stop libtermkey and curses and give the terminal back as it was. */
void
tui_close(TermKey *tk)
{
	if (tk != NULL)
		termkey_destroy(tk);
	if (!isendwin()) {
		attrset(A_NORMAL);
		curs_set(1);
		endwin();
	}
	term_restore();
}

/* Switch to the next theme on the search path; a message says which. */
void
tui_theme_next(struct view *v)
{
	char		**names, err[256];
	size_t		  n;
	const char	 *next;
	struct theme	  t;

	if (theme_list(tui_theme_dir, &names, &n) != 0 || n == 0) {
		tui_message(v, "no themes found");
		return;
	}
	next = theme_list_next(names, n, tui_theme_name);
	/* Move past a broken file on the next press too. */
	snprintf(tui_theme_name, sizeof tui_theme_name, "%s", next);
	theme_list_free(names, n);
	if (theme_load(tui_theme_name, tui_theme_dir, &t, err,
	    sizeof err) != 0) {
		tui_message(v, "%s", err);
		return;
	}
	tui_theme = t;
	theme_apply(&tui_theme, tui_no_color);
	wbkgdset(stdscr, theme_attr(THEME_NORMAL) | ' ');
	clearok(curscr, TRUE);
	v->heavy = theme_heavy_bars(&tui_theme);
	tui_message(v, "theme %s%s", tui_theme_name, tui_no_color ?
	    " (NO_COLOR: attributes only)" : "");
}

/* The theme on the screen, for a figure in the same colours. */
const struct theme *
tui_theme_current(void)
{
	return (&tui_theme);
}

/* Whether the theme wants heavy bars. */
bool
tui_heavy_bars(void)
{
	return (theme_heavy_bars(&tui_theme));
}

/* Take the terminal's new size. */
void
tui_resize(void)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/*
 * Ctrl-Z: give the terminal back, stop, and take it again on fg.  The loop
 * owns SIGTSTP (see loop_signals_init), so this is ncurses's own suspend,
 * run from the loop rather than from a handler.
 */
void
tui_suspend(void)
{
	struct sigaction	sa, old;

	endwin();
	term_arm(0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTSTP, &sa, &old) == 0) {
		raise(SIGTSTP);		/* stops here until SIGCONT */
		sigaction(SIGTSTP, &old, NULL);
	}
	/* Keep what the user changed in the shell's modes while stopped. */
	def_shell_mode();
	term_arm(1);
	tui_resize();			/* the next refresh() resumes curses */
}

/* Set a footer message for a few seconds. */
void
tui_message(struct view *v, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(v->message, sizeof v->message, fmt, ap);
	va_end(ap);
	v->message_until = util_now_ns() + 4000000000u;
}

/* The help overlay, built from the keymap table. */
static void
tui_draw_help(const struct view *v)
{
	const struct keymap_entry	*t;
	struct rect			 r;
	size_t				 n, i, rows = 0;
	char				 keys[64];
	int				 y, x, cols, per, cw, k;

	t = keymap_table(&n);
	for (i = 0; i < n; i++)
		rows += t[i].help != NULL;
	/* One column if it fits the height, else two side by side. */
	cols = (int)rows + 6 <= LINES - 2 ? 1 : 2;
	per = ((int)rows + cols - 1) / cols;
	/* At least as wide as the line of scenario names, which is not cut
	   (7:leak was lost at 72 columns). */
	r.w = cols == 1 ? 72 : 120;
	if (r.w < draw_width(v->scenarios) + 8)
		r.w = draw_width(v->scenarios) + 8;
	if (r.w > COLS - 4)
		r.w = COLS - 4;
	r.h = per + 7;
	if (r.h > LINES - 2)
		r.h = LINES - 2;
	r.y = (LINES - r.h) / 2;
	r.x = (COLS - r.w) / 2;
	cw = (r.w - 4) / cols;
	attrset(theme_attr(THEME_HELP));
	for (y = r.y; y < r.y + r.h; y++)
		mvhline(y, r.x, ' ', r.w);
	draw_box(&r, "Keys", "? or Escape closes");
	y = r.y + 2;
	x = r.x + 2;
	for (i = 0, k = 0; i < n; i++) {
		if (t[i].help == NULL)
			continue;
		if (k++ == per) {	/* the second column */
			y = r.y + 2;
			x += cw;
		}
		if (y >= r.y + r.h - 2)
			continue;
		if (t[i].action == ACTION_SCENARIO)
			snprintf(keys, sizeof keys, "1 ... 7");
		else
			keymap_keys_for(v->keymap, t[i].action, keys,
			    sizeof keys);
		draw_text(y, x + 1, 9, THEME_HELP_KEY, keys);
		draw_text(y, x + 11, cw - 12, THEME_HELP, t[i].help);
		y++;
	}
	/* The names the digits pick, as the loop put them in the view. */
	draw_words(r.y + r.h - 2, r.x + 3, r.w - 6, THEME_DIM, v->scenarios);
	/* The header's one letter. */
	draw_words(r.y + r.h - 3, r.x + 3, r.w - 6, THEME_DIM, "P: worker "
	    "threads that run the fibers, or a b pool's size");
}

/* Text word-wrapped over n lines from y, in role. */
static void
tui_draw_wrapped(int y, int n, int role, const char *text)
{
	const char	*p = text, *cut;
	int		 w = COLS - 2, len;
	char		 buf[256];

	while (n-- > 0 && *p != '\0') {
		len = (int)strlen(p);
		if (len > w && n > 0) {
			for (cut = p + w; cut > p && *cut != ' '; cut--)
				;
			if (cut > p)
				len = (int)(cut - p);
		}
		snprintf(buf, sizeof buf, "%.*s", len, p);
		/* The last line drops whole words that do not fit. */
		draw_words(y++, 1, w, role, buf);
		p += len;
		while (*p == ' ')
			p++;
	}
}

/*
 * The footer's key hints: each shows whole or not at all; when the line is
 * narrow, the lowest prio goes first (q quit and ? help stay).
 */
static const struct draw_part tui_hints_live[] = {
	{ { "? help", "" }, { 9 } },
	{ { "1-7 scenario", "" }, { 8 } },
	{ { "m threads/fibers", "" }, { 8 } },
	{ { "b variant", "" }, { 7 } },
	{ { "+ - tasks", "" }, { 6 } },
	{ { "] [ workers", "" }, { 3 } },
	{ { "s stack", "" }, { 2 } },
	{ { "f big figures", "" }, { 1 } },
	{ { "H threads", "" }, { 4 } },
	{ { "q quit", NULL }, { 10 } },
};
static const struct draw_part tui_hints_table[] = {
	{ { "? help", "" }, { 9 } },
	{ { "H hide table", "" }, { 8 } },
	{ { "< > sort", "" }, { 6 } },
	{ { "I invert", "" }, { 4 } },
	{ { "arrows scroll", "" }, { 5 } },
	{ { "q quit", NULL }, { 10 } },
};
static const struct draw_part tui_hints_replay[] = {
	{ { "? help", "" }, { 9 } },
	{ { "space pause", "" }, { 8 } },
	{ { "j l 10 s", "" }, { 7 } },
	{ { "J L change", "" }, { 7 } },
	{ { "0 start", "" }, { 6 } },
	{ { "o loop", "" }, { 6 } },
	{ { ". step", "" }, { 5 } },
	{ { "{ } speed", "" }, { 4 } },
	{ { "q quit", NULL }, { 10 } },
};
static const struct draw_part tui_hints_attached[] = {
	{ { "? help", "" }, { 9 } },
	{ { "H threads", "" }, { 8 } },
	{ { "f big figures", "" }, { 6 } },
	{ { "d interval", "" }, { 5 } },
	{ { "space freeze", "" }, { 4 } },
	{ { "q quit", NULL }, { 10 } },
};
static const struct draw_part tui_hints_frozen[] = {
	{ { "FROZEN: space resumes", NULL }, { 10 } },
	{ { "? help", "" }, { 8 } },
	{ { "q quit", NULL }, { 9 } },
};

/* A row of key hints, three spaces apart, or two when that keeps one. */
static void
tui_draw_hints(int y, const struct draw_part *h, size_t n)
{
	char	line[256];
	size_t	i, len = 0;

	for (i = 0; i < n; i++)
		len += (size_t)snprintf(line + len, len < sizeof line ?
		    sizeof line - len : 0, "%s%s", i ? "   " : "", h[i].form[0]);
	/* A space of the key role either side, as a bar. */
	len = (size_t)draw_parts(y, 2, COLS - 4, THEME_KEY, h, n,
	    draw_width(line) <= COLS - 4 ? "   " : "  ");
	draw_text(y, 1, 1, THEME_KEY, " ");
	draw_text(y, 2 + (int)len, 1, THEME_KEY, " ");
}

/* How long an ended warning stays in the strip, seconds of samples. */
#define TUI_WARN_LINGER_S	20.0

/* A time since the session began as m:ss. */
static void
tui_clock(double s, char *buf, size_t len)
{
	long	t = isnan(s) || s < 0 ? 0 : (long)s;

	snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/*
 * The warnings strip, in the footer's line so that no panel moves: the
 * newest warning on, with when it began and how many more are on; else
 * the last one that ended, for a while, with when it began and ended.
 * Returns false when there is nothing to show.
 */
static bool
tui_draw_warns(int y, const struct model *m, const struct warns *w)
{
	const struct warn_rule	*rules;
	char			 line[WARN_TEXTLEN + 96], b[32], e[32];
	double			 now = model_elapsed_s(m), last = -1;
	size_t			 n;
	int			 i, id = -1, more = 0, x;

	if (w == NULL)
		return (false);
	rules = warn_table(&n);
	if (w->newest >= 0 && w->active[w->newest])
		id = w->newest;
	for (i = 0; i < WARN_COUNT; i++) {
		if (!w->active[i])
			continue;
		if (id < 0)
			id = i;
		more += i != id;
	}
	if (id >= 0) {
		tui_clock(w->began[id], b, sizeof b);
		if (more)
			snprintf(line, sizeof line, " ! %s %s +%d ",
			    rules[id].name, b, more);
		else
			snprintf(line, sizeof line, " ! %s %s ",
			    rules[id].name, b);
		x = 1 + draw_words(y, 1, COLS - 2, THEME_PAUSED, line);
		draw_words(y, x + 1, COLS - 2 - x, THEME_WARN, w->text[id]);
		return (true);
	}
	for (i = 0; i < WARN_COUNT; i++) {
		if (!isnan(w->ended[i]) && w->ended[i] > last) {
			last = w->ended[i];
			id = i;
		}
	}
	if (id < 0 || now - last > TUI_WARN_LINGER_S || now < last)
		return (false);
	tui_clock(w->began[id], b, sizeof b);
	tui_clock(w->ended[id], e, sizeof e);
	snprintf(line, sizeof line, "%s was on %s-%s, ended: %s",
	    rules[id].name, b, e, w->text[id]);
	draw_words(y, 1, COLS - 2, THEME_NORMAL, line);
	return (true);
}

/*
 * The footer: a message, or the keys.  A message too long for one line
 * takes the caption's place, all caption lines of it (caption lines above
 * the footer), so that the caption's first line and the message do not
 * read as one sentence.
 */
static void
tui_draw_footer(const struct model *m, const struct view *v, int caption)
{
	int	y = LINES - 1, i;

	attrset(theme_attr(THEME_NORMAL));
	mvhline(y, 0, ' ', COLS);
	if (v->message[0] != '\0' && util_now_ns() < v->message_until) {
		if (draw_width(v->message) > COLS - 2) {
			attrset(theme_attr(THEME_NORMAL));
			for (i = 1; i <= (caption > 1 ? caption : 1); i++)
				mvhline(y - i, 0, ' ', COLS);
			tui_draw_wrapped(y - 1, 2, THEME_WARN, v->message);
		} else
			draw_text(y, 1, COLS - 2, THEME_WARN, v->message);
		return;
	}
	if (model_frozen(m))
		tui_draw_hints(y, tui_hints_frozen,
		    CSW_ARRAY_LEN(tui_hints_frozen));
	else if (tui_draw_warns(y, m, v->warns))
		return;
	else if (v->replay)
		tui_draw_hints(y, tui_hints_replay,
		    CSW_ARRAY_LEN(tui_hints_replay));
	else if (v->threads)
		tui_draw_hints(y, tui_hints_table,
		    CSW_ARRAY_LEN(tui_hints_table));
	else if (v->attached)
		tui_draw_hints(y, tui_hints_attached,
		    CSW_ARRAY_LEN(tui_hints_attached));
	else
		tui_draw_hints(y, tui_hints_live,
		    CSW_ARRAY_LEN(tui_hints_live));
}

/* The caption: the tour's step, or what the scenario says to watch. */
static const char *
tui_caption(const struct model *m, const struct view *v)
{
	const struct sample	*s = model_last(m);
	static char		 held[256];
	uint64_t		 t;

	if (v != NULL && v->paused_ns != 0) {
		t = (util_now_ns() - v->paused_ns) / 1000000000u;
		snprintf(held, sizeof held, "The workload is paused (%lu:%02lu, "
		    "z goes on): all its threads are stopped, so nothing runs "
		    "or counts. The figures are the last ones measured before "
		    "the pause.", (unsigned long)(t / 60),
		    (unsigned long)(t % 60));
		return (held);
	}
	if (v != NULL && v->caption[0] != '\0')
		return (v->caption);
	return (s != NULL ? s->caption : NULL);
}

/* How many lines text takes word-wrapped to the screen, up to max. */
static int
tui_wrapped_lines(const char *text, int max)
{
	const char	*p = text, *cut;
	int		 w = COLS - 2, n = 0, len;

	while (*p != '\0' && n < max) {
		len = (int)strlen(p);
		if (len > w) {
			for (cut = p + w; cut > p && *cut != ' '; cut--)
				;
			len = cut > p ? (int)(cut - p) : w;
		}
		p += len;
		while (*p == ' ')
			p++;
		n++;
	}
	return (n);
}

/* Lay out the caption's extra lines, the body and the upper panel. */
static void
tui_layout(const struct model *m, const struct view *v, int *caption_extra,
    int *body, int *top)
{
	const char	*cap = tui_caption(m, v);

	/* A long caption takes two lines, or three. */
	*caption_extra = cap == NULL ? 0 : tui_wrapped_lines(cap,
	    3) - 1;
	if (*caption_extra < 0)
		*caption_extra = 0;
	*body = LINES - 3 - *caption_extra;
	*top = *body * 55 / 100;
	if (*top < 10)
		*top = 10;
}

/* Count the rows of the thread table that fit on the screen now. */
size_t
tui_thread_rows(const struct model *m, const struct view *v)
{
	int	caption_extra, body, top, rows;

	tui_layout(m, v, &caption_extra, &body, &top);
	rows = body - top - 3;	/* the box and the column heads */
	return (rows > 1 ? (size_t)rows : 1);
}

/* Whether the terminal is below the smallest screen cswviz draws. */
bool
tui_too_small(void)
{
	return (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES);
}

/* The split view's lower panels on one side: as the screen's, in w. */
static void
tui_draw_side(const struct rect *area, const struct model *m,
    const struct view *v)
{
	struct rect	r = *area;
	int		top = area->h * 55 / 100;

	r.h = top;
	panel_switches.draw(&r, m, v);
	r.y = area->y + top;
	r.h = area->h - top;
	r.w = area->w / 2;
	panel_memory.draw(&r, m, v);
	r.x = area->x + area->w / 2;
	r.w = area->w - area->w / 2;
	panel_runqueue.draw(&r, m, v);
}

/*
 * The split view: each side's header over its half; then the figures of
 * both with their ratios.  From TUI_SPLIT_COLS columns (and lines enough)
 * the headline rows go on top and each side's panels below them, as on an
 * 80-column screen; narrower, the figures take the whole body, no graphs.
 * The Latency panel (a) is drawn once a side, one above the other: its
 * axis is fixed, so the two histograms line up column for column.
 */
static void
tui_draw_compare(const struct model *m, const struct view *v, int body,
    int caption_extra)
{
	struct rect	r;
	int		half = COLS / 2, head;

	r.y = 0;
	r.h = 1;
	r.x = 0;
	r.w = half - 2;	/* a gap, or the two headers read as one */
	panel_header.draw(&r, m, v);
	r.x = half;
	r.w = COLS - half;
	panel_header.draw(&r, v->peer, v);
	r.y = 1;
	r.x = 0;
	r.w = COLS;
	if (v->latency) {
		/* One above the other: the same axis, column for column. */
		r.h = body / 2;
		panel_latency.draw(&r, m, v);
		r.y = 1 + body / 2;
		r.h = body - body / 2;
		panel_latency.draw(&r, v->peer, v);
	} else if (COLS < TUI_SPLIT_COLS || LINES < TUI_SPLIT_LINES) {
		r.h = body;
		panel_compare.draw(&r, m, v);
	} else {
		head = compare_headline_lines();
		r.h = head;
		panel_compare.draw(&r, m, v);
		r.y = 1 + head;
		r.h = body - head;
		r.w = half;
		/* One scale a graph for both sides: they compare by height. */
		draw_graph_share(v->peer);
		tui_draw_side(&r, m, v);
		r.x = half;
		r.w = COLS - half;
		draw_graph_share(m);
		tui_draw_side(&r, v->peer, v);
		draw_graph_share(NULL);
	}
	(void)caption_extra;
}

/* Draw everything from the model. */
void
tui_draw(const struct model *m, const struct view *v)
{
	struct rect		 r;
	char			 line[128];
	int			 body, top, caption_extra;

	erase();
	if (tui_too_small()) {
		snprintf(line, sizeof line, "cswviz needs %dx%d or more; this "
		    "terminal is %dx%d. q quits.", TUI_MIN_COLS, TUI_MIN_LINES,
		    COLS, LINES);
		if (draw_width(line) > COLS)
			snprintf(line, sizeof line, "need %dx%d, have %dx%d; q "
			    "quits", TUI_MIN_COLS, TUI_MIN_LINES, COLS, LINES);
		tui_draw_wrapped(0, LINES, THEME_WARN, line);
		draw_words_frame();
		refresh();
		return;
	}
	if (v->peer != NULL) {
		tui_layout(m, v, &caption_extra, &body, &top);
		tui_draw_compare(m, v, body, caption_extra);
		goto rest;
	}
	r.y = 0;
	r.x = 0;
	r.h = 1;
	r.w = COLS;
	panel_header.draw(&r, m, v);

	if (v->big) {
		/* The back row wants the figures, not the caption. */
		r.y = 1;
		r.h = LINES - 2;
		panel_big.draw(&r, m, v);
		tui_draw_footer(m, v, 0);
		if (v->code)
			code_draw(m, v);
		if (v->help)
			tui_draw_help(v);
		draw_words_frame();
		refresh();
		return;
	}
	tui_layout(m, v, &caption_extra, &body, &top);
	r.y = 1;
	r.h = top;
	panel_switches.draw(&r, m, v);

	r.y = 1 + top;
	r.h = body - top;
	if (v->threads)
		panel_threads.draw(&r, m, v);
	else if (v->latency)
		panel_latency.draw(&r, m, v);
	else {
		r.w = COLS / 2;
		panel_memory.draw(&r, m, v);
		r.x = COLS / 2;
		r.w = COLS - COLS / 2;
		panel_runqueue.draw(&r, m, v);
	}

rest:
	if (tui_caption(m, v) != NULL)
		tui_draw_wrapped(LINES - 2 - caption_extra, caption_extra + 1,
		    THEME_CAPTION, tui_caption(m, v));
	tui_draw_footer(m, v, tui_caption(m, v) != NULL ? caption_extra + 1 :
	    0);
	if (v->code)
		code_draw(m, v);
	if (v->help)
		tui_draw_help(v);
	draw_words_frame();
	refresh();
}

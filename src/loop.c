/* SPDX-License-Identifier: ISC */
/*
 * The event loop of the live screen: a tick brings a sample, the model
 * takes it and the screen redraws; a key becomes an action, and the loop
 * applies it to the engine, the sampler or the view.  Signals reach it
 * through a self-pipe, so the terminal is always restored here or in the
 * crash handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child/child.h"
#include "engine/engine.h"
#include "engine/limits.h"
#include "export.h"
#include "loop.h"
#include "model/model.h"
#include "model/warn.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "sampler/sampler.h"
#include "tui/code.h"
#include "tui/keymap.h"
#include "tour.h"
#include "tui/tui.h"
#include "util/util.h"

static int	loop_sigpipe[2] = { -1, -1 };

/* Turn a signal into a byte on the self-pipe. */
static void
loop_signal(int sig)
{
	unsigned char	b = (unsigned char)sig;
	int		saved = errno;
	ssize_t		n;

	n = write(loop_sigpipe[1], &b, 1);
	(void)n;
	errno = saved;
}

/*
 * Route the signals the loop handles through the self-pipe.  Called before
 * curses starts: ncurses then leaves these signals to us.  SIGTSTP above
 * all: with its own handler, ncurses 6.4 sets SIGTSTP to SIG_IGN and back
 * around every refresh(), and setting SIG_IGN makes the kernel walk every
 * thread of the process for pending signals, under a lock, with interrupts
 * off: milliseconds a redraw at 10,000 threads.  A SIGTSTP that a shell
 * without job control ignores stays ignored.
 */
static const int	 loop_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
			    SIGWINCH, SIGTSTP };
static struct sigaction	 loop_sigs_old[CSW_ARRAY_LEN(loop_sigs)];

int
loop_signals_init(void)
{
	struct sigaction	 sa;
	size_t			 i;

	if (pipe2(loop_sigpipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return (-1);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < CSW_ARRAY_LEN(loop_sigs); i++) {
		sigaction(loop_sigs[i], NULL, &loop_sigs_old[i]);
		if (loop_sigs[i] != SIGTSTP ||
		    loop_sigs_old[i].sa_handler != SIG_IGN)
			sigaction(loop_sigs[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	return (0);
}

/* Put the dispositions back as they were and close the self-pipe. */
void
loop_signals_done(void)
{
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(loop_sigs); i++)
		sigaction(loop_sigs[i], &loop_sigs_old[i], NULL);
	close(loop_sigpipe[0]);
	close(loop_sigpipe[1]);
	loop_sigpipe[0] = loop_sigpipe[1] = -1;
}

/* Size a stack for the footer: "64 KiB", "8 MiB". */
static void
loop_size(size_t bytes, char *buf, size_t len)
{
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		snprintf(buf, len, "%zu MiB", bytes >> 20);
	else
		snprintf(buf, len, "%zu KiB", bytes >> 10);
}

/* What an action may change: the workload, the sampler, the model, the view. */
struct loop_ctx {
	struct child		*e;	/* NULL in a replay */
	struct sampler		*sp;	/* NULL in a replay */
	struct model		*m;
	struct loop_tape	*tape;
	struct view		*v;
	const char		*figures;	/* the e key's folder */
	struct loop_peer	*peer;	/* the split view, or NULL */
	uint64_t		 settle_until;	/* after z: see below */
	bool			 gap;		/* the next sample starts anew */
};

/* The peer's child while the split view is on, else NULL. */
static struct child *
loop_peer_child(const struct loop_ctx *c)
{
	return (c->peer != NULL ? c->peer->e : NULL);
}

/* Ask each sampler for a sample now. */
static void
loop_kick(struct loop_ctx *c)
{
	if (c->sp != NULL)
		sampler_kick(c->sp);
	if (loop_peer_child(c) != NULL)
		sampler_kick(c->peer->sp);
}

/*
 * Multiply or divide the tasks by factor (2: + and -, 10: * and /); the
 * control thread ramps in the background.  A division that would fall
 * below the scenario's unit goes to the unit, once.
 */
static void
loop_apply_tasks(struct child *e, struct view *v, bool up, long factor)
{
	struct engine_config	cfg;
	struct engine_snapshot	snap;
	long			want, max = child_tasks_max(e);
	char			n[32];

	child_config_get(e, &cfg);
	child_snapshot(e, &snap);
	want = up ? (cfg.tasks > max / factor ? max + 1 : cfg.tasks * factor) :
	    cfg.tasks / factor;
	if (want > max)
		want = max;
	want -= want % (snap.tasks_per_unit > 0 ? snap.tasks_per_unit : 1);
	if (!up && want < snap.tasks_per_unit && cfg.tasks >
	    snap.tasks_per_unit)
		want = snap.tasks_per_unit;
	if (want < snap.tasks_per_unit) {
		tui_message(v, "%s runs at least %ld tasks", cfg.scenario,
		    snap.tasks_per_unit);
		return;
	}
	/* At the top already: say so, not "growing to" what runs now. */
	if (up && want <= cfg.tasks) {
		limits_format_count(cfg.tasks, n, sizeof n);
		tui_message(v, "capped at %s tasks: the most %s runs", n,
		    cfg.scenario);
		return;
	}
	cfg.tasks = want;
	child_request(e, &cfg);
	limits_format_count(want, n, sizeof n);
	tui_message(v, "%s %s tasks...", up ? "growing to" :
	    "stopping down to", n);
}

/* Switch the scenario between threads and fibers, knobs kept. */
static void
loop_apply_mode(struct child *e, struct view *v)
{
	struct engine_config	cfg;

	child_config_get(e, &cfg);
	cfg.mode = cfg.mode == ENGINE_THREADS ? ENGINE_FIBERS :
	    ENGINE_THREADS;
	child_request(e, &cfg);
	tui_message(v, "switching %ld tasks to %s...", cfg.tasks,
	    engine_mode_name(cfg.mode));
}

/* Pick the scenario a digit key names, with its default tasks. */
static void
loop_apply_scenario(struct child *e, struct view *v, const TermKeyKey *key)
{
	struct engine_config		cfg;
	struct engine_scenario_info	info;
	long				n = -1;

	if (key != NULL && key->type == TERMKEY_TYPE_UNICODE)
		n = key->code.codepoint - '1';
	if (n < 0 || engine_scenario((size_t)n, &info) != 0) {
		tui_message(v, "there is no scenario %ld", n + 1);
		return;
	}
	child_config_get(e, &cfg);
	cfg.scenario = info.name;
	cfg.tasks = info.default_tasks;
	cfg.variant = false;
	child_request(e, &cfg);
	tui_message(v, "%ld %s: %s", n + 1, info.name, info.summary);
}

/* One worker more or fewer, within 1..256. */
static void
loop_apply_workers(struct child *e, struct view *v, bool up)
{
	struct engine_config	cfg;
	struct engine_snapshot	snap;
	int			p;

	child_config_get(e, &cfg);
	child_snapshot(e, &snap);
	p = cfg.workers > 0 ? cfg.workers : snap.workers_knob;
	if ((up && p >= CSW_WORKERS_MAX) || (!up && p <= 1)) {
		tui_message(v, "P runs from 1 to %d workers",
		    CSW_WORKERS_MAX);
		return;
	}
	cfg.workers = up ? p + 1 : p - 1;
	child_request(e, &cfg);
	/* Say what P does here, or that it does nothing. */
	if (cfg.mode == ENGINE_FIBERS)
		tui_message(v, "P=%d: %d worker thread%s run%s the fibers",
		    cfg.workers, cfg.workers, cfg.workers == 1 ? "" : "s",
		    cfg.workers == 1 ? "s" : "");
	else if (engine_workers_used(&cfg))
		tui_message(v, "P=%d sizes the b variant: %s", cfg.workers,
		    snap.variant_name != NULL ? snap.variant_name : "b");
	else {
		cfg.variant = true;	/* would b use it? */
		tui_message(v, "P=%d changes nothing in threads %s: each task "
		    "is its own thread; fibers mode%s", cfg.workers,
		    cfg.scenario, engine_workers_used(&cfg) ? " and b use P" :
		    " uses P");
	}
}

/* Step the stack size of the current mode. */
static void
loop_apply_stack(struct child *e, struct view *v)
{
	struct engine_config	cfg;
	char			buf[32];
	size_t			next;

	child_config_get(e, &cfg);
	next = engine_stack_next(cfg.mode, cfg.stack[cfg.mode]);
	cfg.stack[cfg.mode] = next;
	child_request(e, &cfg);
	if (next == 0)
		loop_size(engine_thread_stack_default(), buf, sizeof buf);
	else
		loop_size(next, buf, sizeof buf);
	tui_message(v, "restarting %ld tasks with %s%s stacks...", cfg.tasks,
	    buf, next == 0 ? " (RLIMIT_STACK)" : "");
}

/* Turn the scenario's b variant on or off. */
static void
loop_apply_variant(struct child *e, struct view *v)
{
	struct engine_config	cfg;
	struct engine_snapshot	snap;

	child_config_get(e, &cfg);
	child_snapshot(e, &snap);
	if (snap.variant_name == NULL) {
		tui_message(v, "%s has no b variant", cfg.scenario);
		return;
	}
	cfg.variant = !cfg.variant;
	child_request(e, &cfg);
	tui_message(v, "%s: %s %s", cfg.scenario, snap.variant_name,
	    cfg.variant ? "on" : "off");
}

/*
 * Ask a workload for a step of the tour: its scenario, tasks and variant,
 * and its mode unless the split view keeps one mode a side.
 */
static void
loop_tour_request(struct child *e, const struct tour_step *t, bool mode)
{
	struct engine_config	 cfg;

	child_config_get(e, &cfg);
	cfg.scenario = t->scenario;
	if (mode)
		cfg.mode = t->mode;
	cfg.tasks = t->tasks;
	cfg.variant = t->variant;
	child_request(e, &cfg);
}

/* Go to a step of the tour (1-based) and show its caption. */
static void
loop_tour_go(struct loop_ctx *c, size_t n)
{
	const struct tour_step	*t = tour_step(n - 1);
	struct view		*v = c->v;
	bool			 split = loop_peer_child(c) != NULL;

	if (t == NULL)
		return;
	/* A step side by side splits the screen; the others, one again. */
	if (t->compare && !split && c->peer != NULL && c->sp != NULL &&
	    loop_peer_start(c->peer, c->e, c->sp, v->message,
	    sizeof v->message) == 0) {
		v->peer = c->peer->m;
		model_reset(c->m);
		split = true;
	} else if (!t->compare && split) {
		loop_peer_stop(c->peer);
		v->peer = NULL;
		model_reset(c->m);
		split = false;
	}
	loop_tour_request(c->e, t, !split);
	if (split)
		loop_tour_request(c->peer->e, t, false);
	v->tour_step = n;
	snprintf(v->caption, sizeof v->caption, "Tour %zu/%zu, %s: %s", n,
	    tour_len(), t->title, t->caption);
	tui_message(v, "tour step %zu of %zu: %s %s%s (n next, p back)", n,
	    tour_len(), t->scenario, split ? "threads and fibers" :
	    engine_mode_name(t->mode), t->variant ? " b" : "");
}

/* The next or previous step; the tour starts at 1 from anywhere. */
static void
loop_apply_tour(struct loop_ctx *c, bool next)
{
	size_t	n = c->v->tour_step;

	if (next && n >= tour_len()) {
		tui_message(c->v, "that was the last step of %zu: p goes back",
		    tour_len());
		return;
	}
	if (!next && n <= 1) {
		tui_message(c->v, "this is the first step: n goes on");
		return;
	}
	loop_tour_go(c, next ? n + 1 : n - 1);
}

/* Step the sample interval through 0.5, 1, 2 and 5 seconds. */
static void
loop_apply_delay(struct sampler *sp, struct view *v)
{
	static const uint64_t	 steps[] = { 500000000u, 1000000000u,
				    2000000000u, 5000000000u };
	uint64_t		 cur = sampler_interval(sp), next = steps[0];
	size_t			 i;

	for (i = 0; i < CSW_ARRAY_LEN(steps); i++) {
		if (steps[i] > cur) {
			next = steps[i];
			break;
		}
	}
	sampler_set_interval(sp, next);
	sampler_kick(sp);
	tui_message(v, "sampling every %.1f s", (double)next / 1e9);
}

/* Show or hide the thread table; the sampler reads it only while shown. */
static void
loop_apply_threads(struct sampler *sp, struct view *v)
{
	v->threads = !v->threads;
	v->latency = false;
	v->thread_top = 0;
	sampler_set_detail(sp, v->threads);
	sampler_kick(sp);
	if (v->threads)
		tui_message(v, "thread table: rates after two samples");
}

/* Sort the thread table by the next or previous column, or invert it. */
static void
loop_apply_sort(struct model *m, struct view *v, enum action a)
{
	enum model_tcol	key;
	bool		rev;

	if (!v->threads)
		return;
	key = model_threads_key(m, &rev);
	if (a == ACTION_SORT_REVERSE)
		rev = !rev;
	else {
		key = (enum model_tcol)(a == ACTION_SORT_NEXT ?
		    (key + 1) % MT_COUNT : (key + MT_COUNT - 1) % MT_COUNT);
		rev = false;
	}
	model_threads_sort(m, key, rev);
	v->thread_top = 0;
}

/* A list's new top row after a scroll key: by a row, a page, or to an end. */
static size_t
loop_scrolled(enum action a, size_t top, size_t last, size_t page)
{
	if (top > last)
		top = last;
	switch (a) {
	case ACTION_ROW_DOWN:
		return (top < last ? top + 1 : last);
	case ACTION_ROW_UP:
		return (top > 0 ? top - 1 : 0);
	case ACTION_PAGE_DOWN:
		return (top + page < last ? top + page : last);
	case ACTION_PAGE_UP:
		return (top > page ? top - page : 0);
	case ACTION_FIRST:
		return (0);
	default:
		return (last);
	}
}

/* Scroll the thread table by a row, a page, or to an end. */
static void
loop_apply_scroll(struct model *m, struct view *v, enum action a)
{
	size_t	page = tui_thread_rows(m, v), n = model_threads_len(m);
	size_t	last = n > page ? n - page : 0, top = v->thread_top;

	if (!v->threads)
		return;
	v->thread_top = loop_scrolled(a, top, last, page);
}

/*
 * Tell the sampler which thread rows are on screen: it reads those every
 * pass and the rest of the table in rotation.
 */
static void
loop_tell_visible(struct sampler *sp, const struct model *m,
    const struct view *v)
{
	const struct model_thread	*t;
	int				 tids[256];
	size_t				 rows = tui_thread_rows(m, v), n = 0, i;

	for (i = 0; v->threads && i < rows && n < CSW_ARRAY_LEN(tids); i++) {
		if ((t = model_thread_at(m, v->thread_top + i)) != NULL)
			tids[n++] = t->tid;
	}
	sampler_set_visible(sp, tids, n);
}

/* Show the replay's place in the header. */
static void
loop_tape_badge(const struct loop_tape *tape, struct view *v)
{
	if (tape->replay != NULL)
		replay_status(tape->replay, v->badge, sizeof v->badge,
		    v->badge_short, sizeof v->badge_short);
}

/* Say that a bad line stopped the replay, for long enough to read. */
static void
loop_replay_stopped(struct view *v, const char *err)
{
	tui_message(v, "%s; the replay stops here", err);
	v->message_until += 26000000000u;	/* half a minute */
}

/* Put the samples that are due from the replay on the screen. */
static void
loop_replay_feed(struct loop_tape *tape, struct model *m, struct view *v)
{
	char	err[REPLAY_ERRLEN];

	if (replay_feed(tape->replay, m, err, sizeof err) < 0)
		loop_replay_stopped(v, err);
	if (v->warns != NULL)
		warn_eval(v->warns, m);
	loop_tape_badge(tape, v);
}

/*
 * Write a live sample to the --record file, naming its side while the
 * split view is on (side NULL: one workload); say so once if that fails.
 */
static void
loop_record(struct loop_tape *tape, const struct sample *s, const char *side,
    struct view *v)
{
	char	err[256];

	if (tape->recorder == NULL)
		return;
	if (recorder_write_side(tape->recorder, s, side, err,
	    sizeof err) != 0) {
		tui_message(v, "%s", err);
		v->message_until += 26000000000u;	/* half a minute */
		snprintf(v->badge, sizeof v->badge, "REC FAILED");
		v->badge_short[0] = '\0';
	}
}

/*
 * After z continues the workload, samples whose pass began before this
 * long after it are dropped, and the first one after becomes a fresh start
 * (model_gap): the tasks that were due during the pause all wake at once
 * in that time, and their waits, as long as the pause, are no lesson.
 */
#define LOOP_RESUME_SETTLE_NS	300000000u

/* An action applied; returns false to quit. */
typedef bool (*loop_apply_fn)(struct loop_ctx *, enum action,
    const TermKeyKey *);

/* Quit. */
static bool
loop_do_quit(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	return (false);
}

/* Do nothing: a key that is not bound. */
static bool
loop_do_none(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	return (true);
}

/* Show or hide the help. */
static bool
loop_do_help(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	c->v->help = !c->v->help;
	return (true);
}

/* Close the help, or the code under it. */
static bool
loop_do_close(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	if (c->v->help)
		c->v->help = false;
	else
		c->v->code = false;
	return (true);
}

/* Show or hide the code the tasks run. */
static bool
loop_do_code(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	c->v->code = !c->v->code;
	c->v->code_top = 0;
	c->v->help = false;
	return (true);
}

/* Scroll the code overlay by a row, a page, or to an end. */
static void
loop_code_scroll(struct loop_ctx *c, enum action a)
{
	size_t	last = code_scroll_max(c->m, c->v), top = c->v->code_top;
	size_t	page = code_page();

	c->v->code_top = loop_scrolled(a, top, last, page);
}

/* Continue a paused workload; the next figures start after a settle. */
static void
loop_resume(struct loop_ctx *c)
{
	if (c->v->paused_ns == 0)
		return;
	(void)child_pause(c->e, false);
	if (loop_peer_child(c) != NULL)
		(void)child_pause(loop_peer_child(c), false);
	c->v->paused_ns = 0;
	c->settle_until = util_now_ns() + LOOP_RESUME_SETTLE_NS;
	c->gap = true;
}

/*
 * z: stop the workload itself (SIGSTOP to its session) or continue it.
 * The display holds the last figures measured before the pause and says
 * for how long the workload has been paused; no sample taken while it is
 * stopped reaches the model.
 */
static bool
loop_do_hold(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	double	s;

	if (c->v->paused_ns != 0) {
		s = (double)(util_now_ns() - c->v->paused_ns) / 1e9;
		loop_resume(c);
		tui_message(c->v, "workload continues after %.0f s paused; "
		    "rates from the next samples on", s);
		return (true);
	}
	if (child_ended(c->e, NULL, 0)) {
		tui_message(c->v, "the workload has ended: r restarts it");
		return (true);
	}
	if (child_pause(c->e, true) != 0) {
		tui_message(c->v, "cannot pause the workload: %s",
		    strerror(errno));
		return (true);
	}
	/* Side by side, both stop: the comparison holds still. */
	if (loop_peer_child(c) != NULL && !child_ended(loop_peer_child(c),
	    NULL, 0) && child_pause(loop_peer_child(c), true) != 0) {
		(void)child_pause(c->e, false);
		tui_message(c->v, "cannot pause the fibers side: %s",
		    strerror(errno));
		return (true);
	}
	c->v->paused_ns = util_now_ns();
	tui_message(c->v, "workload paused: every thread stopped; z goes on");
	return (true);
}

/* Freeze or thaw the display. */
static bool
loop_do_pause(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	bool	freeze = !model_frozen(c->m);

	model_freeze(c->m, freeze);
	if (c->peer != NULL)
		model_freeze(c->peer->m, freeze);
	return (true);
}

/* Double or halve the tasks. */
static bool
loop_do_tasks(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	bool	up = a == ACTION_TASKS_UP || a == ACTION_TASKS_TEN_UP;
	long	factor = a == ACTION_TASKS_TEN_UP ||
		    a == ACTION_TASKS_TEN_DOWN ? 10 : 2;

	loop_apply_tasks(c->e, c->v, up, factor);
	if (loop_peer_child(c) != NULL)
		loop_apply_tasks(c->peer->e, c->v, up, factor);
	loop_kick(c);
	return (true);
}

/* Pick a scenario by its digit; another lesson gets fresh graphs. */
static bool
loop_do_scenario(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	c->v->caption[0] = '\0';
	loop_apply_scenario(c->e, c->v, key);
	model_reset(c->m);
	if (loop_peer_child(c) != NULL) {
		loop_apply_scenario(c->peer->e, c->v, key);
		model_reset(c->peer->m);
	}
	loop_kick(c);
	return (true);
}

/* One worker more or fewer. */
static bool
loop_do_workers(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	loop_apply_workers(c->e, c->v, a == ACTION_WORKERS_UP);
	/* The fibers side speaks last: P is its worker threads. */
	if (loop_peer_child(c) != NULL)
		loop_apply_workers(c->peer->e, c->v, a == ACTION_WORKERS_UP);
	loop_kick(c);
	return (true);
}

/* Step the stack size. */
static bool
loop_do_stack(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	char	first[sizeof c->v->message + 16];

	loop_apply_stack(c->e, c->v);
	/* Each side steps the stacks of its own mode. */
	if (loop_peer_child(c) != NULL) {
		snprintf(first, sizeof first, "threads %s", c->v->message);
		loop_apply_stack(c->peer->e, c->v);
		tui_message(c->v, "%.70s; fibers %.70s", first,
		    c->v->message);
	}
	loop_kick(c);
	return (true);
}

/* Turn the b variant on or off. */
static bool
loop_do_variant(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	c->v->caption[0] = '\0';
	loop_apply_variant(c->e, c->v);
	if (loop_peer_child(c) != NULL)
		loop_apply_variant(c->peer->e, c->v);
	loop_kick(c);
	return (true);
}

/* The next or previous step of the tour. */
static bool
loop_do_tour(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	loop_apply_tour(c, a == ACTION_TOUR_NEXT);
	loop_kick(c);
	return (true);
}

/* Forget the history and the rates. */
static bool
loop_do_reset(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	struct child	*side[2] = { c->e, loop_peer_child(c) };
	char		 err[256];
	bool		 restarted = false;
	int		 i;

	for (i = 0; i < 2; i++) {
		if (side[i] == NULL || !child_ended(side[i], NULL, 0))
			continue;
		/* A workload that ended: r starts it again. */
		restarted = true;
		if (child_restart(side[i], err, sizeof err) != 0) {
			tui_message(c->v, "%s", err);
			c->v->message_until += 26000000000u;
		} else
			tui_message(c->v, "the workload starts again");
	}
	if (!restarted) {
		model_reset(c->m);
		if (side[1] != NULL)
			model_reset(c->peer->m);
		tui_message(c->v, "history and rates reset");
	}
	loop_kick(c);
	return (true);
}

/* Redraw the whole screen. */
static bool
loop_do_redraw(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	tui_resize();
	return (true);
}

/*
 * Save the graphs as they are on the screen (frozen or not) as an SVG
 * figure in the --figures folder, side by side both sides in one; the
 * footer says where it went or why it could not.
 */
static bool
loop_do_figure(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	char	source[160], path[PATH_MAX + EXPORT_ERRLEN], dir[PATH_MAX];

	if (c->tape->replay != NULL)
		snprintf(source, sizeof source, "the recording %s",
		    replay_name(c->tape->replay));
	else
		snprintf(source, sizeof source, "a live session");
	if (realpath(c->figures != NULL ? c->figures : ".", dir) == NULL)
		snprintf(dir, sizeof dir, "%s", c->figures != NULL ?
		    c->figures : ".");
	if (export_figure_new(c->m, c->v->peer, tui_theme_current(), dir,
	    source, path, sizeof path) != 0)
		tui_message(c->v, "%s", path);
	else
		tui_message(c->v, "figure saved: %s", path);
	c->v->message_until += 6000000000u;	/* long enough to note */
	return (true);
}

/* The next colour theme. */
static bool
loop_do_theme(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	tui_theme_next(c->v);
	return (true);
}

/* The next sample interval. */
static bool
loop_do_delay(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	loop_apply_delay(c->sp, c->v);
	if (loop_peer_child(c) != NULL) {
		sampler_set_interval(c->peer->sp, sampler_interval(c->sp));
		sampler_kick(c->peer->sp);
	}
	return (true);
}

/* Switch between threads and fibers. */
static bool
loop_do_mode(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	if (loop_peer_child(c) != NULL) {
		tui_message(c->v, "threads and fibers are both on the screen: "
		    "c goes back to one");
		return (true);
	}
	c->v->caption[0] = '\0';
	loop_apply_mode(c->e, c->v);
	sampler_kick(c->sp);
	return (true);
}

/* Show or hide the thread table. */
static bool
loop_do_threads(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	if (loop_peer_child(c) != NULL && !c->v->threads) {
		tui_message(c->v, "the thread table shows one workload: c goes "
		    "back to one");
		return (true);
	}
	loop_apply_threads(c->sp, c->v);
	return (true);
}

/* Sort the thread table. */
static bool
loop_do_sort(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	loop_apply_sort(c->m, c->v, a);
	return (true);
}

/* Scroll the thread table. */
static bool
loop_do_scroll(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	loop_apply_scroll(c->m, c->v, a);
	return (true);
}

/*
 * Start the split view: the workload runs threads, and a second child
 * runs fibers with the same scenario and knobs, sampled at the same
 * interval into the peer's model.  0, or -1 with why.
 */
int
loop_peer_start(struct loop_peer *p, struct child *e, struct sampler *sp,
    char *err, size_t errlen)
{
	struct engine_config	cfg;

	child_config_get(e, &cfg);
	if (cfg.mode != ENGINE_THREADS) {
		cfg.mode = ENGINE_THREADS;
		child_request(e, &cfg);
	}
	cfg.mode = ENGINE_FIBERS;
	err[0] = '\0';
	/* The sampler's thread before the child's: see main_start. */
	if ((p->sp = sampler_create(p->root, sampler_interval(sp), err,
	    errlen)) == NULL)
		return (-1);
	if ((p->e = child_start(&cfg, err, errlen)) == NULL) {
		sampler_stop(p->sp);
		p->sp = NULL;
		return (-1);
	}
	sampler_watch(p->sp, p->e);
	model_reset(p->m);
	return (0);
}

/* End the split view's second workload; its model stays. */
void
loop_peer_stop(struct loop_peer *p)
{
	if (p == NULL || p->e == NULL)
		return;
	child_kill(p->e);
	sampler_stop(p->sp);
	child_free(p->e);
	p->e = NULL;
	p->sp = NULL;
}

/* Split the screen between threads and fibers, or go back to one. */
static bool
loop_do_compare(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	char	err[256];

	if (c->peer == NULL || c->sp == NULL) {
		tui_message(c->v, "side by side runs two workloads of "
		    "cswviz's own");
		return (true);
	}
	if (c->peer->e != NULL) {
		loop_peer_stop(c->peer);
		c->v->peer = NULL;
		model_reset(c->m);
		tui_message(c->v, "one workload again: threads (m switches)");
		sampler_kick(c->sp);
		return (true);
	}
	if (c->v->threads)
		loop_apply_threads(c->sp, c->v);
	if (loop_peer_start(c->peer, c->e, c->sp, err, sizeof err) != 0) {
		tui_message(c->v, "cannot start the fibers side: %s", err);
		c->v->message_until += 6000000000u;
		return (true);
	}
	c->v->peer = c->peer->m;
	model_reset(c->m);
	tui_message(c->v, "side by side: threads left, fibers right, the "
	    "same knobs (c: one again)");
	loop_kick(c);
	return (true);
}

/* Show or hide the headline figures in big digits. */
static bool
loop_do_big(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	/* Side by side, the figures of both are already the body. */
	if (c->v->peer != NULL && !c->v->big) {
		tui_message(c->v, "big figures show one workload: c goes back "
		    "to one");
		return (true);
	}
	c->v->big = !c->v->big;
	return (true);
}

/* Show or hide the Latency panel, in the thread table's place. */
static bool
loop_do_latency(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	if (c->v->threads && c->sp != NULL)
		loop_apply_threads(c->sp, c->v);
	c->v->latency = !c->v->latency;
	return (true);
}

/* A replay's key on the live screen: say where it works. */
static bool
loop_do_tape_only(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	tui_message(c->v, "this key moves in a recording: --replay FILE");
	return (true);
}

/* In a replay, a key that changes the workload: there is none. */
static bool
loop_no_workload(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	tui_message(c->v, "a replay has no workload to change");
	return (true);
}

/* In a replay, the thread table: recordings do not keep it. */
static bool
loop_replay_threads(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	tui_message(c->v, "recordings do not keep the thread table");
	return (true);
}

/* Pause or play the replay; at the end, play it again. */
static bool
loop_replay_pause(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	struct replay	*rp = c->tape->replay;
	char		 msg[REPLAY_ERRLEN];

	if (!replay_ended(rp))
		replay_pause(rp, !replay_paused(rp));
	else if (replay_restart(rp, c->m, msg, sizeof msg) != 0)
		loop_replay_stopped(c->v, msg);
	else {
		replay_pause(rp, false);
		tui_message(c->v, "from the start again");
	}
	return (true);
}

/* One sample forward. */
static bool
loop_replay_step(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	char	msg[REPLAY_ERRLEN];

	switch (replay_step(c->tape->replay, c->m, msg, sizeof msg)) {
	case 1:
		break;
	case 0:
		tui_message(c->v, "the end of the recording: space plays it "
		    "again");
		break;
	default:
		loop_replay_stopped(c->v, msg);
		break;
	}
	return (true);
}

/* Play faster or slower. */
static bool
loop_replay_speed(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	tui_message(c->v, "replay at %gx", replay_speed(c->tape->replay,
	    a == ACTION_FASTER ? 1 : -1));
	return (true);
}

/* Ten seconds back or on. */
static bool
loop_replay_seek(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	char	msg[REPLAY_ERRLEN];

	if (replay_seek_time(c->tape->replay, c->m, a == ACTION_SEEK_ON ? 10 :
	    -10, msg, sizeof msg) < 0)
		loop_replay_stopped(c->v, msg);
	else
		tui_message(c->v, "%s", msg);
	return (true);
}

/* To the change before or after this sample. */
static bool
loop_replay_change(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	char	msg[REPLAY_ERRLEN];

	if (replay_seek_change(c->tape->replay, c->m, a == ACTION_CHANGE_NEXT ?
	    1 : -1, msg, sizeof msg) < 0)
		loop_replay_stopped(c->v, msg);
	else
		tui_message(c->v, "%s", msg);
	return (true);
}

/* From the first sample. */
static bool
loop_replay_restart(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	struct replay	*rp = c->tape->replay;
	char		 msg[REPLAY_ERRLEN];

	if (replay_restart(rp, c->m, msg, sizeof msg) != 0)
		loop_replay_stopped(c->v, msg);
	else
		tui_message(c->v, "from the start%s", replay_paused(rp) ?
		    " (paused: space plays)" : "");
	return (true);
}

/* Loop at the end, or stop there. */
static bool
loop_replay_loop(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	tui_message(c->v, "%s", replay_loop(c->tape->replay) ? "loop on: the "
	    "end starts the recording again" : "loop off: the replay stops "
	    "at the end");
	return (true);
}

/*
 * What each action does, on the live screen and in a replay.  A new key is
 * a row in the keymap (tui/keymap.c) and a row here; test_keymap checks
 * that every action has both.  A replay row that is not the live one is
 * the replay's own, and the header then shows the replay's place.
 */
static const struct {
	loop_apply_fn	live;
	loop_apply_fn	replay;
} loop_apply_table[] = {
	[ACTION_NONE] =		{ loop_do_none, loop_do_none },
	[ACTION_QUIT] =		{ loop_do_quit, loop_do_quit },
	[ACTION_HELP] =		{ loop_do_help, loop_do_help },
	[ACTION_CLOSE] =	{ loop_do_close, loop_do_close },
	[ACTION_PAUSE] =	{ loop_do_pause, loop_replay_pause },
	[ACTION_TASKS_UP] =	{ loop_do_tasks, loop_no_workload },
	[ACTION_TASKS_DOWN] =	{ loop_do_tasks, loop_no_workload },
	[ACTION_TASKS_TEN_UP] =	{ loop_do_tasks, loop_no_workload },
	[ACTION_TASKS_TEN_DOWN] = { loop_do_tasks, loop_no_workload },
	[ACTION_REDRAW] =	{ loop_do_redraw, loop_do_redraw },
	[ACTION_THEME] =	{ loop_do_theme, loop_do_theme },
	[ACTION_MODE] =		{ loop_do_mode, loop_no_workload },
	[ACTION_DELAY] =	{ loop_do_delay, loop_no_workload },
	[ACTION_THREADS] =	{ loop_do_threads, loop_replay_threads },
	[ACTION_SORT_NEXT] =	{ loop_do_sort, loop_no_workload },
	[ACTION_SORT_PREV] =	{ loop_do_sort, loop_no_workload },
	[ACTION_SORT_REVERSE] =	{ loop_do_sort, loop_no_workload },
	[ACTION_ROW_DOWN] =	{ loop_do_scroll, loop_no_workload },
	[ACTION_ROW_UP] =	{ loop_do_scroll, loop_no_workload },
	[ACTION_PAGE_DOWN] =	{ loop_do_scroll, loop_no_workload },
	[ACTION_PAGE_UP] =	{ loop_do_scroll, loop_no_workload },
	[ACTION_FIRST] =	{ loop_do_scroll, loop_no_workload },
	[ACTION_LAST] =		{ loop_do_scroll, loop_no_workload },
	[ACTION_SCENARIO] =	{ loop_do_scenario, loop_no_workload },
	[ACTION_WORKERS_UP] =	{ loop_do_workers, loop_no_workload },
	[ACTION_WORKERS_DOWN] =	{ loop_do_workers, loop_no_workload },
	[ACTION_STACK] =	{ loop_do_stack, loop_no_workload },
	[ACTION_VARIANT] =	{ loop_do_variant, loop_no_workload },
	[ACTION_RESET] =	{ loop_do_reset, loop_no_workload },
	[ACTION_TOUR_NEXT] =	{ loop_do_tour, loop_no_workload },
	[ACTION_TOUR_PREV] =	{ loop_do_tour, loop_no_workload },
	[ACTION_BIG] =		{ loop_do_big, loop_do_big },
	[ACTION_LATENCY] =	{ loop_do_latency, loop_do_latency },
	[ACTION_STEP] =		{ loop_do_tape_only, loop_replay_step },
	[ACTION_FASTER] =	{ loop_do_tape_only, loop_replay_speed },
	[ACTION_SLOWER] =	{ loop_do_tape_only, loop_replay_speed },
	[ACTION_SEEK_BACK] =	{ loop_do_tape_only, loop_replay_seek },
	[ACTION_SEEK_ON] =	{ loop_do_tape_only, loop_replay_seek },
	[ACTION_CHANGE_PREV] =	{ loop_do_tape_only, loop_replay_change },
	[ACTION_CHANGE_NEXT] =	{ loop_do_tape_only, loop_replay_change },
	[ACTION_RESTART] =	{ loop_do_tape_only, loop_replay_restart },
	[ACTION_LOOP] =		{ loop_do_tape_only, loop_replay_loop },
	[ACTION_FIGURE] =	{ loop_do_figure, loop_do_figure },
	[ACTION_CODE] =		{ loop_do_code, loop_do_code },
	[ACTION_HOLD] =		{ loop_do_hold, loop_no_workload },
	[ACTION_COMPARE] =	{ loop_do_compare, loop_no_workload },
};
_Static_assert(CSW_ARRAY_LEN(loop_apply_table) == ACTION_COUNT,
    "loop_apply_table: a row for every action");

/* Whether an action has both of its rows in the apply table. */
bool
loop_action_applies(enum action a)
{
	if ((size_t)a >= CSW_ARRAY_LEN(loop_apply_table))
		return (false);
	return (loop_apply_table[a].live != NULL &&
	    loop_apply_table[a].replay != NULL);
}

/* Whether an action changes the workload, which -p does not have. */
static bool
loop_action_workload(enum action a)
{
	switch (a) {
	case ACTION_TASKS_UP:
	case ACTION_TASKS_DOWN:
	case ACTION_MODE:
	case ACTION_SCENARIO:
	case ACTION_WORKERS_UP:
	case ACTION_WORKERS_DOWN:
	case ACTION_STACK:
	case ACTION_VARIANT:
	case ACTION_TOUR_NEXT:
	case ACTION_TOUR_PREV:
	case ACTION_HOLD:
	case ACTION_COMPARE:
		return (true);
	default:
		return (false);
	}
}

/*
 * A key that changes a paused workload continues it first (a stopped
 * child cannot take a request) and says so before what the key did.
 */
static bool
loop_key_resumes(struct loop_ctx *c, enum action a, const TermKeyKey *key)
{
	char	said[sizeof c->v->message];
	bool	ret;

	loop_resume(c);
	c->v->message[0] = '\0';
	ret = loop_apply_table[a].live(c, a, key);
	snprintf(said, sizeof said, "%s", c->v->message);
	tui_message(c->v, "workload continues%s%s", said[0] != '\0' ? ": " :
	    "", said);
	return (ret);
}

/* A key's action: the replay's row, or the live screen's.  False quits. */
static bool
loop_key(enum action a, const TermKeyKey *key, struct loop_ctx *c)
{
	loop_apply_fn	fn;
	bool		ret;

	if (!loop_action_applies(a))
		return (true);
	/* The too-small notice says only q: nothing else acts unseen. */
	if (tui_too_small() && a != ACTION_QUIT && a != ACTION_REDRAW)
		return (true);
	if (c->v->attached && loop_action_workload(a)) {
		tui_message(c->v, "-p watches a process cswviz did not start: "
		    "this key changes a workload of cswviz's own");
		return (true);
	}
	if (c->v->code && a >= ACTION_ROW_DOWN && a <= ACTION_LAST) {
		loop_code_scroll(c, a);
		return (true);
	}
	if (c->tape->replay == NULL && c->v->paused_ns != 0 &&
	    a != ACTION_HOLD && (loop_action_workload(a) ||
	    a == ACTION_RESET))
		return (loop_key_resumes(c, a, key));
	if (c->tape->replay == NULL)
		return (loop_apply_table[a].live(c, a, key));
	fn = loop_apply_table[a].replay;
	ret = fn(c, a, key);
	if (fn != loop_apply_table[a].live)
		loop_tape_badge(c->tape, c->v);
	return (ret);
}

/*
 * -p: say what is watched, and once the process has exited, keep its
 * history on screen as it was and say so.  True: the sample is not one
 * to show (the process is gone), and has been freed.
 */
static bool
loop_attached(struct view *v, struct model *m, struct sample *s)
{
	if (!s->attached)
		return (false);
	if (!s->gone) {
		if (v->caption[0] == '\0')
			snprintf(v->caption, sizeof v->caption, "Watching "
			    "process %d (%s): its kernel switches are its "
			    "threads' own; fiber switches, handoffs and wake "
			    "schedules exist only in a cswviz workload.",
			    s->pid, s->comm);
		return (false);
	}
	thread_rows_free(s->rows);
	if (strcmp(v->badge, "EXITED") != 0) {
		snprintf(v->badge, sizeof v->badge, "EXITED");
		v->badge_short[0] = '\0';
		snprintf(v->caption, sizeof v->caption, "Process %d (%s) %s "
		    "after %.0f s watched. Every figure stays as its last "
		    "reading before it exited, and the graphs keep its "
		    "history; q quits.", s->pid, s->comm, s->gone_why,
		    model_elapsed_s(m));
		tui_message(v, "process %d (%s) has exited", s->pid, s->comm);
		v->message_until += 4000000000u;	/* long enough to read */
	}
	return (true);
}

/*
 * Whether a sample is one the pause holds back: taken while the workload
 * was stopped, or in the settle after it went on (freed here).  The first
 * after those starts the rates afresh.
 */
static bool
loop_held(struct loop_ctx *c, struct sample *s)
{
	if (c->v->paused_ns != 0 || (c->settle_until != 0 &&
	    s->t_ns < c->settle_until)) {
		thread_rows_free(s->rows);
		return (true);
	}
	if (c->gap) {
		model_gap(c->m);
		if (c->peer != NULL)
			model_gap(c->peer->m);
		if (c->tape->recorder != NULL)
			recorder_gap(c->tape->recorder);
		c->gap = false;
		c->settle_until = 0;
	}
	return (false);
}

/* The names the digits pick, from the scenario table, for the help. */
static void
loop_scenario_names(struct view *v)
{
	struct engine_scenario_info	 info;
	size_t				 i, len = 0;

	for (i = 0; engine_scenario(i, &info) == 0; i++)
		len += (size_t)snprintf(v->scenarios + len,
		    len < sizeof v->scenarios ? sizeof v->scenarios - len : 0,
		    "%s%zu:%s", i ? " " : "", i + 1, info.name);
}

/*
 * The split view's second workload: its news and its end in the footer,
 * named as the fibers side's, and its sample into its model when one is
 * due.  True if the screen changed.
 */
static bool
loop_peer_news(struct loop_ctx *c, bool readable)
{
	struct loop_peer	*p = c->peer;
	struct loop_tape	*tape = c->tape;
	struct view		*v = c->v;
	struct sample		 s;
	char		emsg[320];
	bool		dirty = false;

	if (child_message(p->e, emsg, sizeof emsg)) {
		tui_message(v, "fibers side: %s", emsg);
		v->message_until += 3000000000u;
		dirty = true;
	}
	if (v->message[0] == '\0' && child_ended(p->e, emsg, sizeof emsg)) {
		tui_message(v, "fibers side: %s", emsg);
		v->message_until += 3600000000000u;
		dirty = true;
	}
	if (readable && sampler_take(p->sp, &s)) {
		/* Held as the threads side's are (z); the gap is shared. */
		if (v->paused_ns != 0 || (c->settle_until != 0 &&
		    s.t_ns < c->settle_until)) {
			thread_rows_free(s.rows);
			return (dirty);
		}
		loop_record(tape, &s, "fibers", v);
		model_push(p->m, &s);
		dirty = true;
	}
	return (dirty);
}

/* Run until a quit key, a signal, or the end of input. */
void
loop_run(struct child *e, struct sampler *sp, struct model *m,
    struct loop_tape *tape, TermKey *tk, const struct loop_config *lc,
    struct loop_exit *out)
{
	struct keymap		 km;
	struct view		 v;
	struct loop_ctx		 ctx = { e, sp, m, tape, &v, lc->figures,
				    e != NULL ? lc->peer : NULL, 0, false };
	struct loop_peer	*peer = ctx.peer;
	struct sample		 s;
	struct pollfd		 pfd[6];
	char			 emsg[320];
	TermKeyKey		 key;
	TermKeyResult		 res = TERMKEY_RES_NONE;
	unsigned char		 sig;
	int			 timeout, msg_ms;
	bool			 running = true, dirty = true;
	uint64_t		 now, key_deadline = 0;

	memset(out, 0, sizeof *out);
	memset(&v, 0, sizeof v);
	v.ascii = lc->ascii;
	v.heavy = tui_heavy_bars();
	v.keymap = &km;
	v.warns = lc->warns;
	loop_scenario_names(&v);
	v.replay = tape->replay != NULL;
	v.attached = e == NULL && tape->replay == NULL;
	if (peer != NULL && peer->e != NULL)
		v.peer = peer->m;
	loop_tape_badge(tape, &v);
	if (tape->recorder != NULL)
		snprintf(v.badge, sizeof v.badge, "REC %s",
		    recorder_name(tape->recorder));
	if (tape->recorder != NULL)
		snprintf(v.badge_short, sizeof v.badge_short, "REC");
	if (tape->replay != NULL) {
		replay_summary(tape->replay, emsg, sizeof emsg);
		tui_message(&v, "%s", emsg);
		v.message_until += 4000000000u;	/* long enough to read */
	}
	if (lc->tour)
		loop_tour_go(&ctx, 1);
	if (lc->warn != NULL && *lc->warn != '\0') {
		tui_message(&v, "%s", lc->warn);
		v.message_until += 6000000000u;	/* long enough to read */
	}
	if (keymap_init(&km, tk) != 0) {
		out->status = 1;
		snprintf(out->why, sizeof out->why, "cannot set up input: %s",
		    strerror(errno));
		return;
	}

	while (running) {
		/* A recording side by side: split where the sample has both. */
		if (tape->replay != NULL && lc->peer != NULL)
			v.peer = replay_shown_sides(tape->replay) ?
			    lc->peer->m : NULL;
		if (dirty) {
			tui_draw(m, &v);
			if (sp != NULL)		/* NULL: a replay */
				loop_tell_visible(sp, m, &v);
			dirty = false;
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = loop_sigpipe[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = tape->replay != NULL ? replay_fd(tape->replay) :
		    sampler_fd(sp);
		pfd[2].events = POLLIN;
		pfd[3].fd = e != NULL ? child_fd(e) : -1;	/* -1: a replay */
		pfd[3].events = POLLIN;
		/* The split view's second workload, or nothing. */
		pfd[4].fd = peer != NULL && peer->e != NULL ?
		    sampler_fd(peer->sp) : -1;
		pfd[4].events = POLLIN;
		pfd[5].fd = peer != NULL && peer->e != NULL ?
		    child_fd(peer->e) : -1;
		pfd[5].events = POLLIN;
		/* Wake for a half-read key sequence or an old message. */
		now = util_now_ns();
		timeout = key_deadline == 0 ? -1 : key_deadline > now ?
		    (int)((key_deadline - now) / 1000000u) + 1 : 0;
		msg_ms = v.message[0] != '\0' && v.message_until > now ?
		    (int)((v.message_until - now) / 1000000u) + 1 : -1;
		if (msg_ms >= 0 && (timeout < 0 || msg_ms < timeout))
			timeout = msg_ms;
		/* The pause's clock ticks on the screen. */
		if (v.paused_ns != 0 && (timeout < 0 || timeout > 250))
			timeout = 250;
		if (poll(pfd, 6, timeout) < 0) {
			if (errno == EINTR)
				continue;
			out->status = 1;
			snprintf(out->why, sizeof out->why, "poll: %s",
			    strerror(errno));
			break;
		}
		if (v.message[0] != '\0' && util_now_ns() >= v.message_until) {
			v.message[0] = '\0';
			dirty = true;
		}
		dirty = dirty || v.paused_ns != 0;

		while (read(loop_sigpipe[0], &sig, 1) == 1) {
			if (sig == SIGWINCH) {
				tui_resize();
				dirty = true;
			} else if (sig == SIGTSTP) {
				tui_suspend();
				dirty = true;
			} else {
				out->signal = sig;
				running = false;
			}
		}
		/* Unpolled too: a request's wait for its answer may have
		   taken the news off the socket. */
		if (e != NULL && child_message(e, emsg, sizeof emsg)) {
			tui_message(&v, "%s", emsg);
			v.message_until += 3000000000u;	/* news: longer */
			dirty = true;
		}
		/* A workload killed while paused is no longer paused. */
		if (e != NULL && v.paused_ns != 0 && !child_paused(e))
			v.paused_ns = 0;
		/* A workload that ended stays said until r restarts it. */
		if (e != NULL && v.message[0] == '\0' &&
		    child_ended(e, emsg, sizeof emsg)) {
			tui_message(&v, "%s", emsg);
			v.message_until += 3600000000000u;
			dirty = true;
		}
		if (peer != NULL && peer->e != NULL && loop_peer_news(&ctx,
		    pfd[4].revents & POLLIN))
			dirty = true;
		if ((pfd[2].revents & POLLIN) && tape->replay != NULL) {
			loop_replay_feed(tape, m, &v);
			dirty = true;
		} else if (pfd[2].revents & POLLIN) {
			if (sampler_take(sp, &s) && !loop_attached(&v, m,
			    &s) && !loop_held(&ctx, &s)) {
				loop_record(tape, &s, peer != NULL &&
				    peer->e != NULL ? "threads" : NULL, &v);
				model_push(m, &s);
				warn_eval(lc->warns, m);
				dirty = true;
			} else
				dirty = true;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			termkey_advisereadable(tk);
		else if (key_deadline != 0 && util_now_ns() >= key_deadline &&
		    termkey_getkey_force(tk, &key) == TERMKEY_RES_KEY) {
			/* A lone Escape, after the wait for more bytes. */
			running = running && loop_key(keymap_lookup(&km, &key),
			    &key, &ctx);
			dirty = true;
		}
		key_deadline = 0;
		while (running && (res = termkey_getkey(tk, &key)) ==
		    TERMKEY_RES_KEY) {
			running = loop_key(keymap_lookup(&km, &key), &key,
			    &ctx);
			dirty = true;
		}
		if (running && res == TERMKEY_RES_AGAIN) {
			key_deadline = util_now_ns() +
			    (uint64_t)termkey_get_waittime(tk) * 1000000u;
		} else if (running && res == TERMKEY_RES_EOF) {
			out->status = 1;
			snprintf(out->why, sizeof out->why, "standard input "
			    "was closed");
			running = false;
		}
	}
}

/* SPDX-License-Identifier: ISC */
/*
 * Warnings that teach: each rule reads the model's newest figures and, when
 * they show the problem it names, says so in the words of the lesson, with
 * the measured figures.  A rule fires again on every sample while the
 * problem lasts; warn_eval turns that into a warning that began and ended.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/warn.h"
#include "util/util.h"

/* A fiber has run WARN_LONG_RUN_MS or more without yielding. */
static bool
warn_long_run(const struct model *m, int ncpu, char *text, size_t len)
{
	const struct sample	*s = model_last(m);
	double			 ms;

	if (s == NULL || !s->fibers || !s->ok[SRC_ENGINE])
		return (false);
	ms = (double)s->long_run_ns / 1e6;
	/*
	 * The run is wall time since the fiber was switched in: a worker
	 * thread that the kernel preempted looks the same.  The lesson is
	 * the fibers kept waiting behind it, so without one there is nothing
	 * to teach (pingpong's partner is parked, not queued).
	 */
	if (ms < WARN_LONG_RUN_MS || s->long_run_queued == 0)
		return (false);
	snprintf(text, len, "a fiber has held worker %d for %.0f ms without "
	    "yielding: %u fiber%s queued there wait%s as long",
	    s->long_run_worker, ms, s->long_run_queued,
	    s->long_run_queued == 1 ? "" : "s",
	    s->long_run_queued == 1 ? "s" : "");
	return (true);
}

/* Every fiber worker is stuck in a blocking system call. */
static bool
warn_blocking(const struct model *m, int ncpu, char *text, size_t len)
{
	const struct sample	*s = model_last(m);
	double			 b = model_value(m, MS_BLOCKED_WORKERS, 0);
	double			 lat = model_value(m, MS_LATENCY_MS, 0);
	int			 n;

	if (s == NULL || !s->fibers || isnan(b) || s->workers <= 0 ||
	    b < s->workers)
		return (false);
	n = snprintf(text, len, "all %d workers in blocking calls: none "
	    "left for other fibers", s->workers);
	if (!isnan(lat) && n > 0 && (size_t)n < len)
		snprintf(text + n, len - (size_t)n, " (late %.0f ms)", lat);
	return (true);
}

/* More of our threads runnable than CPUs, and mostly preempted. */
static bool
warn_flood(const struct model *m, int ncpu, char *text, size_t len)
{
	double	r, least = INFINITY, iv, v;
	int	age;

	if (ncpu <= 0 || model_len(m) < WARN_FLOOD_SAMPLES)
		return (false);
	for (age = 0; age < WARN_FLOOD_SAMPLES; age++) {
		r = model_value(m, MS_THREADS_R, (size_t)age);
		/* The sampler is runnable while it reads: twice the
		   CPUs is a flood whatever else is about. */
		if (isnan(r) || r < 2.0 * ncpu + 1)
			return (false);
		if (r < least)
			least = r;
	}
	iv = model_value(m, MS_IVCSW_RATE, 0);
	v = model_value(m, MS_VCSW_RATE, 0);
	if (isnan(iv) || isnan(v) || iv <= v)
		return (false);
	snprintf(text, len, "%.0f threads runnable for %d CPUs: involuntary "
	    "switches %.0f/s > voluntary %.0f/s, each costs CPU", least, ncpu,
	    iv, v);
	return (true);
}

/* Write bytes with a binary unit that keeps three figures. */
static void
warn_bytes(double b, char *buf, size_t len)
{
	static const char	*unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t			 u = 0;

	while (b >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0]) {
		b /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", b);
	else
		snprintf(buf, len, "%.*f %s", b < 10.0 ? 2 : b < 100.0 ? 1 : 0,
		    b, unit[u]);
}

/*
 * Stacks reserve far more address space than they use.  While the first
 * rotation of the stack reader has not ended, the committed sum covers
 * only the stacks read so far: compare per stack then, as the memory
 * panel does, or the ratio falls like a trend as the sum fills in.
 */
static bool
warn_stacks(const struct model *m, int ncpu, char *text, size_t len)
{
	const struct sample	*s = model_last(m);
	double			 res = model_value(m, MS_STACK_RESERVED, 0);
	double			 com = model_value(m, MS_STACK_COMMITTED, 0);
	double			 per_res, per_com;
	char			 rb[32], cb[32];

	if (s == NULL || isnan(res) || isnan(com) || com <= 0 ||
	    res < WARN_STACK_MIN || s->stack_count == 0)
		return (false);
	if (model_stacks_read(m) == 0)
		return (false);
	per_res = res / s->stack_count;
	per_com = com / model_stacks_read(m);
	if (per_res < WARN_STACK_RATIO * per_com)
		return (false);
	warn_bytes(per_res, rb, sizeof rb);
	warn_bytes(per_com, cb, sizeof cb);
	snprintf(text, len, "stacks reserve %.0f times what they commit: "
	    "%s each for %s touched", per_res / per_com, rb, cb);
	return (true);
}

/* Live tasks climb sample after sample while the work done stays flat. */
static bool
warn_leak(const struct model *m, int ncpu, char *text, size_t len)
{
	const struct sample	*s = model_last(m);
	double			 a, b, w0, w1;
	size_t			 age;

	if (s == NULL || s->ramping || model_len(m) <= WARN_LEAK_SAMPLES)
		return (false);
	for (age = 0; age < WARN_LEAK_SAMPLES; age++) {
		a = model_value(m, MS_TASKS_ALIVE, age);
		b = model_value(m, MS_TASKS_ALIVE, age + 1);
		/* A knob or scenario change explains a climb. */
		if (isnan(a) || isnan(b) || a <= b ||
		    (model_change(m, age) & 0xffu) != 0)
			return (false);
	}
	a = model_value(m, MS_TASKS_ALIVE, 0);
	b = model_value(m, MS_TASKS_ALIVE, WARN_LEAK_SAMPLES);
	w0 = model_value(m, MS_WORK_RATE, 0);
	w1 = model_value(m, MS_WORK_RATE, WARN_LEAK_SAMPLES);
	if (a < WARN_LEAK_RISE * b || isnan(w0) || isnan(w1) ||
	    w0 > WARN_LEAK_WORK * w1)
		return (false);
	snprintf(text, len, "live tasks %.0f to %.0f in %d samples, work "
	    "flat at %.0f/s: tasks that never end, a leak", b, a,
	    WARN_LEAK_SAMPLES, w0);
	return (true);
}

/* The sampler's pass took longer than its interval. */
static bool
warn_sampler(const struct model *m, int ncpu, char *text, size_t len)
{
	const struct sample	*s = model_last(m);
	double			 pass = model_value(m, MS_SAMPLER_MS, 0);
	double			 ival;

	if (s == NULL || s->interval_ns == 0 || isnan(pass))
		return (false);
	ival = (double)s->interval_ns / 1e6;
	if (pass <= ival)
		return (false);
	snprintf(text, len, "sampler pass %.0f ms > interval %.0f ms: the "
	    "figures come late (d: sample less often)", pass, ival);
	return (true);
}

static const struct warn_rule warn_rules[WARN_COUNT] = {
	[WARN_LONG_RUN] = { "long-run", "a fiber holds its worker 10 ms or "
	    "more without yielding (wall clock, coarse)", "a fiber that does not yield holds up "
	    "every fiber queued on its worker", warn_long_run },
	[WARN_BLOCKING] = { "blocking", "blocking system calls hold all P "
	    "fiber workers", "a blocking call in a fiber takes its worker "
	    "with it: P-1 left, then none", warn_blocking },
	[WARN_FLOOD] = { "flood", "twice as many of our threads runnable "
	    "as online CPUs, plus one, 3 samples in a row, and involuntary "
	    "switches above voluntary",
	    "more runnable threads than CPUs: the kernel preempts them, "
	    "and each switch costs CPU", warn_flood },
	[WARN_STACKS] = { "stacks", "stacks reserve 16 times what they "
	    "commit, or more (1 MiB reserved at least)", "a thread reserves "
	    "megabytes of stack and touches kilobytes", warn_stacks },
	[WARN_LEAK] = { "leak", "live tasks rise 5 samples in a row, by 20% "
	    "or more, while work/s rises by less than 20%, knobs untouched",
	    "tasks that never end pile up: a leak", warn_leak },
	[WARN_SAMPLER] = { "sampler", "a sampler pass takes longer than the "
	    "interval", "the measuring tool has its own cost", warn_sampler },
};

/* The rules, in the order they are listed. */
const struct warn_rule *
warn_table(size_t *n)
{
	*n = WARN_COUNT;
	return (warn_rules);
}

/* The rule called name, or -1. */
int
warn_lookup(const char *name)
{
	int	i;

	for (i = 0; i < WARN_COUNT; i++)
		if (strcmp(warn_rules[i].name, name) == 0)
			return (i);
	return (-1);
}

/* Every rule on, none active; ncpu CPUs for the flood rule. */
void
warn_init(struct warns *w, int ncpu)
{
	int	i;

	memset(w, 0, sizeof *w);
	for (i = 0; i < WARN_COUNT; i++) {
		w->on[i] = true;
		w->began[i] = w->ended[i] = NAN;
	}
	w->ncpu = ncpu;
	w->newest = -1;
}

/* Run every rule on the newest sample: note what began and what ended. */
void
warn_eval(struct warns *w, const struct model *m)
{
	char	text[WARN_TEXTLEN];
	double	now = model_elapsed_s(m);
	bool	fire;
	int	i;

	w->began_now = w->ended_now = 0;
	for (i = 0; i < WARN_COUNT; i++) {
		text[0] = '\0';
		fire = w->on[i] && warn_rules[i].fires(m, w->ncpu, text,
		    sizeof text);
		if (fire) {
			snprintf(w->text[i], sizeof w->text[i], "%s", text);
			if (!w->active[i]) {
				w->active[i] = true;
				w->began[i] = now;
				w->ended[i] = NAN;
				w->began_now |= 1u << i;
				w->seen |= 1u << i;
				w->newest = i;
			}
		} else if (w->active[i]) {
			w->active[i] = false;
			w->ended[i] = now;
			w->ended_now |= 1u << i;
		}
	}
}

/* The names of the rules in mask, space separated, in buf. */
void
warn_names(unsigned mask, char *buf, size_t len)
{
	size_t	n = 0;
	int	i, k;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < WARN_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		k = snprintf(buf + n, len - n, "%s%s", n ? " " : "",
		    warn_rules[i].name);
		if (k < 0 || (size_t)k >= len - n)
			return;
		n += (size_t)k;
	}
}

/* The rules active now, as a mask of 1u << id. */
unsigned
warn_active(const struct warns *w)
{
	unsigned	mask = 0;
	int		i;

	for (i = 0; i < WARN_COUNT; i++)
		if (w->active[i])
			mask |= 1u << i;
	return (mask);
}

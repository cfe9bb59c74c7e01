/* SPDX-License-Identifier: ISC */
/*
 * The replay player: lines of a recording, handed out when their time
 * comes, and seeks that rebuild the history up to the sample they show.
 */
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "record/read.h"
#include "record/replay.h"
#include "util/util.h"

static const double	replay_speeds[] = { 0.25, 0.5, 1, 2, 4, 8 };
#define REPLAY_SPEED_1X	2	/* index of 1x */
/*
 * Side by side, a threads line without its fibers line (that side's pass
 * was late, or the recording left the split view): the split view stays
 * until this many such samples come in a row, then gives way to one
 * workload.
 */
#define REPLAY_PEER_GONE 3

/* The caption of a scenario a recording names that this cswviz lacks. */
static const char replay_caption_unknown[] = "A recording played back: the "
    "figures were measured then; nothing runs here.";

/* Where a sample is in the file, when it was taken, what changed there. */
struct replay_mark {
	off_t		 off;		/* of its line */
	long		 lineno;	/* lines before it */
	double		 t;
	unsigned	 change;	/* MODEL_CHG_* */
};

struct replay {
	FILE			*fp;
	char			*path;
	const char		*name;		/* the file name, no directory */
	char			*line;
	size_t			 cap;
	long			 lineno;
	struct replay_mark	*marks;		/* one per sample, at open */
	size_t			 total;		/* samples in the file */
	size_t			 history;	/* samples the model keeps */
	size_t			 pos;		/* index of the next sample */
	double			 last_t;	/* of the sample handed out */
	bool			 have_last_t;
	struct record		 shown;		/* the sample handed out */

	struct record		 next;		/* the sample to come */
	bool			 have_next;
	/* Side by side (--compare): the fibers line of each sample goes
	   into the peer model; next_peer is the next sample's, if any. */
	struct model		*peer;
	struct record		 next_peer;
	bool			 next_has_peer;
	unsigned		 since_peer;	/* samples since a fibers line */
	bool			 sides;		/* the file has a fibers line */
	bool			 failed;	/* the next line was bad */
	bool			 stopped;	/* and that was said */
	char			 err[REPLAY_ERRLEN];

	int			 tfd;
	bool			 started, paused, looping;
	int			 speed;		/* index into replay_speeds */
	uint64_t		 base_wall;	/* when base_t was shown */
	double			 base_t;
};

/*
 * Read the next line of the file: 1, or 0 at its end, or -1 with
 * FILE:LINE: what is wrong.  Blank lines and the summary are skipped.
 * *off is where the line starts.
 */
static int
replay_read_line(struct replay *rp, struct record *out, off_t *off,
    char *err, size_t errlen)
{
	struct record	r;
	char		what[256];
	ssize_t		n;
	size_t		i;

	for (;;) {
		errno = 0;
		*off = ftello(rp->fp);
		if ((n = getline(&rp->line, &rp->cap, rp->fp)) < 0) {
			if (ferror(rp->fp)) {
				snprintf(err, errlen, "%s:%ld: %s", rp->path,
				    rp->lineno + 1, strerror(errno ? errno :
				    EIO));
				return (-1);
			}
			return (0);
		}
		rp->lineno++;
		for (i = 0; i < (size_t)n && strchr(" \t\r\n",
		    rp->line[i]) != NULL; i++)
			;
		if (i == (size_t)n)
			continue;
		if (record_parse(rp->line, (size_t)n, &r, what,
		    sizeof what) != 0) {
			snprintf(err, errlen, "%s:%ld: %s", rp->path,
			    rp->lineno, what);
			return (-1);
		}
		if (r.summary)
			continue;
		*out = r;
		return (1);
	}
}

/*
 * Read the next sample: a line of one workload, or side by side a threads
 * line with its fibers line (*has_peer), which comes after it (or before,
 * in a live recording where the fibers side sampled first).  Time must
 * not go back from prev_t on the threads lines; each side keeps its own
 * clock.  1, 0 at the end, or -1 with FILE:LINE: what.  *off is where the
 * sample's first line starts.
 */
static int
replay_read(struct replay *rp, double prev_t, bool have_prev,
    struct record *out, struct record *peer, bool *has_peer, off_t *off,
    char *err, size_t errlen)
{
	struct record	r;
	off_t		o, after;
	long		lineno;
	int		got;

	*has_peer = false;
	for (;;) {
		if ((got = replay_read_line(rp, &r, &o, err, errlen)) != 1)
			return (got);
		if (!*has_peer)
			*off = o;
		if (r.side != RECORD_SIDE_FIBERS)
			break;
		rp->sides = true;
		*peer = r;
		*has_peer = true;
	}
	if (have_prev && r.fig.t < prev_t) {
		snprintf(err, errlen, "%s:%ld: time goes back from %.3f to "
		    "%.3f s (two recordings joined?)", rp->path, rp->lineno,
		    prev_t, r.fig.t);
		return (-1);
	}
	*out = r;
	if (r.side != RECORD_SIDE_THREADS)
		return (1);
	/* The fibers line after it belongs to the same sample. */
	after = ftello(rp->fp);
	lineno = rp->lineno;
	got = replay_read_line(rp, &r, &o, err, errlen);
	if (got < 0)
		return (-1);
	if (got == 1 && r.side == RECORD_SIDE_FIBERS) {
		rp->sides = true;
		*peer = r;
		*has_peer = true;
	} else if (fseeko(rp->fp, after, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: %s", rp->path, strerror(errno));
		return (-1);
	} else
		rp->lineno = lineno;
	return (1);
}

/* The scenario's "what to watch" for a recorded row, as it was live. */
static const char *
replay_caption(const struct record *r)
{
	enum engine_mode	 mode;
	const char		*cap = NULL;

	if (engine_mode_parse(r->fig.mode, &mode) == 0)
		cap = engine_scenario_caption(r->fig.scenario, mode,
		    r->fig.variant);
	return (cap != NULL ? cap : replay_caption_unknown);
}

/* Load the sample after the one handed out; remember an error for later. */
static void
replay_advance(struct replay *rp)
{
	off_t	off;

	switch (replay_read(rp, rp->last_t, rp->have_last_t, &rp->next,
	    &rp->next_peer, &rp->next_has_peer, &off, rp->err,
	    sizeof rp->err)) {
	case 1:
		rp->have_next = true;
		break;
	case 0:
		rp->have_next = false;
		break;
	default:
		rp->have_next = false;
		rp->failed = true;
		break;
	}
}

/* The pause after the last sample before a loop starts again, in s. */
static double
replay_wrap_gap(const struct replay *rp)
{
	double	gap = 1;

	if (rp->total >= 2)
		gap = rp->marks[rp->total - 1].t - rp->marks[rp->total - 2].t;
	return (gap > 0 ? gap : 1);
}

/* When the next sample (or the loop's start again) is due. */
static uint64_t
replay_due(const struct replay *rp)
{
	double	t = rp->have_next ? rp->next.fig.t : rp->last_t +
		    replay_wrap_gap(rp);
	double	d = (t - rp->base_t) / replay_speeds[rp->speed];

	return (rp->base_wall + (uint64_t)(d > 0 ? d * 1e9 : 0));
}

/* Whether the end of the file starts the recording again now or later. */
static bool
replay_wraps(const struct replay *rp)
{
	return (rp->looping && !rp->have_next && !rp->failed &&
	    !rp->stopped && rp->have_last_t);
}

/* Set the timer for the next sample, or stop it. */
static void
replay_arm(struct replay *rp)
{
	struct itimerspec	its;
	uint64_t		due;

	memset(&its, 0, sizeof its);
	if (!rp->paused && (rp->have_next || rp->failed || replay_wraps(rp))) {
		due = rp->started && !rp->failed ? replay_due(rp) : 1;
		if (due == 0)
			due = 1;
		its.it_value.tv_sec = (time_t)(due / 1000000000u);
		its.it_value.tv_nsec = (long)(due % 1000000000u);
	}
	timerfd_settime(rp->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Count from now and the newest sample shown, at the current speed. */
static void
replay_rebase(struct replay *rp)
{
	if (!rp->started)
		return;
	rp->base_wall = util_now_ns();
	rp->base_t = rp->have_last_t ? rp->last_t : rp->next.fig.t;
}

/*
 * Open a recording and read it through: every line must be a sample (or
 * the summary) and time must not go back.  history is how many samples
 * the model keeps, the most a seek needs to read.  NULL with FILE:LINE:
 * what, or FILE: a directory.
 */
struct replay *
replay_open(const char *path, size_t history, char *err, size_t errlen)
{
	struct replay		*rp = xcalloc(1, sizeof *rp);
	struct record		 r, prev, peer;
	bool			 has_peer;
	struct stat		 st;
	size_t			 cap = 0;
	off_t			 off;

	rp->since_peer = REPLAY_PEER_GONE;
	int			 got;

	memset(&prev, 0, sizeof prev);
	rp->tfd = -1;
	rp->path = xmalloc(strlen(path) + 1);
	strcpy(rp->path, path);
	rp->name = strrchr(rp->path, '/') ? strrchr(rp->path, '/') + 1 :
	    rp->path;
	rp->speed = REPLAY_SPEED_1X;
	rp->history = history > 0 ? history : 1;
	if ((rp->fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fileno(rp->fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: a directory, not a recording: "
		    "--replay plays a file that --record or --batch wrote",
		    path);
		goto fail;
	}
	while ((got = replay_read(rp, prev.fig.t, rp->total > 0, &r, &peer,
	    &has_peer, &off, err, errlen)) == 1) {
		if (rp->total == cap) {
			cap = cap ? cap * 2 : 256;
			rp->marks = xrealloc(rp->marks, cap *
			    sizeof *rp->marks);
		}
		rp->marks[rp->total].off = off;
		rp->marks[rp->total].lineno = rp->lineno - 1;
		rp->marks[rp->total].t = r.fig.t;
		rp->marks[rp->total].change = rp->total > 0 ?
		    model_record_changes(&prev.fig, &r.fig) : 0;
		prev = r;
		rp->total++;
	}
	if (got < 0)
		goto fail;
	if (rp->total == 0) {
		snprintf(err, errlen, "%s: no samples in it: not a cswviz "
		    "recording", path);
		goto fail;
	}
	if (fseeko(rp->fp, rp->marks[0].off, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	rp->lineno = rp->marks[0].lineno;
	if ((rp->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) < 0) {
		snprintf(err, errlen, "timerfd: %s", strerror(errno));
		goto fail;
	}
	replay_advance(rp);
	replay_arm(rp);
	return (rp);

fail:
	replay_close(rp);
	return (NULL);
}

/* Close the file and the timer. */
void
replay_close(struct replay *rp)
{
	if (rp == NULL)
		return;
	if (rp->fp != NULL)
		fclose(rp->fp);
	if (rp->tfd >= 0)
		close(rp->tfd);
	free(rp->marks);
	free(rp->line);
	free(rp->path);
	free(rp);
}

/* The timer to poll: readable when a sample may be due. */
int
replay_fd(const struct replay *rp)
{
	return (rp->tfd);
}

/*
 * Put a row into the model with its scenario's caption, and side by side
 * its fibers row into the peer model.
 */
static void
replay_push(struct replay *rp, const struct record *r,
    const struct record *peer, bool has_peer, struct model *m)
{
	struct model_record	fig = r->fig;

	fig.caption = replay_caption(r);
	model_push_record(m, &fig);
	rp->shown = *r;
	if (has_peer)
		rp->since_peer = 0;
	else if (rp->since_peer < REPLAY_PEER_GONE)
		rp->since_peer++;
	if (has_peer && rp->peer != NULL) {
		fig = peer->fig;
		fig.caption = replay_caption(peer);
		model_push_record(rp->peer, &fig);
	}
}

/* Hand out the next sample and read the one after. */
static void
replay_hand_out(struct replay *rp, struct model *m)
{
	replay_push(rp, &rp->next, &rp->next_peer, rp->next_has_peer, m);
	rp->pos++;
	rp->last_t = rp->next.fig.t;
	rp->have_last_t = true;
	replay_advance(rp);
}

/*
 * Show sample k as if the replay had played up to it: a fresh history of
 * the samples before it that the model keeps, then k; playing goes on
 * from there.  0, or -1 with what went wrong (the file changed under us).
 */
static int
replay_show(struct replay *rp, struct model *m, size_t k, char *err,
    size_t errlen)
{
	struct record	r, peer;
	size_t		first = k + 1 > rp->history ? k + 1 - rp->history : 0;
	size_t		i;
	off_t		off;
	int		got;
	bool		has_peer;

	if (fseeko(rp->fp, rp->marks[first].off, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: %s", rp->path, strerror(errno));
		return (-1);
	}
	rp->lineno = rp->marks[first].lineno;
	model_reset(m);
	rp->since_peer = REPLAY_PEER_GONE;
	if (rp->peer != NULL)
		model_reset(rp->peer);
	for (i = first; i <= k; i++) {
		got = replay_read(rp, 0, false, &r, &peer, &has_peer, &off,
		    err, errlen);
		if (got == 0)
			snprintf(err, errlen, "%s: the file is shorter than "
			    "when it was opened", rp->path);
		if (got != 1)
			return (-1);
		replay_push(rp, &r, &peer, has_peer, m);
	}
	rp->pos = k + 1;
	rp->last_t = rp->marks[k].t;
	rp->have_last_t = true;
	rp->failed = rp->stopped = false;
	replay_advance(rp);
	if (!rp->started) {
		rp->started = true;
		rp->base_wall = util_now_ns();
		rp->base_t = rp->last_t;
	} else
		replay_rebase(rp);
	replay_arm(rp);
	return (0);
}

/*
 * Put every sample that is due into the model: how many, or -1 once, with
 * FILE:LINE: what, when the line after the last sample is bad (the replay
 * stops there).  With the loop on, the end starts the recording again.
 */
int
replay_feed(struct replay *rp, struct model *m, char *err, size_t errlen)
{
	uint64_t	expirations, now;
	ssize_t		n;
	int		fed = 0;

	n = read(rp->tfd, &expirations, sizeof expirations);
	(void)n;
	for (;;) {
		if (!rp->have_next && rp->failed) {
			rp->failed = false;
			rp->stopped = true;
			snprintf(err, errlen, "%s", rp->err);
			replay_arm(rp);
			return (-1);
		}
		if (rp->paused || (!rp->have_next && !replay_wraps(rp)))
			break;
		now = util_now_ns();
		if (!rp->started) {
			rp->started = true;
			rp->base_wall = now;
			rp->base_t = rp->next.fig.t;
		}
		if (now < replay_due(rp))
			break;
		if (!rp->have_next) {
			if (replay_show(rp, m, 0, err, errlen) != 0) {
				rp->stopped = true;
				replay_arm(rp);
				return (-1);
			}
		} else
			replay_hand_out(rp, m);
		fed++;
	}
	replay_arm(rp);
	return (fed);
}

/* One sample now, whatever its time, and pause: 1, 0 at the end, or -1. */
int
replay_step(struct replay *rp, struct model *m, char *err, size_t errlen)
{
	rp->paused = true;
	if (!rp->have_next) {
		if (rp->failed)
			return (replay_feed(rp, m, err, errlen));
		replay_arm(rp);
		return (0);
	}
	rp->started = true;
	replay_hand_out(rp, m);
	replay_arm(rp);
	return (1);
}

/* Seconds in a recording as a person reads them: "6.5 s", "2:05". */
static void
replay_time(double t, char *buf, size_t len)
{
	long	s = (long)(t + 0.5);

	if (t < 60)
		snprintf(buf, len, "%.1f s", t);
	else if (s < 3600)
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
	else
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
		    s % 60);
}

/* The time of sample k from the start of the recording. */
static double
replay_at(const struct replay *rp, size_t k)
{
	return (rp->marks[k].t - rp->marks[0].t);
}

/* The index of the sample on screen, or the first when none is yet. */
static size_t
replay_cur(const struct replay *rp)
{
	size_t	k = rp->pos > 0 ? rp->pos - 1 : 0;

	return (k < rp->total ? k : rp->total - 1);
}

/*
 * Jump by seconds of the recording (back when negative) from the sample
 * shown: 1 with where to in msg, 0 with why not (an end), -1 on error.
 * Each press moves at least one sample.
 */
int
replay_seek_time(struct replay *rp, struct model *m, double by, char *msg,
    size_t len)
{
	size_t	cur = replay_cur(rp), lo, hi, mid, k;
	double	want = rp->marks[cur].t + by;
	char	at[32], all[32];

	if (by < 0 && cur == 0 && rp->pos > 0) {
		snprintf(msg, len, "this is the start of the recording");
		return (0);
	}
	if (by > 0 && cur + 1 >= rp->total) {
		snprintf(msg, len, "this is the end of the recording: 0 "
		    "starts it again");
		return (0);
	}
	/* The first sample at or after want. */
	lo = 0;
	hi = rp->total;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rp->marks[mid].t < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (by < 0) {
		/* Back: the last sample at or before want. */
		k = lo < rp->total && rp->marks[lo].t == want ? lo :
		    lo > 0 ? lo - 1 : 0;
		if (k >= cur && rp->pos > 0)
			k = cur - 1;
	} else {
		k = lo < rp->total ? lo : rp->total - 1;
		if (k <= cur && rp->pos > 0)
			k = cur + 1;
	}
	if (replay_show(rp, m, k, msg, len) != 0)
		return (-1);
	replay_time(replay_at(rp, k), at, sizeof at);
	replay_time(replay_at(rp, rp->total - 1), all, sizeof all);
	snprintf(msg, len, "%s %g s: at %s of %s", by < 0 ? "back" : "on",
	    by < 0 ? -by : by, at, all);
	return (1);
}

/* A stack size for a message: "64 KiB", "8 MiB". */
static void
replay_bytes(long long b, char *buf, size_t len)
{
	if (b >= (1LL << 20) && b % (1LL << 20) == 0)
		snprintf(buf, len, "%lld MiB", b >> 20);
	else if (b >= 1024 && b % 1024 == 0)
		snprintf(buf, len, "%lld KiB", b >> 10);
	else
		snprintf(buf, len, "%lld bytes", b);
}

/* Say what changed at a row: "mode fibers, P=4". */
static void
replay_describe(unsigned ch, const struct record *r, char *buf, size_t len)
{
	size_t	used = 0;
	char	part[80], stk[32];

	buf[0] = '\0';
#define REPLAY_PART(...) do {						\
	snprintf(part, sizeof part, __VA_ARGS__);			\
	used += (size_t)snprintf(buf + used, used < len ? len - used : 0, \
	    "%s%s", used ? ", " : "", part);				\
} while (0)
	if (ch & MODEL_CHG_SCENARIO)
		REPLAY_PART("scenario %s", r->fig.scenario);
	if (ch & MODEL_CHG_MODE)
		REPLAY_PART("mode %s", r->fig.mode);
	if (ch & MODEL_CHG_VARIANT)
		REPLAY_PART("b %s", r->fig.variant ? "on" : "off");
	if (ch & (MODEL_CHG_TASKS_UP | MODEL_CHG_TASKS_DOWN))
		REPLAY_PART("tasks %ld", r->tasks_target);
	if (ch & (MODEL_CHG_WORKERS_UP | MODEL_CHG_WORKERS_DOWN))
		REPLAY_PART("P=%d", r->fig.workers);
	if (ch & MODEL_CHG_STACK) {
		replay_bytes(r->stack_bytes, stk, sizeof stk);
		REPLAY_PART("stack %s", stk);
	}
#undef REPLAY_PART
}

/*
 * Jump to the previous (dir < 0) or next sample where the session changed:
 * 1 with what changed in msg, 0 with why not, -1 on error.
 */
int
replay_seek_change(struct replay *rp, struct model *m, int dir, char *msg,
    size_t len)
{
	size_t	cur = replay_cur(rp), k, nth = 0, all = 0, i;
	bool	found = false;
	char	at[32], what[160];

	if (dir > 0) {
		for (k = rp->pos > 0 ? cur + 1 : 0; k < rp->total; k++)
			if ((found = rp->marks[k].change != 0))
				break;
	} else {
		for (k = cur; k-- > 0;)
			if ((found = rp->marks[k].change != 0))
				break;
	}
	replay_time(replay_at(rp, cur), at, sizeof at);
	if (!found) {
		snprintf(msg, len, "no change of scenario, mode, variant or "
		    "knob %s %s", dir > 0 ? "after" : "before", at);
		return (0);
	}
	if (replay_show(rp, m, k, msg, len) != 0)
		return (-1);
	for (i = 0; i < rp->total; i++) {
		if (rp->marks[i].change == 0)
			continue;
		all++;
		if (i <= k)
			nth++;
	}
	replay_time(replay_at(rp, k), at, sizeof at);
	replay_describe(rp->marks[k].change, &rp->shown, what, sizeof what);
	snprintf(msg, len, "change %zu of %zu, at %s: %s", nth, all, at,
	    what);
	return (1);
}

/* From the first sample again, paused or playing as before. */
int
replay_restart(struct replay *rp, struct model *m, char *err, size_t len)
{
	return (replay_show(rp, m, 0, err, len));
}

/* Whether the replay has nothing more to play: its end, or a bad line. */
bool
replay_ended(const struct replay *rp)
{
	return (!rp->have_next && rp->pos > 0);
}

/* Pause or resume; a resume counts on from the sample shown. */
void
replay_pause(struct replay *rp, bool on)
{
	if (rp->paused && !on)
		replay_rebase(rp);
	rp->paused = on;
	replay_arm(rp);
}

/* Whether the replay is paused. */
bool
replay_paused(const struct replay *rp)
{
	return (rp->paused);
}

/* Turn the loop on or off; returns whether it is on. */
bool
replay_loop(struct replay *rp)
{
	rp->looping = !rp->looping;
	if (replay_wraps(rp))
		replay_rebase(rp);
	replay_arm(rp);
	return (rp->looping);
}

/* Play faster (dir > 0) or slower (dir < 0); returns the new speed. */
double
replay_speed(struct replay *rp, int dir)
{
	int	n = (int)CSW_ARRAY_LEN(replay_speeds);

	if (dir > 0 && rp->speed + 1 < n)
		rp->speed++;
	else if (dir < 0 && rp->speed > 0)
		rp->speed--;
	if (!rp->paused)
		replay_rebase(rp);
	replay_arm(rp);
	return (replay_speeds[rp->speed]);
}

/*
 * What the file holds, said once at the start: "FILE: 42 samples over
 * 18.9 s, 6 changes".
 */
void
replay_summary(const struct replay *rp, char *buf, size_t len)
{
	size_t	i, changes = 0;
	char	all[32];

	for (i = 0; i < rp->total; i++)
		changes += rp->marks[i].change != 0;
	replay_time(replay_at(rp, rp->total - 1), all, sizeof all);
	snprintf(buf, len, "%s: %zu samples over %s, %zu change%s of "
	    "scenario, mode, variant or knob", rp->name, rp->total, all,
	    changes, changes == 1 ? "" : "s");
}

/* How many samples the recording holds. */
size_t
replay_samples(const struct replay *rp)
{
	return (rp->total);
}

/* The recording's file name, without its directory. */
const char *
replay_name(const struct replay *rp)
{
	return (rp->name);
}

/*
 * Side by side: the model the fibers lines go into.  Whether the file
 * has any, and whether the sample shown has one (the split view is on
 * from there).
 */
void
replay_set_peer(struct replay *rp, struct model *m)
{
	rp->peer = m;
}

bool
replay_has_sides(const struct replay *rp)
{
	return (rp->sides);
}

bool
replay_shown_sides(const struct replay *rp)
{
	return (rp->since_peer < REPLAY_PEER_GONE);
}

/*
 * Put the whole recording into the model (made for replay_samples of
 * them), as --export draws it: 0, or -1 with what went wrong.
 */
int
replay_show_all(struct replay *rp, struct model *m, char *err, size_t len)
{
	rp->history = rp->total;
	return (replay_show(rp, m, rp->total - 1, err, len));
}

/*
 * "REPLAY 12/300 6.5 s 2x loop paused": the place in the header; the file
 * name is in replay_summary, as it would crowd the header at 80 columns.
 * Its short form in sbuf, "REPLAY 12/300 paused", for half a header.
 */
void
replay_status(const struct replay *rp, char *buf, size_t len, char *sbuf,
    size_t slen)
{
	const char	*state = "";
	char		 at[32];

	if (rp->stopped || rp->failed)
		state = " stopped";
	else if (!rp->have_next && !rp->looping)
		state = " end";
	else if (rp->paused)
		state = " paused";
	replay_time(rp->have_last_t ? rp->last_t - rp->marks[0].t : 0, at,
	    sizeof at);
	snprintf(buf, len, "REPLAY %zu/%zu %s %gx%s%s", rp->pos, rp->total,
	    at, replay_speeds[rp->speed], rp->looping ? " loop" : "", state);
	snprintf(sbuf, slen, "REPLAY %zu/%zu%s", rp->pos, rp->total, state);
}

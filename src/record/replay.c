/*
 * The replay player: lines of a recording, handed out when their time
 * comes.
 */
#include <sys/timerfd.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/record.h"
#include "record/replay.h"
#include "util/util.h"

static const double	replay_speeds[] = { 0.25, 0.5, 1, 2, 4, 8 };
#define REPLAY_SPEED_1X	2	/* index of 1x */

struct replay {
	FILE			*fp;
	char			*path;
	const char		*name;		/* the file name, no directory */
	char			*line;
	size_t			 cap;
	long			 lineno;
	size_t			 total;		/* samples in the file */
	size_t			 pos;		/* samples handed out */
	double			 last_t;	/* of the sample handed out */
	bool			 have_last_t;

	struct model_record	 next;		/* the sample to come */
	bool			 have_next;
	bool			 failed;	/* the next line was bad */
	bool			 stopped;	/* and that was said */
	char			 err[REPLAY_ERRLEN];

	int			 tfd;
	bool			 started, paused;
	int			 speed;		/* index into replay_speeds */
	uint64_t		 base_wall;	/* when base_t was shown */
	double			 base_t;
};

/*
 * Read the next sample of the file: 1, or 0 at its end, or -1 with
 * FILE:LINE: what is wrong.  Blank lines and the summary are skipped.
 */
static int
replay_read(struct replay *rp, double prev_t, bool have_prev,
    struct model_record *out, char *err, size_t errlen)
{
	struct record	r;
	char		what[256];
	ssize_t		n;
	size_t		i;

	for (;;) {
		errno = 0;
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
		if (have_prev && r.fig.t < prev_t) {
			snprintf(err, errlen, "%s:%ld: time goes back from "
			    "%.3f to %.3f s (two recordings joined?)",
			    rp->path, rp->lineno, prev_t, r.fig.t);
			return (-1);
		}
		*out = r.fig;
		return (1);
	}
}

/* Load the sample after the one handed out; remember an error for later. */
static void
replay_advance(struct replay *rp)
{
	switch (replay_read(rp, rp->last_t, rp->have_last_t, &rp->next,
	    rp->err, sizeof rp->err)) {
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

/* When the next sample is due on CLOCK_MONOTONIC. */
static uint64_t
replay_due(const struct replay *rp)
{
	double	d = (rp->next.t - rp->base_t) / replay_speeds[rp->speed];

	return (rp->base_wall + (uint64_t)(d > 0 ? d * 1e9 : 0));
}

/* Set the timer for the next sample, or stop it. */
static void
replay_arm(struct replay *rp)
{
	struct itimerspec	its;
	uint64_t		due;

	memset(&its, 0, sizeof its);
	if (!rp->paused && (rp->have_next || rp->failed)) {
		due = rp->started && rp->have_next ? replay_due(rp) : 1;
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
	rp->base_t = rp->have_last_t ? rp->last_t : rp->next.t;
}

/*
 * Open a recording and read it through: every line must be a sample (or
 * the summary) and time must not go back.  NULL with FILE:LINE: what.
 */
struct replay *
replay_open(const char *path, char *err, size_t errlen)
{
	struct replay		*rp = xcalloc(1, sizeof *rp);
	struct model_record	 r;
	double			 prev = 0;
	int			 got;

	rp->tfd = -1;
	rp->path = xmalloc(strlen(path) + 1);
	strcpy(rp->path, path);
	rp->name = strrchr(rp->path, '/') ? strrchr(rp->path, '/') + 1 :
	    rp->path;
	rp->speed = REPLAY_SPEED_1X;
	if ((rp->fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while ((got = replay_read(rp, prev, rp->total > 0, &r, err,
	    errlen)) == 1) {
		prev = r.t;
		rp->total++;
	}
	if (got < 0)
		goto fail;
	if (rp->total == 0) {
		snprintf(err, errlen, "%s: no samples in it: not a cswviz "
		    "recording", path);
		goto fail;
	}
	rewind(rp->fp);
	rp->lineno = 0;
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

/* Hand out the next sample and read the one after. */
static void
replay_hand_out(struct replay *rp, struct model_record *out)
{
	*out = rp->next;
	rp->pos++;
	rp->last_t = rp->next.t;
	rp->have_last_t = true;
	replay_advance(rp);
}

/*
 * The next sample if it is due: 1; 0 if none is due now; -1 once, with
 * FILE:LINE: what, when the line after the last sample is bad (the replay
 * stops there).
 */
int
replay_take(struct replay *rp, struct model_record *out, char *err,
    size_t errlen)
{
	uint64_t	expirations, now;
	ssize_t		n;

	n = read(rp->tfd, &expirations, sizeof expirations);
	(void)n;
	if (!rp->have_next) {
		if (!rp->failed)
			return (0);
		rp->failed = false;
		rp->stopped = true;
		snprintf(err, errlen, "%s", rp->err);
		replay_arm(rp);
		return (-1);
	}
	if (rp->paused)
		return (0);
	now = util_now_ns();
	if (!rp->started) {
		rp->started = true;
		rp->base_wall = now;
		rp->base_t = rp->next.t;
	}
	if (now < replay_due(rp)) {
		replay_arm(rp);
		return (0);
	}
	replay_hand_out(rp, out);
	replay_arm(rp);
	return (1);
}

/* One sample now, whatever its time, and pause: 1, 0 at the end, or -1. */
int
replay_step(struct replay *rp, struct model_record *out, char *err,
    size_t errlen)
{
	rp->paused = true;
	if (!rp->have_next)
		return (replay_take(rp, out, err, errlen));
	rp->started = true;
	replay_hand_out(rp, out);
	replay_arm(rp);
	return (1);
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

/* "REPLAY file 12/300 2x", and paused or the end. */
void
replay_status(const struct replay *rp, char *buf, size_t len)
{
	const char	*state = "";

	if (rp->stopped || rp->failed)
		state = " stopped";
	else if (!rp->have_next)
		state = " end";
	else if (rp->paused)
		state = " paused";
	snprintf(buf, len, "REPLAY %s %zu/%zu %gx%s", rp->name, rp->pos,
	    rp->total, replay_speeds[rp->speed], state);
}

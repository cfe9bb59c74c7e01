/* SPDX-License-Identifier: ISC */
/*
 * --replay: a recording played back at its own pace (the t of each line,
 * times a speed from 0.25x to 8x), with pause, step, seeks and a loop.
 * replay_open reads the file through once: a truncated or foreign file is
 * refused before the screen starts, and that pass notes where each sample
 * is and where the session changed (scenario, mode, variant or a knob), so
 * that a seek reads only the samples it shows.  Playing on reads the file
 * a line at a time from there.
 *
 * Owned and called by the loop thread.  replay_fd is a timer that becomes
 * readable when a sample is due; then replay_feed puts what is due into
 * the model.  A seek rebuilds the model's history up to the sample it
 * shows, as if the replay had played there.
 *
 * A recording side by side (--compare) has a threads line and a fibers
 * line ("side") a sample: the threads lines are the samples, counted,
 * timed and sought as above; each one's fibers line goes into the peer
 * model (replay_set_peer) as it is handed out.
 */
#ifndef CSW_REPLAY_H
#define CSW_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define REPLAY_ERRLEN	320

struct replay;

struct replay	*replay_open(const char *, size_t, char *, size_t);
void		 replay_close(struct replay *);
int		 replay_fd(const struct replay *);
int		 replay_feed(struct replay *, struct model *, char *, size_t);
int		 replay_step(struct replay *, struct model *, char *, size_t);
int		 replay_seek_time(struct replay *, struct model *, double,
		    char *, size_t);
int		 replay_seek_change(struct replay *, struct model *, int,
		    char *, size_t);
int		 replay_restart(struct replay *, struct model *, char *,
		    size_t);
bool		 replay_ended(const struct replay *);
void		 replay_pause(struct replay *, bool);
bool		 replay_paused(const struct replay *);
bool		 replay_loop(struct replay *);
double		 replay_speed(struct replay *, int);
void		 replay_summary(const struct replay *, char *, size_t);
void		 replay_status(const struct replay *, char *, size_t, char *,
		    size_t);
size_t		 replay_samples(const struct replay *);
const char	*replay_name(const struct replay *);
int		 replay_show_all(struct replay *, struct model *, char *,
		    size_t);
/* Side by side (--compare): fibers lines go into their own model. */
void		 replay_set_peer(struct replay *, struct model *);
bool		 replay_has_sides(const struct replay *);
bool		 replay_shown_sides(const struct replay *);

#endif

/*
 * --replay: a recording played back at its own pace (the t of each line,
 * times a speed from 0.25x to 8x), with pause and step.  The player reads
 * the file a line at a time; replay_open has already read it through once,
 * so a truncated or foreign file is refused before the screen starts.
 *
 * Owned and called by the loop thread.  replay_fd is a timer that becomes
 * readable when a sample is due; then replay_take hands out what is due.
 */
#ifndef CSW_REPLAY_H
#define CSW_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define REPLAY_ERRLEN	320

struct replay;

struct replay	*replay_open(const char *, char *, size_t);
void		 replay_close(struct replay *);
int		 replay_fd(const struct replay *);
int		 replay_take(struct replay *, struct model_record *, char *,
		    size_t);
int		 replay_step(struct replay *, struct model_record *, char *,
		    size_t);
void		 replay_pause(struct replay *, bool);
bool		 replay_paused(const struct replay *);
double		 replay_speed(struct replay *, int);
void		 replay_status(const struct replay *, char *, size_t);

#endif

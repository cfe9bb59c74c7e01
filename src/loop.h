/* SPDX-License-Identifier: ISC */
/*
 * The event loop: sample -> model -> redraw; key -> action -> apply.
 * Runs on the main thread; the only code that changes the engine while
 * the program runs.
 */
#ifndef CSW_LOOP_H
#define CSW_LOOP_H

#include <stdbool.h>
#include <termkey.h>

#include "tui/keymap.h"

struct child;
struct sampler;
struct model;
struct replay;
struct recorder;

/*
 * Where samples come from and go besides the screen; both optional.  With
 * a replay the engine and the sampler are NULL.
 */
struct loop_tape {
	struct replay	*replay;	/* --replay: samples from a file */
	struct recorder	*recorder;	/* --record: each sample to a file */
};

/* How the loop ended. */
struct loop_exit {
	int	status;		/* exit status when signal is 0 */
	int	signal;		/* the signal that ended it, or 0 */
	char	why[160];	/* a message for stderr, or "" */
};

struct warns;

/*
 * The split view (c, --compare): a second workload child, fibers beside
 * the first one's threads, with the same scenario and knobs, its own
 * sampler and its own model.  main owns the struct; the loop starts and
 * stops the side, and main ends what still runs after the loop.
 */
struct loop_peer {
	struct child	*e;		/* the fibers side; NULL: one side */
	struct sampler	*sp;
	struct model	*m;		/* its history, for the session */
	const char	*root;		/* the proc root both samplers read */
};

/* How the loop starts. */
struct loop_config {
	bool		 ascii;		/* no Unicode glyphs */
	bool		 tour;		/* --tour: start at its first step */
	const char	*warn;		/* a first footer message, or NULL */
	const char	*figures;	/* where the e key saves; NULL: . */
	struct warns	*warns;		/* the rules, evaluated each sample */
	struct loop_peer *peer;		/* the split view's side, or NULL */
};

bool	loop_action_applies(enum action);
int	loop_peer_start(struct loop_peer *, struct child *, struct sampler *,
	    char *, size_t);
void	loop_peer_stop(struct loop_peer *);
int	loop_signals_init(void);
void	loop_signals_done(void);
void	loop_run(struct child *, struct sampler *, struct model *,
	    struct loop_tape *, TermKey *, const struct loop_config *,
	    struct loop_exit *);

#endif

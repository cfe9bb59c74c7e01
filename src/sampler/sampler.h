/*
 * The sampler: a thread of its own that reads /proc, getrusage, mincore and
 * the engine's counters once per interval and hands the newest sample to
 * the loop.  It never blocks the loop: the loop polls sampler_fd() and takes
 * the sample with sampler_take(), which only copies under a short lock.
 *
 * sampler_start, sampler_set_interval, sampler_set_detail, sampler_take and
 * sampler_stop are called from the loop thread.  A sample taken while the
 * detail (the thread table) is on carries a heap table in sample.rows that
 * the taker owns and frees with thread_rows_free (model_push does).  sampler_collect is the pass itself, exposed
 * so that tests can run it on a fixture proc root.
 */
#ifndef CSW_SAMPLER_H
#define CSW_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sampler/sample.h"

struct engine;
struct sampler;

/* A thread whose files the thread table keeps open between passes. */
struct sampler_task {
	int		 tid;
	int		 fd_stat, fd_status, fd_sched;	/* -1: read by path */
};

/* State one collection pass keeps from one pass to the next. */
struct sampler_pass {
	const char		*root;		/* "/proc" or a fixture dir */
	struct engine		*engine;	/* may be NULL */
	struct engine_stack	*stacks;
	size_t			 stacks_cap;
	unsigned char		*vec;		/* mincore vector */
	size_t			 vec_cap;
	char			*buf;		/* file text */
	size_t			 buf_cap;
	uint64_t		*stack_com;	/* committed, per stacks[i] */
	bool			 detail;	/* read the thread table */
	struct sampler_task	*tasks;		/* open files, by TID */
	size_t			 ntasks;
	int			*tids;		/* this pass's TIDs */
	size_t			 tids_cap;
};

struct sampler	*sampler_start(struct engine *, const char *, uint64_t,
		    char *, size_t);
int		 sampler_fd(const struct sampler *);
bool		 sampler_take(struct sampler *, struct sample *);
void		 sampler_set_interval(struct sampler *, uint64_t);
void		 sampler_set_detail(struct sampler *, bool);
void		 sampler_kick(struct sampler *);
uint64_t	 sampler_interval(const struct sampler *);
void		 sampler_stop(struct sampler *);

void		 sampler_pass_init(struct sampler_pass *, const char *,
		    struct engine *);
void		 sampler_pass_free(struct sampler_pass *);
void		 sampler_collect(struct sampler_pass *, struct sample *);

#endif

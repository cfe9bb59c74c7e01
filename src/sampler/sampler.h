/* SPDX-License-Identifier: ISC */
/*
 * The sampler: a thread of its own that reads /proc, getrusage, mincore and
 * the engine's counters once per interval and hands the newest sample to
 * the loop.  sampler_create starts the thread, waiting; sampler_watch
 * then gives it a workload child (child.h) to observe, so that cswviz's
 * own thread exists before a workload can take the user's last thread
 * (RLIMIT_NPROC counts every thread of the user).  It observes the child's
 * /proc/PID, its stacks through /proc/PID/pagemap, and the counters and
 * getrusage it publishes in shared memory; a pass asks the child to
 * publish as it begins.  A pass without a child observes this process
 * (/proc/self, mincore, an in-process engine), as the tests and the
 * bench run it.  It never blocks the loop: the loop polls sampler_fd() and takes
 * the sample with sampler_take(), which only copies under a short lock.
 *
 * sampler_create, sampler_watch, sampler_set_interval, sampler_set_detail,
 * sampler_set_visible, sampler_take and sampler_stop are called from the
 * loop thread.  A sample taken while the detail (the thread table) is on
 * carries a heap table in sample.rows that the taker owns and frees with
 * thread_rows_free (model_push does).
 *
 * sampler_pass_init, sampler_pass_visible, sampler_collect and
 * sampler_pass_free are one pass and its state, exposed so that tests and
 * the bench can run it on a fixture proc root or their own threads; a pass
 * belongs to one thread at a time.
 */
#ifndef CSW_SAMPLER_H
#define CSW_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>

#include "sampler/sample.h"

struct child;
struct engine;
struct engine_stack;
struct engine_fiber_memory;
struct sampler;
struct sampler_target;

/*
 * What the sampler knows of one thread between passes: its last two
 * readings, and (while its row is on screen) its files kept open.
 */
struct sampler_task {
	int		 tid;
	int		 fd_stat, fd_status, fd_sched;	/* -1: read by path */
	uint32_t	 seen;		/* the rotation it was last listed in */
	bool		 again;		/* read again next pass: a wait probe */
	bool		 probed;	/* read this pass as a probe only */
	bool		 sp_known;	/* -p: sp read from its syscall file */
	uintptr_t	 sp;		/* -p: its stack pointer */
	bool		 has_rate;	/* -p: two readings with switches */
	double		 vrate, ivrate;	/* -p: switches/s between them */
	struct thread_row row;		/* the newest reading, and the one before */
};

/*
 * Stacks to measure without an engine (the bench's own threads or
 * fibers): the same calls as engine_stacks and engine_fiber_memory.
 */
typedef size_t (*sampler_stacks_fn)(void *, struct engine_stack *, size_t);
typedef int (*sampler_fibers_fn)(void *, struct engine_fiber_memory *);

/*
 * Per-thread reads are bounded, and so is the listing: listing 10,000
 * threads costs more than reading a thousand of them.  The task directory
 * stays open, and each pass lists only the next `budget` entries from
 * where the last pass stopped (rewinding at its end: one rotation), reads
 * those threads, and reads the threads on screen (sampler_set_visible).
 * Every thread is thus read every Threads/budget passes.  The budget
 * follows the measured CPU cost of listing and reading one thread so that
 * the share takes about SAMPLER_SHARE_PPM of the interval, and is never
 * below SAMPLER_ROTATE_MIN.  A thread not listed in a whole rotation has
 * exited and leaves the table.
 */
#define SAMPLER_SHARE_PPM	3000	/* 0.3% of one CPU */
/*
 * With -p the threads' status (their switches) is read in every share,
 * and the process's switch rate is the sum of what each share's threads
 * did since their last reading: a bigger share keeps that sum close to
 * the moment.  smaps (the stacks' committed bytes) is read every pass
 * while it costs under SAMPLER_SMAPS_PPM, else once in as many passes as
 * it overran.  See sampler/target.c.
 */
#define SAMPLER_ATTACH_PPM	20000	/* 2% of one CPU */
#define SAMPLER_SMAPS_PPM	10000
/*
 * A rotation over 10,000 threads takes minutes, and a thread's run-queue
 * wait needs two readings: the first SAMPLER_WAIT_PROBES threads of each
 * share are read again in the next pass, so the wait per thread has
 * threads with two readings one interval apart from the second pass on.
 */
#define SAMPLER_WAIT_PROBES	32
/* mincore over thread stacks rotates the same way, by pages. */
#define SAMPLER_STACK_PPM	3000
#define SAMPLER_PAGES_MIN	4096

/* What the last mincore of one stack found. */
struct sampler_stack {
	uintptr_t	 base;
	size_t		 size;
	uint64_t	 committed;
	bool		 known;
};
#define SAMPLER_ROTATE_MIN	64
/*
 * A workload child publishes its counters when a pass asks, while the
 * pass reads the system's files; the pass waits at most this long for
 * them, else takes the last ones.
 */
#define SAMPLER_CHILD_WAIT_MS	20
/*
 * A scheduled pass asks the child this long before it begins, so that a
 * child whose threads are crowded by its own workload has answered by
 * then and the pass does not sit waiting: its rates are taken over the
 * times the child published (sample.pub_ns), so the lead costs nothing
 * in truth.
 */
#define SAMPLER_CHILD_LEAD_NS	50000000u
#define SAMPLER_ROTATE_FIRST	256	/* before a cost was measured */

/* State one collection pass keeps from one pass to the next. */
struct sampler_pass {
	const char		*root;		/* "/proc" or a fixture dir */
	struct engine		*engine;	/* may be NULL */
	struct child		*child;		/* observed instead: or NULL */
	bool			 asked;		/* the child was asked ahead */
	uint32_t		 asked_mark;	/* child_kick's mark then */
	/* The child's pid, or -p's (sampler_pass_target); 0: this one. */
	int			 pid;
	char			 self[16];	/* "self" or the pid, in paths */
	int			 pagemap_fd;	/* the child's, kept open */
	sampler_stacks_fn	 stacks_fn;	/* without an engine, or NULL */
	sampler_fibers_fn	 fibers_fn;	/* without an engine, or NULL */
	void			*stacks_arg;	/* for both */
	uint64_t		 interval_ns;	/* for the budget */
	struct engine_stack	*stacks;
	size_t			 stacks_cap;
	unsigned char		*vec;		/* mincore vector */
	size_t			 vec_cap;
	char			*buf;		/* file text */
	size_t			 buf_cap;
	struct sampler_stack	*scache;	/* per stacks[i], by base */
	size_t			 nscache;
	uintptr_t		 stack_next;	/* rotation: from this base */
	size_t			 page_budget;	/* pages per pass; 0: all */
	double			 page_cost_ns;	/* CPU per page measured */
	struct engine_fiber_memory *fm;	/* the fibers' last measure */
	bool			 fm_valid;
	uint32_t		 fm_skip, fm_age;	/* passes to reuse it */
	bool			 detail;	/* read the thread table */
	struct sampler_task	*tasks;		/* every listed thread, by TID */
	size_t			 ntasks;
	int			*tids;		/* this pass's share of TIDs */
	size_t			 tids_cap;
	DIR			*taskdir;	/* ROOT/self/task, kept open */
	uint32_t		 rotation;	/* rotations begun, from 1 */
	uint32_t		 prune_below;	/* a rotation ended: drop older */
	int			*visible;	/* TIDs on screen, sorted */
	size_t			 nvisible;
	size_t			 budget;	/* threads per pass; 0: all */
	bool			 fixed_budget;	/* tests: keep it as set */
	double			 thread_cost_ns;	/* CPU per thread read */
	/* The engine's cumulative latency counts at the pass before:
	   wakeups, ready-queue waits (engine_latency). */
	struct lat_counts	 lat_prev[2];
	uint32_t		 share_ppm;	/* the share's CPU goal */
	struct sampler_target	*target;	/* -p: what it keeps */
};

struct sampler	*sampler_create(const char *, uint64_t, char *, size_t);
void		 sampler_watch(struct sampler *, struct child *);
struct sampler	*sampler_start_target(int, const char *, uint64_t, char *,
		    size_t);
int		 sampler_fd(const struct sampler *);
bool		 sampler_take(struct sampler *, struct sample *);
void		 sampler_set_interval(struct sampler *, uint64_t);
void		 sampler_set_detail(struct sampler *, bool);
void		 sampler_set_visible(struct sampler *, const int *, size_t);
void		 sampler_kick(struct sampler *);
uint64_t	 sampler_interval(const struct sampler *);
void		 sampler_stop(struct sampler *);

void		 sampler_pass_init(struct sampler_pass *, const char *,
		    struct engine *);
void		 sampler_pass_ask(struct sampler_pass *);
void		 sampler_pass_child(struct sampler_pass *, struct child *);
void		 sampler_pass_free(struct sampler_pass *);
void		 sampler_pass_visible(struct sampler_pass *, const int *,
		    size_t);
void		 sampler_collect(struct sampler_pass *, struct sample *);
void		 sampler_pass_target(struct sampler_pass *, int);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The model: the only state the view reads.  It turns raw samples into
 * rates over the measured interval and keeps a history of each quantity.
 *
 * Owned by the loop thread: every call comes from that thread.  The view
 * reads it through the accessors below and never sees a struct sample
 * being written.
 */
#ifndef CSW_MODEL_H
#define CSW_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "sampler/sample.h"

enum model_series {
	MS_VCSW_RATE,		/* kernel voluntary switches/s, all threads */
	MS_IVCSW_RATE,		/* kernel involuntary switches/s */
	MS_CTXT_RATE,		/* system-wide switches/s (/proc/stat ctxt) */
	MS_FIBER_RATE,		/* user-space fiber switches/s */
	MS_HANDOFF_RATE,	/* token handoffs/s */
	MS_NS_PER_HANDOFF,	/* process CPU ns per handoff */
	MS_KSW_PER_HANDOFF,	/* kernel switches per handoff */
	MS_VM_SIZE,		/* bytes */
	MS_VM_RSS,		/* bytes */
	MS_STACK_RESERVED,	/* bytes */
	MS_STACK_COMMITTED,	/* bytes */
	MS_PROCS_RUNNING,
	MS_PROCS_BLOCKED,
	MS_LOAD_RUNNABLE,
	MS_LOAD_TOTAL,
	MS_THREADS,
	MS_THREADS_R,
	MS_THREADS_S,
	MS_THREADS_D,
	MS_KERNEL_STACK,	/* bytes, system-wide KernelStack */
	MS_FIBER_RUNQ,		/* fibers queued to run */
	MS_PSI_SOME,		/* CPU pressure, percent, avg10 */
	MS_WORK_RATE,		/* the scenario's units of work/s */
	MS_NS_PER_WORK,		/* process CPU ns per unit of work */
	MS_KSW_PER_WORK,	/* kernel switches per unit of work */
	MS_TASKS_ALIVE,		/* tasks running */
	MS_BLOCKED_TASKS,	/* tasks inside a blocking call */
	MS_BLOCKED_WORKERS,	/* fiber workers stuck in a system call */
	MS_LATENCY_MS,		/* mean latency of the interval, ms */
	MS_SAMPLER_MS,		/* duration of the pass, ms */
	MS_SAMPLER_CPU,		/* sampler CPU share, percent of one CPU */
	MS_SAMPLER_CPU_MS,	/* CPU time of the pass, ms */
	MS_RUN_WAIT,		/* run-queue wait per thread, ms per s */
	MS_WAKE_DUE_RATE,	/* wakeups/s the tasks' period asks for */
	MS_WAKE_LATE_MS,	/* mean wakeup - deadline of the interval, ms */
	MS_WAKE_MISSED_PCT,	/* periods that passed unwoken, % of due */
	MS_CPU_PCT,		/* the workload's CPU use, % of one CPU */
	MS_IDLE_SW_RATE,	/* kernel switches/s of idle fiber workers */
	/* Latency percentiles of the interval, us (sample.lat): for each of
	   SAMPLE_LAT_WAKE, _READY and _RUNQ, p50 p90 p99 p99.9 max in the
	   order of model_lat_quantiles. */
	MS_LAT_FIRST,
	MS_LAT_LAST = MS_LAT_FIRST + SAMPLE_LATS * 5 - 1,
	MS_COUNT
};

/* Columns of the thread table, in screen order; each can be a sort key. */
enum model_tcol {
	MT_TID,
	MT_NAME,
	MT_STATE,
	MT_CPU,
	MT_VCSW,	/* voluntary switches/s */
	MT_IVCSW,	/* involuntary switches/s */
	MT_WAIT,	/* ms per s runnable but waiting for a CPU */
	MT_STK_RES,	/* stack reserved, bytes */
	MT_STK_COM,	/* stack committed, bytes */
	MT_COUNT
};

/* One row of the thread table: rates over the measured interval. */
struct model_thread {
	int		 tid;
	char		 name[SAMPLE_NAMELEN];
	char		 state;
	int		 cpu;
	double		 vcsw, ivcsw;	/* per second; NAN: no rate yet */
	double		 wait_ms;	/* ms per s; NAN: no rate yet */
	double		 stk_res, stk_com;	/* bytes; NAN: not known */
};

/*
 * A sample already reduced to figures, as a recording holds it (the keys of
 * --batch, read back for --replay).  v[i] is NAN where a figure is not
 * available; absent[i] tells a figure the recording does not carry at all
 * from one it holds as null.
 */
#define MODEL_NAMELEN	32

struct model_record {
	double		 t;		/* seconds since the recording began */
	int		 pid;
	char		 mode[MODEL_NAMELEN];
	char		 scenario[MODEL_NAMELEN];
	long		 tasks;
	int		 workers;
	bool		 variant;	/* the b variant ran */
	char		 work_unit[MODEL_NAMELEN];	/* "": none */
	double		 v[MS_COUNT];
	bool		 absent[MS_COUNT];
	const char	*caption;	/* static, or NULL: none */
	/* The knobs, where the recording has them (older ones do not). */
	bool		 has_knobs;
	long		 tasks_target;
	double		 stack_bytes;	/* per task; 0: not recorded */
};

/*
 * What changed at a sample against the one before it, from the samples
 * themselves (so a replayed recording shows them too): a mark on the
 * graphs.  A scenario change starts a new segment: the graphs' scale
 * forgets what came before.  The other changes are comparisons within a
 * lesson and keep the scale.  The marked sample's rates straddle the
 * change: it is left out of every scale and drawn as the mark.
 */
#define MODEL_CHG_SCENARIO	0x01u
#define MODEL_CHG_MODE		0x02u
#define MODEL_CHG_VARIANT	0x04u
#define MODEL_CHG_TASKS_UP	0x08u
#define MODEL_CHG_TASKS_DOWN	0x10u
#define MODEL_CHG_WORKERS_UP	0x20u
#define MODEL_CHG_WORKERS_DOWN	0x40u
#define MODEL_CHG_STACK		0x80u

struct model;

struct model	*model_create(size_t);
void		 model_free(struct model *);
void		 model_push(struct model *, const struct sample *);
void		 model_push_record(struct model *, const struct model_record *);
/* What changed from one recorded sample to the next (MODEL_CHG_*), by the
   test the graphs' marks use; a stack change shows across a mode change
   too. */
unsigned	 model_record_changes(const struct model_record *,
		    const struct model_record *);
void		 model_freeze(struct model *, bool);
/* Forget the history: graphs and rates start again from the next sample. */
void		 model_reset(struct model *);
/* The workload was paused since the last sample: the next one starts
   the rates and the interval's figures afresh instead of spanning it. */
void		 model_gap(struct model *);
bool		 model_frozen(const struct model *);

size_t		 model_len(const struct model *);
double		 model_value(const struct model *, enum model_series, size_t);
double		 model_time_s(const struct model *, size_t);
const char	*model_why(const struct model *, enum model_series);
const struct sample *model_last(const struct model *);
bool		 model_recorded(const struct model *);
double		 model_interval_s(const struct model *);
double		 model_elapsed_s(const struct model *);

/*
 * Marks and scales, at ages as model_value counts them.  model_segment is
 * how many of the newest samples belong to the current scenario, its
 * marked first sample included.  model_scale is the scale of a graph
 * window samples wide of a (plus b when b is not MS_COUNT, the stacked
 * total): within that segment, the peak of the newest window samples of
 * each configuration (mode and variant) seen, on screen or scrolled off,
 * so threads and fibers (and the b variant and not) share one scale while
 * a burst at a start scrolls away; marked samples left out.  NAN when the
 * segment has no value.
 */
unsigned	 model_change(const struct model *, size_t);
size_t		 model_segment(const struct model *);
/* How many stacks the newest committed figure covers: while the threads'
   stacks are still being read for the first time, those read so far;
   else all of them (0 before the first sample). */
unsigned	 model_stacks_read(const struct model *);
double		 model_scale(const struct model *, enum model_series,
		    enum model_series, size_t);

/*
 * The thread table, built on each model_push from the rows the sample
 * carries (model_push takes them over and frees them).  Rates need the
 * same TID in two passes in a row; a thread that exited is gone.
 */
void		 model_threads_sort(struct model *, enum model_tcol, bool);
enum model_tcol	 model_threads_key(const struct model *, bool *);
size_t		 model_threads_len(const struct model *);
const struct model_thread *model_thread_at(const struct model *, size_t);
bool		 model_threads_capped(const struct model *, size_t *);

/*
 * Whether tasks that wake on a period (sleepers) keep their schedule in
 * the newest sample: behind when their wakeups are more than
 * MODEL_WAKE_LATE_MS late on average, or more than MODEL_WAKE_MISSED_PCT
 * of the periods due passed without a wakeup.  Live or replayed alike.
 */
#define MODEL_WAKE_LATE_MS	10.0
#define MODEL_WAKE_MISSED_PCT	10.0

enum model_wake {
	MODEL_WAKE_NONE,	/* no periodic tasks, or no figures yet */
	MODEL_WAKE_ON_TIME,
	MODEL_WAKE_BEHIND,
};

struct model_wakes {
	double		 rate;		/* wakeups/s made */
	double		 due;		/* wakeups/s the period asks for */
	double		 late_ms;	/* mean lateness */
	double		 missed_pct;	/* periods passed unwoken */
};

enum model_wake	 model_wake_state(const struct model *, struct model_wakes *);

/*
 * Latency distributions: the series of a percentile (q: an index into
 * model_lat_quantiles, MODEL_LAT_QS of them, the last the maximum), and
 * the newest interval's histogram, or NULL when there is none to draw (no
 * value this interval, or figures from a recording, which keeps only the
 * percentiles).
 */
#define MODEL_LAT_QS	5
extern const double	 model_lat_quantiles[MODEL_LAT_QS];
enum model_series	 model_lat_series(enum sample_lat, int);
const struct lat_counts	*model_lat_hist(const struct model *, enum sample_lat);

/* Per-CPU run-queue wait, ms per s, from /proc/schedstat; NAN if unknown. */
size_t		 model_cpu_waits(const struct model *);
double		 model_cpu_wait(const struct model *, size_t);

#endif

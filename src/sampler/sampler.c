/* SPDX-License-Identifier: ISC */
/*
 * The sampler: one collection pass a tick on a thread of its own.  Cheap
 * sources (getrusage, status, stat, meminfo, pressure, loadavg) are read
 * every pass; the per-thread files and the stacks' mincore rotate through
 * a share sized from the measured cost, so a pass stays near 0.3% of a CPU
 * at 10,000 threads.  The pass hands the newest sample to the loop.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "child/child.h"
#include "engine/engine.h"
#include "proc/procfs.h"
#include "sampler/attach.h"
#include "sampler/sampler.h"
#include "util/util.h"

#define SAMPLER_BUFSIZE	(64 * 1024)

struct sampler {
	struct sampler_pass	 pass;
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards everything below */
	pthread_cond_t		 cv;		/* wakes the thread to stop */
	bool			 stop;
	bool			 watching;	/* a child or -p given: run */
	bool			 kick;		/* take a sample now */
	bool			 detail;	/* read the thread table */
	int			*visible;	/* TIDs on screen, sorted */
	size_t			 nvisible;
	bool			 visible_new;	/* not yet handed to the pass */
	uint64_t		 interval_ns;
	struct sample		 latest;
	bool			 fresh;		/* latest not taken yet */
	int			 efd;		/* readable when fresh */
};

static int	sampler_cmp_tid(const void *, const void *);
static void	sampler_tasks_close(struct sampler_pass *);

/* The engine's latency counts of the interval since the pass before. */
static void
sampler_latency(struct sampler_pass *p, struct sample *s)
{
	struct lat_counts	*cur = xcalloc(2, sizeof *cur);

	if (p->child != NULL) {
		if (!child_latency(p->child, &cur[0], &cur[1])) {
			free(cur);
			return;
		}
	} else if (p->engine != NULL)
		engine_latency(p->engine, &cur[0], &cur[1]);
	lat_counts_delta(&p->lat_prev[0], &cur[0], &s->lat[SAMPLE_LAT_WAKE]);
	lat_counts_delta(&p->lat_prev[1], &cur[1], &s->lat[SAMPLE_LAT_READY]);
	memcpy(p->lat_prev, cur, sizeof p->lat_prev);
	free(cur);
}

/* Mark a source as unreadable, with why. */
static void
sampler_fail(struct sample *s, enum sample_src src, const char *why)
{
	s->ok[src] = false;
	snprintf(s->why[src], sizeof s->why[src], "%s", why);
}

/* Read ROOT/rel into the pass's buffer; false with err set. */
static bool
sampler_load(struct sampler_pass *p, const char *rel,
    char err[PROCFS_ERRLEN])
{
	return (procfs_read(p->root, rel, p->buf, p->buf_cap, err,
	    PROCFS_ERRLEN) >= 0);
}

/* Get ready for passes over a proc root. */
void
sampler_pass_init(struct sampler_pass *p, const char *root,
    struct engine *engine)
{
	memset(p, 0, sizeof *p);
	p->root = root;
	p->engine = engine;
	p->buf_cap = SAMPLER_BUFSIZE;
	p->buf = xmalloc(p->buf_cap);
	p->interval_ns = 1000000000u;
	p->budget = SAMPLER_ROTATE_FIRST;
	p->rotation = 1;
	p->share_ppm = SAMPLER_SHARE_PPM;
	p->pagemap_fd = -1;
	snprintf(p->self, sizeof p->self, "self");
}

/*
 * Observe a workload child instead of this process: its /proc/PID, its
 * shared counters, its stacks through /proc/PID/pagemap.
 */
void
sampler_pass_child(struct sampler_pass *p, struct child *c)
{
	p->child = c;
}

/*
 * Ask the workload child for its counters ahead of the next pass (see
 * SAMPLER_CHILD_LEAD_NS); that pass then waits only for this answer.
 */
void
sampler_pass_ask(struct sampler_pass *p)
{
	if (p->child == NULL)
		return;
	p->asked_mark = child_kick(p->child);
	p->asked = true;
}

/*
 * Open the child's /proc/PID/pagemap, kept for its life.  When its pid is
 * new, not at the first stack read: that read may come many passes later,
 * and the files cswviz holds open should not change after a child starts
 * (the soak counts them).  On failure, the first read tries again.
 */
static void
sampler_pagemap_open(struct sampler_pass *p)
{
	char	path[512];

	if (p->pagemap_fd >= 0 || p->pid == 0)
		return;
	snprintf(path, sizeof path, "%s/%d/pagemap", p->root, p->pid);
	p->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
}

/* Follow the child to its current pid: a restart starts the lists anew. */
static void
sampler_follow_pid(struct sampler_pass *p)
{
	int	pid;

	if (p->child == NULL)
		return;
	pid = (int)child_pid(p->child);
	if (pid == p->pid)
		return;
	p->pid = pid;
	snprintf(p->self, sizeof p->self, "%d", pid);
	sampler_tasks_close(p);
	if (p->taskdir != NULL)
		closedir(p->taskdir);
	p->taskdir = NULL;
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
	p->pagemap_fd = -1;
	p->nscache = 0;
	p->fm_valid = false;
	memset(p->lat_prev, 0, sizeof p->lat_prev);	/* a new child's */
	sampler_pagemap_open(p);
}

/* The child's thread stacks, from its shared memory. */
static size_t
sampler_child_stacks(void *arg, struct engine_stack *out, size_t max)
{
	return (child_stacks(arg, out, max));
}

/* Engine threads' stacks, for a pass with an engine. */
static size_t
sampler_engine_stacks(void *arg, struct engine_stack *out, size_t max)
{
	return (engine_stacks(arg, out, max));
}

/*
 * Tell the pass which threads' rows are on screen: they are read every
 * pass, with their files kept open.  tids need not be sorted.
 */
void
sampler_pass_visible(struct sampler_pass *p, const int *tids, size_t n)
{
	p->visible = xrealloc(p->visible, (n > 0 ? n : 1) *
	    sizeof *p->visible);
	if (n > 0)
		memcpy(p->visible, tids, n * sizeof *p->visible);
	p->nvisible = n;
	qsort(p->visible, n, sizeof *p->visible, sampler_cmp_tid);
}

/* Free a thread table. */
void
thread_rows_free(struct thread_rows *t)
{
	free(t);
}

/* Close the kept files of one thread. */
static void
sampler_task_close(struct sampler_task *t)
{
	if (t->fd_stat >= 0)
		close(t->fd_stat);
	if (t->fd_status >= 0)
		close(t->fd_status);
	if (t->fd_sched >= 0)
		close(t->fd_sched);
	t->fd_stat = t->fd_status = t->fd_sched = -1;
}

/* Close the kept files of every thread. */
static void
sampler_tasks_close(struct sampler_pass *p)
{
	size_t	i;

	for (i = 0; i < p->ntasks; i++)
		sampler_task_close(&p->tasks[i]);
	free(p->tasks);
	p->tasks = NULL;
	p->ntasks = 0;
}

/* Free what passes kept. */
void
sampler_pass_free(struct sampler_pass *p)
{
	sampler_tasks_close(p);
	if (p->taskdir != NULL)
		closedir(p->taskdir);
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
	free(p->visible);
	free(p->tids);
	free(p->scache);
	free(p->fm);
	free(p->stacks);
	free(p->vec);
	free(p->buf);
	attach_free(p);
	memset(p, 0, sizeof *p);
}

/*
 * Per-CPU run-queue wait from /proc/schedstat, which only kernels built
 * with CONFIG_SCHEDSTATS have.
 */
static void
sampler_read_cpu_sched(struct sampler_pass *p, struct sample *s)
{
	struct procfs_cpu_sched	 cs[SAMPLE_CPUS];
	char			 err[PROCFS_ERRLEN];
	int			 n, i;

	if (!sampler_load(p, "schedstat", err) ||
	    (n = procfs_parse_cpu_schedstat(p->buf, cs, SAMPLE_CPUS, err,
	    sizeof err)) < 0) {
		sampler_fail(s, SRC_SCHEDSTAT, err);
		return;
	}
	for (i = 0; i < n; i++)
		s->cpu_wait_ns[i] = cs[i].wait_ns;
	s->sched_ncpu = (uint32_t)n;
	s->ok[SRC_SCHEDSTAT] = true;
}

/* System-wide counters: /proc/stat, meminfo, PSI, schedstat, loadavg. */
static void
sampler_read_system(struct sampler_pass *p, struct sample *s)
{
	struct procfs_stat	st;
	struct procfs_loadavg	la;
	struct procfs_meminfo	mi;
	struct procfs_psi	psi;
	char			err[PROCFS_ERRLEN];

	memset(&st, 0, sizeof st);
	if (!sampler_load(p, "stat", err) ||
	    procfs_parse_stat(p->buf, &st, err, sizeof err) != 0)
		sampler_fail(s, SRC_STAT, err);
	else if (!st.has_ctxt || !st.has_procs)
		sampler_fail(s, SRC_STAT, "stat: no ctxt or procs_ lines");
	else {
		s->ok[SRC_STAT] = true;
		s->ctxt = st.ctxt;
		s->procs_running = st.procs_running;
		s->procs_blocked = st.procs_blocked;
	}

	if (!sampler_load(p, "meminfo", err) ||
	    procfs_parse_meminfo(p->buf, &mi, err, sizeof err) != 0)
		sampler_fail(s, SRC_MEMINFO, err);
	else if (!mi.has_kernel_stack)
		sampler_fail(s, SRC_MEMINFO, "meminfo: no KernelStack line");
	else {
		s->ok[SRC_MEMINFO] = true;
		s->kernel_stack = mi.kernel_stack;
		s->page_tables = mi.page_tables;
		s->mem_available = mi.mem_available;
	}

	if (!sampler_load(p, "pressure/cpu", err) ||
	    procfs_parse_psi(p->buf, &psi, err, sizeof err) != 0)
		sampler_fail(s, SRC_PSI, err);
	else {
		s->ok[SRC_PSI] = true;
		s->psi_some_avg10 = psi.some_avg10;
	}

	sampler_read_cpu_sched(p, s);

	if (!sampler_load(p, "loadavg", err) ||
	    procfs_parse_loadavg(p->buf, &la, err, sizeof err) != 0)
		sampler_fail(s, SRC_LOADAVG, err);
	else {
		s->ok[SRC_LOADAVG] = true;
		s->load_runnable = la.runnable;
		s->load_total = la.total;
	}
}

/* Count a thread under its state. */
static void
sampler_count_state(struct sample *s, char state)
{
	switch (state) {
	case 'R':
		s->threads_r++;
		break;
	case 'S':
		s->threads_s++;
		break;
	case 'D':
		s->threads_d++;
		break;
	default:
		s->threads_other++;
		break;
	}
}

/* Order TIDs. */
static int
sampler_cmp_tid(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return (x < y ? -1 : x > y);
}

/* Whether a TID's row is on screen. */
static bool
sampler_visible(const struct sampler_pass *p, int tid)
{
	return (p->nvisible > 0 && bsearch(&tid, p->visible, p->nvisible,
	    sizeof *p->visible, sampler_cmp_tid) != NULL);
}

/* Open ROOT/PID/task/TID/NAME to keep, or -1 (read by path then). */
static int
sampler_task_open(struct sampler_pass *p, int tid, const char *name)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s/task/%d/%s", p->root, p->self, tid,
	    name);
	return (open(path, O_RDONLY | O_CLOEXEC));
}

/* Open the three files of a thread. */
static void
sampler_task_open_all(struct sampler_pass *p, struct sampler_task *t)
{
	t->fd_stat = sampler_task_open(p, t->tid, "stat");
	t->fd_status = sampler_task_open(p, t->tid, "status");
	t->fd_sched = sampler_task_open(p, t->tid, "schedstat");
}

/*
 * Read one file of a thread: by its kept fd, or opened from the task
 * directory (dfd) for this read only.
 */
static bool
sampler_task_read(struct sampler_pass *p, int dfd, int fd, int tid,
    const char *name, char err[PROCFS_ERRLEN])
{
	char	rel[64];
	ssize_t	n;
	int	f;

	if (fd >= 0)
		return (procfs_pread(fd, name, p->buf, p->buf_cap, err,
		    PROCFS_ERRLEN) >= 0);
	snprintf(rel, sizeof rel, "%d/%s", tid, name);
	if ((f = openat(dfd, rel, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, PROCFS_ERRLEN, "task/%s: %s", rel,
		    strerror(errno));
		return (false);
	}
	n = procfs_pread(f, name, p->buf, p->buf_cap, err, PROCFS_ERRLEN);
	close(f);
	return (n >= 0);
}

/*
 * Read one thread: stat (state, CPU, name), schedstat (run-queue wait)
 * and, with the thread table, status (switches).  The reading before
 * becomes the row's prev_*.  With keep, the files stay open for the next
 * pass.  Returns false if the thread is gone.
 */
static bool
sampler_read_task(struct sampler_pass *p, int dfd, struct sampler_task *t,
    bool keep, uint64_t now, char err[PROCFS_ERRLEN])
{
	struct thread_row	*old = &t->row, r;
	struct procfs_task_stat	 ts;
	struct procfs_status	 st;
	struct procfs_schedstat	 ss;
	bool			 ok;

	if (keep && t->fd_stat < 0)
		sampler_task_open_all(p, t);
	ok = sampler_task_read(p, dfd, t->fd_stat, t->tid, "stat", err);
	if (!ok && t->fd_stat >= 0) {
		/* The TID may have been reused: open afresh. */
		sampler_task_close(t);
		sampler_task_open_all(p, t);
		ok = sampler_task_read(p, dfd, t->fd_stat, t->tid, "stat",
		    err);
	}
	if (!ok || procfs_parse_task_stat(p->buf, &ts, err,
	    PROCFS_ERRLEN) != 0)
		return (false);	/* a thread that exited under us */
	memset(&r, 0, sizeof r);
	r.tid = t->tid;
	snprintf(r.name, sizeof r.name, "%.*s", SAMPLE_NAMELEN - 1, ts.comm);
	r.state = ts.state;
	r.cpu = ts.processor;
	r.fresh = true;
	r.t_ns = now;
	/* -p: the switches are the process's too, read every time. */
	if ((p->detail || p->target != NULL) && sampler_task_read(p, dfd,
	    t->fd_status, t->tid,
	    "status", err) && procfs_parse_status(p->buf, &st, err,
	    PROCFS_ERRLEN) == 0 && st.has_ctxsw) {
		r.has_ctxsw = true;
		r.vcsw = st.vcsw;
		r.ivcsw = st.ivcsw;
	}
	if (sampler_task_read(p, dfd, t->fd_sched, t->tid, "schedstat",
	    err) && procfs_parse_schedstat(p->buf, &ss, err,
	    PROCFS_ERRLEN) == 0) {
		r.has_wait = true;
		r.wait_ns = ss.wait_ns;
		r.slices = ss.timeslices;
	}
	if (old->t_ns != 0) {
		r.has_prev = true;
		r.prev_t_ns = old->t_ns;
		r.prev_ctxsw = old->has_ctxsw;
		r.prev_vcsw = old->vcsw;
		r.prev_ivcsw = old->ivcsw;
		r.prev_wait = old->has_wait;
		r.prev_wait_ns = old->wait_ns;
		r.prev_slices = old->slices;
	}
	if (p->target != NULL)
		attach_task(p, dfd, t, &r);
	t->row = r;
	return (true);
}

/* Make an entry for a thread not known before. */
static void
sampler_task_init(struct sampler_task *t, int tid)
{
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->fd_stat = t->fd_status = t->fd_sched = -1;
	t->row.tid = tid;
	t->row.state = '?';
}

/*
 * Merge this pass's share of TIDs (sorted, unique) into the known threads
 * (sorted), marking them listed in this rotation; clear every row's fresh
 * flag and close the files of rows no longer on screen.
 */
static void
sampler_tasks_merge(struct sampler_pass *p, size_t nshare)
{
	struct sampler_task	*old = p->tasks, *nt, *t;
	size_t			 nold = p->ntasks, i = 0, j = 0, n = 0;

	nt = xcalloc(nold + nshare + 1, sizeof *nt);
	while (i < nold || j < nshare) {
		t = &nt[n++];
		if (j == nshare || (i < nold && old[i].tid < p->tids[j]))
			*t = old[i++];
		else {
			if (i < nold && old[i].tid == p->tids[j])
				*t = old[i++];
			else
				sampler_task_init(t, p->tids[j]);
			t->seen = p->rotation;
			j++;
		}
		t->row.fresh = false;
		if (t->fd_stat >= 0 && (!p->detail ||
		    !sampler_visible(p, t->tid)))
			sampler_task_close(t);
	}
	free(old);
	p->tasks = nt;
	p->ntasks = n;
}

/* Drop the threads that were not listed in rotation r or later. */
static void
sampler_tasks_prune(struct sampler_pass *p, uint32_t r)
{
	size_t	i, n = 0;

	for (i = 0; i < p->ntasks; i++) {
		if (p->tasks[i].seen < r) {
			sampler_task_close(&p->tasks[i]);
			continue;
		}
		p->tasks[n++] = p->tasks[i];
	}
	p->ntasks = n;
}

/*
 * List the next want TIDs of the task directory into p->tids (sorted,
 * unique), going on from where the last pass stopped and rewinding once
 * at its end, which ends a rotation: threads not listed in it are gone.
 * With whole, list the directory once from its start.
 */
static size_t
sampler_list_share(struct sampler_pass *p, size_t want, bool whole)
{
	struct dirent	*de;
	size_t		 n = 0, i, u;
	bool		 wrapped = whole;

	/* The C library keeps what the last pass's getdents read but did
	   not use: TIDs a second old, gone by now where threads live a
	   second (leak).  Seek where it stands, which drops them. */
	if (whole)
		rewinddir(p->taskdir);
	else
		seekdir(p->taskdir, telldir(p->taskdir));
	while (n < want) {
		if ((de = readdir(p->taskdir)) == NULL) {
			/* Pruned once this pass's share is merged. */
			p->prune_below = p->rotation;
			p->rotation++;
			rewinddir(p->taskdir);
			if (wrapped)
				break;
			wrapped = true;
			continue;
		}
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (n == p->tids_cap) {
			p->tids_cap = p->tids_cap * 2 + 64;
			p->tids = xrealloc(p->tids, p->tids_cap *
			    sizeof *p->tids);
		}
		p->tids[n++] = atoi(de->d_name);
	}
	if (n > 0)
		qsort(p->tids, n, sizeof *p->tids, sampler_cmp_tid);
	for (i = 0, u = 0; i < n; i++) {
		if (u == 0 || p->tids[u - 1] != p->tids[i])
			p->tids[u++] = p->tids[i];
	}
	return (u);
}

/*
 * Read the listed share, the rows on screen and the last share's wait
 * probes (marking this share's first ones as the next); drop threads
 * gone.  *probes: how many probes were read.
 */
static size_t
sampler_read_share(struct sampler_pass *p, size_t nshare, int *bad,
    size_t *probes, char err[PROCFS_ERRLEN])
{
	struct sampler_task	*t;
	size_t			 i, j = 0, n = 0, got = 0, marked = 0;
	uint64_t		 now = util_now_ns();
	int			 dfd = dirfd(p->taskdir);
	bool			 share, keep, again;

	*probes = 0;
	for (i = 0; i < p->ntasks; i++) {
		t = &p->tasks[i];
		while (j < nshare && p->tids[j] < t->tid)
			j++;
		share = j < nshare && p->tids[j] == t->tid;
		keep = p->detail && sampler_visible(p, t->tid);
		again = t->again;
		t->again = t->probed = false;
		if ((share || keep || again) && !sampler_read_task(p, dfd, t,
		    keep, now, err)) {
			(*bad)++;	/* exited under us */
			sampler_task_close(t);
			continue;
		}
		if (again && !share && !keep) {
			t->probed = true;
			(*probes)++;
		}
		else if (share && !keep && !again &&
		    marked < SAMPLER_WAIT_PROBES) {
			t->again = true;
			marked++;
		}
		got += t->row.fresh && !t->probed;
		p->tasks[n++] = *t;
	}
	p->ntasks = n;
	return (got);
}

/* Set the next pass's budget from what this pass's share cost. */
static void
sampler_set_budget(struct sampler_pass *p, size_t done, uint64_t cpu_ns)
{
	uint64_t	goal = p->interval_ns / 1000000u * p->share_ppm;
	double		cost;

	if (done == 0 || p->fixed_budget)
		return;
	cost = (double)cpu_ns / (double)done;
	p->thread_cost_ns = p->thread_cost_ns == 0 ? cost :
	    0.7 * p->thread_cost_ns + 0.3 * cost;
	p->budget = p->thread_cost_ns > 0 ? (size_t)((double)goal /
	    p->thread_cost_ns) : SAMPLER_ROTATE_FIRST;
	if (p->budget < SAMPLER_ROTATE_MIN)
		p->budget = SAMPLER_ROTATE_MIN;
}

/* Scale a count from the share read to every thread listed. */
static uint32_t
sampler_scale(uint32_t count, size_t read, size_t listed)
{
	return ((uint32_t)(((double)count * (double)listed / (double)read) +
	    0.5));
}

/*
 * Fold the threads read this pass into the sample: counts by state
 * (scaled when only a share was read), the average run-queue wait, and
 * with the thread table every thread's row.
 */
static void
sampler_fold_threads(struct sampler_pass *p, struct sample *s, size_t nread)
{
	const struct thread_row	*r;
	struct thread_rows	*t;
	size_t			 n = p->ntasks, keep, i, listed;
	uint64_t		 w, span;

	/* The kernel's count; the known threads lag it in a rotation. */
	listed = s->ok[SRC_STATUS] && s->threads > 0 ? s->threads : n;
	for (i = 0; i < n; i++) {
		r = &p->tasks[i].row;
		if (!r->fresh)
			continue;
		/* A probe counts for the wait, not twice for the states. */
		if (!p->tasks[i].probed)
			sampler_count_state(s, r->state);
		if (thread_row_wait(r, &w, &span)) {
			s->wait_delta_ns += w;
			s->wait_span_ns += span;
			s->wait_threads++;
			/* Its mean wait a timeslice over the interval. */
			if (r->slices > r->prev_slices)
				lat_counts_add(&s->lat[SAMPLE_LAT_RUNQ],
				    (r->wait_ns - r->prev_wait_ns) /
				    (r->slices - r->prev_slices));
		}
	}
	s->threads_listed = (uint32_t)listed;
	s->threads_read = (uint32_t)nread;
	s->rotating = nread < listed;
	if (s->rotating && nread > 0) {
		s->threads_r = sampler_scale(s->threads_r, nread, listed);
		s->threads_s = sampler_scale(s->threads_s, nread, listed);
		s->threads_d = sampler_scale(s->threads_d, nread, listed);
		s->threads_other = sampler_scale(s->threads_other, nread,
		    listed);
	}
	if (s->wait_threads > 0)
		s->ok[SRC_WAIT] = true;
	else if (nread > 0)
		sampler_fail(s, SRC_WAIT, "no thread read twice has run since");
	if (!p->detail)
		return;
	keep = n < SAMPLE_THREADS_MAX ? n : SAMPLE_THREADS_MAX;
	t = xcalloc(1, sizeof *t + keep * sizeof *t->rows);
	t->listed = (uint32_t)(listed > n ? listed : n);
	t->capped = n > keep;
	for (i = 0; i < keep; i++)
		t->rows[t->n++] = p->tasks[i].row;
	s->rows = t;
}

/*
 * The process observed (this one, or the workload child): its status
 * every pass, then a bounded share of the threads in its task directory
 * (see sampler.h).
 */
static void
sampler_read_process(struct sampler_pass *p, struct sample *s)
{
	struct procfs_status	 st;
	char			 err[PROCFS_ERRLEN], dir[512], rel[64];
	size_t			 want, nshare, nread, probes;
	uint64_t		 cpu0;
	int			 bad = 0;
	bool			 whole;

	snprintf(rel, sizeof rel, "%s/status", p->self);
	if (!sampler_load(p, rel, err) ||
	    procfs_parse_status(p->buf, &st, err, sizeof err) != 0)
		sampler_fail(s, SRC_STATUS, err);
	else if (!st.has_vm)
		sampler_fail(s, SRC_STATUS, "status: no VmSize/VmRSS lines");
	else {
		s->ok[SRC_STATUS] = true;
		s->vm_size = st.vm_size;
		s->vm_rss = st.vm_rss;
		s->threads = st.threads;
	}

	snprintf(dir, sizeof dir, "%s/%s/task", p->root, p->self);
	if (p->taskdir == NULL && (p->taskdir = opendir(dir)) == NULL) {
		snprintf(err, sizeof err, "%.100s: %.50s", dir,
		    strerror(errno));
		sampler_fail(s, SRC_TASKS, err);
		sampler_fail(s, SRC_WAIT, err);
		return;
	}
	cpu0 = util_thread_cpu_ns();
	want = p->budget == 0 ? SIZE_MAX : p->budget;
	/* Room for every thread: one whole listing, not a wrap. */
	whole = want == SIZE_MAX || (s->ok[SRC_STATUS] && want > s->threads);
	nshare = sampler_list_share(p, want, whole);
	sampler_tasks_merge(p, nshare);
	if (p->prune_below > 0) {
		sampler_tasks_prune(p, p->prune_below);
		p->prune_below = 0;
	}
	nread = sampler_read_share(p, nshare, &bad, &probes, err);
	sampler_set_budget(p, nshare + probes, util_thread_cpu_ns() - cpu0);
	sampler_fold_threads(p, s, nread);
	if (nread == 0)
		sampler_fail(s, SRC_TASKS, bad ? err : "no threads listed");
	else
		s->ok[SRC_TASKS] = true;
}

/* Order stacks by base address. */
static int
sampler_cmp_stack(const void *a, const void *b)
{
	const struct engine_stack	*x = a, *y = b;

	return (x->base < y->base ? -1 : x->base > y->base);
}

/*
 * Committed bytes of a stack in another process: the present bit (63) of
 * each page's entry in its /proc/PID/pagemap, which its owner may read
 * (the frame numbers read as 0 without CAP_SYS_ADMIN; the bit does not).
 */
static bool
sampler_pagemap(struct sampler_pass *p, uintptr_t lo, size_t n,
    size_t pagesz, uint64_t *committed)
{
	uint64_t	*e = (uint64_t *)(void *)p->vec;
	size_t		j;

	sampler_pagemap_open(p);
	if (p->pagemap_fd < 0)
		return (false);
	if (pread(p->pagemap_fd, e, n * sizeof *e, (off_t)(lo / pagesz *
	    sizeof *e)) != (ssize_t)(n * sizeof *e))
		return (false);
	*committed = 0;
	for (j = 0; j < n; j++) {
		if (e[j] >> 63)
			*committed += pagesz;
	}
	return (true);
}

/*
 * Committed bytes of one stack by mincore (pagemap in another process);
 * false if it is unmapped.
 */
static bool
sampler_mincore(struct sampler_pass *p, const struct engine_stack *st,
    size_t pagesz, uint64_t *committed, size_t *pages)
{
	uintptr_t	lo, hi;
	size_t		j, n;

	lo = st->base & ~(uintptr_t)(pagesz - 1);
	hi = (st->base + st->size + pagesz - 1) & ~(uintptr_t)(pagesz - 1);
	n = (hi - lo) / pagesz;
	if (n * sizeof(uint64_t) > p->vec_cap) {
		p->vec_cap = n * sizeof(uint64_t);
		p->vec = xrealloc(p->vec, p->vec_cap);
	}
	*pages = n;
	if (p->pid != 0)
		return (sampler_pagemap(p, lo, n, pagesz, committed));
	/* A thread that exited since the copy: its range is gone. */
	if (mincore((void *)lo, hi - lo, p->vec) != 0)
		return (false);
	*committed = 0;
	for (j = 0; j < n; j++) {
		if (p->vec[j] & 1)
			*committed += pagesz;
	}
	return (true);
}

/*
 * Carry each stack's last measure over to this pass's copy of the
 * registry (both sorted by base), then measure the next page_budget
 * pages' worth of stacks from stack_next on, wrapping.
 */
static void
sampler_measure_stacks(struct sampler_pass *p, struct sample *s, size_t n)
{
	struct sampler_stack	*old = p->scache, *nc;
	size_t			 pagesz = (size_t)sysconf(_SC_PAGESIZE);
	size_t			 i, j = 0, k, start = 0, pages, done = 0;
	size_t			 want = p->page_budget == 0 ? SIZE_MAX :
				    p->page_budget;
	uint64_t		 cpu0, goal, com;
	double			 cost;

	if (n > 0)	/* qsort wants a real array even for none */
		qsort(p->stacks, n, sizeof *p->stacks, sampler_cmp_stack);
	nc = xcalloc(n > 0 ? n : 1, sizeof *nc);
	for (i = 0; i < n; i++) {
		nc[i].base = p->stacks[i].base;
		nc[i].size = p->stacks[i].size;
		while (j < p->nscache && old[j].base < nc[i].base)
			j++;
		if (j < p->nscache && old[j].base == nc[i].base &&
		    old[j].size == nc[i].size) {
			nc[i].committed = old[j].committed;
			nc[i].known = old[j].known;
		}
		if (nc[i].base < p->stack_next)
			start = i + 1;
	}
	free(old);
	p->scache = nc;
	p->nscache = n;
	if (start >= n)
		start = 0;

	cpu0 = util_thread_cpu_ns();
	for (k = 0, i = start; k < n && done < want; k++, i = (i + 1) % n) {
		if (sampler_mincore(p, &p->stacks[i], pagesz, &com, &pages)) {
			nc[i].committed = com;
			nc[i].known = true;
		}
		done += pages;
		s->stacks_measured++;
	}
	if (n > 0)
		p->stack_next = p->stacks[i % n].base + (k < n ? 0 : 1);
	if (done > 0) {
		cost = (double)(util_thread_cpu_ns() - cpu0) / (double)done;
		p->page_cost_ns = p->page_cost_ns == 0 ? cost :
		    0.7 * p->page_cost_ns + 0.3 * cost;
		goal = p->interval_ns / 1000000u * SAMPLER_STACK_PPM;
		if (!p->fixed_budget)
			p->page_budget = p->page_cost_ns > 0 ?
			    (size_t)((double)goal / p->page_cost_ns) : 0;
		if (!p->fixed_budget && p->page_budget < SAMPLER_PAGES_MIN)
			p->page_budget = SAMPLER_PAGES_MIN;
	}
	for (i = 0; i < n; i++) {
		s->stack_reserved += nc[i].size;
		if (!nc[i].known)
			continue;
		s->stack_committed += nc[i].committed;
		s->stacks_known++;
	}
}

/*
 * The fibers' stack memory, if the engine runs fibers (or the bench gave
 * a runtime).  Its committed bytes come from mincore over the whole
 * arena, which can cost more than the share a pass may take: then the
 * last measure is reused for as many passes as it overran.
 */
static bool
sampler_fiber_memory(struct sampler_pass *p, struct sample *s,
    struct engine_fiber_memory *fm)
{
	uint64_t	cpu0, cost, goal;
	int		rc;

	if ((p->engine != NULL || p->child != NULL) && p->fibers_fn == NULL &&
	    !s->fibers)
		p->fm_valid = false;	/* threads mode: none to reuse */
	if (p->fm_valid && p->fm_skip > 0) {
		p->fm_skip--;
		p->fm_age++;
		*fm = *p->fm;
		s->stack_age = p->fm_age;
		return (true);
	}
	cpu0 = util_thread_cpu_ns();
	if (p->fibers_fn != NULL)
		rc = p->fibers_fn(p->stacks_arg, fm);
	else if (p->child != NULL)
		rc = child_fiber_memory(p->child, fm);
	else if (p->engine != NULL)
		rc = engine_fiber_memory(p->engine, fm, true);
	else
		rc = -1;
	if (rc != 0) {
		p->fm_valid = false;
		return (false);
	}
	cost = util_thread_cpu_ns() - cpu0;
	goal = p->interval_ns / 1000000u * SAMPLER_STACK_PPM;
	if (p->fm == NULL)
		p->fm = xmalloc(sizeof *p->fm);
	*p->fm = *fm;
	p->fm_valid = true;
	p->fm_age = 0;
	p->fm_skip = goal > 0 && !p->fixed_budget ? (uint32_t)(cost / goal) :
	    0;
	return (true);
}

/* Reserved and committed bytes of the engine threads' stacks. */
static void
sampler_read_stacks(struct sampler_pass *p, struct sample *s)
{
	struct engine_fiber_memory fm;
	size_t		 n;

	if (p->engine == NULL && p->child == NULL && p->stacks_fn == NULL &&
	    p->fibers_fn == NULL) {
		sampler_fail(s, SRC_STACKS, "no engine");
		return;
	}
	if (sampler_fiber_memory(p, s, &fm)) {
		s->stack_fibers = true;
		s->stack_reserved = fm.reserved;
		s->stack_committed = fm.committed;
		s->stack_arena = fm.arena;
		s->stack_shared = (uint32_t)fm.shared_stacks;
		s->stack_count = (uint32_t)fm.live;
		s->guard_dropped = fm.guard_dropped;
		/* A workload's committed pages may be older than its counts:
		   say how old. */
		s->stack_age += fm.committed_age;
		s->ok[SRC_STACKS] = true;
		return;
	}
	if (p->stacks_fn == NULL && p->engine == NULL && p->child == NULL) {
		sampler_fail(s, SRC_STACKS, "no thread stacks to measure");
		return;
	}
	if (p->stacks_fn == NULL && p->child != NULL) {
		p->stacks_fn = sampler_child_stacks;
		p->stacks_arg = p->child;
	} else if (p->stacks_fn == NULL) {
		p->stacks_fn = sampler_engine_stacks;
		p->stacks_arg = p->engine;
	}
	n = p->stacks_fn(p->stacks_arg, p->stacks, p->stacks_cap);
	if (n > p->stacks_cap) {
		p->stacks_cap = n + n / 2 + 16;
		p->stacks = xrealloc(p->stacks, p->stacks_cap *
		    sizeof *p->stacks);
		n = p->stacks_fn(p->stacks_arg, p->stacks, p->stacks_cap);
		if (n > p->stacks_cap)
			n = p->stacks_cap;
	}
	sampler_measure_stacks(p, s, n);
	s->stack_count = (uint32_t)n;
	s->ok[SRC_STACKS] = true;
}

/* Order thread rows by TID, for bsearch. */
static int
sampler_cmp_row(const void *a, const void *b)
{
	const struct thread_row	*x = a, *y = b;

	return (x->tid < y->tid ? -1 : x->tid > y->tid);
}

/* Give the engine threads' rows their stacks; the others stay unknown. */
static void
sampler_attach_stacks(struct sampler_pass *p, struct sample *s)
{
	struct thread_row	 key, *r;
	size_t			 i;

	if (s->rows == NULL || !s->ok[SRC_STACKS] || s->stack_fibers)
		return;
	for (i = 0; i < s->stack_count && i < p->nscache; i++) {
		if (!p->scache[i].known)
			continue;
		key.tid = p->stacks[i].tid;
		r = bsearch(&key, s->rows->rows, s->rows->n, sizeof *r,
		    sampler_cmp_row);
		if (r == NULL)
			continue;
		r->has_stack = true;
		r->stack_reserved = p->stacks[i].size;
		r->stack_committed = p->scache[i].committed;
	}
}

/*
 * Counters of the process as a whole and of the engine: a workload
 * child's from its shared memory, this process's own otherwise.
 */
static void
sampler_read_self(struct sampler_pass *p, struct sample *s)
{
	struct rusage		ru;
	struct child_rusage	cru;
	struct engine_snapshot	snap;

	if (p->child != NULL) {
		if (!child_rusage(p->child, &cru))
			sampler_fail(s, SRC_RUSAGE, "the workload has not "
			    "published its getrusage");
		else {
			s->ok[SRC_RUSAGE] = true;
			s->vcsw = cru.vcsw;
			s->ivcsw = cru.ivcsw;
			s->cpu_time_ns = cru.cpu_ns;
			s->pub_ns = cru.t_ns;
		}
		if (!child_snapshot(p->child, &snap)) {
			sampler_fail(s, SRC_ENGINE, "the workload's counters "
			    "could not be read");
			return;
		}
	} else if (getrusage(RUSAGE_SELF, &ru) != 0)
		sampler_fail(s, SRC_RUSAGE, strerror(errno));
	else {
		s->ok[SRC_RUSAGE] = true;
		s->vcsw = (uint64_t)ru.ru_nvcsw;
		s->cpu_time_ns = ((uint64_t)ru.ru_utime.tv_sec +
		    (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
		    ((uint64_t)ru.ru_utime.tv_usec +
		    (uint64_t)ru.ru_stime.tv_usec) * 1000u;
		s->ivcsw = (uint64_t)ru.ru_nivcsw;
	}
	if (p->child == NULL && p->engine == NULL) {
		sampler_fail(s, SRC_ENGINE, "no engine");
		return;
	}
	if (p->child == NULL)
		engine_snapshot(p->engine, &snap);
	sampler_latency(p, s);
	s->ok[SRC_ENGINE] = true;
	s->mode = snap.mode;
	s->fibers = snap.mode == ENGINE_FIBERS;
	s->mode_name = engine_mode_name(snap.mode);
	s->scenario = snap.scenario;
	s->caption = snap.caption;
	s->tasks_target = snap.tasks_target;
	s->tasks_alive = snap.tasks_alive;
	s->tasks_per_unit = snap.tasks_per_unit;
	s->handoffs = snap.handoffs;
	s->fiber_switches = snap.fiber_switches;
	s->idle_switches = snap.idle_switches;
	s->workers = snap.workers;
	s->parked_workers = snap.parked_workers;
	s->blocked_workers = snap.blocked_workers;
	s->workers_knob = snap.workers_knob;
	s->workers_used = snap.workers_used;
	s->ramping = snap.ramping;
	s->tasks_cap = snap.tasks_cap;
	s->variant = snap.variant;
	s->variant_name = snap.variant_name;
	s->task_stack = snap.stack_size;
	s->work_unit = snap.work_unit;
	s->work = snap.work;
	s->blocked = snap.blocked;
	s->latency_ns = snap.latency_ns;
	s->latency_count = snap.latency_count;
	s->wake_period_ns = snap.wake_period_ns;
	s->wake_late_ns = snap.wake_late_ns;
	s->wakes_missed = snap.wakes_missed;
	s->fiber_runqueue = snap.runqueue;
	_Static_assert(sizeof s->worker_runq == sizeof snap.worker_runq,
	    "the sample keeps every worker queue the snapshot has");
	memcpy(s->worker_runq, snap.worker_runq, sizeof s->worker_runq);
	s->long_run_ns = snap.long_run_ns;
	s->long_run_worker = snap.long_run_worker;
	s->long_run_queued = snap.long_run_queued;
}

/*
 * One collection pass: every source, each failing on its own.  With
 * p->detail the sample owns a new thread table in s->rows; s is cleared
 * first, so a table it held must have been handed on or freed.
 */
void
sampler_collect(struct sampler_pass *p, struct sample *s)
{
	uint64_t	cpu0 = util_thread_cpu_ns();
	uint32_t	mark;
	int		i;

	memset(s, 0, sizeof *s);
	s->t_ns = util_now_ns();
	sampler_follow_pid(p);
	if (p->target != NULL) {
		/* -p: a process cswviz did not start. */
		s->pid = p->pid;
		if (!attach_begin(p, s)) {
			/* Gone: the system's figures go on, the process's stop. */
			sampler_read_system(p, s);
			goto done;
		}
		sampler_read_system(p, s);
		sampler_read_process(p, s);
		attach_end(p, s);
		attach_stacks(p, s);
		goto done;
	}
	s->pid = p->child != NULL ? p->pid : (int)getpid();
	if (p->child != NULL && p->pid == 0) {
		/* The workload has ended: the system's figures only. */
		sampler_read_system(p, s);
		for (i = 0; i < SRC_COUNT; i++) {
			if (i == SRC_STAT || i == SRC_LOADAVG ||
			    i == SRC_MEMINFO || i == SRC_PSI ||
			    i == SRC_SCHEDSTAT)
				continue;
			sampler_fail(s, (enum sample_src)i, "the workload "
			    "has ended");
		}
	} else if (p->child != NULL) {
		/* The child publishes while the system's files are read,
		   or has since it was asked ahead of the pass. */
		mark = p->asked ? p->asked_mark : child_kick(p->child);
		p->asked = false;
		sampler_read_system(p, s);
		sampler_read_process(p, s);
		(void)child_wait_fresh(p->child, mark, SAMPLER_CHILD_WAIT_MS);
		sampler_read_self(p, s);
		sampler_read_stacks(p, s);
		sampler_attach_stacks(p, s);
	} else {
		sampler_read_self(p, s);
		sampler_read_system(p, s);
		sampler_read_process(p, s);
		sampler_read_stacks(p, s);
		sampler_attach_stacks(p, s);
	}
done:
	s->pass_ns = util_now_ns() - s->t_ns;
	s->cpu_ns = util_thread_cpu_ns();
	s->pass_cpu_ns = s->cpu_ns - cpu0;
}

/* Sleep until t (CLOCK_MONOTONIC ns), a stop or a kick; sp->mu held. */
static void
sampler_sleep_until(struct sampler *sp, uint64_t t)
{
	struct timespec	until;

	until.tv_sec = (time_t)(t / 1000000000u);
	until.tv_nsec = (long)(t % 1000000000u);
	while (!sp->stop && !sp->kick && util_now_ns() < t) {
		if (pthread_cond_timedwait(&sp->cv, &sp->mu, &until) ==
		    ETIMEDOUT)
			break;
	}
}

/* The sampler thread: a pass, publish, sleep until the next tick. */
static void *
sampler_main(void *arg)
{
	struct sampler	*sp = arg;
	struct sample	*s = xmalloc(sizeof *s);
	struct timespec	 until;
	uint64_t	 next, one = 1;

	pthread_setname_np(pthread_self(), "cswviz-sampler");
	pthread_mutex_lock(&sp->mu);
	while (!sp->stop && !sp->watching)	/* until sampler_watch */
		pthread_cond_wait(&sp->cv, &sp->mu);
	next = util_now_ns();
	while (!sp->stop) {
		sp->pass.detail = sp->detail;
		sp->pass.interval_ns = sp->interval_ns;
		if (sp->visible_new) {
			sampler_pass_visible(&sp->pass, sp->visible,
			    sp->nvisible);
			sp->visible_new = false;
		}
		pthread_mutex_unlock(&sp->mu);
		sampler_collect(&sp->pass, s);
		pthread_mutex_lock(&sp->mu);
		s->interval_ns = sp->interval_ns;
		if (sp->fresh)	/* never taken: its table goes */
			thread_rows_free(sp->latest.rows);
		sp->latest = *s;
		s->rows = NULL;
		sp->fresh = true;
		if (write(sp->efd, &one, sizeof one) < 0) {
			/* The counter is full only if nobody reads: fine. */
		}
		next += sp->interval_ns;
		if (next < util_now_ns())	/* fell behind: no burst */
			next = util_now_ns() + sp->interval_ns;
		/* First until the child is to be asked, then the pass. */
		if (sp->pass.child != NULL && sp->interval_ns >
		    2 * SAMPLER_CHILD_LEAD_NS) {
			sampler_sleep_until(sp, next - SAMPLER_CHILD_LEAD_NS);
			if (!sp->stop && !sp->kick)
				sampler_pass_ask(&sp->pass);
		}
		until.tv_sec = (time_t)(next / 1000000000u);
		until.tv_nsec = (long)(next % 1000000000u);
		while (!sp->stop && !sp->kick && util_now_ns() < next) {
			if (pthread_cond_timedwait(&sp->cv, &sp->mu,
			    &until) == ETIMEDOUT)
				break;
		}
		if (sp->kick) {
			/* The schedule starts again from this pass. */
			sp->kick = false;
			next = util_now_ns();
		}
	}
	pthread_mutex_unlock(&sp->mu);
	free(s);
	return (NULL);
}

/*
 * Start the sampler thread: over another process (pid), at once; else
 * waiting for sampler_watch to give it a workload child.
 */
static struct sampler *
sampler_start_pid(int pid, const char *root, uint64_t interval_ns,
    char *err, size_t errlen)
{
	struct sampler		*sp = xcalloc(1, sizeof *sp);
	pthread_condattr_t	 ca;
	int			 rc;

	sampler_pass_init(&sp->pass, root, NULL);
	if (pid != 0) {
		sampler_pass_target(&sp->pass, pid);
		sp->watching = true;
	}
	sp->interval_ns = interval_ns;
	if ((sp->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail_efd;
	}
	pthread_mutex_init(&sp->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sp->cv, &ca);
	pthread_condattr_destroy(&ca);
	if ((rc = util_thread_create(&sp->thread, sampler_main, sp)) != 0) {
		snprintf(err, errlen, "sampler thread: %s", strerror(rc));
		goto fail_thread;
	}
	return (sp);

fail_thread:
	pthread_cond_destroy(&sp->cv);
	pthread_mutex_destroy(&sp->mu);
	close(sp->efd);
fail_efd:
	sampler_pass_free(&sp->pass);
	free(sp);
	return (NULL);
}

/*
 * Start the sampler thread for a workload child to come: it waits, taking
 * no sample, until sampler_watch.  Started first, so that it exists
 * before the child's threads can fill the user's RLIMIT_NPROC.
 */
struct sampler *
sampler_create(const char *root, uint64_t interval_ns, char *err,
    size_t errlen)
{
	return (sampler_start_pid(0, root, interval_ns, err, errlen));
}

/* Observe this workload child from now on: the first pass starts. */
void
sampler_watch(struct sampler *sp, struct child *child)
{
	pthread_mutex_lock(&sp->mu);
	sampler_pass_child(&sp->pass, child);
	sp->watching = true;
	pthread_cond_signal(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
}

/* Start the sampler thread over another process: -p PID. */
struct sampler *
sampler_start_target(int pid, const char *root, uint64_t interval_ns,
    char *err, size_t errlen)
{
	return (sampler_start_pid(pid, root, interval_ns, err, errlen));
}

/* The descriptor that turns readable when a sample is waiting. */
int
sampler_fd(const struct sampler *sp)
{
	return (sp->efd);
}

/* Take the newest sample if there is one the loop has not seen. */
bool
sampler_take(struct sampler *sp, struct sample *out)
{
	uint64_t	n;
	bool		fresh;

	if (read(sp->efd, &n, sizeof n) < 0) {
		/* EAGAIN: nothing new, checked below. */
	}
	pthread_mutex_lock(&sp->mu);
	if ((fresh = sp->fresh)) {
		*out = sp->latest;
		sp->latest.rows = NULL;	/* the taker owns it now */
	}
	sp->fresh = false;
	pthread_mutex_unlock(&sp->mu);
	return (fresh);
}

/* Change the interval; takes effect after the current wait. */
void
sampler_set_interval(struct sampler *sp, uint64_t ns)
{
	pthread_mutex_lock(&sp->mu);
	sp->interval_ns = ns;
	pthread_cond_signal(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
}

/* Read the per-thread table from the next pass on, or stop reading it. */
void
sampler_set_detail(struct sampler *sp, bool on)
{
	pthread_mutex_lock(&sp->mu);
	sp->detail = on;
	pthread_mutex_unlock(&sp->mu);
}

/*
 * Say which threads' rows are on screen, so that the next passes read
 * them every time (the rest of the table rotates).
 */
void
sampler_set_visible(struct sampler *sp, const int *tids, size_t n)
{
	pthread_mutex_lock(&sp->mu);
	if (n != sp->nvisible || (n > 0 && memcmp(tids, sp->visible,
	    n * sizeof *tids) != 0)) {
		sp->visible = xrealloc(sp->visible, (n > 0 ? n : 1) *
		    sizeof *sp->visible);
		if (n > 0)
			memcpy(sp->visible, tids, n * sizeof *tids);
		sp->nvisible = n;
		sp->visible_new = true;
	}
	pthread_mutex_unlock(&sp->mu);
}

/* Take a sample now, after a change the screen should show at once. */
void
sampler_kick(struct sampler *sp)
{
	pthread_mutex_lock(&sp->mu);
	sp->kick = true;
	pthread_cond_signal(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
}

/* The nominal interval. */
uint64_t
sampler_interval(const struct sampler *sp)
{
	return (sp->interval_ns);
}

/* Stop and join the sampler thread, and free it. */
void
sampler_stop(struct sampler *sp)
{
	if (sp == NULL)
		return;
	pthread_mutex_lock(&sp->mu);
	sp->stop = true;
	pthread_cond_signal(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	pthread_join(sp->thread, NULL);
	if (sp->fresh)
		thread_rows_free(sp->latest.rows);
	pthread_cond_destroy(&sp->cv);
	pthread_mutex_destroy(&sp->mu);
	close(sp->efd);
	sampler_pass_free(&sp->pass);
	free(sp->visible);
	free(sp);
}

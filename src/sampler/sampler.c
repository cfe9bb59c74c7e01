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

#include "engine/engine.h"
#include "sampler/procfs.h"
#include "sampler/sampler.h"
#include "util/util.h"

#define SAMPLER_BUFSIZE	(64 * 1024)

struct sampler {
	struct sampler_pass	 pass;
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards everything below */
	pthread_cond_t		 cv;		/* wakes the thread to stop */
	bool			 stop;
	bool			 kick;		/* take a sample now */
	bool			 detail;	/* read the thread table */
	uint64_t		 interval_ns;
	struct sample		 latest;
	bool			 fresh;		/* latest not taken yet */
	int			 efd;		/* readable when fresh */
};

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
	free(p->tids);
	free(p->stack_com);
	free(p->stacks);
	free(p->vec);
	free(p->buf);
	memset(p, 0, sizeof *p);
}

/* System-wide counters: /proc/stat and /proc/loadavg. */
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

/* Open ROOT/self/task/TID/NAME to keep, or -1 (read by path then). */
static int
sampler_task_open(struct sampler_pass *p, int tid, const char *name)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof path, "%s/self/task/%d/%s", p->root, tid, name);
	return (open(path, O_RDONLY | O_CLOEXEC));
}

/* Open the three files of a thread. */
static void
sampler_task_open_all(struct sampler_pass *p, struct sampler_task *t, int tid)
{
	t->tid = tid;
	t->fd_stat = sampler_task_open(p, tid, "stat");
	t->fd_status = sampler_task_open(p, tid, "status");
	t->fd_sched = sampler_task_open(p, tid, "schedstat");
}

/* Read one file of a thread: by its kept fd, or by path without one. */
static bool
sampler_task_read(struct sampler_pass *p, int fd, int tid, const char *name,
    char err[PROCFS_ERRLEN])
{
	char	rel[64];

	if (fd >= 0)
		return (procfs_pread(fd, name, p->buf, p->buf_cap, err,
		    PROCFS_ERRLEN) >= 0);
	snprintf(rel, sizeof rel, "self/task/%d/%s", tid, name);
	return (sampler_load(p, rel, err));
}

/*
 * The thread table: stat, status and schedstat of the first
 * SAMPLE_THREADS_MAX threads (p->tids, sorted), their files kept open from
 * one pass to the next and re-read with pread.  Files of threads that are
 * gone are closed.  Returns how many TIDs it handled.
 */
static size_t
sampler_read_threads(struct sampler_pass *p, struct sample *s, size_t n,
    int *bad, char err[PROCFS_ERRLEN])
{
	struct sampler_task	*old = p->tasks, *nt, *task;
	size_t			 nold = p->ntasks, keep, i, j = 0;
	struct thread_rows	*t;
	struct thread_row	*r;
	struct procfs_task_stat	 ts;
	struct procfs_status	 st;
	struct procfs_schedstat	 ss;
	bool			 kept, ok;
	int			 tid;

	keep = n < SAMPLE_THREADS_MAX ? n : SAMPLE_THREADS_MAX;
	nt = xcalloc(keep > 0 ? keep : 1, sizeof *nt);
	t = xcalloc(1, sizeof *t + keep * sizeof *t->rows);
	t->listed = (uint32_t)n;
	t->capped = n > keep;
	for (i = 0; i < keep; i++) {
		tid = p->tids[i];
		/* Both lists are sorted by TID: skipped ones have exited. */
		while (j < nold && old[j].tid < tid)
			sampler_task_close(&old[j++]);
		task = &nt[i];
		if ((kept = j < nold && old[j].tid == tid))
			*task = old[j++];
		else
			sampler_task_open_all(p, task, tid);
		ok = sampler_task_read(p, task->fd_stat, tid, "stat", err);
		if (!ok && kept) {
			/* The TID may have been reused: open afresh. */
			sampler_task_close(task);
			sampler_task_open_all(p, task, tid);
			ok = sampler_task_read(p, task->fd_stat, tid, "stat",
			    err);
		}
		if (!ok || procfs_parse_task_stat(p->buf, &ts, err,
		    PROCFS_ERRLEN) != 0) {
			(*bad)++;	/* a thread that exited under us */
			continue;
		}
		sampler_count_state(s, ts.state);
		r = &t->rows[t->n++];
		r->tid = tid;
		snprintf(r->name, sizeof r->name, "%.*s", SAMPLE_NAMELEN - 1,
		    ts.comm);
		r->state = ts.state;
		r->cpu = ts.processor;
		if (sampler_task_read(p, task->fd_status, tid, "status",
		    err) && procfs_parse_status(p->buf, &st, err,
		    PROCFS_ERRLEN) == 0 && st.has_ctxsw) {
			r->has_ctxsw = true;
			r->vcsw = st.vcsw;
			r->ivcsw = st.ivcsw;
		}
		if (sampler_task_read(p, task->fd_sched, tid, "schedstat",
		    err) && procfs_parse_schedstat(p->buf, &ss, err,
		    PROCFS_ERRLEN) == 0) {
			r->has_wait = true;
			r->wait_ns = ss.wait_ns;
		}
	}
	while (j < nold)
		sampler_task_close(&old[j++]);
	free(old);
	p->tasks = nt;
	p->ntasks = keep;
	s->rows = t;
	return (keep);
}

/* This process: /proc/self/status and each thread's state. */
static void
sampler_read_process(struct sampler_pass *p, struct sample *s)
{
	struct procfs_status	 st;
	struct procfs_task_stat	 ts;
	char			 err[PROCFS_ERRLEN], rel[64], dir[512];
	DIR			*d;
	struct dirent		*de;
	size_t			 n = 0, i = 0;
	int			 bad = 0;

	if (!sampler_load(p, "self/status", err) ||
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

	snprintf(dir, sizeof dir, "%s/self/task", p->root);
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, sizeof err, "%.100s: %.50s", dir,
		    strerror(errno));
		sampler_fail(s, SRC_TASKS, err);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (n == p->tids_cap) {
			p->tids_cap = p->tids_cap * 2 + 64;
			p->tids = xrealloc(p->tids, p->tids_cap *
			    sizeof *p->tids);
		}
		p->tids[n++] = atoi(de->d_name);
	}
	closedir(d);
	qsort(p->tids, n, sizeof *p->tids, sampler_cmp_tid);

	if (p->detail)
		i = sampler_read_threads(p, s, n, &bad, err);
	else if (p->ntasks > 0)
		sampler_tasks_close(p);
	/* Without the table, or past its cap: each thread's state only. */
	for (; i < n; i++) {
		snprintf(rel, sizeof rel, "self/task/%d/stat", p->tids[i]);
		if (!sampler_load(p, rel, err) ||
		    procfs_parse_task_stat(p->buf, &ts, err, sizeof err) != 0) {
			bad++;	/* a thread that exited under us */
			continue;
		}
		sampler_count_state(s, ts.state);
	}
	if (s->threads_r + s->threads_s + s->threads_d + s->threads_other == 0)
		sampler_fail(s, SRC_TASKS, bad ? err : "no threads listed");
	else
		s->ok[SRC_TASKS] = true;
}

/* Reserved and committed bytes of the engine threads' stacks. */
static void
sampler_read_stacks(struct sampler_pass *p, struct sample *s)
{
	long		 pagesz = sysconf(_SC_PAGESIZE);
	struct engine_fiber_memory fm;
	size_t		 n, i, j, pages;
	uintptr_t	 lo, hi;

	if (p->engine == NULL) {
		sampler_fail(s, SRC_STACKS, "no engine");
		return;
	}
	if (engine_fiber_memory(p->engine, &fm) == 0) {
		s->stack_fibers = true;
		s->stack_reserved = fm.reserved;
		s->stack_committed = fm.committed;
		s->stack_arena = fm.arena;
		s->stack_count = (uint32_t)fm.live;
		s->guard_dropped = fm.guard_dropped;
		s->ok[SRC_STACKS] = true;
		return;
	}
	n = engine_stacks(p->engine, p->stacks, p->stacks_cap);
	if (n > p->stacks_cap) {
		p->stacks_cap = n + n / 2 + 16;
		p->stacks = xrealloc(p->stacks, p->stacks_cap *
		    sizeof *p->stacks);
		p->stack_com = xrealloc(p->stack_com, p->stacks_cap *
		    sizeof *p->stack_com);
		n = engine_stacks(p->engine, p->stacks, p->stacks_cap);
		if (n > p->stacks_cap)
			n = p->stacks_cap;
	}
	for (i = 0; i < n; i++) {
		lo = p->stacks[i].base & ~(uintptr_t)(pagesz - 1);
		hi = (p->stacks[i].base + p->stacks[i].size + pagesz - 1) &
		    ~(uintptr_t)(pagesz - 1);
		pages = (hi - lo) / (size_t)pagesz;
		if (pages > p->vec_cap) {
			p->vec_cap = pages;
			p->vec = xrealloc(p->vec, pages);
		}
		s->stack_reserved += p->stacks[i].size;
		p->stack_com[i] = 0;
		/* A thread that exited since the copy: its range is gone. */
		if (mincore((void *)lo, hi - lo, p->vec) != 0)
			continue;
		for (j = 0; j < pages; j++) {
			if (p->vec[j] & 1)
				p->stack_com[i] += (uint64_t)pagesz;
		}
		s->stack_committed += p->stack_com[i];
	}
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
	for (i = 0; i < s->stack_count && i < p->stacks_cap; i++) {
		key.tid = p->stacks[i].tid;
		r = bsearch(&key, s->rows->rows, s->rows->n, sizeof *r,
		    sampler_cmp_row);
		if (r == NULL)
			continue;
		r->has_stack = true;
		r->stack_reserved = p->stacks[i].size;
		r->stack_committed = p->stack_com[i];
	}
}

/* Counters of the process as a whole and of the engine. */
static void
sampler_read_self(struct sampler_pass *p, struct sample *s)
{
	struct rusage		ru;
	struct engine_snapshot	snap;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
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
	if (p->engine == NULL) {
		sampler_fail(s, SRC_ENGINE, "no engine");
		return;
	}
	engine_snapshot(p->engine, &snap);
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
	s->workers = snap.workers;
	s->parked_workers = snap.parked_workers;
	s->blocked_workers = snap.blocked_workers;
	s->workers_knob = snap.workers_knob;
	s->ramping = snap.ramping;
	s->variant = snap.variant;
	s->variant_name = snap.variant_name;
	s->task_stack = snap.stack_size;
	s->work_unit = snap.work_unit;
	s->work = snap.work;
	s->blocked = snap.blocked;
	s->latency_ns = snap.latency_ns;
	s->latency_count = snap.latency_count;
	s->fiber_runqueue = snap.runqueue;
	memcpy(s->worker_runq, snap.worker_runq, sizeof s->worker_runq);
}

/*
 * One collection pass: every source, each failing on its own.  With
 * p->detail the sample owns a new thread table in s->rows; s is cleared
 * first, so a table it held must have been handed on or freed.
 */
void
sampler_collect(struct sampler_pass *p, struct sample *s)
{
	struct timespec	ts;

	memset(s, 0, sizeof *s);
	s->t_ns = util_now_ns();
	s->pid = (int)getpid();
	sampler_read_self(p, s);
	sampler_read_system(p, s);
	sampler_read_process(p, s);
	sampler_read_stacks(p, s);
	sampler_attach_stacks(p, s);
	s->pass_ns = util_now_ns() - s->t_ns;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		s->cpu_ns = (uint64_t)ts.tv_sec * 1000000000u +
		    (uint64_t)ts.tv_nsec;
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
	next = util_now_ns();
	pthread_mutex_lock(&sp->mu);
	while (!sp->stop) {
		sp->pass.detail = sp->detail;
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

/* Start the sampler thread. */
struct sampler *
sampler_start(struct engine *engine, const char *root, uint64_t interval_ns,
    char *err, size_t errlen)
{
	struct sampler		*sp = xcalloc(1, sizeof *sp);
	pthread_condattr_t	 ca;
	int			 rc;

	sampler_pass_init(&sp->pass, root, engine);
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
	free(sp);
}

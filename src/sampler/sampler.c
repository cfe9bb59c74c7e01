#include <dirent.h>
#include <errno.h>
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

/* Free what passes kept. */
void
sampler_pass_free(struct sampler_pass *p)
{
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

/* This process: /proc/self/status and each thread's state. */
static void
sampler_read_process(struct sampler_pass *p, struct sample *s)
{
	struct procfs_status	 st;
	struct procfs_task_stat	 ts;
	char			 err[PROCFS_ERRLEN], rel[64], dir[512];
	DIR			*d;
	struct dirent		*de;
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
		snprintf(rel, sizeof rel, "self/task/%.20s/stat", de->d_name);
		if (!sampler_load(p, rel, err) ||
		    procfs_parse_task_stat(p->buf, &ts, err, sizeof err) != 0) {
			bad++;	/* a thread that exited under us */
			continue;
		}
		switch (ts.state) {
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
	closedir(d);
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
		/* A thread that exited since the copy: its range is gone. */
		if (mincore((void *)lo, hi - lo, p->vec) != 0)
			continue;
		for (j = 0; j < pages; j++) {
			if (p->vec[j] & 1)
				s->stack_committed += (uint64_t)pagesz;
		}
	}
	s->stack_count = (uint32_t)n;
	s->ok[SRC_STACKS] = true;
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
	s->fiber_runqueue = snap.runqueue;
	memcpy(s->worker_runq, snap.worker_runq, sizeof s->worker_runq);
}

/* One collection pass: every source, each failing on its own. */
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
		pthread_mutex_unlock(&sp->mu);
		sampler_collect(&sp->pass, s);
		pthread_mutex_lock(&sp->mu);
		s->interval_ns = sp->interval_ns;
		sp->latest = *s;
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
	if ((rc = pthread_create(&sp->thread, NULL, sampler_main, sp)) != 0) {
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
	if ((fresh = sp->fresh))
		*out = sp->latest;
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
	pthread_cond_destroy(&sp->cv);
	pthread_mutex_destroy(&sp->mu);
	close(sp->efd);
	sampler_pass_free(&sp->pass);
	free(sp);
}

/* SPDX-License-Identifier: ISC */
/*
 * -p PID: the sampler over a process cswviz did not start.
 *
 * There is no getrusage for another process, and its /proc/PID/status
 * counts the main thread's switches only (as pidstat -w shows them), so
 * the process's switch rate is its threads': each thread's rate between
 * its last two readings, summed.  With every thread read each pass that
 * is the process's rate over the interval.  With a rotating share
 * (thousands of threads) the threads with a rate so far stand for all:
 * their mean times the threads listed, an estimate the header marks
 * ("reading N of M threads a pass").  The sample carries the rate as a
 * counter, advanced by rate times the time between passes, so that the
 * model takes it as it takes getrusage's.
 *
 * A thread's stack is the mapping its stack pointer lies in: the pointer
 * from task/TID/syscall (read once per thread; "running" on a CPU gives
 * none, so it is tried again at its next reading), the main thread's is
 * [stack].  Mappings and their Rss (committed) come from smaps, whose
 * cost grows with the mappings (two per thread): it is read every pass
 * while it costs less than SAMPLER_SMAPS_PPM of the interval, else once
 * in as many passes as it overran, and the screen says how old it is.
 * A mapping that holds the stack pointers of several threads, or has no
 * guard page right below it as every pthread stack has, is not one
 * thread's stack (Go runs its threads on stacks in its heap): those
 * threads are counted apart, not summed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc/attach_read.h"
#include "proc/procfs.h"
#include "sampler/attach.h"
#include "util/util.h"

/* One mapping of the last smaps. */
struct attach_map {
	uintptr_t	 start, end;
	uint64_t	 rss;
	bool		 stack;		/* [stack]: the main thread's */
	bool		 guard;		/* ---p: a guard page, if below one */
};

/* What a pass over another process keeps between passes. */
struct sampler_target {
	uint64_t	 starttime;	/* stat's: tells a reused PID */
	bool		 started;
	bool		 gone;
	char		 comm[SAMPLE_NAMELEN];
	char		 gone_why[SAMPLE_WHYLEN];
	long		 owner;		/* real uid, -1: unknown */
	uint64_t	 cpu_ns;	/* utime + stime */
	double		 vcsw, ivcsw;	/* the rates, summed over time */
	uint64_t	 last_ns;	/* the pass they were advanced to */
	bool		 sp_denied;	/* syscall refused: stop asking */
	char		 sp_why[SAMPLE_WHYLEN];
	char		*text;		/* smaps */
	size_t		 text_cap;
	struct attach_map *maps;
	size_t		 nmaps, maps_cap;
	bool		 maps_valid;
	char		 maps_why[SAMPLE_WHYLEN];
	uint32_t	 maps_skip, maps_age;
	uint32_t	*users;		/* threads per mapping */
	size_t		 users_cap;
};

/* Get ready to watch pid instead of this process. */
void
sampler_pass_target(struct sampler_pass *p, int pid)
{
	p->pid = pid;
	snprintf(p->self, sizeof p->self, "%d", pid);
	p->share_ppm = SAMPLER_ATTACH_PPM;
	p->target = xcalloc(1, sizeof *p->target);
	p->target->owner = -1;
}

/* Free what the passes over another process kept. */
void
attach_free(struct sampler_pass *p)
{
	struct sampler_target	*t = p->target;

	if (t == NULL)
		return;
	free(t->text);
	free(t->maps);
	free(t->users);
	free(t);
	p->target = NULL;
}

/* Note that the process has gone, and how that was seen. */
static void
attach_gone(struct sampler_target *t, const char *fmt, const char *what)
{
	t->gone = true;
	snprintf(t->gone_why, sizeof t->gone_why, fmt, what);
}

/*
 * The process as a whole: its stat (name, CPU time, and whether it is
 * still the process first seen).  False once it has exited.
 */
bool
attach_begin(struct sampler_pass *p, struct sample *s)
{
	struct sampler_target	*t = p->target;
	struct procfs_task_stat	 ts;
	struct procfs_status	 st;
	char			 rel[32], err[PROCFS_ERRLEN];
	long			 hz = sysconf(_SC_CLK_TCK);

	s->attached = true;
	if (!t->gone) {
		snprintf(rel, sizeof rel, "%d/stat", p->pid);
		if (procfs_read(p->root, rel, p->buf, p->buf_cap, err,
		    sizeof err) < 0) {
			if (errno == ENOENT || errno == ESRCH)
				attach_gone(t, "exited (%s is gone)", rel);
		} else if (procfs_parse_task_stat(p->buf, &ts, err,
		    sizeof err) == 0) {
			if (t->started && ts.starttime != t->starttime)
				attach_gone(t, "exited; its PID now belongs "
				    "to %s", ts.comm);
			else if (ts.state == 'Z' || ts.state == 'X')
				attach_gone(t, "exited (%s: a zombie until its "
				    "parent reaps it)", rel);
			else {
				/* An exec renames it: follow. */
				snprintf(t->comm, sizeof t->comm, "%.*s",
				    SAMPLE_NAMELEN - 1, ts.comm);
				t->started = true;
				t->starttime = ts.starttime;
				t->cpu_ns = (ts.utime + ts.stime) *
				    (1000000000u / (uint64_t)(hz > 0 ? hz :
				    100));
			}
		}
	}
	if (t->owner < 0) {
		snprintf(rel, sizeof rel, "%d/status", p->pid);
		if (procfs_read(p->root, rel, p->buf, p->buf_cap, err,
		    sizeof err) >= 0 && procfs_parse_status(p->buf, &st, err,
		    sizeof err) == 0 && st.has_uid)
			t->owner = st.uid;
	}
	snprintf(s->comm, sizeof s->comm, "%s", t->comm);
	if (!t->gone)
		return (true);
	s->gone = true;
	snprintf(s->gone_why, sizeof s->gone_why, "%s", t->gone_why);
	return (false);
}

/* Explain why rel of the process could not be read, in brief. */
static void
attach_why(struct sampler_pass *p, const char *rel, int errnum, char *buf,
    size_t len)
{
	procfs_explain_denied(p->root, p->pid, rel, errnum, p->target->owner,
	    (long)geteuid(), true, buf, len);
}

/*
 * One thread read: add what it switched since its last reading to the
 * process's sums, and read its stack pointer while it is not known.
 */
void
attach_task(struct sampler_pass *p, int dfd, struct sampler_task *tk,
    struct thread_row *r)
{
	struct sampler_target	*t = p->target;
	const struct thread_row	*old = &tk->row;
	struct procfs_syscall	 sc;
	char			 rel[48], err[PROCFS_ERRLEN];
	ssize_t			 n;
	int			 fd, e;

	double			 dt;

	if (r->has_ctxsw && old->has_ctxsw && old->t_ns != 0 &&
	    r->t_ns > old->t_ns && r->vcsw >= old->vcsw &&
	    r->ivcsw >= old->ivcsw) {
		dt = (double)(r->t_ns - old->t_ns) / 1e9;
		tk->vrate = (double)(r->vcsw - old->vcsw) / dt;
		tk->ivrate = (double)(r->ivcsw - old->ivcsw) / dt;
		tk->has_rate = true;
	}
	if (tk->sp_known || t->sp_denied || tk->tid == p->pid)
		return;
	snprintf(rel, sizeof rel, "%d/syscall", tk->tid);
	if ((fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC)) < 0)
		n = -1;
	else {
		n = procfs_pread(fd, rel, p->buf, p->buf_cap, err,
		    sizeof err);
		e = errno;
		close(fd);
		errno = e;
	}
	if (n < 0) {
		if (errno == EACCES || errno == EPERM) {
			t->sp_denied = true;
			snprintf(rel, sizeof rel, "task/%d/syscall", tk->tid);
			attach_why(p, rel, errno, t->sp_why,
			    sizeof t->sp_why);
		}
		return;
	}
	if (procfs_parse_syscall(p->buf, &sc, err, sizeof err) == 0 &&
	    !sc.running) {
		tk->sp = sc.sp;
		tk->sp_known = true;
	}
}

/* The process's switches and CPU time; no engine to ask. */
void
attach_end(struct sampler_pass *p, struct sample *s)
{
	struct sampler_target	*t = p->target;
	double			 v = 0, iv = 0, scale, dt;
	size_t			 i, n = 0;

	for (i = 0; i < p->ntasks; i++) {
		if (!p->tasks[i].has_rate)
			continue;
		v += p->tasks[i].vrate;
		iv += p->tasks[i].ivrate;
		n++;
	}
	if (!s->ok[SRC_TASKS] || n == 0) {
		snprintf(s->why[SRC_RUSAGE], sizeof s->why[SRC_RUSAGE],
		    "%s", s->ok[SRC_TASKS] ? "needs a second reading of a "
		    "thread" : s->why[SRC_TASKS]);
		t->last_ns = 0;
	} else {
		scale = s->threads_listed > n ? (double)s->threads_listed /
		    (double)n : 1.0;
		dt = t->last_ns != 0 && s->t_ns > t->last_ns ?
		    (double)(s->t_ns - t->last_ns) / 1e9 : 0;
		t->vcsw += v * scale * dt;
		t->ivcsw += iv * scale * dt;
		t->last_ns = s->t_ns;
		s->ok[SRC_RUSAGE] = true;
		s->vcsw = (uint64_t)t->vcsw;
		s->ivcsw = (uint64_t)t->ivcsw;
		s->cpu_time_ns = t->cpu_ns;
	}
	s->mode_name = "process";	/* the lead column of --batch */
	s->ok[SRC_ENGINE] = false;
	snprintf(s->why[SRC_ENGINE], sizeof s->why[SRC_ENGINE],
	    "only a cswviz workload counts this");
}

/* Keep one mapping of smaps. */
static void
attach_add_map(const struct procfs_map *m, void *arg)
{
	struct sampler_target	*t = arg;

	if (t->nmaps == t->maps_cap) {
		t->maps_cap = t->maps_cap * 2 + 64;
		t->maps = xrealloc(t->maps, t->maps_cap * sizeof *t->maps);
	}
	t->maps[t->nmaps].start = m->start;
	t->maps[t->nmaps].end = m->end;
	t->maps[t->nmaps].rss = m->rss;
	t->maps[t->nmaps].stack = strcmp(m->path, "[stack]") == 0;
	t->maps[t->nmaps].guard = strcmp(m->perms, "---p") == 0;
	t->nmaps++;
}

/* Read smaps when it is due; false if there are no mappings to use. */
static bool
attach_read_maps(struct sampler_pass *p)
{
	struct sampler_target	*t = p->target;
	char			 rel[32], err[PROCFS_ERRLEN];
	uint64_t		 cpu0, cost, goal;

	if (t->maps_valid && t->maps_skip > 0) {
		t->maps_skip--;
		t->maps_age++;
		return (true);
	}
	cpu0 = util_thread_cpu_ns();
	snprintf(rel, sizeof rel, "%d/smaps", p->pid);
	t->nmaps = 0;
	if (procfs_read_grow(p->root, rel, &t->text, &t->text_cap, err,
	    sizeof err) < 0) {
		t->maps_valid = false;
		attach_why(p, "smaps", errno, t->maps_why, sizeof t->maps_why);
		return (false);
	}
	if (procfs_parse_smaps(t->text, attach_add_map, t, err,
	    sizeof err) != 0) {
		t->maps_valid = false;
		snprintf(t->maps_why, sizeof t->maps_why, "%s", err);
		return (false);
	}
	t->maps_valid = true;
	t->maps_age = 0;
	cost = util_thread_cpu_ns() - cpu0;
	goal = p->interval_ns / 1000000u * SAMPLER_SMAPS_PPM;
	t->maps_skip = goal > 0 ? (uint32_t)(cost / goal) : 0;
	return (true);
}

/* The mapping holding addr, or -1 (smaps is in address order). */
static long
attach_find(const struct sampler_target *t, uintptr_t addr)
{
	size_t	lo = 0, hi = t->nmaps, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < t->maps[mid].start)
			hi = mid;
		else if (addr >= t->maps[mid].end)
			lo = mid + 1;
		else
			return ((long)mid);
	}
	return (-1);
}

/* Mark a source as unreadable, with why. */
static void
attach_fail(struct sample *s, enum sample_src src, const char *why)
{
	s->ok[src] = false;
	snprintf(s->why[src], sizeof s->why[src], "%s", why);
}

/* Order thread rows by TID, for bsearch. */
static int
attach_cmp_row(const void *a, const void *b)
{
	const struct thread_row	*x = a, *y = b;

	return (x->tid < y->tid ? -1 : x->tid > y->tid);
}

/* The mapping a thread's stack is in, or -1 while it is not known. */
static long
attach_task_map(const struct sampler_pass *p, const struct sampler_task *tk,
    long main_stack)
{
	if (tk->tid == p->pid)
		return (main_stack);
	return (tk->sp_known ? attach_find(p->target, tk->sp) : -1);
}

/*
 * Each thread's stack mapping: reserved is its size, committed its Rss.
 * Sums over the threads whose mapping is theirs alone.
 */
void
attach_stacks(struct sampler_pass *p, struct sample *s)
{
	struct sampler_target	*t = p->target;
	struct thread_row	 key, *row;
	size_t			 i;
	long			 k, main_stack = -1;

	if (!attach_read_maps(p)) {
		attach_fail(s, SRC_STACKS, t->maps_why);
		return;
	}
	if (t->sp_denied) {
		attach_fail(s, SRC_STACKS, t->sp_why);
		return;
	}
	for (i = 0; i < t->nmaps; i++) {
		if (t->maps[i].stack)
			main_stack = (long)i;
	}
	if (t->users_cap < t->nmaps + 1) {
		t->users_cap = t->nmaps + 1;
		t->users = xrealloc(t->users, t->users_cap *
		    sizeof *t->users);
	}
	memset(t->users, 0, t->users_cap * sizeof *t->users);
	for (i = 0; i < p->ntasks; i++) {
		if ((k = attach_task_map(p, &p->tasks[i], main_stack)) >= 0)
			t->users[k]++;
	}
	for (i = 0; i < p->ntasks; i++) {
		if ((k = attach_task_map(p, &p->tasks[i], main_stack)) < 0) {
			s->stack_pending++;
			continue;
		}
		if (t->users[k] > 1 || (!t->maps[k].stack && (k == 0 ||
		    !t->maps[k - 1].guard ||
		    t->maps[k - 1].end != t->maps[k].start))) {
			s->stack_elsewhere++;
			continue;
		}
		s->stack_count++;
		s->stack_reserved += t->maps[k].end - t->maps[k].start;
		s->stack_committed += t->maps[k].rss;
		if (s->rows == NULL)
			continue;
		key.tid = p->tasks[i].tid;
		if ((row = bsearch(&key, s->rows->rows, s->rows->n,
		    sizeof *row, attach_cmp_row)) != NULL) {
			row->has_stack = true;
			row->stack_reserved = t->maps[k].end - t->maps[k].start;
			row->stack_committed = t->maps[k].rss;
		}
	}
	s->stacks_known = s->stacks_measured = s->stack_count;
	s->stack_age = t->maps_age;
	s->ok[SRC_STACKS] = true;
}

/* SPDX-License-Identifier: ISC */
/*
 * The workload child's side: `cswviz --workload-child`, started by
 * child_start with the socket on CHILD_FD_SOCK and the shared memory on
 * CHILD_FD_SHM.  Its main thread is the agent: it starts the engine with
 * the first request, then carries out requests, publishes the counters
 * when cswviz's sampler asks (and once a second anyway), and passes the
 * engine's messages on.  The agent runs at the default policy while the
 * workload's tasks run at SCHED_IDLE, so a kick wakes it at once even with
 * 10,000 runnable tasks.  When cswviz goes away (the socket closes, or
 * the parent-death signal) the child ends at once: exit_group ends every
 * task without a join.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/futex.h>

#include "child/child.h"
#include "child/wire.h"
#include "engine/engine.h"
#include "util/util.h"

#define WORKLOAD_IDLE_MS	1000	/* publish at least this often */
#define WORKLOAD_FM_NS		3000000	/* fibers' mincore a pass, at most */

struct workload {
	struct engine		*engine;
	struct child_shm	*shm;
	int			 sock;
	uint64_t		 msg_seq;
	uint32_t		 fm_skip;	/* passes to reuse the last */
	bool			 fm_ok;
	struct engine_fiber_memory fm;
	struct lat_counts	 lat[2];	/* engine_latency's, last read */
	bool			 lat_read;	/* a kick's publish took max */
	const char		*trace;		/* --trace FILE, or NULL */
	child_end_fn		 end;		/* writes it, engine gone */
};

/* A configuration that crossed, as the engine takes it. */
static void
workload_config(const struct child_config *w, struct engine_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mode = w->mode == ENGINE_FIBERS ? ENGINE_FIBERS : ENGINE_THREADS;
	cfg->scenario = w->scenario;
	cfg->tasks = w->tasks;
	cfg->workers = w->workers;
	cfg->stack[ENGINE_THREADS] = (size_t)w->stack[ENGINE_THREADS];
	cfg->stack[ENGINE_FIBERS] = (size_t)w->stack[ENGINE_FIBERS];
	cfg->variant = w->variant;
}

/* The engine's configuration as it crosses back. */
static void
workload_config_out(struct engine *e, struct child_msg *m)
{
	struct engine_config	cfg;

	engine_config_get(e, &cfg);
	m->cfg.mode = cfg.mode;
	snprintf(m->cfg.scenario, sizeof m->cfg.scenario, "%s", cfg.scenario);
	m->cfg.tasks = cfg.tasks;
	m->cfg.workers = cfg.workers;
	m->cfg.stack[ENGINE_THREADS] = cfg.stack[ENGINE_THREADS];
	m->cfg.stack[ENGINE_FIBERS] = cfg.stack[ENGINE_FIBERS];
	m->cfg.variant = cfg.variant;
	m->tasks_max = engine_tasks_max(e);
}

/* Send one message; a closed socket ends the child. */
static void
workload_send(struct workload *w, struct child_msg *m)
{
	if (send(w->sock, m, sizeof *m, MSG_NOSIGNAL) < 0 && errno != EINTR)
		_exit(0);
}

/*
 * The fibers' memory.  The counts (fibers alive, bytes they hold) are
 * read afresh every time; the resident pages take a mincore over the
 * arena, which can cost more than a pass should, and then the last
 * measure stands for as many passes as its CPU time ran over.  The skip
 * was once wall time, and a ramp that held the engine's lock made the
 * stacks' count lag the tasks' for seconds (479 stacks for 500 fibers,
 * 792,189 for a million) with no mark of its age.
 */
static void
workload_fiber_memory(struct workload *w)
{
	struct engine_fiber_memory	fm;
	uint64_t			t0;
	bool				all = !w->fm_ok || w->fm_skip == 0;

	t0 = util_thread_cpu_ns();
	if (engine_fiber_memory(w->engine, &fm, all) != 0) {
		w->fm_ok = false;
		return;
	}
	if (all) {
		w->fm_skip = (uint32_t)((util_thread_cpu_ns() - t0) /
		    WORKLOAD_FM_NS);
		fm.committed_age = 0;
	} else {
		w->fm_skip--;
		fm.committed = w->fm.committed;
		fm.shared_stacks = w->fm.shared_stacks;
		fm.committed_age = w->fm.committed_age + 1;
	}
	w->fm = fm;
	w->fm_ok = true;
}

/*
 * Read the latency counts afresh: engine_latency adds the cumulative
 * counts to what it is given, so counts kept from the publish before
 * would count every wakeup again and show the old ones forever.  The
 * maximum, taken by each read, is kept until a kick's publish, which
 * cswviz reads.
 */
static void
workload_latency(struct workload *w, bool kick)
{
	uint64_t	max[2];
	int		i;

	for (i = 0; i < 2; i++)
		max[i] = w->lat_read ? 0 : w->lat[i].max;
	memset(w->lat, 0, sizeof w->lat);
	engine_latency(w->engine, &w->lat[0], &w->lat[1]);
	for (i = 0; i < 2; i++)
		if (max[i] > w->lat[i].max)
			w->lat[i].max = max[i];
	w->lat_read = kick;
}

/* Publish the counters in the shared memory: one seqlock write. */
static void
workload_publish(struct workload *w, bool kick)
{
	struct child_shm	*m = w->shm;
	struct engine_snapshot	 snap;
	struct rusage		 ru;
	uint64_t		 seq;
	size_t			 n;
	bool			 ru_ok;

	engine_snapshot(w->engine, &snap);
	workload_fiber_memory(w);
	workload_latency(w, kick);
	ru_ok = getrusage(RUSAGE_SELF, &ru) == 0;

	seq = atomic_load_explicit(&m->seq, memory_order_relaxed);
	atomic_store_explicit(&m->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	m->t_ns = util_now_ns();
	snprintf(m->scenario, sizeof m->scenario, "%s", snap.scenario);
	snprintf(m->caption, sizeof m->caption, "%s",
	    snap.caption != NULL ? snap.caption : "");
	m->has_variant = snap.variant_name != NULL;
	snprintf(m->variant_name, sizeof m->variant_name, "%s",
	    m->has_variant ? snap.variant_name : "");
	m->has_work_unit = snap.work_unit != NULL;
	snprintf(m->work_unit, sizeof m->work_unit, "%s",
	    m->has_work_unit ? snap.work_unit : "");
	snap.scenario = snap.caption = snap.variant_name = NULL;
	snap.work_unit = NULL;
	m->snap = snap;
	m->fm_ok = w->fm_ok && snap.mode == ENGINE_FIBERS;
	m->fm = w->fm;
	m->ru_ok = ru_ok;
	memcpy(m->lat, w->lat, sizeof m->lat);
	if (ru_ok) {
		m->ru.vcsw = (uint64_t)ru.ru_nvcsw;
		m->ru.ivcsw = (uint64_t)ru.ru_nivcsw;
		m->ru.cpu_ns = ((uint64_t)ru.ru_utime.tv_sec +
		    (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
		    ((uint64_t)ru.ru_utime.tv_usec +
		    (uint64_t)ru.ru_stime.tv_usec) * 1000u;
		m->ru.t_ns = m->t_ns;
	}
	n = engine_stacks(w->engine, m->stacks, CHILD_STACKS_MAX);
	m->nstacks = (uint32_t)(n < CHILD_STACKS_MAX ? n : CHILD_STACKS_MAX);
	atomic_store_explicit(&m->seq, seq + 2, memory_order_release);
	atomic_fetch_add(&m->published, 1);
	/* Shared, not private: the waiter is another process. */
	syscall(SYS_futex, &m->published, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Carry out one message from cswviz. */
static void
workload_handle(struct workload *w, const struct child_msg *in)
{
	struct engine_config	cfg;
	struct child_msg	out;

	switch (in->type) {
	case CHILD_MSG_KICK:
		workload_publish(w, true);
		break;
	case CHILD_MSG_REQUEST:
		workload_config(&in->cfg, &cfg);
		engine_request(w->engine, &cfg);
		memset(&out, 0, sizeof out);
		out.type = CHILD_MSG_REPLY;
		out.seq = in->seq;
		workload_config_out(w->engine, &out);
		workload_send(w, &out);
		workload_publish(w, false);
		break;
	case CHILD_MSG_FINISH:
		/* Every runtime destroyed, so every trace ring is closed. */
		engine_destroy(w->engine);
		w->engine = NULL;
		_exit(w->end != NULL && w->end(w->trace) != 0 ? 1 : 0);
	default:
		break;
	}
}

/* The agent's loop: requests, kicks and the engine's messages. */
static void
workload_serve(struct workload *w)
{
	struct pollfd		pfd[2];
	struct child_msg	m;
	ssize_t			n;

	for (;;) {
		pfd[0].fd = w->sock;
		pfd[0].events = POLLIN;
		pfd[1].fd = engine_fd(w->engine);
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, WORKLOAD_IDLE_MS) < 0 && errno != EINTR)
			_exit(1);
		if (pfd[1].revents & POLLIN) {
			memset(&m, 0, sizeof m);
			if (engine_message(w->engine, &w->msg_seq, m.text,
			    sizeof m.text)) {
				m.type = CHILD_MSG_NEWS;
				workload_send(w, &m);
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(w->sock, &m, sizeof m, 0);
			if (n == 0 || (n < 0 && errno != EINTR &&
			    errno != EAGAIN))
				_exit(0);	/* cswviz is gone */
			if (n == (ssize_t)sizeof m)
				workload_handle(w, &m);
		} else
			workload_publish(w, false);
	}
}

/*
 * setsid gave this child an autogroup of its own, and a new autogroup
 * weighs as nice 0 whatever nice cswviz was started at, so `nice -n 19
 * cswviz` still took every CPU it found.  Carry the nice over.  Raising
 * it needs no privilege, but the kernel takes one such write a tenth of a
 * second, machine-wide, from a process without CAP_SYS_ADMIN (EAGAIN):
 * try for half a second.  Without autogroups the file is not there and
 * the nice already applies to every thread.
 */
static void
workload_autogroup_nice(void)
{
	char	buf[16];
	int	fd, nice, i, len;

	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	if (nice <= 0 || errno != 0)
		return;
	if ((fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC)) < 0)
		return;
	len = snprintf(buf, sizeof buf, "%d", nice);
	for (i = 0; i < 5; i++) {
		if (write(fd, buf, (size_t)len) == len || errno != EAGAIN)
			break;
		usleep(110000);
	}
	close(fd);
}

/* The body of the workload child. */
int
child_workload_main(int argc, char **argv, int (*begin)(const char *),
    child_end_fn end)
{
	struct workload		w;
	struct engine_config	cfg;
	struct child_msg	m;
	char			err[ENGINE_ERRLEN];
	ssize_t			n;

	prctl(PR_SET_NAME, "cswviz-child");
	workload_autogroup_nice();
	memset(&w, 0, sizeof w);
	/* --trace: the rings are claimed by workers the engine starts. */
	if (argc > 2 && argv[2] != NULL) {
		w.trace = argv[2];
		w.end = end;
		if (begin != NULL && begin(w.trace) != 0)
			return (1);
	}
	w.sock = CHILD_FD_SOCK;
	w.shm = mmap(NULL, sizeof *w.shm, PROT_READ | PROT_WRITE, MAP_SHARED,
	    CHILD_FD_SHM, 0);
	if (w.shm == MAP_FAILED) {
		fprintf(stderr, "cswviz: workload: mmap: %s\n",
		    strerror(errno));
		return (1);
	}
	close(CHILD_FD_SHM);
	n = recv(w.sock, &m, sizeof m, 0);
	if (n != (ssize_t)sizeof m || m.type != CHILD_MSG_REQUEST) {
		fprintf(stderr, "cswviz: workload: no first request\n");
		return (1);
	}
	workload_config(&m.cfg, &cfg);
	w.engine = engine_create(&cfg, err, sizeof err);
	memset(&m, 0, sizeof m);
	if (w.engine == NULL) {
		m.type = CHILD_MSG_FAILED;
		snprintf(m.text, sizeof m.text, "%s", err);
		workload_send(&w, &m);
		fprintf(stderr, "cswviz: %s\n", err);
		return (1);
	}
	workload_publish(&w, false);
	m.type = CHILD_MSG_READY;
	workload_config_out(w.engine, &m);
	workload_send(&w, &m);
	workload_serve(&w);
	return (0);
}

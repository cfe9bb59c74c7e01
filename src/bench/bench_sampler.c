/* SPDX-License-Identifier: ISC */
/*
 * The sampler's section of `cswviz --bench`: what one collection pass costs
 * with 1,000 and 10,000 sleeping OS threads and with 100,000 sleeping
 * fibers, and how long a key takes to reach the screen while spinning
 * threads keep every CPU busy.
 *
 * Pass cost: the bench starts the threads (64 KiB stacks) or fibers
 * itself, runs BENCH_S_PASSES passes of the real sampler over /proc and
 * its own stacks, BENCH_S_GAP_MS apart, and keeps the passes after the
 * first BENCH_S_WARM (the first reads every stack, and the budget settles).
 * The CPU share is the pass's CPU time (CLOCK_THREAD_CPUTIME_ID) over the
 * 1 s default interval (mean CPU, so a cost paid every few passes counts).
 *
 * Key to redraw: the bench runs this very program (/proc/self/exe) on a
 * pseudo-terminal, as a user would, with one spinning thread per CPU at
 * SCHED_IDLE in the bench (the engine's workers run at SCHED_IDLE too).
 * It writes a space (freeze) to the terminal and times until "FROZEN"
 * arrives back: the program's read, its action, its whole redraw, and the
 * terminal both ways.  Then it writes another space to thaw, and waits
 * for the screen to go quiet before the next key.  Last it writes q and
 * times until the terminal's modes are back (canonical input and echo, as
 * tcgetattr on the master reads them), goal BENCH_S_QUIT_GOAL_MS, and
 * until the program has exited, its workload killed and reaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bench/bench_sampler.h"
#include "bench/bench.h"
#include "child/child.h"
#include "engine/engine.h"
#include "engine/limits.h"
#include "runtime/fiber.h"
#include "proc/procfs.h"
#include "sampler/sampler.h"
#include "util/util.h"

#define BENCH_S_PASSES		12
#define BENCH_S_WARM		3
#define BENCH_S_GAP_MS		100
#define BENCH_S_STACK		(64 * 1024)
#define BENCH_S_FIBERS		100000
#define BENCH_S_KEYS		15
#define BENCH_S_KEY_TIMEOUT_MS	5000
#define BENCH_S_QUIET_MS	150
#define BENCH_S_KEY_GOAL_MS	20	/* median, 10,000 runnable threads */
#define BENCH_S_QUIT_GOAL_MS	200	/* q to the terminal's modes back */

/* The populations the pass is measured over. */
enum bench_s_case {
	BS_THREADS_1K,
	BS_THREADS_10K,
	BS_FIBERS_100K,
	BS_CHILD_10K,
	BS_NCASES
};

static const struct bench_s_def {
	const char	*key;		/* JSON prefix */
	const char	*label;
	long		 n;
	bool		 fibers;
	bool		 child;		/* a workload child's runnable threads */
	double		 target;	/* percent of one CPU */
	double		 wall_ms;	/* goal for a pass's wall time; 0: none */
} bench_s_defs[BS_NCASES] = {
	{ "sampler_1k_threads", "1,000 sleeping threads", 1000, false, false,
	    1, 0 },
	{ "sampler_10k_threads", "10,000 sleeping threads", 10000, false,
	    false, 5, 0 },
	{ "sampler_100k_fibers", "100,000 sleeping fibers", BENCH_S_FIBERS,
	    true, false, 1, 0 },
	{ "sampler_child_10k_runnable", "10,000 runnable, a child", 10000,
	    false, true, 5, 30 },
};

struct bench_s_case_out {
	long		 n;		/* started */
	double		 pass_ms;	/* median wall time of a pass */
	double		 cpu_ms;	/* mean CPU time of a pass */
	double		 share;		/* cpu_ms over 1 s, percent */
	double		 wait_ms;	/* median run delay a pass; -1: unread */
	unsigned	 read, listed;	/* threads read per pass, listed */
	bool		 ok;
};

/* The programs keys are timed in. */
enum bench_k_case {
	BK_IDLE,		/* two tasks, the bench's spinners on every CPU */
	BK_FLOOD_10K,		/* 10,000 spinning threads of its own */
	BK_NCASES
};

static char *const bench_k_idle_argv[] = { "cswviz", "-s", "pingpong",
    "-n", "2", NULL };
static char *const bench_k_flood_argv[] = { "cswviz", "-m", "threads",
    "-s", "cpu-flood", "-n", "10000", "--stack", "64K", NULL };

static const struct bench_k_def {
	const char	*key;		/* JSON prefix */
	const char	*label;
	const char	*name;		/* in the notes */
	const char	*quit;		/* the q row's label, after a comma */
	char *const	*argv;
	bool		 spinners;	/* the bench keeps every CPU busy */
	const char	*ready;		/* on the screen once the tasks run */
	int		 ready_ms;	/* how long they may take to start */
	int		 reap_ms;	/* and to stop */
} bench_k_defs[BK_NCASES] = {
	{ "key_to_redraw", "key to redraw, %d CPUs spinning",
	    "key to redraw with the CPUs spinning", "CPUs spinning",
	    bench_k_idle_argv,
	    true, "sampler", 30000, 5000 },
	{ "key_to_redraw_10k_threads", "key to redraw, 10,000 threads",
	    "key to redraw with 10,000 threads", "10,000 threads",
	    bench_k_flood_argv, false, "10,000 tasks running", 180000, 30000 },
};

struct bench_k_out {
	double		 ms, min, max;	/* median, fastest, slowest */
	int		 keys;		/* keys timed */
	int		 spinners;
	int		 nice;		/* the program's screen thread's */
	double		 quit_ms;	/* q to the modes back; -1: not */
	double		 gone_ms;	/* q to the exit */
};

struct bench_s_out {
	struct bench_s_case_out	 c[BS_NCASES];
	struct bench_k_out	 k[BK_NCASES];
	char			 notes[512];
};

/* Append a note. */
static void
bench_s_note(struct bench_s_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
bench_s_note(struct bench_s_out *o, const char *fmt, ...)
{
	va_list	ap;
	size_t	len = strlen(o->notes);

	if (len != 0 && len + 2 < sizeof o->notes) {
		strcat(o->notes, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(o->notes + len, sizeof o->notes - len, fmt, ap);
	va_end(ap);
}

/* ": 12% over" when a time is over its goal, else "". */
static const char *
bench_s_over(double v, double goal)
{
	static char	buf[32];

	if (v <= goal)
		return ("");
	snprintf(buf, sizeof buf, ": %.0f%% over", (v / goal - 1) * 100);
	return (buf);
}

/* The sleeping threads and their stacks, as the sampler wants them. */
struct bench_s_threads {
	pthread_mutex_t		 m;
	pthread_cond_t		 c, started_c;
	bool			 go;
	long			 started;
	struct engine_stack	*st;
};

struct bench_s_targ {
	struct bench_s_threads	*ts;
	long			 i;
};

/* Record my stack, then sleep until told to go. */
static void *
bench_s_sleeper(void *arg)
{
	struct bench_s_targ	*a = arg;
	struct bench_s_threads	*ts = a->ts;
	pthread_attr_t		 attr;
	void			*lo = NULL;
	size_t			 len = 0;

	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		pthread_attr_getstack(&attr, &lo, &len);
		pthread_attr_destroy(&attr);
	}
	pthread_mutex_lock(&ts->m);
	ts->st[a->i].base = (uintptr_t)lo;
	ts->st[a->i].size = len;
	ts->st[a->i].tid = (int)syscall(SYS_gettid);
	ts->started++;
	pthread_cond_signal(&ts->started_c);
	while (!ts->go)
		pthread_cond_wait(&ts->c, &ts->m);
	pthread_mutex_unlock(&ts->m);
	return (NULL);
}

/* The sleepers' stacks, for the sampler. */
static size_t
bench_s_stacks(void *arg, struct engine_stack *out, size_t max)
{
	struct bench_s_threads	*ts = arg;
	size_t			 n = (size_t)ts->started;

	memcpy(out, ts->st, (n < max ? n : max) * sizeof *out);
	return (n);
}

/* The runtime's fiber stacks, for the sampler (as engine_fiber_memory). */
static int
bench_s_fibers(void *arg, struct engine_fiber_memory *fm)
{
	struct fiber_rt		*rt = arg;
	struct fiber_stats	 st;
	struct fiber_stack_memory held;

	memset(fm, 0, sizeof *fm);
	fiber_rt_stats(rt, &st);
	fm->arena = st.stack_reserved;
	fm->live = st.live;
	fiber_rt_stack_memory(rt, &held);
	fm->reserved = held.reserved;
	fm->committed = held.committed;
	fm->shared_stacks = held.shared_stacks;
	return (0);
}

/*
 * The calling thread's time spent runnable but waiting for a CPU, ns
 * (the second field of its schedstat); -1 if it cannot be read.
 */
static double
bench_s_run_delay(void)
{
	struct procfs_schedstat	ss;
	char			buf[128], err[160];

	if (procfs_read("/proc", "thread-self/schedstat", buf, sizeof buf, err,
	    sizeof err) < 0 || procfs_parse_schedstat(buf, &ss, err,
	    sizeof err) != 0)
		return (-1);
	return ((double)ss.wait_ns);
}

/* Run the passes; fill pass and CPU medians. */
static void
bench_s_passes(struct sampler_pass *p, struct bench_s_case_out *c)
{
	struct sample	*s = xmalloc(sizeof *s);
	double		 wall[BENCH_S_PASSES], cpu[BENCH_S_PASSES];
	double		 wait[BENCH_S_PASSES], d0, d1;
	int		 i, n = 0;

	c->wait_ms = 0;
	for (i = 0; i < BENCH_S_PASSES; i++) {
		d0 = bench_s_run_delay();
		sampler_collect(p, s);
		d1 = bench_s_run_delay();
		if (i >= BENCH_S_WARM) {
			if (d0 < 0 || d1 < 0)
				c->wait_ms = -1;
			wait[n] = (d1 - d0) / 1e6;
			wall[n] = (double)s->pass_ns / 1e6;
			cpu[n++] = (double)s->pass_cpu_ns / 1e6;
			c->read = s->threads_read;
			c->listed = s->threads_listed;
		}
		/* As the screen's sampler does: the child is asked
		   ahead of the pass (SAMPLER_CHILD_LEAD_NS). */
		usleep(BENCH_S_GAP_MS * 1000 - SAMPLER_CHILD_LEAD_NS / 1000);
		sampler_pass_ask(p);
		usleep(SAMPLER_CHILD_LEAD_NS / 1000);
	}
	/* The mean for CPU: a cost paid every few passes counts in full. */
	c->pass_ms = util_median(wall, n);
	if (c->wait_ms == 0)
		c->wait_ms = util_median(wait, n);
	for (c->cpu_ms = 0, i = 0; i < n; i++)
		c->cpu_ms += cpu[i] / n;
	c->share = c->cpu_ms / 1000.0 * 100.0;
	c->ok = true;
	free(s);
}

/* The pass over want sleeping threads with small stacks. */
static void
bench_s_threads_case(struct bench_s_out *o, enum bench_s_case k)
{
	struct bench_s_case_out	*c = &o->c[k];
	struct bench_s_threads	 ts;
	struct bench_s_targ	*args;
	struct sampler_pass	 p;
	pthread_attr_t		 attr;
	pthread_t		*t;
	char			 why[LIMITS_WHYLEN];
	long			 want, i, n = 0;
	int			 err = 0;

	want = engine_task_cap(ENGINE_THREADS, 0, bench_s_defs[k].n, 0, why,
	    sizeof why);

	memset(&ts, 0, sizeof ts);
	pthread_mutex_init(&ts.m, NULL);
	pthread_cond_init(&ts.c, NULL);
	pthread_cond_init(&ts.started_c, NULL);
	ts.st = xcalloc((size_t)want, sizeof *ts.st);
	t = xcalloc((size_t)want, sizeof *t);
	args = xcalloc((size_t)want, sizeof *args);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, BENCH_S_STACK);
	for (i = 0; i < want; i++) {
		args[i].ts = &ts;
		args[i].i = i;
		if ((err = pthread_create(&t[i], &attr, bench_s_sleeper,
		    &args[i])) != 0)
			break;
		n++;
	}
	pthread_attr_destroy(&attr);
	if (n < bench_s_defs[k].n)
		bench_s_note(o, "%s: %ld threads started (%s)",
		    bench_s_defs[k].label, n, err ? strerror(err) :
		    why);
	pthread_mutex_lock(&ts.m);
	while (ts.started < n)
		pthread_cond_wait(&ts.started_c, &ts.m);
	pthread_mutex_unlock(&ts.m);

	c->n = n;
	sampler_pass_init(&p, "/proc", NULL);
	p.stacks_fn = bench_s_stacks;
	p.stacks_arg = &ts;
	bench_s_passes(&p, c);
	sampler_pass_free(&p);

	pthread_mutex_lock(&ts.m);
	ts.go = true;
	pthread_cond_broadcast(&ts.c);
	pthread_mutex_unlock(&ts.m);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_cond_destroy(&ts.c);
	pthread_cond_destroy(&ts.started_c);
	pthread_mutex_destroy(&ts.m);
	free(args);
	free(t);
	free(ts.st);
}

static _Atomic long	bench_s_asleep;

/* Sleep until the runtime stops. */
static void
bench_s_fiber_sleeper(void *arg)
{
	atomic_fetch_add(&bench_s_asleep, 1);
	fiber_sleep(3600ULL * 1000000000ULL);
}

/* The pass with 100,000 sleeping fibers on P workers. */
static void
bench_s_fibers_case(struct bench_s_out *o, enum bench_s_case k)
{
	struct fiber_rt_config	 cfg = { 0, 0, 0 };
	struct bench_s_case_out	*c = &o->c[k];
	struct sampler_pass	 p;
	struct fiber_rt		*rt;
	uint64_t		 end;
	long			 i, n = 0;

	cfg.guard_limit = engine_fiber_guard_limit();
	if ((rt = fiber_rt_create(&cfg)) == NULL) {
		bench_s_note(o, "%s: no fiber runtime",
		    bench_s_defs[k].label);
		return;
	}
	atomic_store(&bench_s_asleep, 0);
	for (i = 0; i < bench_s_defs[k].n; i++) {
		if (fiber_spawn(rt, bench_s_fiber_sleeper, NULL, NULL,
		    NULL) != 0)
			break;
		n++;
	}
	end = util_now_ns() + 60000000000ULL;
	while (atomic_load(&bench_s_asleep) < n && util_now_ns() < end)
		usleep(10000);
	if (n < bench_s_defs[k].n)
		bench_s_note(o, "%s: %ld fibers started", bench_s_defs[k].label,
		    n);
	c->n = n;
	sampler_pass_init(&p, "/proc", NULL);
	p.fibers_fn = bench_s_fibers;
	p.stacks_arg = rt;
	bench_s_passes(&p, c);
	sampler_pass_free(&p);
	fiber_rt_destroy(rt);
}

/*
 * The pass as the screen runs it: over a workload child running
 * `-m threads -s cpu-flood -n 10000 --stack 64K`, whose 10,000 threads
 * keep every CPU busy in a session of their own, from this thread at
 * its own priority (nice 0 for an ordinary user).
 */
static void
bench_s_child_case(struct bench_s_out *o, enum bench_s_case k)
{
	struct bench_s_case_out	*c = &o->c[k];
	struct engine_config	 cfg;
	struct engine_snapshot	 snap;
	struct sampler_pass	 p;
	struct child		*ch;
	char			 err[256];
	uint64_t		 end;

	memset(&cfg, 0, sizeof cfg);
	cfg.mode = ENGINE_THREADS;
	cfg.scenario = "cpu-flood";
	cfg.tasks = bench_s_defs[k].n;
	cfg.stack[ENGINE_THREADS] = BENCH_S_STACK;
	if ((ch = child_start(&cfg, err, sizeof err)) == NULL) {
		bench_s_note(o, "%s: %s", bench_s_defs[k].label, err);
		return;
	}
	/* Until the ramp is over, at most three minutes. */
	end = util_now_ns() + 180000000000ULL;
	memset(&snap, 0, sizeof snap);
	while (util_now_ns() < end && child_pid(ch) != 0) {
		if (child_snapshot(ch, &snap) && !snap.ramping &&
		    snap.tasks_alive >= snap.tasks_target &&
		    snap.tasks_target > 0)
			break;
		child_kick(ch);
		usleep(100000);
	}
	c->n = snap.tasks_alive;
	if (c->n < bench_s_defs[k].n)
		bench_s_note(o, "%s: %ld threads started", bench_s_defs[k].label,
		    c->n);
	sampler_pass_init(&p, "/proc", NULL);
	sampler_pass_child(&p, ch);
	bench_s_passes(&p, c);
	sampler_pass_free(&p);
	child_free(ch);
}

static _Atomic int	bench_s_spin_stop;

/* Spin at the lowest priority until told to stop. */
static void *
bench_s_spinner(void *arg)
{
	struct sched_param	sp = { 0 };

	/* As the engine's workers: SCHED_IDLE, or nice 19 without it. */
	if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0)
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
	while (!atomic_load_explicit(&bench_s_spin_stop, memory_order_relaxed))
		__asm__ volatile("" ::: "memory");
	return (arg);
}

/*
 * Read the terminal until needle arrives or timeout_ms pass; true if it
 * came.  The bytes before it are dropped.
 */
static bool
bench_s_wait_for(int fd, const char *needle, int timeout_ms)
{
	char		 buf[16384];
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	uint64_t	 end = util_now_ns() + (uint64_t)timeout_ms * 1000000u;
	size_t		 have = 0, nl = strlen(needle);
	ssize_t		 n;

	while (util_now_ns() < end) {
		if (poll(&pfd, 1, (int)((end - util_now_ns()) / 1000000u) +
		    1) <= 0)
			return (false);
		if ((n = read(fd, buf + have, sizeof buf - have)) <= 0)
			return (false);
		have += (size_t)n;
		if (memmem(buf, have, needle, nl) != NULL)
			return (true);
		/* Keep a tail in case the needle is cut between reads. */
		if (have >= nl) {
			memmove(buf, buf + have - (nl - 1), nl - 1);
			have = nl - 1;
		}
	}
	return (false);
}

/* Read and drop output until none has come for quiet_ms (at most 3 s). */
static void
bench_s_drain(int fd, int quiet_ms)
{
	char		buf[8192];
	struct pollfd	pfd = { fd, POLLIN, 0 };
	uint64_t	end = util_now_ns() + 3000000000ULL;

	while (util_now_ns() < end && poll(&pfd, 1, quiet_ms) > 0) {
		if (read(fd, buf, sizeof buf) <= 0)
			break;
	}
}

/* Start this program on a new pseudo-terminal; -1 or the child's pid. */
static pid_t
bench_s_spawn(char *const argv[], int *master)
{
	struct winsize	 ws = { 30, 100, 0, 0 };
	char		*slave;
	pid_t		 pid;
	int		 m, s;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return (-1);
	if (grantpt(m) != 0 || unlockpt(m) != 0 ||
	    (slave = ptsname(m)) == NULL) {
		close(m);
		return (-1);
	}
	ioctl(m, TIOCSWINSZ, &ws);
	if ((pid = fork()) < 0) {
		close(m);
		return (-1);
	}
	if (pid == 0) {
		setsid();
		if ((s = open(slave, O_RDWR)) < 0)
			_exit(127);
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		if (s > 2)
			close(s);
		setenv("TERM", "xterm", 1);
		setenv("LANG", "C.UTF-8", 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	*master = m;
	return (pid);
}

/* Whether the terminal on master is back in canonical mode with echo. */
static bool
bench_s_modes_back(int master)
{
	struct termios	t;

	return (tcgetattr(master, &t) == 0 && (t.c_lflag & ICANON) &&
	    (t.c_lflag & ECHO));
}

/*
 * Quit the program as a user does, with q, reading what it writes; fill
 * the time to its terminal's modes and to its exit.  After grace_ms,
 * SIGKILL; false if it came to that.
 */
static bool
bench_s_quit(pid_t pid, int master, int grace_ms, struct bench_k_out *ko)
{
	char		buf[8192];
	struct pollfd	pfd = { master, POLLIN, 0 };
	uint64_t	t0, end;
	int		status;
	bool		clean = true, raw = !bench_s_modes_back(master);

	t0 = util_now_ns();
	end = t0 + (uint64_t)grace_ms * 1000000u;
	if (write(master, "q", 1) != 1)
		kill(pid, SIGTERM);
	for (;;) {
		if (raw && ko->quit_ms < 0 && bench_s_modes_back(master))
			ko->quit_ms = (double)(util_now_ns() - t0) / 1e6;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			ko->gone_ms = (double)(util_now_ns() - t0) / 1e6;
			break;
		}
		if (util_now_ns() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			clean = false;
			break;
		}
		/* A millisecond's step: the read keeps its writes going. */
		if (poll(&pfd, 1, 1) > 0 && read(master, buf, sizeof buf) <= 0)
			usleep(1000);
	}
	close(master);
	return (clean);
}

/* The nice value of a process's main thread (the screen); 99: unknown. */
static int
bench_s_nice(pid_t pid)
{
	struct procfs_task_stat	 ts;
	char			 rel[64], buf[1024], err[160];

	snprintf(rel, sizeof rel, "%d/stat", (int)pid);
	if (procfs_read("/proc", rel, buf, sizeof buf, err, sizeof err) < 0 ||
	    procfs_parse_task_stat(buf, &ts, err, sizeof err) != 0)
		return (99);
	return ((int)ts.nice);
}

/* Note it when the kernel does not put each session in a group of its own. */
static void
bench_s_autogroup(struct bench_s_out *o)
{
	char	buf[16], err[160];

	if (procfs_read("/proc", "sys/kernel/sched_autogroup_enabled", buf,
	    sizeof buf, err, sizeof err) < 0)
		bench_s_note(o, "autogroups: %s", err);
	else if (buf[0] == '0')
		bench_s_note(o, "autogroups are off (sched_autogroup_enabled "
		    "is 0): the workload's threads weigh against the screen "
		    "one by one");
}

/*
 * Key to redraw in one program: start it, keep every CPU busy with
 * SCHED_IDLE spinners if the case asks, wait for its tasks to run, then
 * time the keys.
 */
static void
bench_s_keys(struct bench_s_out *o, enum bench_k_case kc)
{
	const struct bench_k_def *d = &bench_k_defs[kc];
	struct bench_k_out	*ko = &o->k[kc];
	double			 v[BENCH_S_KEYS];
	pthread_t		*sp = NULL;
	uint64_t		 t0;
	pid_t			 pid;
	long			 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int			 master, i, n = 0;

	ko->ms = ko->min = ko->max = -1;
	ko->quit_ms = ko->gone_ms = -1;
	if ((pid = bench_s_spawn(d->argv, &master)) < 0) {
		bench_s_note(o, "%s: no pseudo-terminal: %s", d->name,
		    strerror(errno));
		return;
	}
	if (ncpu < 1)
		ncpu = 1;
	atomic_store(&bench_s_spin_stop, 0);
	if (d->spinners) {
		sp = xcalloc((size_t)ncpu, sizeof *sp);
		for (i = 0; i < ncpu; i++) {
			if (util_thread_create(&sp[i], bench_s_spinner,
			    NULL) != 0)
				break;
			ko->spinners++;
		}
	}
	if (!bench_s_wait_for(master, d->ready, d->ready_ms))
		bench_s_note(o, "%s: \"%s\" not on the screen after %d s",
		    d->name, d->ready, d->ready_ms / 1000);
	else {
		ko->nice = bench_s_nice(pid);
		bench_s_drain(master, BENCH_S_QUIET_MS);
		for (i = 0; i < BENCH_S_KEYS; i++) {
			t0 = util_now_ns();
			if (write(master, " ", 1) != 1)
				break;
			if (!bench_s_wait_for(master, "FROZEN",
			    BENCH_S_KEY_TIMEOUT_MS)) {
				bench_s_note(o, "%s: a key went unanswered "
				    "for %d ms", d->name,
				    BENCH_S_KEY_TIMEOUT_MS);
				break;
			}
			v[n++] = (double)(util_now_ns() - t0) / 1e6;
			if (write(master, " ", 1) != 1)
				break;
			bench_s_drain(master, BENCH_S_QUIET_MS);
		}
	}
	/* q while the CPUs are still busy. */
	if (!bench_s_quit(pid, master, d->reap_ms, ko))
		bench_s_note(o, "%s: the program took over %d s to quit and "
		    "was killed", d->name, d->reap_ms / 1000);
	atomic_store(&bench_s_spin_stop, 1);
	for (i = 0; i < ko->spinners; i++)
		pthread_join(sp[i], NULL);
	free(sp);
	ko->keys = n;
	if (n > 0) {
		ko->ms = util_median(v, n);
		ko->min = v[0];
		ko->max = v[n - 1];
	}
}

/* Measure every case. */
struct bench_s_out *
bench_sampler_measure(void)
{
	struct bench_s_out	*o = xcalloc(1, sizeof *o);
	int			 k;

	for (k = 0; k < BS_NCASES; k++) {
		if (bench_s_defs[k].fibers)
			bench_s_fibers_case(o, (enum bench_s_case)k);
		else if (bench_s_defs[k].child)
			bench_s_child_case(o, (enum bench_s_case)k);
		else
			bench_s_threads_case(o, (enum bench_s_case)k);
	}
	bench_s_autogroup(o);
	for (k = 0; k < BK_NCASES; k++)
		bench_s_keys(o, (enum bench_k_case)k);
	return (o);
}

/* Print the section of the table. */
void
bench_sampler_print_table(FILE *out, const struct bench_s_out *o)
{
	const struct bench_s_case_out	*c;
	const struct bench_k_out	*ko;
	char			 label[96], rot[48];
	int			 k;

	fprintf(out, "\nsampler (%d passes after %d, %d ms apart: median wall "
	    "time, mean CPU time,\nand the CPU share that is at the 1 s "
	    "default interval; a child is asked\nfor its counters %u ms "
	    "before each pass, as the screen's sampler does)\n",
	    BENCH_S_PASSES - BENCH_S_WARM, BENCH_S_WARM, BENCH_S_GAP_MS,
	    (unsigned)(SAMPLER_CHILD_LEAD_NS / 1000000u));
	fprintf(out, "  %-31s %9s %9s %8s %7s  %s\n", "", "pass", "CPU",
	    "share", "goal", "threads read/pass");
	for (k = 0; k < BS_NCASES; k++) {
		c = &o->c[k];
		if (c->n != bench_s_defs[k].n)
			snprintf(label, sizeof label, "%ld %s", c->n,
			    bench_s_defs[k].fibers ? "sleeping fibers" :
			    bench_s_defs[k].child ? "runnable, a child" :
			    "sleeping threads");
		else
			snprintf(label, sizeof label, "%s", bench_s_defs[k].label);
		if (!c->ok) {
			fprintf(out, "  %-31s %9s\n", label, "n/a");
			continue;
		}
		snprintf(rot, sizeof rot, "%u/%u%s", c->read, c->listed,
		    c->read < c->listed ? " (rotating)" : "");
		fprintf(out, "  %-31s %6.2f ms %6.2f ms %7.2f%% %6s%%  %s\n",
		    label, c->pass_ms, c->cpu_ms, c->share,
		    bench_s_defs[k].target < 5 ? "<1" : "<5", rot);
		if (bench_s_defs[k].wall_ms > 0)
			fprintf(out, "  %-31s goal %.0f ms of wall time a "
			    "pass%s\n", "", bench_s_defs[k].wall_ms,
			    bench_s_over(c->pass_ms, bench_s_defs[k].wall_ms));
		if (bench_s_defs[k].wall_ms > 0 && c->wait_ms >= 0)
			fprintf(out, "  %-31s of which %.2f ms runnable, "
			    "waiting for a CPU (schedstat)\n", "",
			    c->wait_ms);
	}
	for (k = 0; k < BK_NCASES; k++) {
		ko = &o->k[k];
		snprintf(label, sizeof label, bench_k_defs[k].label,
		    ko->spinners);
		if (ko->ms < 0)
			fprintf(out, "  %-31s %9s\n", label, "n/a");
		else
			fprintf(out, "  %-31s %6.1f ms  goal %d ms%s  (%d "
			    "keys, %.1f-%.1f, screen at nice %d)\n", label,
			    ko->ms, BENCH_S_KEY_GOAL_MS, bench_s_over(ko->ms,
			    BENCH_S_KEY_GOAL_MS), ko->keys, ko->min, ko->max,
			    ko->nice);
		if (ko->quit_ms < 0)
			continue;
		snprintf(label, sizeof label, "q to modes back, %s",
		    bench_k_defs[k].quit);
		fprintf(out, "  %-31s %6.1f ms  goal %d ms%s  (exit %.0f ms "
		    "after q)\n", label, ko->quit_ms, BENCH_S_QUIT_GOAL_MS,
		    bench_s_over(ko->quit_ms, BENCH_S_QUIT_GOAL_MS),
		    ko->gone_ms);
	}
	fprintf(out, "  (key to redraw: a space written to this program on a "
	    "pseudo-terminal until\n   \"FROZEN\" comes back: read, "
	    "action, redraw and the terminal both ways.\n   First with two "
	    "tasks and the bench's spinners at SCHED_IDLE on every CPU,\n"
	    "   then with `-s cpu-flood -n 10000`: its own 10,000 threads "
	    "keep the CPUs\n   busy and every sampler pass lists them; "
	    "the workload runs in a child of its\n   own, in a session of "
	    "its own, as it always does now.\n   Last, q in each, "
	    "timed until the terminal's modes are back, then the exit)\n");
	if (o->notes[0] != '\0')
		fprintf(out, "  notes on the sampler: %s\n", o->notes);
}

/* Print a JSON number or null. */
static void
bench_s_num(FILE *out, const char *key, double v)
{
	if (v < 0)
		fprintf(out, "\"%s\":null,", key);
	else
		fprintf(out, "\"%s\":%.3f,", key, v);
}

/* Print the section's JSON members. */
void
bench_sampler_print_json(FILE *out, const struct bench_s_out *o)
{
	const struct bench_s_case_out	*c;
	const struct bench_k_out	*ko;
	char			 key[96];
	const char		*p;
	int			 k;

	for (k = 0; k < BS_NCASES; k++) {
		c = &o->c[k];
		snprintf(key, sizeof key, "%s_pass_ms", bench_s_defs[k].key);
		bench_s_num(out, key, c->ok ? c->pass_ms : -1);
		snprintf(key, sizeof key, "%s_cpu_ms", bench_s_defs[k].key);
		bench_s_num(out, key, c->ok ? c->cpu_ms : -1);
		snprintf(key, sizeof key, "%s_cpu_percent",
		    bench_s_defs[k].key);
		bench_s_num(out, key, c->ok ? c->share : -1);
		snprintf(key, sizeof key, "%s_cpu_wait_ms",
		    bench_s_defs[k].key);
		bench_s_num(out, key, c->ok ? c->wait_ms : -1);
		snprintf(key, sizeof key, "%s_target_percent",
		    bench_s_defs[k].key);
		bench_s_num(out, key, bench_s_defs[k].target);
		if (bench_s_defs[k].wall_ms > 0) {
			snprintf(key, sizeof key, "%s_target_pass_ms",
			    bench_s_defs[k].key);
			bench_s_num(out, key, bench_s_defs[k].wall_ms);
		}
		fprintf(out, "\"%s_count\":%ld,\"%s_threads_read\":%u,",
		    bench_s_defs[k].key, c->n, bench_s_defs[k].key, c->read);
	}
	for (k = 0; k < BK_NCASES; k++) {
		ko = &o->k[k];
		p = bench_k_defs[k].key;
		snprintf(key, sizeof key, "%s_ms", p);
		bench_s_num(out, key, ko->ms);
		snprintf(key, sizeof key, "%s_ms_min", p);
		bench_s_num(out, key, ko->min);
		snprintf(key, sizeof key, "%s_ms_max", p);
		bench_s_num(out, key, ko->max);
		snprintf(key, sizeof key, "%s_target_ms", p);
		bench_s_num(out, key, BENCH_S_KEY_GOAL_MS);
		snprintf(key, sizeof key, "%s_quit_ms", p);
		bench_s_num(out, key, ko->quit_ms);
		snprintf(key, sizeof key, "%s_quit_target_ms", p);
		bench_s_num(out, key, BENCH_S_QUIT_GOAL_MS);
		snprintf(key, sizeof key, "%s_exit_ms", p);
		bench_s_num(out, key, ko->gone_ms);
		fprintf(out, "\"%s_keys\":%d,\"%s_spinners\":%d,"
		    "\"%s_screen_nice\":%d,", p, ko->keys, p, ko->spinners, p,
		    ko->nice);
	}
	fprintf(out, "\"sampler_notes\":\"");
	for (p = o->notes; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', out);
		fputc(*p, out);
	}
	fprintf(out, "\",");
}

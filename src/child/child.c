/* SPDX-License-Identifier: ISC */
/*
 * cswviz's side of the workload child: start it, talk to it, read what it
 * publishes, and see it end.
 *
 * The child is this same program run again (fork, then exec of
 * /proc/self/exe with CHILD_ARGV), not a plain fork: by the time a child
 * is restarted the observer has threads (the sampler's) whose locks a
 * forked copy would inherit held, and a fork of the terminal's process
 * would carry curses and the signal handlers along.  exec gives the
 * workload a clean process of its own, whose threads are all the
 * workload's, and the same on every restart.  Between fork and exec the
 * child makes only async-signal-safe calls.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include <time.h>

#include "child/child.h"
#include "child/wire.h"
#include "engine/engine.h"
#include "util/util.h"

#define CHILD_START_MS	30000	/* the first step of tasks may take long */
#define CHILD_REPLY_MS	200	/* a request's answer; else keep asking */
#define CHILD_TORN_TRIES 40	/* 40 x 250 us: 10 ms at most */
#define CHILD_TORN_SLEEP_NS 250000
#define CHILD_FD_HIGH	9	/* above 0..4, which the child's dup2s set */

struct child {
	pid_t			 pid;		/* 0: none running */
	int			 sock;		/* -1: ended */
	int			 pidfd;		/* -1: none, or reaped */
	int			 errfd;		/* the child's stderr */
	int			 shmfd;
	struct child_shm	*shm;
	pthread_mutex_t		 mu;		/* guards cfg, tasks_max */
	struct engine_config	 cfg;		/* as the engine took it */
	long			 tasks_max;
	uint32_t		 seq;		/* the last request's number */
	char			 news[ENGINE_ERRLEN];	/* one held back */
	bool			 has_news;
	bool			 ended;
	bool			 told;		/* the end was a message */
	bool			 paused;	/* stopped by child_pause */
	char			 end[384];
};

/* --trace: the file each child writes its fiber trace to, or NULL. */
static const char	*child_trace_path;

/* Strings published by a child, kept for the whole run. */
static pthread_mutex_t	 child_intern_mu = PTHREAD_MUTEX_INITIALIZER;
static char		*child_interned[256];
static size_t		 child_ninterned;

/* One copy of a string that outlives every sample pointing at it. */
static const char *
child_intern(const char *s)
{
	const char	*r = NULL;
	size_t		 i;

	pthread_mutex_lock(&child_intern_mu);
	for (i = 0; i < child_ninterned && r == NULL; i++) {
		if (strcmp(child_interned[i], s) == 0)
			r = child_interned[i];
	}
	if (r == NULL && child_ninterned < sizeof child_interned /
	    sizeof child_interned[0]) {
		r = child_interned[child_ninterned] = xmalloc(strlen(s) + 1);
		memcpy(child_interned[child_ninterned++], s, strlen(s) + 1);
	}
	pthread_mutex_unlock(&child_intern_mu);
	return (r != NULL ? r : "?");
}

/* The scenario table's own name for a name, for engine_config. */
static const char *
child_scenario_name(const char *name)
{
	struct engine_scenario_info	info;
	size_t				i;

	for (i = 0; engine_scenario(i, &info) == 0; i++) {
		if (strcmp(info.name, name) == 0)
			return (info.name);
	}
	return (child_intern(name));
}

/* A configuration as it crosses. */
static void
child_config_to_wire(const struct engine_config *cfg, struct child_config *w)
{
	memset(w, 0, sizeof *w);
	w->mode = cfg->mode;
	snprintf(w->scenario, sizeof w->scenario, "%s",
	    cfg->scenario != NULL ? cfg->scenario : "");
	w->tasks = cfg->tasks;
	w->workers = cfg->workers;
	w->stack[ENGINE_THREADS] = cfg->stack[ENGINE_THREADS];
	w->stack[ENGINE_FIBERS] = cfg->stack[ENGINE_FIBERS];
	w->variant = cfg->variant;
}

/* A configuration that crossed. */
static void
child_config_from_wire(const struct child_config *w, struct engine_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mode = w->mode == ENGINE_FIBERS ? ENGINE_FIBERS : ENGINE_THREADS;
	cfg->scenario = child_scenario_name(w->scenario);
	cfg->tasks = w->tasks;
	cfg->workers = w->workers;
	cfg->stack[ENGINE_THREADS] = (size_t)w->stack[ENGINE_THREADS];
	cfg->stack[ENGINE_FIBERS] = (size_t)w->stack[ENGINE_FIBERS];
	cfg->variant = w->variant;
}

/* The last line the child wrote on its stderr, or "". */
static void
child_last_words(struct child *c, char *buf, size_t len)
{
	struct stat	st;
	char		tail[256], *p, *end;
	off_t		off;
	ssize_t		n;

	buf[0] = '\0';
	if (c->errfd < 0 || fstat(c->errfd, &st) != 0 || st.st_size == 0)
		return;
	off = st.st_size > (off_t)sizeof tail - 1 ? st.st_size -
	    (off_t)sizeof tail + 1 : 0;
	if ((n = pread(c->errfd, tail, sizeof tail - 1, off)) <= 0)
		return;
	tail[n] = '\0';
	end = tail + n;
	while (end > tail && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	p = strrchr(tail, '\n');
	p = p != NULL ? p + 1 : tail;
	if (strncmp(p, "cswviz: ", 8) == 0)
		p += 8;
	n = (ssize_t)strlen(p);
	if ((size_t)n >= len)
		n = (ssize_t)len - 1;
	memcpy(buf, p, (size_t)n);
	buf[n] = '\0';
}

/* Say how the child ended, from its wait status and its last words. */
static void
child_describe_end(struct child *c, int status)
{
	char	words[200], how[96];

	if (WIFSIGNALED(status))
		snprintf(how, sizeof how, "killed by SIG%s",
		    sigabbrev_np(WTERMSIG(status)) != NULL ?
		    sigabbrev_np(WTERMSIG(status)) : "?");
	else if (WIFEXITED(status))
		snprintf(how, sizeof how, "exited with status %d",
		    WEXITSTATUS(status));
	else
		snprintf(how, sizeof how, "ended");
	child_last_words(c, words, sizeof words);
	snprintf(c->end, sizeof c->end, "workload %s, r restarts it%s%s",
	    how, words[0] != '\0' ? ": " : "", words);
}

/* Reap the child if it has ended: true once it has. */
static bool
child_reap(struct child *c, bool wait)
{
	int	status;
	pid_t	r;

	if (c->pid == 0)
		return (true);
	do
		r = waitpid(c->pid, &status, wait ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return (false);
	if (r == c->pid)
		child_describe_end(c, status);
	else
		snprintf(c->end, sizeof c->end, "workload ended, r restarts "
		    "it (waitpid: %s)", strerror(errno));
	c->pid = 0;
	c->ended = true;
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	return (true);
}

/* Move fd above the numbers the child's dup2s write; close-on-exec. */
static int
child_fd_high(int fd)
{
	int	nfd;

	if (fd < 0 || fd > CHILD_FD_HIGH)
		return (fd);
	if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, CHILD_FD_HIGH + 1)) < 0)
		return (fd);
	close(fd);
	return (nfd);
}

/* Wait up to ms for one message from the child: 1, 0 on timeout, -1 EOF. */
static int
child_recv(struct child *c, struct child_msg *m, int ms)
{
	struct pollfd	pfd;
	uint64_t	until = util_now_ns() + (uint64_t)ms * 1000000u;
	ssize_t		n;
	int		left;

	for (;;) {
		n = recv(c->sock, m, sizeof *m, MSG_DONTWAIT);
		if (n == (ssize_t)sizeof *m)
			return (1);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return (-1);
		if (n > 0)
			continue;	/* not ours: skip it */
		left = (int)((until - util_now_ns()) / 1000000u);
		if (util_now_ns() >= until)
			return (0);
		pfd.fd = c->sock;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, left > 0 ? left : 1);
	}
}

/* The socket has closed: the child is ending; watch for its exit. */
static void
child_lost(struct child *c)
{
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	c->ended = true;
	if (!child_reap(c, false) && c->pidfd < 0)
		child_reap(c, true);	/* no pidfd to wait on */
	else if (c->pid != 0)
		snprintf(c->end, sizeof c->end, "the workload is ending...");
}

/* Fork and exec one child, and wait for it to be ready. */
static int
child_spawn(struct child *c, const struct engine_config *cfg, char *err,
    size_t errlen)
{
	static char	 arg0[] = "cswviz", arg1[] = CHILD_ARGV;
	char		*argv[] = { arg0, arg1, (char *)child_trace_path, NULL };
	struct child_msg m;
	sigset_t	 none;
	int		 sv[2], devnull, rc;
	pid_t		 pid;

	c->ended = c->told = c->has_news = c->paused = false;
	c->end[0] = '\0';
	if (c->errfd >= 0)
		close(c->errfd);
	c->errfd = (int)syscall(SYS_memfd_create, "cswviz-child-stderr",
	    MFD_CLOEXEC);
	if (c->errfd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return (-1);
	}
	c->errfd = child_fd_high(c->errfd);
	(void)fcntl(c->errfd, F_SETFL, O_APPEND);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return (-1);
	}
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return (-1);
	}
	sv[1] = child_fd_high(sv[1]);
	devnull = child_fd_high(devnull);
	memset(c->shm, 0, sizeof *c->shm);
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		close(devnull);
		return (-1);
	}
	if (pid == 0) {
		/* Async-signal-safe calls only, until exec.  Every source
		   is above CHILD_FD_HIGH: no dup2 lands on another's fd. */
		setsid();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(sv[1], CHILD_FD_SOCK) < 0 ||
		    dup2(c->shmfd, CHILD_FD_SHM) < 0 ||
		    dup2(devnull, STDIN_FILENO) < 0 ||
		    dup2(devnull, STDOUT_FILENO) < 0 ||
		    dup2(c->errfd, STDERR_FILENO) < 0)
			_exit(126);
		execv("/proc/self/exe", argv);
		(void)!write(STDERR_FILENO, "cswviz: exec /proc/self/exe "
		    "failed\n", 35);
		_exit(127);
	}
	close(sv[1]);
	close(devnull);
	c->sock = sv[0];
	c->pid = pid;
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	memset(&m, 0, sizeof m);
	m.type = CHILD_MSG_REQUEST;
	child_config_to_wire(cfg, &m.cfg);
	if (send(c->sock, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m) {
		snprintf(err, errlen, "send: %s", strerror(errno));
		goto fail;
	}
	rc = child_recv(c, &m, CHILD_START_MS);
	if (rc == 1 && m.type == CHILD_MSG_READY) {
		pthread_mutex_lock(&c->mu);
		child_config_from_wire(&m.cfg, &c->cfg);
		c->tasks_max = m.tasks_max;
		pthread_mutex_unlock(&c->mu);
		return (0);
	}
	if (rc == 1 && m.type == CHILD_MSG_FAILED)
		snprintf(err, errlen, "%s", m.text);
	else if (rc == 0)
		snprintf(err, errlen, "the workload did not start in %d s",
		    CHILD_START_MS / 1000);
	else {
		child_reap(c, true);
		snprintf(err, errlen, "%s", c->end);
	}
fail:
	child_kill(c);
	child_reap(c, true);
	close(c->sock);
	c->sock = -1;
	c->ended = true;
	snprintf(c->end, sizeof c->end, "workload did not start, r tries "
	    "again: %s", err);
	return (-1);
}

/* Start the first child. */
struct child *
child_start(const struct engine_config *cfg, char *err, size_t errlen)
{
	struct child	*c = xcalloc(1, sizeof *c);

	c->sock = c->pidfd = c->errfd = -1;
	pthread_mutex_init(&c->mu, NULL);
	c->shmfd = (int)syscall(SYS_memfd_create, "cswviz-workload",
	    MFD_CLOEXEC);
	if (c->shmfd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		goto fail;
	}
	c->shmfd = child_fd_high(c->shmfd);
	if (ftruncate(c->shmfd, sizeof *c->shm) != 0) {
		snprintf(err, errlen, "ftruncate: %s", strerror(errno));
		goto fail;
	}
	c->shm = mmap(NULL, sizeof *c->shm, PROT_READ | PROT_WRITE,
	    MAP_SHARED, c->shmfd, 0);
	if (c->shm == MAP_FAILED) {
		c->shm = NULL;
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		goto fail;
	}
	if (child_spawn(c, cfg, err, errlen) != 0)
		goto fail;
	return (c);
fail:
	child_free(c);
	return (NULL);
}

/* The child's pid, 0 if none runs. */
pid_t
child_pid(struct child *c)
{
	return (c->ended ? 0 : c->pid);
}

/*
 * Take a REPLY if it answers the last request; true if it did.  An answer
 * to an earlier one, late past CHILD_REPLY_MS, is dropped: its
 * configuration is older than the one asked for since, and the next key
 * (m flips the mode) must start from the newest.
 */
static bool
child_reply(struct child *c, const struct child_msg *m)
{
	if (m->type != CHILD_MSG_REPLY || m->seq != c->seq)
		return (false);
	pthread_mutex_lock(&c->mu);
	child_config_from_wire(&m->cfg, &c->cfg);
	c->tasks_max = m->tasks_max;
	pthread_mutex_unlock(&c->mu);
	return (true);
}

/*
 * Send a request and take the configuration the engine made of it.  If
 * the answer is later than CHILD_REPLY_MS, the configuration asked for
 * stands until child_message takes the answer.
 */
void
child_request(struct child *c, const struct engine_config *cfg)
{
	struct child_msg	m;
	int			rc;

	pthread_mutex_lock(&c->mu);
	c->cfg = *cfg;
	c->cfg.scenario = child_scenario_name(cfg->scenario);
	pthread_mutex_unlock(&c->mu);
	if (c->sock < 0)
		return;
	(void)child_pause(c, false);	/* a stopped child cannot answer */
	memset(&m, 0, sizeof m);
	m.type = CHILD_MSG_REQUEST;
	m.seq = ++c->seq;
	child_config_to_wire(cfg, &m.cfg);
	if (send(c->sock, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m)
		return;
	while ((rc = child_recv(c, &m, CHILD_REPLY_MS)) == 1) {
		if (m.type == CHILD_MSG_NEWS) {
			memcpy(c->news, m.text, sizeof c->news);
			c->has_news = true;
			continue;
		}
		if (child_reply(c, &m))
			break;
	}
	if (rc < 0)
		child_lost(c);
}

/* The configuration asked for last, as the engine took it. */
void
child_config_get(struct child *c, struct engine_config *cfg)
{
	pthread_mutex_lock(&c->mu);
	*cfg = c->cfg;
	pthread_mutex_unlock(&c->mu);
}

/* The most tasks the scenario runs. */
long
child_tasks_max(struct child *c)
{
	long	n;

	pthread_mutex_lock(&c->mu);
	n = c->tasks_max;
	pthread_mutex_unlock(&c->mu);
	return (n);
}

/*
 * Begin a read of the shared memory: the even sequence number.  Try i of
 * a read: from the second on, a short sleep first, since a writer that
 * was preempted halfway through (a loaded machine) needs a CPU to finish.
 */
static bool
child_read_begin(struct child *c, uint64_t *seq, int i)
{
	struct timespec	ts = { 0, CHILD_TORN_SLEEP_NS };

	if (i > 0)
		nanosleep(&ts, NULL);
	*seq = atomic_load_explicit(&c->shm->seq, memory_order_acquire);
	return ((*seq & 1) == 0);
}

/* Whether what was copied since child_read_begin holds together. */
static bool
child_read_end(struct child *c, uint64_t seq)
{
	atomic_thread_fence(memory_order_acquire);
	return (atomic_load_explicit(&c->shm->seq, memory_order_relaxed) ==
	    seq);
}

/* The engine's counters, with the strings made the observer's own. */
bool
child_snapshot(struct child *c, struct engine_snapshot *s)
{
	char		scen[CHILD_NAMELEN], cap[CHILD_TEXTLEN];
	char		var[CHILD_NAMELEN], unit[CHILD_NAMELEN];
	bool		has_var, has_unit;
	uint64_t	seq;
	int		i;

	for (i = 0; i < CHILD_TORN_TRIES; i++) {
		if (!child_read_begin(c, &seq, i) || seq == 0)
			continue;
		*s = c->shm->snap;
		memcpy(scen, c->shm->scenario, sizeof scen);
		memcpy(cap, c->shm->caption, sizeof cap);
		memcpy(var, c->shm->variant_name, sizeof var);
		memcpy(unit, c->shm->work_unit, sizeof unit);
		has_var = c->shm->has_variant;
		has_unit = c->shm->has_work_unit;
		if (child_read_end(c, seq))
			break;
	}
	if (i == CHILD_TORN_TRIES) {
		memset(s, 0, sizeof *s);
		return (false);
	}
	scen[sizeof scen - 1] = cap[sizeof cap - 1] = '\0';
	var[sizeof var - 1] = unit[sizeof unit - 1] = '\0';
	s->scenario = child_scenario_name(scen);
	s->caption = child_intern(cap);
	s->variant_name = has_var ? child_intern(var) : NULL;
	s->work_unit = has_unit ? child_intern(unit) : NULL;
	return (true);
}

/* The thread stacks the child registered, at most max copied. */
size_t
child_stacks(struct child *c, struct engine_stack *out, size_t max)
{
	uint64_t	seq;
	size_t		n = 0;
	int		i;

	for (i = 0; i < CHILD_TORN_TRIES; i++) {
		if (!child_read_begin(c, &seq, i))
			continue;
		n = c->shm->nstacks;
		if (n > CHILD_STACKS_MAX)
			n = CHILD_STACKS_MAX;
		if (n > 0 && max > 0)
			memcpy(out, c->shm->stacks, (n < max ? n : max) *
			    sizeof *out);
		if (child_read_end(c, seq))
			return (n);
	}
	return (0);
}

/*
 * Copy len bytes at offset off of the shared memory, and the flag at
 * okoff (or true if okoff is 0), in one untorn read: false if none could
 * be had or the flag was false.
 */
static bool
child_copy(struct child *c, void *dst, size_t off, size_t len, size_t okoff)
{
	const char	*base = (const char *)c->shm;
	uint64_t	 seq;
	bool		 ok;
	int		 i;

	for (i = 0; i < CHILD_TORN_TRIES; i++) {
		if (!child_read_begin(c, &seq, i))
			continue;
		ok = okoff == 0 || *(const volatile bool *)(base + okoff);
		memcpy(dst, base + off, len);
		if (child_read_end(c, seq))
			return (ok);
	}
	return (false);
}

/* The fibers' stack memory as the child measured it; -1 in threads mode. */
int
child_fiber_memory(struct child *c, struct engine_fiber_memory *fm)
{
	return (child_copy(c, fm, offsetof(struct child_shm, fm), sizeof *fm,
	    offsetof(struct child_shm, fm_ok)) ? 0 : -1);
}

/* The child's getrusage as it last read it. */
bool
child_rusage(struct child *c, struct child_rusage *ru)
{
	return (child_copy(c, ru, offsetof(struct child_shm, ru), sizeof *ru,
	    offsetof(struct child_shm, ru_ok)));
}

/* The child's cumulative latency counts: wakeups, ready-queue waits. */
bool
child_latency(struct child *c, struct lat_counts *wake,
    struct lat_counts *ready)
{
	return (child_copy(c, wake, offsetof(struct child_shm, lat[0]),
	    sizeof *wake, 0) && child_copy(c, ready,
	    offsetof(struct child_shm, lat[1]), sizeof *ready, 0));
}

/* Ask for a fresh publication; never waits.  Returns a mark for
   child_wait_fresh. */
uint32_t
child_kick(struct child *c)
{
	struct child_msg	m;
	uint32_t		mark = atomic_load(&c->shm->published);
	int			fd = c->sock;

	if (fd < 0)
		return (mark);
	memset(&m, 0, sizeof m);
	m.type = CHILD_MSG_KICK;
	(void)send(fd, &m, sizeof m, MSG_NOSIGNAL | MSG_DONTWAIT);
	return (mark);
}

/*
 * Wait up to ms for a publication after the kick that gave mark: true if
 * one came.  The counters then date from this pass, not an older one.
 */
bool
child_wait_fresh(struct child *c, uint32_t mark, int ms)
{
	struct timespec	ts;
	uint64_t	until = util_now_ns() + (uint64_t)ms * 1000000u, now;
	uint32_t	v;

	while ((v = atomic_load(&c->shm->published)) == mark) {
		if (c->sock < 0 || (now = util_now_ns()) >= until)
			return (false);
		ts.tv_sec = (time_t)((until - now) / 1000000000u);
		ts.tv_nsec = (long)((until - now) % 1000000000u);
		syscall(SYS_futex, &c->shm->published, FUTEX_WAIT, v, &ts,
		    NULL, 0);
	}
	return (true);
}

/* The descriptor the loop polls: the socket, or the exit to come. */
int
child_fd(struct child *c)
{
	if (c->sock >= 0)
		return (c->sock);
	return (c->pidfd);
}

/*
 * Take the child's news: an engine message, or its end once (with how it
 * ended).  Never blocks.
 */
bool
child_message(struct child *c, char *buf, size_t len)
{
	struct child_msg	m;
	int			rc;

	if (c->has_news) {
		c->has_news = false;
		snprintf(buf, len, "%s", c->news);
		return (true);
	}
	while (c->sock >= 0 && (rc = child_recv(c, &m, 0)) != 0) {
		if (rc < 0) {
			child_lost(c);
			break;
		}
		if (m.type == CHILD_MSG_NEWS) {
			snprintf(buf, len, "%s", m.text);
			return (true);
		}
		(void)child_reply(c, &m);
	}
	if (c->sock < 0 && c->pid != 0 && !child_reap(c, false))
		return (false);
	if (c->ended && !c->told) {
		c->told = true;
		snprintf(buf, len, "%s", c->end);
		return (true);
	}
	return (false);
}

/* How the child ended, or false while it runs. */
bool
child_ended(struct child *c, char *buf, size_t len)
{
	if (!c->ended)
		return (false);
	if (buf != NULL)
		snprintf(buf, len, "%s", c->end);
	return (true);
}

/* A new child with the configuration asked for last. */
int
child_restart(struct child *c, char *err, size_t errlen)
{
	struct engine_config	cfg;

	child_kill(c);
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	child_reap(c, true);
	child_config_get(c, &cfg);
	return (child_spawn(c, &cfg, err, errlen));
}

/*
 * Lift the child's threads out of SCHED_IDLE: killed, each must still
 * run to exit, and under SCHED_IDLE on a busy machine 10,000 of them took
 * ten seconds.  The threads are listed from /proc/PID/task, so no other
 * process's thread is touched.  Linux refuses this to an unprivileged
 * process unless RLIMIT_NICE allows it; the kill then takes its chances.
 */
static void
child_hurry(pid_t pid)
{
	struct sched_param	 sp = { 0 };
	struct dirent		*de;
	char			 path[64];
	DIR			*d;
	long			 tid;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((tid = strtol(de->d_name, NULL, 10)) > 0 &&
		    sched_setscheduler((pid_t)tid, SCHED_OTHER, &sp) != 0 &&
		    errno == EPERM)
			break;	/* not allowed: no use trying the rest */
	}
	closedir(d);
}

/* Make every child started from now on write its fiber trace to path. */
void
child_trace_to(const char *path)
{
	child_trace_path = path;
}

/*
 * Ask the child to end its workload cleanly (it writes its trace then)
 * and wait up to ms for it to exit; true if it did and was reaped, with
 * its last line of stderr in buf ("" if it said nothing).
 */
bool
child_finish(struct child *c, int ms, char *buf, size_t len)
{
	struct child_msg	m;
	int			i;

	if (c == NULL || c->pid <= 0 || c->sock < 0)
		return (false);
	(void)child_pause(c, false);
	memset(&m, 0, sizeof m);
	m.type = CHILD_MSG_FINISH;
	if (send(c->sock, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m)
		return (false);
	buf[0] = '\0';
	for (i = 0; i < ms / 10; i++) {
		if (child_reap(c, false)) {
			child_last_words(c, buf, len);
			return (true);
		}
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	return (false);
}

/*
 * Stop or continue the workload: SIGSTOP to its whole session freezes
 * every thread where it stands, so what the figures showed last is what
 * the workload was doing; nothing runs or counts until SIGCONT.  SIGKILL
 * still ends a stopped child at once, so a quit never waits for it.
 */
int
child_pause(struct child *c, bool stop)
{
	if (c == NULL || c->pid <= 0 || c->ended) {
		errno = ESRCH;
		return (-1);
	}
	if (c->paused == stop)
		return (0);
	if (kill(-c->pid, stop ? SIGSTOP : SIGCONT) != 0)
		return (-1);
	c->paused = stop;
	return (0);
}

/* Whether child_pause stopped the child (and it has not ended since). */
bool
child_paused(struct child *c)
{
	return (c != NULL && c->paused && !c->ended);
}

/* SIGKILL to the child's whole process group (its session). */
void
child_kill(struct child *c)
{
	if (c == NULL || c->pid <= 0)
		return;
	(void)kill(-c->pid, SIGKILL);
	child_hurry(c->pid);
}

/* Kill and reap the child, and free everything. */
void
child_free(struct child *c)
{
	if (c == NULL)
		return;
	child_kill(c);
	if (c->sock >= 0)
		close(c->sock);
	child_reap(c, true);
	if (c->errfd >= 0)
		close(c->errfd);
	if (c->shm != NULL)
		munmap(c->shm, sizeof *c->shm);
	if (c->shmfd >= 0)
		close(c->shmfd);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

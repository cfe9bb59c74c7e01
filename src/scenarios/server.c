/* SPDX-License-Identifier: ISC */
/*
 * Scenario "server": N connections, each a socketpair, served one task per
 * connection, and driven by a built-in load generator.
 *
 * The generator is one thread ("loadgen") with an epoll set over the client
 * ends.  It keeps exactly one small request outstanding on every connection
 * (a closed loop, like N clients that each wait for their answer before they
 * ask again): when a reply is readable it checks it, counts one request,
 * records the round trip and sends the next request.  One thread and one
 * epoll_wait for many replies keep it cheap, and its own switches count in
 * the process's total like everything else, so the figures per request
 * include the client's share in both modes.  It runs at the priority of the
 * tasks it drives: lowered with the threads of threads mode, normal like the
 * runtime's workers in fibers mode.
 *
 * Threads mode: a thread per connection ("conn-12") blocks in read(2) for
 * the request, does a little work and write(2)s the reply: every request
 * puts that thread to sleep in the kernel and wakes it again.
 * Fibers mode: a fiber per connection reads and writes a nonblocking socket
 * with fiber_read/fiber_write and parks on the runtime's poller in between,
 * so the connection costs a small stack and no thread.
 *
 * Stopping: shutdown(2) of a connection's server end wakes its task from a
 * blocked read with end of file (fibers are woken by fiber_rt_stop first).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "runtime/fiber.h"
#include "scenarios/scenario.h"
#include "scenarios/task.h"
#include "util/util.h"

#define SV_MAX_CONNS	10000
#define SV_MSG		64		/* bytes of a request and of a reply */
#define SV_WORK_ROUNDS	8		/* hash passes over a request */
#define SV_EVENTS	256		/* replies handled per epoll_wait */
#define SV_QUIT_SLOT	UINT32_MAX
#define SV_FIBER_STACK	4096		/* fiber_read/fiber_write need 4 KiB */

/* A request, and its reply: the same shape, 64 bytes. */
struct sv_msg {
	uint64_t	seq;
	uint64_t	hash;		/* reply: the server's work */
	uint32_t	conn;
	uint32_t	pad;
	unsigned char	payload[SV_MSG - 24];
};

struct sv_conn {
	struct sv_state		*st;
	uint32_t		 slot;
	uint32_t		 gen;		/* tells a reused slot apart */
	int			 fd;		/* the server's end */
	int			 cfd;		/* the generator's end */

	/* The generator's side; touched under st->mu only. */
	uint64_t		 seq;
	uint64_t		 sent_ns;
	size_t			 got;
	struct sv_msg		 reply;
	bool			 dead;
};

struct sv_state {
	struct engine		*engine;
	enum engine_mode	 mode;
	struct fiber_rt		*rt;
	size_t			 fiber_stack;
	struct task_group	 group;		/* a task per connection */

	pthread_mutex_t		 mu;		/* conns, nconns, generator */
	struct sv_conn		*conns[SV_MAX_CONNS];
	long			 nconns;
	uint32_t		 next_gen;

	int			 epfd;		/* the generator's */
	int			 quitfd;	/* eventfd: the generator quits */
	pthread_t		 gen_thread;
	atomic_bool		 gen_quit;
	bool			 gen_started;

	struct task_counter	 requests;	/* replies checked */
	struct task_counter	 latency_ns;	/* sum of round trips */
};

/* The server's work on a request: a few passes of FNV-1a over it. */
static uint64_t
sv_work(const struct sv_msg *req)
{
	const unsigned char	*p = (const unsigned char *)req;
	uint64_t		 h = 14695981039346656037ULL;
	size_t			 i;
	int			 r;

	for (r = 0; r < SV_WORK_ROUNDS; r++) {
		for (i = 0; i < sizeof *req; i++) {
			h ^= p[i];
			h *= 1099511628211ULL;
		}
	}
	return (h);
}

/* lesson: server threads */
/* Serve requests with blocking reads until end of file. */
static void
sv_thread(void *arg)
{
	struct sv_conn	*c = arg;
	struct sv_msg	 req;
	size_t		 got;
	ssize_t		 n;

	for (;;) {
		for (got = 0; got < sizeof req; got += (size_t)n) {
			n = read(c->fd, (char *)&req + got, sizeof req - got);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0)
				return;
		}
		req.hash = sv_work(&req);
		if (send(c->fd, &req, sizeof req, MSG_NOSIGNAL) !=
		    (ssize_t)sizeof req)
			return;
	}
}
/* end lesson */

/* lesson: server fibers */
/* Serve requests, parking on the poller, until end of file or stop. */
static void
sv_fiber(void *arg)
{
	struct sv_conn	*c = arg;
	struct sv_msg	 req;
	size_t		 got;
	ssize_t		 n;

	for (;;) {
		for (got = 0; got < sizeof req; got += (size_t)n) {
			n = fiber_read(c->fd, (char *)&req + got,
			    sizeof req - got);
			if (n <= 0)
				return;
		}
		req.hash = sv_work(&req);
		if (fiber_write(c->fd, &req, sizeof req) != (ssize_t)sizeof req)
			return;
	}
}
/* end lesson */

/* Send a connection's next request; locked, generator or control thread. */
static int
sv_send(struct sv_conn *c)
{
	struct sv_msg	req;

	memset(&req, 0, sizeof req);
	req.seq = ++c->seq;
	req.conn = c->slot;
	memset(req.payload, (int)(req.seq & 0xff), sizeof req.payload);
	c->sent_ns = util_now_ns();
	c->got = 0;
	/* One request in flight: the socket buffer always has room. */
	if (send(c->cfd, &req, sizeof req, MSG_NOSIGNAL) != (ssize_t)sizeof req)
		return (-1);
	return (0);
}

/* Take a readable reply, count it and ask again; locked. */
static void
sv_gen_reply(struct sv_state *st, struct sv_conn *c, uint64_t *count,
    uint64_t *lat)
{
	ssize_t		n;
	uint64_t	now;

	n = read(c->cfd, (char *)&c->reply + c->got, sizeof c->reply - c->got);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		goto dead;
	c->got += (size_t)n;
	if (c->got < sizeof c->reply)
		return;
	if (c->reply.seq != c->seq || c->reply.conn != c->slot)
		goto dead;
	now = util_now_ns();
	(*count)++;
	*lat += now - c->sent_ns;
	if (sv_send(c) == 0)
		return;
dead:
	/* The task has gone: forget the connection until it is removed. */
	c->dead = true;
	epoll_ctl(st->epfd, EPOLL_CTL_DEL, c->cfd, NULL);
}

/* The load generator: answer every reply with the next request. */
static void *
sv_generator(void *arg)
{
	struct sv_state		*st = arg;
	struct epoll_event	 ev[SV_EVENTS];
	struct sv_conn		*c;
	uint64_t		 count, lat;
	uint32_t		 slot, gen;
	int			 i, n;

	pthread_setname_np(pthread_self(), "loadgen");
	if (st->mode == ENGINE_THREADS)
		engine_thread_lower_priority();
	while (!atomic_load(&st->gen_quit)) {
		n = epoll_wait(st->epfd, ev, SV_EVENTS, -1);
		if (n <= 0)
			continue;
		count = lat = 0;
		pthread_mutex_lock(&st->mu);
		for (i = 0; i < n; i++) {
			slot = (uint32_t)ev[i].data.u64;
			gen = (uint32_t)(ev[i].data.u64 >> 32);
			if (slot == SV_QUIT_SLOT || slot >= SV_MAX_CONNS)
				continue;
			/* A connection removed since epoll_wait returned. */
			if ((c = st->conns[slot]) == NULL || c->gen != gen ||
			    c->dead)
				continue;
			sv_gen_reply(st, c, &count, &lat);
		}
		pthread_mutex_unlock(&st->mu);
		task_counter_add(&st->requests, count);
		task_counter_add(&st->latency_ns, lat);
	}
	return (NULL);
}

/* Stop the generator thread. */
static void
sv_generator_stop(struct sv_state *st)
{
	uint64_t	one = 1;

	if (!st->gen_started)
		return;
	atomic_store(&st->gen_quit, true);
	if (write(st->quitfd, &one, sizeof one) < 0)
		abort();
	engine_thread_join(st->engine, st->gen_thread);
	st->gen_started = false;
}

/* Wake a connection's task: a blocked read(2) returns 0 once its end is
   shut down. */
static void
sv_conn_stop(void *arg)
{
	shutdown(((struct sv_conn *)arg)->fd, SHUT_RDWR);
}

/* Its task has ended: free the connection. */
static void
sv_conn_reap(void *arg)
{
	struct sv_conn	*c = arg;

	close(c->fd);
	close(c->cfd);
	free(c);
}

/* Make an fd nonblocking. */
static int
sv_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) < 0)
		return (-1);
	return (fcntl(fd, F_SETFL, fl | O_NONBLOCK));
}

/* Open connection slot, for its task to serve; NULL with err set. */
static void *
sv_conn_at(void *arg, long i, char *err, size_t errlen)
{
	struct sv_state		*st = arg;
	struct sv_conn		*c;
	struct rlimit		 rl;
	uint32_t		 slot = (uint32_t)i;
	int			 sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		rc = errno;
		if (rc == EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0)
			snprintf(err, errlen, "socketpair: %s (at %u "
			    "connections; RLIMIT_NOFILE %llu)", strerror(rc),
			    slot, (unsigned long long)rl.rlim_cur);
		else
			snprintf(err, errlen, "socketpair: %s (at %u "
			    "connections)", strerror(rc), slot);
		return (NULL);
	}
	c = xcalloc(1, sizeof *c);
	c->st = st;
	c->slot = slot;
	c->fd = sv[0];
	c->cfd = sv[1];
	/* A fiber's end parks on the poller instead of blocking. */
	if (sv_nonblock(c->cfd) != 0 || (st->rt != NULL &&
	    sv_nonblock(c->fd) != 0)) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		sv_conn_reap(c);
		return (NULL);
	}
	return (c);
}

static const struct task_body sv_conn_body = {
	.name = "conn",
	.thread = sv_thread,
	.fiber = sv_fiber,
	.stop = sv_conn_stop,
	.reap = sv_conn_reap,
};

/* Hand a connection to the generator and send its first request; locked. */
static int
sv_conn_attach(struct sv_state *st, struct sv_conn *c)
{
	struct epoll_event	ev;

	c->gen = ++st->next_gen;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)c->gen << 32 | c->slot;
	if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, c->cfd, &ev) != 0)
		return (-1);
	if (sv_send(c) != 0) {
		epoll_ctl(st->epfd, EPOLL_CTL_DEL, c->cfd, NULL);
		return (-1);
	}
	st->conns[c->slot] = c;
	st->nconns = (long)c->slot + 1;
	return (0);
}

/*
 * Open connections up to tasks, then hand them all to the generator under
 * one lock, so that a busy generator does not slow the ramp down.
 */
static int
sv_grow(struct sv_state *st, long tasks, char *err, size_t errlen)
{
	long	 have = st->nconns, n, done;
	int	 rc, e;

	rc = task_group_resize(&st->group, tasks, &sv_conn_body, sv_conn_at,
	    st, err, errlen);
	n = task_group_alive(&st->group);
	pthread_mutex_lock(&st->mu);
	for (done = have; done < n; done++) {
		if (sv_conn_attach(st, task_group_arg(&st->group, done)) != 0)
			break;
	}
	e = errno;
	pthread_mutex_unlock(&st->mu);
	if (done < n) {
		snprintf(err, errlen, "connection %ld: %s", done,
		    strerror(e));
		rc = -1;
		task_group_shrink(&st->group, done, NULL, NULL);
	}
	return (rc);
}

/* Grow or shrink to the given number of connections. */
static int
sv_resize(void *arg, long tasks, char *err, size_t errlen)
{
	struct sv_state	*st = arg;
	long		 i, have = st->nconns;

	if (tasks > SV_MAX_CONNS)
		tasks = SV_MAX_CONNS;
	if (tasks > have)
		return (sv_grow(st, tasks, err, errlen));
	if (tasks == have)
		return (0);

	/* Take them from the generator first, then end them all. */
	pthread_mutex_lock(&st->mu);
	for (i = tasks; i < have; i++) {
		if (!st->conns[i]->dead)
			epoll_ctl(st->epfd, EPOLL_CTL_DEL, st->conns[i]->cfd,
			    NULL);
		st->conns[i] = NULL;
	}
	st->nconns = tasks;
	pthread_mutex_unlock(&st->mu);
	task_group_shrink(&st->group, tasks, NULL, NULL);
	return (0);
}

/* Let the process open two descriptors per connection if it may. */
static void
sv_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Free what sv_start set up. */
static void
sv_free(struct sv_state *st)
{
	if (st->epfd >= 0)
		close(st->epfd);
	if (st->quitfd >= 0)
		close(st->quitfd);
	task_group_free(&st->group);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

/* Start the generator and the first connections. */
static void *
sv_start(struct engine *e, const struct scenario_params *sp, char *err,
    size_t errlen)
{
	struct sv_state		*st;
	struct epoll_event	 ev;
	int			 rc;

	st = xcalloc(1, sizeof *st);
	st->engine = e;
	st->mode = sp->mode;
	st->rt = engine_fiber_rt(e);
	st->fiber_stack = sp->stack < SV_FIBER_STACK ? SV_FIBER_STACK :
	    sp->stack;
	task_group_init(&st->group, e, sp, SV_MAX_CONNS);
	st->group.stack = st->fiber_stack;
	pthread_mutex_init(&st->mu, NULL);
	st->quitfd = -1;
	sv_raise_nofile();

	if ((st->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (st->quitfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		snprintf(err, errlen, "load generator: %s", strerror(errno));
		sv_free(st);
		return (NULL);
	}
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.u64 = SV_QUIT_SLOT;
	if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->quitfd, &ev) != 0) {
		snprintf(err, errlen, "load generator: %s", strerror(errno));
		sv_free(st);
		return (NULL);
	}
	if ((rc = engine_thread_create(e, &st->gen_thread, sv_generator,
	    st)) != 0) {
		snprintf(err, errlen, "load generator: %s", strerror(rc));
		sv_free(st);
		return (NULL);
	}
	st->gen_started = true;
	if (sv_resize(st, sp->tasks, err, errlen) != 0 && st->nconns == 0) {
		sv_generator_stop(st);
		sv_free(st);
		return (NULL);
	}
	return (st);
}

/* Requests done, round trips and connections. */
static void
sv_stats(void *arg, struct engine_snapshot *s)
{
	struct sv_state	*st = arg;

	/* A thread is alive once its stack is registered and until it
	   ends, a fiber once it is spawned. */
	s->tasks_alive = task_group_running(&st->group);
	s->work = task_counter_read(&st->requests);
	s->latency_count = s->work;
	s->latency_ns = task_counter_read(&st->latency_ns);
}

/* Stop the generator, then every connection. */
static void
sv_stop(void *arg)
{
	struct sv_state	*st = arg;
	char		 err[ENGINE_ERRLEN];

	sv_generator_stop(st);
	sv_resize(st, 0, err, sizeof err);
	sv_free(st);
}

const struct scenario_ops scenario_server = {
	.name = "server",
	.summary = "connections served by a built-in load generator",
	.caption = { {
		[ENGINE_THREADS] = "A thread per connection sleeps in read() "
		    "for each request: watch kernel switches per request "
		    "(1 or more) and a stack per connection.",
		[ENGINE_FIBERS] = "A fiber per connection parks on the poller: "
		    "watch kernel switches per request fall as epoll hands "
		    "over many ready connections per wakeup.",
	} },
	.work_unit = "requests",
	.default_tasks = 64,
	.unit = 1,
	.max_tasks = SV_MAX_CONNS,
	.modes = (1u << ENGINE_THREADS) | (1u << ENGINE_FIBERS),
	.start = sv_start,
	.resize = sv_resize,
	.stats = sv_stats,
	.stop = sv_stop,
};

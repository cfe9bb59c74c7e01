/* SPDX-License-Identifier: ISC */
/*
 * The I/O poller: one thread ("fiber-poll") blocked in epoll_wait.  A fiber
 * that would block on a nonblocking fd records itself as the fd's reader or
 * writer, arms a one-shot epoll registration and parks; the poller makes it
 * runnable when the fd is ready.  Waiter records live in a table indexed by
 * fd under one spin lock, which the parking fiber holds until its context
 * is saved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "runtime/fiber_impl.h"
#include "util/util.h"

struct poll_fd {
	struct fiber	*rd;
	uint64_t	 rd_gen;
	struct fiber	*wr;
	uint64_t	 wr_gen;
	int		 registered;
};

struct poller {
	int		 epfd;
	int		 evfd;		/* wakes the poller thread to quit */
	pthread_t	 thread;
	_Atomic int	 lock;
	_Atomic int	 quit;
	struct poll_fd	*fds;
	int		 nfds;
};

/* (Re)arm fd's one-shot registration for its waiters; locked. */
static int
poller_arm(struct poller *p, int fd)
{
	struct poll_fd		*pf = &p->fds[fd];
	struct epoll_event	 ev;
	int			 op;

	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLONESHOT | (pf->rd != NULL ? EPOLLIN | EPOLLRDHUP : 0) |
	    (pf->wr != NULL ? EPOLLOUT : 0);
	ev.data.fd = fd;
	op = pf->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(p->epfd, op, fd, &ev) != 0) {
		/* The fd was closed and reused, or registered elsewhere. */
		if (errno == ENOENT)
			op = EPOLL_CTL_ADD;
		else if (errno == EEXIST)
			op = EPOLL_CTL_MOD;
		else
			return (-1);
		if (epoll_ctl(p->epfd, op, fd, &ev) != 0)
			return (-1);
	}
	pf->registered = 1;
	return (0);
}

/* Poller thread: make fibers runnable as their fds become ready. */
static void *
poller_main(void *arg)
{
	struct fiber_rt		*rt = arg;
	struct poller		*p = rt->poller;
	struct epoll_event	 ev[64];
	struct poll_fd		*pf;
	uint32_t		 e;
	int			 i, n, fd;

	pthread_setname_np(pthread_self(), "fiber-poll");
	while (!atomic_load(&p->quit)) {
		n = epoll_wait(p->epfd, ev, (int)CSW_ARRAY_LEN(ev), -1);
		for (i = 0; i < n; i++) {
			fd = ev[i].data.fd;
			if (fd == p->evfd)
				continue;
			e = ev[i].events;
			fiber_spin_lock(&p->lock);
			pf = &p->fds[fd];
			if (pf->rd != NULL && (e & (EPOLLIN | EPOLLRDHUP |
			    EPOLLERR | EPOLLHUP))) {
				if (fiber_claim(pf->rd, pf->rd_gen, FIBER_OK))
					fiber_ready(pf->rd, 0);
				pf->rd = NULL;
			}
			if (pf->wr != NULL && (e & (EPOLLOUT | EPOLLERR |
			    EPOLLHUP))) {
				if (fiber_claim(pf->wr, pf->wr_gen, FIBER_OK))
					fiber_ready(pf->wr, 0);
				pf->wr = NULL;
			}
			if (pf->rd != NULL || pf->wr != NULL)
				poller_arm(p, fd);
			fiber_spin_unlock(&p->lock);
		}
	}
	return (NULL);
}

/* Create rt's poller and start its thread. */
int
fiber_poller_create(struct fiber_rt *rt)
{
	struct poller		*p;
	struct epoll_event	 ev;

	p = xcalloc(1, sizeof *p);
	if ((p->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		goto fail;
	if ((p->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		goto fail_ep;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.fd = p->evfd;
	if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->evfd, &ev) != 0)
		goto fail_ev;
	rt->poller = p;
	if (util_thread_create(&p->thread, poller_main, rt) != 0)
		goto fail_ev;
	return (0);

fail_ev:
	close(p->evfd);
fail_ep:
	close(p->epfd);
fail:
	free(p);
	rt->poller = NULL;
	return (-1);
}

/* Wake every fiber waiting on an fd with FIBER_STOPPED. */
void
fiber_poller_stop(struct fiber_rt *rt)
{
	struct poller	*p = rt->poller;
	struct poll_fd	*pf;
	int		 i;

	fiber_spin_lock(&p->lock);
	for (i = 0; i < p->nfds; i++) {
		pf = &p->fds[i];
		if (pf->rd != NULL && fiber_claim(pf->rd, pf->rd_gen,
		    FIBER_STOPPED))
			fiber_ready(pf->rd, 0);
		if (pf->wr != NULL && fiber_claim(pf->wr, pf->wr_gen,
		    FIBER_STOPPED))
			fiber_ready(pf->wr, 0);
		pf->rd = pf->wr = NULL;
	}
	fiber_spin_unlock(&p->lock);
}

/* Stop the poller thread and free it. */
void
fiber_poller_destroy(struct fiber_rt *rt)
{
	struct poller	*p = rt->poller;
	uint64_t	 one = 1;

	if (p == NULL)
		return;
	atomic_store(&p->quit, 1);
	if (write(p->evfd, &one, sizeof one) < 0)
		abort();
	pthread_join(p->thread, NULL);
	close(p->evfd);
	close(p->epfd);
	free(p->fds);
	free(p);
	rt->poller = NULL;
}

/* Park until fd is ready for events (EPOLLIN/EPOLLOUT). */
int
fiber_wait_fd(int fd, uint32_t events)
{
	struct fiber	*self = fiber_self();
	struct poller	*p = self->rt->poller;
	struct poll_fd	*pf;
	uint64_t	 gen;
	int		 n;

	if (fd < 0) {
		errno = EBADF;
		return (FIBER_OK);
	}
	if (atomic_load_explicit(&self->rt->stopping, memory_order_relaxed))
		return (FIBER_STOPPED);
	fiber_spin_lock(&p->lock);
	if (fd >= p->nfds) {
		n = p->nfds == 0 ? 64 : p->nfds;
		while (n <= fd)
			n *= 2;
		p->fds = xrealloc(p->fds, (size_t)n * sizeof *p->fds);
		memset(p->fds + p->nfds, 0, (size_t)(n - p->nfds) *
		    sizeof *p->fds);
		p->nfds = n;
	}
	pf = &p->fds[fd];
	gen = fiber_arm(self);
	if (events & EPOLLOUT) {
		pf->wr = self;
		pf->wr_gen = gen;
	} else {
		pf->rd = self;
		pf->rd_gen = gen;
	}
	if (poller_arm(p, fd) != 0) {
		/* Not pollable (a regular file): it is always ready. */
		if (events & EPOLLOUT)
			pf->wr = NULL;
		else
			pf->rd = NULL;
		fiber_claim(self, gen, FIBER_OK);
		fiber_spin_unlock(&p->lock);
		return (FIBER_OK);
	}
	fiber_park(fiber_post_unlock, &p->lock, FIBER_WHY_IO);
	return (self->wait_result == FIBER_STOPPED ? FIBER_STOPPED : FIBER_OK);
}

/* read(2) on a nonblocking fd, parking instead of EAGAIN. */
ssize_t
fiber_read(int fd, void *buf, size_t len)
{
	ssize_t	n;

	for (;;) {
		if ((n = read(fd, buf, len)) >= 0)
			return (n);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return (-1);
		if (fiber_wait_fd(fd, EPOLLIN) == FIBER_STOPPED) {
			fiber_errno_set(ECANCELED);
			return (-1);
		}
	}
}

/* write(2) likewise; writes everything unless an error occurs. */
ssize_t
fiber_write(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	size_t		 done = 0;
	ssize_t		 n;

	while (done < len) {
		if ((n = write(fd, p + done, len - done)) >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return (done != 0 ? (ssize_t)done : -1);
		if (fiber_wait_fd(fd, EPOLLOUT) == FIBER_STOPPED) {
			fiber_errno_set(ECANCELED);
			return (done != 0 ? (ssize_t)done : -1);
		}
	}
	return ((ssize_t)done);
}

/* SPDX-License-Identifier: ISC */
/*
 * Channels: unbuffered (rendezvous) and buffered, with close and select.
 * A channel's state is guarded by a spin lock held for a few instructions;
 * a fiber that must wait queues a waiter record on its own stack, parks,
 * and the lock is released only once its context is saved.  A sender that
 * finds a waiting receiver copies the element straight into it and hands
 * the receiver the worker's runnext slot, so ping-pong runs without the
 * scheduler.  Select queues one waiter per case; the first party to claim
 * the fiber's wait word wins.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/fiber_impl.h"
#include "util/util.h"

#define CHAN_SELECT_MAX	16

struct chan_waiter {
	struct fiber		*f;
	uint64_t		 gen;
	void			*elem;
	struct chan_waiter	*next;
	struct chan_waiter	*prev;
	int			 index;		/* select case, or 0 */
	int			 select;	/* others may claim the fiber */
	int			 queued;
	int			 result;	/* FIBER_OK or FIBER_CLOSED */
};

struct chan_waitq {
	struct chan_waiter	*head;
	struct chan_waiter	*tail;
};

struct fiber_chan {
	_Atomic int		 lock;
	struct fiber_rt		*rt;
	size_t			 elemsize;
	size_t			 cap;
	_Atomic size_t		 count;
	size_t			 head;
	char			*buf;
	int			 closed;
	struct chan_waitq	 sendq;
	struct chan_waitq	 recvq;
	struct fiber_chan	*rt_next;	/* under rt->chan_lock */
	struct fiber_chan	*rt_prev;
};

/* Queue a waiter at the tail. */
static void
chan_enqueue(struct chan_waitq *q, struct chan_waiter *wt)
{
	wt->next = NULL;
	wt->prev = q->tail;
	if (q->tail != NULL)
		q->tail->next = wt;
	else
		q->head = wt;
	q->tail = wt;
	wt->queued = 1;
}

/* Unlink a queued waiter. */
static void
chan_unlink(struct chan_waitq *q, struct chan_waiter *wt)
{
	if (wt->prev != NULL)
		wt->prev->next = wt->next;
	else
		q->head = wt->next;
	if (wt->next != NULL)
		wt->next->prev = wt->prev;
	else
		q->tail = wt->prev;
	wt->queued = 0;
}

/*
 * Claim a waiter's fiber with result.  A plain send or receive can only be
 * woken by someone holding this channel's lock (counterpart, close, stop),
 * so a store does; a select may also be claimed by its other channels or
 * its timer and needs the compare-and-swap.
 */
static int
chan_claim(struct chan_waiter *wt, int result)
{
	if (wt->select)
		return (fiber_claim(wt->f, wt->gen, result));
	atomic_store_explicit(&wt->f->wait_word, wt->gen << 1,
	    memory_order_relaxed);
	wt->f->wait_result = result;
	return (1);
}

/* Dequeue the first waiter whose fiber we can claim with index as its
   result; waiters of selects that already fired are dropped. */
static inline struct chan_waiter *
chan_claim_first(struct chan_waitq *q)
{
	struct chan_waiter	*wt;

	while ((wt = q->head) != NULL) {
		chan_unlink(q, wt);
		if (chan_claim(wt, wt->index))
			return (wt);
	}
	return (NULL);
}

/* Create a channel of cap elements of elemsize bytes (cap 0: unbuffered). */
struct fiber_chan *
fiber_chan_create(struct fiber_rt *rt, size_t elemsize, size_t cap)
{
	struct fiber_chan	*c;

	c = xcalloc(1, sizeof *c);
	c->rt = rt;
	c->elemsize = elemsize;
	c->cap = cap;
	if (cap != 0)
		c->buf = xcalloc(cap, elemsize != 0 ? elemsize : 1);
	pthread_mutex_lock(&rt->chan_lock);
	c->rt_next = rt->chans;
	if (rt->chans != NULL)
		rt->chans->rt_prev = c;
	rt->chans = c;
	pthread_mutex_unlock(&rt->chan_lock);
	return (c);
}

/* Free a channel nobody waits on. */
void
fiber_chan_destroy(struct fiber_chan *c)
{
	struct fiber_rt	*rt;

	if (c == NULL)
		return;
	rt = c->rt;
	pthread_mutex_lock(&rt->chan_lock);
	if (c->rt_prev != NULL)
		c->rt_prev->rt_next = c->rt_next;
	else
		rt->chans = c->rt_next;
	if (c->rt_next != NULL)
		c->rt_next->rt_prev = c->rt_prev;
	pthread_mutex_unlock(&rt->chan_lock);
	free(c->buf);
	free(c);
}

/* Elements buffered now (racy, for display). */
size_t
fiber_chan_len(struct fiber_chan *c)
{
	return (atomic_load_explicit(&c->count, memory_order_relaxed));
}

/* Copy an element; elemsize 0 channels carry only the event.  A word,
   the common element, is a move rather than a call to memcpy. */
static inline void
chan_copy(struct fiber_chan *c, void *dst, const void *src)
{
	if (dst == NULL || src == NULL)
		return;
	if (c->elemsize == sizeof(uint64_t))
		memcpy(dst, src, sizeof(uint64_t));
	else if (c->elemsize != 0)
		memcpy(dst, src, c->elemsize);
}

/* Try to send without waiting; locked.  1 done, 0 would wait; sets
   *readied to a fiber to make runnable after unlocking. */
static inline __attribute__((always_inline)) int
chan_try_send(struct fiber_chan *c, const void *elem, int *result,
    struct fiber **readied)
{
	struct chan_waiter	*wt;
	size_t			 n;

	if (c->closed) {
		*result = FIBER_CLOSED;
		return (1);
	}
	if ((wt = chan_claim_first(&c->recvq)) != NULL) {
		chan_copy(c, wt->elem, elem);
		wt->result = FIBER_OK;
		*readied = wt->f;
		*result = FIBER_OK;
		return (1);
	}
	n = atomic_load_explicit(&c->count, memory_order_relaxed);
	if (n < c->cap) {
		chan_copy(c, c->buf + ((c->head + n) % c->cap) * c->elemsize,
		    elem);
		atomic_store_explicit(&c->count, n + 1, memory_order_relaxed);
		*result = FIBER_OK;
		return (1);
	}
	return (0);
}

/* Try to receive without waiting; locked.  As chan_try_send. */
static inline __attribute__((always_inline)) int
chan_try_recv(struct fiber_chan *c, void *elem, int *result,
    struct fiber **readied)
{
	struct chan_waiter	*wt;
	size_t			 n;

	n = atomic_load_explicit(&c->count, memory_order_relaxed);
	if (n != 0) {
		chan_copy(c, elem, c->buf + c->head * c->elemsize);
		c->head = (c->head + 1) % c->cap;
		n--;
		/* A waiting sender moves into the freed slot. */
		if ((wt = chan_claim_first(&c->sendq)) != NULL) {
			chan_copy(c, c->buf + ((c->head + n) % c->cap) *
			    c->elemsize, wt->elem);
			n++;
			wt->result = FIBER_OK;
			*readied = wt->f;
		}
		atomic_store_explicit(&c->count, n, memory_order_relaxed);
		*result = FIBER_OK;
		return (1);
	}
	if ((wt = chan_claim_first(&c->sendq)) != NULL) {
		chan_copy(c, elem, wt->elem);
		wt->result = FIBER_OK;
		*readied = wt->f;
		*result = FIBER_OK;
		return (1);
	}
	if (c->closed) {
		if (elem != NULL && c->elemsize != 0)
			memset(elem, 0, c->elemsize);
		*result = FIBER_CLOSED;
		return (1);
	}
	return (0);
}

/*
 * Send or receive on one channel, parking if needed.  Inlined into each
 * of its two callers so that each gets the one direction it needs: the
 * handoff is a few hundred instructions, and calls and tests on send
 * were a fifth of them.
 */
static inline __attribute__((always_inline)) int
chan_op(struct fiber_chan *c, void *elem, int send)
{
	struct fiber		*self = fiber_current(), *readied = NULL;
	struct chan_waiter	 wt;
	int			 result;

	if (atomic_load_explicit(&c->rt->stopping, memory_order_relaxed))
		return (FIBER_STOPPED);
	fiber_spin_lock(&c->lock);
	if (send ? chan_try_send(c, elem, &result, &readied) :
	    chan_try_recv(c, elem, &result, &readied)) {
		fiber_spin_unlock(&c->lock);
		if (readied != NULL)
			fiber_handoff(readied);
		return (result);
	}
	wt.f = self;
	wt.gen = fiber_arm(self);
	wt.elem = elem;
	wt.index = FIBER_OK;
	wt.select = 0;
	wt.result = FIBER_OK;
	chan_enqueue(send ? &c->sendq : &c->recvq, &wt);
	fiber_park(fiber_post_unlock, &c->lock, FIBER_WHY_CHANNEL);
	if (self->wait_result == FIBER_STOPPED)
		return (FIBER_STOPPED);
	return (wt.result);
}

/* Send one element: FIBER_OK, FIBER_CLOSED or FIBER_STOPPED. */
int
fiber_chan_send(struct fiber_chan *c, const void *elem)
{
	return (chan_op(c, (void *)elem, 1));
}

/* Receive one element: FIBER_OK, FIBER_CLOSED (drained) or FIBER_STOPPED. */
int
fiber_chan_recv(struct fiber_chan *c, void *elem)
{
	return (chan_op(c, elem, 0));
}

/* Wake every waiter of q with result (the fiber's) and case result cres. */
static void
chan_wake_all(struct fiber_chan *c, struct chan_waitq *q, int result,
    int cres)
{
	struct chan_waiter	*wt;

	while ((wt = q->head) != NULL) {
		chan_unlink(q, wt);
		/* A select learns which case from its wait result. */
		if (chan_claim(wt, result == FIBER_STOPPED ?
		    FIBER_STOPPED : wt->index)) {
			if (wt->elem != NULL && c->elemsize != 0 &&
			    q == &c->recvq && cres == FIBER_CLOSED)
				memset(wt->elem, 0, c->elemsize);
			wt->result = cres;
			fiber_ready(wt->f, 0);
		}
	}
}

/* Close: receivers drain then get FIBER_CLOSED, senders FIBER_CLOSED. */
void
fiber_chan_close(struct fiber_chan *c)
{
	fiber_spin_lock(&c->lock);
	if (!c->closed) {
		c->closed = 1;
		chan_wake_all(c, &c->recvq, FIBER_OK, FIBER_CLOSED);
		chan_wake_all(c, &c->sendq, FIBER_OK, FIBER_CLOSED);
	}
	fiber_spin_unlock(&c->lock);
}

/* Wake every fiber waiting on any channel of rt with FIBER_STOPPED. */
void
fiber_chan_stop_all(struct fiber_rt *rt)
{
	struct fiber_chan	*c;

	pthread_mutex_lock(&rt->chan_lock);
	for (c = rt->chans; c != NULL; c = c->rt_next) {
		fiber_spin_lock(&c->lock);
		chan_wake_all(c, &c->recvq, FIBER_STOPPED, FIBER_OK);
		chan_wake_all(c, &c->sendq, FIBER_STOPPED, FIBER_OK);
		fiber_spin_unlock(&c->lock);
	}
	pthread_mutex_unlock(&rt->chan_lock);
}

struct chan_lockset {
	struct fiber_chan	*c[CHAN_SELECT_MAX];
	int			 n;
};

/* Lock the distinct channels of a select in address order. */
static void
chan_lockset_lock(struct chan_lockset *ls)
{
	int	i;

	for (i = 0; i < ls->n; i++)
		fiber_spin_lock(&ls->c[i]->lock);
}

/* Unlock them. */
static void
chan_lockset_unlock(struct chan_lockset *ls)
{
	int	i;

	for (i = ls->n - 1; i >= 0; i--)
		fiber_spin_unlock(&ls->c[i]->lock);
}

/* Post action: unlock a select's channels. */
static void
chan_post_unlock_set(struct worker *w, void *arg)
{
	chan_lockset_unlock(arg);
}

/* Wait for one case: its index, FIBER_TIMEOUT or FIBER_STOPPED. */
int
fiber_select(struct fiber_select_case *cs, int n, int64_t timeout_ns)
{
	struct fiber		*self = fiber_current(), *readied = NULL;
	struct fiber_rt		*rt;
	struct chan_lockset	 ls;
	struct chan_waiter	*wt;
	struct fiber_chan	*c;
	uint64_t		 deadline = 0, gen;
	int			 i, j, k, start, result, r;

	if (n <= 0 || n > CHAN_SELECT_MAX) {
		errno = EINVAL;
		return (FIBER_TIMEOUT);
	}
	rt = cs[0].chan->rt;
	/* Sized to the cases, not the maximum: 2 KiB stacks select too. */
	wt = __builtin_alloca((size_t)n * sizeof *wt);
	if (timeout_ns > 0)
		deadline = util_now_ns() + (uint64_t)timeout_ns;
	ls.n = 0;
	for (i = 0; i < n; i++) {
		c = cs[i].chan;
		for (j = 0; j < ls.n && ls.c[j] < c; j++)
			;
		if (j < ls.n && ls.c[j] == c)
			continue;
		memmove(&ls.c[j + 1], &ls.c[j], (ls.n - j) * sizeof ls.c[0]);
		ls.c[j] = c;
		ls.n++;
	}
	start = (int)((util_now_ns() >> 4) % (uint64_t)n);

again:
	if (atomic_load_explicit(&rt->stopping, memory_order_relaxed))
		return (FIBER_STOPPED);
	if (deadline != 0)
		fiber_timer_reserve();	/* before the locks: it may switch */
	chan_lockset_lock(&ls);
	for (k = 0; k < n; k++) {
		i = (start + k) % n;
		if (cs[i].op == FIBER_SEND)
			r = chan_try_send(cs[i].chan, cs[i].elem, &result,
			    &readied);
		else
			r = chan_try_recv(cs[i].chan, cs[i].elem, &result,
			    &readied);
		if (r) {
			chan_lockset_unlock(&ls);
			if (readied != NULL)
				fiber_handoff(readied);
			cs[i].result = result;
			return (i);
		}
	}
	if (timeout_ns == 0 || (deadline != 0 && util_now_ns() >= deadline)) {
		chan_lockset_unlock(&ls);
		return (FIBER_TIMEOUT);
	}
	gen = fiber_arm(self);
	for (i = 0; i < n; i++) {
		wt[i].f = self;
		wt[i].gen = gen;
		wt[i].elem = cs[i].elem;
		wt[i].index = i;
		wt[i].select = 1;
		wt[i].result = FIBER_OK;
		chan_enqueue(cs[i].op == FIBER_SEND ? &cs[i].chan->sendq :
		    &cs[i].chan->recvq, &wt[i]);
	}
	if (deadline != 0)
		fiber_timer_add(fiber_worker(), deadline, self, gen);
	fiber_park(chan_post_unlock_set, &ls, FIBER_WHY_CHANNEL);

	chan_lockset_lock(&ls);
	for (i = 0; i < n; i++) {
		if (wt[i].queued)
			chan_unlink(cs[i].op == FIBER_SEND ?
			    &cs[i].chan->sendq : &cs[i].chan->recvq, &wt[i]);
	}
	chan_lockset_unlock(&ls);
	r = self->wait_result;
	if (r == FIBER_WAKE_RETRY)
		goto again;		/* timer moved off a retiring worker */
	if (r >= 0)
		cs[r].result = wt[r].result;
	return (r);
}

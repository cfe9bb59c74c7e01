/* SPDX-License-Identifier: ISC */
/*
 * The steps of the tour.  Each caption says what to look at on the screen
 * as it is at that step (a step marked compare splits it, as c does); the
 * man page's WALKTHROUGH repeats them word for word, with the keys that
 * reach each step by hand.
 */
#include "tour.h"
#include "util/util.h"

static const struct tour_step tour_steps[] = {
	{ "a handoff between threads", "pingpong", ENGINE_THREADS, 2, false,
	  "Two threads pass a token with a mutex and a condition variable. "
	  "Every pass puts one to sleep in the kernel and wakes the other: "
	  "about one kernel switch and some microseconds of CPU per handoff.", false },
	{ "the same handoff between fibers", "pingpong", ENGINE_FIBERS, 2,
	  false,
	  "The same pair as two fibers on a channel. The switch is a few "
	  "instructions in user space: kernel switches per handoff fall to "
	  "about zero and the CPU per handoff to nanoseconds.", false },
	{ "both at once", "pingpong", ENGINE_THREADS, 2, false,
	  "Threads left, fibers right: the same pair in each at the same "
	  "moment. The last column reads fibers:threads; 1:100 means the "
	  "fibers pay a hundredth. Note the CPU each side got.", true },
	{ "sleeping threads reserve, not commit", "sleepers", ENGINE_THREADS,
	  0, false,
	  "Threads that sleep and wake ten times a second. In Memory, each "
	  "reserves a whole thread stack of address space, yet commits only "
	  "the few pages it has touched.", false },
	{ "sleeping fibers", "sleepers", ENGINE_FIBERS, 0, false,
	  "The same sleepers as fibers: each reserves exactly its stack's "
	  "size class from the runtime's arena, and commits only the pages "
	  "it has touched, a page or two. The s key steps through the "
	  "classes.", false },
	{ "sleepers side by side", "sleepers", ENGINE_THREADS, 0, false,
	  "The same sleepers in both models at once. Compare stack reserved "
	  "per stack with stack committed per stack across the columns: a "
	  "thread reserves far more than a fiber, yet commits about as "
	  "little.",
	  true },
	{ "a thread per connection", "server", ENGINE_THREADS, 0, false,
	  "A server with a thread per connection, each blocked in read until "
	  "its client writes. Watch the kernel switches per request and the "
	  "stack each connection holds.", false },
	{ "a fiber per connection", "server", ENGINE_FIBERS, 0, false,
	  "The same server with a fiber per connection, parked on the epoll "
	  "poller. The workers wake only for sockets that are ready: compare "
	  "the kernel switches per request.", false },
	{ "more threads than CPUs", "cpu-flood", ENGINE_THREADS, 0, false,
	  "Many busy threads and few CPUs. In Run queue the runnable threads "
	  "pile up, involuntary switches climb, and every job waits its turn "
	  "for a CPU.", false },
	{ "a bounded pool", "cpu-flood", ENGINE_THREADS, 0, true,
	  "The same jobs on a bounded pool of P threads: runnable threads fall "
	  "to about P and involuntary switches with them. The waiting moves "
	  "into a queue the program controls.", false },
	{ "blocking calls pin fiber workers", "blocking", ENGINE_FIBERS, 0,
	  false,
	  "Fibers that make blocking system calls hold their worker thread in "
	  "the kernel. With every worker stuck, the other fibers stall: watch "
	  "the workers in syscall and how late the tickers are.", false },
	{ "a limit on blocking calls", "blocking", ENGINE_FIBERS, 0, true,
	  "The same calls behind a semaphore, fewer than P at a time. With P of "
	  "2 or more a worker stays free for the other fibers, and the tickers "
	  "are on time.", false },
	{ "many senders, one channel", "fanin", ENGINE_FIBERS, 0, false,
	  "Many fibers send to one channel and one fiber sums what arrives. "
	  "Every item pays for the handoff: watch the CPU per item.", false },
	{ "partial sums", "fanin", ENGINE_FIBERS, 0, true,
	  "Each sender sums locally and sends a partial sum now and then. The "
	  "channel carries far fewer messages, and the CPU per item drops.", false },
	{ "a leak", "leak", ENGINE_FIBERS, 0, false,
	  "Tasks that wait on a channel nobody will ever send to. Nothing "
	  "fails, nothing is printed: live tasks and memory just climb.", false },
	{ "the fix: a way out", "leak", ENGINE_FIBERS, 0, true,
	  "The same tasks with a cancel path: each gives up after a timeout "
	  "and exits, so live tasks and memory stay flat.", false },
};

/* The number of steps. */
size_t
tour_len(void)
{
	return (CSW_ARRAY_LEN(tour_steps));
}

/* Step n, or NULL. */
const struct tour_step *
tour_step(size_t n)
{
	return (n < CSW_ARRAY_LEN(tour_steps) ? &tour_steps[n] : NULL);
}

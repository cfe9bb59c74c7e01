/* SPDX-License-Identifier: ISC */
/*
 * The workload in a process of its own.  cswviz (the observer: screen,
 * sampler, model) starts the engine in a child that it owns, in a session
 * of its own: the kernel's autogroup then schedules the child's threads
 * as one group beside the screen's, so 10,000 runnable workload threads
 * no longer outweigh the screen and the sampler, and the workload's
 * counters (its getrusage, its /proc/PID) count the workload alone.
 *
 * What the sampler needs from the workload crosses in shared memory that
 * the child alone writes (a sequence number guards against torn reads):
 * the engine's snapshot, the fibers' memory, the thread stacks' ranges,
 * its getrusage.  Requests (a configuration) cross on a socketpair and
 * get the configuration as the engine took it in reply; the engine's
 * messages come back on the same socket.  A child that ends (a crash, a
 * kill, a refused start) leaves the observer running: child_ended says
 * how, and child_restart starts a new one with the last configuration.
 *
 * Threads: child_start, child_request, child_config_get, child_message,
 * child_fd, child_ended, child_restart, child_pause, child_paused,
 * child_stop and child_free are the
 * loop thread's.  child_snapshot, child_stacks, child_fiber_memory,
 * child_rusage, child_kick, child_pid and child_tasks_max may be called
 * from any thread (the sampler's): they read the shared memory, or send
 * one message on the socket.
 */
#ifndef CSW_CHILD_H
#define CSW_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/engine.h"

/* The hidden first argument that makes cswviz the workload child. */
#define CHILD_ARGV	"--workload-child"

struct child;
struct lat_counts;

/* The workload's own getrusage(RUSAGE_SELF), as the child read it. */
struct child_rusage {
	uint64_t	vcsw, ivcsw;
	uint64_t	cpu_ns;		/* user + system */
	uint64_t	t_ns;		/* CLOCK_MONOTONIC of the reading */
};

/* The file every child writes its fiber trace to (--trace), or NULL. */
void		 child_trace_to(const char *);
/* Ask the child to end cleanly, wait up to ms: true if it exited, with
   its last words. */
bool		 child_finish(struct child *, int, char *, size_t);
/* The child's side of --trace: called with the engine gone. */
typedef int	(*child_end_fn)(const char *);

/* Start a child running cfg; NULL with the reason in err. */
struct child	*child_start(const struct engine_config *, char *, size_t);
/* The child's process id (0 while none runs). */
pid_t		 child_pid(struct child *);
/* Ask for a configuration, as engine_request; knobs the child took. */
void		 child_request(struct child *, const struct engine_config *);
void		 child_config_get(struct child *, struct engine_config *);
long		 child_tasks_max(struct child *);
/* The engine's counters as last published; false if none can be read. */
bool		 child_snapshot(struct child *, struct engine_snapshot *);
/* Thread stacks, as engine_stacks (their addresses are the child's). */
size_t		 child_stacks(struct child *, struct engine_stack *, size_t);
int		 child_fiber_memory(struct child *,
		    struct engine_fiber_memory *);
bool		 child_rusage(struct child *, struct child_rusage *);
bool		 child_latency(struct child *, struct lat_counts *,
		    struct lat_counts *);
/* Ask the child to publish now (a sampler pass begins): a mark. */
uint32_t	 child_kick(struct child *);
/* Wait up to ms for the publication asked for: true if it came. */
bool		 child_wait_fresh(struct child *, uint32_t, int);
/* Readable when the child has news or has ended. */
int		 child_fd(struct child *);
/* The newest message of the engine, if any; the end of the child too. */
bool		 child_message(struct child *, char *, size_t);
/* How the child ended ("" while it runs): signal or status, last words. */
bool		 child_ended(struct child *, char *, size_t);
/* Start a new child with the last configuration: 0, or -1 with why. */
int		 child_restart(struct child *, char *, size_t);
/* Stop (SIGSTOP) or continue (SIGCONT) the child's whole session: 0, or
   -1 with errno.  A request, a finish or a restart continues it first. */
int		 child_pause(struct child *, bool);
bool		 child_paused(struct child *);
/* Kill the child's whole session without waiting: quit comes first. */
void		 child_kill(struct child *);
/* Kill if need be, reap, and free. */
void		 child_free(struct child *);

/* The child's side: the body of `cswviz --workload-child`. */
int		 child_workload_main(int, char **, int (*)(const char *),
		    child_end_fn);

#endif

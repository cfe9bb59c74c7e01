/* SPDX-License-Identifier: ISC */
/*
 * Small helpers shared by every module: allocation that never returns NULL,
 * monotonic time, and bounded string formatting.  Callable from any thread.
 */
#ifndef CSW_UTIL_H
#define CSW_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define CSW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CSW_STR_(x)	#x
#define CSW_STR(x)	CSW_STR_(x)

/*
 * The most fiber workers (P) the runtime runs, and so the size of every
 * per-worker array: the runtime's, the engine's snapshot, the sample's and
 * the scenarios'.  -P and ] stop here.
 */
#define CSW_WORKERS_MAX	256

/*
 * An invariant of the runtime or the engine.  Built with --enable-debug
 * (CSW_DEBUG), a broken one prints "cswviz: invariant broken at FILE:LINE:
 * COND: why" and aborts, as the Go runtime's throw does (the crash handler
 * restores the terminal first); otherwise it costs nothing.
 */
#ifdef CSW_DEBUG
#define CSW_CHECK(cond, why)						\
	((cond) ? (void)0 : util_throw(__FILE__, __LINE__, #cond, (why)))
#else
#define CSW_CHECK(cond, why)	((void)0)
#endif
void	 util_throw(const char *, int, const char *, const char *)
	    __attribute__((noreturn));
/* What util_throw said, or "": for the crash handler.  Signal-safe. */
const char *util_last_words(void);

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
/* Give the whole pages inside [p, p + len) back to the kernel: they read
   as zero again, as calloc left them.  Only for memory the caller owns. */
void	 util_pages_release(void *, size_t);

/* pthread_create with every asynchronous signal blocked in the new thread. */
int	 util_thread_create(pthread_t *, void *(*)(void *), void *);
/* The same with a stack of this many bytes; 0: the default. */
int	 util_thread_create_stack(pthread_t *, size_t, void *(*)(void *),
	    void *);
/* The same with these attributes. */
int	 util_thread_create_attr(pthread_t *, const pthread_attr_t *,
	    void *(*)(void *), void *);

/*
 * Naming a fatal fault.  A module that can tell what a fault means (the
 * fiber runtime knows its guard pages) registers an explainer once; the
 * crash handler, after it restored the terminal, asks it about the faulting
 * address and prints the answer.  A module that finds damage itself (a
 * stack canary) notes the words and aborts.  Both calls the handler makes
 * are async-signal-safe; explainer and note are static strings.
 */
typedef const char *(*util_fault_fn)(int, const void *);
void	 util_fault_explainer(util_fault_fn);
void	 util_fault_note(const char *);
/* The words for a fault of signal sig at addr, or NULL. */
const char *util_fault_explain(int, const void *);
/* Give the calling thread a signal stack of its own: 0 or -1 with errno. */
int	 util_sigaltstack_init(void **, size_t *);
/* Take it down again (the calling thread's, from util_sigaltstack_init). */
void	 util_sigaltstack_free(void *, size_t);

/* Describe an errno value in buf (thread-safe strerror); returns the text. */
const char *util_strerror(int, char *, size_t);

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t util_now_ns(void);
/* CPU time of the calling thread, ns (0 if it cannot be read). */
uint64_t util_thread_cpu_ns(void);

/*
 * The median of n doubles (n > 0), which it sorts in place: the middle one,
 * or the mean of the two middle ones.
 */
double	 util_median(double *, size_t);

/* The first number in a file such as /proc/sys/vm/max_map_count, or def. */
long	 util_read_long(const char *, long);

#define UTIL_PARSE_MALFORMED	-1
#define UTIL_PARSE_RANGE	-2
/* Parse a whole decimal integer in [min, max]: 0, or UTIL_PARSE_*. */
int	 util_parse_long(const char *, long, long, long *);

#endif

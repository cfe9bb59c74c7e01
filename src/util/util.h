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

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);

/* pthread_create with every asynchronous signal blocked in the new thread. */
int	 util_thread_create(pthread_t *, void *(*)(void *), void *);
/* The same with a stack of this many bytes; 0: the default. */
int	 util_thread_create_stack(pthread_t *, size_t, void *(*)(void *),
	    void *);
/* The same with these attributes. */
int	 util_thread_create_attr(pthread_t *, const pthread_attr_t *,
	    void *(*)(void *), void *);

/* Raise the calling thread to this nice value where allowed. */
#define UTIL_OBSERVER_NICE	(-10)
int	 util_observer_priority(void);

/* Describe an errno value in buf (thread-safe strerror); returns the text. */
const char *util_strerror(int, char *, size_t);

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t util_now_ns(void);

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

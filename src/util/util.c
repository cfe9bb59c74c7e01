/* SPDX-License-Identifier: ISC */
/*
 * Helpers every layer may use: allocation that never returns NULL, thread
 * creation with the asynchronous signals blocked, monotonic time, a
 * thread-safe strerror, one median, and the invariant check's throw.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "util/util.h"

/* What util_throw said, for the crash handler to print once the terminal
   is back; "" until then. */
static char	util_fatal[512];

/* Append text to util_fatal; no allocation, no stdio: safe on any stack. */
static size_t
util_fatal_add(size_t at, const char *text)
{
	while (*text != '\0' && at < sizeof util_fatal - 1)
		util_fatal[at++] = *text++;
	util_fatal[at] = '\0';
	return (at);
}

/* Say which invariant broke, where, and abort (see CSW_CHECK). */
void
util_throw(const char *file, int line, const char *cond, const char *why)
{
	char	num[16];
	size_t	at = 0, i = sizeof num - 1;
	ssize_t	n;

	num[i] = '\0';
	do {
		num[--i] = (char)('0' + line % 10);
		line /= 10;
	} while (line > 0 && i > 0);
	at = util_fatal_add(at, "cswviz: invariant broken at ");
	at = util_fatal_add(at, file);
	at = util_fatal_add(at, ":");
	at = util_fatal_add(at, num + i);
	at = util_fatal_add(at, ": ");
	at = util_fatal_add(at, cond);
	at = util_fatal_add(at, ": ");
	at = util_fatal_add(at, why);
	at = util_fatal_add(at, "\n");
	/* Said now for --batch and the tests; again by the crash handler
	   after it restores the terminal, where the screen would hide it. */
	n = write(STDERR_FILENO, util_fatal, at);
	(void)n;
	abort();
}

/* What util_throw said, or "". */
const char *
util_last_words(void)
{
	return (util_fatal);
}

/* Report an allocation failure and abort: nothing sensible can continue. */
static void
util_oom(size_t size)
{
	fprintf(stderr, "cswviz: out of memory allocating %zu bytes\n", size);
	abort();
}

/* Allocate or abort. */
void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		util_oom(size);
	return (p);
}

/* Allocate zeroed memory or abort. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		util_oom(n * size);
	return (p);
}

/* Resize or abort. */
void *
xrealloc(void *old, size_t size)
{
	void	*p;

	if ((p = realloc(old, size == 0 ? 1 : size)) == NULL)
		util_oom(size);
	return (p);
}

/* Give back the whole pages inside a range of the caller's memory. */
void
util_pages_release(void *p, size_t len)
{
	uintptr_t	page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t	lo = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t	hi = ((uintptr_t)p + len) & ~(page - 1);

	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/*
 * Start a thread that never runs a handler of an asynchronous signal:
 * SIGINT, SIGWINCH and the rest go to the main thread, which owns the
 * screen.  A handler on a worker could also land on a fiber's small stack,
 * and a signal frame with its saved vector state takes more than 2 KiB.
 * Faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) stay with the thread
 * that caused them.
 */
int
util_thread_create(pthread_t *t, void *(*fn)(void *), void *arg)
{
	return (util_thread_create_stack(t, 0, fn, arg));
}

/* Create a thread with a stack size, asynchronous signals blocked. */
int
util_thread_create_stack(pthread_t *t, size_t stack, void *(*fn)(void *),
    void *arg)
{
	pthread_attr_t	attr;
	int		rc;

	if ((rc = pthread_attr_init(&attr)) != 0)
		return (rc);
	if (stack == 0 || (rc = pthread_attr_setstacksize(&attr,
	    stack)) == 0)
		rc = util_thread_create_attr(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return (rc);
}

/* Create a thread with these attributes, asynchronous signals blocked. */
int
util_thread_create_attr(pthread_t *t, const pthread_attr_t *attr,
    void *(*fn)(void *), void *arg)
{
	sigset_t	all, old;
	int		rc;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(t, attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return (rc);
}

static _Atomic(util_fault_fn)	 util_fault_fn_set;
static const char *_Atomic	 util_fault_noted;

/* Register the function that names faults it knows. */
void
util_fault_explainer(util_fault_fn fn)
{
	atomic_store(&util_fault_fn_set, fn);
}

/* Say what went wrong before an abort. */
void
util_fault_note(const char *why)
{
	atomic_store(&util_fault_noted, why);
}

/* The words for a fault of signal sig at addr, or NULL.  Signal-safe. */
const char *
util_fault_explain(int sig, const void *addr)
{
	const char	*why = atomic_load(&util_fault_noted);
	util_fault_fn	 fn = atomic_load(&util_fault_fn_set);

	if (why != NULL)
		return (why);
	return (fn != NULL ? fn(sig, addr) : NULL);
}

/*
 * Give the calling thread a signal stack of its own, with a guard page
 * below it, so that a fault on a small stack (a fiber's) can still run
 * the crash handler.  Untouched until a signal arrives.
 */
int
util_sigaltstack_init(void **mem, size_t *len)
{
	long	 page = sysconf(_SC_PAGESIZE), min = 0;
	size_t	 size = 64 * 1024;
	stack_t	 ss;
	char	*p;

#ifdef _SC_MINSIGSTKSZ
	min = sysconf(_SC_MINSIGSTKSZ);
#endif
	if (page <= 0)
		page = 4096;
	if (min > 0 && (size_t)min * 4 > size)
		size = ((size_t)min * 4 + (size_t)page - 1) &
		    ~((size_t)page - 1);
	p = mmap(NULL, size + (size_t)page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	(void)mprotect(p, (size_t)page, PROT_NONE);
	ss.ss_sp = p + page;
	ss.ss_size = size;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) != 0) {
		munmap(p, size + (size_t)page);
		return (-1);
	}
	*mem = p;
	*len = size + (size_t)page;
	return (0);
}

/* Disable the calling thread's signal stack and unmap it. */
void
util_sigaltstack_free(void *mem, size_t len)
{
	stack_t	ss;

	if (mem == NULL)
		return;
	memset(&ss, 0, sizeof ss);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	munmap(mem, len);
}

/* Describe errnum in buf without the static buffer of strerror. */
const char *
util_strerror(int errnum, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return (strerror_r(errnum, buf, len));
#else
	if (strerror_r(errnum, buf, len) != 0)
		snprintf(buf, len, "error %d", errnum);
	return (buf);
#endif
}

/* Read the monotonic clock in nanoseconds. */
uint64_t
util_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* Read the calling thread's CPU clock in nanoseconds (util.h). */
uint64_t
util_thread_cpu_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return (0);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* Read the first number of a file, or def if it cannot be read. */
long
util_read_long(const char *path, long def)
{
	FILE	*f;
	long	 v;

	if ((f = fopen(path, "r")) == NULL)
		return (def);
	if (fscanf(f, "%ld", &v) != 1)
		v = def;
	fclose(f);
	return (v);
}

/* Order doubles for qsort. */
static int
util_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* Sort v and return its median. */
double
util_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, util_cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

/* Parse a whole decimal integer within [min, max]. */
int
util_parse_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	/* strtol skips any white space, not only ' ': a number has none. */
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return (UTIL_PARSE_MALFORMED);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		return (UTIL_PARSE_MALFORMED);
	if (errno == ERANGE || v < min || v > max)
		return (UTIL_PARSE_RANGE);
	*out = v;
	return (0);
}

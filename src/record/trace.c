/* SPDX-License-Identifier: ISC */
/*
 * The trace file: one process, one track a fiber worker thread (named by
 * its index and tid) with a slice for each run of a fiber or of the
 * worker's scheduler, and an instant event for each switch naming the
 * fibers and why the one that stopped did; blocking calls on a track of
 * their own beside the worker's.  Times are CLOCK_MONOTONIC in
 * microseconds, as the format has them (ns kept as decimals).  The
 * kernel side (ktrace.h), where it may be read: a track a thread of the
 * workload with its run slices (on which CPU) and its off-CPU slices
 * (preempted, sleeping, blocked; on a fiber worker, naming the fiber it
 * was running), and its wakeups; a fiber worker's kernel track is named
 * after the worker's, so it sits beneath it.  The metadata carries the
 * runtime's own count of each worker's switches over the trace, the
 * events a full ring dropped, and what the kernel side holds or why it
 * is missing.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "record/ktrace.h"
#include "record/trace.h"
#include "runtime/fiber.h"
#include "util/util.h"

/* A pseudo-tid for a worker's blocking calls: beside its own. */
#define TRACE_BLOCK_TID(tid)	((int64_t)(tid) + 1000000000)
/* And for its kernel track. */
#define TRACE_KERNEL_TID(tid)	((int64_t)(tid) + 2000000000)

/* What the kernel side counted. */
struct trace_kcount {
	uint64_t	switches, wakeups, threads;
};

/* Microseconds with the nanoseconds, from the trace's start. */
static void
trace_us(FILE *fp, uint64_t ns, uint64_t t0)
{
	uint64_t	d = ns > t0 ? ns - t0 : 0;

	fprintf(fp, "%" PRIu64 ".%03" PRIu64, d / 1000, d % 1000);
}

/* The start of a run slice, up to its ts. */
static void
trace_slice_head(FILE *fp, uint32_t fiber, pid_t pid, pid_t tid)
{
	if (fiber == 0)
		fputs(",\n{\"name\":\"scheduler\"", fp);
	else
		fprintf(fp, ",\n{\"name\":\"fiber %" PRIu32 "\"", fiber);
	fprintf(fp, ",\"cat\":\"fiber\",\"ph\":\"X\",\"pid\":%d,\"tid\":"
	    "%d,\"ts\":", (int)pid, (int)tid);
}

/* One ring: its track names, the run slices, switches, blocking calls. */
static void
trace_ring_write(FILE *fp, const struct fiber_trace_ring *r, pid_t pid,
    uint64_t t0, uint64_t t_end, uint64_t *switches, bool *first)
{
	const struct fiber_trace_event	*e;
	uint64_t			 begin = 0, block = 0, end, ns;
	uint32_t			 cur = 0, blocked = 0;
	bool				 open = false;
	size_t				 i;

	fprintf(fp, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,"
	    "\"tid\":%d,\"args\":{\"name\":\"fiber worker %d (tid %d)\"}}",
	    *first ? "" : ",\n", (int)pid, (int)r->tid, r->worker,
	    (int)r->tid);
	*first = false;
	fprintf(fp, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,"
	    "\"tid\":%" PRId64 ",\"args\":{\"name\":\"fiber worker %d: "
	    "blocking calls\"}}", (int)pid, TRACE_BLOCK_TID(r->tid),
	    r->worker);
	for (i = 0; i < r->n; i++) {
		e = &r->ev[i];
		ns = fiber_trace_ns(e->stamp);
		if (e->why == FIBER_WHY_BLOCK_BEGIN) {
			block = ns;
			blocked = e->to;
			continue;
		}
		if (e->why == FIBER_WHY_BLOCK_END) {
			if (block != 0 && ns > block) {
				fprintf(fp, ",\n{\"name\":\"blocking call\","
				    "\"cat\":\"fiber\",\"ph\":\"X\",\"pid\":%d,"
				    "\"tid\":%" PRId64 ",\"ts\":", (int)pid,
				    TRACE_BLOCK_TID(r->tid));
				trace_us(fp, block, t0);
				fputs(",\"dur\":", fp);
				trace_us(fp, ns, block);
				fprintf(fp, ",\"args\":{\"fiber\":%" PRIu32 "}}",
				    blocked);
			}
			block = 0;
			continue;
		}
		/* A switch ends the slice that ran and begins the next. */
		if (open && ns > begin) {
			trace_slice_head(fp, cur, pid, r->tid);
			trace_us(fp, begin, t0);
			fputs(",\"dur\":", fp);
			trace_us(fp, ns, begin);
			fprintf(fp, ",\"args\":{\"fiber\":%" PRIu32 ",\"out\":"
			    "\"%s\"}}", cur, fiber_trace_why_name(e->why));
		}
		fprintf(fp, ",\n{\"name\":\"switch\",\"cat\":\"switch\","
		    "\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%d,\"ts\":",
		    (int)pid, (int)r->tid);
		trace_us(fp, ns, t0);
		fprintf(fp, ",\"args\":{\"from\":%" PRIu32 ",\"to\":%" PRIu32
		    ",\"why\":\"%s\"}}", cur, e->to,
		    fiber_trace_why_name(e->why));
		(*switches)++;
		cur = e->to;
		begin = ns;
		open = true;
	}
	/* The last run lasts until the trace ended. */
	end = t_end;
	if (open && end > begin) {
		trace_slice_head(fp, cur, pid, r->tid);
		trace_us(fp, begin, t0);
		fputs(",\"dur\":", fp);
		trace_us(fp, end, begin);
		fprintf(fp, ",\"args\":{\"fiber\":%" PRIu32 ",\"out\":\"trace "
		    "end\"}}", cur);
	}
}

/* A string as JSON, quoted: a thread may name itself anything. */
static void
trace_json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

/* The ring of the fiber worker whose thread is tid: 0, or -1 if none. */
static int
trace_worker_of(pid_t tid, struct fiber_trace_ring *out)
{
	size_t	i, n = fiber_trace_rings();

	for (i = 0; i < n; i++)
		if (fiber_trace_ring(i, out) == 0 && out->tid == tid)
			return (0);
	return (-1);
}

/*
 * The fiber a worker ran at ns: its ring read from *i on, *cur kept; -1
 * past the end of a ring that filled (its later switches are unknown).
 */
static int64_t
trace_fiber_at(const struct fiber_trace_ring *r, size_t *i, uint32_t *cur,
    uint64_t ns)
{
	const struct fiber_trace_event	*e;

	for (; *i < r->n; (*i)++) {
		e = &r->ev[*i];
		if (fiber_trace_ns(e->stamp) > ns)
			break;
		if (e->why != FIBER_WHY_BLOCK_BEGIN &&
		    e->why != FIBER_WHY_BLOCK_END)
			*cur = e->to;
	}
	if (*i == r->n && r->dropped != 0)
		return (-1);
	return (*cur);
}

/* What a thread that stopped is doing, by the tracepoint's prev_state. */
static const char *
trace_off_name(long state)
{
	if ((state & 0xff) == 0)
		return ("preempted (runnable)");
	if (state & 0x01)
		return ("sleeping (S)");
	if (state & 0x02)
		return ("blocked (D)");
	if (state & 0x30)
		return (NULL);		/* it exited */
	if (state & 0x80)
		return ("idle (I)");
	return ("off CPU");
}

/* One kernel slice of track ktid from a to b (ns), up to its args. */
static void
trace_kslice(FILE *fp, const char *name, pid_t pid, int64_t ktid,
    uint64_t a, uint64_t b, uint64_t t0)
{
	fprintf(fp, ",\n{\"name\":\"%s\",\"cat\":\"kernel\",\"ph\":\"X\","
	    "\"pid\":%d,\"tid\":%" PRId64 ",\"ts\":", name, (int)pid, ktid);
	trace_us(fp, a, t0);
	fputs(",\"dur\":", fp);
	trace_us(fp, b, a);
}

/*
 * One thread's kernel events (ev[0..n), by time) as its track: run slices
 * from a switch in to a switch out, off-CPU slices between, wakeups.
 */
static void
trace_kernel_thread(FILE *fp, pid_t pid, const struct ktrace_event *ev,
    size_t n, uint64_t t0, const struct ktrace_result *k,
    struct trace_kcount *c)
{
	struct fiber_trace_ring	 r;
	const struct ktrace_event *e;
	const char		*off = NULL, *comm = "";
	uint64_t		 since = k->begin;
	size_t			 i, ri = 0;
	uint32_t		 cur = 0;
	int64_t			 ktid, fib = -1;
	int			 worker, state = 0, cpu = -1; /* 0 ?, 1 on, 2 off, 3 gone */
	pid_t			 tid = ev[0].tid, next = 0;
	char			 name[64];

	for (i = 0; i < n && comm[0] == '\0'; i++)
		if (ev[i].kind == KTRACE_OUT)
			comm = ev[i].comm;
	if (i == n && comm[0] == '\0') {
		for (i = 0; i < n; i++)
			if (ev[i].kind == KTRACE_IN)
				break;
		if (i == n)
			return;	/* only woken here: not this process's */
	}
	worker = trace_worker_of(tid, &r) == 0;
	ktid = worker ? TRACE_KERNEL_TID(tid) : tid;
	c->threads++;
	if (worker)
		fprintf(fp, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":"
		    "%d,\"tid\":%" PRId64 ",\"args\":{\"name\":\"fiber worker "
		    "%d (tid %d): kernel\"}}", (int)pid, ktid, r.worker,
		    (int)tid);
	else {
		snprintf(name, sizeof name, "%s (tid %d): kernel", comm,
		    (int)tid);
		fprintf(fp, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":"
		    "%d,\"tid\":%" PRId64 ",\"args\":{\"name\":", (int)pid,
		    ktid);
		trace_json_str(fp, name);
		fputs("}}", fp);
	}
	for (i = 0; i < n; i++) {
		e = &ev[i];
		if (e->kind == KTRACE_WAKE) {
			c->wakeups++;
			fprintf(fp, ",\n{\"name\":\"wakeup\",\"cat\":\"kernel\","
			    "\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%"
			    PRId64 ",\"ts\":", (int)pid, ktid);
			trace_us(fp, e->ns, t0);
			fprintf(fp, ",\"args\":{\"waker\":%d}}", (int)e->other);
			continue;
		}
		if (e->kind == KTRACE_IN) {
			if (state == 2 && off != NULL && e->ns > since) {
				trace_kslice(fp, off, pid, ktid, since, e->ns,
				    t0);
				fprintf(fp, ",\"args\":{\"next\":%d", (int)next);
				if (worker && fib >= 0)
					fprintf(fp, ",\"fiber\":%" PRId64, fib);
				fputs("}}", fp);
			}
			state = 1;
			since = e->ns;
			cpu = e->cpu;
			continue;
		}
		/* A switch out ends a run (from the start if none began). */
		c->switches++;
		if (state <= 1 && e->ns > since) {
			snprintf(name, sizeof name, "running (CPU %d)",
			    state == 1 ? cpu : e->cpu);
			trace_kslice(fp, name, pid, ktid, since, e->ns, t0);
			fputs("}", fp);
		}
		if (worker)
			fib = trace_fiber_at(&r, &ri, &cur, e->ns);
		off = trace_off_name(e->state);
		next = e->other;
		state = off != NULL ? 2 : 3;
		since = e->ns;
	}
	/* What it was doing when the kernel side ended. */
	if (state == 1 && k->end > since) {
		snprintf(name, sizeof name, "running (CPU %d)", cpu);
		trace_kslice(fp, name, pid, ktid, since, k->end, t0);
		fputs("}", fp);
	} else if (state == 2 && k->end > since) {
		trace_kslice(fp, off, pid, ktid, since, k->end, t0);
		fprintf(fp, ",\"args\":{\"next\":%d}}", (int)next);
	}
}

/* Every thread's kernel track. */
static void
trace_kernel_write(FILE *fp, pid_t pid, uint64_t t0,
    const struct ktrace_result *k, struct trace_kcount *c)
{
	size_t	i, j;

	for (i = 0; i < k->n; i = j) {
		for (j = i + 1; j < k->n && k->ev[j].tid == k->ev[i].tid; j++)
			;
		trace_kernel_thread(fp, pid, k->ev + i, j - i, t0, k, c);
	}
}

/* The kernel side in the metadata: what it holds, or why it is missing. */
static void
trace_kernel_meta(FILE *fp, const struct ktrace_result *k, uint64_t t0,
    const struct trace_kcount *c)
{
	char	line[640];

	if (k == NULL || k->ev == NULL) {
		snprintf(line, sizeof line, "not carried: %s; to carry it: %s",
		    ktrace_why(), ktrace_allow());
		fputs(",\"kernel_side\":", fp);
		trace_json_str(fp, line);
		fputs(",\"kernel\":{\"allowed\":false,\"why\":", fp);
		trace_json_str(fp, ktrace_why());
		fputs(",\"allow\":", fp);
		trace_json_str(fp, ktrace_allow());
		fputs("}", fp);
		return;
	}
	fputs(",\"kernel_side\":\"the scheduler's sched_switch and "
	    "sched_wakeup tracepoints for the workload's threads "
	    "(perf_event_open, CLOCK_MONOTONIC), a track a thread named "
	    "'... : kernel'; wakeups where a thread of the workload woke "
	    "it (a timer's shows as the switch in)\",\"kernel\":{"
	    "\"allowed\":true,\"begin\":", fp);
	trace_us(fp, k->begin, t0);
	fputs(",\"end\":", fp);
	trace_us(fp, k->end, t0);
	fprintf(fp, ",\"threads\":%" PRIu64 ",\"switches_traced\":%" PRIu64
	    ",\"wakeups_traced\":%" PRIu64 ",\"process_switches\":%" PRIu64
	    ",\"lost\":%" PRIu64 ",\"cpus\":%d,\"ring_bytes_per_cpu\":%zu,"
	    "\"ring_bytes_used_max\":%" PRIu64 ",\"filled\":%s",
	    c->threads, c->switches, c->wakeups, k->process_switches, k->lost,
	    k->cpus, k->ring_bytes, k->ring_used, k->filled ? "true" :
	    "false");
	if (k->filled)
		fprintf(fp, ",\"filled_cpu\":%d", k->full_cpu);
	fputs("}", fp);
}

/*
 * Write the trace of the rings to path, from t0 to t_end (ns, monotonic),
 * with the kernel side k (NULL or no events: ktrace_why says why).  0,
 * with a note in note when a ring filled ("" if none); or -1 with err.
 */
int
trace_write(const char *path, uint64_t t0, uint64_t t_end,
    const struct ktrace_result *k, char *note, size_t notelen, char *err,
    size_t errlen)
{
	struct trace_kcount	 kc = { 0, 0, 0 };
	struct fiber_trace_ring	 r;
	FILE			*fp;
	pid_t			 pid = getpid();
	uint64_t		 traced = 0, runtime = 0, dropped = 0, n;
	size_t			 i, nrings = fiber_trace_rings(), full = 0;
	bool			 first = true;
	char			 buf[128];
	int			 len;

	note[0] = '\0';
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write the trace %s: %s", path,
		    util_strerror(errno, buf, sizeof buf));
		return (-1);
	}
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", fp);
	fprintf(fp, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,"
	    "\"args\":{\"name\":\"cswviz (pid %d)\"}}", (int)pid, (int)pid);
	first = false;
	for (i = 0; i < nrings; i++) {
		if (fiber_trace_ring(i, &r) != 0)
			break;
		n = 0;
		trace_ring_write(fp, &r, pid, t0, t_end, &n, &first);
		traced += n;
		runtime += r.switches;
		dropped += r.dropped;
		full += r.dropped != 0;
		fprintf(fp, ",\n{\"name\":\"worker\",\"ph\":\"M\",\"pid\":%d,"
		    "\"tid\":%d,\"args\":{\"worker\":%d,\"switches_traced\":"
		    "%" PRIu64 ",\"runtime_switches\":%" PRIu64 ",\"dropped\":"
		    "%" PRIu64 ",\"closed\":%s}}", (int)pid, (int)r.tid,
		    r.worker, n, r.switches, r.dropped, r.closed ? "true" :
		    "false");
	}
	if (k != NULL && k->ev != NULL)
		trace_kernel_write(fp, pid, t0, k, &kc);
	fprintf(fp, "\n],\n\"metadata\":{\"tool\":\"cswviz " PACKAGE_VERSION
	    "\",\"clock\":\"CLOCK_MONOTONIC, from the trace's start\","
	    "\"fiber_clock\":\"%s\",\"pid\":%d,\"fiber_workers\":%zu,"
	    "\"events_per_worker\":%d,\"switches_traced\":%" PRIu64
	    ",\"runtime_switches\":%" PRIu64 ",\"dropped\":%" PRIu64
	    ",\"user_side\":\"the fiber runtime's switches, by fiber id and "
	    "reason\"", fiber_trace_clock(), (int)pid, nrings,
	    TRACE_EVENTS_PER_WORKER, traced, runtime, dropped);
	fputs(",\"end\":", fp);
	trace_us(fp, t_end, t0);
	trace_kernel_meta(fp, k, t0, &kc);
	fputs("}}\n", fp);
	if (fflush(fp) != 0 || ferror(fp)) {
		snprintf(err, errlen, "cannot write the trace %s: %s", path,
		    util_strerror(errno, buf, sizeof buf));
		fclose(fp);
		return (-1);
	}
	if (fclose(fp) != 0) {
		snprintf(err, errlen, "cannot write the trace %s: %s", path,
		    util_strerror(errno, buf, sizeof buf));
		return (-1);
	}
	len = 0;
	if (full != 0)
		len = snprintf(note, notelen, "trace: %zu of %zu workers filled "
		    "their %d events; %" PRIu64 " later switches were counted, "
		    "not traced", full, nrings, TRACE_EVENTS_PER_WORKER,
		    dropped);
	if (len >= 0 && (size_t)len < notelen && k != NULL && k->filled)
		snprintf(note + len, notelen - (size_t)len, "%strace: the "
		    "kernel's ring of CPU %d (%zu MiB) filled %.1f s in; the "
		    "kernel side ends there", len != 0 ? "; " : "",
		    k->full_cpu, k->ring_bytes >> 20,
		    (double)(k->end - k->begin) / 1e9);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * The trace file: one process, one track a fiber worker thread (named by
 * its index and tid) with a slice for each run of a fiber or of the
 * worker's scheduler, and an instant event for each switch naming the
 * fibers and why the one that stopped did; blocking calls on a track of
 * their own beside the worker's.  Times are CLOCK_MONOTONIC in
 * microseconds, as the format has them (ns kept as decimals).  The
 * metadata carries the runtime's own count of each worker's switches over
 * the trace, the events a full ring dropped, and what the kernel side
 * holds.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "record/trace.h"
#include "runtime/fiber.h"
#include "util/util.h"

/* A pseudo-tid for a worker's blocking calls: beside its own. */
#define TRACE_BLOCK_TID(tid)	((int64_t)(tid) + 1000000000)

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

/*
 * Write the trace of the rings to path, from t0 to t_end (ns, monotonic).
 * kernel says what the kernel side holds.  0, with a note in note when a
 * ring filled ("" if none); or -1 with err.
 */
int
trace_write(const char *path, uint64_t t0, uint64_t t_end, char *note,
    size_t notelen, char *err, size_t errlen)
{
	struct fiber_trace_ring	 r;
	FILE			*fp;
	pid_t			 pid = getpid();
	uint64_t		 traced = 0, runtime = 0, dropped = 0, n;
	size_t			 i, nrings = fiber_trace_rings(), full = 0;
	bool			 first = true;
	char			 buf[128], paranoid[32] = "unknown";
	ssize_t			 got;
	FILE			*pp;

	note[0] = '\0';
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write the trace %s: %s", path,
		    util_strerror(errno, buf, sizeof buf));
		return (-1);
	}
	if ((pp = fopen("/proc/sys/kernel/perf_event_paranoid", "r")) != NULL) {
		if ((got = (ssize_t)fread(paranoid, 1, sizeof paranoid - 1,
		    pp)) > 0)
			paranoid[strcspn(paranoid, "\n")] = '\0';
		fclose(pp);
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
	fprintf(fp, "\n],\n\"metadata\":{\"tool\":\"cswviz " PACKAGE_VERSION
	    "\",\"clock\":\"CLOCK_MONOTONIC, from the trace's start\","
	    "\"fiber_clock\":\"%s\",\"pid\":%d,\"fiber_workers\":%zu,\"events_per_worker\":%d,"
	    "\"switches_traced\":%" PRIu64 ",\"runtime_switches\":%" PRIu64
	    ",\"dropped\":%" PRIu64 ",\"user_side\":\"the fiber runtime's "
	    "switches, by fiber id and reason\",\"kernel_side\":\"not "
	    "carried: this version of cswviz does not read the scheduler's "
	    "sched_switch and sched_wakeup tracepoints (perf_event_paranoid "
	    "is %s here)\"}}\n", fiber_trace_clock(), (int)pid, nrings, TRACE_EVENTS_PER_WORKER,
	    traced, runtime, dropped, paranoid);
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
	if (full != 0)
		snprintf(note, notelen, "trace: %zu of %zu workers filled "
		    "their %d events; %" PRIu64 " later switches were counted, "
		    "not traced", full, nrings, TRACE_EVENTS_PER_WORKER,
		    dropped);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * The kernel side of --trace (ktrace.h): per CPU, a sched_switch event
 * that also asks for the kernel's switch-in records (attr.context_switch)
 * and a sched_wakeup event writing to the same ring, both on this thread
 * with inherit, so every thread it starts later carries them.  The field
 * offsets come from the tracepoints' format files, not from a kernel
 * version's layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "record/ktrace.h"
#include "util/util.h"

#define KTRACE_MAX_CPUS		1024
#define KTRACE_SLACK		512	/* bytes: a ring this close is full */

/* Where a field of a tracepoint's record lies. */
struct ktrace_field {
	int	off, size;
};

struct ktrace_cpu {
	int		 sw, wake;	/* perf fds, -1 if none */
	void		*map;
};

static struct {
	struct ktrace_cpu *cpu;
	int		 ncpu;
	size_t		 ring;		/* data bytes a CPU */
	long		 page;
	int		 id_switch, id_wakeup;
	struct ktrace_field prev_comm, prev_pid, prev_state, next_comm,
			 next_pid, wake_pid;
	uint64_t	 begin, end, rusage0, rusage1;
	bool		 on;
	char		 why[256], allow[256];
} kt;

static const char *const ktrace_tracefs[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing"
};

/* The process's kernel context switches so far (its ended threads too). */
static uint64_t
ktrace_rusage(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return (0);
	return ((uint64_t)ru.ru_nvcsw + (uint64_t)ru.ru_nivcsw);
}

/* Say why the kernel side is missing and what would allow it: -1. */
static int
ktrace_refuse(const char *allow, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int
ktrace_refuse(const char *allow, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(kt.why, sizeof kt.why, fmt, ap);
	va_end(ap);
	snprintf(kt.allow, sizeof kt.allow, "%s", allow);
	return (-1);
}

/* Read a tracefs file of the sched events into buf: 0, or -1 (errno). */
static int
ktrace_read(const char *dir, const char *event, const char *file,
    char *buf, size_t len)
{
	char	path[256];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s/events/sched/%s/%s", dir, event, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		errno = n == 0 ? ENOENT : errno;
		return (-1);
	}
	buf[n] = '\0';
	return (0);
}

/* Find a field's offset and size in a format file: 0, or -1. */
static int
ktrace_field(const char *format, const char *name, struct ktrace_field *f)
{
	return (procfs_parse_trace_field(format, name, &f->off, &f->size));
}

/* The ids and field offsets of the two tracepoints: 0, or -1 with why. */
static int
ktrace_formats(void)
{
	char		 buf[4096], idbuf[32];
	const char	*dir = NULL;
	size_t		 i;
	int		 saved = ENOENT;

	for (i = 0; i < sizeof ktrace_tracefs / sizeof ktrace_tracefs[0];
	    i++) {
		if (ktrace_read(ktrace_tracefs[i], "sched_switch", "id", idbuf,
		    sizeof idbuf) == 0) {
			dir = ktrace_tracefs[i];
			break;
		}
		if (errno == EACCES || errno == EPERM)
			saved = errno;
	}
	if (dir == NULL && (saved == EACCES || saved == EPERM))
		return (ktrace_refuse("run cswviz as root, or make tracefs "
		    "readable to this user and let it read tracepoints "
		    "(CAP_PERFMON, or sysctl kernel.perf_event_paranoid=-1)",
		    "the tracepoints' ids in tracefs (%s/events/sched) may "
		    "not be read by this user", ktrace_tracefs[0]));
	if (dir == NULL)
		return (ktrace_refuse("as root: mount -t tracefs nodev "
		    "/sys/kernel/tracing",
		    "tracefs is not mounted (no %s/events/sched/sched_switch),"
		    " so the tracepoints cannot be named", ktrace_tracefs[0]));
	kt.id_switch = atoi(idbuf);
	if (ktrace_read(dir, "sched_wakeup", "id", idbuf, sizeof idbuf) != 0)
		return (ktrace_refuse("a kernel with the sched_wakeup "
		    "tracepoint", "%s has no sched_wakeup tracepoint", dir));
	kt.id_wakeup = atoi(idbuf);
	if (ktrace_read(dir, "sched_switch", "format", buf, sizeof buf) != 0 ||
	    ktrace_field(buf, "prev_comm", &kt.prev_comm) != 0 ||
	    ktrace_field(buf, "prev_pid", &kt.prev_pid) != 0 ||
	    ktrace_field(buf, "prev_state", &kt.prev_state) != 0 ||
	    ktrace_field(buf, "next_comm", &kt.next_comm) != 0 ||
	    ktrace_field(buf, "next_pid", &kt.next_pid) != 0)
		return (ktrace_refuse("a kernel whose sched_switch has "
		    "prev_pid, prev_state and next_pid", "cannot read the "
		    "fields of %s/events/sched/sched_switch/format", dir));
	if (ktrace_read(dir, "sched_wakeup", "format", buf, sizeof buf) != 0 ||
	    ktrace_field(buf, "pid", &kt.wake_pid) != 0)
		return (ktrace_refuse("a kernel whose sched_wakeup has pid",
		    "cannot read the fields of %s/events/sched/sched_wakeup/"
		    "format", dir));
	return (0);
}

/* Open one tracepoint on cpu for this thread and those it starts. */
static int
ktrace_open(int id, int cpu, int switches)
{
	struct perf_event_attr	a;

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = (uint64_t)id;
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
	    PERF_SAMPLE_RAW;
	a.disabled = 1;
	a.inherit = 1;
	a.sample_id_all = 1;
	a.context_switch = switches;
	a.use_clockid = 1;
	a.clockid = CLOCK_MONOTONIC;
	return ((int)syscall(SYS_perf_event_open, &a, 0, cpu, -1,
	    PERF_FLAG_FD_CLOEXEC));
}

/* Say why perf_event_open failed, and what would allow it: -1. */
static int
ktrace_refuse_open(int err)
{
	char	paranoid[32] = "unknown", buf[128];
	FILE	*fp;

	if ((fp = fopen("/proc/sys/kernel/perf_event_paranoid", "r")) !=
	    NULL) {
		if (fgets(paranoid, sizeof paranoid, fp) == NULL)
			snprintf(paranoid, sizeof paranoid, "unknown");
		paranoid[strcspn(paranoid, "\n")] = '\0';
		fclose(fp);
	}
	if (err == EACCES || err == EPERM)
		return (ktrace_refuse("run cswviz as root or with CAP_PERFMON, "
		    "or let every user read tracepoints: sysctl "
		    "kernel.perf_event_paranoid=-1",
		    "the kernel refused the scheduler's tracepoints to this "
		    "user (perf_event_open: %s; perf_event_paranoid is %s)",
		    util_strerror(err, buf, sizeof buf), paranoid));
	if (err == ENOSYS)
		return (ktrace_refuse("run on the host, or a container "
		    "whose seccomp profile allows perf_event_open",
		    "perf_event_open is not available here (ENOSYS: a "
		    "container's seccomp profile, or a kernel without "
		    "CONFIG_PERF_EVENTS)"));
	return (ktrace_refuse("a kernel with perf events and tracepoints",
	    "perf_event_open on the sched tracepoints failed: %s",
	    util_strerror(err, buf, sizeof buf)));
}

/* Close every fd and ring opened so far. */
static void
ktrace_close(void)
{
	int	i;

	for (i = 0; kt.cpu != NULL && i < kt.ncpu; i++) {
		if (kt.cpu[i].map != NULL)
			munmap(kt.cpu[i].map, kt.ring + (size_t)kt.page);
		if (kt.cpu[i].wake >= 0)
			close(kt.cpu[i].wake);
		if (kt.cpu[i].sw >= 0)
			close(kt.cpu[i].sw);
	}
	free(kt.cpu);
	kt.cpu = NULL;
	kt.ncpu = 0;
	kt.on = false;
}

/*
 * Open the events on every CPU, map their rings and enable them: 0, or -1
 * (ktrace_why says why).  CSWVIZ_KTRACE_REFUSE=errno-number makes the
 * kernel's refusal happen here, for the tests.
 */
int
ktrace_start(void)
{
	const char	*hook = getenv("CSWVIZ_KTRACE_REFUSE");
	size_t		 ring;
	int		 i, n, opened = 0, err = 0;
	long		 conf;

	memset(&kt, 0, sizeof kt);
	if (hook != NULL && atoi(hook) > 0)
		return (ktrace_refuse_open(atoi(hook)));
	if (ktrace_formats() != 0)
		return (-1);
	kt.page = sysconf(_SC_PAGESIZE);
	conf = sysconf(_SC_NPROCESSORS_CONF);
	n = conf < 1 ? 1 : conf > KTRACE_MAX_CPUS ? KTRACE_MAX_CPUS : (int)conf;
	/* A power of two pages, within both limits. */
	for (ring = KTRACE_RING_BYTES; ring > (size_t)kt.page * 16 &&
	    ring * (size_t)n > KTRACE_TOTAL_BYTES; ring /= 2)
		;
	kt.ring = ring;
	kt.cpu = xcalloc((size_t)n, sizeof *kt.cpu);
	kt.ncpu = n;
	for (i = 0; i < n; i++)
		kt.cpu[i].sw = kt.cpu[i].wake = -1;
	for (i = 0; i < n; i++) {
		if ((kt.cpu[i].sw = ktrace_open(kt.id_switch, i, 1)) < 0) {
			if (errno == ENODEV || errno == EINVAL)
				continue;	/* an offline CPU */
			err = errno;
			break;
		}
		/* Halved while the locked-memory limit refuses it. */
		while ((kt.cpu[i].map = mmap(NULL, kt.ring + (size_t)kt.page,
		    PROT_READ | PROT_WRITE, MAP_SHARED, kt.cpu[i].sw, 0)) ==
		    MAP_FAILED && errno == EPERM && kt.ring > (size_t)kt.page
		    * 16 && i == 0)
			kt.ring /= 2;
		if (kt.cpu[i].map == MAP_FAILED) {
			kt.cpu[i].map = NULL;
			err = errno;
			break;
		}
		/* The wakeups go to the mapped ring (it must be mapped). */
		if ((kt.cpu[i].wake = ktrace_open(kt.id_wakeup, i, 0)) < 0 ||
		    ioctl(kt.cpu[i].wake, PERF_EVENT_IOC_SET_OUTPUT,
		    kt.cpu[i].sw) != 0) {
			err = errno;
			break;
		}
		opened++;
	}
	if (err != 0 || opened == 0) {
		ktrace_close();
		return (ktrace_refuse_open(err != 0 ? err : ENODEV));
	}
	kt.rusage0 = ktrace_rusage();
	kt.begin = util_now_ns();
	for (i = 0; i < n; i++) {
		if (kt.cpu[i].sw >= 0)
			ioctl(kt.cpu[i].sw, PERF_EVENT_IOC_ENABLE, 0);
		if (kt.cpu[i].wake >= 0)
			ioctl(kt.cpu[i].wake, PERF_EVENT_IOC_ENABLE, 0);
	}
	kt.on = true;
	return (0);
}

/* Why the kernel side is missing ("" if it is not). */
const char *
ktrace_why(void)
{
	return (kt.why);
}

/* What would allow the kernel side where it is missing. */
const char *
ktrace_allow(void)
{
	return (kt.allow);
}

/* Stop the events: the workload's threads have ended. */
void
ktrace_stop(void)
{
	int	i;

	if (!kt.on)
		return;
	for (i = 0; i < kt.ncpu; i++) {
		if (kt.cpu[i].sw >= 0)
			ioctl(kt.cpu[i].sw, PERF_EVENT_IOC_DISABLE, 0);
		if (kt.cpu[i].wake >= 0)
			ioctl(kt.cpu[i].wake, PERF_EVENT_IOC_DISABLE, 0);
	}
	kt.end = util_now_ns();
	kt.rusage1 = ktrace_rusage();
}

/* A field of a raw record as a number, 0 if it lies outside. */
static long
ktrace_num(const unsigned char *raw, uint32_t len, struct ktrace_field f)
{
	int32_t	v4;
	int64_t	v8;

	if ((uint32_t)f.off + (uint32_t)f.size > len)
		return (0);
	if (f.size == 4) {
		memcpy(&v4, raw + f.off, 4);
		return (v4);
	}
	if (f.size == 8) {
		memcpy(&v8, raw + f.off, 8);
		return ((long)v8);
	}
	return (0);
}

/* A string field of a raw record into out[16]. */
static void
ktrace_str(const unsigned char *raw, uint32_t len, struct ktrace_field f,
    char *out)
{
	size_t	n = f.size < 16 ? (size_t)f.size : 15;

	out[0] = '\0';
	if ((uint32_t)f.off + (uint32_t)f.size > len)
		return;
	memcpy(out, raw + f.off, n);
	out[n] = '\0';
}

/* At one time, a thread stops before it is woken or runs again. */
static const int ktrace_rank[] = {
	[KTRACE_OUT] = 0, [KTRACE_WAKE] = 1, [KTRACE_IN] = 2
};

/* Order events by thread, then time, then what comes first. */
static int
ktrace_cmp(const void *a, const void *b)
{
	const struct ktrace_event	*x = a, *y = b;

	if (x->tid != y->tid)
		return (x->tid < y->tid ? -1 : 1);
	if (x->ns != y->ns)
		return (x->ns < y->ns ? -1 : 1);
	return (ktrace_rank[x->kind] - ktrace_rank[y->kind]);
}

/*
 * Decode one CPU's ring into out (NULL: count only), this process's
 * threads only; the time of its last event in *last, and (counting) the
 * events the kernel said it lost or throttled added to *lost.
 */
static size_t
ktrace_decode(const struct ktrace_cpu *c, pid_t pid,
    struct ktrace_event *out, uint64_t *last, uint64_t *lost)
{
	const struct perf_event_mmap_page	*pg = c->map;
	const struct perf_event_header		*h;
	const unsigned char			*data, *p, *raw;
	struct ktrace_event			 e;
	uint64_t				 head, pos, rec;
	uint32_t				 v[2], rawlen;
	size_t					 n = 0;

	head = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
	data = (const unsigned char *)c->map + (pg->data_offset != 0 ?
	    pg->data_offset : (uint64_t)kt.page);
	if (head > kt.ring)
		head = kt.ring;	/* never moved its tail: cannot wrap */
	for (pos = 0; pos + sizeof *h <= head; pos += h->size) {
		h = (const void *)(data + pos);
		if (h->size < sizeof *h || pos + h->size > head)
			break;
		p = (const unsigned char *)(h + 1);
		memset(&e, 0, sizeof e);
		if (h->type == PERF_RECORD_LOST && h->size >= sizeof *h + 16 &&
		    out == NULL) {
			memcpy(&rec, p + 8, 8);
			*lost += rec;
			continue;
		}
		if (h->type == PERF_RECORD_THROTTLE && out == NULL) {
			(*lost)++;
			continue;
		}
		if (h->type == PERF_RECORD_SWITCH && h->size >= sizeof *h + 24) {
			if (h->misc & PERF_RECORD_MISC_SWITCH_OUT)
				continue;	/* sched_switch says more */
			memcpy(v, p, 8);
			memcpy(&e.ns, p + 8, 8);
			memcpy(&e.cpu, p + 16, 4);
			e.tid = (pid_t)v[1];
			e.kind = KTRACE_IN;
			if ((pid_t)v[0] != pid)
				continue;
		} else if (h->type == PERF_RECORD_SAMPLE &&
		    h->size >= sizeof *h + 28) {
			memcpy(v, p, 8);
			memcpy(&e.ns, p + 8, 8);
			memcpy(&e.cpu, p + 16, 4);
			memcpy(&rawlen, p + 24, 4);
			raw = p + 28;
			if (28 + (size_t)rawlen > h->size - sizeof *h ||
			    rawlen < 2)
				continue;
			if (*(const uint16_t *)raw == kt.id_switch) {
				if ((pid_t)v[0] != pid)
					continue;
				e.kind = KTRACE_OUT;
				e.tid = (pid_t)ktrace_num(raw, rawlen,
				    kt.prev_pid);
				e.other = (pid_t)ktrace_num(raw, rawlen,
				    kt.next_pid);
				e.state = ktrace_num(raw, rawlen,
				    kt.prev_state);
				ktrace_str(raw, rawlen, kt.prev_comm, e.comm);
				ktrace_str(raw, rawlen, kt.next_comm,
				    e.other_comm);
			} else if (*(const uint16_t *)raw == kt.id_wakeup) {
				/* The waker may be anyone's; the woken is ours. */
				e.kind = KTRACE_WAKE;
				e.tid = (pid_t)ktrace_num(raw, rawlen,
				    kt.wake_pid);
				e.other = (pid_t)v[1];
			} else
				continue;
		} else
			continue;
		*last = e.ns;
		if (out != NULL)
			out[n] = e;
		n++;
	}
	return (n);
}

/*
 * The events of the process's threads, by thread and time, up to the
 * first full ring's last event: 0, or -1 when the kernel side is off.
 */
int
ktrace_events(struct ktrace_result *res)
{
	struct ktrace_event	*ev;
	const struct perf_event_mmap_page *pg;
	uint64_t		 last, cut = kt.end;
	size_t			 n = 0, k, m, j;
	pid_t			 pid = getpid();
	int			 i;

	memset(res, 0, sizeof *res);
	res->full_cpu = -1;
	if (!kt.on)
		return (-1);
	res->ring_bytes = kt.ring;
	for (i = 0; i < kt.ncpu; i++) {
		if (kt.cpu[i].map == NULL)
			continue;
		res->cpus++;
		last = 0;
		n += ktrace_decode(&kt.cpu[i], pid, NULL, &last, &res->lost);
		pg = kt.cpu[i].map;
		if (pg->data_head > res->ring_used)
			res->ring_used = pg->data_head;
		if (pg->data_head + KTRACE_SLACK > kt.ring && last < cut) {
			cut = last;
			res->filled = true;
			res->full_cpu = i;
		}
	}
	ev = xcalloc(n + 1, sizeof *ev);
	for (i = 0, k = 0; i < kt.ncpu; i++)
		if (kt.cpu[i].map != NULL)
			k += ktrace_decode(&kt.cpu[i], pid, ev + k, &last,
			    &res->lost);
	/* Only what every ring still held: up to the cut. */
	for (j = 0, m = 0; j < k; j++)
		if (ev[j].ns >= kt.begin && ev[j].ns <= cut)
			ev[m++] = ev[j];
	qsort(ev, m, sizeof *ev, ktrace_cmp);
	res->ev = ev;
	res->n = m;
	res->begin = kt.begin;
	res->end = cut;
	res->process_switches = kt.rusage1 - kt.rusage0;
	return (0);
}

/* Free the events, the rings and the fds. */
void
ktrace_free(struct ktrace_result *res)
{
	if (res != NULL) {
		free(res->ev);
		res->ev = NULL;
		res->n = 0;
	}
	ktrace_close();
}

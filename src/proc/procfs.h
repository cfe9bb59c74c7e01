/* SPDX-License-Identifier: ISC */
/*
 * Pure parsers for the /proc files cswviz samples, and two small readers.
 *
 * The readers take the proc root as a parameter ("/proc" in the program, a
 * fixture directory in the tests).  The parsers take the text of one file
 * (NUL-terminated) and fill a caller-owned struct: they keep no state, never
 * allocate and may be called from any thread at once.
 *
 * Every parser returns 0 (or a count) on success and -1 on failure with err
 * set to "kind: reason" or "kind:LINE: reason"; on failure the output is left
 * untouched.  Missing optional fields clear the matching has_* flag.  If the
 * text does not end in '\n' its unterminated last line is ignored, so a
 * truncated read never yields half a number.
 */
#ifndef CSW_PROCFS_H
#define CSW_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCFS_ERRLEN 160
#define PROCFS_COMM_LEN 64
#define PROCFS_MAX_CPUS 1024

/*
 * Read a whole file ROOT/REL (ROOT like "/proc" or a fixture dir) into buf,
 * NUL-terminated.  Returns length, or -1 with err set to e.g.
 * "/proc/pressure/cpu: No such file or directory".  A file longer than
 * size - 1 bytes is cut; the parsers then ignore its partial last line.
 */
ssize_t	procfs_read(const char *root, const char *rel, char *buf, size_t size,
	    char *err, size_t errlen);
/*
 * Re-read an already open file from offset 0 with pread into buf,
 * NUL-terminated; -1 + err ("WHAT: reason") on failure.
 */
ssize_t	procfs_pread(int fd, const char *what, char *buf, size_t size,
	    char *err, size_t errlen);

/* Format err (NULL or errlen 0: nothing), as every reader here does. */
void	procfs_set_error(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Clock ticks. */
struct procfs_cpu_time {
	uint64_t	user, nice, system, idle, iowait, irq, softirq, steal;
};

/* /proc/stat.  The "cpu" total line is required; the rest is optional. */
struct procfs_stat {
	bool		has_ctxt, has_procs;
	uint64_t	ctxt;		/* context switches since boot */
	uint32_t	procs_running, procs_blocked;
	struct procfs_cpu_time total;
	/* cpuN lines seen (up to PROCFS_MAX_CPUS are stored). */
	uint32_t	ncpu;
	/*
	 * Caller-owned array of PROCFS_MAX_CPUS or NULL to skip.  cpu[i] is
	 * the i-th cpuN line, which is CPU i unless some CPUs are offline.
	 */
	struct procfs_cpu_time *cpu;
};
/* Scan hex digits into *v: the end, or NULL if none or overflow. */
const char *procfs_scan_hex(const char *, uint64_t *);

int	procfs_parse_stat(const char *text, struct procfs_stat *out, char *err,
	    size_t errlen);

/* /proc/loadavg. */
struct procfs_loadavg {
	double		load1, load5, load15;
	uint32_t	runnable, total;
	int32_t		last_pid;
};
int	procfs_parse_loadavg(const char *text, struct procfs_loadavg *out,
	    char *err, size_t errlen);

/* /proc/PID/status or /proc/PID/task/TID/status.  Name and State required. */
struct procfs_status {
	bool		has_vm, has_threads, has_ctxsw, has_uid;
	char		name[PROCFS_COMM_LEN];
	char		state;
	/* Bytes (VmSize, VmRSS; kB in the file). */
	uint64_t	vm_size, vm_rss;
	uint32_t	threads;
	/* voluntary_ctxt_switches, nonvoluntary_ctxt_switches */
	uint64_t	vcsw, ivcsw;
	uint32_t	uid;		/* Uid: the real one */
};
int	procfs_parse_status(const char *text, struct procfs_status *out,
	    char *err, size_t errlen);

/* /proc/PID/task/TID/stat. */
struct procfs_task_stat {
	int32_t		tid;
	/* Between "(" and the LAST ")": may hold spaces, ')' and '\n'. */
	char		comm[PROCFS_COMM_LEN];
	char		state;		/* R S D T t Z X I P ... */
	uint64_t	utime, stime;	/* clock ticks */
	int32_t		processor;	/* field 39: last CPU */
	int64_t		nice;
	uint64_t	starttime;	/* field 22: ticks after boot */
};
int	procfs_parse_task_stat(const char *text, struct procfs_task_stat *out,
	    char *err, size_t errlen);

/* /proc/.../schedstat: 3 numbers. */
struct procfs_schedstat {
	uint64_t	run_ns, wait_ns, timeslices;
};
int	procfs_parse_schedstat(const char *text, struct procfs_schedstat *out,
	    char *err, size_t errlen);

/* /proc/meminfo, bytes.  MemTotal required. */
struct procfs_meminfo {
	bool		has_available, has_kernel_stack, has_page_tables;
	uint64_t	mem_total, mem_available, kernel_stack, page_tables;
};
int	procfs_parse_meminfo(const char *text, struct procfs_meminfo *out,
	    char *err, size_t errlen);

/* /proc/pressure/cpu.  The "some" line is required. */
struct procfs_psi {
	bool		has_some, has_full;
	double		some_avg10, some_avg60, some_avg300;
	uint64_t	some_total_us;
	double		full_avg10, full_avg60, full_avg300;
	uint64_t	full_total_us;
};
int	procfs_parse_psi(const char *text, struct procfs_psi *out, char *err,
	    size_t errlen);

/*
 * Per-CPU lines of /proc/schedstat (version 15 to 17, "cpuN ..." where the
 * 7th, 8th and 9th numbers after the cpu name are run time and wait time in
 * ns and timeslices).  cpus[i] is the i-th cpuN line.  Returns the number of
 * CPUs stored (at most max), or -1 with err (empty text, unknown version, no
 * or short cpu lines); cpus is untouched on failure.
 */
struct procfs_cpu_sched {
	uint64_t	run_ns, wait_ns, timeslices;
};
int	procfs_parse_cpu_schedstat(const char *text,
	    struct procfs_cpu_sched *cpus, int max, char *err, size_t errlen);

/*
 * One line of /proc/self/maps (or smaps header): start, end, perms, offset,
 * path (may be empty or "[stack]", "[anon:name]"); size = end - start and
 * rss = 0.  The line may end in '\n' or at its NUL.
 *
 * And a parser for a whole smaps text that calls back per mapping with its
 * Size and Rss in bytes.  The text is checked before the first callback, so
 * on failure cb has not been called.  A last mapping cut before its Size and
 * Rss lines is dropped.  Empty text (a kernel thread) is zero mappings.
 */
struct procfs_map {
	uintptr_t	start, end;
	char		perms[5];
	char		path[256];
	uint64_t	size, rss;
};
int	procfs_parse_maps_line(const char *line, struct procfs_map *out,
	    char *err, size_t errlen);
typedef void (*procfs_smaps_cb)(const struct procfs_map *, void *);
int	procfs_parse_smaps(const char *text, procfs_smaps_cb cb, void *arg,
	    char *err, size_t errlen);

/*
 * A field of a tracepoint's format file (tracefs events/GROUP/NAME/format):
 * the byte offset and size of the field called name in a record, an array
 * like "char prev_comm[16]" matched by its name alone.
 */
int	procfs_parse_trace_field(const char *format, const char *name,
	    int *off, int *size);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The limits reader: the figures that bound how many tasks may start, read
 * from a proc root and a sys root ("/proc" and "/sys", or fixture trees).
 * The policy over them (headroom, which limit caps) is the engine's
 * (engine/limits.h); this half only reads and parses.
 *
 * limits_read() fills a caller-owned struct limits.  It keeps no state and
 * may be called from any OS thread (it needs about 32 KiB of stack: not
 * from a fiber); it costs a dozen small reads plus one pass over
 * /proc/self/maps (about 75 bytes a mapping), the only place the program
 * counts its mappings, so call it before a ramp, not on every tick.
 *
 * A value is a count, or bytes for the memory fields, and
 *	LIMITS_UNKNOWN (-1)	could not be read; its why says why, e.g.
 *				"/sys/fs/cgroup/pids.max: No such file or
 *				directory".
 *	LIMITS_NONE (INT64_MAX)	read, and there is no limit ("max",
 *				"unlimited", or a number past INT64_MAX).
 *
 * The cgroup figures are those of the process's cgroup v2 (the "0::" line
 * of /proc/self/cgroup) or of the ancestor with the least room left;
 * cgroup v1 is not read.
 *
 * The parsers under it are pure (text in, figure out, any thread) and
 * fuzzed: on failure they leave the output untouched and set err to a
 * reason without the path, which the reader puts in front.
 */
#ifndef CSW_LIMITS_READ_H
#define CSW_LIMITS_READ_H

#include <stddef.h>
#include <stdint.h>

#define LIMITS_UNKNOWN	((int64_t)-1)
#define LIMITS_NONE	INT64_MAX
#define LIMITS_WHYLEN	160

/* One figure and, when it is unknown, why. */
struct limits_value {
	int64_t	value;
	char	why[LIMITS_WHYLEN];
};

/* Counts, or bytes where it says so. */
struct limits {
	struct limits_value	threads_max;	/* kernel.threads-max */
	struct limits_value	pid_max;	/* kernel.pid_max */
	struct limits_value	nproc;		/* RLIMIT_NPROC soft */
	struct limits_value	max_map_count;	/* vm.max_map_count */
	struct limits_value	map_count;	/* this process's maps */
	struct limits_value	pids_max;	/* cgroup pids.max */
	struct limits_value	pids_current;	/* cgroup */
	struct limits_value	memory_max;	/* cgroup, bytes */
	struct limits_value	memory_current;	/* cgroup, bytes */
	struct limits_value	mem_available;	/* meminfo, bytes */
	struct limits_value	system_threads;	/* loadavg total */
	struct limits_value	process_threads; /* status Threads */
};

/* Set every field to LIMITS_UNKNOWN with why "not read". */
void	limits_clear(struct limits *);

/*
 * Read every field; procroot and sysroot NULL mean "/proc" and "/sys".
 * Returns the number of fields left unknown (0 if all were read), with err
 * holding the first one's reason, e.g. "cgroup pids.max:
 * /sys/fs/cgroup/pids.max: No such file or directory".  Never fails harder:
 * an unreadable figure is data, not an error.
 */
int	limits_read(struct limits *, const char *procroot,
	    const char *sysroot, char *err, size_t errlen);

/* Which file a text is, for limits_parse. */
enum limits_file {
	LIMITS_FILE_NUMBER,	/* a sysctl: one number and a newline */
	LIMITS_FILE_CGROUP,	/* a cgroup's *.max or *.current: or "max" */
	LIMITS_FILE_LIMITS,	/* self/limits: soft Max processes */
	LIMITS_FILE_MEMINFO,	/* meminfo: MemAvailable, as bytes */
	LIMITS_FILE_LOADAVG,	/* loadavg: the total after the '/' */
	LIMITS_FILE_STATUS,	/* self/status: Threads */
};

/*
 * The figure of the text of one file of kind: 0, or -1 with err set to the
 * reason ("not a number", "no Threads line") and *out untouched.
 */
int	limits_parse(enum limits_file, const char *text, int64_t *out,
	    char *err, size_t errlen);

/*
 * The cgroup v2 path of the text of self/cgroup ("0::/user.slice/x.scope")
 * into cg, without a trailing '/': 0, or -1 with err set and cg untouched.
 */
int	limits_parse_cgroup_path(const char *text, char *cg, size_t len,
	    char *err, size_t errlen);

#endif

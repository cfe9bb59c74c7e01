/* SPDX-License-Identifier: ISC */
/*
 * The limits reader: sysctls, self/limits, self/maps, meminfo, loadavg,
 * self/status and the cgroup v2 files, each read whole and handed to a
 * pure parser; the reader puts the path in front of a parser's reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc/limits_read.h"
#include "proc/procfs.h"
#include "util/util.h"

#define LIMITS_TEXT_SIZE	4096	/* every file read whole fits */
#define LIMITS_PATH_SIZE	4096

/* A sysctl that is one number in a file under the proc root. */
struct limits_sysctl {
	const char	*rel;
	size_t		 off;
};

static const struct limits_sysctl limits_sysctls[] = {
	{ "sys/kernel/threads-max", offsetof(struct limits, threads_max) },
	{ "sys/kernel/pid_max", offsetof(struct limits, pid_max) },
	{ "sys/vm/max_map_count", offsetof(struct limits, max_map_count) },
};

/* Every field, for clearing and for reporting the first unknown. */
static const struct limits_name {
	const char	*name;
	size_t		 off;
} limits_names[] = {
	{ "kernel.threads-max", offsetof(struct limits, threads_max) },
	{ "kernel.pid_max", offsetof(struct limits, pid_max) },
	{ "RLIMIT_NPROC", offsetof(struct limits, nproc) },
	{ "vm.max_map_count", offsetof(struct limits, max_map_count) },
	{ "map count", offsetof(struct limits, map_count) },
	{ "cgroup pids.max", offsetof(struct limits, pids_max) },
	{ "cgroup pids.current", offsetof(struct limits, pids_current) },
	{ "cgroup memory.max", offsetof(struct limits, memory_max) },
	{ "cgroup memory.current", offsetof(struct limits, memory_current) },
	{ "MemAvailable", offsetof(struct limits, mem_available) },
	{ "system threads", offsetof(struct limits, system_threads) },
	{ "process threads", offsetof(struct limits, process_threads) },
};

/* The field at offset off. */
static struct limits_value *
limits_field(struct limits *l, size_t off)
{
	return ((struct limits_value *)((char *)l + off));
}

/* Mark v unknown and say why. */
static void
limits_unknown(struct limits_value *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Mark v unknown and say why. */
static void
limits_unknown(struct limits_value *v, const char *fmt, ...)
{
	va_list	ap;

	v->value = LIMITS_UNKNOWN;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof v->why, fmt, ap);
	va_end(ap);
}

/* Record a value that was read. */
static void
limits_known(struct limits_value *v, int64_t value)
{
	v->value = value;
	v->why[0] = '\0';
}

/*
 * Scan decimal digits at p into *v, saturating at INT64_MAX: the end, or
 * NULL if there are no digits.
 */
static const char *
limits_scan(const char *p, int64_t *v)
{
	const char	*start = p;
	int64_t		 n = 0;
	unsigned	 d;

	while ((d = (unsigned char)*p - '0') <= 9) {
		if (n > (INT64_MAX - (int64_t)d) / 10)
			n = INT64_MAX;
		else
			n = n * 10 + d;
		p++;
	}
	if (p == start)
		return (NULL);
	*v = n;
	return (p);
}

/*
 * Find "key" at the start of a line of text and return what follows it, or
 * NULL.  key includes its separator, as "Threads:".
 */
static const char *
limits_find_line(const char *text, const char *key)
{
	size_t		 len = strlen(key);
	const char	*p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, len) == 0)
			return (p + len);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return (NULL);
}

/* Skip spaces and tabs. */
static const char *
limits_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/* Whether p is at the end of a word: blank, newline or NUL. */
static int
limits_word_end(const char *p)
{
	return (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\0');
}

/*
 * A file holding one number and a newline, or none_word (cgroup's "max")
 * for LIMITS_NONE: 0, or -1.
 */
static int
limits_parse_one(const char *text, const char *none_word, int64_t *out)
{
	const char	*p;
	int64_t		 v;
	size_t		 len;

	if (none_word != NULL) {
		len = strlen(none_word);
		if (strncmp(text, none_word, len) == 0 &&
		    (text[len] == '\0' || text[len] == '\n')) {
			*out = LIMITS_NONE;
			return (0);
		}
	}
	if ((p = limits_scan(text, &v)) == NULL)
		return (-1);
	if (*p == '\n')
		p++;
	if (*p != '\0')
		return (-1);
	*out = v;
	return (0);
}

/*
 * The number after key (blanks skipped) on a line of text into *v: the end
 * of its digits, or NULL with err "no NAME line" when no line starts with
 * key, or with err nan when no digits follow it.  *v is untouched on NULL.
 */
static const char *
limits_keyed(const char *text, const char *key, const char *name,
    const char *nan, int64_t *v, char *err, size_t errlen)
{
	const char	*p, *end;

	if ((p = limits_find_line(text, key)) == NULL) {
		procfs_set_error(err, errlen, "no %s line", name);
		return (NULL);
	}
	if ((end = limits_scan(limits_blank(p), v)) == NULL)
		procfs_set_error(err, errlen, "%s", nan);
	return (end);
}

/* The soft "Max processes" limit of a self/limits text. */
static int
limits_parse_nproc(const char *text, int64_t *out, char *err, size_t errlen)
{
	const char	*p, *nan = "Max processes: not a number";
	int64_t		 v;

	p = limits_find_line(text, "Max processes");
	if (p != NULL && strncmp(p = limits_blank(p), "unlimited", 9) == 0 &&
	    limits_word_end(p + 9)) {
		*out = LIMITS_NONE;
		return (0);
	}
	if ((p = limits_keyed(text, "Max processes", "Max processes", nan, &v,
	    err, errlen)) == NULL)
		return (-1);
	if (!limits_word_end(p)) {
		procfs_set_error(err, errlen, "%s", nan);
		return (-1);
	}
	*out = v;
	return (0);
}

/* MemAvailable of a meminfo text, kB as bytes. */
static int
limits_parse_meminfo(const char *text, int64_t *out, char *err,
    size_t errlen)
{
	const char	*p, *nan = "MemAvailable: not a number of kB";
	int64_t		 kb;

	if ((p = limits_keyed(text, "MemAvailable:", "MemAvailable:", nan,
	    &kb, err, errlen)) == NULL)
		return (-1);
	if (strncmp(p, " kB\n", 4) != 0) {
		procfs_set_error(err, errlen, "%s", nan);
		return (-1);
	}
	*out = kb > INT64_MAX / 1024 ? LIMITS_NONE : kb * 1024;
	return (0);
}

/* The total after '/' in the 4th field of a loadavg text. */
static int
limits_parse_loadavg(const char *text, int64_t *out, char *err,
    size_t errlen)
{
	const char	*p = text, *end;
	int64_t		 running, total;
	int		 i;

	for (i = 0; i < 3; i++) {	/* three load averages */
		p += strcspn(p, " \n");
		if (*p != ' ')
			break;
		p++;
	}
	if (i < 3 || (end = limits_scan(p, &running)) == NULL ||
	    *end != '/' || (end = limits_scan(end + 1, &total)) == NULL ||
	    *end != ' ') {
		procfs_set_error(err, errlen, "no running/total field");
		return (-1);
	}
	*out = total;
	return (0);
}

/* The Threads line of a self/status text. */
static int
limits_parse_status(const char *text, int64_t *out, char *err,
    size_t errlen)
{
	const char	*p, *nan = "Threads not a number";
	int64_t		 n;

	if ((p = limits_keyed(text, "Threads:", "Threads", nan, &n, err,
	    errlen)) == NULL)
		return (-1);
	if (*p != '\n') {
		procfs_set_error(err, errlen, "%s", nan);
		return (-1);
	}
	*out = n;
	return (0);
}

/* Parse the text of one file of kind. */
int
limits_parse(enum limits_file kind, const char *text, int64_t *out,
    char *err, size_t errlen)
{
	switch (kind) {
	case LIMITS_FILE_NUMBER:
	case LIMITS_FILE_CGROUP:
		if (limits_parse_one(text, kind == LIMITS_FILE_CGROUP ? "max" :
		    NULL, out) == 0)
			return (0);
		procfs_set_error(err, errlen, "not a number");
		return (-1);
	case LIMITS_FILE_LIMITS:
		return (limits_parse_nproc(text, out, err, errlen));
	case LIMITS_FILE_MEMINFO:
		return (limits_parse_meminfo(text, out, err, errlen));
	case LIMITS_FILE_LOADAVG:
		return (limits_parse_loadavg(text, out, err, errlen));
	case LIMITS_FILE_STATUS:
		return (limits_parse_status(text, out, err, errlen));
	}
	procfs_set_error(err, errlen, "unknown file kind %d", (int)kind);
	return (-1);
}

/* The cgroup v2 path of a self/cgroup text. */
int
limits_parse_cgroup_path(const char *text, char *cg, size_t len, char *err,
    size_t errlen)
{
	const char	*p;
	size_t		 n;

	if ((p = limits_find_line(text, "0::")) == NULL || *p != '/') {
		procfs_set_error(err, errlen, "no cgroup v2 (0::/) line");
		return (-1);
	}
	n = strcspn(p, "\n");
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n >= len) {
		procfs_set_error(err, errlen, "cgroup path too long");
		return (-1);
	}
	memcpy(cg, p, n);
	cg[n] = '\0';
	return (0);
}

/*
 * Read ROOT/REL whole into text and parse it as kind into v; on failure v
 * is unknown and says why, with the path in front of a parser's reason.
 */
static void
limits_read_file(struct limits_value *v, const char *root, const char *rel,
    enum limits_file kind)
{
	char	text[LIMITS_TEXT_SIZE], why[LIMITS_WHYLEN];
	int64_t	value;

	if (procfs_read(root, rel, text, sizeof text, v->why,
	    sizeof v->why) < 0) {
		v->value = LIMITS_UNKNOWN;
		return;
	}
	if (limits_parse(kind, text, &value, why, sizeof why) != 0) {
		limits_unknown(v, "%s/%s: %s", root, rel, why);
		return;
	}
	limits_known(v, value);
}

/* Count the lines of PROC/self/maps: one per mapping. */
static void
limits_read_map_count(struct limits_value *v, const char *procroot)
{
	char		 path[LIMITS_PATH_SIZE], buf[LIMITS_TEXT_SIZE * 2];
	char		 eb[128];
	const char	*p, *end;
	ssize_t		 n;
	int64_t		 lines = 0;
	int		 fd;

	if (snprintf(path, sizeof path, "%s/self/maps", procroot) >=
	    (int)sizeof path) {
		limits_unknown(v, "%s/self/maps: path too long", procroot);
		return;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		limits_unknown(v, "%s: %s", path,
		    util_strerror(errno, eb, sizeof eb));
		return;
	}
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			limits_unknown(v, "%s: %s", path,
			    util_strerror(errno, eb, sizeof eb));
			close(fd);
			return;
		}
		if (n == 0)
			break;
		end = buf + n;
		for (p = buf; (p = memchr(p, '\n', end - p)) != NULL; p++)
			lines++;
	}
	close(fd);
	limits_known(v, lines);
}

/*
 * The cgroup v2 path of this process into cg: 0, or -1 with v unknown and
 * saying why.
 */
static int
limits_read_cgroup_path(const char *procroot, char *cg, size_t len,
    struct limits_value *v)
{
	char	text[LIMITS_TEXT_SIZE], why[LIMITS_WHYLEN];

	if (procfs_read(procroot, "self/cgroup", text, sizeof text, v->why,
	    sizeof v->why) < 0) {
		v->value = LIMITS_UNKNOWN;
		return (-1);
	}
	if (limits_parse_cgroup_path(text, cg, len, why, sizeof why) != 0) {
		limits_unknown(v, "%s/self/cgroup: %s", procroot, why);
		return (-1);
	}
	return (0);
}

/*
 * Read CONTROLLER.max and CONTROLLER.current of the cgroup cg and of each
 * ancestor, and keep the pair with the least room left: a parent's limit
 * binds its children.  If no level has a number, max is LIMITS_NONE when
 * some level said "max", else unknown with the deepest level's reason.
 */
static void
limits_read_cgroup(struct limits_value *max, struct limits_value *cur,
    const char *sysroot, const char *cg, const char *controller)
{
	char			 dir[LIMITS_PATH_SIZE], rel[64];
	struct limits_value	 m, c, first_c;
	char			*slash;
	int64_t			 room, best = INT64_MAX;
	int			 found = 0, none = 0, deepest = 1;

	limits_unknown(max, "no cgroup");
	limits_unknown(cur, "no cgroup");
	if (snprintf(dir, sizeof dir, "%s/fs/cgroup%s", sysroot, cg) >=
	    (int)sizeof dir) {
		limits_unknown(max, "%s/fs/cgroup%s: path too long", sysroot,
		    cg);
		limits_unknown(cur, "%s", max->why);
		return;
	}
	first_c.value = LIMITS_UNKNOWN;
	first_c.why[0] = '\0';
	for (;;) {
		snprintf(rel, sizeof rel, "%s.max", controller);
		limits_read_file(&m, dir, rel, LIMITS_FILE_CGROUP);
		snprintf(rel, sizeof rel, "%s.current", controller);
		limits_read_file(&c, dir, rel, LIMITS_FILE_NUMBER);
		if (deepest) {
			first_c = c;
			if (m.value == LIMITS_UNKNOWN)
				*max = m;
			deepest = 0;
		}
		if (m.value == LIMITS_NONE)
			none = 1;
		else if (m.value != LIMITS_UNKNOWN) {
			room = m.value - (c.value > 0 ? c.value : 0);
			if (!found || room < best) {
				best = room;
				*max = m;
				*cur = c;
				found = 1;
			}
		}
		/* Up one level; stop after the root, which is sysroot's. */
		slash = strrchr(dir, '/');
		if (slash == NULL || strlen(dir) <= strlen(sysroot) +
		    sizeof "/fs/cgroup" - 1)
			break;
		*slash = '\0';
	}
	if (found)
		return;
	*cur = first_c;
	if (none)
		limits_known(max, LIMITS_NONE);
}

/* Set every field unknown. */
void
limits_clear(struct limits *l)
{
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(limits_names); i++)
		limits_unknown(limits_field(l, limits_names[i].off),
		    "not read");
}

/* Read every limit and usage figure from the two roots. */
int
limits_read(struct limits *l, const char *procroot, const char *sysroot,
    char *err, size_t errlen)
{
	const struct limits_value	*v;
	char				 cg[LIMITS_PATH_SIZE];
	size_t				 i;
	int				 unknown = 0;

	if (procroot == NULL)
		procroot = "/proc";
	if (sysroot == NULL)
		sysroot = "/sys";
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	for (i = 0; i < CSW_ARRAY_LEN(limits_sysctls); i++)
		limits_read_file(limits_field(l, limits_sysctls[i].off),
		    procroot, limits_sysctls[i].rel, LIMITS_FILE_NUMBER);
	limits_read_file(&l->nproc, procroot, "self/limits",
	    LIMITS_FILE_LIMITS);
	limits_read_map_count(&l->map_count, procroot);
	limits_read_file(&l->mem_available, procroot, "meminfo",
	    LIMITS_FILE_MEMINFO);
	limits_read_file(&l->system_threads, procroot, "loadavg",
	    LIMITS_FILE_LOADAVG);
	limits_read_file(&l->process_threads, procroot, "self/status",
	    LIMITS_FILE_STATUS);
	if (limits_read_cgroup_path(procroot, cg, sizeof cg,
	    &l->pids_max) == 0) {
		limits_read_cgroup(&l->pids_max, &l->pids_current, sysroot, cg,
		    "pids");
		limits_read_cgroup(&l->memory_max, &l->memory_current, sysroot,
		    cg, "memory");
	} else {
		l->pids_current = l->pids_max;
		l->memory_max = l->pids_max;
		l->memory_current = l->pids_max;
	}

	for (i = 0; i < CSW_ARRAY_LEN(limits_names); i++) {
		v = limits_field(l, limits_names[i].off);
		if (v->value != LIMITS_UNKNOWN)
			continue;
		if (unknown++ == 0 && err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", limits_names[i].name,
			    v->why);
	}
	return (unknown);
}

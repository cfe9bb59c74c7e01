#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/limits.h"
#include "util/util.h"

#define LIMITS_MIB		(1024 * 1024)
#define LIMITS_TEXT_SIZE	4096	/* every file read whole fits */
#define LIMITS_PATH_SIZE	4096

/* Headroom: counts keep 1/20 (5%), memory 1/10, with a floor each. */
#define LIMITS_COUNT_SHARE	20
#define LIMITS_COUNT_FLOOR	256
#define LIMITS_MEMORY_SHARE	10
#define LIMITS_MEMORY_FLOOR	((int64_t)256 * LIMITS_MIB)

/* A sysctl that is one number in a file under the proc root. */
struct limits_sysctl {
	const char	*name;
	const char	*rel;
	size_t		 off;
};

static const struct limits_sysctl limits_sysctls[] = {
	{ "kernel.threads-max", "sys/kernel/threads-max",
	    offsetof(struct limits, threads_max) },
	{ "kernel.pid_max", "sys/kernel/pid_max",
	    offsetof(struct limits, pid_max) },
	{ "vm.max_map_count", "sys/vm/max_map_count",
	    offsetof(struct limits, max_map_count) },
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

/* How a limit is spent, for limits_cap: one row per limit. */
enum limits_unit {
	LIMITS_UNIT_THREADS,
	LIMITS_UNIT_MAPS,
	LIMITS_UNIT_BYTES,
};

static const struct limits_rail {
	const char		*name;
	size_t			 limit, used;	/* offsets */
	enum limits_unit	 unit;
} limits_rails[] = {
	{ "kernel.threads-max", offsetof(struct limits, threads_max),
	    offsetof(struct limits, system_threads), LIMITS_UNIT_THREADS },
	{ "kernel.pid_max", offsetof(struct limits, pid_max),
	    offsetof(struct limits, system_threads), LIMITS_UNIT_THREADS },
	{ "cgroup pids.max", offsetof(struct limits, pids_max),
	    offsetof(struct limits, pids_current), LIMITS_UNIT_THREADS },
	{ "RLIMIT_NPROC", offsetof(struct limits, nproc),
	    offsetof(struct limits, process_threads), LIMITS_UNIT_THREADS },
	{ "vm.max_map_count", offsetof(struct limits, max_map_count),
	    offsetof(struct limits, map_count), LIMITS_UNIT_MAPS },
	{ "cgroup memory.max", offsetof(struct limits, memory_max),
	    offsetof(struct limits, memory_current), LIMITS_UNIT_BYTES },
	{ "MemAvailable", offsetof(struct limits, mem_available),
	    (size_t)-1, LIMITS_UNIT_BYTES },
};

/* The field at offset off. */
static struct limits_value *
limits_field(struct limits *l, size_t off)
{
	return ((struct limits_value *)((char *)l + off));
}

/* The field at offset off, read-only. */
static const struct limits_value *
limits_cfield(const struct limits *l, size_t off)
{
	return ((const struct limits_value *)((const char *)l + off));
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

/* Join root and rel into buf: 0, or -1 if it does not fit. */
static int
limits_path(char *buf, size_t len, const char *root, const char *rel)
{
	int	n;

	n = snprintf(buf, len, "%s/%s", root, rel);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/*
 * Read the file at path whole into buf, NUL-terminated: its length, or -1
 * with why set to "PATH: reason".  A file longer than the buffer is cut.
 */
static ssize_t
limits_slurp(const char *path, char *buf, size_t size, char *why,
    size_t whylen)
{
	char	eb[128];
	ssize_t	n;
	size_t	len = 0;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s: %s", path,
		    util_strerror(errno, eb, sizeof eb));
		return (-1);
	}
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(why, whylen, "%s: %s", path,
		    util_strerror(errno, eb, sizeof eb));
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return ((ssize_t)len);
}

/*
 * Read ROOT/REL whole into text for the field v: 0, or -1 with v unknown
 * and saying why.  path receives the joined path for later messages.
 */
static int
limits_load(struct limits_value *v, const char *root, const char *rel,
    char *path, size_t pathlen, char *text, size_t size)
{
	if (limits_path(path, pathlen, root, rel) != 0) {
		limits_unknown(v, "%s/%s: path too long", root, rel);
		return (-1);
	}
	if (limits_slurp(path, text, size, v->why, sizeof v->why) < 0) {
		v->value = LIMITS_UNKNOWN;
		return (-1);
	}
	return (0);
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
 * Parse a file holding one number and a newline.  A word (cgroup's "max",
 * the limits file's "unlimited") is LIMITS_NONE if it is none_word.
 * Returns 0, or -1 if the text is anything else.
 */
static int
limits_parse_one(const char *text, const char *none_word, int64_t *out)
{
	const char	*p;
	size_t		 len;

	if (none_word != NULL) {
		len = strlen(none_word);
		if (strncmp(text, none_word, len) == 0 &&
		    (text[len] == '\0' || text[len] == '\n')) {
			*out = LIMITS_NONE;
			return (0);
		}
	}
	if ((p = limits_scan(text, out)) == NULL)
		return (-1);
	if (*p == '\n')
		p++;
	return (*p == '\0' ? 0 : -1);
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

/* Read one number (or none_word) from the file root/rel into v. */
static void
limits_read_one(struct limits_value *v, const char *root, const char *rel,
    const char *none_word)
{
	char	path[LIMITS_PATH_SIZE], text[64];
	int64_t	value;

	if (limits_load(v, root, rel, path, sizeof path, text,
	    sizeof text) != 0)
		return;
	if (limits_parse_one(text, none_word, &value) != 0) {
		limits_unknown(v, "%s: not a number", path);
		return;
	}
	limits_known(v, value);
}

/* The soft "Max processes" limit from PROC/self/limits. */
static void
limits_read_nproc(struct limits_value *v, const char *procroot)
{
	char		 path[LIMITS_PATH_SIZE], text[LIMITS_TEXT_SIZE];
	const char	*p, *end;
	int64_t		 value;

	if (limits_load(v, procroot, "self/limits", path, sizeof path, text,
	    sizeof text) != 0)
		return;
	if ((p = limits_find_line(text, "Max processes")) == NULL) {
		limits_unknown(v, "%s: no Max processes line", path);
		return;
	}
	p = limits_blank(p);
	if (strncmp(p, "unlimited", 9) == 0 && limits_word_end(p + 9)) {
		limits_known(v, LIMITS_NONE);
		return;
	}
	if ((end = limits_scan(p, &value)) == NULL || !limits_word_end(end)) {
		limits_unknown(v, "%s: Max processes: not a number", path);
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

	if (limits_path(path, sizeof path, procroot, "self/maps") != 0) {
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

/* Kibibytes after "key" in PROC/meminfo, as bytes. */
static void
limits_read_meminfo(struct limits_value *v, const char *procroot,
    const char *key)
{
	char		 path[LIMITS_PATH_SIZE], text[LIMITS_TEXT_SIZE];
	const char	*p, *end;
	int64_t		 kb;

	if (limits_load(v, procroot, "meminfo", path, sizeof path, text,
	    sizeof text) != 0)
		return;
	if ((p = limits_find_line(text, key)) == NULL) {
		limits_unknown(v, "%s: no %s line", path, key);
		return;
	}
	end = limits_scan(limits_blank(p), &kb);
	if (end == NULL || strncmp(end, " kB\n", 4) != 0) {
		limits_unknown(v, "%s: %s not a number of kB", path, key);
		return;
	}
	limits_known(v, kb > INT64_MAX / 1024 ? LIMITS_NONE : kb * 1024);
}

/* The total after '/' in the 4th field of PROC/loadavg. */
static void
limits_read_loadavg(struct limits_value *v, const char *procroot)
{
	char		 path[LIMITS_PATH_SIZE], text[256];
	const char	*p, *end;
	int64_t		 running, total;
	int		 i;

	if (limits_load(v, procroot, "loadavg", path, sizeof path, text,
	    sizeof text) != 0)
		return;
	p = text;
	for (i = 0; i < 3; i++) {	/* three load averages */
		p += strcspn(p, " \n");
		if (*p != ' ')
			break;
		p++;
	}
	if (i < 3 || (end = limits_scan(p, &running)) == NULL ||
	    *end != '/' || (end = limits_scan(end + 1, &total)) == NULL ||
	    *end != ' ') {
		limits_unknown(v, "%s: no running/total field", path);
		return;
	}
	limits_known(v, total);
}

/* The Threads line of PROC/self/status. */
static void
limits_read_threads(struct limits_value *v, const char *procroot)
{
	char		 path[LIMITS_PATH_SIZE], text[LIMITS_TEXT_SIZE];
	const char	*p, *end;
	int64_t		 n;

	if (limits_load(v, procroot, "self/status", path, sizeof path, text,
	    sizeof text) != 0)
		return;
	if ((p = limits_find_line(text, "Threads:")) == NULL) {
		limits_unknown(v, "%s: no Threads line", path);
		return;
	}
	if ((end = limits_scan(limits_blank(p), &n)) == NULL || *end != '\n') {
		limits_unknown(v, "%s: Threads not a number", path);
		return;
	}
	limits_known(v, n);
}

/*
 * The cgroup v2 path of this process ("0::/user.slice/x.scope" in
 * PROC/self/cgroup) into cg without its trailing '/': 0, or -1 with v
 * unknown and saying why.
 */
static int
limits_cgroup_path(const char *procroot, char *cg, size_t len,
    struct limits_value *v)
{
	char		 path[LIMITS_PATH_SIZE], text[LIMITS_TEXT_SIZE];
	const char	*p;
	size_t		 n;

	if (limits_load(v, procroot, "self/cgroup", path, sizeof path, text,
	    sizeof text) != 0)
		return (-1);
	if ((p = limits_find_line(text, "0::")) == NULL || *p != '/') {
		limits_unknown(v, "%s: no cgroup v2 (0::/) line", path);
		return (-1);
	}
	n = strcspn(p, "\n");
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n >= len) {
		limits_unknown(v, "%s: cgroup path too long", path);
		return (-1);
	}
	memcpy(cg, p, n);
	cg[n] = '\0';
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
		limits_read_one(&m, dir, rel, "max");
		snprintf(rel, sizeof rel, "%s.current", controller);
		limits_read_one(&c, dir, rel, NULL);
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

	for (i = 0; i < sizeof limits_names / sizeof limits_names[0]; i++)
		limits_unknown(limits_field(l, limits_names[i].off),
		    "not read");
}

/* Read every limit and usage figure from the two roots. */
int
limits_read(struct limits *l, const char *procroot, const char *sysroot,
    char *err, size_t errlen)
{
	const struct limits_sysctl	*s;
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

	for (i = 0; i < sizeof limits_sysctls / sizeof limits_sysctls[0]; i++) {
		s = &limits_sysctls[i];
		limits_read_one(limits_field(l, s->off), procroot, s->rel,
		    NULL);
	}
	limits_read_nproc(&l->nproc, procroot);
	limits_read_map_count(&l->map_count, procroot);
	limits_read_meminfo(&l->mem_available, procroot, "MemAvailable:");
	limits_read_loadavg(&l->system_threads, procroot);
	limits_read_threads(&l->process_threads, procroot);
	if (limits_cgroup_path(procroot, cg, sizeof cg, &l->pids_max) == 0) {
		limits_read_cgroup(&l->pids_max, &l->pids_current, sysroot, cg,
		    "pids");
		limits_read_cgroup(&l->memory_max, &l->memory_current, sysroot,
		    cg, "memory");
	} else {
		l->pids_current = l->pids_max;
		l->memory_max = l->pids_max;
		l->memory_current = l->pids_max;
	}

	for (i = 0; i < sizeof limits_names / sizeof limits_names[0]; i++) {
		v = limits_cfield(l, limits_names[i].off);
		if (v->value != LIMITS_UNKNOWN)
			continue;
		if (unknown++ == 0 && err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", limits_names[i].name,
			    v->why);
	}
	return (unknown);
}

/* What is left of limit after used and the headroom; never below 0. */
static int64_t
limits_room(int64_t limit, int64_t used, int64_t share, int64_t floor)
{
	int64_t	reserve, avail;

	reserve = limit / share;
	if (reserve < floor)
		reserve = floor;
	if (limit <= reserve)
		return (0);
	avail = limit - reserve;
	if (used < 0)
		used = 0;
	return (used >= avail ? 0 : avail - used);
}

/* Cap a request by the tightest limit, saying which. */
long
limits_cap(const struct limits *l, const struct limits_request *req,
    char *why, size_t whylen)
{
	const struct limits_rail	*r, *tight = NULL;
	const struct limits_value	*limit;
	int64_t				 used, per, room, allowed, best;
	char				 count[32];
	const char			*word;
	long				 total;
	size_t				 i;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	best = req->tasks > 0 ? req->tasks : 0;
	for (i = 0; i < sizeof limits_rails / sizeof limits_rails[0]; i++) {
		r = &limits_rails[i];
		limit = limits_cfield(l, r->limit);
		if (limit->value < 0 || limit->value == LIMITS_NONE)
			continue;
		used = r->used == (size_t)-1 ? 0 :
		    limits_cfield(l, r->used)->value;
		switch (r->unit) {
		case LIMITS_UNIT_THREADS:
			per = req->task_threads;
			room = limits_room(limit->value, used,
			    LIMITS_COUNT_SHARE, LIMITS_COUNT_FLOOR);
			break;
		case LIMITS_UNIT_MAPS:
			per = req->kind == LIMITS_FIBERS ? 0 : req->task_maps;
			room = limits_room(limit->value, used,
			    LIMITS_COUNT_SHARE, LIMITS_COUNT_FLOOR);
			break;
		case LIMITS_UNIT_BYTES:
		default:
			per = req->task_bytes;
			room = limits_room(limit->value, used,
			    LIMITS_MEMORY_SHARE, LIMITS_MEMORY_FLOOR);
			break;
		}
		if (per <= 0)
			continue;
		allowed = room / per;
		if (allowed < best) {
			best = allowed;
			tight = r;
		}
	}
	if (tight == NULL || why == NULL || whylen == 0)
		return ((long)best);

	/* best < req->tasks, which is a long: the sum fits unless have is
	   near LONG_MAX. */
	total = req->have > 0 && req->have > LONG_MAX - best ? LONG_MAX :
	    (long)best + (req->have > 0 ? req->have : 0);
	limits_format_count(total, count, sizeof count);
	if (req->kind == LIMITS_FIBERS)
		word = total == 1 ? "fiber" : "fibers";
	else
		word = total == 1 ? "thread" : "threads";
	limit = limits_cfield(l, tight->limit);
	if (tight->unit == LIMITS_UNIT_BYTES)
		snprintf(why, whylen, "capped at %s %s: %s %lld MiB", count,
		    word, tight->name,
		    (long long)(limit->value / LIMITS_MIB));
	else
		snprintf(why, whylen, "capped at %s %s: %s %lld", count, word,
		    tight->name, (long long)limit->value);
	return ((long)best);
}

/* Write a count with thousands separators. */
size_t
limits_format_count(long n, char *buf, size_t len)
{
	char		 digits[32], out[48];
	unsigned long	 u;
	size_t		 nd = 0, i, o = 0;

	u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
	do {
		digits[nd++] = '0' + u % 10;
		u /= 10;
	} while (u != 0);
	if (n < 0)
		out[o++] = '-';
	for (i = nd; i > 0; i--) {
		out[o++] = digits[i - 1];
		if (i > 1 && (i - 1) % 3 == 0)
			out[o++] = ',';
	}
	out[o] = '\0';
	if (len > 0)
		snprintf(buf, len, "%s", out);
	return (o);
}

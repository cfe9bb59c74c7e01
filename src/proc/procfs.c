/* SPDX-License-Identifier: ISC */
/*
 * The /proc parsers the sampler and the bench use (stat, loadavg, status,
 * task stat and schedstat, meminfo, pressure, per-CPU schedstat, maps and
 * smaps lines) and the small readers that hand them a file's text.  Each
 * parser is pure and fuzzed; the contract is in procfs.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "util/util.h"

#define PROCFS_KB 1024ULL

/* Status and meminfo lines the parsers look for. */
enum procfs_key {
	PROCFS_K_NAME,
	PROCFS_K_STATE,
	PROCFS_K_VMSIZE,
	PROCFS_K_VMRSS,
	PROCFS_K_THREADS,
	PROCFS_K_VCSW,
	PROCFS_K_IVCSW,
	PROCFS_K_UID,
	PROCFS_K_MEMTOTAL,
	PROCFS_K_MEMAVAILABLE,
	PROCFS_K_KERNELSTACK,
	PROCFS_K_PAGETABLES,
};

/* A "Key:" at the start of a line. */
struct procfs_key_entry {
	const char	*name;
	size_t		 len;
	enum procfs_key	 key;
};

#define PROCFS_KEY(s, k) { s, sizeof(s) - 1, k }

static const struct procfs_key_entry procfs_status_keys[] = {
	PROCFS_KEY("Name", PROCFS_K_NAME),
	PROCFS_KEY("State", PROCFS_K_STATE),
	PROCFS_KEY("VmSize", PROCFS_K_VMSIZE),
	PROCFS_KEY("VmRSS", PROCFS_K_VMRSS),
	PROCFS_KEY("Threads", PROCFS_K_THREADS),
	PROCFS_KEY("voluntary_ctxt_switches", PROCFS_K_VCSW),
	PROCFS_KEY("nonvoluntary_ctxt_switches", PROCFS_K_IVCSW),
	PROCFS_KEY("Uid", PROCFS_K_UID),
	{ NULL, 0, 0 }
};

static const struct procfs_key_entry procfs_meminfo_keys[] = {
	PROCFS_KEY("MemTotal", PROCFS_K_MEMTOTAL),
	PROCFS_KEY("MemAvailable", PROCFS_K_MEMAVAILABLE),
	PROCFS_KEY("KernelStack", PROCFS_K_KERNELSTACK),
	PROCFS_KEY("PageTables", PROCFS_K_PAGETABLES),
	{ NULL, 0, 0 }
};

/* Powers of ten a double holds exactly. */
static const double procfs_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18
};

/* Format an error message, if the caller wants one. */
void
procfs_set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Find the end of the line at p, or NULL if it is not terminated. */
static inline const char *
procfs_line_end(const char *p)
{
	return (strchr(p, '\n'));
}

/* Skip spaces and tabs. */
static inline const char *
procfs_skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/* Scan decimal digits into *v: the end, or NULL if none or overflow. */
static inline const char *
procfs_scan_u64(const char *p, uint64_t *v)
{
	uint64_t	n = 0, d;
	const char	*start = p;

	while ((d = (unsigned char)*p - '0') <= 9) {
		if (n > (UINT64_MAX - d) / 10)
			return (NULL);
		n = n * 10 + d;
		p++;
	}
	if (p == start)
		return (NULL);
	*v = n;
	return (p);
}

/* Scan an optionally negative decimal into *v: the end, or NULL. */
static inline const char *
procfs_scan_i64(const char *p, int64_t *v)
{
	uint64_t	n;
	int		neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if ((p = procfs_scan_u64(p, &n)) == NULL)
		return (NULL);
	if (neg) {
		if (n > (uint64_t)INT64_MAX + 1)
			return (NULL);
		*v = n == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n;
	} else {
		if (n > INT64_MAX)
			return (NULL);
		*v = (int64_t)n;
	}
	return (p);
}

/* Scan a decimal up to UINT32_MAX into *v: the end, or NULL. */
static inline const char *
procfs_scan_u32(const char *p, uint32_t *v)
{
	uint64_t	n;

	if ((p = procfs_scan_u64(p, &n)) == NULL || n > UINT32_MAX)
		return (NULL);
	*v = (uint32_t)n;
	return (p);
}

/* Scan hex digits into *v: the end, or NULL if none or overflow. */
const char *
procfs_scan_hex(const char *p, uint64_t *v)
{
	uint64_t	n = 0;
	const char	*start = p;
	unsigned	d;

	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (n >> 60)
			return (NULL);
		n = (n << 4) | d;
	}
	if (p == start)
		return (NULL);
	*v = n;
	return (p);
}

/*
 * Scan "123" or "12.34" into *v without strtod, whose decimal point depends
 * on the locale: the end, or NULL.
 */
static const char *
procfs_scan_decimal(const char *p, double *v)
{
	uint64_t	 n = 0;
	unsigned	 digits = 0, frac = 0, d;
	int		 dot = 0;

	for (;; p++) {
		if (*p == '.' && !dot && digits > 0) {
			dot = 1;
			continue;
		}
		if ((d = (unsigned char)*p - '0') > 9)
			break;
		if (++digits > 19)
			return (NULL);
		n = n * 10 + d;
		if (dot)
			frac++;
	}
	if (digits == 0 || (dot && frac == 0))
		return (NULL);
	*v = (double)n / procfs_pow10[frac];
	return (p);
}

/* Expect a number's end: a blank or the end of the line. */
static inline int
procfs_is_sep(char c)
{
	return (c == ' ' || c == '\t' || c == '\n');
}

/* Match "Key:" at line in table: the text after the colon, or NULL. */
static const char *
procfs_match_key(const struct procfs_key_entry *table, const char *line,
    const struct procfs_key_entry **found)
{
	const struct procfs_key_entry	*e;

	for (e = table; e->name != NULL; e++) {
		/* strncmp stops at a NUL, so line[e->len] is in bounds. */
		if (e->name[0] != line[0] ||
		    strncmp(line, e->name, e->len) != 0 || line[e->len] != ':')
			continue;
		*found = e;
		return (line + e->len + 1);
	}
	return (NULL);
}

/* Check "-123" or "123" and step over it: the end, or NULL. */
static inline const char *
procfs_skip_number(const char *p)
{
	const char	*start;

	if (*p == '-')
		p++;
	for (start = p; *p >= '0' && *p <= '9'; p++)
		/* nothing */;
	return (p == start ? NULL : p);
}

/* Scan " 1234 kB\n" into bytes: the end, or NULL. */
static const char *
procfs_scan_kb(const char *p, uint64_t *bytes)
{
	uint64_t	n;

	p = procfs_skip_blank(p);
	if ((p = procfs_scan_u64(p, &n)) == NULL)
		return (NULL);
	if (n > UINT64_MAX / PROCFS_KB)
		return (NULL);
	p = procfs_skip_blank(p);
	if (p[0] != 'k' || p[1] != 'B')
		return (NULL);
	p = procfs_skip_blank(p + 2);
	if (*p != '\n')
		return (NULL);
	*bytes = n * PROCFS_KB;
	return (p);
}

/* Scan " 1234\n": the end, or NULL. */
static const char *
procfs_scan_value(const char *p, uint64_t *v)
{
	p = procfs_skip_blank(p);
	if ((p = procfs_scan_u64(p, v)) == NULL)
		return (NULL);
	p = procfs_skip_blank(p);
	return (*p == '\n' ? p : NULL);
}

/* Open ROOT/REL and read it whole into buf. */
ssize_t
procfs_read(const char *root, const char *rel, char *buf, size_t size,
    char *err, size_t errlen)
{
	char		 path[PATH_MAX], tmp[128];
	const char	*sep;
	ssize_t		 n;
	int		 fd, saved, len;

	sep = (rel[0] == '/' || root[0] == '\0') ? "" : "/";
	len = snprintf(path, sizeof path, "%s%s%s", root, sep, rel);
	if (len < 0 || (size_t)len >= sizeof path) {
		procfs_set_error(err, errlen, "%s%s%s: path too long", root,
		    sep, rel);
		return (-1);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		procfs_set_error(err, errlen, "%s: %s", path,
		    util_strerror(errno, tmp, sizeof tmp));
		return (-1);
	}
	n = procfs_pread(fd, path, buf, size, err, errlen);
	saved = errno;
	close(fd);
	errno = saved;
	return (n);
}

/* Read fd from offset 0 until EOF or buf is full. */
ssize_t
procfs_pread(int fd, const char *what, char *buf, size_t size, char *err,
    size_t errlen)
{
	char	tmp[128];
	size_t	off = 0;
	ssize_t	n;

	if (size == 0 || size > SSIZE_MAX) {
		procfs_set_error(err, errlen, "%s: bad buffer size %zu", what,
		    size);
		return (-1);
	}
	while (off < size - 1) {
		n = pread(fd, buf + off, size - 1 - off, (off_t)off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			procfs_set_error(err, errlen, "%s: %s", what,
			    util_strerror(errno, tmp, sizeof tmp));
			buf[0] = '\0';
			return (-1);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	return ((ssize_t)off);
}

/* Scan the numbers of a cpu line after its name. */
static const char *
procfs_scan_cpu_time(const char *p, struct procfs_cpu_time *t)
{
	uint64_t	 v[8] = { 0 };
	int		 i;

	for (i = 0; i < 8; i++) {
		p = procfs_skip_blank(p);
		if (*p == '\n')
			break;
		if ((p = procfs_scan_u64(p, &v[i])) == NULL ||
		    !procfs_is_sep(*p))
			return (NULL);
	}
	if (i < 4)
		return (NULL);	/* user nice system idle at least */
	t->user = v[0];
	t->nice = v[1];
	t->system = v[2];
	t->idle = v[3];
	t->iowait = v[4];
	t->irq = v[5];
	t->softirq = v[6];
	t->steal = v[7];
	return (p);
}

/* Parse /proc/stat. */
int
procfs_parse_stat(const char *text, struct procfs_stat *out, char *err,
    size_t errlen)
{
	struct procfs_stat	 st;
	struct procfs_cpu_time	 t;
	const char		*line, *eol, *p, *first_cpu = NULL;
	bool			 has_total = false, has_run = false;
	bool			 has_blocked = false;
	uint32_t		 i;
	size_t			 len;
	int			 lineno = 0;

	memset(&st, 0, sizeof st);
	for (line = text; (eol = procfs_line_end(line)) != NULL;
	    line = eol + 1) {
		lineno++;
		if (line[0] == 'c' && line[1] == 'p' && line[2] == 'u') {
			p = line + 3;
			if (*p == ' ') {
				if (procfs_scan_cpu_time(p, &st.total) == NULL)
					goto bad;
				has_total = true;
				continue;
			}
			if (*p < '0' || *p > '9')
				continue;
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p != ' ' || procfs_scan_cpu_time(p, &t) == NULL)
				goto bad;
			if (first_cpu == NULL)
				first_cpu = line;
			if (st.ncpu == UINT32_MAX)
				goto bad;
			st.ncpu++;
		} else if (strncmp(line, "ctxt ", 5) == 0) {
			if (procfs_scan_value(line + 5, &st.ctxt) == NULL)
				goto bad;
			st.has_ctxt = true;
		} else if (strncmp(line, "procs_running ", 14) == 0) {
			p = procfs_skip_blank(line + 14);
			if ((p = procfs_scan_u32(p, &st.procs_running)) ==
			    NULL || *procfs_skip_blank(p) != '\n')
				goto bad;
			has_run = true;
		} else if (strncmp(line, "procs_blocked ", 14) == 0) {
			p = procfs_skip_blank(line + 14);
			if ((p = procfs_scan_u32(p, &st.procs_blocked)) ==
			    NULL || *procfs_skip_blank(p) != '\n')
				goto bad;
			has_blocked = true;
		}
	}
	if (!has_total) {
		procfs_set_error(err, errlen, "stat: no 'cpu' line");
		return (-1);
	}
	st.has_procs = has_run && has_blocked;
	if (!st.has_procs)
		st.procs_running = st.procs_blocked = 0;

	/* All checked: now fill the caller's per-CPU array. */
	st.cpu = out->cpu;
	if (st.cpu != NULL && first_cpu != NULL) {
		i = 0;
		for (line = first_cpu; i < st.ncpu && i < PROCFS_MAX_CPUS;
		    line = eol + 1) {
			eol = procfs_line_end(line);
			if (strncmp(line, "cpu", 3) != 0 ||
			    line[3] < '0' || line[3] > '9')
				continue;
			p = line + 3;
			while (*p >= '0' && *p <= '9')
				p++;
			procfs_scan_cpu_time(p, &st.cpu[i++]);
		}
	}
	*out = st;
	return (0);

bad:
	len = strcspn(line, " \n");
	procfs_set_error(err, errlen, "stat:%d: bad '%.*s' line", lineno,
	    len > 20 ? 20 : (int)len, line);
	return (-1);
}

/* Parse /proc/loadavg: "1.27 0.45 0.17 3/94 8367". */
int
procfs_parse_loadavg(const char *text, struct procfs_loadavg *out, char *err,
    size_t errlen)
{
	struct procfs_loadavg	 la;
	const char		*p = text, *what;
	uint64_t		 pid;

	if (procfs_line_end(text) == NULL) {
		procfs_set_error(err, errlen, "loadavg: %s",
		    text[0] == '\0' ? "empty" : "truncated");
		return (-1);
	}
	what = "load1";
	if ((p = procfs_scan_decimal(p, &la.load1)) == NULL || *p++ != ' ')
		goto bad;
	what = "load5";
	if ((p = procfs_scan_decimal(p, &la.load5)) == NULL || *p++ != ' ')
		goto bad;
	what = "load15";
	if ((p = procfs_scan_decimal(p, &la.load15)) == NULL || *p++ != ' ')
		goto bad;
	what = "runnable";
	if ((p = procfs_scan_u32(p, &la.runnable)) == NULL || *p++ != '/')
		goto bad;
	what = "total";
	if ((p = procfs_scan_u32(p, &la.total)) == NULL || *p++ != ' ')
		goto bad;
	what = "last pid";
	if ((p = procfs_scan_u64(p, &pid)) == NULL || pid > INT32_MAX ||
	    *procfs_skip_blank(p) != '\n')
		goto bad;
	la.last_pid = (int32_t)pid;
	*out = la;
	return (0);

bad:
	procfs_set_error(err, errlen, "loadavg: bad %s", what);
	return (-1);
}

/* Parse /proc/PID/status. */
int
procfs_parse_status(const char *text, struct procfs_status *out, char *err,
    size_t errlen)
{
	struct procfs_status	 st;
	const struct procfs_key_entry *key = NULL;
	const char		*line, *eol, *p;
	bool			 has_name = false, has_size = false;
	bool			 has_rss = false, has_v = false, has_iv = false;
	size_t			 len;
	int			 lineno = 0;

	memset(&st, 0, sizeof st);
	for (line = text; (eol = procfs_line_end(line)) != NULL;
	    line = eol + 1) {
		lineno++;
		if ((p = procfs_match_key(procfs_status_keys, line, &key)) ==
		    NULL)
			continue;
		switch (key->key) {
		case PROCFS_K_NAME:
			if (*p == '\t')	/* keep a name's own spaces */
				p++;
			len = (size_t)(eol - p);
			if (len >= sizeof st.name)
				len = sizeof st.name - 1;
			memcpy(st.name, p, len);
			st.name[len] = '\0';
			has_name = true;
			break;
		case PROCFS_K_STATE:
			p = procfs_skip_blank(p);
			if (p == eol)
				goto bad;
			st.state = *p;
			break;
		case PROCFS_K_VMSIZE:
			if (procfs_scan_kb(p, &st.vm_size) == NULL)
				goto bad;
			has_size = true;
			break;
		case PROCFS_K_VMRSS:
			if (procfs_scan_kb(p, &st.vm_rss) == NULL)
				goto bad;
			has_rss = true;
			break;
		case PROCFS_K_THREADS:
			p = procfs_skip_blank(p);
			if ((p = procfs_scan_u32(p, &st.threads)) == NULL ||
			    *procfs_skip_blank(p) != '\n')
				goto bad;
			st.has_threads = true;
			break;
		case PROCFS_K_VCSW:
			if (procfs_scan_value(p, &st.vcsw) == NULL)
				goto bad;
			has_v = true;
			break;
		case PROCFS_K_IVCSW:
			if (procfs_scan_value(p, &st.ivcsw) == NULL)
				goto bad;
			has_iv = true;
			break;
		case PROCFS_K_UID:
			/* "Uid:\treal\teffective\tsaved\tfs": the real one. */
			p = procfs_skip_blank(p);
			if ((p = procfs_scan_u32(p, &st.uid)) == NULL ||
			    (*p != '\t' && *p != ' ' && *p != '\n'))
				goto bad;
			st.has_uid = true;
			break;
		default:
			break;
		}
	}
	if (!has_name || st.state == '\0') {
		procfs_set_error(err, errlen, "status: no '%s' line",
		    has_name ? "State" : "Name");
		return (-1);
	}
	st.has_vm = has_size && has_rss;
	if (!st.has_vm)
		st.vm_size = st.vm_rss = 0;
	st.has_ctxsw = has_v && has_iv;
	if (!st.has_ctxsw)
		st.vcsw = st.ivcsw = 0;
	*out = st;
	return (0);

bad:
	procfs_set_error(err, errlen, "status:%d: bad '%s' line", lineno,
	    key->name);
	return (-1);
}

/* Parse /proc/PID/task/TID/stat: "tid (comm) state f4 ... f52". */
int
procfs_parse_task_stat(const char *text, struct procfs_task_stat *out,
    char *err, size_t errlen)
{
	struct procfs_task_stat	 ts;
	const char		*p, *open, *close, *end;
	uint64_t		 tid;
	int64_t			 v;
	size_t			 len;
	int			 field = 3;

	memset(&ts, 0, sizeof ts);
	len = strlen(text);
	if (len == 0 || text[len - 1] != '\n') {
		procfs_set_error(err, errlen, "task stat: %s",
		    len == 0 ? "empty" : "truncated");
		return (-1);
	}
	end = text + len - 1;

	if ((p = procfs_scan_u64(text, &tid)) == NULL || tid > INT32_MAX ||
	    p[0] != ' ' || p[1] != '(') {
		procfs_set_error(err, errlen, "task stat: bad tid");
		return (-1);
	}
	ts.tid = (int32_t)tid;
	open = p + 2;

	/* The comm may hold anything, ')' and '\n' too: take the last ')'. */
	for (close = end; close >= open && *close != ')'; close--)
		/* nothing */;
	if (close < open) {
		procfs_set_error(err, errlen, "task stat: no ')' after comm");
		return (-1);
	}
	len = (size_t)(close - open);
	if (len >= sizeof ts.comm)
		len = sizeof ts.comm - 1;
	memcpy(ts.comm, open, len);
	ts.comm[len] = '\0';

	p = close + 1;
	if (p[0] != ' ' || p[1] == '\n' || p[1] == ' ' || p[2] != ' ')
		goto bad;
	ts.state = p[1];
	p += 2;

	/* p is at the space before field 4. */
	for (field = 4; field <= 39; field++) {
		if (*p++ != ' ')
			goto bad;
		switch (field) {
		case 14:
			p = procfs_scan_u64(p, &ts.utime);
			break;
		case 15:
			p = procfs_scan_u64(p, &ts.stime);
			break;
		case 19:
			p = procfs_scan_i64(p, &ts.nice);
			break;
		case 22:
			p = procfs_scan_u64(p, &ts.starttime);
			break;
		case 39:
			p = procfs_scan_i64(p, &v);
			if (p == NULL || v < INT32_MIN || v > INT32_MAX)
				goto bad;
			ts.processor = (int32_t)v;
			break;
		default:
			p = procfs_skip_number(p);
			break;
		}
		if (p == NULL || (*p != ' ' && *p != '\n'))
			goto bad;
	}
	*out = ts;
	return (0);

bad:
	procfs_set_error(err, errlen, "task stat: bad field %d", field);
	return (-1);
}

/* Parse /proc/.../schedstat: "run_ns wait_ns timeslices". */
int
procfs_parse_schedstat(const char *text, struct procfs_schedstat *out,
    char *err, size_t errlen)
{
	struct procfs_schedstat	 ss;
	const char		*p = text;

	if (procfs_line_end(text) == NULL) {
		procfs_set_error(err, errlen, "schedstat: %s",
		    text[0] == '\0' ? "empty" : "truncated");
		return (-1);
	}
	if ((p = procfs_scan_u64(p, &ss.run_ns)) == NULL || *p++ != ' ' ||
	    (p = procfs_scan_u64(p, &ss.wait_ns)) == NULL || *p++ != ' ' ||
	    (p = procfs_scan_u64(p, &ss.timeslices)) == NULL ||
	    *procfs_skip_blank(p) != '\n') {
		procfs_set_error(err, errlen, "schedstat: want 3 numbers");
		return (-1);
	}
	*out = ss;
	return (0);
}

/* Parse /proc/meminfo. */
int
procfs_parse_meminfo(const char *text, struct procfs_meminfo *out, char *err,
    size_t errlen)
{
	struct procfs_meminfo	 mi;
	const struct procfs_key_entry *key;
	const char		*line, *eol, *p;
	bool			 has_total = false;
	int			 lineno = 0;
	uint64_t		 v;

	memset(&mi, 0, sizeof mi);
	for (line = text; (eol = procfs_line_end(line)) != NULL;
	    line = eol + 1) {
		lineno++;
		if ((p = procfs_match_key(procfs_meminfo_keys, line, &key)) ==
		    NULL)
			continue;
		if (procfs_scan_kb(p, &v) == NULL) {
			procfs_set_error(err, errlen,
			    "meminfo:%d: bad '%s' line", lineno, key->name);
			return (-1);
		}
		switch (key->key) {
		case PROCFS_K_MEMTOTAL:
			mi.mem_total = v;
			has_total = true;
			break;
		case PROCFS_K_MEMAVAILABLE:
			mi.mem_available = v;
			mi.has_available = true;
			break;
		case PROCFS_K_KERNELSTACK:
			mi.kernel_stack = v;
			mi.has_kernel_stack = true;
			break;
		case PROCFS_K_PAGETABLES:
			mi.page_tables = v;
			mi.has_page_tables = true;
			break;
		default:
			break;
		}
	}
	if (!has_total) {
		procfs_set_error(err, errlen, "meminfo: no 'MemTotal' line");
		return (-1);
	}
	*out = mi;
	return (0);
}

/* Scan " avg10=A avg60=B avg300=C total=T\n" after "some" or "full". */
static const char *
procfs_scan_psi_line(const char *p, double avg[3], uint64_t *total)
{
	static const char *const names[] = { " avg10=", " avg60=", " avg300=" };
	size_t			 len;
	int			 i;

	for (i = 0; i < 3; i++) {
		len = strlen(names[i]);
		if (strncmp(p, names[i], len) != 0)
			return (NULL);
		if ((p = procfs_scan_decimal(p + len, &avg[i])) == NULL)
			return (NULL);
	}
	if (strncmp(p, " total=", 7) != 0)
		return (NULL);
	if ((p = procfs_scan_u64(p + 7, total)) == NULL)
		return (NULL);
	p = procfs_skip_blank(p);
	return (*p == '\n' ? p : NULL);
}

/* Parse /proc/pressure/cpu. */
int
procfs_parse_psi(const char *text, struct procfs_psi *out, char *err,
    size_t errlen)
{
	struct procfs_psi	 ps;
	const char		*line, *eol;
	double			 avg[3];
	uint64_t		 total;
	int			 lineno = 0, some;

	memset(&ps, 0, sizeof ps);
	for (line = text; (eol = procfs_line_end(line)) != NULL;
	    line = eol + 1) {
		lineno++;
		if (strncmp(line, "some", 4) == 0)
			some = 1;
		else if (strncmp(line, "full", 4) == 0)
			some = 0;
		else
			continue;
		if (procfs_scan_psi_line(line + 4, avg, &total) == NULL) {
			procfs_set_error(err, errlen,
			    "pressure:%d: bad '%s' line", lineno,
			    some ? "some" : "full");
			return (-1);
		}
		if (some) {
			ps.has_some = true;
			ps.some_avg10 = avg[0];
			ps.some_avg60 = avg[1];
			ps.some_avg300 = avg[2];
			ps.some_total_us = total;
		} else {
			ps.has_full = true;
			ps.full_avg10 = avg[0];
			ps.full_avg60 = avg[1];
			ps.full_avg300 = avg[2];
			ps.full_total_us = total;
		}
	}
	if (!ps.has_some) {
		procfs_set_error(err, errlen, "pressure: no 'some' line");
		return (-1);
	}
	*out = ps;
	return (0);
}

/*
 * Scan a /proc/schedstat cpu line after "cpuN": the 7th to 9th of its
 * numbers, or NULL.
 */
static const char *
procfs_scan_cpu_sched(const char *p, struct procfs_cpu_sched *cs)
{
	uint64_t	v[9];
	int		i;

	for (i = 0; i < 9; i++) {
		if (*p++ != ' ')
			return (NULL);
		if ((p = procfs_scan_u64(p, &v[i])) == NULL ||
		    (*p != ' ' && *p != '\n'))
			return (NULL);
	}
	cs->run_ns = v[6];
	cs->wait_ns = v[7];
	cs->timeslices = v[8];
	return (p);
}

/* Parse the per-CPU lines of /proc/schedstat. */
int
procfs_parse_cpu_schedstat(const char *text, struct procfs_cpu_sched *cpus,
    int max, char *err, size_t errlen)
{
	struct procfs_cpu_sched	 cs;
	const char		*line, *eol, *p, *first_cpu = NULL;
	uint64_t		 version;
	int			 lineno = 0, ncpu = 0, i;

	if (max < 0 || (max > 0 && cpus == NULL)) {
		procfs_set_error(err, errlen, "schedstat: bad arguments");
		return (-1);
	}
	if (text[0] == '\0' || procfs_line_end(text) == NULL) {
		procfs_set_error(err, errlen, "schedstat: %s",
		    text[0] == '\0' ? "empty" : "truncated");
		return (-1);
	}
	if (strncmp(text, "version ", 8) != 0 ||
	    (p = procfs_scan_u64(text + 8, &version)) == NULL || *p != '\n') {
		procfs_set_error(err, errlen, "schedstat:1: no version line");
		return (-1);
	}
	if (version < 15 || version > 17) {
		procfs_set_error(err, errlen,
		    "schedstat: unknown version %llu",
		    (unsigned long long)version);
		return (-1);
	}
	for (line = text; (eol = procfs_line_end(line)) != NULL;
	    line = eol + 1) {
		lineno++;
		if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' ||
		    line[3] > '9')
			continue;
		for (p = line + 3; *p >= '0' && *p <= '9'; p++)
			/* nothing */;
		if (procfs_scan_cpu_sched(p, &cs) == NULL) {
			procfs_set_error(err, errlen,
			    "schedstat:%d: short or bad cpu line", lineno);
			return (-1);
		}
		if (first_cpu == NULL)
			first_cpu = line;
		if (ncpu < max)
			ncpu++;
	}
	if (first_cpu == NULL) {
		procfs_set_error(err, errlen, "schedstat: no cpu lines");
		return (-1);
	}

	/* All checked: now fill the caller's array. */
	i = 0;
	for (line = first_cpu; i < ncpu; line = eol + 1) {
		eol = procfs_line_end(line);
		if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' ||
		    line[3] > '9')
			continue;
		for (p = line + 3; *p >= '0' && *p <= '9'; p++)
			/* nothing */;
		procfs_scan_cpu_sched(p, &cpus[i++]);
	}
	return (ncpu);
}

/* Parse one maps line up to its '\n' or NUL into *m. */
static int
procfs_scan_map(const char *line, struct procfs_map *m)
{
	const char	*p = line, *end;
	uint64_t	 start, stop, v;
	size_t		 len;
	int		 i;

	memset(m, 0, sizeof *m);
	if ((p = procfs_scan_hex(p, &start)) == NULL || *p++ != '-' ||
	    (p = procfs_scan_hex(p, &stop)) == NULL || *p++ != ' ')
		return (-1);
	if (stop < start)
		return (-1);
#if UINTPTR_MAX < UINT64_MAX
	if (stop > UINTPTR_MAX)
		return (-1);
#endif
	for (i = 0; i < 4; i++) {
		if (strchr("rwxsp-", p[i]) == NULL || p[i] == '\0')
			return (-1);
		m->perms[i] = p[i];
	}
	m->perms[4] = '\0';
	p += 4;
	/* offset, major:minor, inode */
	if (*p++ != ' ' || (p = procfs_scan_hex(p, &v)) == NULL ||
	    *p++ != ' ' || (p = procfs_scan_hex(p, &v)) == NULL ||
	    *p++ != ':' || (p = procfs_scan_hex(p, &v)) == NULL ||
	    *p++ != ' ' || (p = procfs_scan_u64(p, &v)) == NULL)
		return (-1);
	if (*p != ' ' && *p != '\n' && *p != '\0')
		return (-1);
	p = procfs_skip_blank(p);
	for (end = p; *end != '\n' && *end != '\0'; end++)
		/* nothing */;
	len = (size_t)(end - p);
	if (len >= sizeof m->path)
		len = sizeof m->path - 1;
	memcpy(m->path, p, len);
	m->path[len] = '\0';
	m->start = (uintptr_t)start;
	m->end = (uintptr_t)stop;
	m->size = stop - start;
	return (0);
}

/* Parse one line of /proc/PID/maps. */
int
procfs_parse_maps_line(const char *line, struct procfs_map *out, char *err,
    size_t errlen)
{
	struct procfs_map	m;

	if (procfs_scan_map(line, &m) != 0) {
		procfs_set_error(err, errlen, "maps: malformed line");
		return (-1);
	}
	*out = m;
	return (0);
}

/* Tell whether line starts like a mapping: "hex-hex ". */
static int
procfs_is_map_header(const char *line)
{
	uint64_t	v;
	const char	*p;

	return ((p = procfs_scan_hex(line, &v)) != NULL && *p == '-');
}

/*
 * Walk an smaps text: check it when cb is NULL, else call cb per complete
 * mapping.  Returns 0 or -1 with err.
 */
static int
procfs_walk_smaps(const char *text, procfs_smaps_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct procfs_map	 m;
	const char		*line, *eol;
	bool			 in_map = false, has_size = false;
	bool			 has_rss = false;
	int			 lineno = 0;

	for (line = text; (eol = procfs_line_end(line)) != NULL;
	    line = eol + 1) {
		lineno++;
		if (procfs_is_map_header(line)) {
			if (in_map) {
				if (!has_size || !has_rss)
					goto incomplete;
				if (cb != NULL)
					cb(&m, arg);
			}
			if (procfs_scan_map(line, &m) != 0) {
				procfs_set_error(err, errlen,
				    "smaps:%d: malformed mapping line", lineno);
				return (-1);
			}
			m.size = 0;
			in_map = true;
			has_size = has_rss = false;
			continue;
		}
		if (!in_map) {
			procfs_set_error(err, errlen,
			    "smaps:%d: field before the first mapping", lineno);
			return (-1);
		}
		if (strncmp(line, "Size:", 5) == 0) {
			if (procfs_scan_kb(line + 5, &m.size) == NULL)
				goto bad;
			has_size = true;
		} else if (strncmp(line, "Rss:", 4) == 0) {
			if (procfs_scan_kb(line + 4, &m.rss) == NULL)
				goto bad;
			has_rss = true;
		} else if (memchr(line, ':', (size_t)(eol - line)) == NULL) {
			procfs_set_error(err, errlen,
			    "smaps:%d: not a 'Key:' line", lineno);
			return (-1);
		}
	}
	/* A last mapping cut before its Size and Rss is dropped. */
	if (in_map && has_size && has_rss && cb != NULL)
		cb(&m, arg);
	return (0);

incomplete:
	procfs_set_error(err, errlen, "smaps:%d: mapping above has no %s",
	    lineno, has_size ? "Rss" : "Size");
	return (-1);

bad:
	procfs_set_error(err, errlen, "smaps:%d: bad '%.*s' line", lineno,
	    line[0] == 'S' ? 4 : 3, line);
	return (-1);
}

/* Parse a whole smaps text, calling cb per mapping once it is all checked. */
int
procfs_parse_smaps(const char *text, procfs_smaps_cb cb, void *arg,
    char *err, size_t errlen)
{
	if (procfs_walk_smaps(text, NULL, NULL, err, errlen) != 0)
		return (-1);
	if (cb != NULL)
		procfs_walk_smaps(text, cb, arg, err, errlen);
	return (0);
}

/* Find a field's offset and size in a tracepoint's format: 0, or -1. */
int
procfs_parse_trace_field(const char *format, const char *name, int *off,
    int *size)
{
	const char	*p = format, *semi, *s;
	size_t		 len = strlen(name);

	while ((p = strstr(p, "field:")) != NULL) {
		p += 6;
		if ((semi = strchr(p, ';')) == NULL)
			return (-1);
		/* The name is the last word before ';', less any [N]. */
		for (s = semi; s > p && s[-1] != ' ' && s[-1] != '\t'; s--)
			;
		if (strncmp(s, name, len) == 0 && (s[len] == ';' ||
		    s[len] == '[') &&
		    sscanf(semi, "; offset:%d; size:%d;", off, size) == 2 &&
		    *off >= 0 && *size > 0)
			return (0);
		p = semi;
	}
	return (-1);
}

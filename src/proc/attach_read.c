/* SPDX-License-Identifier: ISC */
/*
 * The readers `cswviz -p PID` adds to procfs.c: a thread's stack pointer,
 * the PID argument, a whole smaps, and the reason a file is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "proc/attach_read.h"
#include "util/util.h"

/* Scan "0x1f" or "1f" into *v: the end, or NULL. */
static const char *
attach_scan_hex(const char *p, uint64_t *v)
{
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	return (procfs_scan_hex(p, v));
}

/* Parse ROOT/PID/task/TID/syscall. */
int
procfs_parse_syscall(const char *text, struct procfs_syscall *out, char *err,
    size_t errlen)
{
	struct procfs_syscall	 sc;
	const char		*p = text, *nl;
	uint64_t		 f[9];
	int64_t			 nr = 0;
	int			 n = 0;
	bool			 neg = false;

	if ((nl = strchr(text, '\n')) == NULL) {
		procfs_set_error(err, errlen, "syscall: %s", text[0] == '\0' ?
		    "empty" : "truncated");
		return (-1);
	}
	memset(&sc, 0, sizeof sc);
	if (strncmp(text, "running\n", 8) == 0) {
		sc.running = true;
		*out = sc;
		return (0);
	}
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9') {
		if (nr > (INT64_MAX - 9) / 10)
			goto bad;
		nr = nr * 10 + (*p++ - '0');
	}
	if (neg)
		nr = -nr;
	/* Then 2 (not in a call) or 8 (in one) hex fields: SP is the second
	   to last. */
	while (p < nl) {
		if (*p++ != ' ' || n == 8 || (p = attach_scan_hex(p,
		    &f[n++])) == NULL)
			goto bad;
	}
	if (nr < -1 || (nr == -1 && n != 2) || (nr >= 0 && n != 8))
		goto bad;
	sc.nr = nr;
	sc.in_syscall = nr >= 0;
	sc.sp = (uintptr_t)f[n - 2];
	sc.pc = (uintptr_t)f[n - 1];
	*out = sc;
	return (0);

bad:
	procfs_set_error(err, errlen, "syscall: want 'running', '-1 SP PC' "
	    "or 'NR' and 8 hex fields");
	return (-1);
}

/* Parse a PID argument. */
int
procfs_parse_pid(const char *arg, int *out, char *err, size_t errlen)
{
	const char	*p;
	int64_t		 v = 0;

	if (arg[0] == '\0') {
		procfs_set_error(err, errlen, "an empty process ID");
		return (-1);
	}
	for (p = arg; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			procfs_set_error(err, errlen, "'%.40s' is not a process "
			    "ID: a PID is a positive whole number, as ps or "
			    "pgrep print it", arg);
			return (-1);
		}
		v = v * 10 + (*p - '0');
		if (v > INT32_MAX) {
			procfs_set_error(err, errlen, "'%.40s' is beyond any "
			    "process ID (at most %d)", arg, INT32_MAX);
			return (-1);
		}
	}
	if (v == 0) {
		procfs_set_error(err, errlen, "process ID 0 is the kernel's "
		    "scheduler, not a process one can watch");
		return (-1);
	}
	*out = (int)v;
	return (0);
}

/* Read a file whole, growing the buffer. */
ssize_t
procfs_read_grow(const char *root, const char *rel, char **buf, size_t *cap,
    char *err, size_t errlen)
{
	char	 path[PATH_MAX], tmp[128];
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, saved;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		procfs_set_error(err, errlen, "%s: %s", path,
		    util_strerror(errno, tmp, sizeof tmp));
		return (-1);
	}
	if (*cap < 4096) {
		*cap = 4096;
		*buf = xrealloc(*buf, *cap);
	}
	for (;;) {
		if (off + 1 >= *cap) {
			*cap *= 2;
			*buf = xrealloc(*buf, *cap);
		}
		/* Sequential reads: a seq_file restarts on pread at 0 only. */
		n = read(fd, *buf + off, *cap - 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			procfs_set_error(err, errlen, "%s: %s", path,
			    util_strerror(saved, tmp, sizeof tmp));
			close(fd);
			errno = saved;
			return (-1);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	(*buf)[off] = '\0';
	return ((ssize_t)off);
}

/* kernel.yama.ptrace_scope, or -1 without Yama. */
static int
attach_yama_scope(const char *root)
{
	char	buf[32];

	if (procfs_read(root, "sys/kernel/yama/ptrace_scope", buf, sizeof buf,
	    NULL, 0) <= 0 || buf[0] < '0' || buf[0] > '3')
		return (-1);
	return (buf[0] - '0');
}

/* Explain a refused file of a process, in full or in brief. */
void
procfs_explain_denied(const char *root, int pid, const char *rel, int errnum,
    long owner, long self, bool brief, char *buf, size_t len)
{
	char		 tmp[128], file[96];
	const char	*name = strrchr(rel, '/'), *mode;
	int		 scope = attach_yama_scope(root);

	name = name != NULL ? name + 1 : rel;
	mode = strcmp(name, "syscall") == 0 ? "attach" : "read";
	snprintf(file, sizeof file, "%s/%d/%s", root, pid, rel);
	if (errnum == ENOENT || errnum == ESRCH) {
		snprintf(buf, len, "%s: %s: the process or thread has exited",
		    file, util_strerror(errnum, tmp, sizeof tmp));
		return;
	}
	if (errnum != EACCES && errnum != EPERM) {
		snprintf(buf, len, "%s: %s", file, util_strerror(errnum, tmp,
		    sizeof tmp));
		return;
	}
	if (owner >= 0 && owner != self && brief)
		snprintf(buf, len, "%s: permission denied (ptrace %s; owner "
		    "uid %ld, you %ld): run as uid %ld or with CAP_SYS_PTRACE",
		    file, mode, owner, self, owner);
	else if (owner >= 0 && owner != self)
		snprintf(buf, len, "%s: permission denied: reading it takes "
		    "ptrace %s access to process %d, which belongs to uid %ld, "
		    "not to you (uid %ld); run cswviz as uid %ld, or as root "
		    "or with CAP_SYS_PTRACE", file, mode, pid, owner, self,
		    owner);
	else if (*mode == 'a' && scope >= 1 && brief)
		snprintf(buf, len, "%s: permission denied (ptrace attach; "
		    "yama ptrace_scope %d): %s", file, scope, scope == 1 ?
		    "sysctl kernel.yama.ptrace_scope=0 or CAP_SYS_PTRACE" :
		    scope == 2 ? "CAP_SYS_PTRACE allows it" : "nothing allows "
		    "it until a reboot");
	else if (*mode == 'a' && scope >= 1)
		snprintf(buf, len, "%s: permission denied: reading it takes "
		    "ptrace attach access, and kernel.yama.ptrace_scope is %d, "
		    "which %s; %s", file, scope, scope == 1 ? "grants it only "
		    "to the process's ancestors" : scope == 2 ? "grants it "
		    "only with CAP_SYS_PTRACE" : "grants it to nobody",
		    scope == 3 ? "only a reboot lowers it" : scope == 2 ?
		    "run cswviz with CAP_SYS_PTRACE, or as root" : "sysctl "
		    "kernel.yama.ptrace_scope=0, or CAP_SYS_PTRACE, allows it");
	else if (brief)
		snprintf(buf, len, "%s: permission denied (ptrace %s; same "
		    "owner): not dumpable, or it holds capabilities you lack",
		    file, mode);
	else
		snprintf(buf, len, "%s: permission denied: reading it takes "
		    "ptrace %s access, which the kernel refuses although you "
		    "own the process: it is not dumpable (setuid, or set so "
		    "with prctl), holds capabilities you lack, or a security "
		    "module forbids it; CAP_SYS_PTRACE usually allows it",
		    file, mode);
}

/*
 * Whether process pid may be watched: -1 with why if it does not exist,
 * else 0, and note says (in full) what cswviz may not read of it.
 */
int
procfs_attach_check(const char *root, int pid, bool brief, char *why,
    size_t whylen, char *note, size_t notelen)
{
	struct procfs_status	 st;
	char			 rel[48], buf[4096], err[PROCFS_ERRLEN];
	long			 owner = -1;
	int			 fd;

	note[0] = '\0';
	snprintf(rel, sizeof rel, "%d/status", pid);
	if (procfs_read(root, rel, buf, sizeof buf, err, sizeof err) < 0) {
		if (errno == ENOENT || errno == ESRCH)
			snprintf(why, whylen, "-p %d: no such process (ps -e "
			    "lists the running ones)", pid);
		else
			snprintf(why, whylen, "-p %d: %s", pid, err);
		return (-1);
	}
	if (procfs_parse_status(buf, &st, err, sizeof err) != 0)
		st.state = '?';
	else if (st.has_uid)
		owner = st.uid;
	if (st.state == 'Z') {
		snprintf(why, whylen, "-p %d: the process has exited (a zombie "
		    "until its parent reaps it)", pid);
		return (-1);
	}
	/* smaps: ptrace read access; syscall: attach, checked on read. */
	snprintf(rel, sizeof rel, "%d/smaps", pid);
	if (procfs_read(root, rel, buf, 2, err, sizeof err) < 0) {
		procfs_explain_denied(root, pid, "smaps", errno, owner,
		    (long)geteuid(), brief, note, notelen);
		return (0);
	}
	snprintf(rel, sizeof rel, "%s/%d/syscall", root, pid);
	if ((fd = open(rel, O_RDONLY | O_CLOEXEC)) < 0 ||
	    read(fd, buf, sizeof buf) < 0)
		procfs_explain_denied(root, pid, "syscall", errno, owner,
		    (long)geteuid(), brief, note, notelen);
	if (fd >= 0)
		close(fd);
	return (0);
}

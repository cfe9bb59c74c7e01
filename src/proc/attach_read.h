/* SPDX-License-Identifier: ISC */
/*
 * What `cswviz -p PID` reads besides the files procfs.h parses: a thread's
 * stack pointer from ROOT/PID/task/TID/syscall, the PID argument, a file
 * that grows with the process (smaps), and, when the kernel refuses a
 * file, why and what would allow it.
 *
 * The parsers are pure, as in procfs.h: text in, a caller-owned struct
 * out, 0 or -1 with err and the output untouched.  The readers take the
 * proc root as a parameter.  Any thread may call any of them.
 */
#ifndef CSW_ATTACH_READ_H
#define CSW_ATTACH_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * ROOT/PID/task/TID/syscall: "running" (on a CPU: no registers to show),
 * "-1 SP PC" (blocked outside a system call), or "NR A1..A6 SP PC".
 */
struct procfs_syscall {
	bool		running;	/* no SP: read it again later */
	bool		in_syscall;	/* NR >= 0 */
	int64_t		nr;
	uintptr_t	sp, pc;
};
int	procfs_parse_syscall(const char *text, struct procfs_syscall *out,
	    char *err, size_t errlen);

/*
 * A process ID as typed after -p: decimal digits, 1 to INT32_MAX, nothing
 * else.  err says what is wrong with it.
 */
int	procfs_parse_pid(const char *arg, int *out, char *err, size_t errlen);

/*
 * Read ROOT/REL whole into *buf (grown as needed, owned by the caller,
 * NUL-terminated); the length, or -1 with err.  For smaps, whose size
 * follows the process's mappings.
 */
ssize_t	procfs_read_grow(const char *root, const char *rel, char **buf,
	    size_t *cap, char *err, size_t errlen);

/*
 * Why ROOT/PID/REL could not be read with errno errnum, in words, and what
 * would allow it: the ptrace access mode the file needs (syscall: attach,
 * the rest: read), a different owner, kernel.yama.ptrace_scope (read from
 * ROOT/sys/kernel/yama/ptrace_scope), CAP_SYS_PTRACE.  owner is the
 * process's real uid (-1: unknown), self the reader's.  brief: one short
 * line that names the file, the access and the owner, for a panel.
 */
void	procfs_explain_denied(const char *root, int pid, const char *rel,
	    int errnum, long owner, long self, bool brief, char *buf,
	    size_t len);

/*
 * Whether ROOT/PID may be watched: -1 with why ("no such process") when
 * it cannot, else 0, with note set to what the kernel refuses of it (its
 * stacks' files) and what would allow it (brief: in one line), or "".
 */
int	procfs_attach_check(const char *root, int pid, bool brief,
	    char *why, size_t whylen, char *note, size_t notelen);

#endif

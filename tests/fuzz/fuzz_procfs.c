/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the /proc parsers, all in one program: the table below names them,
 * and -parser=NAME (libFuzzer, standalone.c) or running as fuzz_NAME picks
 * one; without inputs, standalone.c runs each parser's corpus in turn.
 * Whatever the text, a parser either succeeds with terminated strings and
 * counts in range, or fails with a message and leaves its output untouched.
 * Adding a parser: its check function and one row of the table.
 */
#include "proc/attach_read.h"
#include "proc/procfs.h"
#include "fuzz.h"

/* Call the parser on text; out is filled with a pattern first. */
#define FUZZ_PARSE(type, call) do {					\
	type	before;							\
	memset(&out, 0xa5, sizeof out);					\
	before = out;							\
	if ((call) < 0) {						\
		FUZZ_CHECK(memcmp(&out, &before, sizeof out) == 0);	\
		FUZZ_CHECK(fuzz_message_ok(err, sizeof err));		\
		ok = 0;							\
	} else								\
		ok = 1;							\
} while (0)

/* Check procfs_parse_stat. */
static void
fuzz_stat(char *text)
{
	static struct procfs_cpu_time cpus[PROCFS_MAX_CPUS];
	struct procfs_stat	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	memset(&out, 0xa5, sizeof out);
	out.cpu = cpus;
	{
		struct procfs_stat	before = out;

		ok = procfs_parse_stat(text, &out, err, sizeof err) == 0;
		if (!ok) {
			FUZZ_CHECK(memcmp(&out, &before,
			    sizeof out) == 0);
			FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
		} else {
			FUZZ_CHECK(out.cpu == cpus);
			FUZZ_CHECK(out.has_procs ||
			    (out.procs_running == 0 &&
			    out.procs_blocked == 0));
		}
	}
	/* And without the per-CPU array. */
	memset(&out, 0, sizeof out);
	FUZZ_CHECK((procfs_parse_stat(text, &out, err,
	    sizeof err) == 0) == ok);
}

/* Check procfs_parse_loadavg. */
static void
fuzz_loadavg(char *text)
{
	struct procfs_loadavg	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_loadavg,
	    procfs_parse_loadavg(text, &out, err, sizeof err));
	if (ok)
		FUZZ_CHECK(out.load1 >= 0 && out.last_pid >= 0);
}

/* Check procfs_parse_status. */
static void
fuzz_status(char *text)
{
	struct procfs_status	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_status,
	    procfs_parse_status(text, &out, err, sizeof err));
	if (ok) {
		FUZZ_CHECK(memchr(out.name, '\0',
		    sizeof out.name) != NULL);
		FUZZ_CHECK(out.state != '\0');
		FUZZ_CHECK(out.has_vm || out.vm_rss == 0);
		FUZZ_CHECK(out.has_ctxsw || out.vcsw == 0);
	}
}

/* Check procfs_parse_task_stat. */
static void
fuzz_task_stat(char *text)
{
	struct procfs_task_stat	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_task_stat,
	    procfs_parse_task_stat(text, &out, err, sizeof err));
	if (ok) {
		FUZZ_CHECK(memchr(out.comm, '\0',
		    sizeof out.comm) != NULL);
		FUZZ_CHECK(out.tid >= 0);
	}
}

/* Check procfs_parse_schedstat. */
static void
fuzz_schedstat(char *text)
{
	struct procfs_schedstat	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_schedstat,
	    procfs_parse_schedstat(text, &out, err, sizeof err));
	(void)ok;
}

/* Check procfs_parse_meminfo. */
static void
fuzz_meminfo(char *text)
{
	struct procfs_meminfo	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_meminfo,
	    procfs_parse_meminfo(text, &out, err, sizeof err));
	if (ok)
		FUZZ_CHECK(out.mem_total % 1024 == 0);
}

/* Check procfs_parse_psi. */
static void
fuzz_psi(char *text)
{
	struct procfs_psi	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_psi,
	    procfs_parse_psi(text, &out, err, sizeof err));
	if (ok)
		FUZZ_CHECK(out.has_some && out.some_avg10 >= 0);
}

/* Check procfs_parse_cpu_schedstat. */
static void
fuzz_cpu_schedstat(char *text)
{
	struct procfs_cpu_sched	out[4], before[4];
	int			n, max;
	char		 err[PROCFS_ERRLEN];

	memset(err, 0, sizeof err);
	for (max = 0; max <= 4; max += 2) {
		memset(out, 0xa5, sizeof out);
		memcpy(before, out, sizeof out);
		n = procfs_parse_cpu_schedstat(text, max > 0 ? out :
		    NULL, max, err, sizeof err);
		if (n < 0) {
			FUZZ_CHECK(n == -1);
			FUZZ_CHECK(memcmp(out, before,
			    sizeof out) == 0);
			FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
		} else {
			FUZZ_CHECK(n <= max);
			FUZZ_CHECK(memcmp(out + n, before + n,
			    (4 - n) * sizeof out[0]) == 0);
		}
	}
}

/* Check procfs_parse_maps_line. */
static void
fuzz_maps_line(char *text)
{
	struct procfs_map	out;
	char		 err[PROCFS_ERRLEN];
	int		 ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_map,
	    procfs_parse_maps_line(text, &out, err, sizeof err));
	if (ok) {
		FUZZ_CHECK(out.start <= out.end);
		FUZZ_CHECK(out.size == out.end - out.start);
		FUZZ_CHECK(memchr(out.path, '\0',
		    sizeof out.path) != NULL);
	}
}

struct fuzz_smaps {
	unsigned	n;
};

/* Check one mapping handed to the callback. */
static void
fuzz_smaps_cb(const struct procfs_map *m, void *arg)
{
	struct fuzz_smaps	*fs = arg;

	FUZZ_CHECK(m->start <= m->end);
	FUZZ_CHECK(memchr(m->path, '\0', sizeof m->path) != NULL);
	FUZZ_CHECK(m->perms[4] == '\0' && strlen(m->perms) == 4);
	fs->n++;
}

/* Check procfs_parse_smaps. */
static void
fuzz_smaps(char *text)
{
	struct fuzz_smaps	fs = { 0 };
	char		 err[PROCFS_ERRLEN];

	memset(err, 0, sizeof err);
	if (procfs_parse_smaps(text, fuzz_smaps_cb, &fs, err,
	    sizeof err) != 0) {
		FUZZ_CHECK(fs.n == 0);	/* checked before any call */
		FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
	}
}

/* Check procfs_parse_syscall. */
static void
fuzz_syscall(char *text)
{
	char			err[PROCFS_ERRLEN];
	struct procfs_syscall	out;
	int			ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(struct procfs_syscall,
	    procfs_parse_syscall(text, &out, err, sizeof err));
	if (ok) {
		FUZZ_CHECK(!out.running || out.sp == 0);
		FUZZ_CHECK(out.running || out.in_syscall == (out.nr >= 0));
		FUZZ_CHECK(out.nr >= -1);
	}
}

/* Check procfs_parse_pid. */
static void
fuzz_pid(char *text)
{
	char	err[PROCFS_ERRLEN];
	int	out, ok;

	memset(err, 0, sizeof err);
	FUZZ_PARSE(int, procfs_parse_pid(text, &out, err, sizeof err));
	if (ok)
		FUZZ_CHECK(out > 0);
}

/* Check procfs_parse_trace_field on the fields the trace reads. */
static void
fuzz_trace_format(char *text)
{
	static const char *const names[] = { "prev_comm", "prev_pid",
	    "prev_state", "next_comm", "next_pid", "pid", "" };
	size_t	i;
	int	off, size;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		/* On failure off and size say nothing (a field that
		   matched but failed its checks may have written them). */
		if (procfs_parse_trace_field(text, names[i], &off, &size) == 0)
			FUZZ_CHECK(off >= 0 && size > 0);
	}
}

/* The parsers, by the name of their corpus: tests/fuzz/corpus/NAME. */
static const struct fuzz_parser {
	const char	*name;
	void		 (*check)(char *);
} fuzz_parsers[] = {
	{ "stat", fuzz_stat },
	{ "loadavg", fuzz_loadavg },
	{ "status", fuzz_status },
	{ "task_stat", fuzz_task_stat },
	{ "schedstat", fuzz_schedstat },
	{ "meminfo", fuzz_meminfo },
	{ "psi", fuzz_psi },
	{ "cpu_schedstat", fuzz_cpu_schedstat },
	{ "maps_line", fuzz_maps_line },
	{ "smaps", fuzz_smaps },
	{ "syscall", fuzz_syscall },
	{ "pid", fuzz_pid },
	{ "trace_format", fuzz_trace_format },
};

static const struct fuzz_parser	*fuzz_picked;

/* Make the named parser the one to fuzz: 0, or -1 if there is none. */
int
fuzz_pick(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof fuzz_parsers / sizeof fuzz_parsers[0]; i++) {
		if (strcmp(name, fuzz_parsers[i].name) == 0) {
			fuzz_picked = &fuzz_parsers[i];
			return (0);
		}
	}
	return (-1);
}

/* Name the i-th parser; NULL past the last. */
const char *
fuzz_parser_name(size_t i)
{
	if (i >= sizeof fuzz_parsers / sizeof fuzz_parsers[0])
		return (NULL);
	return (fuzz_parsers[i].name);
}

/* Print the parsers' names on a line to f. */
static void
fuzz_list(FILE *f, const char *sep)
{
	const char	*name;
	size_t		 i;

	for (i = 0; (name = fuzz_parser_name(i)) != NULL; i++)
		fprintf(f, "%s%s", i == 0 ? "" : sep, name);
	fputc('\n', f);
}

/*
 * Pick the parser: -parser=NAME, taken out of argv (-parser=list prints
 * the names and exits), or this program's own name, fuzz_NAME.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*name = NULL;
	int		 i, j;

	for (i = 1; i < *argc; i++) {
		if (strncmp((*argv)[i], "-parser=", 8) != 0)
			continue;
		name = (*argv)[i] + 8;
		for (j = i; j < *argc; j++)
			(*argv)[j] = (*argv)[j + 1];
		(*argc)--;
		break;
	}
	if (name != NULL && strcmp(name, "list") == 0) {
		fuzz_list(stdout, "\n");
		exit(0);
	}
	if (name != NULL && fuzz_pick(name) != 0) {
		fprintf(stderr, "fuzz_procfs: no parser %s; one of: ", name);
		fuzz_list(stderr, " ");
		exit(1);
	}
	if (name == NULL)
		fuzz_pick(fuzz_program_name((*argv)[0]));
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text;

	if (fuzz_picked == NULL) {
		fprintf(stderr, "fuzz_procfs: pick a parser with "
		    "-parser=NAME, one of: ");
		fuzz_list(stderr, " ");
		exit(1);
	}
	text = fuzz_text(data, size);
	fuzz_picked->check(text);
	free(text);
	return (0);
}

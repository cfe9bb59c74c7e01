/*
 * --batch: the live screen's workload and sampler with no screen.  Each
 * sample is printed as a JSON line or a CSV row under the batch keys, and
 * the run ends with a line of medians.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "engine/engine.h"
#include "model/model.h"
#include "sampler/sampler.h"
#include "util/util.h"

static const struct batch_column batch_columns[] = {
	{ "kernel_vcsw_per_s",		MS_VCSW_RATE,		1 },
	{ "kernel_ivcsw_per_s",		MS_IVCSW_RATE,		1 },
	{ "system_ctxt_per_s",		MS_CTXT_RATE,		1 },
	{ "fiber_switches_per_s",	MS_FIBER_RATE,		1 },
	{ "handoffs_per_s",		MS_HANDOFF_RATE,	1 },
	{ "ns_per_handoff",		MS_NS_PER_HANDOFF,	1 },
	{ "kernel_switches_per_handoff", MS_KSW_PER_HANDOFF,	4 },
	{ "stack_reserved_bytes",	MS_STACK_RESERVED,	0 },
	{ "stack_committed_bytes",	MS_STACK_COMMITTED,	0 },
	{ "vm_size_bytes",		MS_VM_SIZE,		0 },
	{ "vm_rss_bytes",		MS_VM_RSS,		0 },
	{ "kernel_stack_bytes",		MS_KERNEL_STACK,	0 },
	{ "procs_running",		MS_PROCS_RUNNING,	0 },
	{ "procs_blocked",		MS_PROCS_BLOCKED,	0 },
	{ "threads_running",		MS_THREADS_R,		0 },
	{ "fiber_runqueue",		MS_FIBER_RUNQ,		0 },
	{ "work_per_s",			MS_WORK_RATE,		1 },
	{ "ns_per_work",		MS_NS_PER_WORK,		1 },
	{ "kernel_switches_per_work",	MS_KSW_PER_WORK,	4 },
	{ "tasks_alive",		MS_TASKS_ALIVE,		0 },
	{ "os_threads",			MS_THREADS,		0 },
	{ "blocked_tasks",		MS_BLOCKED_TASKS,	0 },
	{ "blocked_workers",		MS_BLOCKED_WORKERS,	0 },
	{ "latency_ms",			MS_LATENCY_MS,		3 },
	{ "sampler_ms",			MS_SAMPLER_MS,		3 },
	{ "sampler_cpu_ms",		MS_SAMPLER_CPU_MS,	3 },
	{ "sampler_cpu_percent",	MS_SAMPLER_CPU,		3 },
	{ "run_wait_ms_per_s",		MS_RUN_WAIT,		3 },
	/* The rest of the Run queue panel, so a replay shows it whole. */
	{ "threads_sleeping",		MS_THREADS_S,		0 },
	{ "threads_uninterruptible",	MS_THREADS_D,		0 },
	{ "load_runnable",		MS_LOAD_RUNNABLE,	0 },
	{ "load_total",			MS_LOAD_TOTAL,		0 },
	{ "cpu_pressure_pct",		MS_PSI_SOME,		2 },
	/* Periodic wakeups (sleepers): due, how late, how many missed. */
	{ "wake_due_per_s",		MS_WAKE_DUE_RATE,	1 },
	{ "wake_late_ms",		MS_WAKE_LATE_MS,	3 },
	{ "wake_missed_pct",		MS_WAKE_MISSED_PCT,	2 },
};

/* The sources of a sample, as named on standard error. */
static const char *const batch_sources[SRC_COUNT] = {
	[SRC_RUSAGE] = "getrusage",
	[SRC_STAT] = "stat",
	[SRC_LOADAVG] = "loadavg",
	[SRC_STATUS] = "status",
	[SRC_TASKS] = "task stat",
	[SRC_STACKS] = "stacks",
	[SRC_ENGINE] = "engine",
	[SRC_MEMINFO] = "meminfo",
	[SRC_PSI] = "pressure",
	[SRC_SCHEDSTAT] = "schedstat",
	[SRC_WAIT] = "task schedstat",
};

static volatile sig_atomic_t	batch_signal;

/* The numeric columns, for the reader of recordings. */
const struct batch_column *
batch_columns_table(size_t *n)
{
	*n = CSW_ARRAY_LEN(batch_columns);
	return (batch_columns);
}

/* Print a number, or null (JSON) / nothing (CSV) when it was not read. */
static void
batch_number(double v, int decimals, enum batch_format fmt, FILE *out)
{
	if (isnan(v) || isinf(v))
		fputs(fmt == BATCH_JSON ? "null" : "", out);
	else
		fprintf(out, "%.*f", decimals, v);
}

/* The CSV header line; JSON needs none. */
void
batch_header(enum batch_format fmt, FILE *out)
{
	size_t	i;

	if (fmt != BATCH_CSV)
		return;
	fputs("t,pid,mode,scenario,variant,work_unit,tasks,workers", out);
	for (i = 0; i < CSW_ARRAY_LEN(batch_columns); i++)
		fprintf(out, ",%s", batch_columns[i].key);
	fputc('\n', out);
}

/* The leading columns: time, process, mode, scenario, tasks, workers. */
static void
batch_lead(const struct model *m, const char *t, enum batch_format fmt,
    FILE *out)
{
	const struct sample	*s = model_last(m);
	const char		*mode = s->mode_name ? s->mode_name : "";
	const char		*scen = s->scenario ? s->scenario : "";
	const char		*unit = s->work_unit ? s->work_unit : "";
	const char		*var = s->variant ? "true" : "false";
	int			 workers = s->fibers ? s->workers :
				    s->workers_knob;

	if (fmt == BATCH_JSON) {
		fprintf(out, "{\"t\":%s,\"pid\":%d,\"mode\":\"%s\","
		    "\"scenario\":\"%s\",\"variant\":%s,", t, s->pid, mode,
		    scen, var);
		if (s->work_unit != NULL)
			fprintf(out, "\"work_unit\":\"%s\",", unit);
		else
			fputs("\"work_unit\":null,", out);
		fprintf(out, "\"tasks\":%ld,\"tasks_target\":%ld,"
		    "\"stack_bytes\":%llu,\"workers\":%d", s->tasks_alive,
		    s->tasks_target, (unsigned long long)s->task_stack,
		    workers);
	} else
		fprintf(out, "%s,%d,%s,%s,%s,%s,%ld,%d", t, s->pid, mode, scen,
		    var, unit, s->tasks_alive, workers);
}

/* One line for the newest sample. */
void
batch_record(const struct model *m, enum batch_format fmt, FILE *out)
{
	char	t[32];
	size_t	i;

	if (model_last(m) == NULL)
		return;
	snprintf(t, sizeof t, "%.3f", model_elapsed_s(m));
	batch_lead(m, t, fmt, out);
	for (i = 0; i < CSW_ARRAY_LEN(batch_columns); i++) {
		if (fmt == BATCH_JSON)
			fprintf(out, ",\"%s\":", batch_columns[i].key);
		else
			fputc(',', out);
		batch_number(model_value(m, batch_columns[i].series, 0),
		    batch_columns[i].decimals, fmt, out);
	}
	fputs(fmt == BATCH_JSON ? "}\n" : "\n", out);
	fflush(out);
}

/* The median of a series over the samples the model holds; NAN if none. */
static double
batch_median(const struct model *m, enum model_series which, double *tmp)
{
	size_t	n = 0, age, len = model_len(m);
	double	v;

	for (age = 0; age < len; age++) {
		v = model_value(m, which, age);
		if (!isnan(v))
			tmp[n++] = v;
	}
	if (n == 0)
		return (NAN);
	return (util_median(tmp, n));
}

/*
 * The summary: the medians of every column over the run.  JSON: one object
 * with "summary": true and "samples"; CSV: a last row whose t is "median".
 */
void
batch_summary(const struct model *m, enum batch_format fmt, FILE *out)
{
	double	*tmp;
	size_t	 i;

	if (model_last(m) == NULL)
		return;
	tmp = xcalloc(model_len(m) + 1, sizeof *tmp);
	batch_lead(m, fmt == BATCH_JSON ? "null" : "median", fmt, out);
	if (fmt == BATCH_JSON)
		fprintf(out, ",\"summary\":true,\"samples\":%zu,"
		    "\"seconds\":%.3f,\"statistic\":\"median\"", model_len(m),
		    model_elapsed_s(m));
	for (i = 0; i < CSW_ARRAY_LEN(batch_columns); i++) {
		if (fmt == BATCH_JSON)
			fprintf(out, ",\"%s\":", batch_columns[i].key);
		else
			fputc(',', out);
		batch_number(batch_median(m, batch_columns[i].series, tmp),
		    batch_columns[i].decimals, fmt, out);
	}
	fputs(fmt == BATCH_JSON ? "}\n" : "\n", out);
	fflush(out);
	free(tmp);
}

/*
 * Say on err which sources could not be read and why, and when one is back:
 * only when that changes, so a file that stays unreadable is one line.
 * Their columns are null (JSON) or empty (CSV) meanwhile.
 */
static void
batch_note_sources(const struct sample *s, char last[SRC_COUNT][SAMPLE_WHYLEN],
    FILE *err)
{
	int	i;

	for (i = 0; i < SRC_COUNT; i++) {
		/* Per-thread waits need two readings of a thread: a wait
		 * for data, not a source that failed. */
		if (i == SRC_WAIT)
			continue;
		/* A kernel built without CONFIG_SCHEDSTATS has no
		 * /proc/schedstat: normal, and no column needs it. */
		if (i == SRC_SCHEDSTAT && !s->ok[i] && strstr(s->why[i],
		    "No such file") != NULL) {
			if (last[i][0] == '\0')
				fprintf(err, "cswviz: note: this kernel has no "
				    "/proc/schedstat (built without "
				    "CONFIG_SCHEDSTATS), so the screen's "
				    "per-CPU wait is not measured; no column "
				    "here needs it\n");
			snprintf(last[i], SAMPLE_WHYLEN, "%s", s->why[i]);
			continue;
		}
		if (s->ok[i]) {
			if (last[i][0] != '\0')
				fprintf(err, "cswviz: %s: readable again\n",
				    batch_sources[i]);
			last[i][0] = '\0';
		} else if (strcmp(last[i], s->why[i]) != 0 ||
		    last[i][0] == '\0') {
			fprintf(err, "cswviz: %s unreadable: %s\n",
			    batch_sources[i], s->why[i][0] != '\0' ?
			    s->why[i] : "no reason given");
			snprintf(last[i], SAMPLE_WHYLEN, "%s",
			    s->why[i][0] != '\0' ? s->why[i] : "?");
		}
	}
}

/* Note a signal; the run ends with its summary. */
static void
batch_on_signal(int sig)
{
	batch_signal = sig;
}

/*
 * Print every sample for duration seconds, then the summary.  Returns the
 * exit status: 0, or 128 + the signal that cut the run short.
 */
int
batch_run(struct engine *e, struct sampler *sp, struct model *m, long duration,
    enum batch_format fmt, FILE *out)
{
	struct sigaction	 sa;
	struct pollfd		 pfd[2];
	struct sample		 s;
	char			 emsg[ENGINE_ERRLEN];
	char			 last[SRC_COUNT][SAMPLE_WHYLEN];
	uint64_t		 end, now, eseq = 0;
	int			 ms;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = batch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(last, 0, sizeof last);
	batch_header(fmt, out);
	end = util_now_ns() + (uint64_t)duration * 1000000000u;
	pfd[0].fd = sampler_fd(sp);
	pfd[0].events = POLLIN;
	pfd[1].fd = e != NULL ? engine_fd(e) : -1;
	pfd[1].events = POLLIN;
	while (batch_signal == 0 && (now = util_now_ns()) < end) {
		ms = (int)((end - now) / 1000000u) + 1;
		if (poll(pfd, 2, ms) < 0 && errno != EINTR)
			break;
		/* What the engine says (a cap, a refused spawn) goes to
		 * stderr, so the samples stay clean. */
		if ((pfd[1].revents & POLLIN) && engine_message(e, &eseq,
		    emsg, sizeof emsg))
			fprintf(stderr, "cswviz: %s\n", emsg);
		if ((pfd[0].revents & POLLIN) && sampler_take(sp, &s)) {
			batch_note_sources(&s, last, stderr);
			model_push(m, &s);
			batch_record(m, fmt, out);
			if (ferror(out))
				break;
		}
	}
	batch_summary(m, fmt, out);
	if (ferror(out))
		return (1);
	return (batch_signal != 0 ? 128 + batch_signal : 0);
}

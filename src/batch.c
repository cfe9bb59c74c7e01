/* SPDX-License-Identifier: ISC */
/*
 * --batch: the live screen's workload and sampler with no screen.  Each
 * sample is printed by the writer of recordings (record/write.c) as a JSON
 * line or a CSV row, and the run ends with its line of medians.  What
 * cannot be read is said on standard error.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "batch.h"
#include "child/child.h"
#include "engine/engine.h"
#include "model/model.h"
#include "model/warn.h"
#include "record/write.h"
#include "sampler/sampler.h"
#include "util/util.h"

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
		/* -p: no engine, said once at the start; the switches,
		 * like the waits, need two readings of a thread. */
		if (s->attached && (i == SRC_ENGINE || (i == SRC_RUSAGE &&
		    strstr(s->why[i], "second reading") != NULL)))
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
batch_run(struct child *e, struct sampler *sp, struct model *m,
    struct warns *w, long duration, enum record_format fmt, FILE *out)
{
	struct sigaction	 sa;
	struct pollfd		 pfd[2];
	struct sample		 s;
	char			 emsg[ENGINE_ERRLEN];
	char			 last[SRC_COUNT][SAMPLE_WHYLEN];
	uint64_t		 end, now;
	int			 ms;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = batch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(last, 0, sizeof last);
	record_write_header(fmt, out);
	end = util_now_ns() + (uint64_t)duration * 1000000000u;
	pfd[0].fd = sampler_fd(sp);
	pfd[0].events = POLLIN;
	pfd[1].events = POLLIN;
	while (batch_signal == 0 && (now = util_now_ns()) < end) {
		pfd[1].fd = e != NULL ? child_fd(e) : -1;
		ms = (int)((end - now) / 1000000u) + 1;
		if (poll(pfd, 2, ms) < 0 && errno != EINTR)
			break;
		/* What the engine says (a cap, a refused spawn) goes to
		 * stderr, so the samples stay clean. */
		if (e != NULL && child_message(e, emsg, sizeof emsg))
			fprintf(stderr, "cswviz: %s\n", emsg);
		if ((pfd[0].revents & POLLIN) && sampler_take(sp, &s)) {
			if (s.gone) {
				/* -p: the process ended; so does the run. */
				fprintf(stderr, "cswviz: process %d (%s) %s, "
				    "after %.1f s\n", s.pid, s.comm,
				    s.gone_why, model_elapsed_s(m));
				thread_rows_free(s.rows);
				break;
			}
			if (model_last(m) == NULL && s.attached)
				fprintf(stderr, "cswviz: watching process %d "
				    "(%s): the workload's columns (handoffs, "
				    "fiber switches, work, tasks) are null, "
				    "only a cswviz workload counts them\n",
				    s.pid, s.comm);
			batch_note_sources(&s, last, stderr);
			model_push(m, &s);
			warn_eval(w, m);
			record_write_warned(m, w, fmt, out);
			if (ferror(out))
				break;
		}
	}
	record_write_summary_warned(m, w, fmt, out);
	if (ferror(out))
		return (1);
	return (batch_signal != 0 ? 128 + batch_signal : 0);
}

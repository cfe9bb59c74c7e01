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

/* Print one side's newest sample; false if the output failed. */
static bool
batch_print(struct batch_side *b, enum record_format fmt, FILE *out)
{
	record_write_side(b->m, b->w, b->name, fmt, out);
	return (!ferror(out));
}

/*
 * Take one side's sample into its model: -1 when the run must end (-p:
 * the process is gone), 1 when a sample came, 0 when none.
 */
static int
batch_take(struct batch_side *b, char last[SRC_COUNT][SAMPLE_WHYLEN])
{
	struct sample	s;

	if (!sampler_take(b->sp, &s))
		return (0);
	if (s.gone) {
		/* -p: the process ended; so does the run. */
		fprintf(stderr, "cswviz: process %d (%s) %s, after %.1f s\n",
		    s.pid, s.comm, s.gone_why, model_elapsed_s(b->m));
		thread_rows_free(s.rows);
		return (-1);
	}
	if (model_last(b->m) == NULL && s.attached)
		fprintf(stderr, "cswviz: watching process %d (%s): the "
		    "workload's columns (handoffs, fiber switches, work, "
		    "tasks) are null, only a cswviz workload counts them\n",
		    s.pid, s.comm);
	batch_note_sources(&s, last, stderr);
	model_push(b->m, &s);
	warn_eval(b->w, b->m);
	return (1);
}

#define BATCH_SIDES	2
#define BATCH_PAIR_WAIT_MS	2000	/* past the end, for a pair's other half */

/*
 * Side by side, whether the run goes on past its end: one side's last
 * sample is in and the other's is due, so the last pair is not cut in
 * half by a machine too busy to take both in the same instant.  At most
 * BATCH_PAIR_WAIT_MS past the end.
 */
static bool
batch_pair_pending(const bool *fresh, size_t n, uint64_t now, uint64_t end)
{
	size_t	i, k = 0;

	if (n < 2)
		return (false);
	for (i = 0; i < n; i++)
		k += fresh[i];
	if (k == 0 || k == n)
		return (false);
	return (now < end + BATCH_PAIR_WAIT_MS * 1000000ull);
}

/*
 * Print every sample for duration seconds, then the summary.  Side by
 * side, the rows go out in pairs, threads then fibers, once each side has
 * a new sample (a side with two before the other has one prints alone,
 * so that none is lost).  Returns the exit status: 0, or 128 + the signal
 * that cut the run short.
 */
int
batch_run(struct batch_side *side, size_t n, long duration,
    enum record_format fmt, FILE *out)
{
	struct sigaction	 sa;
	struct pollfd		 pfd[2 * BATCH_SIDES];
	char			 emsg[ENGINE_ERRLEN];
	char			 last[BATCH_SIDES][SRC_COUNT][SAMPLE_WHYLEN];
	bool			 fresh[BATCH_SIDES] = { false, false };
	bool			 ok = true;
	uint64_t		 end, now;
	size_t			 i, k;
	int			 ms, got;

	if (n > BATCH_SIDES)
		n = BATCH_SIDES;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = batch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(last, 0, sizeof last);
	if (n > 1)
		record_write_header_sides(fmt, out);
	else
		record_write_header(fmt, out);
	end = util_now_ns() + (uint64_t)duration * 1000000000u;
	while (ok && batch_signal == 0 && ((now = util_now_ns()) < end ||
	    batch_pair_pending(fresh, n, now, end))) {
		for (i = 0; i < n; i++) {
			pfd[2 * i].fd = sampler_fd(side[i].sp);
			pfd[2 * i].events = POLLIN;
			pfd[2 * i + 1].fd = side[i].e != NULL ?
			    child_fd(side[i].e) : -1;
			pfd[2 * i + 1].events = POLLIN;
		}
		ms = now < end ? (int)((end - now) / 1000000u) + 1 :
		    BATCH_PAIR_WAIT_MS;
		if (poll(pfd, 2 * n, ms) < 0 && errno != EINTR)
			break;
		for (i = 0; ok && i < n; i++) {
			/* What the engine says (a cap, a refused spawn)
			 * goes to stderr, so the samples stay clean. */
			if (side[i].e != NULL && child_message(side[i].e,
			    emsg, sizeof emsg))
				fprintf(stderr, "cswviz: %s%s%s\n",
				    side[i].name != NULL ? side[i].name : "",
				    side[i].name != NULL ? " side: " : "",
				    emsg);
			if (!(pfd[2 * i].revents & POLLIN))
				continue;
			/* A side with an unprinted sample prints it first. */
			if (fresh[i]) {
				ok = batch_print(&side[i], fmt, out);
				fresh[i] = false;
			}
			/* The system's notes (no schedstat) are said once,
			 * by whichever side samples first. */
			for (k = 0; k < n; k++) {
				if (k != i && last[k][SRC_SCHEDSTAT][0] != '\0')
					memcpy(last[i][SRC_SCHEDSTAT],
					    last[k][SRC_SCHEDSTAT],
					    SAMPLE_WHYLEN);
			}
			if ((got = batch_take(&side[i], last[i])) < 0)
				ok = false;
			else if (got > 0)
				fresh[i] = true;
		}
		for (i = 0, k = 0; i < n; i++)
			k += fresh[i];
		if (k == n) {
			for (i = 0; ok && i < n; i++) {
				ok = batch_print(&side[i], fmt, out);
				fresh[i] = false;
			}
		}
	}
	for (i = 0; i < n && !ferror(out); i++) {
		if (fresh[i])
			batch_print(&side[i], fmt, out);
		record_write_summary_side(side[i].m, side[i].w, side[i].name,
		    fmt, out);
	}
	if (ferror(out))
		return (1);
	return (batch_signal != 0 ? 128 + batch_signal : 0);
}

/* SPDX-License-Identifier: ISC */
/*
 * cswviz: options, wiring, exit status.  The only place that exits.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>

#include "bench/bench.h"
#include "batch.h"
#include "engine/engine.h"
#include "engine/limits.h"
#include "export.h"
#include "loop.h"
#include "model/model.h"
#include "options.h"
#include "proc/attach_read.h"
#include "runtime/fiber.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "record/trace.h"
#include "record/write.h"
#include "sampler/sampler.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/tui.h"

#define HISTORY_SAMPLES	3600	/* an hour at the default interval */
#define STOP_GRACE_US	250000	/* a clean stop at exit gets this long */

/* How the process ends if the clean stop runs out of time. */
static volatile sig_atomic_t	main_exit_status;
static volatile sig_atomic_t	main_exit_signal;
/* What the user is told while the kernel ends the tasks; "" says nothing. */
static char			main_exit_words[160];

/* Whether the locale can show Unicode glyphs. */
static bool
main_locale_utf8(void)
{
	const char	*cs = nl_langinfo(CODESET);

	return (cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0));
}

/*
 * The grace is over: leave the workload to the kernel.  exit_group kills
 * every task at once, where a clean stop of 20,000 threads on a loaded
 * machine waits for each to be scheduled, take a lock and be joined: that
 * took minutes.  Nothing the tasks hold needs more than the kernel's
 * cleanup; the terminal and the --record file are done with by now.
 */
static void
main_exit_now(int sig)
{
	ssize_t	n;

	(void)sig;
	if (main_exit_words[0] != '\0') {
		n = write(STDERR_FILENO, main_exit_words,
		    strlen(main_exit_words));
		(void)n;
	}
	if (main_exit_signal != 0) {
		/* Die of the signal, as the clean path does. */
		signal(main_exit_signal, SIG_DFL);
		kill(getpid(), main_exit_signal);
		_exit(128 + main_exit_signal);
	}
	_exit(main_exit_status);
}

/*
 * Arm the end: once the terminal is back and every file is written, the
 * workload and the sampler get a moment to stop cleanly (which frees all
 * they hold, for the sanitizers' leak check), then the process exits with
 * the same status or signal without them.
 */
static void
main_exit_arm(struct engine *e, int status, int sig)
{
	struct sigaction	sa;
	struct itimerval	it;
	struct engine_snapshot	snap;
	char			count[32];

	main_exit_status = status;
	main_exit_signal = sig;
	/* Should the kernel take a while, the user knows what it is doing:
	   the process's exit, and so the prompt, waits for every thread. */
	main_exit_words[0] = '\0';
	if (e != NULL)
		engine_snapshot(e, &snap);
	if (e != NULL && snap.mode == ENGINE_THREADS &&
	    snap.tasks_alive >= 1000) {
		limits_format_count(snap.tasks_alive, count, sizeof count);
		snprintf(main_exit_words, sizeof main_exit_words,
		    "cswviz: the kernel is ending %s threads; the prompt "
		    "comes back when they are gone\n", count);
	}
	fflush(stdout);
	fflush(stderr);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = main_exit_now;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = STOP_GRACE_US;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* The clean stop made it in time: no exit from under the leak check. */
static void
main_exit_disarm(void)
{
	struct itimerval	it;

	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* --list-scenarios: the table, one scenario a line. */
static int
main_list_scenarios(FILE *out)
{
	struct engine_scenario_info	info;
	size_t				i;

	for (i = 0; engine_scenario(i, &info) == 0; i++) {
		fprintf(out, "%zu  %-10s %s\n", i + 1, info.name,
		    info.summary);
		fprintf(out, "   %-10s tasks %ld to %ld (default %ld)",
		    "", info.unit, info.max_tasks, info.default_tasks);
		if (info.variant != NULL)
			fprintf(out, "; b: %s", info.variant);
		fputc('\n', out);
	}
	return (ferror(out) ? 1 : 0);
}

/*
 * -p PID: no workload, the sampler over that process.  -1 with err if it
 * cannot be watched; else err says what of it cannot be read, or "".
 */
static int
main_attach(const struct options *opts, const char *root,
    struct sampler **sp, char *err, size_t errlen)
{
	char	why[160];

	/* The screen's footer has two lines for it; stderr has room. */
	if (procfs_attach_check(root, opts->pid, !opts->batch, why,
	    sizeof why, err, errlen) != 0) {
		snprintf(err, errlen, "%s", why);
		return (-1);
	}
	*sp = sampler_start_target(opts->pid, root, (uint64_t)
	    opts->delay_tenths * 100000000u, why, sizeof why);
	if (*sp == NULL) {
		snprintf(err, errlen, "%s", why);
		return (-1);
	}
	return (0);
}

/* Start the workload and the sampler the options ask for. */
static int
main_start(const struct options *opts, struct engine **ep,
    struct sampler **sp, char *err, size_t errlen)
{
	struct engine_config	cfg;
	struct engine_snapshot	snap;
	const char		*root;

	/* Tests point the sampler at a proc root of their own. */
	if ((root = getenv("CSWVIZ_PROC_ROOT")) == NULL || *root == '\0')
		root = "/proc";
	*ep = NULL;
	if (opts->pid != 0)
		return (main_attach(opts, root, sp, err, errlen));
	memset(&cfg, 0, sizeof cfg);
	engine_mode_parse(opts->mode, &cfg.mode);
	cfg.scenario = opts->scenario;
	cfg.tasks = opts->tasks;
	cfg.workers = (int)opts->workers;
	cfg.stack[cfg.mode] = opts->stack;
	cfg.variant = opts->variant;
	if ((*ep = engine_create(&cfg, err, errlen)) == NULL)
		return (-1);
	/* Say when the request was rounded to what the scenario runs. */
	engine_snapshot(*ep, &snap);
	err[0] = '\0';
	if (opts->tasks != 0 && snap.tasks_target != opts->tasks)
		snprintf(err, errlen, "%s runs %ld to %ld tasks in steps of "
		    "%ld: starting %ld, not %ld", snap.scenario,
		    snap.tasks_per_unit, engine_tasks_max(*ep),
		    snap.tasks_per_unit, snap.tasks_target, opts->tasks);
	else if (opts->variant && snap.variant_name == NULL)
		snprintf(err, errlen, "%s has no b variant", snap.scenario);
	*sp = sampler_start(*ep, root, (uint64_t)opts->delay_tenths *
	    100000000u, err, errlen);
	if (*sp == NULL) {
		engine_destroy(*ep);
		return (-1);
	}
	return (0);
}

/* --batch: samples on standard output, no terminal needed. */
static int
main_batch(const struct options *opts)
{
	struct engine	*engine;
	struct sampler	*sampler;
	struct model	*model;
	char		 err[REPLAY_ERRLEN];
	int		 status;

	if (main_start(opts, &engine, &sampler, err, sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s%s\n", opts->pid != 0 ? "" :
		    "cannot start the workload: ", err);
		return (1);
	}
	if (err[0] != '\0')
		fprintf(stderr, "cswviz: %s\n", err);
	model = model_create(HISTORY_SAMPLES);
	status = batch_run(engine, sampler, model, opts->duration,
	    opts->format == OPTIONS_FORMAT_CSV ? RECORD_CSV : RECORD_JSON,
	    stdout);
	/* The summary is out: the end does not wait for the tasks. */
	/* Armed first: lifting 10,000 runnable threads to the screen's
	   class can starve this thread before the lift is done. */
	main_exit_arm(engine, status, 0);
	engine_hurry(engine);
	sampler_stop(sampler);
	engine_destroy(engine);
	model_free(model);
	main_exit_disarm();
	return (status);
}

/*
 * --export: the whole recording into a model of its length, drawn in the
 * theme asked for into the file; no terminal, no workload.
 */
static int
main_export(const struct options *opts, struct replay *rp)
{
	struct model	*m = model_create(replay_samples(rp));
	struct theme	 t;
	char		 err[EXPORT_ERRLEN], source[160];
	int		 status = 0;

	snprintf(source, sizeof source, "the recording %s", replay_name(rp));
	if (theme_load(opts->theme != NULL ? opts->theme : "default",
	    opts->theme_dir, &t, err, sizeof err) != 0 ||
	    replay_show_all(rp, m, err, sizeof err) != 0 ||
	    export_figure(m, &t, opts->export, source, err, sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s\n", err);
		status = 1;
	}
	model_free(m);
	replay_close(rp);
	return (status);
}

/* When --trace began, CLOCK_MONOTONIC ns. */
static uint64_t	main_trace_t0;

/* Start --trace before any runtime starts: its workers claim rings. */
static int
main_trace_start(const struct options *opts)
{
	FILE	*fp;

	if (opts->trace == NULL)
		return (0);
	/* A name that cannot be written is said before the run, not after. */
	if ((fp = fopen(opts->trace, "w")) == NULL) {
		fprintf(stderr, "cswviz: cannot write the trace %s: %s\n",
		    opts->trace, strerror(errno));
		return (-1);
	}
	fclose(fp);
	main_trace_t0 = util_now_ns();
	if (fiber_trace_start(TRACE_EVENTS_PER_WORKER) != 0) {
		fprintf(stderr, "cswviz: --trace: %s\n", strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * End --trace once the runtimes are destroyed (every ring closed): write
 * the file and say on stderr if it failed or a ring filled; the exit
 * status becomes 1 if the file could not be written.
 */
static int
main_trace_end(const struct options *opts, int status)
{
	char	err[320], note[256];
	uint64_t t_end;

	if (opts->trace == NULL)
		return (status);
	fiber_trace_stop();
	t_end = util_now_ns();
	if (trace_write(opts->trace, main_trace_t0, t_end, note, sizeof note,
	    err, sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s\n", err);
		status = status == 0 ? 1 : status;
	} else if (note[0] != '\0')
		fprintf(stderr, "cswviz: %s\n", note);
	fiber_trace_free();
	return (status);
}

int
main(int argc, char **argv)
{
	struct options		 opts;
	struct tui_config	 tcfg;
	struct engine		*engine = NULL;
	struct sampler		*sampler = NULL;
	struct model		*model;
	struct loop_tape	 tape;
	struct loop_exit	 ex;
	struct loop_config	 lc;
	TermKey			*tk;
	char			 err[REPLAY_ERRLEN], warn[320], note[REPLAY_ERRLEN];
	struct engine_scenario_info info;
	size_t			 i;
	int			 status;

	switch (options_parse(&opts, argc, argv, stdout, stderr)) {
	case OPTIONS_EXIT_OK:
		return (0);
	case OPTIONS_EXIT_USAGE:
		return (2);
	case OPTIONS_RUN:
		break;
	}
	/* Every face runs fibers: a fault names itself (stack overflow). */
	term_install_crash_handlers();
	if (opts.bench) {
		return (bench_run(stdout, opts.format ==
		    OPTIONS_FORMAT_JSON) == 0 ? 0 : 1);
	}
	if (opts.list_themes)
		return (theme_list_print(stdout, opts.theme_dir) == 0 ? 0 : 1);
	if (opts.list_scenarios)
		return (main_list_scenarios(stdout));
	memset(&tape, 0, sizeof tape);
	/* A bad recording is refused before anything starts. */
	if (opts.replay != NULL && (tape.replay = replay_open(opts.replay,
	    HISTORY_SAMPLES, err, sizeof err)) == NULL) {
		fprintf(stderr, "cswviz: %s\n", err);
		return (1);
	}
	if (opts.export != NULL)
		return (main_export(&opts, tape.replay));
	if (opts.replay == NULL && opts.pid == 0 &&
	    !engine_scenario_exists(opts.scenario)) {
		fprintf(stderr, "cswviz: unknown scenario '%s' (there are:",
		    opts.scenario);
		for (i = 0; engine_scenario(i, &info) == 0; i++)
			fprintf(stderr, " %s", info.name);
		fprintf(stderr, ")\n");
		return (2);
	}
	if (main_trace_start(&opts) != 0) {
		replay_close(tape.replay);
		return (1);
	}
	if (opts.batch)
		return (main_trace_end(&opts, main_batch(&opts)));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "cswviz: the live screen needs a terminal on "
		    "standard input and output (--batch prints samples "
		    "without one)\n");
		replay_close(tape.replay);
		return (2);
	}
	setlocale(LC_ALL, "");
	if (opts.record != NULL && (tape.recorder = recorder_open(opts.record,
	    err, sizeof err)) == NULL) {
		fprintf(stderr, "cswviz: %s\n", err);
		return (1);
	}
	err[0] = '\0';
	if (tape.replay == NULL && main_start(&opts, &engine, &sampler, err,
	    sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s%s\n", opts.pid != 0 ? "" :
		    "cannot start the workload: ", err);
		recorder_close(tape.recorder, err, sizeof err);
		return (1);
	}
	model = model_create(HISTORY_SAMPLES);
	snprintf(note, sizeof note, "%s", err);

	memset(&tcfg, 0, sizeof tcfg);
	tcfg.ascii = opts.ascii || !main_locale_utf8();
	tcfg.no_color = theme_env_no_color();
	tcfg.theme = opts.theme;
	tcfg.theme_dir = opts.theme_dir;
	/* The loop's signal handlers go in before curses looks for them. */
	if (loop_signals_init() != 0) {
		snprintf(err, sizeof err, "cannot set up signals: %s",
		    strerror(errno));
		status = -1;
	} else if ((status = tui_open(&tcfg, &tk, warn, sizeof warn, err,
	    sizeof err)) != 0)
		loop_signals_done();
	if (status != 0) {
		sampler_stop(sampler);
		engine_destroy(engine);
		model_free(model);
		replay_close(tape.replay);
		fprintf(stderr, "cswviz: %s\n", err);
		recorder_close(tape.recorder, err, sizeof err);
		return (1);
	}
	/* A theme that failed says so first; then a capped task count. */
	memset(&lc, 0, sizeof lc);
	lc.ascii = tcfg.ascii;
	lc.tour = opts.tour;
	lc.warn = warn[0] != '\0' ? warn : note;
	lc.figures = opts.figures;
	loop_run(engine, sampler, model, &tape, tk, &lc, &ex);
	/* The terminal first, then the record, then the workload. */
	tui_close(tk);
	loop_signals_done();
	if (ex.why[0] != '\0')
		fprintf(stderr, "cswviz: %s\n", ex.why);
	/* A recording cut short is an error, told after the screen is gone. */
	status = ex.status;
	if (recorder_close(tape.recorder, err, sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s\n", err);
		if (status == 0)
			status = 1;
	}
	main_exit_arm(engine, status, ex.signal);
	engine_hurry(engine);
	sampler_stop(sampler);
	engine_destroy(engine);
	model_free(model);
	replay_close(tape.replay);
	main_exit_disarm();
	status = main_trace_end(&opts, status);
	if (ex.signal != 0) {
		/* Die of the signal, so the shell sees what happened. */
		signal(ex.signal, SIG_DFL);
		raise(ex.signal);
	}
	return (status);
}

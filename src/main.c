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

#include "bench/bench.h"
#include "batch.h"
#include "child/child.h"
#include "engine/engine.h"
#include "engine/limits.h"
#include "export.h"
#include "loop.h"
#include "model/model.h"
#include "model/warn.h"
#include "options.h"
#include "proc/attach_read.h"
#include "runtime/fiber.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "record/ktrace.h"
#include "record/trace.h"
#include "record/write.h"
#include "sampler/sampler.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/tui.h"

#define HISTORY_SAMPLES	3600	/* an hour at the default interval */

/* Whether the locale can show Unicode glyphs. */
static bool
main_locale_utf8(void)
{
	const char	*cs = nl_langinfo(CODESET);

	return (cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0));
}

/* --trace: the child writes the file; how long cswviz waits for it. */
#define MAIN_TRACE_WAIT_MS	20000
static bool	main_tracing;

/*
 * End the workload: SIGKILL to the child's session, then the sampler,
 * then the reap.  The terminal is back and every file written by now; the
 * kernel ends 10,000 threads without their help, and the prompt waits
 * for it, so that nothing of cswviz runs once the shell has its status.
 */
static void
main_end_workload(struct child *c, struct sampler *sp)
{
	struct engine_snapshot	snap;
	char			count[32], words[200];

	/* --trace: the child ends its workload and writes the file first. */
	if (main_tracing && c != NULL && child_pid(c) != 0) {
		if (child_finish(c, MAIN_TRACE_WAIT_MS, words, sizeof words)) {
			if (words[0] != '\0')
				fprintf(stderr, "cswviz: %s\n", words);
		} else
			fprintf(stderr, "cswviz: the workload did not end "
			    "within %d s: the trace is incomplete\n",
			    MAIN_TRACE_WAIT_MS / 1000);
	}
	if (c != NULL && child_pid(c) != 0 && child_snapshot(c, &snap) &&
	    snap.mode == ENGINE_THREADS && snap.tasks_alive >= 1000) {
		limits_format_count(snap.tasks_alive, count, sizeof count);
		fprintf(stderr, "cswviz: the kernel is ending %s threads; the "
		    "prompt comes back when they are gone\n", count);
	}
	child_kill(c);
	sampler_stop(sp);
	child_free(c);
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

/* --list-warnings: each rule, when it fires, and what it teaches. */
static int
main_list_warnings(FILE *out)
{
	const struct warn_rule	*r;
	size_t			 n, i;

	r = warn_table(&n);
	for (i = 0; i < n; i++)
		fprintf(out, "%-9s %s\n          fires when %s\n", r[i].name,
		    r[i].lesson, r[i].threshold);
	return (ferror(out) ? 1 : 0);
}

/* The warnings, every rule on but those --allow turned off. */
static void
main_warns(const struct options *opts, struct warns *w)
{
	long	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int	i;

	warn_init(w, ncpu > 0 ? (int)ncpu : 0);
	for (i = 0; i < WARN_COUNT; i++)
		if (opts->warn_off & (1u << i))
			w->on[i] = false;
}

/* The proc root the samplers read: tests point it at their own. */
static const char *
main_proc_root(void)
{
	const char	*root = getenv("CSWVIZ_PROC_ROOT");

	return (root == NULL || *root == '\0' ? "/proc" : root);
}

/* Start the workload and the sampler the options ask for. */
static int
main_start(const struct options *opts, struct child **ep,
    struct sampler **sp, char *err, size_t errlen)
{
	struct engine_config	cfg;
	struct engine_snapshot	snap;
	const char		*root;

	root = main_proc_root();
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
	/* The sampler's thread first: a workload that takes the user's
	   last thread (RLIMIT_NPROC) then stops its own ramp, not cswviz. */
	*sp = sampler_create(root, (uint64_t)opts->delay_tenths *
	    100000000u, err, errlen);
	if (*sp == NULL)
		return (-1);
	if ((*ep = child_start(&cfg, err, errlen)) == NULL) {
		sampler_stop(*sp);
		*sp = NULL;
		return (-1);
	}
	/* Say when the request was rounded to what the scenario runs. */
	if (!child_snapshot(*ep, &snap))
		memset(&snap, 0, sizeof snap);
	err[0] = '\0';
	if (opts->tasks != 0 && snap.tasks_target != opts->tasks)
		snprintf(err, errlen, "%s runs %ld to %ld tasks in steps of "
		    "%ld: starting %ld, not %ld", snap.scenario,
		    snap.tasks_per_unit, child_tasks_max(*ep),
		    snap.tasks_per_unit, snap.tasks_target, opts->tasks);
	else if (opts->variant && snap.variant_name == NULL)
		snprintf(err, errlen, "%s has no b variant", snap.scenario);
	sampler_watch(*sp, *ep);
	return (0);
}

/* --batch: samples on standard output, no terminal needed. */
static int
main_batch(const struct options *opts)
{
	struct batch_side	 side[2];
	struct loop_peer	 peer;
	struct warns		 warns[2];
	char			 err[REPLAY_ERRLEN];
	int			 status;

	memset(side, 0, sizeof side);
	memset(&peer, 0, sizeof peer);
	if (main_start(opts, &side[0].e, &side[0].sp, err, sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s%s\n", opts->pid != 0 ? "" :
		    "cannot start the workload: ", err);
		return (1);
	}
	if (err[0] != '\0')
		fprintf(stderr, "cswviz: %s\n", err);
	side[0].m = model_create(HISTORY_SAMPLES);
	main_warns(opts, &warns[0]);
	side[0].w = &warns[0];
	/* --compare: fibers beside threads, each line naming its side. */
	if (opts->compare) {
		peer.m = model_create(HISTORY_SAMPLES);
		peer.root = main_proc_root();
		if (loop_peer_start(&peer, side[0].e, side[0].sp, err,
		    sizeof err) != 0) {
			fprintf(stderr, "cswviz: cannot start the fibers "
			    "side: %s\n", err);
			main_end_workload(side[0].e, side[0].sp);
			model_free(side[0].m);
			model_free(peer.m);
			return (1);
		}
		side[0].name = "threads";
		side[1].e = peer.e;
		side[1].sp = peer.sp;
		side[1].m = peer.m;
		main_warns(opts, &warns[1]);
		side[1].w = &warns[1];
		side[1].name = "fibers";
	}
	status = batch_run(side, opts->compare ? 2 : 1, opts->duration,
	    opts->format == OPTIONS_FORMAT_CSV ? RECORD_CSV : RECORD_JSON,
	    stdout);
	/* The summary is out: the workloads are killed, not stopped. */
	main_end_workload(side[1].e, side[1].sp);
	main_end_workload(side[0].e, side[0].sp);
	model_free(side[1].m);
	model_free(side[0].m);
	return (status);
}

/*
 * --export: the whole recording into a model of its length, drawn in the
 * theme asked for into the file; no terminal, no workload.  A recording
 * side by side fills a second model with its fibers lines, and both sides
 * go into one figure.
 */
static int
main_export(const struct options *opts, struct replay *rp)
{
	struct model	*m = model_create(replay_samples(rp)), *peer = NULL;
	struct theme	 t;
	char		 err[EXPORT_ERRLEN], source[160];
	int		 status = 0;

	snprintf(source, sizeof source, "the recording %s", replay_name(rp));
	if (replay_has_sides(rp)) {
		peer = model_create(replay_samples(rp));
		replay_set_peer(rp, peer);
	}
	if (theme_load(opts->theme != NULL ? opts->theme : "default",
	    opts->theme_dir, &t, err, sizeof err) != 0 ||
	    replay_show_all(rp, m, err, sizeof err) != 0 ||
	    export_figure(m, peer, &t, opts->export, source, err,
	    sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s\n", err);
		status = 1;
	}
	model_free(m);
	model_free(peer);
	replay_close(rp);
	return (status);
}

/* When --trace began in the workload child, CLOCK_MONOTONIC ns. */
static uint64_t	main_trace_t0;

/*
 * --trace, in cswviz: a name that cannot be written is said before the
 * run, not after; the workload child writes the file (main_trace_begin).
 */
static int
main_trace_start(const struct options *opts)
{
	FILE	*fp;

	if (opts->trace == NULL)
		return (0);
	if ((fp = fopen(opts->trace, "w")) == NULL) {
		fprintf(stderr, "cswviz: cannot write the trace %s: %s\n",
		    opts->trace, strerror(errno));
		return (-1);
	}
	fclose(fp);
	child_trace_to(opts->trace);
	main_tracing = true;
	return (0);
}

/* --trace, in the workload child: before any runtime starts its workers. */
static int
main_trace_begin(const char *path)
{
	(void)path;
	main_trace_t0 = util_now_ns();
	if (fiber_trace_start(TRACE_EVENTS_PER_WORKER) != 0) {
		fprintf(stderr, "cswviz: --trace: %s\n", strerror(errno));
		return (-1);
	}
	/* Where it is not allowed, the trace's metadata says why. */
	(void)ktrace_start();
	return (0);
}

/*
 * --trace, in the workload child once its runtimes are destroyed (every
 * ring closed): write the file; a failure or a full ring is its last line
 * on stderr, which cswviz repeats.
 */
static int
main_trace_finish(const char *path)
{
	struct ktrace_result	k;
	char			err[320], note[512];
	int			rc = 0;

	fiber_trace_stop();
	ktrace_stop();
	(void)ktrace_events(&k);
	if (trace_write(path, main_trace_t0, util_now_ns(), &k, note,
	    sizeof note, err, sizeof err) != 0) {
		fprintf(stderr, "cswviz: %s\n", err);
		rc = 1;
	} else if (note[0] != '\0')
		fprintf(stderr, "cswviz: %s\n", note);
	else
		fprintf(stderr, "cswviz: trace written to %s\n", path);
	ktrace_free(&k);
	fiber_trace_free();
	return (rc);
}

int
main(int argc, char **argv)
{
	struct options		 opts;
	struct tui_config	 tcfg;
	struct child		*engine = NULL;
	struct sampler		*sampler = NULL;
	struct model		*model;
	struct loop_tape	 tape;
	struct loop_exit	 ex;
	struct loop_config	 lc;
	struct loop_peer	 peer;
	struct warns		 warns;
	TermKey			*tk;
	char			 err[REPLAY_ERRLEN], warn[320], note[REPLAY_ERRLEN];
	struct engine_scenario_info info;
	size_t			 i;
	int			 status;

	/* The workload child: this program again (see child/child.c). */
	if (argc >= 2 && strcmp(argv[1], CHILD_ARGV) == 0) {
		term_install_crash_handlers();
		return (child_workload_main(argc, argv, main_trace_begin,
		    main_trace_finish));
	}
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
	if (opts.list_warnings)
		return (main_list_warnings(stdout));
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
		return (main_batch(&opts));
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
	/* The split view's side: started by --compare or the c key. */
	memset(&peer, 0, sizeof peer);
	peer.m = model_create(HISTORY_SAMPLES);
	peer.root = main_proc_root();
	if (opts.compare && loop_peer_start(&peer, engine, sampler, err,
	    sizeof err) != 0) {
		fprintf(stderr, "cswviz: cannot start the fibers side: %s\n",
		    err);
		main_end_workload(engine, sampler);
		model_free(model);
		model_free(peer.m);
		recorder_close(tape.recorder, err, sizeof err);
		return (1);
	}

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
		main_end_workload(peer.e, peer.sp);
		main_end_workload(engine, sampler);
		model_free(peer.m);
		model_free(model);
		replay_close(tape.replay);
		fprintf(stderr, "cswviz: %s\n", err);
		recorder_close(tape.recorder, err, sizeof err);
		return (1);
	}
	if (tape.replay != NULL && replay_has_sides(tape.replay))
		replay_set_peer(tape.replay, peer.m);
	/* A theme that failed says so first; then a capped task count. */
	memset(&lc, 0, sizeof lc);
	lc.ascii = tcfg.ascii;
	lc.tour = opts.tour;
	lc.warn = warn[0] != '\0' ? warn : note;
	lc.figures = opts.figures;
	main_warns(&opts, &warns);
	lc.warns = &warns;
	lc.peer = &peer;
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
	main_end_workload(peer.e, peer.sp);
	main_end_workload(engine, sampler);
	model_free(peer.m);
	model_free(model);
	replay_close(tape.replay);
	if (ex.signal != 0) {
		/* Die of the signal, so the shell sees what happened. */
		signal(ex.signal, SIG_DFL);
		raise(ex.signal);
	}
	return (status);
}

/*
 * cswviz: options, wiring, exit status.  The only place that exits.
 */
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/bench.h"
#include "engine/engine.h"
#include "loop.h"
#include "model/model.h"
#include "options.h"
#include "sampler/sampler.h"
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

int
main(int argc, char **argv)
{
	struct options		 opts;
	struct engine_config	 ecfg;
	struct tui_config	 tcfg;
	struct engine		*engine;
	struct sampler		*sampler;
	struct model		*model;
	struct loop_exit	 ex;
	TermKey			*tk;
	char			 err[256], warn[320];

	switch (options_parse(&opts, argc, argv, stdout, stderr)) {
	case OPTIONS_EXIT_OK:
		return (0);
	case OPTIONS_EXIT_USAGE:
		return (2);
	case OPTIONS_RUN:
		break;
	}
	if (opts.bench)
		return (bench_run(stdout, opts.json) == 0 ? 0 : 1);
	if (opts.list_themes)
		return (theme_list_print(stdout, opts.theme_dir) == 0 ? 0 : 1);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "cswviz: the live screen needs a terminal on "
		    "standard input and output\n");
		return (2);
	}
	setlocale(LC_ALL, "");

	memset(&ecfg, 0, sizeof ecfg);
	ecfg.mode = ENGINE_THREADS;
	ecfg.scenario = "pingpong";
	ecfg.tasks = opts.tasks;
	if ((engine = engine_create(&ecfg, err, sizeof err)) == NULL) {
		fprintf(stderr, "cswviz: cannot start the workload: %s\n",
		    err);
		return (1);
	}
	sampler = sampler_start(engine, "/proc",
	    (uint64_t)opts.delay_tenths * 100000000u, err, sizeof err);
	if (sampler == NULL) {
		engine_destroy(engine);
		fprintf(stderr, "cswviz: %s\n", err);
		return (1);
	}
	model = model_create(HISTORY_SAMPLES);

	memset(&tcfg, 0, sizeof tcfg);
	tcfg.ascii = opts.ascii || !main_locale_utf8();
	tcfg.no_color = theme_env_no_color();
	tcfg.theme = opts.theme;
	tcfg.theme_dir = opts.theme_dir;
	if (tui_open(&tcfg, &tk, warn, sizeof warn, err, sizeof err) != 0) {
		sampler_stop(sampler);
		engine_destroy(engine);
		model_free(model);
		fprintf(stderr, "cswviz: %s\n", err);
		return (1);
	}
	loop_run(engine, sampler, model, tk, tcfg.ascii, warn, &ex);
	tui_close(tk);

	sampler_stop(sampler);
	engine_destroy(engine);
	model_free(model);
	if (ex.why[0] != '\0')
		fprintf(stderr, "cswviz: %s\n", ex.why);
	if (ex.signal != 0) {
		/* Die of the signal, so the shell sees what happened. */
		signal(ex.signal, SIG_DFL);
		raise(ex.signal);
	}
	return (ex.status);
}

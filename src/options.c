/* SPDX-License-Identifier: ISC */
/*
 * The command line: long and short options, numbers checked for range and
 * form, and the usage text.  Pure apart from its output streams, so the
 * tests and the fuzzer drive it; only main() exits.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "model/warn.h"
#include "options.h"
#include "proc/attach_read.h"
#include "util/util.h"

static const char options_usage[] =
"usage: cswviz [-bhV] [--ascii] [--compare] [--tour] [-d tenths] [-m mode]\n"
"              [-n tasks] [-P workers] [-s scenario] [--stack size]\n"
"              [-t theme] [--theme-dir dir] [--record file]\n"
"              [--figures dir] [--trace file]\n"
"       cswviz -p pid [--ascii] [-d tenths] [-t theme] [--theme-dir dir]\n"
"              [--figures dir]\n"
"       cswviz --replay file [--ascii] [-t theme] [--theme-dir dir]\n"
"              [--figures dir] [--export file.svg]\n"
"       cswviz --batch [-b] [--compare] [-d tenths] [-m mode] [-n tasks]\n"
"              [-P workers] [-s scenario] [--stack size]\n"
"              [--duration seconds] [--format json|csv] [--trace file]\n"
"       cswviz --batch -p pid [-d tenths] [--duration seconds]\n"
"              [--format json|csv]\n"
"       cswviz --bench [--format text|json]\n"
"       cswviz --list-scenarios | --list-themes | --list-warnings\n";

static const char options_help[] =
"cswviz runs a concurrency workload inside itself and shows, live, what it\n"
"costs the kernel: context switches, stack memory and the run queue.\n"
"\n"
"  -d, --delay TENTHS  sample every TENTHS tenths of a second (1-600; 10)\n"
"  -n, --tasks N       start with N tasks, in the scenario's range\n"
"  -m, --mode MODE     start in threads (default) or fibers mode\n"
"  -s, --scenario NAME the workload (default pingpong; --list-scenarios)\n"
"  -b, --variant       run the scenario's b variant (bounded pool, ...)\n"
"  -P, --workers N     fiber workers and pool size P (1-" CSW_STR(CSW_WORKERS_MAX) "; online CPUs)\n"
"      --stack SIZE    stack per task in the starting mode, like 64K or\n"
"                      1M: threads 16K-1G (RLIMIT_STACK), fibers 2K-8M\n"
"                      (16K), rounded up to the runtime's class\n"
"  -p, --pid PID       watch process PID instead of a workload of its own:\n"
"                      its switches, threads, stacks and run queue\n"
"      --list-scenarios list the scenarios and their variants, and exit\n"
"      --compare       threads and fibers side by side: two workloads, the\n"
"                      same scenario and knobs (the c key on the screen)\n"
"      --tour          a guided tour of the lessons: n next step, p back\n"
"      --batch         no screen: print a sample a line for --duration\n"
"                      seconds (10), then a summary; JSON Lines or CSV\n"
"      --duration SECS how long --batch runs (1-86400)\n"
"  -t, --theme NAME    colours from theme NAME (default; see --list-themes)\n"
"      --theme-dir DIR look for NAME.theme in DIR first\n"
"      --list-themes   list the themes and where each comes from, and exit\n"
"      --ascii         draw graphs with ASCII characters only\n"
"      --warn NAME     turn warning NAME on (all are on by default)\n"
"      --allow NAME    turn warning NAME off (--list-warnings)\n"
"      --list-warnings list the warnings and their thresholds, and exit\n"
"      --record FILE   write every sample to FILE as JSON Lines\n"
"      --replay FILE   play a recording back, no workload: space pauses,\n"
"                      . steps, { } slower and faster\n"
"      --export FILE   with --replay: draw the recording's graphs into\n"
"                      FILE as an SVG figure (- for standard output), no\n"
"                      screen\n"
"      --figures DIR   where the e key saves figures (default: .)\n"
"      --trace FILE    write the fiber runtime's switches (and, if the\n"
"                      kernel allows, its scheduler's) to FILE as a\n"
"                      trace for Perfetto (Trace Event Format JSON)\n"
"      --bench         measure threads against fibers on this machine: a\n"
"                      table of medians and ratios (about a minute)\n"
"      --format FMT    --bench: text (default) or json;\n"
"                      --batch: json (default) or csv\n"
"  -h, --help          print this help and exit\n"
"  -V, --version       print the version and exit\n"
"\n"
"Keys: ? help, 1-7 scenario, m threads/fibers, + and - tasks, ] and [\n"
"workers, s stack, b variant, space freezes the display, f big figures,\n"
"e saves an SVG figure, q quits.\n"
"NO_COLOR set and not empty: no colour.\n"
"See cswviz(1) for the panels and where every number comes from.\n";

/* Whether a path names a directory. */
static bool
options_is_dir(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
}

/* Parse a numeric option value, printing what is wrong. */
static int
options_number(const char *name, const char *arg, long min, long max,
    long *out, FILE *err)
{
	switch (util_parse_long(arg, min, max, out)) {
	case 0:
		return (0);
	case UTIL_PARSE_RANGE:
		fprintf(err, "cswviz: %s %s is out of range (%ld to %ld)\n",
		    name, arg, min, max);
		break;
	default:
		fprintf(err, "cswviz: %s needs a whole number, not '%s'\n",
		    name, arg);
		break;
	}
	return (-1);
}

/*
 * Parse a size such as 65536, 64K, 64KiB or 1M (binary units) in
 * [min, max]: 0, or -1 after printing what is wrong.
 */
static int
options_size(const char *name, const char *arg, unsigned long long min,
    unsigned long long max, unsigned long long *out, FILE *err)
{
	unsigned long long	 v = 0, mult = 1;
	const char		*p = arg;

	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ULL - 9) / 10)
			goto range;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		break;
	default:
		goto bad;
	}
	if (*p != '\0') {
		p++;
		if (strcmp(p, "iB") == 0 || strcmp(p, "B") == 0)
			p += strlen(p);
		if (*p != '\0')
			goto bad;
	}
	if (v > max / mult)
		goto range;
	v *= mult;
	if (v < min || v > max)
		goto range;
	*out = v;
	return (0);
range:
	fprintf(err, "cswviz: %s %s is out of range (%lluK to %lluM)\n", name,
	    arg, min >> 10, max >> 20);
	return (-1);
bad:
	fprintf(err, "cswviz: %s needs a size such as 65536, 64K or 1M, not "
	    "'%s'\n", name, arg);
	return (-1);
}

/* Long options without a letter of their own. */
enum {
	OPTIONS_OPT_RECORD = 256,
	OPTIONS_OPT_REPLAY,
	OPTIONS_OPT_EXPORT,
	OPTIONS_OPT_FIGURES,
	OPTIONS_OPT_TRACE,
	OPTIONS_OPT_WARN,
	OPTIONS_OPT_ALLOW,
	OPTIONS_OPT_LIST_WARNINGS,
	OPTIONS_OPT_COMPARE,
};

/* Turn the warning called name on or off; -1 with a message if unknown. */
static int
options_warning(struct options *opts, const char *opt, const char *name,
    bool on, FILE *err)
{
	int	id = warn_lookup(name);

	if (id < 0) {
		fprintf(err, "cswviz: %s: no warning called '%s' "
		    "(--list-warnings)\n", opt, name);
		return (-1);
	}
	if (on)
		opts->warn_off &= ~(1u << id);
	else
		opts->warn_off |= 1u << id;
	return (0);
}

/* Parse argv into opts. */
enum options_result
options_parse(struct options *opts, int argc, char **argv, FILE *out,
    FILE *err)
{
	static const struct option longopts[] = {
		{ "ascii",	no_argument,		NULL, 'A' },
		{ "batch",	no_argument,		NULL, 'a' },
		{ "bench",	no_argument,		NULL, 'B' },
		{ "duration",	required_argument,	NULL, 'T' },
		{ "mode",	required_argument,	NULL, 'm' },
		{ "scenario",	required_argument,	NULL, 's' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "delay",	required_argument,	NULL, 'd' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "list-themes", no_argument,		NULL, 'L' },
		{ "list-scenarios", no_argument,	NULL, 'S' },
		{ "stack",	required_argument,	NULL, 'K' },
		{ "variant",	no_argument,		NULL, 'b' },
		{ "workers",	required_argument,	NULL, 'P' },
		{ "tasks",	required_argument,	NULL, 'n' },
		{ "theme",	required_argument,	NULL, 't' },
		{ "theme-dir",	required_argument,	NULL, 'D' },
		{ "tour",	no_argument,		NULL, 'R' },
		{ "compare",	no_argument,		NULL, OPTIONS_OPT_COMPARE },
		{ "version",	no_argument,		NULL, 'V' },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "record",	required_argument,	NULL, OPTIONS_OPT_RECORD },
		{ "replay",	required_argument,	NULL, OPTIONS_OPT_REPLAY },
		{ "export",	required_argument,	NULL, OPTIONS_OPT_EXPORT },
		{ "figures",	required_argument,	NULL, OPTIONS_OPT_FIGURES },
		{ "trace",	required_argument,	NULL, OPTIONS_OPT_TRACE },
		{ "warn",	required_argument,	NULL, OPTIONS_OPT_WARN },
		{ "allow",	required_argument,	NULL, OPTIONS_OPT_ALLOW },
		{ "list-warnings", no_argument,	NULL,
		    OPTIONS_OPT_LIST_WARNINGS },
		{ NULL,		0,			NULL, 0 }
	};
	unsigned long long	size;
	bool			duration_set = false;
	const char		*workload = NULL;	/* an option for one */
	char			 why[160];
	int			ch;

	memset(opts, 0, sizeof *opts);
	opts->delay_tenths = 10;
	opts->duration = 10;
	opts->scenario = "pingpong";
	opts->mode = "threads";
	opterr = 0;
	optind = 0;		/* full re-initialisation, for tests */
	while ((ch = getopt_long(argc, argv, ":bd:hm:n:p:P:s:t:V", longopts,
	    NULL)) != -1) {
		if (ch == 'K' || ch == 'R')
			workload = ch == 'K' ? "--stack" : "--tour";
		else if (ch != 0 && strchr("bmnPs", ch) != NULL)
			workload = ch == 'b' ? "-b" : ch == 'm' ? "-m" :
			    ch == 'n' ? "-n" : ch == 'P' ? "-P" : "-s";
		switch (ch) {
		case 'p':
			if (procfs_parse_pid(optarg, &opts->pid, why,
			    sizeof why) != 0) {
				fprintf(err, "cswviz: -p: %s\n", why);
				goto usage;
			}
			break;
		case 'A':
			opts->ascii = true;
			break;
		case 'B':
			opts->bench = true;
			break;
		case 'a':
			opts->batch = true;
			break;
		case 'b':
			opts->variant = true;
			break;
		case 'P':
			if (options_number("--workers", optarg, 1,
			    CSW_WORKERS_MAX, &opts->workers, err) != 0)
				goto usage;
			break;
		case 'K':
			if (options_size("--stack", optarg, OPTIONS_STACK_MIN,
			    OPTIONS_STACK_MAX, &size, err) != 0)
				goto usage;
			opts->stack = (size_t)size;
			break;
		case 'S':
			opts->list_scenarios = true;
			break;
		case 'R':
			opts->tour = true;
			break;
		case 'F':
			if (strcmp(optarg, "json") == 0)
				opts->format = OPTIONS_FORMAT_JSON;
			else if (strcmp(optarg, "text") == 0)
				opts->format = OPTIONS_FORMAT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				opts->format = OPTIONS_FORMAT_CSV;
			else {
				fprintf(err, "cswviz: --format takes text, "
				    "json or csv, not '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'm':
			if (strcmp(optarg, "threads") != 0 &&
			    strcmp(optarg, "fibers") != 0) {
				fprintf(err, "cswviz: --mode takes threads or "
				    "fibers, not '%s'\n", optarg);
				goto usage;
			}
			opts->mode = optarg;
			break;
		case 's':
			opts->scenario = optarg;
			break;
		case 'T':
			duration_set = true;
			if (options_number("--duration", optarg, 1,
			    OPTIONS_DURATION_MAX, &opts->duration, err) != 0)
				goto usage;
			break;
		case 'd':
			if (options_number("--delay", optarg,
			    OPTIONS_DELAY_MIN, OPTIONS_DELAY_MAX,
			    &opts->delay_tenths, err) != 0)
				goto usage;
			break;
		case 'h':
			fputs(options_usage, out);
			fputs(options_help, out);
			return (OPTIONS_EXIT_OK);
		case 'n':
			if (options_number("--tasks", optarg, 1,
			    OPTIONS_TASKS_MAX, &opts->tasks, err) != 0)
				goto usage;
			break;
		case 't':
			opts->theme = optarg;
			break;
		case 'D':
			opts->theme_dir = optarg;
			break;
		case 'L':
			opts->list_themes = true;
			break;
		case OPTIONS_OPT_RECORD:
			opts->record = optarg;
			break;
		case OPTIONS_OPT_REPLAY:
			opts->replay = optarg;
			break;
		case OPTIONS_OPT_EXPORT:
			opts->export = optarg;
			break;
		case OPTIONS_OPT_FIGURES:
			opts->figures = optarg;
			break;
		case OPTIONS_OPT_TRACE:
			opts->trace = optarg;
			break;
		case OPTIONS_OPT_WARN:
		case OPTIONS_OPT_ALLOW:
			if (options_warning(opts, ch == OPTIONS_OPT_WARN ?
			    "--warn" : "--allow", optarg,
			    ch == OPTIONS_OPT_WARN, err) != 0)
				goto usage;
			break;
		case OPTIONS_OPT_COMPARE:
			opts->compare = true;
			workload = "--compare";
			break;
		case OPTIONS_OPT_LIST_WARNINGS:
			opts->list_warnings = true;
			break;
		case 'V':
			fprintf(out, "cswviz %s\n", PACKAGE_VERSION);
			return (OPTIONS_EXIT_OK);
		case ':':
			fprintf(err, "cswviz: option %s needs a value\n",
			    argv[optind - 1]);
			goto usage;
		default:
			if (optopt != 0)
				fprintf(err, "cswviz: unknown option -%c\n",
				    optopt);
			else
				fprintf(err, "cswviz: unknown option %s\n",
				    argv[optind - 1]);
			goto usage;
		}
	}
	if (opts->bench && opts->format == OPTIONS_FORMAT_CSV) {
		fprintf(err, "cswviz: --bench prints text or json, not csv\n");
		goto usage;
	}
	if (opts->batch && opts->format == OPTIONS_FORMAT_TEXT) {
		fprintf(err, "cswviz: --batch prints json or csv, not text\n");
		goto usage;
	}
	if (opts->format != OPTIONS_FORMAT_DEFAULT && !opts->batch &&
	    !opts->bench) {
		fprintf(err, "cswviz: --format goes with --batch or --bench\n");
		goto usage;
	}
	if (opts->theme_dir != NULL && !options_is_dir(opts->theme_dir)) {
		fprintf(err, "cswviz: --theme-dir %s: not a directory\n",
		    opts->theme_dir);
		goto usage;
	}
	if (duration_set && !opts->batch) {
		fprintf(err, "cswviz: --duration goes with --batch; the live "
		    "screen runs until q\n");
		goto usage;
	}
	if (opts->batch && opts->bench) {
		fprintf(err, "cswviz: --batch and --bench do not go "
		    "together\n");
		goto usage;
	}
	if ((opts->record != NULL || opts->replay != NULL) && (opts->batch ||
	    opts->bench)) {
		fprintf(err, "cswviz: --%s goes with the live screen, not "
		    "--%s\n", opts->record != NULL ? "record" : "replay",
		    opts->batch ? "batch" : "bench");
		goto usage;
	}
	if (opts->record != NULL && opts->replay != NULL) {
		fprintf(err, "cswviz: --record and --replay do not go "
		    "together\n");
		goto usage;
	}
	if (opts->compare && opts->trace != NULL) {
		fprintf(err, "cswviz: --trace follows one workload's fibers: "
		    "not with --compare\n");
		goto usage;
	}
	if (opts->compare && (opts->replay != NULL || opts->bench)) {
		fprintf(err, "cswviz: --compare runs two workloads: not with "
		    "--%s\n", opts->bench ? "bench" : "replay");
		goto usage;
	}
	if (opts->replay != NULL && opts->tour) {
		fprintf(err, "cswviz: --tour runs the workload; --replay "
		    "plays a recording: not both\n");
		goto usage;
	}
	if (opts->stack != 0 && strcmp(opts->mode, "fibers") == 0 &&
	    opts->stack > OPTIONS_FIBER_STACK_MAX) {
		fprintf(err, "cswviz: --stack: fiber stacks are at most 8M, "
		    "not %zuK\n", opts->stack >> 10);
		goto usage;
	}
	if (opts->stack != 0 && strcmp(opts->mode, "threads") == 0 &&
	    opts->stack < OPTIONS_THREAD_STACK_MIN) {
		fprintf(err, "cswviz: --stack: thread stacks are at least "
		    "16K\n");
		goto usage;
	}
	if (opts->pid != 0 && (workload != NULL || opts->replay != NULL ||
	    opts->record != NULL || opts->trace != NULL || opts->bench)) {
		fprintf(err, "cswviz: -p watches a running process; %s is for "
		    "a workload of cswviz's own\n", opts->bench ? "--bench" :
		    opts->replay != NULL ? "--replay" : opts->record != NULL ?
		    "--record" : opts->trace != NULL ? "--trace" : workload);
		goto usage;
	}
	if (opts->export != NULL && opts->replay == NULL) {
		fprintf(err, "cswviz: --export draws a recording: it goes "
		    "with --replay FILE\n");
		goto usage;
	}
	if (opts->trace != NULL && (opts->replay != NULL || opts->bench)) {
		fprintf(err, "cswviz: --trace records a workload that runs: "
		    "not with --%s\n", opts->bench ? "bench" : "replay");
		goto usage;
	}
	if (opts->figures != NULL && !options_is_dir(opts->figures)) {
		fprintf(err, "cswviz: --figures %s: not a directory\n",
		    opts->figures);
		goto usage;
	}
	if (optind < argc) {
		fprintf(err, "cswviz: unexpected argument '%s'\n",
		    argv[optind]);
		goto usage;
	}
	return (OPTIONS_RUN);

usage:
	fputs(options_usage, err);
	fputs("Try 'cswviz --help' for more.\n", err);
	return (OPTIONS_EXIT_USAGE);
}

/* SPDX-License-Identifier: ISC */
/*
 * Command-line options.  options_parse is pure apart from writing to the
 * streams it is given, so tests can drive it; only main() exits.
 */
#ifndef CSW_OPTIONS_H
#define CSW_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

enum options_format {
	OPTIONS_FORMAT_DEFAULT,	/* text for --bench, json for --batch */
	OPTIONS_FORMAT_TEXT,
	OPTIONS_FORMAT_JSON,
	OPTIONS_FORMAT_CSV,
};

struct options {
	long		 delay_tenths;	/* sample interval, 0.1 s units */
	long		 tasks;		/* 0: the scenario's default */
	bool		 ascii;		/* ASCII graphs even in UTF-8 */
	const char	*theme;		/* NULL: default */
	const char	*theme_dir;	/* searched before the usual places */
	bool		 list_themes;
	bool		 bench;		/* --bench: print the benchmark */
	bool		 batch;		/* --batch: samples, no terminal */
	enum options_format format;	/* --format */
	const char	*mode;		/* -m: threads or fibers */
	const char	*scenario;	/* -s */
	long		 duration;	/* --duration, seconds */
	long		 workers;	/* -P; 0: online CPUs */
	size_t		 stack;		/* --stack, bytes; 0: default */
	bool		 variant;	/* -b */
	bool		 list_scenarios;
	bool		 tour;		/* --tour */
	const char	*record;	/* --record FILE: samples to FILE */
	const char	*replay;	/* --replay FILE: play FILE back */
	int		 pid;		/* -p: the process to watch; 0: none */
	const char	*export;	/* --export FILE: the replay's figure */
	const char	*figures;	/* --figures DIR: the e key's folder */
	const char	*trace;		/* --trace FILE: the runtime's switches */
	unsigned	 warn_off;	/* --allow: 1u << enum warn_id */
	bool		 list_warnings;
	bool		 compare;	/* --compare: threads and fibers */
};

enum options_result {
	OPTIONS_RUN,		/* go on with these options */
	OPTIONS_EXIT_OK,	/* --help or --version was printed */
	OPTIONS_EXIT_USAGE,	/* an error was printed: exit 2 */
};

#define OPTIONS_DELAY_MIN	1
#define OPTIONS_DELAY_MAX	600
#define OPTIONS_TASKS_MAX	1000000
#define OPTIONS_DURATION_MAX	86400
#define OPTIONS_STACK_MIN	(2ULL << 10)
#define OPTIONS_STACK_MAX	(1ULL << 30)
#define OPTIONS_THREAD_STACK_MIN (16ULL << 10)
#define OPTIONS_FIBER_STACK_MAX	(8ULL << 20)

enum options_result	options_parse(struct options *, int, char **,
			    FILE *, FILE *);

#endif

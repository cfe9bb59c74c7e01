/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the command line: the input, split on NUL bytes, is argv after
 * "cswviz".  options_parse must return one of its three results, print
 * only to the streams it is given, and leave values in their ranges; and
 * util_parse_long, which reads every number, accepts a word only if it is
 * an optional sign and digits.
 */

/* Whether s is an optional sign and one or more decimal digits. */
static int
fuzz_is_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (0);
	}
	return (1);
}
#include <getopt.h>

#include "options.h"
#include "util/util.h"
#include "fuzz.h"

#define FUZZ_ARGS_MAX	64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	struct options		 o;
	char			*argv[FUZZ_ARGS_MAX + 2];
	char			*text, *p, *end;
	int			 argc = 0, i;
	long			 v;
	enum options_result	 r;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	text = fuzz_text(data, size);
	argv[argc++] = strdup("cswviz");
	/* Each argument its own allocation, so overreads are seen. */
	for (p = text, end = text + size; size > 0 && argc <= FUZZ_ARGS_MAX;
	    p++) {
		argv[argc++] = strdup(p);
		p += strlen(p);
		if (p >= end)
			break;
	}
	argv[argc] = NULL;

	for (i = 1; i < argc; i++) {
		if (util_parse_long(argv[i], -1000000, 1000000, &v) == 0)
			FUZZ_CHECK(fuzz_is_number(argv[i]));
	}

	r = options_parse(&o, argc, argv, devnull, devnull);
	FUZZ_CHECK(r == OPTIONS_RUN || r == OPTIONS_EXIT_OK ||
	    r == OPTIONS_EXIT_USAGE);
	if (r == OPTIONS_RUN) {
		FUZZ_CHECK(o.delay_tenths >= OPTIONS_DELAY_MIN &&
		    o.delay_tenths <= OPTIONS_DELAY_MAX);
		FUZZ_CHECK(o.tasks >= 0 && o.tasks <= OPTIONS_TASKS_MAX);
		FUZZ_CHECK(o.duration >= 1 &&
		    o.duration <= OPTIONS_DURATION_MAX);
		FUZZ_CHECK(o.mode != NULL && o.scenario != NULL);
		FUZZ_CHECK(!(o.batch && o.bench));
	}
	while (argc > 0)
		free(argv[--argc]);
	free(text);
	return (0);
}

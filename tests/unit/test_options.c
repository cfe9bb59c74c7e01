/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

struct run {
	enum options_result	 res;
	struct options		 opts;
	char			*out, *err;
	size_t			 outlen, errlen;
};

/* Parse a NULL-terminated argument list, capturing both streams. */
static void
parse(struct run *r, ...)
{
	char	*argv[16];
	int	 argc = 0;
	va_list	 ap;
	FILE	*out, *err;

	argv[argc++] = "cswviz";
	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	out = open_memstream(&r->out, &r->outlen);
	err = open_memstream(&r->err, &r->errlen);
	r->res = options_parse(&r->opts, argc, argv, out, err);
	fclose(out);
	fclose(err);
}

static void
done(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void
test_options_defaults(void **state)
{
	struct run	r;

	parse(&r, NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_int_equal(r.opts.delay_tenths, 10);
	assert_int_equal(r.opts.tasks, 0);
	assert_false(r.opts.ascii);
	done(&r);
}

static void
test_options_values(void **state)
{
	struct run	r;

	parse(&r, "-d", "5", "--tasks=64", "--ascii", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_false(r.opts.bench);
	assert_int_equal(r.opts.delay_tenths, 5);
	assert_int_equal(r.opts.tasks, 64);
	assert_true(r.opts.ascii);
	done(&r);
}

static void
test_options_bench_format(void **state)
{
	struct run	r;

	parse(&r, "--bench", "--format=json", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_true(r.opts.bench);
	assert_int_equal(r.opts.format, OPTIONS_FORMAT_JSON);
	done(&r);
}

static void
test_options_batch(void **state)
{
	struct run	r;

	parse(&r, "--batch", "-m", "fibers", "-s", "pingpong", "-n", "8",
	    "--duration", "3", "--format", "csv", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_true(r.opts.batch);
	assert_string_equal(r.opts.mode, "fibers");
	assert_string_equal(r.opts.scenario, "pingpong");
	assert_int_equal(r.opts.tasks, 8);
	assert_int_equal(r.opts.duration, 3);
	assert_int_equal(r.opts.format, OPTIONS_FORMAT_CSV);
	done(&r);
}

static void
test_options_help_and_version(void **state)
{
	struct run	r;

	parse(&r, "--help", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_OK);
	assert_non_null(strstr(r.out, "--delay"));
	done(&r);
	parse(&r, "-V", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_OK);
	assert_non_null(strstr(r.out, PACKAGE_VERSION));
	done(&r);
}

static void
test_options_errors_name_the_problem(void **state)
{
	struct run	r;

	parse(&r, "--bogus", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "unknown option --bogus"));
	done(&r);
	parse(&r, "-x", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "unknown option -x"));
	done(&r);
	parse(&r, "-d", "fast", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--delay needs a whole number, not "
	    "'fast'"));
	done(&r);
	parse(&r, "-d", "0", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--delay 0 is out of range (1 to 600)"));
	done(&r);
	parse(&r, "-n", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "option -n needs a value"));
	done(&r);
	parse(&r, "--bench", "--format", "xml", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--format takes text, json or csv, "
	    "not 'xml'"));
	done(&r);
	parse(&r, "--bench", "--format", "csv", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--bench prints text or json"));
	done(&r);
	parse(&r, "--batch", "-m", "green", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--mode takes threads or fibers, not "
	    "'green'"));
	done(&r);
	parse(&r, "--batch", "--duration", "0", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--duration 0 is out of range"));
	done(&r);
	parse(&r, "--format", "json", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--format goes with --batch or "
	    "--bench"));
	done(&r);
	parse(&r, "--theme-dir", "/nonexistent-dir", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--theme-dir /nonexistent-dir: not a "
	    "directory"));
	done(&r);
	parse(&r, "extra", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "unexpected argument 'extra'"));
	done(&r);
}

static void
test_options_record_and_replay(void **state)
{
	struct run	r;

	parse(&r, "--record", "lecture.jsonl", "-m", "fibers", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_string_equal(r.opts.record, "lecture.jsonl");
	assert_null(r.opts.replay);
	done(&r);
	parse(&r, "--replay", "lecture.jsonl", "-t", "projector", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_string_equal(r.opts.replay, "lecture.jsonl");
	done(&r);
	parse(&r, "--record", "a", "--replay", "b", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--record and --replay do not go"));
	done(&r);
	parse(&r, "--batch", "--record", "a", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--record goes with the live screen"));
	done(&r);
	parse(&r, "--replay", "a", "--bench", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "not --bench"));
	done(&r);
	parse(&r, "--replay", "a", "--tour", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "not both"));
	done(&r);
}

static void
test_options_knobs(void **state)
{
	struct run	r;

	parse(&r, "-b", "-P", "4", "--stack", "64K", "-s", "sleepers", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_true(r.opts.variant);
	assert_int_equal(r.opts.workers, 4);
	assert_int_equal(r.opts.stack, 65536);
	assert_string_equal(r.opts.scenario, "sleepers");
	done(&r);
	parse(&r, "--stack", "1MiB", "--batch", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	assert_int_equal(r.opts.stack, 1 << 20);
	assert_true(r.opts.batch);
	assert_false(r.opts.variant);
	done(&r);
	parse(&r, "--list-scenarios", NULL);
	assert_true(r.opts.list_scenarios);
	done(&r);
}

static void
test_options_bad_knobs(void **state)
{
	static const char *bad[][3] = {
		{ "-P", "0", "out of range" },
		{ "-P", "257", "out of range" },
		{ "--stack", "12X", "needs a size" },
		{ "--stack", "K", "needs a size" },
		{ "--stack", "1K", "out of range" },
		{ "--stack", "2G", "out of range" },
		{ "--stack", "99999999999999999999", "out of range" },
		{ "--stack", "4K", "at least 16K" },
	};
	struct run	r;
	size_t		i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse(&r, bad[i][0], bad[i][1], NULL);
		assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
		if (strstr(r.err, bad[i][2]) == NULL)
			fail_msg("%s %s: '%s' lacks '%s'", bad[i][0],
			    bad[i][1], r.err, bad[i][2]);
		done(&r);
	}
	parse(&r, "-m", "fibers", "--stack", "16M", NULL);
	assert_int_equal(r.res, OPTIONS_EXIT_USAGE);
	assert_non_null(strstr(r.err, "at most 8M"));
	done(&r);
	parse(&r, "-m", "fibers", "--stack", "4K", NULL);
	assert_int_equal(r.res, OPTIONS_RUN);
	done(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_defaults),
		cmocka_unit_test(test_options_knobs),
		cmocka_unit_test(test_options_bad_knobs),
		cmocka_unit_test(test_options_values),
		cmocka_unit_test(test_options_bench_format),
		cmocka_unit_test(test_options_batch),
		cmocka_unit_test(test_options_help_and_version),
		cmocka_unit_test(test_options_errors_name_the_problem),
		cmocka_unit_test(test_options_record_and_replay),
	};

	return (cmocka_run_group_tests_name("options", tests, NULL, NULL));
}

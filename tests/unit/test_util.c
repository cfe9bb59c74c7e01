/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/util.h"

static void
test_util_parse_long_accepts_range(void **state)
{
	long	v = 0;

	assert_int_equal(util_parse_long("10", 1, 100, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(util_parse_long("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
}

static void
test_util_parse_long_rejects(void **state)
{
	long	v = 7;

	assert_int_equal(util_parse_long("", 0, 9, &v), UTIL_PARSE_MALFORMED);
	assert_int_equal(util_parse_long("1x", 0, 9, &v), UTIL_PARSE_MALFORMED);
	assert_int_equal(util_parse_long(" 1", 0, 9, &v), UTIL_PARSE_MALFORMED);
	/* Found by fuzz_options: strtol skips tabs and newlines too. */
	assert_int_equal(util_parse_long("\t1", 0, 9, &v), UTIL_PARSE_MALFORMED);
	assert_int_equal(util_parse_long("\n1", 0, 9, &v), UTIL_PARSE_MALFORMED);
	assert_int_equal(util_parse_long("10", 0, 9, &v), UTIL_PARSE_RANGE);
	assert_int_equal(util_parse_long("99999999999999999999", 0, 9, &v),
	    UTIL_PARSE_RANGE);
	assert_int_equal(v, 7);
}

static void
test_util_now_ns_is_monotonic(void **state)
{
	uint64_t	a = util_now_ns(), b = util_now_ns();

	assert_true(a > 0);
	assert_true(b >= a);
}

static void
test_util_read_long_file(void **state)
{
	char	path[] = "/tmp/cswviz-test-XXXXXX";
	int	fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "65530\n", 6), 6);
	close(fd);
	assert_int_equal(util_read_long(path, -1), 65530);
	unlink(path);
	assert_int_equal(util_read_long(path, -7), -7);
}

/* The one median of the bench, the sampler's bench and --batch. */
static void
test_util_median_odd_and_even(void **state)
{
	double	odd[] = { 9, 1, 5 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };

	assert_true(util_median(odd, 3) == 5);
	assert_true(odd[0] == 1 && odd[2] == 9);	/* sorted in place */
	assert_true(util_median(even, 4) == 2.5);
	assert_true(util_median(one, 1) == 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_parse_long_accepts_range),
		cmocka_unit_test(test_util_parse_long_rejects),
		cmocka_unit_test(test_util_now_ns_is_monotonic),
		cmocka_unit_test(test_util_read_long_file),
		cmocka_unit_test(test_util_median_odd_and_even),
	};

	return (cmocka_run_group_tests_name("util", tests, NULL, NULL));
}

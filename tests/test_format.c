#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "tui/format.h"

static void
test_format_count_scales(void **state)
{
	char	b[FORMAT_LEN];

	assert_string_equal(format_count(0, b, sizeof b), "0");
	assert_string_equal(format_count(999, b, sizeof b), "999");
	assert_string_equal(format_count(1234, b, sizeof b), "1.23k");
	assert_string_equal(format_count(61234, b, sizeof b), "61.2k");
	assert_string_equal(format_count(999999, b, sizeof b), "1.00M");
	assert_string_equal(format_count(2.5, b, sizeof b), "2.50");
	assert_string_equal(format_count(NAN, b, sizeof b), "n/a");
}

static void
test_format_bytes_binary_units(void **state)
{
	char	b[FORMAT_LEN];

	assert_string_equal(format_bytes(512, b, sizeof b), "512 B");
	assert_string_equal(format_bytes(4096, b, sizeof b), "4.00 KiB");
	assert_string_equal(format_bytes(8.0 * 1024 * 1024, b, sizeof b),
	    "8.00 MiB");
	assert_string_equal(format_bytes(80.0 * 1024 * 1024 * 1024, b,
	    sizeof b), "80.0 GiB");
	assert_string_equal(format_bytes(-1, b, sizeof b), "n/a");
}

static void
test_format_ns_picks_unit(void **state)
{
	char	b[FORMAT_LEN];

	assert_string_equal(format_ns(3.7, true, b, sizeof b), "3.70 ns");
	assert_string_equal(format_ns(5520, true, b, sizeof b), "5.52 us");
	assert_string_equal(format_ns(5520, false, b, sizeof b),
	    "5.52 \xc2\xb5s");
	assert_string_equal(format_ns(1.2e6, true, b, sizeof b), "1.20 ms");
	assert_string_equal(format_ns(NAN, true, b, sizeof b), "n/a");
}

static void
test_format_duration_clock(void **state)
{
	char	b[FORMAT_LEN];

	assert_string_equal(format_duration(83, b, sizeof b), "1:23");
	assert_string_equal(format_duration(3723, b, sizeof b), "1:02:03");
}

static void
test_format_graph_cell_heights(void **state)
{
	/* Full scale over two rows: both cells full. */
	assert_string_equal(format_graph_cell(10, 10, 2, 0, false),
	    "\xe2\x96\x88");
	assert_string_equal(format_graph_cell(10, 10, 2, 1, false),
	    "\xe2\x96\x88");
	/* Half scale over two rows: bottom full, top empty. */
	assert_string_equal(format_graph_cell(5, 10, 2, 1, false), " ");
	/* A tiny value still shows the lowest eighth. */
	assert_string_equal(format_graph_cell(0.001, 10, 2, 0, false),
	    "\xe2\x96\x81");
	assert_string_equal(format_graph_cell(NAN, 10, 2, 0, false), " ");
	assert_string_equal(format_graph_cell(10, 10, 2, 0, true), "#");
	assert_string_equal(format_graph_cell(0.001, 10, 2, 0, true), "_");
}

static void
test_format_bar_cell_fill(void **state)
{
	assert_string_equal(format_bar_cell(1, false, false),
	    "\xe2\x96\x88");
	assert_string_equal(format_bar_cell(0.5, false, false),
	    "\xe2\x96\x8c");
	assert_string_equal(format_bar_cell(0, false, true), ".");
	assert_string_equal(format_bar_cell(0.9, false, true), "#");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_count_scales),
		cmocka_unit_test(test_format_bytes_binary_units),
		cmocka_unit_test(test_format_ns_picks_unit),
		cmocka_unit_test(test_format_duration_clock),
		cmocka_unit_test(test_format_graph_cell_heights),
		cmocka_unit_test(test_format_bar_cell_fill),
	};

	return (cmocka_run_group_tests_name("format", tests, NULL, NULL));
}

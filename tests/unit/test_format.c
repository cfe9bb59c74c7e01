/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "model/model.h"
#include "tui/format.h"
#include "tui/panel.h"
#include "tui/tui.h"

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
	/* Rounding up keeps three significant digits: 10.0, not 10.00. */
	assert_string_equal(format_count(9.997, b, sizeof b), "10.0");
	assert_string_equal(format_count(99.97, b, sizeof b), "100");
	assert_string_equal(format_count(999.7, b, sizeof b), "1.00k");
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
	assert_string_equal(format_ns(0, true, b, sizeof b), "0 ns");
}

/* fibers:threads reads with the smaller side 1, and says nothing of 0. */
static void
test_format_ratio_to(void **state)
{
	char	b[32];

	(void)state;
	assert_string_equal(format_ratio_to(150, 5000, b, sizeof b), "1:33");
	assert_string_equal(format_ratio_to(2.1, 1, b, sizeof b), "2.1:1");
	assert_string_equal(format_ratio_to(3, 3, b, sizeof b), "1:1");
	assert_string_equal(format_ratio_to(0, 2, b, sizeof b), "0:1");
	assert_string_equal(format_ratio_to(1, 50000, b, sizeof b),
	    "1:50.0k");
	assert_string_equal(format_ratio_to(1, 0, b, sizeof b), "");
	assert_string_equal(format_ratio_to(NAN, 1, b, sizeof b), "");
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

static void
test_format_big_digits_ascii(void **state)
{
	static const char	*want[FORMAT_BIG_ROWS] = {
		" #  ### ",
		"##  # # ",
		" #  ### ",
		" #    # ",
		"### ### #",
	};
	char			 b[256];
	int			 row;

	/* "1", a gap, "9", a gap, "." -- rows of the same width. */
	for (row = 0; row < FORMAT_BIG_ROWS; row++) {
		format_big_row("19.", row, 1, true, b, sizeof b);
		assert_int_equal(strlen(b), 9);
		assert_memory_equal(b, want[row], strlen(want[row]));
	}
	assert_int_equal(format_big_width("19.", 1), 9);
	assert_int_equal(format_big_width("19.", 3), 27);
	format_big_row("7", 0, 2, true, b, sizeof b);
	assert_string_equal(b, "######");
	format_big_row("-", 2, 1, true, b, sizeof b);
	assert_string_equal(b, "###");
	assert_true(format_big_known("4.32M"));
	assert_true(format_big_known("12.5%"));
	assert_false(format_big_known("n/a"));
	format_big_row("1", FORMAT_BIG_ROWS, 1, true, b, sizeof b);
	assert_string_equal(b, "");
}

static void
test_format_big_digits_utf8(void **state)
{
	char	b[256];

	/* Full blocks, three bytes each; a small buffer is not overrun. */
	format_big_row("0", 0, 1, false, b, sizeof b);
	assert_string_equal(b, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88");
	format_big_row("0", 1, 1, false, b, sizeof b);
	assert_string_equal(b, "\xe2\x96\x88 \xe2\x96\x88");
	format_big_row("888", 0, 4, false, b, 10);
	assert_true(strlen(b) < 10);
}

/*
 * A big figure carries its unit in big type, so that a figure that shrinks
 * reads smaller: 6.24 µs against 37.9 ns, 202 ms against 216 µs, GiB
 * against MiB.  Two digits when three do not fit the width.
 */
static void
test_format_big_figure_units(void **state)
{
	static const struct {
		double			 v;
		enum format_big_kind	 kind;
		const char		*want;
	} t[] = {
		{ 6240, FORMAT_BIG_NS, "6.24\xc2\xb5s" },
		{ 37.9, FORMAT_BIG_NS, "37.9ns" },
		{ 202e6, FORMAT_BIG_NS, "202ms" },
		{ 216e3, FORMAT_BIG_NS, "216\xc2\xb5s" },
		{ 2.5e9, FORMAT_BIG_NS, "2.50s" },
		{ 7.81 * 1024 * 1024 * 1024, FORMAT_BIG_BYTES, "7.81GiB" },
		{ 7.81 * 1024 * 1024, FORMAT_BIG_BYTES, "7.81MiB" },
		{ 8192, FORMAT_BIG_BYTES, "8.00KiB" },
		{ 512, FORMAT_BIG_BYTES, "512B" },
		{ 14100, FORMAT_BIG_RATE, "14.1k/s" },
		{ 2.61e6, FORMAT_BIG_RATE, "2.61M/s" },
		{ 850, FORMAT_BIG_RATE, "850/s" },
		{ 1.0153, FORMAT_BIG_RATIO, "1.02" },
		{ 1397, FORMAT_BIG_COUNT, "1397" },
		{ 250000, FORMAT_BIG_COUNT, "250k" },
		{ 12.5, FORMAT_BIG_PERCENT, "12.5%" },
	};
	char	b[FORMAT_LEN], c[FORMAT_LEN];
	size_t	i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		format_big_figure(t[i].v, t[i].kind, 0, false, b, sizeof b);
		assert_string_equal(b, t[i].want);
		assert_true(format_big_known(b));
		format_big_figure(t[i].v, t[i].kind, 0, true, b, sizeof b);
		assert_true(format_big_known(b));
	}
	format_big_figure(6240, FORMAT_BIG_NS, 0, true, b, sizeof b);
	assert_string_equal(b, "6.24us");

	/* Both sides of pingpong fit the same width, µs wider than ns. */
	format_big_figure(6240, FORMAT_BIG_NS, 21, false, b, sizeof b);
	format_big_figure(37.9, FORMAT_BIG_NS, 21, false, c, sizeof c);
	assert_string_equal(b, "6.24\xc2\xb5s");
	assert_string_equal(c, "37.9ns");
	assert_true(format_big_width(b, 1) <= 21);
	assert_true(format_big_width(c, 1) <= 21);
	assert_true(format_big_width(b, 1) > format_big_width("6.24", 1));

	/* Narrower: two digits, still with the unit. */
	format_big_figure(6240, FORMAT_BIG_NS, 18, false, b, sizeof b);
	format_big_figure(37.9, FORMAT_BIG_NS, 18, false, c, sizeof c);
	assert_string_equal(b, "6.2\xc2\xb5s");
	assert_string_equal(c, "38ns");
	assert_true(format_big_width(b, 1) <= 18);
	assert_true(format_big_width(c, 1) <= 18);

	/* 283 ms two digits wide: in seconds, as narrow as 6.2 µs. */
	format_big_figure(283e6, FORMAT_BIG_NS, 18, false, b, sizeof b);
	assert_string_equal(b, "0.28s");
	assert_true(format_big_width(b, 1) <= 18);
	format_big_figure(283e6, FORMAT_BIG_NS, 0, false, b, sizeof b);
	assert_string_equal(b, "283ms");

	assert_string_equal(format_big_figure(NAN, FORMAT_BIG_NS, 0, false, b,
	    sizeof b), "--");
	assert_true(format_big_known("THREADS"));
	assert_true(format_big_known("FIBERS"));
}

/* Every scenario row names three figures; pingpong's are its lesson. */
static void
test_format_headlines(void **state)
{
	const struct headline	*h = headline_for("pingpong");
	const struct headline	*other = headline_for("no-such-scenario");
	int			 i;

	assert_string_equal(h->scenario, "pingpong");
	assert_int_equal(h->fig[0].series, MS_NS_PER_HANDOFF);
	assert_int_equal(h->fig[1].series, MS_KSW_PER_HANDOFF);
	assert_int_equal(h->fig[2].series, MS_HANDOFF_RATE);
	assert_int_equal(headline_for("fanin")->fig[0].series,
	    MS_NS_PER_WORK);
	assert_string_equal(headline_for("cpu-flood")->scenario, "cpu-flood");
	assert_null(other->scenario);
	assert_ptr_equal(headline_for(NULL), other);
	for (i = 0; i < 3; i++) {
		assert_non_null(h->fig[i].label);
		assert_non_null(other->fig[i].label);
		assert_true(other->fig[i].series < MS_COUNT);
	}
}

static void
test_format_stack_upper_uses_other_glyph(void **state)
{
	bool	up;

	/* Half and half over two rows: a solid below, b shaded above. */
	assert_string_equal(format_stack_cell(5, 5, 10, 2, 0, false, &up),
	    "\xe2\x96\x88");
	assert_false(up);
	assert_string_equal(format_stack_cell(5, 5, 10, 2, 1, false, &up),
	    "\xe2\x96\x92");
	assert_true(up);
	/* No colour, no Unicode: still two glyphs. */
	assert_string_equal(format_stack_cell(5, 5, 10, 2, 0, true, &up),
	    "#");
	assert_string_equal(format_stack_cell(5, 5, 10, 2, 1, true, &up),
	    ":");
	assert_true(up);
	/* A thin top of b in a light shade; nothing above the total. */
	assert_string_equal(format_stack_cell(5, 1, 10, 2, 1, false, &up),
	    "\xe2\x96\x91");
	assert_string_equal(format_stack_cell(5, 0, 10, 2, 1, false, &up),
	    " ");
	/* b alone starts at the bottom; a missing a counts as none. */
	assert_string_equal(format_stack_cell(NAN, 10, 10, 1, 0, false, &up),
	    "\xe2\x96\x92");
	assert_true(up);
	/* Above the scale (another scenario's column) it is cut at the top. */
	assert_string_equal(format_stack_cell(30, 30, 10, 2, 1, false, &up),
	    "\xe2\x96\x88");
	assert_string_equal(format_stack_cell(NAN, NAN, 10, 2, 0, false, &up),
	    " ");
}

static void
test_format_scale_rounds_up(void **state)
{
	char	b[FORMAT_LEN];

	assert_true(format_scale_ceil(153000, false) == 200000);
	assert_true(format_scale_ceil(200000, false) == 200000);
	assert_true(format_scale_ceil(2.6e6, false) == 3e6);
	assert_true(format_scale_ceil(301, false) == 400);
	assert_true(fabs(format_scale_ceil(0.35, false) - 0.4) < 1e-12);
	assert_true(format_scale_ceil(9000, false) == 10000);
	assert_true(format_scale_ceil(0, false) == 0);
	assert_true(format_scale_ceil(NAN, false) == 0);
	assert_true(format_scale_ceil(37.0 * 1048576, true) == 40.0 * 1048576);
	assert_true(format_scale_ceil(1000.0 * 1048576, true) == 1073741824);
	assert_string_equal(format_scale_label(200000, FORMAT_UNIT_RATE, b,
	    sizeof b), "200k/s");
	assert_string_equal(format_scale_label(1e6, FORMAT_UNIT_RATE, b,
	    sizeof b), "1M/s");
	assert_string_equal(format_scale_label(0.5, FORMAT_UNIT_RATE, b,
	    sizeof b), "0.5/s");
	assert_string_equal(format_scale_label(1.5e6 / 2, FORMAT_UNIT_RATE, b,
	    sizeof b), "750k/s");
	assert_string_equal(format_scale_label(50.0 * 1048576,
	    FORMAT_UNIT_BYTES, b, sizeof b), "50 MiB");
	assert_string_equal(format_scale_label(1073741824, FORMAT_UNIT_BYTES,
	    b, sizeof b), "1 GiB");
	assert_string_equal(format_scale_label(20, FORMAT_UNIT_COUNT, b,
	    sizeof b), "20");
}

static void
test_format_mark_glyphs(void **state)
{
	assert_string_equal(format_mark_glyph(MODEL_CHG_MODE), "m");
	assert_string_equal(format_mark_glyph(MODEL_CHG_MODE |
	    MODEL_CHG_SCENARIO), "S");
	assert_string_equal(format_mark_glyph(MODEL_CHG_TASKS_DOWN |
	    MODEL_CHG_STACK), "-");
	assert_string_equal(format_mark_glyph(MODEL_CHG_WORKERS_UP), "]");
	assert_string_equal(format_mark_glyph(0), " ");
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
		cmocka_unit_test(test_format_stack_upper_uses_other_glyph),
		cmocka_unit_test(test_format_scale_rounds_up),
		cmocka_unit_test(test_format_mark_glyphs),
		cmocka_unit_test(test_format_bar_cell_fill),
		cmocka_unit_test(test_format_big_digits_ascii),
		cmocka_unit_test(test_format_big_digits_utf8),
		cmocka_unit_test(test_format_big_figure_units),
		cmocka_unit_test(test_format_headlines),
		cmocka_unit_test(test_format_ratio_to),
	};

	return (cmocka_run_group_tests_name("format", tests, NULL, NULL));
}

/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "figure/svg.h"
#include "proc/machine.h"

/* An x86 cpuinfo: the model name once per CPU, the count of processors. */
static void
test_figure_cpuinfo_x86(void **state)
{
	struct machine	m;
	char		err[128];
	const char	*text =
	    "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
	    "model name\t: AMD EPYC 7B13 64-Core Processor  \n\n"
	    "processor\t: 1\nmodel name\t: AMD EPYC 7B13 64-Core Processor\n"
	    "\nprocessor\t: 2\nmodel name\t: AMD EPYC 7B13\nprocessor";	/* cut */

	memset(&m, 0, sizeof m);
	assert_int_equal(machine_parse_cpuinfo(text, &m, err, sizeof err), 0);
	assert_string_equal(m.cpu, "AMD EPYC 7B13 64-Core Processor");
	assert_int_equal(m.cpus, 3);
}

/* An arm64 cpuinfo has no model name: the CPU part stands in. */
static void
test_figure_cpuinfo_arm64(void **state)
{
	struct machine	m;
	char		err[128];
	const char	*text = "processor\t: 0\nBogoMIPS\t: 50.00\n"
	    "CPU implementer\t: 0x41\nCPU part\t: 0xd0c\n\n"
	    "processor\t: 1\nCPU part\t: 0xd0c\n";

	memset(&m, 0, sizeof m);
	assert_int_equal(machine_parse_cpuinfo(text, &m, err, sizeof err), 0);
	assert_string_equal(m.cpu, "CPU part 0xd0c");
	assert_int_equal(m.cpus, 2);
}

/* Text without a processor is refused and the output left alone. */
static void
test_figure_cpuinfo_refused(void **state)
{
	struct machine	m;
	char		err[128];

	memset(&m, 0, sizeof m);
	m.cpus = 7;
	assert_int_equal(machine_parse_cpuinfo("model name : x\n", &m, err,
	    sizeof err), -1);
	assert_int_equal(m.cpus, 7);
	assert_non_null(strstr(err, "no processor"));
}

/* What is not known is said so in the description. */
static void
test_figure_machine_describe(void **state)
{
	struct machine	m;
	char		buf[256];

	memset(&m, 0, sizeof m);
	machine_describe(&m, buf, sizeof buf);
	assert_string_equal(buf, "CPU model not known, CPUs not known, "
	    "kernel not known");
	snprintf(m.cpu, sizeof m.cpu, "Cortex");
	m.cpus = 1;
	snprintf(m.kernel, sizeof m.kernel, "Linux 6.1.0");
	machine_describe(&m, buf, sizeof buf);
	assert_string_equal(buf, "Cortex, 1 CPU, Linux 6.1.0");
}

/* Axes end at the first round tick at or above the largest value. */
static void
test_figure_nice_axis(void **state)
{
	double	top, step;

	figure_nice_axis(7.3e6, 5, &top, &step);
	assert_true(top == 8e6 && step == 2e6);
	figure_nice_axis(2318, 5, &top, &step);
	assert_true(top == 2500 && step == 500);
	figure_nice_axis(32, 5, &top, &step);
	assert_true(top == 40 && step == 10);
	figure_nice_axis(10, 5, &top, &step);
	assert_true(top == 10 && step == 2);
	figure_nice_axis(0.37, 5, &top, &step);
	assert_true(fabs(top - 0.4) < 1e-12 && fabs(step - 0.1) < 1e-12);
	figure_nice_axis(0, 5, &top, &step);
	assert_true(top == 1 && step == 0.2);
	figure_nice_axis(NAN, 5, &top, &step);
	assert_true(top == 1);
}

/* A pale ink on white paper is darkened; a dark one is kept. */
static void
test_figure_contrast_ink(void **state)
{
	assert_int_equal(figure_contrast_ink(0x0072b2, 0xffffff, 0x000000),
	    0x0072b2);
	assert_int_not_equal(figure_contrast_ink(0xffff55, 0xffffff,
	    0x000000), 0xffff55);
	/* And on black paper a dark blue is lightened toward white text. */
	assert_int_not_equal(figure_contrast_ink(0x000080, 0x000000,
	    0xffffff), 0x000080);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figure_cpuinfo_x86),
		cmocka_unit_test(test_figure_cpuinfo_arm64),
		cmocka_unit_test(test_figure_cpuinfo_refused),
		cmocka_unit_test(test_figure_machine_describe),
		cmocka_unit_test(test_figure_nice_axis),
		cmocka_unit_test(test_figure_contrast_ink),
	};

	return (cmocka_run_group_tests_name("figure", tests, NULL, NULL));
}

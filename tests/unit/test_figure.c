/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figure/svg.h"
#include "model/model.h"
#include "sampler/sample.h"
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

/* A recorded sample of one side: t, and what the figure draws. */
static void
figure_record(struct model *m, const char *mode, double t, double vcsw,
    double fiber, double reserved)
{
	struct model_record	r;
	int			i;

	memset(&r, 0, sizeof r);
	for (i = 0; i < MS_COUNT; i++) {
		r.v[i] = NAN;
		r.absent[i] = true;
	}
	r.t = t;
	snprintf(r.mode, sizeof r.mode, "%s", mode);
	snprintf(r.scenario, sizeof r.scenario, "pingpong");
	r.tasks = 2;
	r.workers = 2;
	r.v[MS_VCSW_RATE] = vcsw;
	r.v[MS_FIBER_RATE] = fiber;
	r.v[MS_STACK_RESERVED] = reserved;
	r.v[MS_STACK_COMMITTED] = reserved / 64;
	for (i = 0; i < MS_COUNT; i++)
		r.absent[i] = isnan(r.v[i]);
	model_push_record(m, &r);
}

/* The figure of two models side by side, as a string to free. */
static char *
figure_sides_text(const struct model *threads, const struct model *fibers,
    int *rc)
{
	struct figure_style	st;
	struct figure_caption	cap = { "Cortex, 2 CPUs, Linux 6.1.0",
				    "a test", "now" };
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*fp = open_memstream(&buf, &len);
	int			 i;

	assert_non_null(fp);
	memset(&st, 0, sizeof st);
	st.bg = 0xffffff;
	for (i = 0; i < FIGURE_INK_COUNT; i++)
		st.ink[i] = 0x0072b2;
	st.theme = "test";
	if (fibers != NULL)
		*rc = figure_svg_sides(fp, threads, fibers, &st, &cap);
	else
		*rc = figure_svg(fp, threads, &st, &cap);
	fclose(fp);
	return (buf);
}

/* The element of svg that begins with the text from, up to its end. */
static char *
figure_element(const char *svg, const char *from)
{
	const char	*a = strstr(svg, from), *b;

	assert_non_null(a);
	b = strstr(a, "/>");
	assert_non_null(b);
	return (strndup(a, (size_t)(b - a)));
}

/*
 * Side by side, both sides share the graphs: a recording's sides meet at
 * their newest samples on one time axis, one value axis spans both, and
 * the fibers side is told by its dash, not its colour.
 */
static void
test_figure_sides_share_axes(void **state)
{
	struct model	*th = model_create(8), *fi = model_create(8);
	char		*svg, *el;
	int		 i, rc;

	/* Threads from 0 s; fibers' own clock starts 2 s later. */
	for (i = 0; i < 5; i++)
		figure_record(th, "threads", i, 1000 * (i + 1), NAN, 16777216);
	for (i = 0; i < 3; i++)
		figure_record(fi, "fibers", i, 10, 5e6, 32768);
	svg = figure_sides_text(th, fi, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(svg, "<g id=\"times-threads\" data-side=\""
	    "threads\" data-t=\"0 1 2 3 4\"/>"));
	assert_non_null(strstr(svg, "<g id=\"times-fibers\" data-side=\""
	    "fibers\" data-t=\"2 3 4\"/>"));
	assert_null(strstr(svg, "<g id=\"times\""));
	/* One value axis a graph: the switches peak at the fibers' 5 M/s,
	   the memory at the threads' 16 MiB (an axis to 20 MiB). */
	assert_non_null(strstr(svg, "<g id=\"switches\" data-unit=\""
	    "switches/s\" data-axis-max=\"5000000\" data-max=\"5000000\">"));
	assert_non_null(strstr(svg, "<g id=\"memory\" data-unit=\"bytes\" "
	    "data-axis-max=\"20971520\" data-max=\"16777216\">"));
	/* Same colour on both sides; the fibers line dashed, threads not. */
	el = figure_element(svg, "<path class=\"line\" data-side=\"fibers\" "
	    "data-key=\"stack_reserved_bytes\"");
	assert_non_null(strstr(el, "data-values=\"32768 32768 32768\""));
	assert_non_null(strstr(el, "stroke=\"#0072b2\""));
	assert_non_null(strstr(el, "stroke-dasharray="));
	free(el);
	el = figure_element(svg, "<path class=\"line\" data-side=\"threads\" "
	    "data-key=\"stack_reserved_bytes\"");
	assert_non_null(strstr(el, "stroke=\"#0072b2\""));
	assert_null(strstr(el, "stroke-dasharray="));
	free(el);
	/* The legend names both sides; the caption says what ran. */
	assert_non_null(strstr(svg, ">threads</text>"));
	assert_non_null(strstr(svg, ">fibers</text>"));
	assert_non_null(strstr(svg, "Side by side over 4.0 s: threads and "
	    "fibers ran at the same time"));
	assert_non_null(strstr(svg, "At the end, threads (solid lines, filled "
	    "marks): 2 tasks (2 asked), 8 MiB stack per task; 5 samples."));
	assert_non_null(strstr(svg, "At the end, fibers (dashed lines, open "
	    "marks): 2 tasks (2 asked), 2 workers (P), 16 KiB stack per task; "
	    "3 samples."));
	assert_non_null(strstr(svg, "Machine: Cortex, 2 CPUs, Linux 6.1.0."));
	free(svg);

	/* One workload alone keeps its figure: no sides. */
	svg = figure_sides_text(th, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(svg, "<g id=\"times\" data-t=\"0 1 2 3 4\"/>"));
	assert_null(strstr(svg, "data-side="));
	free(svg);
	model_free(th);
	model_free(fi);
}

/* A side with one sample has no graph yet: EAGAIN, as alone. */
static void
test_figure_sides_need_two_samples(void **state)
{
	struct model	*th = model_create(8), *fi = model_create(8);
	char		*svg;
	int		 rc;

	figure_record(th, "threads", 0, 1, NAN, 1);
	figure_record(th, "threads", 1, 1, NAN, 1);
	figure_record(fi, "fibers", 0, 1, 1, 1);
	errno = 0;
	svg = figure_sides_text(th, fi, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, EAGAIN);
	free(svg);
	model_free(th);
	model_free(fi);
}

/* A live sample of scenario at t s: vcsw kernel switches so far. */
static void
figure_live(struct model *m, const char *scenario, int t, uint64_t vcsw)
{
	struct sample	s;
	int		i;

	memset(&s, 0, sizeof s);
	for (i = 0; i < SRC_COUNT; i++)
		s.ok[i] = true;
	s.t_ns = (uint64_t)t * 1000000000u;
	s.vcsw = vcsw;
	s.scenario = scenario;
	s.mode_name = "threads";
	s.tasks_target = 2;
	s.tasks_alive = 2;
	s.workers_knob = 2;
	s.task_stack = 8388608;
	model_push(m, &s);
}

/*
 * Live, the figure is the screen's: the current scenario's samples only.
 * An earlier scenario's 100k/s would set the scale of a picture it is not
 * in; a recording keeps its whole history.
 */
static void
test_figure_live_starts_at_scenario(void **state)
{
	struct model	*m = model_create(64);
	char		*svg;
	uint64_t	 n = 0;
	int		 t, rc;

	for (t = 1; t <= 5; t++)
		figure_live(m, "pingpong", t, n += 100000);
	for (; t <= 9; t++)
		figure_live(m, "sleepers", t, n += 1000);
	svg = figure_sides_text(m, NULL, &rc);
	assert_int_equal(rc, 0);
	/* The change's own sample straddles both: 3 samples from 7 s. */
	assert_non_null(strstr(svg, "<g id=\"times\" data-t=\"6 7 8\"/>"));
	assert_non_null(strstr(svg, "data-max=\"1000\""));
	assert_null(strstr(svg, "100000"));
	free(svg);
	/* Right after the change there is no figure of it yet. */
	figure_live(m, "fanin", t, n += 10);
	figure_live(m, "fanin", t + 1, n += 10);
	errno = 0;
	svg = figure_sides_text(m, NULL, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, EAGAIN);
	free(svg);
	model_free(m);
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
		cmocka_unit_test(test_figure_sides_share_axes),
		cmocka_unit_test(test_figure_sides_need_two_samples),
		cmocka_unit_test(test_figure_live_starts_at_scenario),
	};

	return (cmocka_run_group_tests_name("figure", tests, NULL, NULL));
}

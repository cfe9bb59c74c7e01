/* SPDX-License-Identifier: ISC */
/*
 * The code the v key shows: every scenario has code marked for each mode
 * it runs in, with and without its b variant, the fibers have Go beside
 * them, and every marked block names a scenario that exists and holds
 * lines of the source it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tui/code.h"

#ifndef SRCDIR
#define SRCDIR	FIXTURES "/../.."
#endif

/* Every scenario, mode and variant has C to show, and Go for the fibers. */
static void
test_code_every_scenario(void **state)
{
	static const char		*modes[] = { "threads", "fibers" };
	const struct code_lesson	*b[16];
	struct engine_scenario_info	 info;
	size_t				 i, n, k, shown = 0;
	int				 mode, var;

	(void)state;
	for (i = 0; engine_scenario(i, &info) == 0; i++) {
		for (mode = 0; mode < 2; mode++) {
			for (var = 0; var < (info.variant != NULL ? 2 : 1);
			    var++) {
				n = code_lessons_for(info.name, modes[mode],
				    var, "C", b, 16);
				if (n == 0)
					fail_msg("%s %s%s: no C marked",
					    info.name, modes[mode], var ?
					    " b" : "");
				for (k = 0; k < n && k < 16; k++) {
					assert_true(strlen(b[k]->text) > 20);
					assert_non_null(strchr(b[k]->text,
					    '\n'));
				}
				shown++;
				if (mode == 0)
					continue;
				if (code_lessons_for(info.name, NULL, var,
				    "Go", b, 16) == 0)
					fail_msg("%s fibers%s: no Go marked",
					    info.name, var ? " b" : "");
			}
		}
	}
	assert_true(i >= 7);
	assert_true(shown >= 2 * i);
}

/* The b variant shows what it adds: the limit, the pool, the sums. */
static void
test_code_variant_differs(void **state)
{
	static const char		*with_b[] = { "blocking", "cpu-flood",
					    "fanin", "leak" };
	const struct code_lesson	*a[16], *b[16];
	size_t				 i, na, nb;

	(void)state;
	for (i = 0; i < sizeof with_b / sizeof with_b[0]; i++) {
		na = code_lessons_for(with_b[i], "fibers", false, "Go", a, 16);
		nb = code_lessons_for(with_b[i], "fibers", true, "Go", b, 16);
		assert_true(na > 0 && nb > 0);
		assert_true(na != nb || a[na - 1] != b[nb - 1]);
	}
	/* The threads' limit is the semaphore, shown only with b. */
	nb = code_lessons_for("blocking", "threads", true, "C", b, 16);
	na = code_lessons_for("blocking", "threads", false, "C", a, 16);
	assert_true(nb > na);
	for (i = 0; i < nb; i++) {
		if (strstr(b[i]->text, "bl_sem_acquire(struct bl_task") !=
		    NULL)
			break;
	}
	assert_true(i < nb);
}

/* Each block is the source's own lines at the line it names. */
static void
test_code_matches_source(void **state)
{
	const struct code_lesson	*all;
	struct engine_scenario_info	 info;
	char				 path[4096], line[1024];
	const char			*p;
	size_t				 n, i, j, len;
	FILE				*f;
	int				 at;
	bool				 known;

	(void)state;
	all = code_lessons_all(&n);
	assert_true(n >= 20);
	for (i = 0; i < n; i++) {
		for (known = false, j = 0; engine_scenario(j, &info) == 0; j++)
			known = known || strcmp(info.name, all[i].scenario) ==
			    0;
		if (!known)
			fail_msg("%s:%d: no scenario %s", all[i].file,
			    all[i].line, all[i].scenario);
		snprintf(path, sizeof path, "%s/%s", SRCDIR, all[i].file);
		if ((f = fopen(path, "r")) == NULL)
			fail_msg("%s: cannot open", path);
		for (at = 1; at < all[i].line && fgets(line, sizeof line, f);)
			at += strchr(line, '\n') != NULL;
		p = all[i].text;
		while (*p != '\0' && fgets(line, sizeof line, f) != NULL) {
			len = strlen(line);
			if (strncmp(p, line, len) != 0)
				fail_msg("%s:%d: the block is not the source: "
				    "%s", all[i].file, all[i].line, line);
			p += len;
		}
		fclose(f);
		assert_int_equal(*p, '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_code_every_scenario),
		cmocka_unit_test(test_code_variant_differs),
		cmocka_unit_test(test_code_matches_source),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tour.h"
#include "tui/panel.h"
#include "tui/tui.h"

/*
 * The man page's WALKTHROUGH: its prose lines joined by spaces, and its
 * subsection titles one per line.
 */
static void
man_walkthrough(char **prose, char **titles)
{
	FILE	*f = fopen(MANPAGE, "r");
	char	 line[1024];
	size_t	 plen = 0, tlen = 0;
	int	 in = 0;

	assert_non_null(f);
	*prose = calloc(1, 65536);
	*titles = calloc(1, 8192);
	assert_non_null(*prose);
	assert_non_null(*titles);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".Sh ", 4) == 0)
			in = strcmp(line, ".Sh WALKTHROUGH") == 0;
		if (!in)
			continue;
		if (strncmp(line, ".Ss ", 4) == 0)
			tlen += (size_t)snprintf(*titles + tlen, 8192 - tlen,
			    "%s\n", line + 4);
		else if (line[0] != '.')
			plen += (size_t)snprintf(*prose + plen, 65536 - plen,
			    "%s ", line);
	}
	fclose(f);
}

/* Every step's caption is in the man page word for word, in order. */
static void
test_tour_matches_man_page(void **state)
{
	const struct tour_step	*t;
	char			*prose, *titles, *at, *tat, want[256];
	size_t			 i, n;

	man_walkthrough(&prose, &titles);
	at = prose;
	tat = titles;
	for (i = 0; (t = tour_step(i)) != NULL; i++) {
		if ((at = strstr(at, t->caption)) == NULL)
			fail_msg("step %zu's caption is not in WALKTHROUGH "
			    "(or out of order): %s", i + 1, t->caption);
		at += strlen(t->caption);
		snprintf(want, sizeof want, "%zu. %s\n", i + 1, t->title);
		want[strlen(want) - strlen(t->title) - 1] =
		    (char)toupper((unsigned char)t->title[0]);
		if (strncmp(tat, want, strlen(want)) != 0)
			fail_msg("WALKTHROUGH subsection %zu is not '%.*s'",
			    i + 1, (int)strlen(want) - 1, want);
		tat += strlen(want);
	}
	n = i;
	assert_int_equal(n, tour_len());
	assert_true(n >= 12);
	assert_string_equal(tat, "");	/* no extra subsections */
	free(prose);
	free(titles);
}

/* Captions fit three lines of an 80-column screen with their prefix. */
static void
test_tour_captions_fit(void **state)
{
	const struct tour_step	*t;
	size_t			 i;

	for (i = 0; (t = tour_step(i)) != NULL; i++) {
		assert_true(strlen(t->caption) + strlen(t->title) + 16 <=
		    3 * 78);
		assert_non_null(t->scenario);
	}
	assert_null(tour_step(tour_len()));
}

/*
 * The tour only names scenarios the table has, the table has the seven
 * the keys 1-7 pick, and each has its own row of big figures.
 */
static void
test_tour_scenarios_exist(void **state)
{
	static const char *keys[] = { "pingpong", "sleepers", "server",
	    "cpu-flood", "blocking", "fanin", "leak" };
	struct engine_scenario_info	 info;
	const struct tour_step		*t;
	const struct headline		*h;
	size_t				 i;

	for (i = 0; (t = tour_step(i)) != NULL; i++) {
		if (!engine_scenario_exists(t->scenario))
			fail_msg("tour step %zu names '%s'", i + 1,
			    t->scenario);
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		assert_int_equal(engine_scenario(i, &info), 0);
		assert_string_equal(info.name, keys[i]);
		h = headline_for(info.name);
		assert_non_null(h->scenario);
		assert_string_equal(h->scenario, info.name);
	}
	assert_int_equal(engine_scenario(7, &info), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tour_matches_man_page),
		cmocka_unit_test(test_tour_captions_fit),
		cmocka_unit_test(test_tour_scenarios_exist),
	};

	return (cmocka_run_group_tests_name("tour", tests, NULL, NULL));
}

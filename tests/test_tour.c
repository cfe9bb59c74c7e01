#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tour.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tour_matches_man_page),
		cmocka_unit_test(test_tour_captions_fit),
	};

	return (cmocka_run_group_tests_name("tour", tests, NULL, NULL));
}

/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "tui/keymap.h"

struct fixture {
	TermKey		*tk;
	struct keymap	 km;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);

	*state = f;
	f->tk = termkey_new_abstract("xterm", TERMKEY_FLAG_UTF8);
	if (f->tk == NULL || keymap_init(&f->km, f->tk) != 0)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	if (f != NULL && f->tk != NULL)
		termkey_destroy(f->tk);
	free(f);
	return (0);
}

/* Push bytes as the terminal would send them and look up the key. */
static enum action
press(struct fixture *f, const char *bytes)
{
	TermKeyKey	key;

	termkey_push_bytes(f->tk, bytes, strlen(bytes));
	if (termkey_getkey_force(f->tk, &key) != TERMKEY_RES_KEY)
		return ((enum action)-1);
	return (keymap_lookup(&f->km, &key));
}

static void
test_keymap_plain_keys(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(press(f, "q"), ACTION_QUIT);
	assert_int_equal(press(f, "?"), ACTION_HELP);
	assert_int_equal(press(f, " "), ACTION_PAUSE);
	assert_int_equal(press(f, "+"), ACTION_TASKS_UP);
	assert_int_equal(press(f, "="), ACTION_TASKS_UP);
	assert_int_equal(press(f, "-"), ACTION_TASKS_DOWN);
	assert_int_equal(press(f, "*"), ACTION_TASKS_TEN_UP);
	assert_int_equal(press(f, "/"), ACTION_TASKS_TEN_DOWN);
	assert_int_equal(press(f, "\x0c"), ACTION_REDRAW);
	assert_int_equal(press(f, "H"), ACTION_THREADS);
	assert_int_equal(press(f, ">"), ACTION_SORT_NEXT);
	assert_int_equal(press(f, "<"), ACTION_SORT_PREV);
	assert_int_equal(press(f, "I"), ACTION_SORT_REVERSE);
	assert_int_equal(press(f, "j"), ACTION_SEEK_BACK);
	assert_int_equal(press(f, "l"), ACTION_SEEK_ON);
	assert_int_equal(press(f, "J"), ACTION_CHANGE_PREV);
	assert_int_equal(press(f, "L"), ACTION_CHANGE_NEXT);
	assert_int_equal(press(f, "0"), ACTION_RESTART);
	assert_int_equal(press(f, "o"), ACTION_LOOP);
	assert_int_equal(press(f, "h"), ACTION_NONE);
	assert_int_equal(press(f, "x"), ACTION_NONE);
	assert_int_equal(press(f, "Q"), ACTION_NONE);
}

static void
test_keymap_escape_sequences(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(press(f, "\x1b[21~"), ACTION_QUIT);	/* F10 */
	assert_int_equal(press(f, "\x1bOP"), ACTION_HELP);	/* F1 */
	assert_int_equal(press(f, "\x1b"), ACTION_CLOSE);	/* Escape */
	assert_int_equal(press(f, "\x1b[B"), ACTION_ROW_DOWN);
	assert_int_equal(press(f, "\x1b[A"), ACTION_ROW_UP);
	assert_int_equal(press(f, "\x1b[6~"), ACTION_PAGE_DOWN);
	assert_int_equal(press(f, "\x1b[5~"), ACTION_PAGE_UP);
	assert_int_equal(press(f, "\x1b[H"), ACTION_FIRST);
	assert_int_equal(press(f, "\x1b[F"), ACTION_LAST);
}

static void
test_keymap_every_action_listed_in_help(void **state)
{
	struct fixture			*f = *state;
	const struct keymap_entry	*t;
	size_t				 n, i;
	char				 keys[64];

	t = keymap_table(&n);
	for (i = 0; i < n; i++) {
		assert_true(keymap_keys_for(&f->km, t[i].action, keys,
		    sizeof keys) >= 1);
		assert_true(keys[0] != '\0');
	}
	keymap_keys_for(&f->km, ACTION_QUIT, keys, sizeof keys);
	assert_string_equal(keys, "q F10");
	keymap_keys_for(&f->km, ACTION_PAUSE, keys, sizeof keys);
	assert_string_equal(keys, "Space");
}

/* Collect the key names of the man page's KEYS section (.Ic macros). */
static size_t
man_keys(char names[][16], size_t max)
{
	FILE	*f = fopen(MANPAGE, "r");
	char	 line[256], *p, *q;
	int	 in = 0;
	size_t	 n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, ".Sh ", 4) == 0)
			in = strcmp(line, ".Sh KEYS\n") == 0;
		if (!in || (p = strstr(line, "Ic ")) == NULL)
			continue;
		p += 3;
		q = names[n];
		for (; *p != '\0' && *p != '\n' && *p != ' '; p++) {
			if (p[0] == '\\' && (p[1] == '&' || p[1] == '-')) {
				if (p[1] == '-')
					*q++ = '-';
				p++;
				continue;
			}
			*q++ = *p;
		}
		*q = '\0';
		if (n < max)
			n++;
	}
	fclose(f);
	return (n);
}

static void
test_keymap_man_page_lists_every_key(void **state)
{
	const struct keymap_entry	*t;
	char				 names[128][16];
	size_t				 n, nman, i, j;
	int				 found;

	t = keymap_table(&n);
	nman = man_keys(names, 128);
	for (i = 0; i < n; i++) {
		for (found = 0, j = 0; j < nman; j++)
			found |= strcmp(names[j], t[i].key) == 0;
		if (!found)
			fail_msg("key '%s' is not in the man page's KEYS",
			    t[i].key);
	}
	for (j = 0; j < nman; j++) {
		for (found = 0, i = 0; i < n; i++)
			found |= strcmp(names[j], t[i].key) == 0;
		if (!found)
			fail_msg("the man page lists '%s', which no key does",
			    names[j]);
	}
}

/* Every action the keymap can give has a live row and a replay row. */
static void
test_keymap_every_action_applies(void **state)
{
	const struct keymap_entry	*t;
	size_t				 n, i;
	int				 a;

	for (a = 0; a < ACTION_COUNT; a++)
		assert_true(loop_action_applies((enum action)a));
	assert_false(loop_action_applies(ACTION_COUNT));
	t = keymap_table(&n);
	for (i = 0; i < n; i++)
		assert_true(loop_action_applies(t[i].action));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keymap_plain_keys),
		cmocka_unit_test(test_keymap_escape_sequences),
		cmocka_unit_test(test_keymap_every_action_listed_in_help),
		cmocka_unit_test(test_keymap_man_page_lists_every_key),
		cmocka_unit_test(test_keymap_every_action_applies),
	};

	return (cmocka_run_group_tests_name("keymap", tests, setup,
	    teardown));
}

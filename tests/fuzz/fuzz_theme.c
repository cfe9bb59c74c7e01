/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the theme parser: any text either parses into a theme whose colours
 * and attributes are in range, or fails with "FILE:LINE: what" and leaves
 * the output untouched.  Parsed colours are then mapped for every kind of
 * terminal.
 */
#include "tui/theme.h"
#include "fuzz.h"

#define FUZZ_ATTRS (THEME_ATTR_BOLD | THEME_ATTR_DIM | THEME_ATTR_ITALIC | \
	THEME_ATTR_UNDERLINE | THEME_ATTR_REVERSE | THEME_ATTR_BLINK)

/* Whether a colour is one a theme may hold. */
static int
fuzz_color_ok(int c)
{
	if (c == THEME_COLOR_DEFAULT || (c >= 0 && c <= 255))
		return (1);
	return (THEME_COLOR_IS_RGB(c) && (c & ~0xffffff) == THEME_COLOR_RGB);
}

/* Map a colour for terminals of every size and check the result. */
static void
fuzz_resolve(int c)
{
	static const int	ncolors[] = { 0, 8, 16, 88, 256, 0x1000000 };
	size_t			i;
	int			r;

	for (i = 0; i < sizeof ncolors / sizeof ncolors[0]; i++) {
		r = theme_color_resolve(c, ncolors[i]);
		if (ncolors[i] < 0x1000000)
			FUZZ_CHECK(r == -1 || (r >= 0 && r < ncolors[i]));
		else
			FUZZ_CHECK(r >= -1 && r <= 0xffffff);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme	 t, before;
	char		 err[256];
	char		*text = fuzz_text(data, size), *end;
	const char	*p;
	unsigned long	 lineno, lines;
	int		 i;

	memset(&t, 0xa5, sizeof t);
	before = t;
	memset(err, 0, sizeof err);
	if (theme_parse(text, "fuzz.theme", &t, err, sizeof err) != 0) {
		FUZZ_CHECK(memcmp(&t, &before, sizeof t) == 0);
		FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
		FUZZ_CHECK(strncmp(err, "fuzz.theme:", 11) == 0);
		/* The line named is one the text has (NULs end the text). */
		lineno = strtoul(err + 11, &end, 10);
		FUZZ_CHECK(end != err + 11 && *end == ':');
		for (lines = 1, p = text; *p != '\0'; p++)
			lines += *p == '\n' && p[1] != '\0';
		FUZZ_CHECK(lineno >= 1 && lineno <= lines);
	} else {
		FUZZ_CHECK(memchr(t.name, '\0', sizeof t.name) != NULL);
		FUZZ_CHECK(strcmp(t.name, "fuzz") == 0);
		for (i = 0; i < THEME_ROLE_COUNT; i++) {
			FUZZ_CHECK(fuzz_color_ok(t.styles[i].fg));
			FUZZ_CHECK(fuzz_color_ok(t.styles[i].bg));
			FUZZ_CHECK((t.styles[i].attrs & ~FUZZ_ATTRS) == 0);
			fuzz_resolve(t.styles[i].fg);
			fuzz_resolve(t.styles[i].bg);
		}
		(void)theme_has_color(&t);
	}
	free(text);
	return (0);
}

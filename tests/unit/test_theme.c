/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tui/theme.h"
#include "util/util.h"

#define BAD(name)	FIXTURES "/themes/" name ".theme"

static const char *shipped[] = { "default", "light", "projector", "mono" };

/* Read a file into a new string. */
static char *
read_text(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 len;

	assert_non_null(f = fopen(path, "r"));
	buf = xmalloc(THEME_FILE_MAX + 1);
	len = fread(buf, 1, THEME_FILE_MAX, f);
	fclose(f);
	buf[len] = '\0';
	return (buf);
}

/* Write a file, creating its directories. */
static void
write_text(const char *path, const char *text)
{
	char	 dir[PATH_MAX], *p;
	FILE	*f;

	snprintf(dir, sizeof dir, "%s", path);
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* Remove one entry for nftw. */
static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	return (remove(path));
}

/* Make a temporary directory tree for a test. */
static int
setup_tmp(void **state)
{
	const char	*tmp = getenv("TMPDIR");
	char		*dir;

	dir = xmalloc(PATH_MAX);
	snprintf(dir, PATH_MAX, "%s/test_theme.XXXXXX",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return (-1);
	*state = dir;
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	return (0);
}

/* Remove a test's temporary directory tree. */
static int
teardown_tmp(void **state)
{
	char	*dir = *state;

	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return (0);
}

/* Join a directory and a name. */
static const char *
join(const char *dir, const char *name)
{
	static char	buf[4][PATH_MAX];
	static int	next;
	char		*p = buf[next++ % 4];

	if (snprintf(p, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		fail_msg("path too long");
	return (p);
}

/* Check two themes are the same. */
static void
assert_theme_equal(const struct theme *a, const struct theme *b)
{
	assert_string_equal(a->name, b->name);
	assert_memory_equal(a->styles, b->styles, sizeof a->styles);
	assert_int_equal(a->heavy_bars, b->heavy_bars);
}

static void
test_theme_role_names_are_distinct(void **state)
{
	int	i, j;

	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		assert_non_null(theme_role_name(i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(theme_role_name(i),
			    theme_role_name(j));
	}
	assert_string_equal(theme_role_name(THEME_GRAPH_FIBER), "graph_fiber");
	assert_string_equal(theme_role_name(THEME_PAUSED), "paused");
	assert_null(theme_role_name(THEME_ROLE_COUNT));
}

static void
test_theme_builtins_exist(void **state)
{
	const struct theme	*d = theme_builtin("default");
	const struct theme	*m = theme_builtin("mono");

	assert_non_null(d);
	assert_non_null(m);
	assert_null(theme_builtin("light"));
	assert_string_equal(d->name, "default");
	assert_string_equal(m->name, "mono");
	assert_true(theme_has_color(d));
	assert_false(theme_has_color(m));
	assert_false(theme_heavy_bars(d));
}

static void
test_theme_parse_shipped_files(void **state)
{
	struct theme	 t;
	char		 path[PATH_MAX], err[512], *text;
	size_t		 i;

	for (i = 0; i < CSW_ARRAY_LEN(shipped); i++) {
		snprintf(path, sizeof path, "%s/%s.theme", THEMES_SRCDIR,
		    shipped[i]);
		text = read_text(path);
		memset(&t, 0, sizeof t);
		if (theme_parse(text, path, &t, err, sizeof err) != 0)
			fail_msg("%s", err);
		assert_string_equal(err, "");
		assert_string_equal(t.name, shipped[i]);
		free(text);
	}
}

static void
test_theme_shipped_files_set_every_role(void **state)
{
	char		 path[PATH_MAX], *text, *line, *save;
	const char	*name;
	size_t		 i, len;
	int		 role, found;

	for (i = 0; i < CSW_ARRAY_LEN(shipped); i++) {
		snprintf(path, sizeof path, "%s/%s.theme", THEMES_SRCDIR,
		    shipped[i]);
		for (role = 0; role < THEME_ROLE_COUNT; role++) {
			name = theme_role_name(role);
			len = strlen(name);
			text = read_text(path);
			found = 0;
			for (line = strtok_r(text, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save)) {
				if (strncmp(line, name, len) != 0 ||
				    strchr(" \t=", line[len]) == NULL)
					continue;
				found = 1;
				/* default.theme says what each role is. */
				if (strcmp(shipped[i], "default") == 0 &&
				    strstr(line, "# ") == NULL)
					fail_msg("%s: %s has no comment",
					    path, name);
			}
			if (!found)
				fail_msg("%s does not set %s", path, name);
			free(text);
		}
	}
}

static void
test_theme_files_match_builtins(void **state)
{
	struct theme	 t;
	char		 err[512];

	assert_int_equal(theme_load(THEMES_SRCDIR "/default.theme", NULL, &t,
	    err, sizeof err), 0);
	assert_theme_equal(&t, theme_builtin("default"));
	assert_int_equal(theme_load(THEMES_SRCDIR "/mono.theme", NULL, &t,
	    err, sizeof err), 0);
	assert_theme_equal(&t, theme_builtin("mono"));
	assert_int_equal(theme_load(THEMES_SRCDIR "/projector.theme", NULL,
	    &t, err, sizeof err), 0);
	assert_true(theme_heavy_bars(&t));
	assert_int_equal(t.styles[THEME_NORMAL].bg, THEME_RGB(0, 0, 0));
}

static void
test_theme_parse_reports_file_and_line(void **state)
{
	static const struct {
		const char	*file;
		const char	*want;
	} cases[] = {
		{ BAD("unknown-role"),
		  BAD("unknown-role") ":3: unknown role \"graph_fibre\"" },
		{ BAD("unknown-colour"),
		  BAD("unknown-colour") ":2: unknown colour \"purpel\"" },
		{ BAD("index-range"),
		  BAD("index-range") ":2: colour index 300 out of range "
		  "0-255" },
		{ BAD("bad-rgb"),
		  BAD("bad-rgb") ":1: bad colour \"#12345\": want #rrggbb" },
		{ BAD("unknown-attribute"),
		  BAD("unknown-attribute") ":3: unknown attribute "
		  "\"blinky\"" },
		{ BAD("missing-equals"),
		  BAD("missing-equals") ":4: missing \"=\": want ROLE = FG "
		  "[BG] [ATTRIBUTE ...]" },
		{ BAD("too-many-colours"),
		  BAD("too-many-colours") ":1: too many colours: \"green\" "
		  "(want FG [BG] [ATTRIBUTE ...])" },
		{ BAD("bad-bar"),
		  BAD("bad-bar") ":2: bar is light or heavy, not \"thick\"" },
	};
	struct theme	t;
	char		err[512];
	size_t		i;

	for (i = 0; i < CSW_ARRAY_LEN(cases); i++) {
		err[0] = '\0';
		assert_int_equal(theme_load(cases[i].file, NULL, &t, err,
		    sizeof err), -1);
		assert_string_equal(err, cases[i].want);
	}
}

static void
test_theme_parse_rejects_malformed_lines(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "title =\n", "t.theme:1: missing colour after \"=\"" },
		{ "= red\n", "t.theme:1: missing role before \"=\"" },
		{ "panel title = red\n",
		  "t.theme:1: too many words before \"=\"" },
		{ "\ntitle = bold\n", "t.theme:2: missing colour before "
		  "attribute \"bold\" (try default bold)" },
		{ "title = red purpel\n",
		  "t.theme:1: unknown colour or attribute \"purpel\"" },
		{ "title = red bold blue\n", "t.theme:1: too many colours: "
		  "\"blue\" (want FG [BG] [ATTRIBUTE ...])" },
		{ "title = #1234567\n",
		  "t.theme:1: bad colour \"#1234567\": want #rrggbb" },
		{ "title = #12345g\n",
		  "t.theme:1: bad colour \"#12345g\": want #rrggbb" },
		{ "title = -1\n", "t.theme:1: unknown colour \"-1\"" },
		{ "title = 99999999999999999999\n", "t.theme:1: colour index "
		  "99999999999999999999 out of range 0-255" },
		{ "bar =\n", "t.theme:1: missing light or heavy after "
		  "\"bar =\"" },
		{ "bar = heavy light\n",
		  "t.theme:1: too many words after \"bar =\"" },
		{ "title = red b b b b b b b b b b b b b b b b\n",
		  "t.theme:1: too many words (at most 16 after \"=\")" },
	};
	struct theme	t;
	char		err[512];
	size_t		i;

	for (i = 0; i < CSW_ARRAY_LEN(cases); i++) {
		assert_int_equal(theme_parse(cases[i].text, "t.theme", &t, err,
		    sizeof err), -1);
		assert_string_equal(err, cases[i].want);
	}
}

static void
test_theme_parse_rejects_long_line(void **state)
{
	struct theme	 t;
	char		 err[512], *text;

	text = xmalloc(3000);
	memset(text, ' ', 2999);
	text[2999] = '\0';
	memcpy(text, "# ok\ntitle = red", 16);
	assert_int_equal(theme_parse(text, "long.theme", &t, err, sizeof err),
	    -1);
	assert_string_equal(err, "long.theme:2: line too long (over 1023 "
	    "bytes)");
	free(text);
}

static void
test_theme_parse_failure_keeps_previous(void **state)
{
	struct theme	before, t;
	char		err[512];

	assert_int_equal(theme_load(FIXTURES "/themes/partial.theme", NULL,
	    &t, err, sizeof err), 0);
	before = t;
	/* The error is on the last line, after good lines changed roles. */
	assert_int_equal(theme_parse("title = red\nbar = light\nvalue = 300\n",
	    "x.theme", &t, err, sizeof err), -1);
	assert_string_equal(err,
	    "x.theme:3: colour index 300 out of range 0-255");
	assert_theme_equal(&t, &before);
	assert_int_equal(theme_load(BAD("unknown-role"), NULL, &t, err,
	    sizeof err), -1);
	assert_theme_equal(&t, &before);
}

static void
test_theme_parse_inherits_and_last_wins(void **state)
{
	const struct theme	*d = theme_builtin("default");
	struct theme		 t;
	char			 err[512];
	int			 i;

	assert_int_equal(theme_load(FIXTURES "/themes/partial.theme", NULL,
	    &t, err, sizeof err), 0);
	assert_string_equal(t.name, "partial");
	assert_int_equal(t.styles[THEME_TITLE].fg, THEME_RGB(0, 0xff, 0));
	assert_int_equal(t.styles[THEME_TITLE].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.styles[THEME_TITLE].attrs, THEME_ATTR_UNDERLINE);
	assert_int_equal(t.styles[THEME_KEY].fg, 33);
	assert_int_equal(t.styles[THEME_KEY].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.styles[THEME_KEY].attrs,
	    THEME_ATTR_BOLD | THEME_ATTR_ITALIC);
	assert_true(theme_heavy_bars(&t));
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		if (i == THEME_TITLE || i == THEME_KEY)
			continue;
		assert_memory_equal(&t.styles[i], &d->styles[i],
		    sizeof t.styles[i]);
	}
}

static void
test_theme_parse_colour_forms(void **state)
{
	struct theme	t;
	char		err[512];

	assert_int_equal(theme_parse(
	    "  # indented comment\n"
	    "#title = purpel\n"
	    "normal = default black\n"
	    "title = BrightRed\tgrey Bold dim\n"
	    "value = gray 255\n"
	    "unit = 0 #0a0B0c blink reverse # comment after #rrggbb\n"
	    "header = white\n",
	    "/some/dir/forms.theme", &t, err, sizeof err), 0);
	assert_string_equal(t.name, "forms");
	assert_int_equal(t.styles[THEME_NORMAL].fg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.styles[THEME_NORMAL].bg, 0);
	assert_int_equal(t.styles[THEME_TITLE].fg, 9);
	assert_int_equal(t.styles[THEME_TITLE].bg, 8);
	assert_int_equal(t.styles[THEME_TITLE].attrs,
	    THEME_ATTR_BOLD | THEME_ATTR_DIM);
	assert_int_equal(t.styles[THEME_VALUE].fg, 8);
	assert_int_equal(t.styles[THEME_VALUE].bg, 255);
	assert_int_equal(t.styles[THEME_VALUE].attrs, 0);
	assert_int_equal(t.styles[THEME_UNIT].fg, 0);
	assert_int_equal(t.styles[THEME_UNIT].bg, THEME_RGB(0x0a, 0x0b, 0x0c));
	assert_true(THEME_COLOR_IS_RGB(t.styles[THEME_UNIT].bg));
	assert_false(THEME_COLOR_IS_RGB(t.styles[THEME_VALUE].bg));
	assert_int_equal(t.styles[THEME_UNIT].attrs,
	    THEME_ATTR_BLINK | THEME_ATTR_REVERSE);
	/* A role line sets the whole role: header loses its bg and bold. */
	assert_int_equal(t.styles[THEME_HEADER].fg, 7);
	assert_int_equal(t.styles[THEME_HEADER].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.styles[THEME_HEADER].attrs, 0);

	/* Empty text is the default under the file's name. */
	assert_int_equal(theme_parse("", "empty.theme", &t, err, sizeof err),
	    0);
	assert_memory_equal(t.styles, theme_builtin("default")->styles,
	    sizeof t.styles);
	assert_string_equal(t.name, "empty");
}

static void
test_theme_nearest_color_maps_rgb(void **state)
{
	assert_int_equal(theme_nearest_color(0xff, 0, 0, 256), 196);
	assert_int_equal(theme_nearest_color(0xff, 0, 0, 16), 9);
	assert_int_equal(theme_nearest_color(0xff, 0, 0, 88), 9);
	assert_int_equal(theme_nearest_color(0xff, 0, 0, 8), 1);
	assert_int_equal(theme_nearest_color(0xff, 0, 0, 2), -1);
	assert_int_equal(theme_nearest_color(0, 0, 0, 256), 16);
	assert_int_equal(theme_nearest_color(0xff, 0xff, 0xff, 256), 231);
	assert_int_equal(theme_nearest_color(0x80, 0x80, 0x80, 256), 244);
	assert_int_equal(theme_nearest_color(0x80, 0x80, 0x80, 16), 8);
	assert_int_equal(theme_nearest_color(0x00, 0x87, 0xaf, 256), 31);
	assert_int_equal(theme_nearest_color(0xff, 0xaf, 0x00, 8), 3);
	assert_int_equal(theme_nearest_color(0xff, 0x5f, 0x5f, 8), 1);
}

static void
test_theme_color_resolve_degrades(void **state)
{
	/* Indices the terminal has stay; others go to the nearest. */
	assert_int_equal(theme_color_resolve(THEME_COLOR_DEFAULT, 256), -1);
	assert_int_equal(theme_color_resolve(196, 256), 196);
	assert_int_equal(theme_color_resolve(196, 16), 9);
	assert_int_equal(theme_color_resolve(196, 8), 1);
	assert_int_equal(theme_color_resolve(9, 16), 9);
	assert_int_equal(theme_color_resolve(9, 8), 1);
	assert_int_equal(theme_color_resolve(3, 8), 3);
	assert_int_equal(theme_color_resolve(3, 0), -1);
	assert_int_equal(theme_color_resolve(THEME_RGB(0xff, 0, 0), 256), 196);
	assert_int_equal(theme_color_resolve(THEME_RGB(0xff, 0, 0), 8), 1);
	/* Direct colour: RGB as is, ANSI below 8. */
	assert_int_equal(theme_color_resolve(THEME_RGB(0x12, 0x34, 0x56),
	    0x1000000), 0x123456);
	assert_int_equal(theme_color_resolve(3, 0x1000000), 3);
	assert_int_equal(theme_color_resolve(196, 0x1000000), 0xff0000);
	assert_int_equal(theme_color_resolve(THEME_RGB(0, 0, 5), 0x1000000),
	    0);
}

static void
test_theme_color_contrast_picks_black_or_white(void **state)
{
	assert_int_equal(theme_color_contrast(7, 8), 0);
	assert_int_equal(theme_color_contrast(0, 8), 7);
	assert_int_equal(theme_color_contrast(4, 16), 15);
	assert_int_equal(theme_color_contrast(231, 256), 16);
	assert_int_equal(theme_color_contrast(17, 256), 231);
	assert_int_equal(theme_color_contrast(0xffff00, 0x1000000), 0);
	assert_int_equal(theme_color_contrast(0x000080, 0x1000000), 0xffffff);
}

static void
test_theme_find_follows_search_path(void **state)
{
	const char	*tmp = *state;
	char		 dir[PATH_MAX], xdg[PATH_MAX], path[PATH_MAX];

	snprintf(dir, sizeof dir, "%s/dir", tmp);
	snprintf(xdg, sizeof xdg, "%s/xdg", tmp);
	write_text(join(dir, "light.theme"), "title = red\n");
	write_text(join(xdg, "cswviz/themes/light.theme"), "title = red\n");
	write_text(join(tmp, ".config/cswviz/themes/light.theme"),
	    "title = red\n");

	/* --theme-dir first. */
	setenv("XDG_CONFIG_HOME", xdg, 1);
	assert_int_equal(theme_find("light", dir, path, sizeof path), 0);
	assert_string_equal(path, join(dir, "light.theme"));
	/* Then $XDG_CONFIG_HOME/cswviz/themes. */
	assert_int_equal(theme_find("light", NULL, path, sizeof path), 0);
	assert_string_equal(path, join(xdg, "cswviz/themes/light.theme"));
	/* Then ~/.config/cswviz/themes when XDG_CONFIG_HOME is unset... */
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(theme_find("light", NULL, path, sizeof path), 0);
	assert_string_equal(path,
	    join(tmp, ".config/cswviz/themes/light.theme"));
	/* ...or relative, which the XDG spec says to ignore. */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	assert_int_equal(theme_find("light", NULL, path, sizeof path), 0);
	assert_string_equal(path,
	    join(tmp, ".config/cswviz/themes/light.theme"));
	/* Then the installed directory. */
	setenv("XDG_CONFIG_HOME", xdg, 1);
	assert_int_equal(theme_find("installed-only", dir, path, sizeof path),
	    0);
	assert_string_equal(path, CSW_THEMEDIR "/installed-only.theme");
	assert_int_equal(unlink(join(xdg, "cswviz/themes/light.theme")), 0);
	assert_int_equal(unlink(join(tmp,
	    ".config/cswviz/themes/light.theme")), 0);
	assert_int_equal(theme_find("light", NULL, path, sizeof path), 0);
	assert_string_equal(path, CSW_THEMEDIR "/light.theme");
	/* Built-ins have no file; nor has a name found nowhere. */
	assert_int_equal(theme_find("default", dir, path, sizeof path), -1);
	assert_int_equal(theme_find("nosuch", dir, path, sizeof path), -1);
	assert_int_equal(theme_find("", dir, path, sizeof path), -1);
	/* A name with '/' is a path. */
	assert_int_equal(theme_find(join(dir, "light.theme"), NULL, path,
	    sizeof path), 0);
	assert_string_equal(path, join(dir, "light.theme"));
	assert_int_equal(theme_find("./nosuch.theme", NULL, path, sizeof path),
	    -1);
}

static void
test_theme_load_prefers_file_over_builtin(void **state)
{
	const char	*tmp = *state;
	struct theme	 t;
	char		 dir[PATH_MAX], err[512], want[PATH_MAX + 64];

	snprintf(dir, sizeof dir, "%s/dir", tmp);
	/* No file: the built-ins still load. */
	assert_int_equal(theme_load("default", dir, &t, err, sizeof err), 0);
	assert_theme_equal(&t, theme_builtin("default"));
	assert_int_equal(theme_load("mono", NULL, &t, err, sizeof err), 0);
	assert_theme_equal(&t, theme_builtin("mono"));
	/* A file of a built-in's name wins, broken or not. */
	write_text(join(dir, "mono.theme"), "title = red\n");
	assert_int_equal(theme_load("mono", dir, &t, err, sizeof err), 0);
	assert_int_equal(t.styles[THEME_TITLE].fg, 1);
	assert_string_equal(t.name, "mono");
	write_text(join(dir, "default.theme"), "\ntitle = purpel\n");
	assert_int_equal(theme_load("default", dir, &t, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:2: unknown colour \"purpel\"",
	    join(dir, "default.theme"));
	assert_string_equal(err, want);
	assert_int_equal(t.styles[THEME_TITLE].fg, 1);
}

static void
test_theme_load_reports_missing(void **state)
{
	const char	*tmp = *state;
	struct theme	 t, before;
	char		 err[512], want[2 * PATH_MAX + 128];

	setenv("XDG_CONFIG_HOME", join(tmp, "xdg"), 1);
	t = *theme_builtin("mono");
	before = t;
	assert_int_equal(theme_load("nosuch", "/no/dir", &t, err, sizeof err),
	    -1);
	snprintf(want, sizeof want, "no theme \"nosuch\" in /no/dir, "
	    "%s/xdg/cswviz/themes, %s", tmp, CSW_THEMEDIR);
	assert_string_equal(err, want);
	assert_int_equal(theme_load("/no/such.theme", NULL, &t, err,
	    sizeof err), -1);
	assert_string_equal(err, "/no/such.theme: no such theme file");
	assert_int_equal(theme_load("", NULL, &t, err, sizeof err), -1);
	assert_theme_equal(&t, &before);
}

static void
test_theme_list_is_unique_and_sorted(void **state)
{
	static const char	*want[] = {
		"default", "installed-only", "light", "mine", "mono", "zeta"
	};
	const char		*tmp = *state;
	char			 dir[PATH_MAX], **names;
	size_t			 n, i;

	snprintf(dir, sizeof dir, "%s/dir", tmp);
	write_text(join(dir, "zeta.theme"), "");
	write_text(join(dir, "light.theme"), "");
	write_text(join(dir, "mono.theme"), "");
	write_text(join(dir, ".hidden.theme"), "");
	write_text(join(dir, "notes.txt"), "");
	write_text(join(dir, ".theme"), "");
	write_text(join(dir, "sub.theme/x"), "");
	write_text(join(tmp, ".config/cswviz/themes/mine.theme"), "");
	write_text(join(tmp, ".config/cswviz/themes/light.theme"), "");

	assert_int_equal(theme_list(dir, &names, &n), 0);
	assert_int_equal(n, CSW_ARRAY_LEN(want));
	for (i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	assert_string_equal(theme_list_next(names, n, "mono"), "zeta");
	assert_string_equal(theme_list_next(names, n, "zeta"), "default");
	assert_string_equal(theme_list_next(names, n, "gone"), "default");
	assert_null(theme_list_next(names, 0, "mono"));
	theme_list_free(names, n);

	/* Without the directory the built-ins are still there. */
	assert_int_equal(theme_list(NULL, &names, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(names[0], "default");
	assert_string_equal(names[3], "mine");
	assert_string_equal(names[4], "mono");
	theme_list_free(names, n);
}

static void
test_theme_list_print_says_where(void **state)
{
	const char	*tmp = *state;
	char		 dir[PATH_MAX], out[PATH_MAX], *text, want[4096];
	FILE		*fp;

	snprintf(dir, sizeof dir, "%s/dir", tmp);
	write_text(join(dir, "mono.theme"), "");
	snprintf(out, sizeof out, "%s/list.txt", tmp);
	assert_non_null(fp = fopen(out, "w"));
	assert_int_equal(theme_list_print(fp, dir), 0);
	fclose(fp);
	text = read_text(out);
	snprintf(want, sizeof want,
	    "%-16s %s\n%-16s %s\n%-16s %s\n%-16s %s\n",
	    "default", "built-in",
	    "installed-only", CSW_THEMEDIR "/installed-only.theme",
	    "light", CSW_THEMEDIR "/light.theme",
	    "mono", join(dir, "mono.theme"));
	assert_string_equal(text, want);
	free(text);
}

static void
test_theme_env_no_color_needs_a_value(void **state)
{
	unsetenv("NO_COLOR");
	assert_false(theme_env_no_color());
	setenv("NO_COLOR", "", 1);
	assert_false(theme_env_no_color());
	setenv("NO_COLOR", "1", 1);
	assert_true(theme_env_no_color());
	unsetenv("NO_COLOR");
}

/* Start curses on a terminal type that writes to /dev/null. */
static SCREEN *
open_screen(const char *term, FILE **out, FILE **in)
{
	SCREEN	*sp;

	*out = fopen("/dev/null", "w");
	*in = fopen("/dev/null", "r");
	if (*out == NULL || *in == NULL)
		fail_msg("cannot open /dev/null");
	if ((sp = newterm(term, *out, *in)) == NULL) {
		fclose(*out);
		fclose(*in);
	}
	return (sp);
}

/* End a screen from open_screen(). */
static void
close_screen(SCREEN *sp, FILE *out, FILE *in)
{
	endwin();
	delscreen(sp);
	fclose(out);
	fclose(in);
}

/* Check the colours of a role's pair. */
static void
assert_pair(enum theme_role role, int want_fg, int want_bg)
{
	int	fg, bg;

	assert_true(theme_pair(role) > 0);
	assert_int_equal(theme_attr(role) & A_COLOR,
	    COLOR_PAIR(theme_pair(role)));
	assert_int_equal(extended_pair_content(theme_pair(role), &fg, &bg),
	    OK);
	assert_int_equal(fg, want_fg);
	assert_int_equal(bg, want_bg);
}

static void
test_theme_apply_degrades_with_the_terminal(void **state)
{
	struct theme	 light;
	char		 err[512];
	SCREEN		*sp;
	FILE		*out, *in;

	assert_int_equal(theme_load(THEMES_SRCDIR "/light.theme", NULL,
	    &light, err, sizeof err), 0);

	if ((sp = open_screen("xterm-256color", &out, &in)) == NULL)
		skip();
	theme_apply(theme_builtin("default"), false);
	assert_int_equal(COLORS, 256);
	assert_int_equal(theme_pair(THEME_NORMAL), 0);
	assert_int_equal(theme_attr(THEME_NORMAL), A_NORMAL);
	assert_pair(THEME_HEADER, 15, 4);
	assert_true(theme_attr(THEME_HEADER) & A_BOLD);
	assert_pair(THEME_KEY, 0, 6);
	assert_pair(THEME_TITLE, 14, -1);
	/* Same colours share a pair. */
	assert_int_equal(theme_pair(THEME_WARN),
	    theme_pair(THEME_GRAPH_SYSTEM));
	/* RGB maps into the cube; default means the normal role's. */
	theme_apply(&light, false);
	assert_pair(THEME_NORMAL, 234, 231);
	assert_pair(THEME_TITLE, 24, 231);
	assert_pair(THEME_LABEL, 234, 231);
	/* NO_COLOR: the mono theme's attributes, no pairs. */
	theme_apply(&light, true);
	assert_int_equal(theme_pair(THEME_HEADER), 0);
	assert_int_equal(theme_attr(THEME_HEADER), A_REVERSE);
	assert_int_equal(theme_attr(THEME_BAR_COMMITTED), A_BOLD);
	close_screen(sp, out, in);

	if ((sp = open_screen("xterm", &out, &in)) == NULL)
		skip();
	theme_apply(&light, false);
	assert_int_equal(COLORS, 8);
	assert_pair(THEME_NORMAL, 0, 7);
	assert_pair(THEME_BAD, 1, 7);
	/* #b2b2b2 on #ffffff both become white: the fg turns black. */
	assert_pair(THEME_BAR_RESERVED, 0, 7);
	close_screen(sp, out, in);

	if ((sp = open_screen("vt100", &out, &in)) == NULL)
		skip();
	theme_apply(theme_builtin("default"), false);
	assert_int_equal(theme_pair(THEME_TITLE), 0);
	assert_int_equal(theme_attr(THEME_TITLE), A_BOLD);
	assert_int_equal(theme_attr(THEME_KEY), A_REVERSE);
	close_screen(sp, out, in);
}

static void
test_theme_apply_maps_to_16_colours(void **state)
{
	const char	*tmp = *state;
	struct theme	 t;
	char		 cmd[3 * PATH_MAX], err[512];
	SCREEN		*sp;
	FILE		*out, *in;

	/* ncurses-base has no 16-colour xterm: compile one. */
	write_text(join(tmp, "16.ti"), "cswviz-16color|xterm with 16 colours,"
	    "\n\tcolors#16, pairs#256, use=xterm,\n");
	snprintf(cmd, sizeof cmd, "tic -x -o '%s' '%s' 2>/dev/null",
	    join(tmp, "terminfo"), join(tmp, "16.ti"));
	if (system(cmd) != 0)
		skip();
	setenv("TERMINFO", join(tmp, "terminfo"), 1);
	sp = open_screen("cswviz-16color", &out, &in);
	unsetenv("TERMINFO");
	if (sp == NULL)
		skip();
	assert_int_equal(theme_load(THEMES_SRCDIR "/light.theme", NULL, &t,
	    err, sizeof err), 0);
	theme_apply(&t, false);
	assert_int_equal(COLORS, 16);
	assert_pair(THEME_NORMAL, 0, 15);
	assert_pair(THEME_BAR_RESERVED, 7, 15);
	assert_pair(THEME_BAD, 1, 15);
	theme_apply(theme_builtin("default"), false);
	assert_pair(THEME_HEADER, 15, 4);
	assert_pair(THEME_DIM, 8, -1);
	close_screen(sp, out, in);
}

static void
test_theme_apply_keeps_colourless_theme_attributes(void **state)
{
	struct theme	 t;
	char		 err[512];
	SCREEN		*sp;
	FILE		*out, *in;

	assert_int_equal(theme_parse("title = default underline\n", "u.theme",
	    &t, err, sizeof err), 0);
	memcpy(t.styles, theme_builtin("mono")->styles, sizeof t.styles);
	t.styles[THEME_TITLE].attrs = THEME_ATTR_UNDERLINE;
	if ((sp = open_screen("vt100", &out, &in)) == NULL)
		skip();
	theme_apply(&t, true);
	assert_int_equal(theme_attr(THEME_TITLE), A_UNDERLINE);
	assert_int_equal(theme_attr(THEME_HEADER), A_REVERSE);
	close_screen(sp, out, in);
}

/* A channel of an sRGB colour, linear. */
static double
lin(int c)
{
	double	v = c / 255.0;

	return (v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4));
}

/* WCAG relative luminance of 0xRRGGBB. */
static double
luminance(int rgb)
{
	return (0.2126 * lin((rgb >> 16) & 0xff) + 0.7152 *
	    lin((rgb >> 8) & 0xff) + 0.0722 * lin(rgb & 0xff));
}

/* WCAG contrast ratio of two colours, 1 to 21. */
static double
contrast(int a, int b)
{
	double	la = luminance(a), lb = luminance(b), t;

	if (la < lb) {
		t = la;
		la = lb;
		lb = t;
	}
	return ((la + 0.05) / (lb + 0.05));
}

/* CIELAB a* and b* of linear RGB (D65). */
static void
lab_ab(const double *rgb, double *a, double *b)
{
	double	x, y, z, f[3], v[3];
	int	i;

	x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.9505;
	y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
	z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.089;
	v[0] = x;
	v[1] = y;
	v[2] = z;
	for (i = 0; i < 3; i++)
		f[i] = v[i] > 0.008856 ? cbrt(v[i]) : 7.787 * v[i] + 16.0 / 116;
	*a = 500 * (f[0] - f[1]);
	*b = 200 * (f[1] - f[2]);
}

/*
 * How far apart two colours' hues look to a viewer without green cones
 * (deuteranopia) or red ones (protanopia), Machado et al. 2009 at full
 * severity: the smaller CIELAB chroma distance of the two.  Lightness is
 * left out on purpose, since two series that differ only in lightness
 * read as one on a washed-out projector.
 */
static double
cvd_distance(int c1, int c2)
{
	static const double	m[2][3][3] = {
		{ { 0.367322, 0.860646, -0.227968 },
		  { 0.280085, 0.672501, 0.047413 },
		  { -0.011820, 0.042940, 0.968881 } },
		{ { 0.152286, 1.052583, -0.204868 },
		  { 0.114503, 0.786281, 0.099216 },
		  { -0.003882, -0.048116, 1.051998 } },
	};
	double			 in[2][3], out[3], a[2], b[2], d;
	double			 best = -1;
	int			 k, c, i, j;

	for (c = 0; c < 2; c++) {
		for (i = 0; i < 3; i++)
			in[c][i] = lin(((c ? c2 : c1) >> (16 - 8 * i)) & 0xff);
	}
	for (k = 0; k < 2; k++) {
		for (c = 0; c < 2; c++) {
			for (i = 0; i < 3; i++) {
				out[i] = 0;
				for (j = 0; j < 3; j++)
					out[i] += m[k][i][j] * in[c][j];
				out[i] = out[i] < 0 ? 0 : (out[i] > 1 ? 1 :
				    out[i]);
			}
			lab_ab(out, &a[c], &b[c]);
		}
		d = hypot(a[0] - a[1], b[0] - b[1]);
		if (best < 0 || d < best)
			best = d;
	}
	return (best);
}

/* The RGB a role is drawn in; fg false: its background. */
static int
role_rgb(const struct theme *t, enum theme_role role, bool fg, int dflt)
{
	int	c = fg ? t->styles[role].fg : t->styles[role].bg;

	if (c == THEME_COLOR_DEFAULT && role != THEME_NORMAL)
		return (role_rgb(t, THEME_NORMAL, fg, dflt));
	return (c == THEME_COLOR_DEFAULT ? dflt : theme_color_rgb(c));
}

static void
test_theme_graphs_read_apart_and_on_a_projector(void **state)
{
	static const enum theme_role	 graph[] = { THEME_GRAPH_VOL,
					    THEME_GRAPH_INVOL,
					    THEME_GRAPH_FIBER,
					    THEME_GRAPH_SYSTEM };
	struct theme			 t;
	char				 path[PATH_MAX], err[512];
	int				 bg, fg, vol, invol;
	size_t				 i, j;

	/* The old red and green fail the measure; blue and orange pass. */
	assert_true(cvd_distance(0x00ff00, 0xff5f5f) < 40);
	assert_true(cvd_distance(0x008700, 0xd70000) < 40);
	assert_true(cvd_distance(0x0072b2, 0xe69f00) > 60);
	for (i = 0; i < CSW_ARRAY_LEN(shipped); i++) {
		if (strcmp(shipped[i], "mono") == 0)
			continue;	/* no colour: the glyphs differ */
		snprintf(path, sizeof path, THEMES_SRCDIR "/%s.theme",
		    shipped[i]);
		assert_int_equal(theme_load(path, NULL, &t, err, sizeof err),
		    0);
		/* A theme without its own background is for a dark one. */
		bg = role_rgb(&t, THEME_NORMAL, false, 0x000000);
		fg = role_rgb(&t, THEME_NORMAL, true, 0xd0d0d0);
		vol = role_rgb(&t, THEME_GRAPH_VOL, true, fg);
		invol = role_rgb(&t, THEME_GRAPH_INVOL, true, fg);
		if (cvd_distance(vol, invol) <= 60)
			fail_msg("%s: voluntary and involuntary look alike "
			    "to colour-blind viewers", shipped[i]);
		/* Axis labels are text: WCAG's 4.5; graphs 3. */
		if (contrast(role_rgb(&t, THEME_LABEL, true, fg), bg) < 4.5)
			fail_msg("%s: axis labels too faint", shipped[i]);
		for (j = 0; j < CSW_ARRAY_LEN(graph); j++) {
			if (contrast(role_rgb(&t, graph[j], true, fg), bg) < 3)
				fail_msg("%s: %s too faint", shipped[i],
				    theme_role_name(graph[j]));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theme_role_names_are_distinct),
		cmocka_unit_test(test_theme_builtins_exist),
		cmocka_unit_test(test_theme_parse_shipped_files),
		cmocka_unit_test(test_theme_shipped_files_set_every_role),
		cmocka_unit_test(test_theme_files_match_builtins),
		cmocka_unit_test(
		    test_theme_graphs_read_apart_and_on_a_projector),
		cmocka_unit_test(test_theme_parse_reports_file_and_line),
		cmocka_unit_test(test_theme_parse_rejects_malformed_lines),
		cmocka_unit_test(test_theme_parse_rejects_long_line),
		cmocka_unit_test(test_theme_parse_failure_keeps_previous),
		cmocka_unit_test(test_theme_parse_inherits_and_last_wins),
		cmocka_unit_test(test_theme_parse_colour_forms),
		cmocka_unit_test(test_theme_nearest_color_maps_rgb),
		cmocka_unit_test(test_theme_color_resolve_degrades),
		cmocka_unit_test(
		    test_theme_color_contrast_picks_black_or_white),
		cmocka_unit_test_setup_teardown(
		    test_theme_find_follows_search_path, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(
		    test_theme_load_prefers_file_over_builtin, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(
		    test_theme_load_reports_missing, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(
		    test_theme_list_is_unique_and_sorted, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(
		    test_theme_list_print_says_where, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_theme_env_no_color_needs_a_value),
		cmocka_unit_test(test_theme_apply_degrades_with_the_terminal),
		cmocka_unit_test_setup_teardown(
		    test_theme_apply_maps_to_16_colours, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test(
		    test_theme_apply_keeps_colourless_theme_attributes),
	};

	return (cmocka_run_group_tests_name("theme", tests, NULL, NULL));
}

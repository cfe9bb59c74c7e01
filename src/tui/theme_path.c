/* SPDX-License-Identifier: ISC */
/*
 * Where themes live: the search path, loading by name, listing.
 * Curses-free; reads the environment (XDG_CONFIG_HOME, HOME, NO_COLOR).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/theme.h"
#include "util/util.h"

#ifndef CSW_THEMEDIR
#error CSW_THEMEDIR must name the installed themes directory
#endif

#define THEME_DIRS_MAX	4
#define THEME_SUFFIX	".theme"

struct theme_dirs {
	const char	*dir[THEME_DIRS_MAX];
	size_t		 n;
	char		 config[PATH_MAX];
	char		 beside[PATH_MAX];
};

/* Tell whether NO_COLOR asks for no colour. */
bool
theme_env_no_color(void)
{
	const char	*s = getenv("NO_COLOR");

	return (s != NULL && *s != '\0');
}

/* The themes/ directory beside the running program, if there is one. */
static int
theme_exe_themes(char *buf, size_t len)
{
	char		 exe[PATH_MAX], *slash;
	ssize_t		 n;
	struct stat	 sb;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return (-1);
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return (-1);
	*slash = '\0';
	if (snprintf(buf, len, "%s/themes", exe) >= (int)len)
		return (-1);
	return (stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1);
}

/* Build the search path: theme_dir, the user's config, the installed. */
static void
theme_dirs_get(const char *theme_dir, struct theme_dirs *d)
{
	const char	*xdg, *home;
	int		 n = -1;

	d->n = 0;
	if (theme_dir != NULL && *theme_dir != '\0')
		d->dir[d->n++] = theme_dir;

	/* XDG says a relative XDG_CONFIG_HOME is invalid: ignore it. */
	xdg = getenv("XDG_CONFIG_HOME");
	home = getenv("HOME");
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(d->config, sizeof d->config, "%s/cswviz/themes",
		    xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(d->config, sizeof d->config,
		    "%s/.config/cswviz/themes", home);
	if (n > 0 && (size_t)n < sizeof d->config)
		d->dir[d->n++] = d->config;

	d->dir[d->n++] = CSW_THEMEDIR;

	/* Run from a build tree: the themes/ folder beside the program. */
	if (theme_exe_themes(d->beside, sizeof d->beside) == 0 &&
	    strcmp(d->beside, CSW_THEMEDIR) != 0)
		d->dir[d->n++] = d->beside;
}

/* Tell whether a path names a regular file. */
static bool
theme_is_file(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0 && S_ISREG(sb.st_mode));
}

/* Find the file of a theme on the search path. */
int
theme_find(const char *name, const char *theme_dir, char *path,
    size_t pathlen)
{
	struct theme_dirs	d;
	size_t			i;
	int			n;

	if (name == NULL || *name == '\0' || pathlen == 0)
		return (-1);
	if (strchr(name, '/') != NULL) {
		if (!theme_is_file(name) || strlen(name) >= pathlen)
			return (-1);
		memcpy(path, name, strlen(name) + 1);
		return (0);
	}
	theme_dirs_get(theme_dir, &d);
	for (i = 0; i < d.n; i++) {
		n = snprintf(path, pathlen, "%s/%s%s", d.dir[i], name,
		    THEME_SUFFIX);
		if (n < 0 || (size_t)n >= pathlen)
			continue;
		if (theme_is_file(path))
			return (0);
	}
	path[0] = '\0';
	return (-1);
}

/* Read a whole theme file into a new string. */
static int
theme_read_file(const char *path, char **text, char *err, size_t errlen)
{
	FILE	*f;
	char	*buf;
	size_t	 len;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	buf = xmalloc(THEME_FILE_MAX + 1);
	len = fread(buf, 1, THEME_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (len > THEME_FILE_MAX) {
		snprintf(err, errlen, "%s: too large (over %d bytes)", path,
		    THEME_FILE_MAX);
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	*text = buf;
	return (0);

fail:
	free(buf);
	fclose(f);
	return (-1);
}

/* Say where a theme was looked for. */
static void
theme_not_found(const char *name, const char *theme_dir, char *err,
    size_t errlen)
{
	struct theme_dirs	d;
	size_t			i, used;
	int			n;

	if (strchr(name, '/') != NULL) {
		snprintf(err, errlen, "%s: no such theme file", name);
		return;
	}
	theme_dirs_get(theme_dir, &d);
	n = snprintf(err, errlen, "no theme \"%s\" in", name);
	for (i = 0; i < d.n && n >= 0 && (size_t)n < errlen; i++) {
		used = n;
		n = snprintf(err + used, errlen - used, "%s %s",
		    i == 0 ? "" : ",", d.dir[i]);
		if (n >= 0)
			n += used;
	}
}

/* Load a theme by name or path. */
int
theme_load(const char *name, const char *theme_dir, struct theme *out,
    char *err, size_t errlen)
{
	struct theme		 t;
	const struct theme	*builtin;
	char			 path[PATH_MAX], *text, dummy[1];
	int			 r;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';
	if (name == NULL || *name == '\0') {
		snprintf(err, errlen, "empty theme name");
		return (-1);
	}
	if (theme_find(name, theme_dir, path, sizeof path) == 0) {
		if (theme_read_file(path, &text, err, errlen) != 0)
			return (-1);
		r = theme_parse(text, path, &t, err, errlen);
		free(text);
		if (r != 0)
			return (-1);
		*out = t;
		return (0);
	}
	if ((builtin = theme_builtin(name)) != NULL) {
		*out = *builtin;
		return (0);
	}
	theme_not_found(name, theme_dir, err, errlen);
	return (-1);
}

/* Order names for qsort. */
static int
theme_cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Add a name to a growing list. */
static void
theme_list_add(char ***names, size_t *n, size_t *cap, const char *name,
    size_t len)
{
	char	*s;

	if (*n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		*names = xrealloc(*names, *cap * sizeof **names);
	}
	s = xmalloc(len + 1);
	memcpy(s, name, len);
	s[len] = '\0';
	(*names)[(*n)++] = s;
}

/* Add the themes in one directory; a missing directory adds none. */
static void
theme_list_dir(const char *dir, char ***names, size_t *n, size_t *cap)
{
	DIR		*dp;
	struct dirent	*de;
	char		 path[PATH_MAX];
	size_t		 len, slen = strlen(THEME_SUFFIX);
	int		 r;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= slen ||
		    strcmp(de->d_name + len - slen, THEME_SUFFIX) != 0)
			continue;
		r = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (r < 0 || (size_t)r >= sizeof path || !theme_is_file(path))
			continue;
		theme_list_add(names, n, cap, de->d_name, len - slen);
	}
	closedir(dp);
}

/* List every theme name, unique and sorted. */
int
theme_list(const char *theme_dir, char ***names, size_t *n)
{
	struct theme_dirs	 d;
	char			**list = NULL;
	size_t			 count = 0, cap = 0, i, j;

	theme_list_add(&list, &count, &cap, "default", strlen("default"));
	theme_list_add(&list, &count, &cap, "mono", strlen("mono"));
	theme_dirs_get(theme_dir, &d);
	for (i = 0; i < d.n; i++)
		theme_list_dir(d.dir[i], &list, &count, &cap);

	qsort(list, count, sizeof *list, theme_cmp_names);
	for (i = j = 0; i < count; i++) {
		if (j > 0 && strcmp(list[j - 1], list[i]) == 0)
			free(list[i]);
		else
			list[j++] = list[i];
	}
	*names = list;
	*n = j;
	return (0);
}

/* Free a list from theme_list(). */
void
theme_list_free(char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Pick the name after current, wrapping. */
const char *
theme_list_next(char *const *names, size_t n, const char *current)
{
	size_t	i;

	if (n == 0)
		return (NULL);
	for (i = 0; current != NULL && i < n; i++) {
		if (strcmp(names[i], current) == 0)
			return (names[(i + 1) % n]);
	}
	return (names[0]);
}

/* Print each theme and where it comes from. */
int
theme_list_print(FILE *fp, const char *theme_dir)
{
	struct theme	  t;
	char		**names, path[PATH_MAX], err[PATH_MAX + 160];
	size_t		  n, i;
	int		  w = 16;

	if (theme_list(theme_dir, &names, &n) != 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((int)strlen(names[i]) + 1 > w)
			w = (int)strlen(names[i]) + 1;
	}
	for (i = 0; i < n; i++) {
		/* A theme that would not load says why, as -t would. */
		if (theme_load(names[i], theme_dir, &t, err, sizeof err) != 0)
			fprintf(fp, "%-*s does not parse: %s\n", w, names[i],
			    err);
		else {
			if (theme_find(names[i], theme_dir, path,
			    sizeof path) != 0)
				snprintf(path, sizeof path, "built-in");
			fprintf(fp, "%-*s %s\n", w, names[i], path);
		}
	}
	theme_list_free(names, n);
	return (ferror(fp) ? -1 : 0);
}

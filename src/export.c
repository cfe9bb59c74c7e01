/* SPDX-License-Identifier: ISC */
/*
 * The figure of the model written to a file: to a name given (--export),
 * or to a new name in a folder (the e key).  Side by side, the peer's
 * model (the fibers side) goes into the same figure, on the same axes.
 * A file that cannot be made or written is an error for the caller to
 * show; a half-written file is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "figure/svg.h"
#include "model/model.h"
#include "proc/machine.h"
#include "tui/theme.h"
#include "util/util.h"

/* A theme colour as 0xRRGGBB, or dflt for the terminal's own. */
static int
export_rgb(int colour, int dflt)
{
	int	rgb = theme_color_rgb(colour);

	return (rgb < 0 ? dflt : rgb);
}

/*
 * The figure's colours from a theme: its paper the theme's background
 * where it names one, else white; each line's ink the role's colour made
 * to stand out on the paper; the grid a faint mix of text and paper.
 */
static void
export_style(const struct theme *t, struct figure_style *st)
{
	static const enum theme_role roles[FIGURE_INK_COUNT] = {
		[FIGURE_INK_VOLUNTARY] = THEME_GRAPH_VOL,
		[FIGURE_INK_INVOLUNTARY] = THEME_GRAPH_INVOL,
		[FIGURE_INK_FIBER] = THEME_GRAPH_FIBER,
		[FIGURE_INK_SYSTEM] = THEME_GRAPH_SYSTEM,
		[FIGURE_INK_RESERVED] = THEME_BAR_RESERVED,
		[FIGURE_INK_COMMITTED] = THEME_BAR_COMMITTED,
	};
	const struct theme_style *normal = &t->styles[THEME_NORMAL];
	int	i, a, b;

	st->bg = export_rgb(normal->bg, 0xffffff);
	st->fg = normal->bg == THEME_COLOR_DEFAULT ? 0x1c1c1c :
	    figure_contrast_ink(export_rgb(normal->fg, 0x1c1c1c), st->bg,
	    st->bg > 0x808080 ? 0 : 0xffffff);
	st->dim = 0;
	for (i = 0; i < 3; i++) {
		a = (st->fg >> (16 - 8 * i)) & 0xff;
		b = (st->bg >> (16 - 8 * i)) & 0xff;
		st->dim |= ((a + 4 * b) / 5) << (16 - 8 * i);
	}
	for (i = 0; i < FIGURE_INK_COUNT; i++)
		st->ink[i] = figure_contrast_ink(export_rgb(
		    t->styles[roles[i]].fg, st->fg), st->bg, st->fg);
	st->theme = t->name;
}

/* Write the figure to fp, with the caption's machine and time. */
static int
export_write(FILE *fp, const struct model *m, const struct model *peer,
    const struct theme *t, const char *source)
{
	struct figure_style	 st;
	struct figure_caption	 cap;
	struct machine		 mach;
	char			 desc[3 * MACHINE_TEXTLEN], err[160];
	char			 machine[4 * MACHINE_TEXTLEN], when[64];
	time_t			 now = time(NULL);
	struct tm		 tm;

	export_style(t, &st);
	machine_read("/proc", &mach, err, sizeof err);
	machine_describe(&mach, desc, sizeof desc);
	if (model_recorded(m))
		snprintf(machine, sizeof machine, "%s (where it was drawn: a "
		    "recording does not name its machine)", desc);
	else
		snprintf(machine, sizeof machine, "%s", desc);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	cap.machine = machine;
	cap.source = source;
	cap.when = when;
	if (peer != NULL)
		return (figure_svg_sides(fp, m, peer, &st, &cap));
	return (figure_svg(fp, m, &st, &cap));
}

/* The reason a figure could not be written, from errno. */
static void
export_why(const char *path, char *err, size_t len)
{
	char	buf[128];

	if (errno == EAGAIN)
		snprintf(err, len, "no figure yet: the graphs need two "
		    "samples of this scenario");
	else
		snprintf(err, len, "cannot write the figure %s: %s", path,
		    util_strerror(errno, buf, sizeof buf));
}

/* Write the figure to an open file and close it; the file is removed on
   failure. */
static int
export_finish(FILE *fp, const char *path, const struct model *m,
    const struct model *peer, const struct theme *t, const char *source,
    char *err, size_t len)
{
	int	saved;

	if (export_write(fp, m, peer, t, source) != 0 || fflush(fp) != 0) {
		saved = errno;
		if (fp != stdout) {
			fclose(fp);
			unlink(path);
		}
		errno = saved;
		export_why(path, err, len);
		return (-1);
	}
	if (fp != stdout && fclose(fp) != 0) {
		saved = errno;
		unlink(path);
		errno = saved;
		export_why(path, err, len);
		return (-1);
	}
	return (0);
}

/* Whether both sides (or the one) have the two samples a graph needs. */
static bool
export_ready(const struct model *m, const struct model *peer)
{
	return (model_len(m) >= 2 && model_last(m) != NULL &&
	    (peer == NULL || (model_len(peer) >= 2 &&
	    model_last(peer) != NULL)));
}

/*
 * Write the figure of the model, and side by side of the peer's beside it
 * (NULL: one workload), to path ("-": standard output), in the theme's
 * colours, saying source in its caption.  0, or -1 with err.
 */
int
export_figure(const struct model *m, const struct model *peer,
    const struct theme *t, const char *path, const char *source, char *err,
    size_t len)
{
	FILE	*fp;

	if (!export_ready(m, peer)) {
		errno = EAGAIN;
		export_why(path, err, len);
		return (-1);
	}
	if (strcmp(path, "-") == 0)
		return (export_finish(stdout, path, m, peer, t, source, err,
		    len));
	if ((fp = fopen(path, "w")) == NULL) {
		export_why(path, err, len);
		return (-1);
	}
	return (export_finish(fp, path, m, peer, t, source, err, len));
}

/*
 * Write the figure to a new file in dir (NULL: the current folder), named
 * for the lesson, the mode (or "side-by-side") and the time; path gets
 * its name.  0, or -1 with err in path.
 */
int
export_figure_new(const struct model *m, const struct model *peer,
    const struct theme *t, const char *dir, const char *source, char *path,
    size_t len)
{
	const struct sample	*s = model_last(m);
	char			 stamp[32], base[PATH_MAX], err[EXPORT_ERRLEN];
	time_t			 now = time(NULL);
	struct tm		 tm;
	FILE			*fp;
	int			 fd, i;

	if (!export_ready(m, peer)) {
		errno = EAGAIN;
		export_why("", path, len);
		return (-1);
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(base, sizeof base, "%s/cswviz-%s-%s-%s", dir != NULL ? dir :
	    ".", s->scenario, peer != NULL ? "side-by-side" : s->mode_name,
	    stamp);
	/* A second figure in the same second gets -2, -3 ... */
	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(path, len, "%s.svg", base);
		else
			snprintf(path, len, "%s-%d.svg", base, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		export_why(path, err, sizeof err);
		snprintf(path, len, "%s", err);
		return (-1);
	}
	if (export_finish(fp, path, m, peer, t, source, err, sizeof err) !=
	    0) {
		snprintf(path, len, "%s", err);
		return (-1);
	}
	return (0);
}

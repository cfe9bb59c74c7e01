/* SPDX-License-Identifier: ISC */
/*
 * The recorder: a model of its own, never frozen, so that the file gets
 * every sample even while the display is frozen, written by the writer of
 * recordings (record/write.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "record/recorder.h"
#include "record/write.h"
#include "util/util.h"

struct recorder {
	FILE		*fp;
	char		*path;
	struct model	*model;		/* the two newest samples, for rates */
	struct model	*peer;		/* the fibers side's, side by side */
	size_t		 written;
	int		 error;		/* errno of the first failed write */
};

/* Create (or empty) the file.  NULL with FILE: why. */
struct recorder *
recorder_open(const char *path, char *err, size_t errlen)
{
	struct recorder	*rec;
	FILE		*fp;

	if ((fp = fopen(path, "we")) == NULL) {
		snprintf(err, errlen, "--record %s: %s", path,
		    strerror(errno));
		return (NULL);
	}
	rec = xcalloc(1, sizeof *rec);
	rec->fp = fp;
	rec->path = xmalloc(strlen(path) + 1);
	strcpy(rec->path, path);
	rec->model = model_create(2);
	return (rec);
}

/* The file's name, without its directory. */
const char *
recorder_name(const struct recorder *rec)
{
	const char	*slash = strrchr(rec->path, '/');

	return (slash != NULL ? slash + 1 : rec->path);
}

/*
 * Append a line for a sample (its thread rows are not recorded).  On a
 * write error, -1 with why; the file is closed and nothing more is written.
 */
/* The workload was paused: no rate of the next sample spans the pause. */
void
recorder_gap(struct recorder *rec)
{
	model_gap(rec->model);
}

int
recorder_write(struct recorder *rec, const struct sample *s, char *err,
    size_t errlen)
{
	return (recorder_write_side(rec, s, NULL, err, errlen));
}

/*
 * The same for one side of a run side by side: side names it ("threads"
 * or "fibers"; NULL: one workload), and each side has its own model for
 * its rates.
 */
int
recorder_write_side(struct recorder *rec, const struct sample *s,
    const char *side, char *err, size_t errlen)
{
	struct sample	 copy = *s;
	struct model	*m = rec->model;

	if (rec->fp == NULL)
		return (0);
	if (side != NULL && strcmp(side, "fibers") == 0) {
		if (rec->peer == NULL)
			rec->peer = model_create(2);
		m = rec->peer;
	}
	copy.rows = NULL;
	model_push(m, &copy);
	errno = 0;
	record_write_side(m, NULL, side, RECORD_JSON, rec->fp);
	if (!ferror(rec->fp)) {
		rec->written++;
		return (0);
	}
	rec->error = errno != 0 ? errno : EIO;
	fclose(rec->fp);
	rec->fp = NULL;
	snprintf(err, errlen, "recording stopped: cannot write %s: %s (%zu "
	    "samples kept)", rec->path, strerror(rec->error), rec->written);
	return (-1);
}

/* Close the file: 0, or -1 with why when the recording is incomplete. */
int
recorder_close(struct recorder *rec, char *err, size_t errlen)
{
	int	status = 0;

	if (rec == NULL)
		return (0);
	if (rec->fp != NULL && fclose(rec->fp) != 0 && rec->error == 0)
		rec->error = errno;
	if (rec->error != 0) {
		snprintf(err, errlen, "recording %s is incomplete: %s (%zu "
		    "samples kept)", rec->path, strerror(rec->error),
		    rec->written);
		status = -1;
	}
	model_free(rec->model);
	model_free(rec->peer);
	free(rec->path);
	free(rec);
	return (status);
}

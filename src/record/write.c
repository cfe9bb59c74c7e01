/* SPDX-License-Identifier: ISC */
/*
 * The writer of recordings: a sample as one JSON line or CSV row under the
 * keys of record/columns.c, the CSV header, and the closing line of
 * medians.  --batch prints through it and --record writes through it;
 * record/read.c reads what it writes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/model.h"
#include "record/columns.h"
#include "record/write.h"
#include "util/util.h"

/* Print a number, or null (JSON) / nothing (CSV) when it was not read. */
static void
record_number(double v, int decimals, enum record_format fmt, FILE *out)
{
	if (isnan(v) || isinf(v))
		fputs(fmt == RECORD_JSON ? "null" : "", out);
	else
		fprintf(out, "%.*f", decimals, v);
}

/* The CSV header line, with a side column or not; JSON needs none. */
static void
record_write_head(bool sides, enum record_format fmt, FILE *out)
{
	const struct record_column	*col;
	size_t				 n, i;

	if (fmt != RECORD_CSV)
		return;
	fputs(sides ? "t,side," : "t,", out);
	fputs("pid,mode,scenario,variant,work_unit,tasks,workers", out);
	col = record_columns_table(&n);
	for (i = 0; i < n; i++)
		fprintf(out, ",%s", col[i].key);
	fputs(",warnings,warn_began,warn_ended\n", out);
}

/* The CSV header line; JSON needs none. */
void
record_write_header(enum record_format fmt, FILE *out)
{
	record_write_head(false, fmt, out);
}

/* The CSV header line of a run side by side. */
void
record_write_header_sides(enum record_format fmt, FILE *out)
{
	record_write_head(true, fmt, out);
}

/* The leading columns: time, process, mode, scenario, tasks, workers. */
static void
record_write_lead(const struct model *m, const char *t, const char *side,
    enum record_format fmt, FILE *out)
{
	const struct sample	*s = model_last(m);
	const char		*mode = s->mode_name ? s->mode_name : "";
	const char		*scen = s->scenario ? s->scenario : "";
	const char		*unit = s->work_unit ? s->work_unit : "";
	const char		*var = s->variant ? "true" : "false";
	int			 workers = s->fibers ? s->workers :
				    s->workers_knob;

	if (fmt == RECORD_JSON) {
		fprintf(out, "{\"t\":%s,", t);
		if (side != NULL)
			fprintf(out, "\"side\":\"%s\",", side);
		fprintf(out, "\"pid\":%d,\"mode\":\"%s\","
		    "\"scenario\":\"%s\",\"variant\":%s,", s->pid, mode,
		    scen, var);
		if (s->work_unit != NULL)
			fprintf(out, "\"work_unit\":\"%s\",", unit);
		else
			fputs("\"work_unit\":null,", out);
		if (s->attached)	/* -p: no workload of ours */
			fputs("\"tasks\":null,\"tasks_target\":null,"
			    "\"stack_bytes\":null,\"workers\":null", out);
		else
			fprintf(out, "\"tasks\":%ld,\"tasks_target\":%ld,"
			    "\"stack_bytes\":%llu,\"workers\":%d",
			    s->tasks_alive, s->tasks_target,
			    (unsigned long long)s->task_stack, workers);
		return;
	}
	fprintf(out, "%s,", t);
	if (side != NULL)
		fprintf(out, "%s,", side);
	if (s->attached)
		fprintf(out, "%d,%s,%s,%s,%s,,", s->pid, mode, scen, var,
		    unit);
	else
		fprintf(out, "%d,%s,%s,%s,%s,%ld,%d", s->pid, mode, scen, var,
		    unit, s->tasks_alive, workers);
}

/*
 * The warnings of the newest sample, last on its line: those on now, and
 * the events, those that began and ended at this sample (names, space
 * separated; "" for none).  A summary has the names of all that fired.
 * Without w (--record), none: the replay runs the rules on the figures.
 */
static void
record_write_warns(const struct warns *w, bool summary,
    enum record_format fmt, FILE *out)
{
	static const char *const keys[] = { "warnings", "warn_began",
	    "warn_ended" };
	unsigned	masks[3] = { 0, 0, 0 };
	char		names[160];
	size_t		i;

	if (w == NULL)	/* a recording: --replay works them out again */
		return;
	if (summary)
		masks[0] = w->seen;
	else {
		masks[0] = warn_active(w);
		masks[1] = w->began_now;
		masks[2] = w->ended_now;
	}
	for (i = 0; i < CSW_ARRAY_LEN(keys); i++) {
		warn_names(masks[i], names, sizeof names);
		if (fmt == RECORD_JSON)
			fprintf(out, ",\"%s%s\":\"%s\"", keys[i],
			    summary && i == 0 ? "_seen" : "", names);
		else
			fprintf(out, ",%s", names);
	}
}

/* One line for the newest sample. */
void
record_write_sample(const struct model *m, enum record_format fmt, FILE *out)
{
	record_write_warned(m, NULL, fmt, out);
}

/* One line for the newest sample, with the warnings w holds (or none). */
void
record_write_warned(const struct model *m, const struct warns *w,
    enum record_format fmt, FILE *out)
{
	record_write_side(m, w, NULL, fmt, out);
}

/* One line for the newest sample of one side (NULL: no sides). */
void
record_write_side(const struct model *m, const struct warns *w,
    const char *side, enum record_format fmt, FILE *out)
{
	const struct record_column	*col;
	char				 t[32];
	size_t				 n, i;

	if (model_last(m) == NULL)
		return;
	col = record_columns_table(&n);
	snprintf(t, sizeof t, "%.3f", model_elapsed_s(m));
	record_write_lead(m, t, side, fmt, out);
	for (i = 0; i < n; i++) {
		if (fmt == RECORD_JSON)
			fprintf(out, ",\"%s\":", col[i].key);
		else
			fputc(',', out);
		record_number(model_value(m, col[i].series, 0),
		    col[i].decimals, fmt, out);
	}
	record_write_warns(w, false, fmt, out);
	fputs(fmt == RECORD_JSON ? "}\n" : "\n", out);
	fflush(out);
}

/* The median of a series over the samples the model holds; NAN if none. */
static double
record_median(const struct model *m, enum model_series which, double *tmp)
{
	size_t	n = 0, age, len = model_len(m);
	double	v;

	for (age = 0; age < len; age++) {
		v = model_value(m, which, age);
		if (!isnan(v))
			tmp[n++] = v;
	}
	if (n == 0)
		return (NAN);
	return (util_median(tmp, n));
}

/*
 * The summary: the medians of every column over the run.  JSON: one object
 * with "summary": true and "samples"; CSV: a last row whose t is "median".
 */
void
record_write_summary(const struct model *m, enum record_format fmt,
    FILE *out)
{
	record_write_summary_warned(m, NULL, fmt, out);
}

/* The summary, with the names of every warning w saw fire. */
void
record_write_summary_warned(const struct model *m, const struct warns *w,
    enum record_format fmt, FILE *out)
{
	record_write_summary_side(m, w, NULL, fmt, out);
}

/* The summary of one side (NULL: no sides). */
void
record_write_summary_side(const struct model *m, const struct warns *w,
    const char *side, enum record_format fmt, FILE *out)
{
	const struct record_column	*col;
	double				*tmp;
	size_t				 n, i;

	if (model_last(m) == NULL)
		return;
	col = record_columns_table(&n);
	tmp = xcalloc(model_len(m) + 1, sizeof *tmp);
	record_write_lead(m, fmt == RECORD_JSON ? "null" : "median", side, fmt,
	    out);
	if (fmt == RECORD_JSON)
		fprintf(out, ",\"summary\":true,\"samples\":%zu,"
		    "\"seconds\":%.3f,\"statistic\":\"median\"", model_len(m),
		    model_elapsed_s(m));
	for (i = 0; i < n; i++) {
		if (fmt == RECORD_JSON)
			fprintf(out, ",\"%s\":", col[i].key);
		else
			fputc(',', out);
		record_number(record_median(m, col[i].series, tmp),
		    col[i].decimals, fmt, out);
	}
	record_write_warns(w, true, fmt, out);
	fputs(fmt == RECORD_JSON ? "}\n" : "\n", out);
	fflush(out);
	free(tmp);
}

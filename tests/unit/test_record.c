/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "model/model.h"
#include "record/columns.h"
#include "record/read.h"
#include "record/replay.h"
#include "record/write.h"
#include "sampler/sample.h"

#define REC(name)	FIXTURES "/record/" name

/* Line n (from 1) of a fixture, without its newline; freed by the caller. */
static char *
fixture_line(const char *path, int n)
{
	FILE	*f = fopen(path, "r");
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len = -1;

	assert_non_null(f);
	while (n-- > 0 && (len = getline(&line, &cap, f)) >= 0)
		;
	fclose(f);
	assert_true(len >= 0);
	if (len > 0 && line[len - 1] == '\n')
		line[len - 1] = '\0';
	return (line);
}

/* Parse a string; returns what record_parse returns. */
static int
parse(const char *s, struct record *r, char *err, size_t errlen)
{
	return (record_parse(s, strlen(s), r, err, errlen));
}

static void
test_record_good_line(void **state)
{
	struct record	 r;
	char		 err[160], *line = fixture_line(
			    REC("pingpong-64cpu.jsonl"), 3);

	assert_int_equal(parse(line, &r, err, sizeof err), 0);
	assert_false(r.summary);
	assert_true(r.fig.t == 1.0);
	assert_int_equal(r.fig.pid, 4242);
	assert_string_equal(r.fig.mode, "fibers");
	assert_string_equal(r.fig.scenario, "pingpong");
	assert_int_equal(r.fig.tasks, 512);
	assert_int_equal(r.fig.workers, 64);
	assert_true(fabs(r.fig.v[MS_HANDOFF_RATE] - 4321987.6) < 1e-6);
	assert_true(fabs(r.fig.v[MS_NS_PER_HANDOFF] - 271.8) < 1e-9);
	assert_true(fabs(r.fig.v[MS_KSW_PER_HANDOFF] - 0.0123) < 1e-12);
	assert_true(r.fig.v[MS_VM_SIZE] == 9876543210.0);
	assert_true(r.fig.v[MS_LOAD_TOTAL] == 1234);
	assert_false(r.fig.absent[MS_FIBER_RUNQ]);
	/* The model figures no recording carries are absent, not null. */
	assert_true(r.fig.absent[MS_THREADS]);
	assert_true(isnan(r.fig.v[MS_THREADS]));
	free(line);
}

static void
test_record_nulls_are_unavailable(void **state)
{
	struct record	 r;
	char		 err[160], *line = fixture_line(
			    REC("pingpong-64cpu.jsonl"), 1);

	assert_int_equal(parse(line, &r, err, sizeof err), 0);
	assert_true(isnan(r.fig.v[MS_VCSW_RATE]));
	assert_false(r.fig.absent[MS_VCSW_RATE]);
	assert_true(r.fig.v[MS_STACK_RESERVED] == 33554432);
	free(line);
}

static void
test_record_summary_line(void **state)
{
	struct record	 r;
	char		 err[160], *line = fixture_line(
			    REC("pingpong-64cpu.jsonl"), 25);

	assert_int_equal(parse(line, &r, err, sizeof err), 0);
	assert_true(r.summary);
	free(line);
	/* A null time belongs to the summary alone. */
	assert_int_equal(parse("{\"t\":null,\"mode\":\"threads\",\"scenario\":"
	    "\"pingpong\",\"tasks\":2,\"workers\":0}", &r, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "\"t\" is null"));
}

/* Every column the writer writes is read back into its own series. */
static void
test_record_reads_every_column(void **state)
{
	const struct record_column	*col;
	struct record			 r;
	char				 line[4096], err[160];
	size_t				 i, n, used;

	col = record_columns_table(&n);
	used = (size_t)snprintf(line, sizeof line, "{\"t\":2.5,\"pid\":1,"
	    "\"mode\":\"threads\",\"scenario\":\"x\",\"tasks\":2,"
	    "\"workers\":0");
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(line + used, sizeof line - used,
		    ",\"%s\":%zu.5", col[i].key, i + 1);
	snprintf(line + used, sizeof line - used, "}");
	assert_int_equal(parse(line, &r, err, sizeof err), 0);
	for (i = 0; i < n; i++) {
		assert_false(r.fig.absent[col[i].series]);
		assert_true(r.fig.v[col[i].series] == (double)(i + 1) + 0.5);
	}
}

/*
 * Both directions: a sample the writer prints reads back, column by
 * column, as the figure it printed (to the decimals it prints), and a
 * figure that was not measured reads back as not measured.
 */
static void
test_record_write_then_read(void **state)
{
	const struct record_column	*col;
	struct model			*m = model_create(16);
	struct sample			 s;
	struct record			 r;
	char				*line = NULL, err[160];
	size_t				 len = 0, i, n;
	double				 want, got;
	FILE				*f;
	int				 k;

	for (k = 1; k <= 2; k++) {
		memset(&s, 0, sizeof s);
		for (i = 0; i < SRC_COUNT; i++)
			s.ok[i] = true;
		s.ok[SRC_PSI] = false;		/* one source not read */
		s.t_ns = (uint64_t)k * 1000000000u;
		s.mode_name = "threads";
		s.scenario = "pingpong";
		s.vcsw = (uint64_t)k * 1234567u;
		s.ivcsw = (uint64_t)k * 1234u;
		s.handoffs = (uint64_t)k * 1234000u;
		s.cpu_time_ns = (uint64_t)k * 7777777777u;
		s.tasks_alive = 2;
		s.vm_rss = 4096u * 999u;
		s.stack_reserved = 16u << 20;
		model_push(m, &s);
	}
	assert_non_null(f = open_memstream(&line, &len));
	record_write_sample(m, RECORD_JSON, f);
	fclose(f);
	assert_int_equal(parse(line, &r, err, sizeof err), 0);
	assert_false(r.summary);
	col = record_columns_table(&n);
	for (i = 0; i < n; i++) {
		want = model_value(m, col[i].series, 0);
		got = r.fig.v[col[i].series];
		if (isnan(want)) {
			assert_true(isnan(got));
			continue;
		}
		if (isnan(got) ||
		    fabs(got - want) > 0.5 / pow(10, col[i].decimals) + 1e-9)
			fail_msg("%s: wrote %g, read %g", col[i].key, want,
			    got);
	}
	assert_true(isnan(model_value(m, MS_PSI_SOME, 0)));
	assert_true(r.fig.v[MS_VCSW_RATE] > 0);
	free(line);
	model_free(m);
}

static void
test_record_truncated_line(void **state)
{
	struct record	 r, before;
	char		 err[160], *line = fixture_line(
			    REC("truncated.jsonl"), 7);
	size_t		 len, cut;

	memset(&r, 0x5a, sizeof r);
	before = r;
	assert_int_equal(parse(line, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "truncated"));
	/* Refused: the record is left as it was. */
	assert_memory_equal(&r, &before, sizeof r);
	free(line);

	/* Cut anywhere, a good line is refused, never read past its end. */
	line = fixture_line(REC("pingpong-64cpu.jsonl"), 4);
	len = strlen(line);
	for (cut = 0; cut < len; cut++) {
		char	*copy = malloc(cut + 1);

		memcpy(copy, line, cut);
		assert_int_equal(record_parse(copy, cut, &r, err, sizeof err),
		    -1);
		free(copy);
	}
	assert_int_equal(record_parse(line, len, &r, err, sizeof err), 0);
	free(line);
}

static void
test_record_wrong_types(void **state)
{
	struct record	 r;
	char		 err[160], *line = fixture_line(
			    REC("wrong-type.jsonl"), 3);

	assert_int_equal(parse(line, &r, err, sizeof err), -1);
	assert_string_equal(err, "\"tasks\" should be a whole number, not a "
	    "string");
	free(line);
	assert_int_equal(parse("{\"t\":\"soon\"}", &r, err, sizeof err), -1);
	assert_string_equal(err, "\"t\" should be a number, not a string");
	assert_int_equal(parse("{\"t\":1,\"mode\":\"threads\",\"scenario\":"
	    "\"p\",\"tasks\":2.5,\"workers\":0}", &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "whole number"));
	assert_int_equal(parse("{\"t\":1,\"mode\":7}", &r, err, sizeof err),
	    -1);
	assert_string_equal(err, "\"mode\" should be a string, not a number");
	assert_int_equal(parse("{\"t\":1,\"handoffs_per_s\":\"fast\"}", &r,
	    err, sizeof err), -1);
	assert_string_equal(err, "\"handoffs_per_s\" should be a number or "
	    "null, not a string");
	assert_int_equal(parse("{\"t\":1,\"summary\":1}", &r, err, sizeof err),
	    -1);
	assert_int_equal(parse("{\"t\":1,\"mode\":\"a b\"}", &r, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "not a name"));
}

static void
test_record_missing_keys(void **state)
{
	struct record	 r;
	char		 err[160], *line = fixture_line(
			    REC("missing-key.jsonl"), 2);

	assert_int_equal(parse(line, &r, err, sizeof err), -1);
	assert_string_equal(err, "no \"scenario\": not a cswviz recording");
	free(line);
	assert_int_equal(parse("{}", &r, err, sizeof err), -1);
	assert_string_equal(err, "no \"t\": not a cswviz recording");
	/* The figures may be missing: an older recording shows them n/a. */
	assert_int_equal(parse("{\"t\":0,\"mode\":\"threads\",\"scenario\":"
	    "\"pingpong\",\"tasks\":2,\"workers\":0}", &r, err, sizeof err),
	    0);
	assert_true(r.fig.absent[MS_HANDOFF_RATE]);
}

static void
test_record_foreign_files(void **state)
{
	struct record	 r;
	char		 err[160], *line;

	line = fixture_line(REC("foreign.jsonl"), 1);
	assert_int_equal(parse(line, &r, err, sizeof err), -1);
	assert_string_equal(err, "no \"t\": not a cswviz recording");
	free(line);
	line = fixture_line(REC("csv.csv"), 1);
	assert_int_equal(parse(line, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "CSV"));
	free(line);
	assert_int_equal(parse("hello", &r, err, sizeof err), -1);
	assert_string_equal(err, "not a JSON object: not a cswviz recording");
	assert_int_equal(parse("", &r, err, sizeof err), -1);
	assert_int_equal(parse("{\"t\":1,\"x\":{\"y\":1}}", &r, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "nested object"));
	assert_int_equal(parse("{\"t\":1,\"x\":[1]}", &r, err, sizeof err),
	    -1);
	assert_int_equal(parse("{\"t\":1} {", &r, err, sizeof err), -1);
	assert_string_equal(err, "text after the object");
	assert_int_equal(parse("{\"t\":1,\"t\":2}", &r, err, sizeof err), -1);
	assert_string_equal(err, "\"t\" twice");
	assert_int_equal(parse("{\"t\":01}", &r, err, sizeof err), -1);
	assert_int_equal(parse("{\"t\":1e999}", &r, err, sizeof err), -1);
	assert_int_equal(parse("{\"t\":1,\"s\":\"\\u0041\"}", &r, err,
	    sizeof err), -1);
	assert_int_equal(record_parse("{\"t\":1,\"s\":\"a\0b\"}", 17, &r, err,
	    sizeof err), -1);
	/* A tiny error buffer is not overrun. */
	assert_int_equal(parse("nope", &r, err, 4), -1);
	assert_int_equal(strlen(err), 3);
	assert_int_equal(parse("nope", &r, NULL, 0), -1);
}

/* The player reads a file through first and names the bad line. */
static void
test_record_replay_open_names_the_line(void **state)
{
	struct replay	*rp;
	char		 err[REPLAY_ERRLEN], sshort[48];

	assert_null(replay_open(REC("truncated.jsonl"), 10, err, sizeof err));
	assert_non_null(strstr(err, "truncated.jsonl:7: "));
	assert_null(replay_open(REC("wrong-type.jsonl"), 10, err, sizeof err));
	assert_non_null(strstr(err, "wrong-type.jsonl:3: \"tasks\""));
	assert_null(replay_open(REC("time-back.jsonl"), 10, err, sizeof err));
	assert_non_null(strstr(err, "time-back.jsonl:4: time goes back"));
	assert_null(replay_open(REC("no-such-file"), 10, err, sizeof err));
	assert_non_null(strstr(err, "No such file"));
	/* A directory is said to be one, not read as an empty file. */
	assert_null(replay_open(FIXTURES "/record", 10, err, sizeof err));
	assert_non_null(strstr(err, "/record: a directory, not a "
	    "recording"));
	rp = replay_open(REC("pingpong-64cpu.jsonl"), 10, err, sizeof err);
	assert_non_null(rp);
	replay_status(rp, err, sizeof err, sshort, sizeof sshort);
	assert_string_equal(err, "REPLAY 0/24 0.0 s 1x");
	replay_summary(rp, err, sizeof err);
	assert_string_equal(err, "pingpong-64cpu.jsonl: 24 samples over "
	    "11.5 s, 0 changes of scenario, mode, variant or knob");
	replay_close(rp);
}

/* Step goes one sample at a time, whatever the clock, and pauses. */
static void
test_record_replay_step(void **state)
{
	struct replay	*rp;
	struct model	*m = model_create(10);
	char		 err[REPLAY_ERRLEN], sshort[48];
	int		 i;

	rp = replay_open(REC("pingpong-64cpu.jsonl"), 10, err, sizeof err);
	assert_non_null(rp);
	for (i = 0; i < 24; i++) {
		assert_int_equal(replay_step(rp, m, err, sizeof err), 1);
		assert_true(fabs(model_elapsed_s(m) - i * 0.5) < 1e-9);
	}
	assert_true(replay_paused(rp));
	assert_true(replay_ended(rp));
	assert_int_equal(replay_step(rp, m, err, sizeof err), 0);
	assert_true(replay_speed(rp, 1) == 2);
	assert_true(replay_speed(rp, -1) == 1);
	for (i = 0; i < 10; i++)
		replay_speed(rp, -1);
	assert_true(replay_speed(rp, 0) == 0.25);
	replay_status(rp, err, sizeof err, sshort, sizeof sshort);
	assert_string_equal(err, "REPLAY 24/24 11.5 s 0.25x end");
	assert_string_equal(sshort, "REPLAY 24/24 end");
	replay_close(rp);
	model_free(m);
}

/*
 * Side by side, a threads line whose fibers line is missing (that side's
 * pass was late) keeps the split view: the view does not flip to one
 * workload and back.  sides-late.jsonl is session-sides.jsonl without the
 * fibers line after t = 13.034.
 */
static void
test_record_replay_late_side_keeps_split(void **state)
{
	struct replay	*rp;
	struct model	*m = model_create(32), *peer = model_create(32);
	char		 err[REPLAY_ERRLEN];
	bool		 split = false;
	int		 n = 0;

	rp = replay_open(REC("sides-late.jsonl"), 32, err, sizeof err);
	assert_non_null(rp);
	assert_true(replay_has_sides(rp));
	replay_set_peer(rp, peer);
	while (replay_step(rp, m, err, sizeof err) == 1) {
		n++;
		if (replay_shown_sides(rp))
			split = true;
		else
			assert_false(split);	/* once split, it stays */
	}
	assert_true(split);
	assert_true(n > 8);
	replay_close(rp);
	model_free(peer);
	model_free(m);
}

/*
 * Seeks: by change (found from the rows), by time, and to the start; each
 * rebuilds the history the model keeps up to the sample shown, and the
 * caption is the scenario's own for its mode and variant.
 */
static void
test_record_replay_seeks(void **state)
{
	struct replay	*rp;
	struct model	*m = model_create(4);
	char		 msg[REPLAY_ERRLEN], sshort[48];

	rp = replay_open(REC("session-changes.jsonl"), 4, msg, sizeof msg);
	assert_non_null(rp);
	replay_pause(rp, true);
	assert_int_equal(replay_seek_change(rp, m, 1, msg, sizeof msg), 1);
	assert_string_equal(msg, "change 1 of 6, at 3.5 s: mode fibers, "
	    "stack 16 KiB");
	replay_status(rp, msg, sizeof msg, sshort, sizeof sshort);
	assert_string_equal(msg, "REPLAY 9/42 3.5 s 1x paused");
	assert_string_equal(sshort, "REPLAY 9/42 paused");
	assert_int_equal(model_len(m), 4);	/* samples 6 to 9 */
	assert_string_equal(model_last(m)->scenario, "pingpong");
	assert_ptr_equal(model_last(m)->caption, engine_scenario_caption(
	    "pingpong", ENGINE_FIBERS, false));
	assert_int_equal(replay_seek_change(rp, m, -1, msg, sizeof msg), 0);
	assert_string_equal(msg, "no change of scenario, mode, variant or "
	    "knob before 3.5 s");
	/* Tasks asked for change a sample before the scenario's name. */
	replay_seek_change(rp, m, 1, msg, sizeof msg);
	replay_seek_change(rp, m, 1, msg, sizeof msg);
	assert_string_equal(msg, "change 3 of 6, at 9.5 s: tasks 8");
	replay_seek_change(rp, m, 1, msg, sizeof msg);
	assert_string_equal(msg, "change 4 of 6, at 10.0 s: scenario "
	    "blocking");
	replay_seek_change(rp, m, 1, msg, sizeof msg);
	assert_string_equal(msg, "change 5 of 6, at 13.2 s: b on");
	assert_true(model_last(m)->variant);
	assert_string_equal(model_last(m)->work_unit, "calls");
	assert_ptr_equal(model_last(m)->caption, engine_scenario_caption(
	    "blocking", ENGINE_FIBERS, true));
	replay_seek_change(rp, m, 1, msg, sizeof msg);
	assert_string_equal(msg, "change 6 of 6, at 16.4 s: P=3");
	assert_int_equal(replay_seek_change(rp, m, 1, msg, sizeof msg), 0);
	/* 10 s back from 16.4 s: the last sample at or before 6.4 s. */
	assert_int_equal(replay_seek_time(rp, m, -10, msg, sizeof msg), 1);
	assert_string_equal(msg, "back 10 s: at 6.3 s of 18.9 s");
	assert_string_equal(model_last(m)->scenario, "pingpong");
	assert_int_equal(replay_seek_time(rp, m, 10, msg, sizeof msg), 1);
	assert_string_equal(msg, "on 10 s: at 16.4 s of 18.9 s");
	replay_seek_time(rp, m, 10, msg, sizeof msg);
	assert_true(replay_ended(rp));
	assert_int_equal(replay_seek_time(rp, m, 10, msg, sizeof msg), 0);
	assert_int_equal(replay_restart(rp, m, msg, sizeof msg), 0);
	assert_int_equal(model_len(m), 1);
	replay_status(rp, msg, sizeof msg, sshort, sizeof sshort);
	assert_string_equal(msg, "REPLAY 1/42 0.0 s 1x paused");
	assert_int_equal(replay_seek_time(rp, m, -10, msg, sizeof msg), 0);
	replay_close(rp);
	model_free(m);
}

/*
 * The words of the man page's --batch item: from ".It Fl Fl batch" to the
 * next option.  Returns a string the caller frees.
 */
static char *
man_batch_item(void)
{
	FILE	*f = fopen(MANPAGE, "r");
	char	 line[512], *text = calloc(1, 1);
	size_t	 len = 0, n;
	int	 in = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, ".It Fl", 6) == 0)
			in = strcmp(line, ".It Fl Fl batch\n") == 0;
		if (!in)
			continue;
		n = strlen(line);
		text = realloc(text, len + n + 1);
		memcpy(text + len, line, n + 1);
		len += n;
	}
	fclose(f);
	return (text);
}

/* Every figure --batch writes is named in the man page's --batch item. */
static void
test_record_batch_keys_in_man_page(void **state)
{
	const struct record_column	*col;
	char				*text = man_batch_item(), *p;
	size_t				 n, i, k;
	bool				 found;

	col = record_columns_table(&n);
	assert_true(strlen(text) > 0);
	for (i = 0; i < n; i++) {
		k = strlen(col[i].key);
		found = false;
		for (p = text; (p = strstr(p, col[i].key)) != NULL; p += k) {
			/* A whole word: latency_ms, not latency_ms_max. */
			if ((p == text || strchr(" \n", p[-1]) != NULL) &&
			    strchr(" ,\n", p[k]) != NULL)
				found = true;
		}
		if (!found)
			fail_msg("--batch writes \"%s\"; the man page's "
			    "--batch does not say what it is", col[i].key);
	}
	free(text);
}

static void
test_record_knobs_for_marks(void **state)
{
	struct record	 r;
	char		 err[160];

	/* What batch writes beside the lead keys, kept for the marks. */
	assert_int_equal(parse("{\"t\":1,\"mode\":\"threads\","
	    "\"scenario\":\"cpu-flood\",\"variant\":true,\"tasks\":60,"
	    "\"tasks_target\":64,\"stack_bytes\":8388608,\"workers\":2}",
	    &r, err, sizeof err), 0);
	assert_true(r.fig.has_knobs);
	assert_true(r.fig.variant);
	assert_int_equal(r.fig.tasks_target, 64);
	assert_true(r.fig.stack_bytes == 8388608);
	/* An older recording without them reads, with no knobs. */
	assert_int_equal(parse("{\"t\":1,\"mode\":\"threads\","
	    "\"scenario\":\"cpu-flood\",\"tasks\":60,\"workers\":2}",
	    &r, err, sizeof err), 0);
	assert_false(r.fig.has_knobs);
	assert_int_equal(parse("{\"t\":1,\"mode\":\"threads\","
	    "\"scenario\":\"cpu-flood\",\"variant\":1,\"tasks\":60,"
	    "\"workers\":2}", &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "variant"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_good_line),
		cmocka_unit_test(test_record_knobs_for_marks),
		cmocka_unit_test(test_record_nulls_are_unavailable),
		cmocka_unit_test(test_record_summary_line),
		cmocka_unit_test(test_record_reads_every_column),
		cmocka_unit_test(test_record_write_then_read),
		cmocka_unit_test(test_record_truncated_line),
		cmocka_unit_test(test_record_wrong_types),
		cmocka_unit_test(test_record_missing_keys),
		cmocka_unit_test(test_record_foreign_files),
		cmocka_unit_test(test_record_replay_open_names_the_line),
		cmocka_unit_test(test_record_replay_step),
		cmocka_unit_test(test_record_replay_seeks),
		cmocka_unit_test(test_record_replay_late_side_keeps_split),
		cmocka_unit_test(test_record_batch_keys_in_man_page),
	};

	return (cmocka_run_group_tests_name("record", tests, NULL, NULL));
}

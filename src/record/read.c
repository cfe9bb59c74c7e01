/* SPDX-License-Identifier: ISC */
/*
 * A strict reader for one line of a recording: a flat JSON object of
 * strings, numbers, null, true and false, as record/write.c writes it,
 * under the keys of record/columns.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/columns.h"
#include "record/read.h"
#include "util/util.h"

#define RECORD_STRLEN	64	/* keys and string values */
#define RECORD_NUMLEN	64	/* the text of one number */

/* The keys before the figures, and the summary's flag. */
enum record_lead {
	RL_T,
	RL_PID,
	RL_MODE,
	RL_SCENARIO,
	RL_TASKS,
	RL_WORKERS,
	RL_VARIANT,
	RL_WORK_UNIT,
	RL_TASKS_TARGET,
	RL_STACK_BYTES,
	RL_SUMMARY,
	RL_SIDE,
	RL_COUNT
};

static const struct {
	const char	*key;
	bool		 required;
} record_leads[RL_COUNT] = {
	[RL_T] = { "t", true },
	[RL_PID] = { "pid", false },
	[RL_MODE] = { "mode", true },
	[RL_SCENARIO] = { "scenario", true },
	[RL_TASKS] = { "tasks", true },
	[RL_WORKERS] = { "workers", true },
	[RL_VARIANT] = { "variant", false },
	[RL_WORK_UNIT] = { "work_unit", false },
	[RL_TASKS_TARGET] = { "tasks_target", false },
	[RL_STACK_BYTES] = { "stack_bytes", false },
	[RL_SUMMARY] = { "summary", false },
	[RL_SIDE] = { "side", false },
};

enum record_kind {
	RV_STRING,
	RV_NUMBER,
	RV_NULL,
	RV_TRUE,
	RV_FALSE,
};

static const char *record_kind_names[] = {
	[RV_STRING] = "a string",
	[RV_NUMBER] = "a number",
	[RV_NULL] = "null",
	[RV_TRUE] = "true",
	[RV_FALSE] = "false",
};

/* One value as read. */
struct record_value {
	enum record_kind	 kind;
	char			 str[RECORD_STRLEN];
	double			 num;
};

/* Where the reader is in the line, and where errors go. */
struct record_cursor {
	const char	*p, *end;
	char		*err;
	size_t		 errlen;
};

/* Say what is wrong; returns -1 for the caller to pass on. */
static int __attribute__((format(printf, 2, 3)))
record_fail(struct record_cursor *c, const char *fmt, ...)
{
	va_list	ap;

	if (c->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* The error for a line that stops before its object does. */
static int
record_truncated(struct record_cursor *c)
{
	return (record_fail(c, "the line ends before its object does "
	    "(a truncated recording?)"));
}

/* Skip JSON white space. */
static void
record_ws(struct record_cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

/* Describe the byte at the cursor for an error. */
static void
record_byte(const struct record_cursor *c, char *buf, size_t len)
{
	unsigned char	ch = (unsigned char)*c->p;

	if (ch > 0x20 && ch < 0x7f)
		snprintf(buf, len, "'%c'", ch);
	else
		snprintf(buf, len, "byte 0x%02x", ch);
}

/* Read a string at the cursor (which is at its quote) into buf. */
static int
record_string(struct record_cursor *c, char *buf, size_t len)
{
	size_t		n = 0;
	unsigned char	ch;

	c->p++;
	for (;;) {
		if (c->p >= c->end)
			return (record_truncated(c));
		ch = (unsigned char)*c->p++;
		if (ch == '"')
			break;
		if (ch < 0x20)
			return (record_fail(c, "a control character (0x%02x) "
			    "inside a string", ch));
		if (ch == '\\') {
			if (c->p >= c->end)
				return (record_truncated(c));
			switch (*c->p++) {
			case '"':
			case '\\':
			case '/':
				ch = (unsigned char)c->p[-1];
				break;
			case 'n':
				ch = '\n';
				break;
			case 't':
				ch = '\t';
				break;
			case 'u':
				return (record_fail(c, "a \\u escape: a "
				    "recording has none"));
			default:
				return (record_fail(c, "a bad escape in a "
				    "string"));
			}
		}
		if (n + 1 >= len)
			return (record_fail(c, "a string longer than %zu bytes",
			    len - 1));
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return (0);
}

/* Read a number as JSON writes it: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static int
record_number(struct record_cursor *c, double *out)
{
	const char	*s = c->p, *q = c->p;
	char		 text[RECORD_NUMLEN];

#define DIGITS(q) ((q) < c->end && *(q) >= '0' && *(q) <= '9')
	if (q < c->end && *q == '-')
		q++;
	if (!DIGITS(q))
		return (q >= c->end ? record_truncated(c) :
		    record_fail(c, "a malformed number"));
	if (*q == '0')
		q++;
	else
		while (DIGITS(q))
			q++;
	if (q < c->end && *q == '.') {
		q++;
		if (!DIGITS(q))
			return (q >= c->end ? record_truncated(c) :
			    record_fail(c, "a malformed number"));
		while (DIGITS(q))
			q++;
	}
	if (q < c->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < c->end && (*q == '+' || *q == '-'))
			q++;
		if (!DIGITS(q))
			return (q >= c->end ? record_truncated(c) :
			    record_fail(c, "a malformed number"));
		while (DIGITS(q))
			q++;
	}
#undef DIGITS
	if ((size_t)(q - s) >= sizeof text)
		return (record_fail(c, "a number longer than %zu characters",
		    sizeof text - 1));
	memcpy(text, s, (size_t)(q - s));
	text[q - s] = '\0';
	*out = strtod(text, NULL);
	if (!isfinite(*out))
		return (record_fail(c, "a number out of range: %s", text));
	c->p = q;
	return (0);
}

/* Read a bare word (null, true, false). */
static int
record_word(struct record_cursor *c, const char *word)
{
	size_t	len = strlen(word), left = (size_t)(c->end - c->p);

	if (left < len) {
		if (memcmp(c->p, word, left) == 0)
			return (record_truncated(c));
		return (record_fail(c, "a value that is not JSON"));
	}
	if (memcmp(c->p, word, len) != 0)
		return (record_fail(c, "a value that is not JSON"));
	c->p += len;
	return (0);
}

/* Read any value the reader knows. */
static int
record_value(struct record_cursor *c, struct record_value *v)
{
	char	what[16];

	if (c->p >= c->end)
		return (record_truncated(c));
	switch (*c->p) {
	case '"':
		v->kind = RV_STRING;
		return (record_string(c, v->str, sizeof v->str));
	case 'n':
		v->kind = RV_NULL;
		return (record_word(c, "null"));
	case 't':
		v->kind = RV_TRUE;
		return (record_word(c, "true"));
	case 'f':
		v->kind = RV_FALSE;
		return (record_word(c, "false"));
	case '{':
	case '[':
		return (record_fail(c, "a nested %s: a recording is flat",
		    *c->p == '{' ? "object" : "array"));
	default:
		if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
			v->kind = RV_NUMBER;
			return (record_number(c, &v->num));
		}
		record_byte(c, what, sizeof what);
		return (record_fail(c, "a value that is not JSON at %s",
		    what));
	}
}

/* Refuse a value of the wrong kind for a key. */
static int
record_want(struct record_cursor *c, const char *key,
    const struct record_value *v, const char *want)
{
	return (record_fail(c, "\"%s\" should be %s, not %s", key, want,
	    record_kind_names[v->kind]));
}

/* A whole number in [min, max] for a key. */
static int
record_whole(struct record_cursor *c, const char *key,
    const struct record_value *v, double max, double *out)
{
	if (v->kind != RV_NUMBER)
		return (record_want(c, key, v, "a whole number"));
	if (v->num != floor(v->num) || v->num < 0 || v->num > max)
		return (record_fail(c, "\"%s\" is %g: want a whole number "
		    "from 0 to %.0f", key, v->num, max));
	*out = v->num;
	return (0);
}

/* A name (mode or scenario): letters, digits and -_.+ only. */
static int
record_name(struct record_cursor *c, const char *key,
    const struct record_value *v, char *out, size_t len)
{
	const char	*p;

	if (v->kind != RV_STRING)
		return (record_want(c, key, v, "a string"));
	if (strlen(v->str) >= len)
		return (record_fail(c, "\"%s\" is longer than %zu characters",
		    key, len - 1));
	for (p = v->str; *p != '\0'; p++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"
		    "Z0123456789-_.+", *p) == NULL)
			return (record_fail(c, "\"%s\" is not a name: \"%s\"",
			    key, v->str));
	}
	snprintf(out, len, "%s", v->str[0] != '\0' ? v->str : "?");
	return (0);
}

/* Store a lead key's value. */
static int
record_lead(struct record_cursor *c, enum record_lead k,
    const struct record_value *v, struct record *r, bool *t_null)
{
	const char	*key = record_leads[k].key;
	double		 d;

	switch (k) {
	case RL_T:
		if (v->kind == RV_NULL) {
			*t_null = true;
			return (0);
		}
		if (v->kind != RV_NUMBER)
			return (record_want(c, key, v, "a number"));
		if (v->num < 0)
			return (record_fail(c, "\"t\" is %g: time starts at 0",
			    v->num));
		r->fig.t = v->num;
		return (0);
	case RL_PID:
		if (record_whole(c, key, v, 2147483647.0, &d) != 0)
			return (-1);
		r->fig.pid = (int)d;
		return (0);
	case RL_MODE:
		return (record_name(c, key, v, r->fig.mode,
		    sizeof r->fig.mode));
	case RL_SCENARIO:
		return (record_name(c, key, v, r->fig.scenario,
		    sizeof r->fig.scenario));
	case RL_TASKS:
		if (record_whole(c, key, v, 1e9, &d) != 0)
			return (-1);
		r->fig.tasks = (long)d;
		return (0);
	case RL_WORKERS:
		if (record_whole(c, key, v, 1e6, &d) != 0)
			return (-1);
		r->fig.workers = (int)d;
		return (0);
	case RL_VARIANT:
		if (v->kind != RV_TRUE && v->kind != RV_FALSE)
			return (record_want(c, key, v, "true or false"));
		r->fig.variant = v->kind == RV_TRUE;
		return (0);
	case RL_WORK_UNIT:
		if (v->kind == RV_NULL)
			return (0);
		return (record_name(c, key, v, r->fig.work_unit,
		    sizeof r->fig.work_unit));
	case RL_TASKS_TARGET:
		if (record_whole(c, key, v, 1e9, &d) != 0)
			return (-1);
		r->tasks_target = (long)d;
		r->fig.tasks_target = (long)d;
		return (0);
	case RL_STACK_BYTES:
		if (record_whole(c, key, v, 1e15, &d) != 0)
			return (-1);
		r->stack_bytes = (long long)d;
		r->fig.stack_bytes = d;
		return (0);
	case RL_SUMMARY:
		if (v->kind != RV_TRUE && v->kind != RV_FALSE)
			return (record_want(c, key, v, "true or false"));
		r->summary = v->kind == RV_TRUE;
		return (0);
	case RL_SIDE:
		if (v->kind != RV_STRING || (strcmp(v->str, "threads") != 0 &&
		    strcmp(v->str, "fibers") != 0))
			return (record_want(c, key, v, "\"threads\" or "
			    "\"fibers\""));
		r->side = strcmp(v->str, "fibers") == 0 ? RECORD_SIDE_FIBERS :
		    RECORD_SIDE_THREADS;
		return (0);
	default:
		return (0);
	}
}

/* Store a value under its key: a lead key, a figure, or one we skip. */
static int
record_member(struct record_cursor *c, const char *key,
    const struct record_value *v, struct record *r, unsigned *seen,
    bool *t_null)
{
	const struct record_column	*col;
	size_t				 i, n;
	int				 k;

	for (k = 0; k < RL_COUNT; k++) {
		if (strcmp(key, record_leads[k].key) != 0)
			continue;
		if (*seen & (1u << k))
			return (record_fail(c, "\"%s\" twice", key));
		*seen |= 1u << k;
		return (record_lead(c, (enum record_lead)k, v, r, t_null));
	}
	col = record_columns_table(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(key, col[i].key) != 0)
			continue;
		if (!r->fig.absent[col[i].series])
			return (record_fail(c, "\"%s\" twice", key));
		if (v->kind != RV_NUMBER && v->kind != RV_NULL)
			return (record_want(c, key, v, "a number or null"));
		r->fig.absent[col[i].series] = false;
		r->fig.v[col[i].series] = v->kind == RV_NULL ? NAN : v->num;
		return (0);
	}
	return (0);	/* a key from a newer cswviz: not shown */
}

/* Read the members of the object, from after its '{' to its '}'. */
static int
record_members(struct record_cursor *c, struct record *r, unsigned *seen,
    bool *t_null)
{
	struct record_value	v;
	char			key[RECORD_STRLEN], what[16];

	record_ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return (0);
	}
	for (;;) {
		record_ws(c);
		if (c->p >= c->end)
			return (record_truncated(c));
		if (*c->p != '"') {
			record_byte(c, what, sizeof what);
			return (record_fail(c, "a key should be a string, "
			    "not %s", what));
		}
		if (record_string(c, key, sizeof key) != 0)
			return (-1);
		record_ws(c);
		if (c->p >= c->end)
			return (record_truncated(c));
		if (*c->p++ != ':')
			return (record_fail(c, "no ':' after \"%s\"", key));
		record_ws(c);
		if (record_value(c, &v) != 0 ||
		    record_member(c, key, &v, r, seen, t_null) != 0)
			return (-1);
		record_ws(c);
		if (c->p >= c->end)
			return (record_truncated(c));
		if (*c->p == '}') {
			c->p++;
			return (0);
		}
		if (*c->p++ != ',') {
			c->p--;
			record_byte(c, what, sizeof what);
			return (record_fail(c, "%s after the value of \"%s\"",
			    what, key));
		}
	}
}

/*
 * Parse one line (len bytes, no NUL needed) into *out.  Returns 0, or -1
 * with what is wrong in err and *out untouched.
 */
int
record_parse(const char *line, size_t len, struct record *out, char *err,
    size_t errlen)
{
	struct record_cursor	 c;
	struct record		 r;
	unsigned		 seen = 0;
	bool			 t_null = false;
	int			 i;

	c.p = line;
	c.end = line + len;
	c.err = err;
	c.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	memset(&r, 0, sizeof r);
	r.tasks_target = -1;
	r.stack_bytes = -1;
	for (i = 0; i < MS_COUNT; i++) {
		r.fig.v[i] = NAN;
		r.fig.absent[i] = true;
	}

	if (len > RECORD_LINE_MAX)
		return (record_fail(&c, "a line of %zu bytes: too long for a "
		    "recording", len));
	record_ws(&c);
	if (c.p >= c.end)
		return (record_fail(&c, "an empty line"));
	if (*c.p != '{') {
		if (c.end - c.p >= 6 && (memcmp(c.p, "t,pid,", 6) == 0 ||
		    memcmp(c.p, "t,side", 6) == 0))
			return (record_fail(&c, "CSV: --replay reads the JSON "
			    "Lines of --record or --batch"));
		return (record_fail(&c, "not a JSON object: not a cswviz "
		    "recording"));
	}
	c.p++;
	if (record_members(&c, &r, &seen, &t_null) != 0)
		return (-1);
	record_ws(&c);
	if (c.p < c.end)
		return (record_fail(&c, "text after the object"));
	for (i = 0; i < RL_COUNT; i++) {
		if (record_leads[i].required && !(seen & (1u << i)))
			return (record_fail(&c, "no \"%s\": not a cswviz "
			    "recording", record_leads[i].key));
	}
	if (t_null && !r.summary)
		return (record_fail(&c, "\"t\" is null outside the summary"));
	/* The knobs mark changes on replay; older recordings lack them. */
	r.fig.has_knobs = (seen & (1u << RL_VARIANT)) &&
	    (seen & (1u << RL_TASKS_TARGET)) &&
	    (seen & (1u << RL_STACK_BYTES));
	*out = r;
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the recording reader: any line either parses into a record whose
 * names, counts and figures are in range, or fails with a message and
 * leaves the output untouched.  The line is given without a NUL, in a
 * buffer of exactly its size, as --replay reads it; and the parse is
 * repeated with a short error buffer, which must be neither overrun nor
 * answered differently.
 */
#include <math.h>

#include "record/read.h"
#include "fuzz.h"

#define FUZZ_NAMECHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789-_.+"

/* Whether a name is terminated, non-empty and of name characters only. */
static int
fuzz_name_ok(const char *s, size_t len)
{
	if (memchr(s, '\0', len) == NULL || s[0] == '\0')
		return (0);
	return (strcmp(s, "?") == 0 || strspn(s, FUZZ_NAMECHARS) == strlen(s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record	 r, before, r2;
	char		 err[256], small[8 + 8];
	char		*line;
	int		 rc, rc2, i;

	if ((line = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(line, data, size);

	memset(&r, 0xa5, sizeof r);
	before = r;
	memset(err, 0x5a, sizeof err);
	rc = record_parse(line, size, &r, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		FUZZ_CHECK(memcmp(&r, &before, sizeof r) == 0);
		FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
	} else {
		FUZZ_CHECK(err[0] == '\0');
		FUZZ_CHECK(fuzz_name_ok(r.fig.mode, sizeof r.fig.mode));
		FUZZ_CHECK(fuzz_name_ok(r.fig.scenario, sizeof r.fig.scenario));
		FUZZ_CHECK(isfinite(r.fig.t) && r.fig.t >= 0);
		FUZZ_CHECK(r.fig.pid >= 0);
		FUZZ_CHECK(r.fig.tasks >= 0 && r.fig.tasks <= 1000000000L);
		FUZZ_CHECK(r.fig.workers >= 0 && r.fig.workers <= 1000000);
		FUZZ_CHECK(r.fig.caption == NULL);
		for (i = 0; i < MS_COUNT; i++) {
			/* A figure is a finite number, or NAN (absent or null). */
			FUZZ_CHECK(isfinite(r.fig.v[i]) || isnan(r.fig.v[i]));
			if (r.fig.absent[i])
				FUZZ_CHECK(isnan(r.fig.v[i]));
		}
	}

	/* The same answer with room for 7 characters and a canary after. */
	memset(&r2, 0xa5, sizeof r2);
	memset(small, 0x5a, sizeof small);
	rc2 = record_parse(line, size, &r2, small, 8);
	FUZZ_CHECK(rc2 == rc);
	for (i = 8; i < (int)sizeof small; i++)
		FUZZ_CHECK(small[i] == 0x5a);
	FUZZ_CHECK(memchr(small, '\0', 8) != NULL);
	if (rc == 0) {
		FUZZ_CHECK(r2.summary == r.summary && r2.fig.t == r.fig.t);
		FUZZ_CHECK(r2.fig.tasks == r.fig.tasks);
		FUZZ_CHECK(strcmp(r2.fig.scenario, r.fig.scenario) == 0);
		FUZZ_CHECK(memcmp(r2.fig.absent, r.fig.absent,
		    sizeof r.fig.absent) == 0);
	} else
		FUZZ_CHECK(strncmp(small, err, 7) == 0);

	/* No room at all for a message: still the same answer. */
	memset(&r2, 0xa5, sizeof r2);
	FUZZ_CHECK(record_parse(line, size, &r2, small, 0) == rc);

	free(line);
	return (0);
}

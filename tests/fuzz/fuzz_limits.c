/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the limits reader's parsers (proc/limits_read.h): the input is
 * parsed as every kind of file it reads and as self/cgroup.  Whatever the
 * text, a parser either succeeds with a figure in range, or fails with a
 * message and leaves its output untouched.
 */
#include "proc/limits_read.h"
#include "fuzz.h"

static const enum limits_file fuzz_limits_kinds[] = {
	LIMITS_FILE_NUMBER, LIMITS_FILE_CGROUP, LIMITS_FILE_LIMITS,
	LIMITS_FILE_MEMINFO, LIMITS_FILE_LOADAVG, LIMITS_FILE_STATUS,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text = fuzz_text(data, size);
	char	 err[LIMITS_WHYLEN], cg[64];
	int64_t	 v;
	size_t	 i;

	for (i = 0; i < sizeof fuzz_limits_kinds / sizeof
	    fuzz_limits_kinds[0]; i++) {
		memset(err, 0, sizeof err);
		v = -7;
		if (limits_parse(fuzz_limits_kinds[i], text, &v, err,
		    sizeof err) != 0) {
			FUZZ_CHECK(v == -7);
			FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
		} else
			FUZZ_CHECK(v >= 0);
	}
	memset(err, 0, sizeof err);
	memset(cg, 0xa5, sizeof cg);
	if (limits_parse_cgroup_path(text, cg, sizeof cg, err,
	    sizeof err) != 0) {
		FUZZ_CHECK((unsigned char)cg[0] == 0xa5);
		FUZZ_CHECK(fuzz_message_ok(err, sizeof err));
	} else {
		FUZZ_CHECK(cg[0] == '/' || cg[0] == '\0');
		FUZZ_CHECK(memchr(cg, '\0', sizeof cg) != NULL);
		FUZZ_CHECK(strchr(cg, '\n') == NULL);
	}
	free(text);
	return (0);
}

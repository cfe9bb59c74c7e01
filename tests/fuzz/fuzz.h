/* SPDX-License-Identifier: ISC */
/*
 * Shared by the fuzz targets in tests/fuzz: each defines
 * LLVMFuzzerTestOneInput, which libFuzzer calls (--enable-fuzzing) or
 * standalone.c calls once per file of the corpus and the regression inputs
 * (make check).  A target aborts on anything the parser promises not to do.
 */
#ifndef CSW_FUZZ_H
#define CSW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * A program that fuzzes several parsers (fuzz_procfs.c) defines these:
 * libFuzzer's hook, which picks the parser from argv; the name of its i-th
 * parser, NULL past the last; and fuzz_pick, which makes the named parser
 * the one LLVMFuzzerTestOneInput calls (0, or -1 if there is none).  The
 * others leave them out, and standalone.c sees NULL.
 */
int		 LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));
const char	*fuzz_parser_name(size_t) __attribute__((weak));
int		 fuzz_pick(const char *) __attribute__((weak));

/* A program's name without its directory, libtool's lt- and fuzz_. */
static inline const char *
fuzz_program_name(const char *argv0)
{
	const char	*name;

	name = (name = strrchr(argv0, '/')) != NULL ? name + 1 : argv0;
	if (strncmp(name, "lt-", 3) == 0)
		name += 3;
	if (strncmp(name, "fuzz_", 5) == 0)
		name += 5;
	return (name);
}

/* Report a broken promise and abort, so both drivers see a crash. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz check failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/*
 * A NUL-terminated copy of the input in a buffer of exactly size + 1
 * bytes, so that ASan sees a read past its end.  The caller frees it.
 */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

/* Whether a message buffer holds a terminated, non-empty string. */
static inline int
fuzz_message_ok(const char *err, size_t len)
{
	return (memchr(err, '\0', len) != NULL && err[0] != '\0');
}

#endif

/* SPDX-License-Identifier: ISC */
/*
 * A main() for the fuzz targets without libFuzzer: runs the target once on
 * each file named, or each file in each directory named.  Without
 * arguments, as program fuzz_NAME, it runs the target's seed corpus and its
 * regression inputs, FUZZ_DIR/corpus/NAME and FUZZ_DIR/regress/NAME: that
 * is how make check keeps every input the fuzzers ever crashed on.  A
 * program of several parsers (fuzz_procfs) runs each parser's, by name.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Run the target on one file; -1 if it cannot be read. */
static int
standalone_file(const char *path)
{
	FILE	*f;
	uint8_t	*buf = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	for (;;) {
		if (len == cap) {
			cap = cap * 2 + 4096;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(f);
		free(buf);
		return (-1);
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return (0);
}

/* Run the target on a file or on every file of a directory; count them. */
static int
standalone_path(const char *path, int optional, unsigned *count)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*de;
	char		 sub[4096];
	int		 rc = 0;

	if (stat(path, &sb) != 0) {
		if (optional && errno == ENOENT)
			return (0);
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		(*count)++;
		return (standalone_file(path));
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (standalone_path(sub, 0, count) != 0)
			rc = -1;
	}
	closedir(d);
	return (rc);
}

/* Say how a run of count inputs went; 1 if it failed or had none. */
static int
standalone_report(const char *name, int rc, unsigned count)
{
	if (rc == 0 && count == 0) {
		fprintf(stderr, "%s: no inputs\n", name);
		rc = 1;
	}
	if (rc == 0)
		printf("%s: %u inputs, no crash\n", name, count);
	return (rc);
}

/* Run a corpus and the regression inputs of the parser called name. */
static int
standalone_corpus(const char *name)
{
	char		 dir[4096];
	unsigned	 count = 0;
	int		 rc = 0;

	snprintf(dir, sizeof dir, "%s/corpus/%s", FUZZ_DIR, name);
	if (standalone_path(dir, 0, &count) != 0)
		rc = 1;
	snprintf(dir, sizeof dir, "%s/regress/%s", FUZZ_DIR, name);
	if (standalone_path(dir, 1, &count) != 0)
		rc = 1;
	return (standalone_report(name, rc, count));
}

int
main(int argc, char **argv)
{
	const char	*name, *p;
	unsigned	 count = 0;
	size_t		 k;
	int		 i, rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	name = fuzz_program_name(argv[0]);
	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			if (standalone_path(argv[i], 0, &count) != 0)
				rc = 1;
		}
		return (standalone_report(name, rc, count));
	}
	/* A program of several parsers runs each one's corpus. */
	if (fuzz_parser_name == NULL)
		return (standalone_corpus(name));
	for (k = 0; (p = fuzz_parser_name(k)) != NULL; k++) {
		fuzz_pick(p);
		if (standalone_corpus(p) != 0)
			rc = 1;
	}
	return (rc);
}

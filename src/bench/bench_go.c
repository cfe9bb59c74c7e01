/* SPDX-License-Identifier: ISC */
/*
 * Build tests/go/gobench.go (compiled into this program as a string) in a
 * temporary directory and run it: see bench_go.h.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench_go.h"
#include "util/util.h"

#include "bench/gobench_src.h"

/* Whether an executable named name is on the PATH. */
static int
bench_go_on_path(const char *name)
{
	const char	*path = getenv("PATH"), *p, *end;
	char		 buf[4096];

	if (path == NULL)
		return (0);
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		snprintf(buf, sizeof buf, "%.*s/%s", (int)(end - p),
		    end == p ? "." : p, name);
		if (end == p)
			snprintf(buf, sizeof buf, "./%s", name);
		if (access(buf, X_OK) == 0)
			return (1);
		if (*end == '\0')
			return (0);
	}
}

/* Remove one entry, for nftw. */
static int
bench_go_rm(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path);
	return (0);
}

/*
 * Run cmd under sh and read its key=value lines into the keys asked for;
 * 0 if it exited 0 and every key came, else -1 with its last line in why.
 */
static int
bench_go_read(const char *cmd, const char *const *keys, double *vals,
    int nkeys, char *why, size_t whylen)
{
	FILE	*p;
	char	 line[512], last[256] = "";
	int	 i, got = 0, st;

	if ((p = popen(cmd, "r")) == NULL) {
		snprintf(why, whylen, "cannot run sh: %s", strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof line, p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0')
			snprintf(last, sizeof last, "%.200s", line);
		for (i = 0; i < nkeys; i++) {
			size_t	len = strlen(keys[i]);

			if (strncmp(line, keys[i], len) == 0 &&
			    line[len] == '=') {
				vals[i] = strtod(line + len + 1, NULL);
				got |= 1 << i;
			}
		}
	}
	st = pclose(p);
	if (st != 0 || got != (1 << nkeys) - 1) {
		snprintf(why, whylen, "%s", last[0] != '\0' ? last :
		    "no output");
		return (-1);
	}
	return (0);
}

/* Build and run the Go program (bench_go.h). */
void
bench_go_run(struct bench_go *g, long n, long m, int trials)
{
	static const char *const sk[] = { "asleep_s", "rss_bytes" };
	static const char *const hk[] = { "handoff_ns" };
	char			 dir[] = "/tmp/cswviz-go.XXXXXX";
	char			 path[256], cmd[2048], env[512];
	double			 v[2], *h;
	FILE			*f;
	int			 i, ok = 0;

	memset(g, 0, sizeof *g);
	g->asleep_s = g->rss_bytes = g->handoff_ns = -1;
	if (!bench_go_on_path("go")) {
		snprintf(g->why, sizeof g->why, "go is not on the PATH");
		return;
	}
	if (mkdtemp(dir) == NULL) {
		snprintf(g->why, sizeof g->why, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof path, "%s/gobench.go", dir);
	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(bench_gobench_src, 1, sizeof bench_gobench_src - 1, f) !=
	    sizeof bench_gobench_src - 1 || fclose(f) != 0) {
		snprintf(g->why, sizeof g->why, "cannot write %.150s", path);
		goto out;
	}
	/* Its own cache and GOPATH: root, no HOME, a read-only home. */
	snprintf(env, sizeof env, "GOCACHE=%s/cache GOPATH=%s/gopath "
	    "GO111MODULE=off GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=0", dir,
	    dir);
	snprintf(cmd, sizeof cmd, "cd %s && %s go build -o gobench gobench.go "
	    "2>&1 && echo built=1", dir, env);
	if (bench_go_read(cmd, (const char *const[]){ "built" }, v, 1, g->why,
	    sizeof g->why) != 0)
		goto out;
	snprintf(cmd, sizeof cmd, "%s/gobench sleepers %ld 2>&1", dir, n);
	if (bench_go_read(cmd, sk, v, 2, g->why, sizeof g->why) != 0)
		goto out;
	g->asleep_s = v[0];
	g->rss_bytes = v[1];
	h = xcalloc((size_t)trials, sizeof *h);
	for (i = 0; i < trials; i++) {
		snprintf(cmd, sizeof cmd, "GOMAXPROCS=1 %s/gobench handoff %ld "
		    "2>&1", dir, m);
		if (bench_go_read(cmd, hk, &h[ok], 1, g->why,
		    sizeof g->why) == 0)
			ok++;
	}
	if (ok > 0) {
		g->handoff_ns = util_median(h, (size_t)ok);
		g->ok = 1;
	}
	free(h);
out:
	nftw(dir, bench_go_rm, 16, FTW_DEPTH | FTW_PHYS);
}

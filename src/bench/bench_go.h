/* SPDX-License-Identifier: ISC */
/*
 * The Go side of --bench: tests/go/gobench.go, built at run time into a
 * temporary directory (its build cache there too, so that a root or
 * HOME-less run works) when `go` is on the PATH.  Called by the bench's
 * thread, which waits for the child processes.
 */
#ifndef CSW_BENCH_GO_H
#define CSW_BENCH_GO_H

struct bench_go {
	int	 ok;		/* built and ran */
	double	 asleep_s;	/* until n sleeping goroutines were asleep */
	double	 rss_bytes;	/* VmRSS growth with them */
	double	 handoff_ns;	/* unbuffered channel, GOMAXPROCS=1, median;
				   in the process's CPU time */
	char	 why[200];	/* why not ok: "go is not on the PATH" */
};

/* Build the Go program and run sleepers n and handoff m (trials times). */
void	bench_go_run(struct bench_go *, long n, long m, int trials);

#endif

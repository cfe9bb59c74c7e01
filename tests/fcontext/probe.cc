// SPDX-License-Identifier: ISC
//
// The fcontext probe: Boost.Context's jump_fcontext (which also saves
// MXCSR and the x87 control word) against cswviz's bare switch, the same
// way round, in this process, trials interleaved.  Prints both medians
// and their ratio; the product never links it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <boost/context/detail/fcontext.hpp>

namespace bcd = boost::context::detail;

extern "C" {
uint64_t	probe_cpu_ns(void);
double		probe_ours(void);
}

#define FC_SWITCHES	4000000		// as ours.c

static bcd::fcontext_t	fc_b;

// Side b: jump back to whoever jumped here, forever.
static void
fc_side_b(bcd::transfer_t t)
{
	for (;;)
		t = bcd::jump_fcontext(t.fctx, nullptr);
}

// ns per switch over FC_SWITCHES switches: a round trip is two.
static double
probe_fcontext(void)
{
	static char		stack[65536];
	bcd::transfer_t		t;
	uint64_t		t0;

	fc_b = bcd::make_fcontext(stack + sizeof stack, sizeof stack,
	    fc_side_b);
	t.fctx = fc_b;
	t0 = probe_cpu_ns();
	for (long i = 0; i < FC_SWITCHES / 2; i++)
		t = bcd::jump_fcontext(t.fctx, nullptr);
	return ((double)(probe_cpu_ns() - t0) / FC_SWITCHES);
}

// The middle value.
static double
median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return (v[v.size() / 2]);
}

int
main(int argc, char **argv)
{
	int			 trials = argc > 1 ? std::atoi(argv[1]) : 15;
	std::vector<double>	 ours, fc;

	if (trials < 1)
		trials = 15;
	probe_ours();			// warm both up
	probe_fcontext();
	for (int i = 0; i < trials; i++) {
		ours.push_back(probe_ours());
		fc.push_back(probe_fcontext());
	}
	double	o = median(ours), f = median(fc);
	std::printf("ours_ns=%.2f\nfcontext_ns=%.2f\nratio=%.3f\n"
	    "trials=%d\n", o, f, o / f, trials);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * Latency histograms, HDR style: logarithmic buckets of fixed size, eight
 * to a power of two, so that any percentile read back is within
 * LAT_ERROR_PCT of the exact one.
 *
 * Buckets: below 16 ns one per nanosecond (exact); from 16 ns up, each
 * power of two [2^k, 2^(k+1)) is cut into 8 equal buckets of width
 * 2^(k-3), up to 2^34 ns (17.2 s).  A value is read back as its bucket's
 * midpoint, which is at most width/2 from it, and width/2 is at most 1/16
 * of any value in the bucket: the error is 6.25% at worst.  Longer values
 * fall into the last bucket; the exact maximum is kept beside the counts.
 *
 * Two kinds:
 * - struct lat_hist is what the workload writes into, on its hot path: no
 *   allocation, no lock.  lat_hist_add is safe for any number of writers
 *   (relaxed atomic adds); lat_hist_add_own is cheaper and for one writer
 *   only (a fiber worker's own histogram).  lat_hist_collect, by one
 *   reader (the sampler), adds the counts to a struct lat_counts and takes
 *   the maximum seen since the collect before.
 * - struct lat_counts is plain data, copied by value (the sample and the
 *   model hold them); counts are cumulative, the maximum per collect.
 *
 * lat_wake_record feeds the workload's wakeup latency: one process-wide
 * set of LAT_STRIPES histograms, each thread writing to the stripe it drew
 * at its first record, so that fiber workers (fewer than LAT_STRIPES)
 * write alone and threads share a stripe only when they outnumber them.
 */
#ifndef CSW_LATHIST_H
#define CSW_LATHIST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define LAT_SUB_BITS	3			/* 8 buckets a power of 2 */
#define LAT_SUB		(1u << LAT_SUB_BITS)
#define LAT_EXACT	(2u * LAT_SUB)		/* below: 1 ns buckets */
#define LAT_TOP_BIT	34			/* 2^34 ns = 17.2 s */
#define LAT_BUCKETS	(LAT_EXACT + (LAT_TOP_BIT - LAT_SUB_BITS - 1) * LAT_SUB)
#define LAT_ERROR_PCT	6.25			/* 100 / (2 * LAT_SUB) */
#define LAT_STRIPES	64
/* One handoff in this many is timed (lat_stamp_due): two clock reads
   per handoff would cost more than a fiber handoff itself. */
#define LAT_SAMPLE_EVERY 64

struct lat_hist {
	_Atomic uint64_t	 n[LAT_BUCKETS];
	_Atomic uint64_t	 max;
};

struct lat_counts {
	uint64_t		 n[LAT_BUCKETS];
	uint64_t		 total;		/* sum of n */
	uint64_t		 max;		/* ns, exact; 0: none */
};

/* The bucket of a value in ns. */
unsigned	 lat_bucket(uint64_t);
/* The lowest value of a bucket, ns. */
uint64_t	 lat_bucket_lo(unsigned);
/* The value a bucket reads back as: its midpoint, ns. */
uint64_t	 lat_bucket_mid(unsigned);

/* Count one value, any number of writers. */
void		 lat_hist_add(struct lat_hist *, uint64_t);
/* Count one value, one writer only. */
void		 lat_hist_add_own(struct lat_hist *, uint64_t);
/* Add a histogram's counts to c and fold in its maximum since the last
   collect (then forgotten).  One reader. */
void		 lat_hist_collect(struct lat_hist *, struct lat_counts *);

/* Count one value into c (plain data, one thread). */
void		 lat_counts_add(struct lat_counts *, uint64_t);
/* d = b - a, counts only (b's max is kept): the interval between. */
void		 lat_counts_delta(const struct lat_counts *,
		    const struct lat_counts *, struct lat_counts *);
/* The q-th quantile (0 < q <= 1) in ns, within LAT_ERROR_PCT, never above
   max; 0 if the counts are empty. */
uint64_t	 lat_counts_quantile(const struct lat_counts *, double);

/* Whether this handoff is one to time: one in LAT_SAMPLE_EVERY of the
   calls on the same tick counter. */
static inline bool
lat_stamp_due(uint32_t *tick)
{
	return ((++*tick & (LAT_SAMPLE_EVERY - 1)) == 0);
}

/* Count one wakeup latency of the workload, any thread. */
void		 lat_wake_record(uint64_t);
/* Add every stripe of the wakeup latencies to c.  One reader. */
void		 lat_wake_collect(struct lat_counts *);

#endif

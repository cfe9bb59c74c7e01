/* SPDX-License-Identifier: ISC */
/*
 * Latency histograms: buckets, adds, collects and quantiles (lathist.h).
 */
#include <stdatomic.h>
#include <string.h>

#include "util/lathist.h"

static struct lat_hist	 lat_wake[LAT_STRIPES];
static _Atomic unsigned	 lat_wake_next;
static __thread int	 lat_wake_stripe = -1;

/* Find the bucket of a value in ns. */
unsigned
lat_bucket(uint64_t v)
{
	unsigned	k, b;

	if (v < LAT_EXACT)
		return ((unsigned)v);
	k = 63u - (unsigned)__builtin_clzll(v);
	if (k >= LAT_TOP_BIT)
		return (LAT_BUCKETS - 1);
	b = LAT_EXACT + (k - LAT_SUB_BITS - 1) * LAT_SUB +
	    (unsigned)((v >> (k - LAT_SUB_BITS)) & (LAT_SUB - 1));
	return (b);
}

/* Give the lowest value of a bucket. */
uint64_t
lat_bucket_lo(unsigned b)
{
	unsigned	k, sub;

	if (b < LAT_EXACT)
		return (b);
	k = (b - LAT_EXACT) / LAT_SUB + LAT_SUB_BITS + 1;
	sub = (b - LAT_EXACT) % LAT_SUB;
	return (((uint64_t)1 << k) + ((uint64_t)sub << (k - LAT_SUB_BITS)));
}

/* Give the value a bucket reads back as. */
uint64_t
lat_bucket_mid(unsigned b)
{
	unsigned	k;

	if (b < LAT_EXACT)
		return (b);
	k = (b - LAT_EXACT) / LAT_SUB + LAT_SUB_BITS + 1;
	return (lat_bucket_lo(b) + ((uint64_t)1 << (k - LAT_SUB_BITS - 1)));
}

/* Raise a shared maximum; the common case, not above it, only loads. */
static inline void
lat_max_raise(_Atomic uint64_t *max, uint64_t v)
{
	uint64_t	m = atomic_load_explicit(max, memory_order_relaxed);

	while (v > m && !atomic_compare_exchange_weak_explicit(max, &m, v,
	    memory_order_relaxed, memory_order_relaxed))
		;
}

/* Count one value from any thread. */
void
lat_hist_add(struct lat_hist *h, uint64_t v)
{
	atomic_fetch_add_explicit(&h->n[lat_bucket(v)], 1,
	    memory_order_relaxed);
	lat_max_raise(&h->max, v);
}

/* Count one value from the histogram's only writer: no locked add. */
void
lat_hist_add_own(struct lat_hist *h, uint64_t v)
{
	_Atomic uint64_t	*c = &h->n[lat_bucket(v)];

	atomic_store_explicit(c, atomic_load_explicit(c,
	    memory_order_relaxed) + 1, memory_order_relaxed);
	/* The reader resets max: a CAS keeps a value racing the reset. */
	lat_max_raise(&h->max, v);
}

/* Add a histogram's counts and its maximum since the last collect. */
void
lat_hist_collect(struct lat_hist *h, struct lat_counts *c)
{
	uint64_t	v;
	unsigned	i;

	for (i = 0; i < LAT_BUCKETS; i++) {
		v = atomic_load_explicit(&h->n[i], memory_order_relaxed);
		c->n[i] += v;
		c->total += v;
	}
	v = atomic_exchange_explicit(&h->max, 0, memory_order_relaxed);
	if (v > c->max)
		c->max = v;
}

/* Count one value into plain counts. */
void
lat_counts_add(struct lat_counts *c, uint64_t v)
{
	c->n[lat_bucket(v)]++;
	c->total++;
	if (v > c->max)
		c->max = v;
}

/* Take the counts of the interval between a and b. */
void
lat_counts_delta(const struct lat_counts *a, const struct lat_counts *b,
    struct lat_counts *d)
{
	unsigned	i;

	memset(d, 0, sizeof *d);
	for (i = 0; i < LAT_BUCKETS; i++) {
		/* A stripe or worker gone between the two: no negative. */
		d->n[i] = b->n[i] >= a->n[i] ? b->n[i] - a->n[i] : 0;
		d->total += d->n[i];
	}
	d->max = d->total > 0 ? b->max : 0;
}

/* Read the q-th quantile: the midpoint of the bucket that holds it. */
uint64_t
lat_counts_quantile(const struct lat_counts *c, double q)
{
	uint64_t	rank, seen = 0, v;
	unsigned	i;

	if (c->total == 0)
		return (0);
	if (q <= 0)
		q = 1e-12;
	if (q >= 1)
		return (c->max != 0 ? c->max :
		    lat_bucket_mid(lat_bucket(UINT64_MAX)));
	/* The smallest value with at least q of the counts at or below. */
	rank = (uint64_t)(q * (double)c->total);
	if ((double)rank < q * (double)c->total)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < LAT_BUCKETS; i++) {
		seen += c->n[i];
		if (seen >= rank)
			break;
	}
	if (i == LAT_BUCKETS)
		i = LAT_BUCKETS - 1;
	v = lat_bucket_mid(i);
	if (c->max != 0 && v > c->max)
		v = c->max;
	return (v);
}

/* Count one wakeup latency in the calling thread's stripe. */
void
lat_wake_record(uint64_t v)
{
	if (lat_wake_stripe < 0)
		lat_wake_stripe = (int)(atomic_fetch_add_explicit(
		    &lat_wake_next, 1, memory_order_relaxed) % LAT_STRIPES);
	lat_hist_add(&lat_wake[lat_wake_stripe], v);
}

/* Add every stripe of the wakeup latencies. */
void
lat_wake_collect(struct lat_counts *c)
{
	unsigned	i;

	for (i = 0; i < LAT_STRIPES; i++)
		lat_hist_collect(&lat_wake[i], c);
}

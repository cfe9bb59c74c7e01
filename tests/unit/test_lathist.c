/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/lathist.h"

#define NSAMPLES	200000

/* A repeatable generator, so a failure can be replayed. */
static uint64_t
test_lathist_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/* Order values for the exact percentiles. */
static int
test_lathist_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* The exact q-th quantile of sorted values: the nearest rank. */
static uint64_t
test_lathist_exact(const uint64_t *v, size_t n, double q)
{
	size_t	rank = (size_t)ceil(q * (double)n);

	if (rank == 0)
		rank = 1;
	return (v[rank - 1]);
}

static void
test_lathist_buckets_cover_and_order(void **state)
{
	uint64_t	lo, next, mid;
	unsigned	b;

	/* Every bucket's lowest value falls in it, and its midpoint too;
	   the next bucket starts where this one ends. */
	for (b = 0; b < LAT_BUCKETS; b++) {
		lo = lat_bucket_lo(b);
		mid = lat_bucket_mid(b);
		assert_int_equal(lat_bucket(lo), b);
		assert_int_equal(lat_bucket(mid), b);
		if (b + 1 < LAT_BUCKETS) {
			next = lat_bucket_lo(b + 1);
			assert_true(next > lo);
			assert_int_equal(lat_bucket(next - 1), b);
			/* The stated error: half the width within 1/16
			   (below LAT_EXACT a bucket holds one value). */
			if (b >= LAT_EXACT)
				assert_true((double)(next - lo) / 2.0 <=
				    (double)lo * LAT_ERROR_PCT / 100.0);
		}
	}
	for (b = 0; b < LAT_EXACT; b++)
		assert_int_equal(lat_bucket_mid(b), b);
	/* 10 s fits below the last bucket; beyond the range goes last. */
	assert_true(lat_bucket(10000000000ULL) < LAT_BUCKETS - 1);
	assert_int_equal(lat_bucket(UINT64_MAX), LAT_BUCKETS - 1);
}

/* Percentiles of known samples against the exact ones. */
static void
test_lathist_quantiles_within_error(void **state)
{
	static const double	 qs[] = { 0.5, 0.9, 0.99, 0.999, 1.0 };
	struct lat_hist		*h = calloc(1, sizeof *h);
	struct lat_counts	*c = calloc(1, sizeof *c);
	uint64_t		*v = malloc(NSAMPLES * sizeof *v);
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL, got, want;
	double			 e;
	size_t			 i, k;

	assert_non_null(h);
	assert_non_null(c);
	assert_non_null(v);
	/* Log-uniform from 10 ns to 10 s, with a heavy tail's shape. */
	for (i = 0; i < NSAMPLES; i++) {
		e = (double)(test_lathist_rand(&seed) >> 11) / 9007199254740992.0;
		v[i] = (uint64_t)(10.0 * pow(1e9, e * e));
		if (i % 2)
			lat_hist_add(h, v[i]);
		else
			lat_hist_add_own(h, v[i]);
	}
	lat_hist_collect(h, c);
	assert_int_equal(c->total, NSAMPLES);
	qsort(v, NSAMPLES, sizeof *v, test_lathist_cmp);
	assert_int_equal(c->max, v[NSAMPLES - 1]);
	for (k = 0; k < sizeof qs / sizeof qs[0]; k++) {
		got = lat_counts_quantile(c, qs[k]);
		want = test_lathist_exact(v, NSAMPLES, qs[k]);
		assert_true(fabs((double)got - (double)want) <=
		    (double)want * LAT_ERROR_PCT / 100.0);
	}
	/* The maximum is forgotten by the collect that read it. */
	memset(c, 0, sizeof *c);
	lat_hist_collect(h, c);
	assert_int_equal(c->max, 0);
	free(v);
	free(c);
	free(h);
}

/* Small values are exact; a single value reads back as itself. */
static void
test_lathist_small_values_exact(void **state)
{
	struct lat_counts	c;
	uint64_t		i;

	memset(&c, 0, sizeof c);
	for (i = 1; i <= 10; i++)
		lat_counts_add(&c, i);
	assert_int_equal(lat_counts_quantile(&c, 0.5), 5);
	assert_int_equal(lat_counts_quantile(&c, 0.9), 9);
	assert_int_equal(lat_counts_quantile(&c, 1.0), 10);
	memset(&c, 0, sizeof c);
	assert_int_equal(lat_counts_quantile(&c, 0.5), 0);
	lat_counts_add(&c, 1234567);
	assert_true(llabs((long long)lat_counts_quantile(&c, 0.5) -
	    1234567) <= 1234567 * LAT_ERROR_PCT / 100);
}

/* The interval between two cumulative readings holds its own values. */
static void
test_lathist_delta_is_the_interval(void **state)
{
	struct lat_counts	a, b, d;
	int			i;

	memset(&a, 0, sizeof a);
	for (i = 0; i < 1000; i++)
		lat_counts_add(&a, 100);	/* an old, fast interval */
	b = a;
	b.max = 0;
	for (i = 0; i < 100; i++)
		lat_counts_add(&b, 5000000);	/* the new, slow one */
	lat_counts_delta(&a, &b, &d);
	assert_int_equal(d.total, 100);
	assert_true(lat_counts_quantile(&d, 0.5) > 4000000);
	assert_int_equal(lat_counts_quantile(&d, 1.0), 5000000);
	lat_counts_delta(&b, &b, &d);
	assert_int_equal(d.total, 0);
	assert_int_equal(d.max, 0);
}

/* The wakeup stripes add up whatever thread recorded. */
static void
test_lathist_wake_collects_stripes(void **state)
{
	struct lat_counts	c;
	uint32_t		tick = 0;
	int			i, due = 0;

	for (i = 0; i < 640; i++)
		due += lat_stamp_due(&tick);
	assert_int_equal(due, 640 / LAT_SAMPLE_EVERY);
	lat_wake_record(2000);
	lat_wake_record(3000);
	memset(&c, 0, sizeof c);
	lat_wake_collect(&c);
	assert_int_equal(c.total, 2);
	assert_int_equal(c.max, 3000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lathist_buckets_cover_and_order),
		cmocka_unit_test(test_lathist_quantiles_within_error),
		cmocka_unit_test(test_lathist_small_values_exact),
		cmocka_unit_test(test_lathist_delta_is_the_interval),
		cmocka_unit_test(test_lathist_wake_collects_stripes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

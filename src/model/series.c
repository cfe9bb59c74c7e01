/* SPDX-License-Identifier: ISC */
/*
 * The ring of one figure's history, and the rate of a counter between two
 * samples.  The model keeps one ring per series.
 */
#include <math.h>
#include <stdlib.h>

#include "model/series.h"
#include "util/util.h"

/* Allocate a ring of cap values. */
void
series_init(struct series *s, size_t cap)
{
	s->v = xcalloc(cap, sizeof *s->v);
	s->cap = cap;
	s->head = s->len = 0;
}

/* Free a ring. */
void
series_free(struct series *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = s->head = s->len = 0;
}

/* Append a value, dropping the oldest when full. NAN marks "not read". */
void
series_push(struct series *s, double v)
{
	s->v[s->head] = v;
	s->head = (s->head + 1) % s->cap;
	if (s->len < s->cap)
		s->len++;
}

/* How many values the ring holds. */
size_t
series_len(const struct series *s)
{
	return (s->len);
}

/* The value age steps back from the newest (0 = newest); NAN if absent. */
double
series_at(const struct series *s, size_t age)
{
	if (age >= s->len)
		return (NAN);
	return (s->v[(s->head + s->cap - 1 - age) % s->cap]);
}

/* Replace the value age steps back from the newest, if there is one. */
void
series_set(struct series *s, size_t age, double v)
{
	if (age < s->len)
		s->v[(s->head + s->cap - 1 - age) % s->cap] = v;
}

/* Largest value among ages [from, from + n); NAN if none is a number. */
double
series_max(const struct series *s, size_t from, size_t n)
{
	double	m = NAN, v;
	size_t	i;

	for (i = from; i < from + n && i < s->len; i++) {
		v = series_at(s, i);
		if (!isnan(v) && (isnan(m) || v > m))
			m = v;
	}
	return (m);
}

/*
 * Events per second between two readings of a counter dt_ns apart.  NAN
 * when the interval is empty or the counter went backwards (a reset).
 */
double
rate_per_s(uint64_t prev, uint64_t cur, uint64_t dt_ns)
{
	if (dt_ns == 0 || cur < prev)
		return (NAN);
	return ((double)(cur - prev) * 1e9 / (double)dt_ns);
}

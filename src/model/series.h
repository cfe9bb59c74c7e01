/* SPDX-License-Identifier: ISC */
/*
 * A fixed-size ring of samples of one quantity, and the rate math.
 * Pure, no locking: the loop thread owns every series.
 */
#ifndef CSW_SERIES_H
#define CSW_SERIES_H

#include <stddef.h>
#include <stdint.h>

struct series {
	double	*v;
	size_t	 cap, head, len;	/* head: next slot to write */
};

void	 series_init(struct series *, size_t);
void	 series_free(struct series *);
void	 series_push(struct series *, double);
size_t	 series_len(const struct series *);
double	 series_at(const struct series *, size_t);
void	 series_set(struct series *, size_t, double);
double	 series_max(const struct series *, size_t, size_t);

double	 rate_per_s(uint64_t, uint64_t, uint64_t);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * --record: every sample of the live screen appended to a file as the JSON
 * Lines that --batch prints (record/write.c writes both), for --replay.
 * Owned and called by the loop thread.
 */
#ifndef CSW_RECORDER_H
#define CSW_RECORDER_H

#include <stddef.h>

#include "sampler/sample.h"

struct recorder;

struct recorder	*recorder_open(const char *, char *, size_t);
int		 recorder_write(struct recorder *, const struct sample *,
		    char *, size_t);
/* A pause of the workload: the next sample starts its rates afresh. */
void		 recorder_gap(struct recorder *);
int		 recorder_write_side(struct recorder *, const struct sample *,
		    const char *, char *, size_t);
const char	*recorder_name(const struct recorder *);
int		 recorder_close(struct recorder *, char *, size_t);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The rails' policy: the headroom each limit keeps and which limit caps a
 * request (engine/limits.h).  The figures come from proc/limits_read.c.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "engine/limits.h"
#include "util/util.h"

#define LIMITS_MIB		(1024 * 1024)

/* Headroom: counts keep 1/20 (5%), memory 1/10, with a floor each. */
#define LIMITS_COUNT_SHARE	20
#define LIMITS_COUNT_FLOOR	256
/* The runtime's own chunks need room too: a 100,000-fiber 8 MiB class
   maps 14,000 of them, so guards keep at least 4096 entries free. */
#define LIMITS_GUARD_FLOOR	4096
#define LIMITS_MEMORY_SHARE	10
#define LIMITS_MEMORY_FLOOR	((int64_t)256 * LIMITS_MIB)

/* How a limit is spent, for limits_cap: one row per limit. */
enum limits_unit {
	LIMITS_UNIT_THREADS,
	LIMITS_UNIT_MAPS,
	LIMITS_UNIT_BYTES,
};

static const struct limits_rail {
	const char		*name;
	size_t			 limit, used;	/* offsets */
	enum limits_unit	 unit;
} limits_rails[] = {
	{ "kernel.threads-max", offsetof(struct limits, threads_max),
	    offsetof(struct limits, system_threads), LIMITS_UNIT_THREADS },
	{ "kernel.pid_max", offsetof(struct limits, pid_max),
	    offsetof(struct limits, system_threads), LIMITS_UNIT_THREADS },
	{ "cgroup pids.max", offsetof(struct limits, pids_max),
	    offsetof(struct limits, pids_current), LIMITS_UNIT_THREADS },
	{ "RLIMIT_NPROC", offsetof(struct limits, nproc),
	    offsetof(struct limits, process_threads), LIMITS_UNIT_THREADS },
	{ "vm.max_map_count", offsetof(struct limits, max_map_count),
	    offsetof(struct limits, map_count), LIMITS_UNIT_MAPS },
	{ "cgroup memory.max", offsetof(struct limits, memory_max),
	    offsetof(struct limits, memory_current), LIMITS_UNIT_BYTES },
	{ "MemAvailable", offsetof(struct limits, mem_available),
	    (size_t)-1, LIMITS_UNIT_BYTES },
};

/* The field at offset off, read-only. */
static const struct limits_value *
limits_cfield(const struct limits *l, size_t off)
{
	return ((const struct limits_value *)((const char *)l + off));
}

/* What is left of limit after used and the headroom; never below 0. */
static int64_t
limits_room(int64_t limit, int64_t used, int64_t share, int64_t floor)
{
	int64_t	reserve, avail;

	reserve = limit / share;
	if (reserve < floor)
		reserve = floor;
	if (limit <= reserve)
		return (0);
	avail = limit - reserve;
	if (used < 0)
		used = 0;
	return (used >= avail ? 0 : avail - used);
}

/* Cap a request by the tightest limit, saying which. */
long
limits_cap(const struct limits *l, const struct limits_request *req,
    char *why, size_t whylen)
{
	const struct limits_rail	*r, *tight = NULL;
	const struct limits_value	*limit;
	int64_t				 used, per, room, allowed, best;
	char				 count[32];
	const char			*word;
	long				 total;
	size_t				 i;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	best = req->tasks > 0 ? req->tasks : 0;
	for (i = 0; i < sizeof limits_rails / sizeof limits_rails[0]; i++) {
		r = &limits_rails[i];
		limit = limits_cfield(l, r->limit);
		if (limit->value < 0 || limit->value == LIMITS_NONE)
			continue;
		used = r->used == (size_t)-1 ? 0 :
		    limits_cfield(l, r->used)->value;
		switch (r->unit) {
		case LIMITS_UNIT_THREADS:
			per = req->task_threads;
			room = limits_room(limit->value, used,
			    LIMITS_COUNT_SHARE, LIMITS_COUNT_FLOOR);
			break;
		case LIMITS_UNIT_MAPS:
			per = req->kind == LIMITS_FIBERS ? 0 : req->task_maps;
			room = limits_room(limit->value, used,
			    LIMITS_COUNT_SHARE, LIMITS_COUNT_FLOOR);
			break;
		case LIMITS_UNIT_BYTES:
		default:
			per = req->task_bytes;
			room = limits_room(limit->value, used,
			    LIMITS_MEMORY_SHARE, LIMITS_MEMORY_FLOOR);
			break;
		}
		if (per <= 0)
			continue;
		allowed = room / per;
		if (allowed < best) {
			best = allowed;
			tight = r;
		}
	}
	if (tight == NULL || why == NULL || whylen == 0)
		return ((long)best);

	/* best < req->tasks, which is a long: the sum fits unless have is
	   near LONG_MAX. */
	total = req->have > 0 && req->have > LONG_MAX - best ? LONG_MAX :
	    (long)best + (req->have > 0 ? req->have : 0);
	limits_format_count(total, count, sizeof count);
	if (req->kind == LIMITS_FIBERS)
		word = total == 1 ? "fiber" : "fibers";
	else
		word = total == 1 ? "thread" : "threads";
	limit = limits_cfield(l, tight->limit);
	if (tight->unit == LIMITS_UNIT_BYTES)
		snprintf(why, whylen, "capped at %s %s: %s %lld MiB", count,
		    word, tight->name,
		    (long long)(limit->value / LIMITS_MIB));
	else
		snprintf(why, whylen, "capped at %s %s: %s %lld", count, word,
		    tight->name, (long long)limit->value);
	return ((long)best);
}

/* Guarded fiber stacks that fit in the map budget. */
long
limits_guard_budget(const struct limits *l)
{
	int64_t	max = l->max_map_count.value;

	if (max < 0)
		max = LIMITS_MAP_COUNT_DEFAULT;
	if (max == LIMITS_NONE)
		return (LONG_MAX);
	return ((long)(limits_room(max, l->map_count.value,
	    LIMITS_COUNT_SHARE, LIMITS_GUARD_FLOOR) / 2));
}

/* Write a count with thousands separators. */
size_t
limits_format_count(long n, char *buf, size_t len)
{
	char		 digits[32], out[48];
	unsigned long	 u;
	size_t		 nd = 0, i, o = 0;

	u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
	do {
		digits[nd++] = '0' + u % 10;
		u /= 10;
	} while (u != 0);
	if (n < 0)
		out[o++] = '-';
	for (i = nd; i > 0; i--) {
		out[o++] = digits[i - 1];
		if (i > 1 && (i - 1) % 3 == 0)
			out[o++] = ',';
	}
	out[o] = '\0';
	if (len > 0)
		snprintf(buf, len, "%s", out);
	return (o);
}

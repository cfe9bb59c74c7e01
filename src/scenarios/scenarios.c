/* SPDX-License-Identifier: ISC */
/*
 * The table of scenarios, in the order of their keys on the live screen.
 * A new scenario is a file of its own and a row here.
 */
#include <stddef.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "util/util.h"

static const struct scenario_ops *scenarios[] = {
	&scenario_pingpong,	/* key 1 */
	&scenario_sleepers,	/* key 2 */
	&scenario_server,	/* key 3 */
	&scenario_cpuflood,	/* key 4 */
	&scenario_blocking,	/* key 5 */
	&scenario_fanin,	/* key 6 */
	&scenario_leak,		/* key 7 */
};

/* Find a scenario by name. */
const struct scenario_ops *
scenario_find(const char *name)
{
	size_t	i;

	for (i = 0; i < CSW_ARRAY_LEN(scenarios); i++) {
		if (strcmp(scenarios[i]->name, name) == 0)
			return (scenarios[i]);
	}
	return (NULL);
}

/* The n-th row of the table, or NULL past the end. */
const struct scenario_ops *
scenario_at(size_t n)
{
	if (n >= CSW_ARRAY_LEN(scenarios))
		return (NULL);
	return (scenarios[n]);
}

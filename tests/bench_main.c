/* Driver for `make bench`: runs the machine benchmark (cswviz --bench). */
#include <stdio.h>
#include <string.h>

#include "engine/bench.h"

int
main(int argc, char **argv)
{
	int	json = argc > 1 && strcmp(argv[1], "--json") == 0;

	return (bench_run(stdout, json));
}

#include <stdio.h>

int
main(int argc, char **argv)
{
	printf("cswviz %s\n", PACKAGE_VERSION);
	return (0);
}

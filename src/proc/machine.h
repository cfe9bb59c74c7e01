/* SPDX-License-Identifier: ISC */
/*
 * The machine a figure was drawn on, for its caption: the CPU model and
 * the count of CPUs from cpuinfo, the kernel from sys/kernel/ostype and
 * osrelease (what uname -sr prints).  The root is a parameter ("/proc",
 * or a fixture directory); the parser is pure.  Any thread.
 */
#ifndef CSW_MACHINE_H
#define CSW_MACHINE_H

#include <stddef.h>

#define MACHINE_TEXTLEN	128

struct machine {
	char	cpu[MACHINE_TEXTLEN];		/* "": not known */
	int	cpus;				/* 0: not known */
	char	kernel[MACHINE_TEXTLEN];	/* "": not known */
};

int	machine_parse_cpuinfo(const char *, struct machine *, char *, size_t);
int	machine_read(const char *, struct machine *, char *, size_t);
void	machine_describe(const struct machine *, char *, size_t);

#endif

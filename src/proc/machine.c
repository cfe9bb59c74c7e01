/* SPDX-License-Identifier: ISC */
/*
 * The machine's CPU model, CPU count and kernel, read from procfs for the
 * caption of a figure.  machine_parse_cpuinfo reads text only; machine_read
 * fills what it can and says what it could not.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/machine.h"
#include "proc/procfs.h"
#include "util/util.h"

/* The value after "key\t: " on a cpuinfo line, or NULL for another key. */
static const char *
machine_field(const char *line, size_t len, const char *key, size_t *vlen)
{
	size_t	k = strlen(key), i;

	if (len < k || strncmp(line, key, k) != 0)
		return (NULL);
	for (i = k; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i >= len || line[i] != ':')
		return (NULL);
	for (i++; i < len && line[i] == ' '; i++)
		;
	*vlen = len - i;
	while (*vlen > 0 && isspace((unsigned char)line[i + *vlen - 1]))
		(*vlen)--;
	return (line + i);
}

/*
 * Take the CPU model ("model name", or on arm64 "Hardware" or "CPU part")
 * and count the "processor" lines.  0, or -1 with err when the text names
 * no processor; out is untouched then.
 */
int
machine_parse_cpuinfo(const char *text, struct machine *out, char *err,
    size_t errlen)
{
	struct machine	 m = *out;
	const char	*p = text, *nl, *v;
	char		 part[MACHINE_TEXTLEN] = "";
	size_t		 len, vlen;
	int		 n = 0;

	m.cpu[0] = '\0';
	while ((nl = strchr(p, '\n')) != NULL) {
		len = (size_t)(nl - p);
		if (machine_field(p, len, "processor", &vlen) != NULL)
			n++;
		else if (m.cpu[0] == '\0' &&
		    ((v = machine_field(p, len, "model name", &vlen)) != NULL ||
		    (v = machine_field(p, len, "Hardware", &vlen)) != NULL) &&
		    vlen > 0)
			snprintf(m.cpu, sizeof m.cpu, "%.*s", (int)vlen, v);
		else if (part[0] == '\0' &&
		    (v = machine_field(p, len, "CPU part", &vlen)) != NULL)
			snprintf(part, sizeof part, "CPU part %.*s", (int)vlen,
			    v);
		p = nl + 1;
	}
	if (n == 0) {
		procfs_set_error(err, errlen, "cpuinfo: no processor line");
		return (-1);
	}
	if (m.cpu[0] == '\0')
		snprintf(m.cpu, sizeof m.cpu, "%s", part);
	m.cpus = n;
	*out = m;
	return (0);
}

/* Read one line of a small file into buf, without its newline. */
static int
machine_line(const char *root, const char *rel, char *buf, size_t size,
    char *err, size_t errlen)
{
	ssize_t	n;

	if ((n = procfs_read(root, rel, buf, size, err, errlen)) < 0)
		return (-1);
	buf[strcspn(buf, "\n")] = '\0';
	return (0);
}

/*
 * Fill out from ROOT/cpuinfo and ROOT/sys/kernel: 0, or -1 with the first
 * thing that could not be read in err (what could be read is kept).
 */
int
machine_read(const char *root, struct machine *out, char *err, size_t errlen)
{
	size_t		 size = 1024 * 1024;	/* a few hundred CPUs */
	char		*text = xmalloc(size);
	char		 type[32], rel[MACHINE_TEXTLEN - 40];
	int		 ret = 0;

	memset(out, 0, sizeof *out);
	if (procfs_read(root, "cpuinfo", text, size, err, errlen) < 0 ||
	    machine_parse_cpuinfo(text, out, err, errlen) != 0)
		ret = -1;
	free(text);
	if (machine_line(root, "sys/kernel/osrelease", rel, sizeof rel,
	    ret == 0 ? err : NULL, errlen) != 0)
		return (-1);
	if (machine_line(root, "sys/kernel/ostype", type, sizeof type, NULL,
	    0) != 0)
		snprintf(type, sizeof type, "kernel");
	snprintf(out->kernel, sizeof out->kernel, "%s %s", type, rel);
	return (ret);
}

/* "CPU MODEL, N CPUs, Linux 6.1.0" with "not known" for what is missing. */
void
machine_describe(const struct machine *m, char *buf, size_t len)
{
	char	cpus[32];

	if (m->cpus > 0)
		snprintf(cpus, sizeof cpus, "%d CPU%s", m->cpus,
		    m->cpus == 1 ? "" : "s");
	else
		snprintf(cpus, sizeof cpus, "CPUs not known");
	snprintf(buf, len, "%s, %s, %s",
	    m->cpu[0] != '\0' ? m->cpu : "CPU model not known", cpus,
	    m->kernel[0] != '\0' ? m->kernel : "kernel not known");
}

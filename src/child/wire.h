/* SPDX-License-Identifier: ISC */
/*
 * What crosses between cswviz and its workload child: internal to child/.
 *
 * The shared memory is one struct child_shm in a memfd that both map.  The
 * child alone writes it (one thread, the agent), as a seqlock: seq is odd
 * while it writes; a reader copies what it needs and keeps the copy only
 * if seq was even and did not move.  Strings cross as text, never as
 * pointers: the two processes map the program at different addresses.
 *
 * The socket is a SOCK_SEQPACKET pair: one struct child_msg a message.
 * cswviz sends REQUEST and KICK; the child answers a REQUEST with REPLY
 * (the configuration as the engine took it), and sends NEWS (an engine
 * message) when it has one.  Its first message is READY or FAILED.
 */
#ifndef CSW_CHILD_WIRE_H
#define CSW_CHILD_WIRE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "child/child.h"
#include "engine/engine.h"
#include "util/lathist.h"

#define CHILD_FD_SOCK	3	/* the child's end of the socket */
#define CHILD_FD_SHM	4	/* the shared memory */
#define CHILD_STACKS_MAX 65536	/* thread stacks the registry carries */
#define CHILD_NAMELEN	64
#define CHILD_TEXTLEN	512

enum child_msg_type {
	CHILD_MSG_REQUEST = 1,
	CHILD_MSG_KICK,
	CHILD_MSG_READY,
	CHILD_MSG_FAILED,
	CHILD_MSG_REPLY,
	CHILD_MSG_NEWS,
	CHILD_MSG_FINISH,	/* end cleanly (--trace), then exit */
};

/* A configuration as text and numbers. */
struct child_config {
	int		mode;
	char		scenario[CHILD_NAMELEN];
	long		tasks;
	int		workers;
	uint64_t	stack[ENGINE_MODES];
	bool		variant;
};

struct child_msg {
	uint32_t		type;
	uint32_t		seq;	/* a REQUEST's number; its REPLY's too */
	struct child_config	cfg;
	long			tasks_max;
	char			text[ENGINE_ERRLEN];
};

struct child_shm {
	_Atomic uint64_t	seq;		/* odd: being written */
	_Atomic uint32_t	published;	/* a futex: bumped after each */
	uint64_t		t_ns;		/* CLOCK_MONOTONIC, published */
	struct engine_snapshot	snap;		/* its pointers are NULL */
	char			scenario[CHILD_NAMELEN];
	char			caption[CHILD_TEXTLEN];
	char			variant_name[CHILD_NAMELEN];
	char			work_unit[CHILD_NAMELEN];
	bool			has_variant, has_work_unit;
	bool			fm_ok;		/* fibers mode */
	struct engine_fiber_memory fm;
	bool			ru_ok;
	struct child_rusage	ru;
	struct lat_counts	lat[2];		/* engine_latency's, cumulative */
	uint32_t		nstacks;	/* of the registry, capped */
	struct engine_stack	stacks[CHILD_STACKS_MAX];
};

#endif

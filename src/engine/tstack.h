/* SPDX-License-Identifier: ISC */
/*
 * Stacks for the engine's workload threads, mapped and reused by the
 * engine instead of glibc.
 *
 * A thread that glibc gave a stack hands it back through the address
 * space twice: madvise(MADV_DONTNEED) over the stack as the thread exits,
 * and munmap in pthread_join (past glibc's small cache).  Both take the
 * mmap lock and tear down page tables, which in a virtual machine costs
 * about a millisecond a thread: seconds to stop a few thousand.  A stack
 * from this pool goes back on a free list at the join and is reused; only
 * whole slabs of stacks are ever unmapped, one call for many threads.
 */
#ifndef CSWVIZ_TSTACK_H
#define CSWVIZ_TSTACK_H

#include <stddef.h>

struct tstack_pool;

struct tstack_pool	*tstack_pool_new(void);
/* Unmap every slab; every thread on a stack from it must be joined. */
void			 tstack_pool_free(struct tstack_pool *);

/* A stack of size bytes (page multiple) above a guard page; an errno. */
int			 tstack_get(struct tstack_pool *, size_t, void **);
/* Hand back a stack from tstack_get, its thread joined. */
void			 tstack_put(struct tstack_pool *, void *, size_t);
/* Unmap the slabs none of whose stacks is in use; the bytes unmapped. */
size_t			 tstack_trim(struct tstack_pool *);
/* Bytes mapped in slabs, in use or free. */
size_t			 tstack_mapped(struct tstack_pool *);

#endif

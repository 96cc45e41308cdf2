/* SPDX-License-Identifier: MIT */
/* heap.c - the allocator's arenas and free pages; see heap.h. */
#include "util/heap.h"

#include <stdlib.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

void
pue_heap_one_arena(void)
{
#ifdef __GLIBC__
	/* A MALLOC_ARENA_MAX set in the environment (systemctl edit) is
	 * the site's choice, and glibc has applied it already. */
	if (getenv("MALLOC_ARENA_MAX") == NULL)
		(void)mallopt(M_ARENA_MAX, 1);
#endif
}

void
pue_heap_release(void)
{
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}

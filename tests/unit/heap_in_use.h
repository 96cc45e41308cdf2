/* SPDX-License-Identifier: MIT */
/*
 * heap_in_use.h - bytes of heap in use now, for the tests that bound what
 * an object costs (test_engine_memory.c, test_health_memory.c).
 * Header-only.
 */
#ifndef PUE_TEST_HEAP_IN_USE_H
#define PUE_TEST_HEAP_IN_USE_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
/* libasan's (sanitizer/allocator_interface.h, which only clang installs). */
size_t __sanitizer_get_current_allocated_bytes(void);
#else
#include <malloc.h>
#endif

/* ASan's own count under SANITIZE=1 (it replaces malloc, and glibc's arena
 * then holds none of it), glibc's otherwise. */
static inline size_t
heap_in_use(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

#endif

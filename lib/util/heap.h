/* SPDX-License-Identifier: MIT */
/*
 * heap.h - how pued's allocator holds memory (issue 18: memory per device
 * at most collectd's for the same devices).
 *
 * glibc gives each thread that allocates its own arena, up to 8 per core,
 * and keeps freed memory for reuse. pued's threads are few and mostly
 * wait (Modbus transactions, name lookups, the configuration read, the
 * year's query): an arena each buys them no speed, while each keeps its
 * own pages. And the start (the configuration's YAML tree, the
 * first connections) leaves freed memory in the heap's middle that glibc
 * returns to the system only when asked.
 * Elsewhere (another C library) both calls do nothing.
 */
#ifndef PUE_HEAP_H
#define PUE_HEAP_H

/* One arena for every thread, unless MALLOC_ARENA_MAX is set in the
 * environment. Call before the first thread starts. */
void pue_heap_one_arena(void);

/* Returns the heap's free whole pages to the system (after the start and
 * after a reload, when the old configuration and service are gone). */
void pue_heap_release(void);

#endif

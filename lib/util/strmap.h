/* SPDX-License-Identifier: MIT */
/*
 * strmap.h - an index from strings to numbers, for the configuration
 * loader's duplicate checks and name lookups.
 *
 * A file with hundreds of thousands of keys, points or terms must load in
 * time linear in its size: comparing each new name with every earlier one
 * made a 40,000-key file take seconds and a 700,000-key one most of an
 * hour. Open addressing with linear probing over 64-bit FNV-1a hashes,
 * grown at half full, so an add or a find probes about two slots whatever
 * the map holds. The hash is not keyed: the input is the administrator's
 * own configuration, not a peer's.
 *
 * Keys are borrowed: each must stay unchanged in memory while the map
 * holds it. A zeroed struct is an empty map. Any thread, one map per thread.
 */
#ifndef PUE_STRMAP_H
#define PUE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pue_strmap_slot {
	const char *key; /* NULL: empty slot */
	uint64_t hash;
	size_t value;
};

struct pue_strmap {
	struct pue_strmap_slot *slots; /* NULL until the first add */
	size_t cap;		       /* 0 or a power of two */
	size_t n;
	uint64_t probes; /* slots looked at by adds and finds, growth included:
			  * tests count them to prove the work per key constant */
};

/* Adds key (borrowed) with value unless an equal key is there. Returns 0
 * when added, 1 when the key was there already (*old, when not NULL, gets
 * its value; the map is unchanged), or -ENOMEM. */
int pue_strmap_add(struct pue_strmap *m, const char *key, size_t value, size_t *old);

/* True, with *value set when value is not NULL, when key is in the map. */
bool pue_strmap_find(struct pue_strmap *m, const char *key, size_t *value);

/* Frees the slots (not the keys) and empties the map. NULL is accepted. */
void pue_strmap_free(struct pue_strmap *m);

/* The map's 64-bit FNV-1a hash of s, for a caller that only needs to
 * know whether a string changed (modbus_poll.c's last logged reason). */
uint64_t pue_strmap_hash(const char *s);

#endif

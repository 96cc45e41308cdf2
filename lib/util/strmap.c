/* SPDX-License-Identifier: MIT */
/* strmap.c - open addressing over FNV-1a hashes; see strmap.h. */
#include "util/strmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 16

uint64_t
pue_strmap_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return h;
}

/* The slot holding key, or the empty slot where it would go. The table is
 * never full (grown at half), so the walk ends. */
static struct pue_strmap_slot *
slot_of(struct pue_strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		struct pue_strmap_slot *s = &m->slots[i];

		m->probes++;
		if (s->key == NULL || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
	}
}

static int
grow(struct pue_strmap *m)
{
	struct pue_strmap_slot *old = m->slots;
	size_t old_cap = m->cap, cap = m->cap ? 2 * m->cap : FIRST_CAP, i;

	if (cap < m->cap)
		return -ENOMEM;
	if ((m->slots = calloc(cap, sizeof(*m->slots))) == NULL) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = cap;
	for (i = 0; i < old_cap; i++)
		if (old[i].key != NULL)
			*slot_of(m, old[i].key, old[i].hash) = old[i];
	free(old);
	return 0;
}

int
pue_strmap_add(struct pue_strmap *m, const char *key, size_t value, size_t *old)
{
	uint64_t h = pue_strmap_hash(key);
	struct pue_strmap_slot *s = NULL;

	if (m->cap > 0) {
		s = slot_of(m, key, h);
		if (s->key != NULL) {
			if (old != NULL)
				*old = s->value;
			return 1;
		}
	}
	if (2 * (m->n + 1) > m->cap) {
		if (grow(m) < 0)
			return -ENOMEM;
		s = slot_of(m, key, h);
	}
	*s = (struct pue_strmap_slot){key, h, value};
	m->n++;
	return 0;
}

bool
pue_strmap_find(struct pue_strmap *m, const char *key, size_t *value)
{
	struct pue_strmap_slot *s;

	if (m->cap == 0)
		return false;
	s = slot_of(m, key, pue_strmap_hash(key));
	if (s->key == NULL)
		return false;
	if (value != NULL)
		*value = s->value;
	return true;
}

void
pue_strmap_free(struct pue_strmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

/* SPDX-License-Identifier: MIT */
/* blob.c - reference-counted immutable bytes and their slot; see blob.h. */
#include "blob.h"

#include <stdlib.h>

struct pue_blob *
pue_blob_take(char *data, size_t len, const char *content_type)
{
	struct pue_blob *b = malloc(sizeof(*b));

	if (b == NULL) {
		free(data);
		return NULL;
	}
	atomic_init(&b->refs, 1);
	b->content_type = content_type;
	b->len = len;
	b->data = data;
	return b;
}

struct pue_blob *
pue_blob_ref(struct pue_blob *b)
{
	/* Relaxed: taking a reference orders nothing; the slot's mutex (or
	 * the reference the caller already holds) makes the bytes visible. */
	atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
	return b;
}

void
pue_blob_unref(struct pue_blob *b)
{
	if (b == NULL)
		return;
	/* Release so every use of the bytes happens before the free, and
	 * acquire on the last drop so the free sees them all. */
	if (atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(b->data);
	free(b);
}

void
pue_blob_slot_init(struct pue_blob_slot *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->blob = NULL;
}

void
pue_blob_slot_destroy(struct pue_blob_slot *s)
{
	pue_blob_unref(s->blob);
	s->blob = NULL;
	pthread_mutex_destroy(&s->lock);
}

void
pue_blob_slot_set(struct pue_blob_slot *s, struct pue_blob *b)
{
	struct pue_blob *old;

	pthread_mutex_lock(&s->lock);
	old = s->blob;
	s->blob = b;
	pthread_mutex_unlock(&s->lock);
	pue_blob_unref(old); /* outside the lock: it may free */
}

struct pue_blob *
pue_blob_slot_get(struct pue_blob_slot *s)
{
	struct pue_blob *b;

	pthread_mutex_lock(&s->lock);
	b = s->blob != NULL ? pue_blob_ref(s->blob) : NULL;
	pthread_mutex_unlock(&s->lock);
	return b;
}

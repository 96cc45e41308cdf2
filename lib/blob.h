/* SPDX-License-Identifier: MIT */
/*
 * blob.h - bytes that never change once made, shared between threads by
 * reference count, and a slot that publishes the latest of them.
 *
 * How a rendering leaves the main loop: the loop makes a blob (the
 * /metrics text of this round) and sets it into a slot, replacing the
 * last one; a server thread takes a reference from the slot, sends the
 * bytes without any lock held, and drops the reference. Whoever drops the
 * last reference frees the blob, so a slow client keeps its own round's
 * bytes alive and never holds up the loop: the slot's mutex is held only
 * for a pointer swap and a count increment. Any thread.
 */
#ifndef PUE_BLOB_H
#define PUE_BLOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct pue_blob {
	atomic_uint refs;
	const char *content_type; /* static, e.g. "text/plain; version=0.0.4" */
	size_t len;
	char *data; /* len bytes, owned */
};

/* Wraps data (malloc'd, len bytes; taken: freed with the blob, or here on
 * failure) with one reference for the caller. content_type must be a
 * static string. NULL when out of memory. */
struct pue_blob *pue_blob_take(char *data, size_t len, const char *content_type);

/* Another reference to b (not NULL); returns b. */
struct pue_blob *pue_blob_ref(struct pue_blob *b);

/* Drops a reference; the last one frees b. NULL is accepted. */
void pue_blob_unref(struct pue_blob *b);

struct pue_blob_slot {
	pthread_mutex_t lock;
	struct pue_blob *blob; /* NULL: nothing published yet */
};

void pue_blob_slot_init(struct pue_blob_slot *s);
/* Drops the slot's blob. */
void pue_blob_slot_destroy(struct pue_blob_slot *s);

/* Publishes b (its reference is taken; NULL empties the slot); the blob
 * it replaces loses the slot's reference. */
void pue_blob_slot_set(struct pue_blob_slot *s, struct pue_blob *b);

/* A new reference to the published blob, or NULL when there is none. */
struct pue_blob *pue_blob_slot_get(struct pue_blob_slot *s);

#endif

/* SPDX-License-Identifier: MIT */
/* blob.c - reference-counted immutable bytes; see blob.h. */
#include "util/blob.h"

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
	/* Relaxed: taking a reference orders nothing; the lock or reference
	 * the caller got the blob through made the bytes visible. */
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

/* SPDX-License-Identifier: MIT */
/*
 * blob.h - bytes that never change once made, shared between threads by
 * reference count: a rendering (the /metrics text of one snapshot) handed
 * to the HTTP server, which sends it without any lock held and drops its
 * reference when the client has it. Whoever drops the last reference
 * frees the blob, so a slow client keeps its own bytes alive and holds up
 * nobody. Any thread.
 */
#ifndef PUE_BLOB_H
#define PUE_BLOB_H

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

#endif

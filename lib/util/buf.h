/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growable byte buffer for documents built piece by piece (the
 * SVG charts, the HTML report and the status page).
 *
 * Running out of memory is sticky: the failing append marks the buffer
 * failed and every later one does nothing, so a renderer appends freely
 * and asks pue_buf_failed() once at the end. The bytes stay NUL-terminated.
 * Any thread; one buffer is used by one thread at a time.
 */
#ifndef PUE_BUF_H
#define PUE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct pue_buf {
	char *data; /* NUL-terminated; NULL before the first append */
	size_t len; /* bytes, without the NUL */
	size_t cap;
	bool failed; /* an append ran out of memory (or past PUE_BUF_MAX) */
};

/* No document pued builds comes near this; a bigger one is a bug. */
#define PUE_BUF_MAX ((size_t)64 << 20)

#define PUE_BUF_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0, false                                                                  \
	}

void pue_buf_append(struct pue_buf *b, const char *s, size_t n);
void pue_buf_puts(struct pue_buf *b, const char *s);
void pue_buf_printf(struct pue_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s with &, <, >, " and ' as character references: safe inside
 * HTML, SVG and XML text and quoted attribute values. NULL appends nothing. */
void pue_buf_put_escaped(struct pue_buf *b, const char *s);

/* Whether an append failed; the contents are then incomplete. */
bool pue_buf_failed(const struct pue_buf *b);

/* Hands the bytes to the caller (free() them) and empties b. NULL when an
 * append failed (b is then emptied too); *len may be NULL. */
char *pue_buf_take(struct pue_buf *b, size_t *len);

/* Frees the bytes and empties b. NULL is accepted. */
void pue_buf_free(struct pue_buf *b);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * errtext.h - an error message kept only while there is one.
 *
 * A device's last error is empty for every device that answers, and a
 * campus has hundreds of them: a fixed 200-byte buffer each, in the
 * pollers and again in every snapshot, was most of what a healthy device
 * cost (issue 18). A struct pue_errtext is one pointer: NULL while there
 * is no error, else the text on the heap, cut to PUE_ERRTEXT_MAX - 1
 * bytes as the buffers it replaces cut it, but before a character the cut
 * would split (utf8.h).
 *
 * Setting a text never fails: out of memory, the text becomes the static
 * "out of memory", so the caller keeps its state and sees that an error
 * is there. A zeroed struct is empty. Copying the struct by assignment
 * shares the pointer: copy with pue_errtext_copy(). One thread at a time
 * per struct; the owner hands it over as it hands over the rest of its
 * object.
 */
#ifndef PUE_ERRTEXT_H
#define PUE_ERRTEXT_H

#include <stdbool.h>

/* Bytes of the longest text, with its NUL. */
#define PUE_ERRTEXT_MAX 200

struct pue_errtext {
	const char *text; /* NULL: none; else heap, or the static fallback */
};

/* The text, or "" when there is none. Valid until t changes. */
const char *pue_errtext_get(const struct pue_errtext *t);

/* Whether there is a text (a non-empty one). */
bool pue_errtext_is_set(const struct pue_errtext *t);

/* Replaces the text with msg (borrowed; cut to PUE_ERRTEXT_MAX - 1
 * bytes). NULL or "" clears it. The same text keeps its allocation, so a
 * device that fails the same way each poll allocates nothing. */
void pue_errtext_set(struct pue_errtext *t, const char *msg);

/* pue_errtext_set() with a printf format. */
void pue_errtext_setf(struct pue_errtext *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Makes dst (empty or zeroed; what it held is not freed) a copy of src
 * that owns its own text. */
void pue_errtext_copy(struct pue_errtext *dst, const struct pue_errtext *src);

/* Frees the text; t is then empty. */
void pue_errtext_clear(struct pue_errtext *t);

#endif

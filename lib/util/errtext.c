/* SPDX-License-Identifier: MIT */
/* errtext.c - an error message kept only while there is one; see errtext.h. */
#include "util/errtext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* What a text says when there was no memory for it. Never freed. */
static const char out_of_memory[] = "out of memory";

const char *
pue_errtext_get(const struct pue_errtext *t)
{
	return t->text != NULL ? t->text : "";
}

bool
pue_errtext_is_set(const struct pue_errtext *t)
{
	return t->text != NULL;
}

void
pue_errtext_clear(struct pue_errtext *t)
{
	if (t->text != out_of_memory)
		free((char *)t->text);
	t->text = NULL;
}

void
pue_errtext_set(struct pue_errtext *t, const char *msg)
{
	size_t len = msg != NULL ? pue_utf8_cut(msg, strnlen(msg, PUE_ERRTEXT_MAX - 1)) : 0;
	char *copy = NULL;

	if (t->text != NULL && len > 0 && strncmp(t->text, msg, len) == 0 && t->text[len] == '\0')
		return;
	/* Copied before the old text goes: msg may point into it. */
	if (len > 0 && (copy = malloc(len + 1)) != NULL) {
		memcpy(copy, msg, len);
		copy[len] = '\0';
	}
	pue_errtext_clear(t);
	if (len > 0)
		t->text = copy != NULL ? copy : out_of_memory;
}

void
pue_errtext_setf(struct pue_errtext *t, const char *fmt, ...)
{
	char msg[PUE_ERRTEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pue_errtext_set(t, msg);
}

void
pue_errtext_copy(struct pue_errtext *dst, const struct pue_errtext *src)
{
	dst->text = NULL;
	pue_errtext_set(dst, src->text);
}

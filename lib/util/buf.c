/* SPDX-License-Identifier: MIT */
/* buf.c - a growable byte buffer; see buf.h. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL, doubling (amortised O(1) appends). */
static bool
reserve(struct pue_buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return false;
	if (n > PUE_BUF_MAX - b->len - 1) {
		b->failed = true;
		return false;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
pue_buf_append(struct pue_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
pue_buf_puts(struct pue_buf *b, const char *s)
{
	pue_buf_append(b, s, strlen(s));
}

void
pue_buf_printf(struct pue_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
pue_buf_put_escaped(struct pue_buf *b, const char *s)
{
	const char *run = s;

	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		const char *ref = NULL;

		switch (*s) {
		case '&':
			ref = "&amp;";
			break;
		case '<':
			ref = "&lt;";
			break;
		case '>':
			ref = "&gt;";
			break;
		case '"':
			ref = "&quot;";
			break;
		case '\'':
			ref = "&#39;";
			break;
		default:
			continue;
		}
		pue_buf_append(b, run, (size_t)(s - run));
		pue_buf_puts(b, ref);
		run = s + 1;
	}
	pue_buf_append(b, run, (size_t)(s - run));
}

bool
pue_buf_failed(const struct pue_buf *b)
{
	return b->failed;
}

char *
pue_buf_take(struct pue_buf *b, size_t *len)
{
	char *p = b->data;

	if (b->failed) {
		pue_buf_free(b);
		return NULL;
	}
	if (p == NULL && (p = calloc(1, 1)) == NULL)
		return NULL;
	if (len != NULL)
		*len = b->len;
	*b = (struct pue_buf)PUE_BUF_INIT;
	return p;
}

void
pue_buf_free(struct pue_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	*b = (struct pue_buf)PUE_BUF_INIT;
}

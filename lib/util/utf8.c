/* SPDX-License-Identifier: MIT */
/* utf8.c - cutting text without cutting a character; see utf8.h. */
#include "util/utf8.h"

#include <string.h>

/* Bytes of the sequence that lead starts, 0 when it starts none. */
static size_t
sequence_length(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

size_t
pue_utf8_cut(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = len, tail = 0, need;

	/* Back over the continuation bytes at the end (at most three can
	 * belong to one character) to the byte that leads them. */
	while (i > 0 && tail < 3 && (u[i - 1] & 0xc0) == 0x80) {
		i--;
		tail++;
	}
	if (i == 0)
		return len;
	need = sequence_length(u[i - 1]);
	if (need == 0 || (need == 1 && tail > 0))
		return len; /* not UTF-8: not ours to mend */
	return tail + 1 < need ? i - 1 : len;
}

char *
pue_utf8_copy(char *dst, size_t size, const char *src)
{
	size_t len = pue_utf8_cut(src, strnlen(src, size - 1));

	memcpy(dst, src, len);
	dst[len] = '\0';
	return dst;
}

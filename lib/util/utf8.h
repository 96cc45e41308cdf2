/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - cutting text without cutting a character.
 *
 * pued keeps names and messages in bounded space: a device's last error
 * (199 bytes), an acknowledgement's name, a silence's pattern, a
 * notification's fields. Device and point names come from the
 * configuration and may be any UTF-8 (a Chinese site names its meters in
 * Chinese: three bytes a character), and a cut at a byte count can end in
 * the middle of a character. Such a string is not UTF-8: jansson refuses
 * it, and the field went missing from the JSON a client reads. These cut
 * before the character instead. Text that is not UTF-8 to begin with is
 * left as it is. Pure functions, any thread.
 */
#ifndef PUE_UTF8_H
#define PUE_UTF8_H

#include <stddef.h>

/* The length of the first len bytes of s without an incomplete UTF-8
 * sequence at their end (what a cut at len bytes left of a character). */
size_t pue_utf8_cut(const char *s, size_t len);

/* Copies src into dst of size bytes (size > 0), as snprintf("%s") would,
 * and drops what the cut left of a character. Returns dst. */
char *pue_utf8_copy(char *dst, size_t size, const char *src);

#endif

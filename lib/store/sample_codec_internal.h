/* SPDX-License-Identifier: MIT */
/*
 * sample_codec_internal.h - what the block format's writer (sample_encode.c)
 * and reader (sample_codec.c) share: the integer code's classes and
 * the decimal forms. Nothing else includes it.
 */
#ifndef PUE_SAMPLE_CODEC_INTERNAL_H
#define PUE_SAMPLE_CODEC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "store/sample_codec.h"

/* Class widths of the integer code. A time step that jitters by a
 * millisecond or two, or a counter that counts on steadily, costs 4 bits. */
static const unsigned class_bits[] = {0, 2, 4, 7, 10, 14, 20, 32, 64};
#define N_CLASSES (sizeof(class_bits) / sizeof(class_bits[0]))

/* The most bits one sample can take: a 72-bit time code and a 78-bit
 * XOR value. */
#define MAX_SAMPLE_BITS 160

#define TWO_53 9007199254740992.0 /* integers up to this are exact doubles */

/* 10^d, exact for every d here, and pued's unit factors as the compiler
 * spells them (decode.c: 1e-3 for W and Wh): a count times 1e-3 is not
 * always the double nearest count / 1000, so both forms exist. */
static const double exact10[16] = {1e0, 1e1, 1e2,  1e3,	 1e4,  1e5,  1e6,  1e7,
				   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
static const double factor10[16] = {1e0,  1e-1, 1e-2,  1e-3,  1e-4,  1e-5,  1e-6,  1e-7,
				    1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15};

static inline uint64_t
dbits(double v)
{
	uint64_t b;

	memcpy(&b, &v, sizeof(b));
	return b;
}

static inline double
from_bits(uint64_t b)
{
	double v;

	memcpy(&v, &b, sizeof(v));
	return v;
}

static inline uint64_t
zigzag(uint64_t x)
{
	return (x << 1) ^ (0 - (x >> 63));
}

static inline uint64_t
unzigzag(uint64_t u)
{
	return (u >> 1) ^ (0 - (u & 1));
}

static inline bool
is_decimal(uint8_t form)
{
	return (form & 0xf0) == PUE_CODEC_MUL || (form & 0xf0) == PUE_CODEC_DIV;
}

static inline double
decimal_value(uint8_t form, int64_t k)
{
	unsigned d = form & 15;

	return (form & 0xf0) == PUE_CODEC_MUL ? (double)k * factor10[d] : (double)k / exact10[d];
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * double_bits.h - a double's 64 bits and back, for the tests that compare
 * values to the bit (test_sample_codec.c, blocks_fixture.h). Header-only.
 */
#ifndef PUE_TEST_DOUBLE_BITS_H
#define PUE_TEST_DOUBLE_BITS_H

#include <stdint.h>
#include <string.h>

static inline uint64_t
bits_of(double v)
{
	uint64_t b;

	memcpy(&b, &v, sizeof(b));
	return b;
}

static inline double
of_bits(uint64_t b)
{
	double v;

	memcpy(&v, &b, sizeof(v));
	return v;
}

#endif

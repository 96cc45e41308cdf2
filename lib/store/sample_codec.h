/* SPDX-License-Identifier: MIT */
/*
 * sample_codec.h - one point's raw samples packed into a block of bits:
 * the format, and reading it (sample_encode.h writes it).
 *
 * The store keeps raw samples per point in blocks (store_blocks.c) and
 * this module is their format: pure functions on memory, no SQLite, any
 * thread (one encoder or decoder per thread). Every value comes back with
 * the bits it went in with (NaN payloads and -0 included), every time to
 * the millisecond.
 *
 * Layout (bit by bit at the top of sample_encode.c): a 4-byte header (format 1,
 * the value form, the sample count, little-endian uint16), then a bit
 * stream, most significant bit first. Times are delta-of-delta coded in
 * milliseconds, as in Facebook's Gorilla paper (Pelkonen et al., VLDB
 * 2015, section 4.1.1). Values take one of two forms for the whole block:
 *  - decimal: when every value is exactly k x 10^-d (the double a meter's
 *    integer count times pued's unit factor gives, or what strtod gives
 *    for a decimal string), the integers k are delta-of-delta coded; an
 *    energy counter then costs a few bits a sample;
 *  - XOR: any other doubles, XORed with the previous value and stored as
 *    the changed bits (Gorilla, section 4.1.2).
 * An encoder starts with the decimal form its first value allows and
 * re-encodes what it holds into a wider decimal form, or into XOR, when a
 * value does not fit: the form never loses a bit, it only costs more.
 */
#ifndef PUE_SAMPLE_CODEC_H
#define PUE_SAMPLE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define PUE_CODEC_FORMAT 1
#define PUE_CODEC_HEADER_BYTES 4
#define PUE_CODEC_MAX_SAMPLES 65535u /* the header's count is 16 bits */

/* Value forms, the header's second byte: the high nibble says which, the
 * low one the decimal exponent d. */
enum {
	PUE_CODEC_XOR = 0x00,
	PUE_CODEC_MUL = 0x10, /* value = (double)k * 1e-d, d 1..15 (pued's unit factors) */
	PUE_CODEC_DIV = 0x20, /* value = (double)k / 1e d, d 0..15 (strtod, SunSpec) */
};

/* A decoder over one blob, which it borrows. A value type so that readers
 * can keep many; the fields are the decoder's own. */
struct pue_codec_dec {
	const uint8_t *p;
	size_t n_bits, pos;
	unsigned n, i; /* samples in the block, samples read */
	uint8_t form;
	int64_t t;	    /* the last time read */
	uint64_t dt;	    /* the last time step (mod 2^64) */
	uint64_t bits;	    /* XOR: the last value's bits */
	unsigned lead, len; /* XOR: the window of the last changed bits */
	uint64_t k, dk;	    /* decimal: the last integer and its step */
};

/* Checks blob's header. Returns 0, or -EBADMSG (err says what is wrong). */
int pue_sample_codec_dec_init(struct pue_codec_dec *d, const void *blob, size_t len,
			      struct pue_err *err);

/* The next sample: returns 1 with *t_ms and *value, 0 after the last (the
 * blob then ended where it should), or -EBADMSG for a blob that is cut or
 * corrupt (times not increasing, a window past 64 bits, bytes left over);
 * never reads outside the blob. */
int pue_sample_codec_dec_next(struct pue_codec_dec *d, int64_t *t_ms, double *value,
			      struct pue_err *err);

#endif

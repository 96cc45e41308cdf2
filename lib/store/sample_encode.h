/* SPDX-License-Identifier: MIT */
/*
 * sample_encode.h - writing a raw block (sample_codec.h has the format and
 * its reader). Pure functions on memory, any thread, one encoder per
 * thread.
 */
#ifndef PUE_SAMPLE_ENCODE_H
#define PUE_SAMPLE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "store/sample_codec.h"

struct pue_codec_enc; /* opaque */

/* An empty block. NULL when memory runs out. Free with pue_sample_encode_free(). */
struct pue_codec_enc *pue_sample_encode_new(void);
/* NULL is accepted. */
void pue_sample_encode_free(struct pue_codec_enc *e);
/* Empties the block, keeping its memory for the next one. */
void pue_sample_encode_reset(struct pue_codec_enc *e);

/* Appends a sample. t_ms must be after the block's last sample. Returns 0;
 * -EINVAL when t_ms is not after it; -ENOSPC when the block holds
 * PUE_CODEC_MAX_SAMPLES; -ENOMEM. On failure the block is unchanged. */
int pue_sample_encode_append(struct pue_codec_enc *e, int64_t t_ms, double value);

/* Bytes the block's buffer holds now (what it keeps for the next block). */
size_t pue_sample_encode_capacity(const struct pue_codec_enc *e);

/* What the block holds so far. */
struct pue_sample_encode_span {
	size_t n;		   /* samples */
	int64_t first_ms, last_ms; /* their first and last times; 0 when empty */
	uint8_t form;		   /* the value form in use (PUE_CODEC_XOR, or _MUL/_DIV | d) */
};

struct pue_sample_encode_span pue_sample_encode_span(const struct pue_codec_enc *e);

/* The block as it stands, a complete blob of *len bytes that
 * pue_sample_codec_dec_init() reads. Borrowed: valid until e next changes. */
const uint8_t *pue_sample_encode_bytes(struct pue_codec_enc *e, size_t *len);

/* Before the block is written for the last time: keeps whichever of the
 * decimal and XOR forms is smaller (a block that fits decimal may still be
 * smaller as XOR, e.g. values that alternate between two levels). Returns
 * 0 or -ENOMEM (the block is then unchanged, and still valid). */
int pue_sample_encode_finish(struct pue_codec_enc *e);

#endif

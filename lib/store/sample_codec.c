/* SPDX-License-Identifier: MIT */
/*
 * sample_codec.c - reading a raw block (sample_codec.h); the layout is
 * at the top of sample_encode.c. Every read is checked against the
 * blob's length first: a cut or corrupt blob is an error, never a read
 * outside it.
 */
#include "store/sample_codec.h"

#include <errno.h>
#include <stdint.h>

#include "store/sample_codec_internal.h"

/* Reads w bits (0..64) into *v; -1 past the end. */
static int
get_bits(struct pue_codec_dec *d, unsigned w, uint64_t *v)
{
	uint64_t x = 0;

	if (w > d->n_bits - d->pos)
		return -1;
	while (w > 0) {
		unsigned used = (unsigned)(d->pos & 7), room = 8 - used, take = w < room ? w : room;
		unsigned byte = d->p[d->pos >> 3];

		x = (x << take) | ((byte >> (room - take)) & ((1u << take) - 1));
		d->pos += take;
		w -= take;
	}
	*v = x;
	return 0;
}

static int
get_int(struct pue_codec_dec *d, uint64_t *x)
{
	uint64_t bit = 1, u;
	unsigned c = 0;

	while (c < N_CLASSES - 1) {
		if (get_bits(d, 1, &bit) < 0)
			return -1;
		if (bit == 0)
			break;
		c++;
	}
	if (get_bits(d, class_bits[c], &u) < 0)
		return -1;
	*x = unzigzag(u);
	return 0;
}

static int
corrupt(struct pue_codec_dec *d, struct pue_err *err, const char *what)
{
	return pue_err_set(err, -EBADMSG, "raw block: %s (sample %u of %u, bit %zu of %zu)", what,
			   d->i + 1, d->n, d->pos, d->n_bits);
}

int
pue_sample_codec_dec_init(struct pue_codec_dec *d, const void *blob, size_t len,
			  struct pue_err *err)
{
	const uint8_t *p = blob;
	uint8_t form;

	*d = (struct pue_codec_dec){0};
	if (len < PUE_CODEC_HEADER_BYTES)
		return pue_err_set(err, -EBADMSG, "raw block: %zu bytes, shorter than its header",
				   len);
	if (p[0] != PUE_CODEC_FORMAT)
		return pue_err_set(err, -EBADMSG, "raw block: format %u, not %u", p[0],
				   PUE_CODEC_FORMAT);
	form = p[1];
	if (form != PUE_CODEC_XOR && !is_decimal(form))
		return pue_err_set(err, -EBADMSG, "raw block: unknown value form 0x%02x", form);
	if (len > SIZE_MAX / 8)
		return pue_err_set(err, -EBADMSG, "raw block: %zu bytes", len);
	d->p = p;
	d->n_bits = 8 * len;
	d->pos = 8 * PUE_CODEC_HEADER_BYTES;
	d->form = form;
	d->n = (unsigned)p[2] | (unsigned)p[3] << 8;
	return 0;
}

static int
next_value(struct pue_codec_dec *d, double *value, struct pue_err *err)
{
	uint64_t x, lead, len;

	if (is_decimal(d->form)) {
		if (get_int(d, &x) < 0)
			return corrupt(d, err, "cut short in a value");
		if (d->i == 0)
			d->k = x;
		else {
			d->dk += x;
			d->k += d->dk;
		}
		if ((int64_t)d->k < -(int64_t)TWO_53 || (int64_t)d->k > (int64_t)TWO_53)
			return corrupt(d, err, "a decimal value out of range");
		*value = decimal_value(d->form, (int64_t)d->k);
		return 0;
	}
	if (d->i == 0) {
		if (get_bits(d, 64, &d->bits) < 0)
			return corrupt(d, err, "cut short in a value");
	} else {
		if (get_bits(d, 1, &x) < 0)
			return corrupt(d, err, "cut short in a value");
		if (x == 1) {
			if (get_bits(d, 1, &x) < 0)
				return corrupt(d, err, "cut short in a value");
			if (x == 0 && d->len == 0)
				return corrupt(d, err, "a value in a window never opened");
			if (x == 1) {
				if (get_bits(d, 6, &lead) < 0 || get_bits(d, 6, &len) < 0)
					return corrupt(d, err, "cut short in a value");
				if (lead + len + 1 > 64)
					return corrupt(d, err, "a value window past 64 bits");
				d->lead = (unsigned)lead;
				d->len = (unsigned)len + 1;
			}
			if (get_bits(d, d->len, &x) < 0)
				return corrupt(d, err, "cut short in a value");
			d->bits ^= x << (64 - d->lead - d->len);
		}
	}
	*value = from_bits(d->bits);
	return 0;
}

int
pue_sample_codec_dec_next(struct pue_codec_dec *d, int64_t *t_ms, double *value,
			  struct pue_err *err)
{
	uint64_t x;

	if (d->i >= d->n) {
		size_t left = d->n_bits - d->pos;

		/* only the zero bits up to the next byte */
		if (left >= 8 || (get_bits(d, (unsigned)left, &x) == 0 && x != 0))
			return corrupt(d, err, "bits left after the last sample");
		return 0;
	}
	if (d->i == 0) {
		if (get_bits(d, 64, &x) < 0)
			return corrupt(d, err, "cut short in a time");
		d->t = (int64_t)x;
	} else {
		int64_t t;

		if (get_int(d, &x) < 0)
			return corrupt(d, err, "cut short in a time");
		d->dt += x;
		t = (int64_t)((uint64_t)d->t + d->dt);
		if (t <= d->t)
			return corrupt(d, err, "times not increasing");
		d->t = t;
	}
	if (next_value(d, value, err) < 0)
		return -EBADMSG;
	*t_ms = d->t;
	d->i++;
	return 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * sample_encode.c - writing the block format of sample_codec.h; see
 * sample_encode.h.
 *
 * Header, 4 bytes: the format (1), the value form (PUE_CODEC_*), the
 * sample count n (uint16, little-endian). Then a bit stream, most
 * significant bit first, for each sample i:
 *   time:  i = 0: the 64 bits of t (two's complement, Unix ms);
 *          i > 0: (t_i - t_i-1) - (t_i-1 - t_i-2) as an integer code, the
 *          step before the first being 0 (arithmetic modulo 2^64).
 *   value, XOR form: i = 0: the 64 bits of the double; i > 0: x, its bits
 *          XOR the previous value's: '0' when x is 0; '10' and the bits of
 *          x inside the previous window when they fit it; else '11', the
 *          leading zero bits of x (6 bits), the window length - 1 (6 bits)
 *          and the window. Gorilla's scheme, with 6 bits for the leading
 *          zeros where Gorilla caps them at 31 in 5 bits.
 *   value, decimal form: the integers k_i, coded as the times are, except
 *          that k_0 is an integer code too.
 * Integer code: zigzag (0, -1, 1, -2, ... as 0, 1, 2, 3, ...), then the
 * class in unary (c one bits and a zero; the last class has no zero) and
 * the number in the class's width. The stream ends with zero bits up to
 * the next byte.
 */
#include "store/sample_encode.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/sample_codec_internal.h"

struct pue_codec_enc {
	uint8_t *buf; /* header and stream; zero past the last bit written */
	size_t cap;   /* bytes */
	size_t bits;  /* written, the header's 32 included */
	unsigned n;
	uint8_t form;
	int64_t t_first, t_last;
	uint64_t dt;
	uint64_t vbits; /* XOR */
	unsigned lead, len;
	uint64_t k, dk; /* decimal */
};

/* Whether v is exactly an integer k in form, as a double built the way
 * decimal_value() builds it. */
static bool
fits(uint8_t form, double v, uint64_t *k)
{
	double x = v * exact10[form & 15];
	int64_t c;
	int j;

	if (!(fabs(x) < TWO_53))
		return false; /* NaN and infinities too */
	c = llround(x);
	/* x is within an ulp or so of k: the neighbours settle the rest */
	for (j = 0; j < 3; j++) {
		int64_t cand = c + (j == 1 ? -1 : j == 2 ? 1 : 0);

		if (cand >= -(int64_t)TWO_53 && cand <= (int64_t)TWO_53 &&
		    dbits(decimal_value(form, cand)) == dbits(v)) {
			*k = (uint64_t)cand;
			return true;
		}
	}
	return false;
}

/* Decimal forms from the narrowest: an integer, then one decimal (times
 * 0.1, over 10), two, ... */
static uint8_t
nth_form(unsigned i)
{
	return i == 0 ? PUE_CODEC_DIV
		      : (uint8_t)((i % 2 ? PUE_CODEC_MUL : PUE_CODEC_DIV) | (i + 1) / 2);
}
#define N_DECIMAL_FORMS 31

static unsigned
form_index(uint8_t form)
{
	unsigned d = form & 15;

	return d == 0 ? 0 : (form & 0xf0) == PUE_CODEC_MUL ? 2 * d - 1 : 2 * d;
}

/* --- bits -------------------------------------------------------------- */

/* Room for another sample, so that writing it cannot fail half way. The
 * buffer grows by 64 bytes, or an eighth once it is past 512: every point
 * the store keeps holds one, at its size until pued stops (10,500 at 4000
 * + 500), and doubling left a block of 260 bytes in 512. A block of a few
 * hundred samples then costs a few more reallocs, once per block. */
static int
reserve(struct pue_codec_enc *e)
{
	size_t need = (e->bits + MAX_SAMPLE_BITS + 7) / 8, cap;
	uint8_t *b;

	if (need <= e->cap)
		return 0;
	cap = e->cap + (e->cap / 8 > 64 ? e->cap / 8 : 64);
	if (cap < need)
		cap = (need + 63) / 64 * 64;
	if ((b = realloc(e->buf, cap)) == NULL)
		return -ENOMEM;
	memset(b + e->cap, 0, cap - e->cap);
	e->buf = b;
	e->cap = cap;
	return 0;
}

/* Writes the low w bits of v (w 0..64), the highest first. */
static void
put_bits(struct pue_codec_enc *e, uint64_t v, unsigned w)
{
	while (w > 0) {
		unsigned room = 8 - (unsigned)(e->bits & 7), take = w < room ? w : room;
		unsigned chunk = (unsigned)(v >> (w - take)) & ((1u << take) - 1);

		e->buf[e->bits >> 3] |= (uint8_t)(chunk << (room - take));
		e->bits += take;
		w -= take;
	}
}

static void
put_int(struct pue_codec_enc *e, uint64_t x)
{
	uint64_t u = zigzag(x);
	unsigned c = 0;

	while (c < N_CLASSES - 1 && class_bits[c] < 64 && u >> class_bits[c] != 0)
		c++;
	if (c < N_CLASSES - 1)
		put_bits(e, ((uint64_t)1 << (c + 1)) - 2, c + 1); /* c ones, a zero */
	else
		put_bits(e, ((uint64_t)1 << c) - 1, c);
	put_bits(e, u, class_bits[c]);
}

/* --- encoder ----------------------------------------------------------- */

struct pue_codec_enc *
pue_sample_encode_new(void)
{
	struct pue_codec_enc *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->cap = 64;
	if ((e->buf = calloc(1, e->cap)) == NULL) {
		free(e);
		return NULL;
	}
	e->bits = 8 * PUE_CODEC_HEADER_BYTES;
	return e;
}

void
pue_sample_encode_free(struct pue_codec_enc *e)
{
	if (e == NULL)
		return;
	free(e->buf);
	free(e);
}

void
pue_sample_encode_reset(struct pue_codec_enc *e)
{
	uint8_t *buf = e->buf;
	size_t cap = e->cap;

	memset(buf, 0, (e->bits + 7) / 8);
	*e = (struct pue_codec_enc){.buf = buf, .cap = cap, .bits = 8 * PUE_CODEC_HEADER_BYTES};
}

size_t
pue_sample_encode_capacity(const struct pue_codec_enc *e)
{
	return e->cap;
}

struct pue_sample_encode_span
pue_sample_encode_span(const struct pue_codec_enc *e)
{
	return (struct pue_sample_encode_span){
		.n = e->n, .first_ms = e->t_first, .last_ms = e->t_last, .form = e->form};
}

const uint8_t *
pue_sample_encode_bytes(struct pue_codec_enc *e, size_t *len)
{
	e->buf[0] = PUE_CODEC_FORMAT;
	e->buf[1] = e->form;
	e->buf[2] = (uint8_t)(e->n & 0xff);
	e->buf[3] = (uint8_t)(e->n >> 8);
	*len = (e->bits + 7) / 8;
	return e->buf;
}

static void
put_xor(struct pue_codec_enc *e, uint64_t b)
{
	uint64_t x = b ^ e->vbits;
	unsigned lead, trail;

	e->vbits = b;
	if (x == 0) {
		put_bits(e, 0, 1);
		return;
	}
	lead = (unsigned)__builtin_clzll(x);
	trail = (unsigned)__builtin_ctzll(x);
	if (e->len > 0 && lead >= e->lead && trail >= 64 - e->lead - e->len) {
		put_bits(e, 2, 2);
		put_bits(e, x >> (64 - e->lead - e->len), e->len);
		return;
	}
	e->lead = lead;
	e->len = 64 - lead - trail;
	put_bits(e, 3, 2);
	put_bits(e, lead, 6);
	put_bits(e, e->len - 1, 6);
	put_bits(e, x >> trail, e->len);
}

/* Writes a sample in the block's form (k: the value's integer in a
 * decimal form). Room was reserved. */
static void
put_sample(struct pue_codec_enc *e, int64_t t, double v, uint64_t k)
{
	if (e->n == 0) {
		put_bits(e, (uint64_t)t, 64);
		e->t_first = t;
		if (is_decimal(e->form))
			put_int(e, k);
		else
			put_bits(e, dbits(v), 64);
		e->vbits = dbits(v);
		e->k = k;
	} else {
		uint64_t dt = (uint64_t)t - (uint64_t)e->t_last;

		put_int(e, dt - e->dt);
		e->dt = dt;
		if (is_decimal(e->form)) {
			uint64_t dk = k - e->k;

			put_int(e, dk - e->dk);
			e->dk = dk;
			e->k = k;
		} else
			put_xor(e, dbits(v));
	}
	e->t_last = t;
	e->n++;
}

/* Every sample of e into new arrays, with room for one more. */
static int
samples_of(struct pue_codec_enc *e, int64_t **ts, double **vs)
{
	struct pue_codec_dec d;
	const uint8_t *blob;
	size_t len, i = 0;

	blob = pue_sample_encode_bytes(e, &len);
	*ts = malloc((e->n + 1) * sizeof(**ts));
	*vs = malloc((e->n + 1) * sizeof(**vs));
	if (*ts == NULL || *vs == NULL) {
		free(*ts);
		free(*vs);
		return -ENOMEM;
	}
	if (pue_sample_codec_dec_init(&d, blob, len, NULL) == 0)
		while (i < e->n && pue_sample_codec_dec_next(&d, &(*ts)[i], &(*vs)[i], NULL) == 1)
			i++;
	assert(i == e->n); /* a block this encoder wrote always decodes */
	return 0;
}

/* Replaces e's stream with ts/vs[0..n) in form (every value fits it);
 * -ENOMEM leaves e as it was. */
static int
rewrite(struct pue_codec_enc *e, uint8_t form, const int64_t *ts, const double *vs, size_t n)
{
	struct pue_codec_enc *w = pue_sample_encode_new();
	uint64_t k = 0;
	size_t i;

	if (w == NULL)
		return -ENOMEM;
	w->form = form;
	for (i = 0; i < n; i++) {
		if (reserve(w) < 0) {
			pue_sample_encode_free(w);
			return -ENOMEM;
		}
		if (is_decimal(form))
			fits(form, vs[i], &k);
		put_sample(w, ts[i], vs[i], k);
	}
	free(e->buf);
	*e = *w;
	free(w);
	return 0;
}

static bool
all_fit(uint8_t form, const double *vs, size_t n)
{
	uint64_t k;
	size_t i;

	for (i = 0; i < n; i++)
		if (!fits(form, vs[i], &k))
			return false;
	return true;
}

/* A value the decimal form in use cannot hold: the block is written again
 * in the next wider decimal form that holds it and every value before,
 * else as XOR. */
static int
widen(struct pue_codec_enc *e, int64_t t, double v)
{
	uint8_t form = PUE_CODEC_XOR;
	int64_t *ts;
	double *vs;
	unsigned f;
	int rc;

	if ((rc = samples_of(e, &ts, &vs)) < 0)
		return rc;
	ts[e->n] = t;
	vs[e->n] = v;
	for (f = form_index(e->form) + 1; f < N_DECIMAL_FORMS; f++)
		if (all_fit(nth_form(f), vs, e->n + 1)) {
			form = nth_form(f);
			break;
		}
	rc = rewrite(e, form, ts, vs, e->n + 1);
	free(ts);
	free(vs);
	return rc;
}

static uint8_t
first_form(double v)
{
	uint64_t k;
	unsigned f;

	for (f = 0; f < N_DECIMAL_FORMS; f++)
		if (fits(nth_form(f), v, &k))
			return nth_form(f);
	return PUE_CODEC_XOR;
}

int
pue_sample_encode_append(struct pue_codec_enc *e, int64_t t_ms, double value)
{
	uint64_t k = 0;

	if (e->n >= PUE_CODEC_MAX_SAMPLES)
		return -ENOSPC;
	if (e->n > 0 && t_ms <= e->t_last)
		return -EINVAL;
	if (reserve(e) < 0)
		return -ENOMEM;
	if (e->n == 0)
		e->form = first_form(value);
	if (is_decimal(e->form) && !fits(e->form, value, &k))
		return widen(e, t_ms, value);
	put_sample(e, t_ms, value, k);
	return 0;
}

int
pue_sample_encode_finish(struct pue_codec_enc *e)
{
	struct pue_codec_enc *x;
	int64_t *ts;
	double *vs;
	int rc;

	if (!is_decimal(e->form) || e->n < 2)
		return 0;
	if ((rc = samples_of(e, &ts, &vs)) < 0)
		return rc;
	if ((x = pue_sample_encode_new()) == NULL || rewrite(x, PUE_CODEC_XOR, ts, vs, e->n) < 0)
		rc = -ENOMEM;
	else if (x->bits < e->bits) {
		uint8_t *old = e->buf;

		*e = *x;
		x->buf = old; /* freed below with x */
	}
	pue_sample_encode_free(x);
	free(ts);
	free(vs);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * test_sample_codec.c - the raw block format (sample_codec.c): every value
 * back with its bits (NaN payloads, -0, infinities), every time to the ms,
 * in both value forms and across a change of form; the block's bounds;
 * the cost of a meter's series; and a corrupt or cut blob refused cleanly.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/sample_encode.h"

#include "double_bits.h"

#define T0 1767225600000LL

/* xorshift64*: the same series on every run */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* Decodes blob and checks it holds exactly ts/vs[0..n). */
static void
assert_decodes_to(const uint8_t *blob, size_t len, const int64_t *ts, const double *vs, size_t n)
{
	struct pue_codec_dec d;
	struct pue_err err = {0};
	int64_t t;
	double v;
	size_t i;

	assert_int_equal(pue_sample_codec_dec_init(&d, blob, len, &err), 0);
	assert_int_equal(d.n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(pue_sample_codec_dec_next(&d, &t, &v, &err), 1);
		assert_int_equal(t, ts[i]);
		if (bits_of(v) != bits_of(vs[i]))
			fail_msg("sample %zu: value %.17g (0x%016llx), expected %.17g (0x%016llx)",
				 i, v, (unsigned long long)bits_of(v), vs[i],
				 (unsigned long long)bits_of(vs[i]));
	}
	assert_int_equal(pue_sample_codec_dec_next(&d, &t, &v, &err), 0);
}

/* Encodes ts/vs[0..n) into a new encoder, checks the round trip before and
 * after pue_sample_encode_finish(), and returns the encoder. */
static struct pue_codec_enc *
round_trip(const int64_t *ts, const double *vs, size_t n)
{
	struct pue_codec_enc *e = pue_sample_encode_new();
	const uint8_t *blob;
	size_t i, len;

	assert_non_null(e);
	for (i = 0; i < n; i++) {
		assert_int_equal(pue_sample_encode_append(e, ts[i], vs[i]), 0);
		if (i % 97 == 0 || i == n - 1) { /* the open block, as a flush writes it */
			blob = pue_sample_encode_bytes(e, &len);
			assert_decodes_to(blob, len, ts, vs, i + 1);
		}
	}
	assert_int_equal(pue_sample_encode_span(e).n, n);
	assert_int_equal(pue_sample_encode_finish(e), 0);
	blob = pue_sample_encode_bytes(e, &len);
	assert_decodes_to(blob, len, ts, vs, n);
	if (n > 0) {
		assert_int_equal(pue_sample_encode_span(e).first_ms, ts[0]);
		assert_int_equal(pue_sample_encode_span(e).last_ms, ts[n - 1]);
	}
	return e;
}

static double
bytes_per_sample(struct pue_codec_enc *e)
{
	size_t len;

	pue_sample_encode_bytes(e, &len);
	return (double)len / (double)pue_sample_encode_span(e).n;
}

static void
test_codec_empty_block_is_its_header(void **state)
{
	struct pue_codec_enc *e = pue_sample_encode_new();
	const uint8_t *blob;
	size_t len;

	(void)state;
	blob = pue_sample_encode_bytes(e, &len);
	assert_int_equal(len, PUE_CODEC_HEADER_BYTES);
	assert_decodes_to(blob, len, NULL, NULL, 0);
	pue_sample_encode_free(e);
	pue_sample_encode_free(NULL);
}

/* An energy counter in Wh read every second (pued: count x 1e-3 kWh),
 * stamped when the answer came (a few ms late): the decimal form, and
 * well under 2 bytes a sample. */
static void
test_codec_meter_counter_is_decimal_and_small(void **state)
{
	int64_t ts[3600];
	double vs[3600];
	uint64_t s = 1, count = 100123456;
	struct pue_codec_enc *e;
	size_t i;

	(void)state;
	for (i = 0; i < 3600; i++) {
		ts[i] = T0 + 1000 * (int64_t)i + (int64_t)(rnd(&s) % 5);
		count += 266 + rnd(&s) % 3; /* 960 kW: 266.7 Wh a second */
		vs[i] = (double)count * 1e-3;
	}
	e = round_trip(ts, vs, 3600);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_MUL | 3);
	assert_true(bytes_per_sample(e) < 2.0);
	pue_sample_encode_free(e);
}

/* A float32 power register (a kW float widened to double) that moves a
 * little each poll: the XOR form, every bit kept. */
static void
test_codec_float32_power_is_xor(void **state)
{
	int64_t ts[1000];
	double vs[1000];
	uint64_t s = 7;
	struct pue_codec_enc *e;
	size_t i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		ts[i] = T0 + 5000 * (int64_t)i;
		vs[i] = (double)(float)(800.0 + (double)(rnd(&s) % 1000) / 997.0);
	}
	e = round_trip(ts, vs, 1000);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_XOR);
	assert_true(bytes_per_sample(e) < 4.0);
	pue_sample_encode_free(e);
}

/* Every point the store keeps holds its block in progress in memory, up
 * to twice PUE_RAW_BLOCK_SAMPLES samples and kept at its size for the next
 * block (issue 18: 10,500 points at 4000 + 500). Its buffer grows in small
 * steps, so it is never more than 64 bytes or an eighth past what the
 * block needs with the 20 bytes reserved for a sample (doubling left 512
 * bytes for a block of 260). The capacity, not the heap: glibc's count
 * would depend on where realloc() finds room. */
static void
test_codec_block_memory_follows_its_size(void **state)
{
	uint64_t s = 11;
	size_t i, len = 0, cap = 0, worst = 0;
	struct pue_codec_enc *e;

	(void)state;
	assert_non_null(e = pue_sample_encode_new());
	for (i = 0; i < 480; i++) {
		assert_int_equal(pue_sample_encode_append(
					 e, T0 + 1000 * (int64_t)i,
					 (double)(float)(800.0 + (double)(rnd(&s) % 1000) / 997.0)),
				 0);
		(void)pue_sample_encode_bytes(e, &len);
		cap = pue_sample_encode_capacity(e);
		assert_true(cap >= len);
		assert_true(cap <= len + 20 + (cap / 8 > 64 ? cap / 8 : 64));
		if (cap - len > worst)
			worst = cap - len;
	}
	print_message("480 samples in %zu bytes, a buffer of %zu; at most %zu bytes beyond the "
		      "block\n",
		      len, cap, worst);
	pue_sample_encode_free(e);
}

/* Nothing pued stores is NaN or infinite today (decode refuses them), but
 * the format keeps any double, payload and sign included. */
static void
test_codec_keeps_nan_payloads_zero_signs_and_infinities(void **state)
{
	const double vs[] = {
		0.0,
		-0.0,
		of_bits(UINT64_C(0x7ff8000000000001)), /* quiet NaN with a payload */
		of_bits(UINT64_C(0xfff0000000000abc)), /* signalling NaN, sign set */
		INFINITY,
		-INFINITY,
		4.9406564584124654e-324, /* the smallest subnormal */
		1.7976931348623157e308,
		-0.0,
		1.5,
	};
	int64_t ts[sizeof(vs) / sizeof(vs[0])];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
		ts[i] = T0 + (int64_t)i;
	pue_sample_encode_free(round_trip(ts, vs, sizeof(vs) / sizeof(vs[0])));
	/* -0 alone: the decimal form would give +0 back, so it is XOR */
	pue_sample_encode_free(round_trip(ts, (const double[]){-0.0}, 1));
}

/* The first value fixes the narrowest decimal form; a value needing more
 * decimals rewrites the block in a wider one, and a value no decimal form
 * holds (1/3 needs 17 digits) turns it into XOR. 0.1 + 0.2, printed
 * 0.30000000000000004, is 30000 x 1e-5 to the bit: decimal still. */
static void
test_codec_widens_its_form_then_falls_back_to_xor(void **state)
{
	const double vs[] = {2.0, 2.5, 2.25, 2.125, 0.1 + 0.2, 1.0 / 3.0, 7.0};
	int64_t ts[7];
	struct pue_codec_enc *e = pue_sample_encode_new();
	const uint8_t *blob;
	size_t i, len;

	(void)state;
	for (i = 0; i < 7; i++)
		ts[i] = T0 + 1000 * (int64_t)i;
	assert_int_equal(pue_sample_encode_append(e, ts[0], vs[0]), 0);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_DIV | 0);
	assert_int_equal(pue_sample_encode_append(e, ts[1], vs[1]), 0);
	assert_int_equal(pue_sample_encode_span(e).form & 15, 1);
	assert_int_equal(pue_sample_encode_append(e, ts[2], vs[2]), 0);
	assert_int_equal(pue_sample_encode_append(e, ts[3], vs[3]), 0);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_MUL | 3);
	assert_int_equal(pue_sample_encode_append(e, ts[4], vs[4]), 0);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_MUL | 5);
	assert_int_equal(pue_sample_encode_append(e, ts[5], vs[5]), 0);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_XOR);
	assert_int_equal(pue_sample_encode_append(e, ts[6], vs[6]), 0);
	blob = pue_sample_encode_bytes(e, &len);
	assert_decodes_to(blob, len, ts, vs, 7);
	pue_sample_encode_free(e);
}

/* Two levels in turn: as XOR only the exponent bits change (0.1, 0.2),
 * which beats the decimal form's alternating steps; finish keeps XOR. A
 * steady counter stays decimal. */
static void
test_codec_finish_keeps_the_smaller_form(void **state)
{
	int64_t ts[200];
	double vs[200];
	struct pue_codec_enc *e;
	const uint8_t *blob;
	size_t i, before, after;

	(void)state;
	for (i = 0; i < 200; i++) {
		ts[i] = T0 + 1000 * (int64_t)i;
		vs[i] = i % 2 ? 0.2 : 0.1;
	}
	e = pue_sample_encode_new();
	for (i = 0; i < 200; i++)
		assert_int_equal(pue_sample_encode_append(e, ts[i], vs[i]), 0);
	assert_int_equal(pue_sample_encode_span(e).form & 0xf0, PUE_CODEC_MUL);
	pue_sample_encode_bytes(e, &before);
	assert_int_equal(pue_sample_encode_finish(e), 0);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_XOR);
	blob = pue_sample_encode_bytes(e, &after);
	assert_decodes_to(blob, after, ts, vs, 200);
	assert_true(after < before);
	pue_sample_encode_free(e);

	for (i = 0; i < 200; i++)
		vs[i] = (double)(5000 + 3 * i) * 1e-3;
	e = round_trip(ts, vs, 200);
	assert_int_equal(pue_sample_encode_span(e).form, PUE_CODEC_MUL | 3);
	pue_sample_encode_free(e);
}

/* Times anywhere in int64, steps up to 2^64 - 1 (arithmetic modulo 2^64). */
static void
test_codec_times_at_the_ends_of_int64(void **state)
{
	const int64_t ts[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, T0, INT64_MAX - 1, INT64_MAX};
	const double vs[] = {1, 2, 3, 4, 5, 6, 7, 8};

	(void)state;
	pue_sample_encode_free(round_trip(ts, vs, 8));
	pue_sample_encode_free(round_trip((const int64_t[]){INT64_MIN, INT64_MAX}, vs, 2));
}

static void
test_codec_refuses_a_time_not_after_the_last(void **state)
{
	struct pue_codec_enc *e = pue_sample_encode_new();
	const uint8_t *blob;
	uint8_t copy[64];
	size_t len, len2;

	(void)state;
	assert_int_equal(pue_sample_encode_append(e, T0, 1.0), 0);
	assert_int_equal(pue_sample_encode_append(e, T0 + 1000, 0.1 + 0.2), 0);
	blob = pue_sample_encode_bytes(e, &len);
	assert_true(len <= sizeof(copy));
	memcpy(copy, blob, len);
	assert_int_equal(pue_sample_encode_append(e, T0 + 1000, 3.0), -EINVAL);
	assert_int_equal(pue_sample_encode_append(e, T0, 3.0), -EINVAL);
	blob = pue_sample_encode_bytes(e, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(blob, copy, len);
	assert_int_equal(pue_sample_encode_span(e).n, 2);
	pue_sample_encode_free(e);
}

/* The header counts to 65535; one more is refused, and reset starts a
 * new block in the same memory. */
static void
test_codec_block_holds_65535_samples(void **state)
{
	size_t n = PUE_CODEC_MAX_SAMPLES, i, len;
	int64_t *ts = malloc(n * sizeof(*ts));
	double *vs = malloc(n * sizeof(*vs));
	struct pue_codec_enc *e = pue_sample_encode_new();
	const uint8_t *blob;

	(void)state;
	for (i = 0; i < n; i++) {
		ts[i] = T0 + 1000 * (int64_t)i;
		vs[i] = (double)(i % 7) * 0.5;
		assert_int_equal(pue_sample_encode_append(e, ts[i], vs[i]), 0);
	}
	assert_int_equal(pue_sample_encode_append(e, ts[n - 1] + 1000, 1.0), -ENOSPC);
	blob = pue_sample_encode_bytes(e, &len);
	assert_decodes_to(blob, len, ts, vs, n);
	pue_sample_encode_reset(e);
	assert_int_equal(pue_sample_encode_span(e).n, 0);
	blob = pue_sample_encode_bytes(e, &len);
	assert_int_equal(len, PUE_CODEC_HEADER_BYTES);
	assert_int_equal(pue_sample_encode_append(e, T0, 42.0), 0);
	blob = pue_sample_encode_bytes(e, &len);
	assert_decodes_to(blob, len, (const int64_t[]){T0}, (const double[]){42.0}, 1);
	pue_sample_encode_free(e);
	free(ts);
	free(vs);
}

/* Random series of every kind: random bits, decimals of random width,
 * repeats, a float32 walk, and random time steps from 1 ms to 2^40. */
static void
test_codec_random_series_round_trip(void **state)
{
	int64_t ts[700];
	double vs[700];
	uint64_t s = 0x9e3779b97f4a7c15;
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		size_t n = 1 + rnd(&s) % 700, i;
		int kind = (int)(rnd(&s) % 5);
		int64_t t = (int64_t)(rnd(&s) >> 2) - (INT64_C(1) << 60);

		for (i = 0; i < n; i++) {
			t += 1 +
			     (int64_t)(rnd(&s) % (rnd(&s) % 4 == 0 ? (UINT64_C(1) << 40) : 3000));
			ts[i] = t;
			switch (kind) {
			case 0:
				vs[i] = of_bits(rnd(&s));
				break;
			case 1:
				vs[i] = (double)(int64_t)(rnd(&s) % 2000000) * 1e-3;
				break;
			case 2:
				vs[i] = (double)(int64_t)(rnd(&s) % 100000) / 1e1;
				break;
			case 3:
				vs[i] = i > 0 && rnd(&s) % 3 ? vs[i - 1] : of_bits(rnd(&s));
				break;
			default:
				vs[i] = (double)(float)((i > 0 ? vs[i - 1] : 1.0) +
							(double)(rnd(&s) % 100) / 64.0);
			}
		}
		pue_sample_encode_free(round_trip(ts, vs, n));
	}
}

/* Every cut of a good blob, every single flipped bit, and bad headers:
 * an error or (for some flips) other samples, never a read outside the
 * blob (ASan in SANITIZE=1 builds) and never a time that goes back. */
static void
test_codec_corrupt_blobs_are_refused_cleanly(void **state)
{
	int64_t ts[64];
	double vs[64];
	struct pue_codec_enc *e = pue_sample_encode_new();
	struct pue_codec_dec d;
	struct pue_err err = {0};
	const uint8_t *blob;
	uint8_t *copy;
	size_t i, len, cut, bit;
	int64_t t, prev;
	double v;
	int rc;

	(void)state;
	for (i = 0; i < 64; i++) {
		ts[i] = T0 + 997 * (int64_t)i;
		vs[i] = i < 32 ? (double)i * 1e-3
			       : of_bits(UINT64_C(0x4090000000000000) + i * 12345);
		assert_int_equal(pue_sample_encode_append(e, ts[i], vs[i]), 0);
	}
	blob = pue_sample_encode_bytes(e, &len);
	for (cut = 0; cut < len; cut++) {
		copy = malloc(cut ? cut : 1);
		memcpy(copy, blob, cut);
		rc = pue_sample_codec_dec_init(&d, copy, cut, &err);
		if (rc == 0)
			while ((rc = pue_sample_codec_dec_next(&d, &t, &v, &err)) == 1)
				;
		assert_int_equal(rc, -EBADMSG);
		assert_non_null(strstr(err.msg, "raw block"));
		free(copy);
	}
	copy = malloc(len + 1);
	for (bit = 0; bit < 8 * len; bit++) {
		memcpy(copy, blob, len);
		copy[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
		rc = pue_sample_codec_dec_init(&d, copy, len, &err);
		prev = INT64_MIN;
		if (rc == 0)
			while ((rc = pue_sample_codec_dec_next(&d, &t, &v, &err)) == 1) {
				assert_true(t > prev || prev == INT64_MIN);
				prev = t;
			}
		assert_true(rc == 0 || rc == -EBADMSG);
	}
	/* a byte too many, and non-zero padding */
	memcpy(copy, blob, len);
	copy[len] = 0;
	rc = pue_sample_codec_dec_init(&d, copy, len + 1, &err);
	if (rc == 0)
		while ((rc = pue_sample_codec_dec_next(&d, &t, &v, &err)) == 1)
			;
	assert_int_equal(rc, -EBADMSG);
	assert_non_null(strstr(err.msg, "left after the last sample"));
	free(copy);
	/* headers: another format, an unknown form, more samples than bits */
	assert_int_equal(pue_sample_codec_dec_init(&d, (const uint8_t[]){2, 0, 0, 0}, 4, &err),
			 -EBADMSG);
	assert_non_null(strstr(err.msg, "format 2"));
	assert_int_equal(pue_sample_codec_dec_init(&d, (const uint8_t[]){1, 0x31, 0, 0}, 4, &err),
			 -EBADMSG);
	assert_int_equal(pue_sample_codec_dec_init(&d, (const uint8_t[]){1, 0, 5, 0}, 4, &err), 0);
	assert_int_equal(pue_sample_codec_dec_next(&d, &t, &v, &err), -EBADMSG);
	assert_int_equal(pue_sample_codec_dec_init(&d, NULL, 0, &err), -EBADMSG);
	pue_sample_encode_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_empty_block_is_its_header),
		cmocka_unit_test(test_codec_meter_counter_is_decimal_and_small),
		cmocka_unit_test(test_codec_float32_power_is_xor),
		cmocka_unit_test(test_codec_block_memory_follows_its_size),
		cmocka_unit_test(test_codec_keeps_nan_payloads_zero_signs_and_infinities),
		cmocka_unit_test(test_codec_widens_its_form_then_falls_back_to_xor),
		cmocka_unit_test(test_codec_finish_keeps_the_smaller_form),
		cmocka_unit_test(test_codec_times_at_the_ends_of_int64),
		cmocka_unit_test(test_codec_refuses_a_time_not_after_the_last),
		cmocka_unit_test(test_codec_block_holds_65535_samples),
		cmocka_unit_test(test_codec_random_series_round_trip),
		cmocka_unit_test(test_codec_corrupt_blobs_are_refused_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

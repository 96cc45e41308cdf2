/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sample_codec.c - the raw block format (sample_codec.c) both ways.
 *
 * 1. The input as a blob: decoded to the end or to an error, never reading
 *    outside it; times strictly increase; a blob that decodes completely
 *    holds a series that encodes again and decodes to the same bits.
 * 2. The input as a series, 11 bytes a sample: a time step (2 bytes; a
 *    step byte of 0xff makes it a 6-byte step), a kind byte, and 8 bytes
 *    read as the value's bits (kind 0-3), as an integer count times 1e-3
 *    or over 10 (4-5), or a repeat of the previous value (6-7). Encoded,
 *    then the block as it stands at a few points and after finish decode
 *    to every bit that went in; an append that is refused (a time not
 *    after the last) leaves the block as it was.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"
#include "store/sample_encode.h"

#include "fuzz.h"

#define MAX_SAMPLES 2048

static int64_t ts[MAX_SAMPLES], ts2[MAX_SAMPLES];
static double vs[MAX_SAMPLES], vs2[MAX_SAMPLES];

static uint64_t
bits_of(double v)
{
	uint64_t b;

	memcpy(&b, &v, sizeof(b));
	return b;
}

/* Decodes blob into ts2/vs2; the count, or a negative code. */
static int
decode(const uint8_t *blob, size_t len)
{
	struct pue_codec_dec d;
	struct pue_err err;
	int64_t t, prev = 0;
	double v;
	int n = 0, rc;

	if ((rc = pue_sample_codec_dec_init(&d, blob, len, &err)) < 0)
		return rc;
	while ((rc = pue_sample_codec_dec_next(&d, &t, &v, &err)) == 1) {
		CHECK(n == 0 || t > prev, "sample %d: time %lld after %lld", n, (long long)t,
		      (long long)prev);
		prev = t;
		if (n < MAX_SAMPLES) {
			ts2[n] = t;
			vs2[n] = v;
		}
		n++;
	}
	CHECK(rc == 0 || rc == -EBADMSG, "decode returned %d", rc);
	CHECK(rc < 0 || (unsigned)n == d.n, "%d samples of %u", n, d.n);
	return rc < 0 ? rc : n;
}

static void
check_same(const int64_t *ta, const double *va, int n, const char *when)
{
	int i;

	for (i = 0; i < n; i++)
		CHECK(ts2[i] == ta[i] && bits_of(vs2[i]) == bits_of(va[i]),
		      "%s: sample %d is %lld/%016llx, not %lld/%016llx", when, i, (long long)ts2[i],
		      (unsigned long long)bits_of(vs2[i]), (long long)ta[i],
		      (unsigned long long)bits_of(va[i]));
}

/* Encodes ta/va[0..n) and checks the round trip, open and finished. */
static void
round_trip(const int64_t *ta, const double *va, int n)
{
	struct pue_codec_enc *e = pue_sample_encode_new();
	const uint8_t *blob;
	size_t len;
	int i, got;

	if (e == NULL)
		return;
	for (i = 0; i < n; i++) {
		int rc = pue_sample_encode_append(e, ta[i], va[i]);

		if (rc == -ENOMEM)
			break;
		CHECK(rc == 0, "append %d: %d", i, rc);
		if (i % 16 == 15) {
			size_t before, after;

			pue_sample_encode_bytes(e, &before);
			rc = pue_sample_encode_append(e, ta[i], 1.0);
			pue_sample_encode_bytes(e, &after);
			CHECK(rc == -EINVAL && after == before &&
				      pue_sample_encode_span(e).n == (size_t)i + 1,
			      "a time not after the last: %d, %zu bytes then %zu", rc, before,
			      after);
		}
		if (i % 64 == 63) {
			blob = pue_sample_encode_bytes(e, &len);
			got = decode(blob, len);
			CHECK(got == i + 1, "open block: %d samples of %d", got, i + 1);
			check_same(ta, va, got, "open block");
		}
	}
	n = i;
	if (pue_sample_encode_finish(e) == 0) {
		blob = pue_sample_encode_bytes(e, &len);
		got = decode(blob, len);
		CHECK(got == n, "finished block: %d samples of %d", got, n);
		check_same(ta, va, n, "finished block");
	}
	pue_sample_encode_free(e);
}

static int
series_of(struct fuzz_in *in)
{
	int64_t t = (int64_t)take_u64(in);
	int n = 0;

	while (in->n > 0 && n < MAX_SAMPLES) {
		uint8_t hi = take_u8(in), kind;
		uint64_t step = hi == 0xff ? take_bytes(in, 6) : ((uint64_t)hi << 8 | take_u8(in));
		uint64_t raw;

		if (n > 0 && step == 0)
			step = 1;
		kind = take_u8(in);
		raw = take_u64(in);
		if (n > 0) {
			int64_t next = (int64_t)((uint64_t)t + step);

			if (next <= t)
				break; /* past INT64_MAX */
			t = next;
		}
		ts[n] = t;
		switch (kind & 7) {
		case 4:
			vs[n] = (double)(int64_t)(raw % 4000000000000) * 1e-3;
			break;
		case 5:
			vs[n] = (double)(int64_t)(raw % 100000000) / 1e1;
			break;
		case 6:
		case 7:
			if (n > 0) {
				vs[n] = vs[n - 1];
				break;
			}
			/* fall through */
		default:
			memcpy(&vs[n], &raw, sizeof(vs[n]));
		}
		n++;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	int n = decode(data, size);

	if (n > 0 && n <= MAX_SAMPLES) {
		memcpy(ts, ts2, (size_t)n * sizeof(ts[0]));
		memcpy(vs, vs2, (size_t)n * sizeof(vs[0]));
		round_trip(ts, vs, n);
	}
	n = series_of(&in);
	round_trip(ts, vs, n);
	return 0;
}

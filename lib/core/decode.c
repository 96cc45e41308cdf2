/* SPDX-License-Identifier: MIT */
/* decode.c - register types, word orders and units; see decode.h. */
#include "core/decode.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

unsigned
pue_decode_dtype_registers(enum pue_dtype t)
{
	return pue_point_dtype_bits(t) / 16;
}

/* Puts the registers into big-endian order (ABCD...) so one conversion
 * follows. CDAB-style orders list the least significant word first;
 * BADC-style orders swap the two bytes inside every word. */
static uint64_t
to_big_endian_bits(const uint16_t *regs, size_t n, enum pue_word_order o)
{
	uint64_t bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint16_t w = (o & PUE_ORDER_CDAB) ? regs[n - 1 - i] : regs[i];

		if (o & PUE_ORDER_BADC)
			w = (uint16_t)((w >> 8) | (w << 8));
		bits = (bits << 16) | w;
	}
	return bits;
}

int
pue_decode_raw(const uint16_t *regs, size_t n, enum pue_dtype t, enum pue_word_order o,
	       struct pue_raw *out, struct pue_err *err)
{
	uint64_t bits;
	float f;
	double d;
	uint32_t u32;

	if (n != pue_decode_dtype_registers(t))
		return pue_err_set(err, -EINVAL, "%s needs %u registers, got %zu",
				   pue_point_dtype_name(t), pue_decode_dtype_registers(t), n);
	bits = to_big_endian_bits(regs, n, o);
	out->count = bits;
	out->has_count = true;
	switch (t) {
	case PUE_T_UINT16:
	case PUE_T_UINT32:
	case PUE_T_UINT64:
		out->value = (double)bits;
		break;
	case PUE_T_INT16:
		out->value = (int16_t)(uint16_t)bits;
		break;
	case PUE_T_INT32:
		out->value = (int32_t)(uint32_t)bits;
		break;
	case PUE_T_INT64:
		out->value = (double)(int64_t)bits;
		break;
	case PUE_T_FLOAT32:
		u32 = (uint32_t)bits;
		memcpy(&f, &u32, sizeof(f));
		out->value = f;
		out->has_count = false;
		break;
	case PUE_T_FLOAT64:
		memcpy(&d, &bits, sizeof(d));
		out->value = d;
		out->has_count = false;
		break;
	}
	if (!isfinite(out->value))
		return pue_err_set(err, PUE_E_RANGE, "%s register value is %s",
				   pue_point_dtype_name(t), isnan(out->value) ? "NaN" : "infinite");
	return 0;
}

int
pue_decode_sunssf(uint16_t reg, int *sf, struct pue_err *err)
{
	int v = (int16_t)reg;

	if (reg == 0x8000)
		return pue_err_set(err, PUE_E_RANGE,
				   "scale factor register is 0x8000 (not implemented)");
	if (v < PUE_SUNSSF_MIN || v > PUE_SUNSSF_MAX)
		return pue_err_set(err, PUE_E_RANGE, "scale factor %d outside %d..%d", v,
				   PUE_SUNSSF_MIN, PUE_SUNSSF_MAX);
	*sf = v;
	return 0;
}

int
pue_decode_sunspec_value(enum pue_dtype t, const struct pue_raw *raw, struct pue_err *err)
{
	uint64_t unset;

	switch (t) {
	case PUE_T_INT16:
		unset = 0x8000;
		break;
	case PUE_T_UINT16:
		unset = 0xFFFF;
		break;
	case PUE_T_INT32:
		unset = 0x80000000u;
		break;
	case PUE_T_UINT32:
		unset = 0xFFFFFFFFu;
		break;
	case PUE_T_INT64:
		unset = 0x8000000000000000u;
		break;
	case PUE_T_UINT64:
		unset = UINT64_MAX;
		break;
	default:
		return 0; /* floats: NaN, rejected by pue_decode_raw() */
	}
	if (raw->has_count && raw->count == unset)
		return pue_err_set(err, PUE_E_RANGE,
				   "%s value 0x%" PRIX64 " (SunSpec: not implemented)",
				   pue_point_dtype_name(t), unset);
	return 0;
}

double
pue_decode_apply_sunssf(double value, int sf)
{
	/* Exact powers of ten; pow() need not be exact. */
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};

	if (sf > PUE_SUNSSF_MAX || sf < PUE_SUNSSF_MIN)
		return NAN; /* pue_decode_sunssf() never gives one */
	return sf >= 0 ? value * pow10[sf] : value / pow10[-sf];
}

int
pue_decode_scale(const struct pue_point *p, const struct pue_raw *raw, double *out,
		 struct pue_err *err)
{
	double v = (raw->value * p->scale + p->offset) * pue_point_unit_factor(p->unit);

	if (!isfinite(v))
		return pue_err_set(err, PUE_E_RANGE, "value %g scales to a non-finite number",
				   raw->value);
	*out = v;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * decode.h - from raw meter registers to a number in pued's units.
 * Any thread (pure functions). Step one of the data flow: a poller decodes
 * the registers it read with pue_decode_raw() (type and word order), then
 * pue_decode_scale() applies scale, offset and unit and gives kW (power)
 * or kWh (energy).
 */
#ifndef PUE_DECODE_H
#define PUE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "core/point.h"
#include "core/reading.h"

/* Number of 16-bit registers a type occupies (1, 2 or 4). */
unsigned pue_decode_dtype_registers(enum pue_dtype t);

/* Decodes regs[0..n) as type t in order o. Returns 0, or -EINVAL when n is
 * not the type's register count, or PUE_E_RANGE for NaN/Inf floats. */
int pue_decode_raw(const uint16_t *regs, size_t n, enum pue_dtype t, enum pue_word_order o,
		   struct pue_raw *out, struct pue_err *err);

/* SunSpec scale factors ("sunssf", SunSpec Information Model Reference):
 * an int16 power of ten, -10..10; 0x8000 means "not implemented". */
#define PUE_SUNSSF_MIN (-10)
#define PUE_SUNSSF_MAX 10

/* Reads a scale-factor register. Returns 0 and *sf, or PUE_E_RANGE when
 * the register says "not implemented" (0x8000) or holds an exponent outside
 * PUE_SUNSSF_MIN..PUE_SUNSSF_MAX. */
int pue_decode_sunssf(uint16_t reg, int *sf, struct pue_err *err);

/* Checks a value read beside a SunSpec scale factor: each integer type has
 * a "not implemented" sentinel (int16 0x8000, uint16 0xFFFF, int32
 * 0x80000000, uint32 0xFFFFFFFF, int64 0x8000000000000000, uint64 all
 * ones). Returns 0, or PUE_E_RANGE naming it: a meter that does not
 * measure the quantity must give no sample, not -32768 x 10^sf. */
int pue_decode_sunspec_value(enum pue_dtype t, const struct pue_raw *raw, struct pue_err *err);

/* value x 10^sf, multiplying or dividing by an exact power of ten (so
 * 1234 with sf -1 is exactly the double nearest 123.4). */
double pue_decode_apply_sunssf(double value, int sf);

/* value = (raw * scale + offset) * unit factor, in kW or kWh. Returns 0, or
 * PUE_E_RANGE when the result is not finite (err gives the raw value; the
 * caller names the point). */
int pue_decode_scale(const struct pue_point *p, const struct pue_raw *raw, double *out,
		     struct pue_err *err);

#endif

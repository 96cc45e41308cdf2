/* SPDX-License-Identifier: MIT */
/*
 * regmap.c - register encoding of one simulated meter.
 *
 * Every layout a real meter uses for power (P, kW) and energy (E, kWh) is
 * here once, so pued's decoders can be tested against all of them on one
 * unit. Zero-based PDU addresses:
 *
 *   addr  type     order     value
 *   0     uint16   -         round(P * 10)         0.1 kW (saturates at 65535)
 *   1     int16    -         round(P)              kW
 *   2     uint32   ABCD      round(P * 1000)       W
 *   4     uint32   CDAB      round(P * 1000)       W
 *   6     int32    ABCD      round(P * 1000)       W
 *   8     int32    CDAB      round(P * 1000)       W
 *   10    float32  ABCD      P                     kW
 *   12    float32  CDAB      P                     kW
 *   14    float32  BADC      P                     kW
 *   16    float32  DCBA      P                     kW
 *   18-19 -        -         0
 *   20    uint32   ABCD      llround(E * 1000)     Wh, wraps at 2^32
 *   22    uint32   CDAB      llround(E * 1000)     Wh, wraps at 2^32
 *   24    float32  ABCD      E                     kWh
 *   26    float32  CDAB      E                     kWh
 *   28    uint64   ABCD      llround(E * 1000)     Wh (ABCDEFGH)
 *   32    int64    ABCD      llround(E * 1000)     Wh
 *   36    float64  ABCD      E                     kWh
 *   40    uint32   ABCD      llround(E * 10)       0.1 kWh, wraps at 2^32
 *   42    float64  DCBA      E                     kWh (HGFEDCBA)
 *   46    uint64   CDAB      llround(E * 1000)     Wh (GHEFCDAB: words reversed)
 *   48-49 -        -         0
 *   50    int16    -         -1                    SunSpec scale factor (for register 0)
 *   51    int16    -         0x8000                scale factor "not implemented"
 *   52    float32  ABCD      NaN                   a value no reading may become
 *   54    float32  ABCD      +Inf                  likewise
 *   56-99 -        -         0
 *
 * Orders: ABCD is big-endian, high word first. CDAB reverses the words,
 * BADC swaps the two bytes inside each word, DCBA does both; for 64-bit
 * values the same two flags apply across four words (as in lib/config/config.h's
 * enum pue_word_order, whose numbering ORDER_* copies).
 */
#include "regmap.h"

#include <math.h>
#include <string.h>

enum order {
	ORDER_ABCD = 0,
	ORDER_CDAB = 1, /* words reversed */
	ORDER_BADC = 2, /* bytes swapped in each word */
	ORDER_DCBA = 3, /* both */
};

/* Writes the low 16 x nwords bits of v from regs[addr] on, in order. */
static void
put_words(uint16_t *regs, unsigned addr, uint64_t v, unsigned nwords, enum order order)
{
	uint16_t w;
	unsigned i, slot;

	for (i = 0; i < nwords; i++) {
		/* i = 0 is the most significant word */
		w = (uint16_t)(v >> (16 * (nwords - 1 - i)));
		if (order & ORDER_BADC)
			w = (uint16_t)((w << 8) | (w >> 8));
		slot = (order & ORDER_CDAB) ? nwords - 1 - i : i;
		regs[addr + slot] = w;
	}
}

static void
put_u32(uint16_t *regs, unsigned addr, uint32_t v, enum order order)
{
	put_words(regs, addr, v, 2, order);
}

static void
put_u64(uint16_t *regs, unsigned addr, uint64_t v, enum order order)
{
	put_words(regs, addr, v, 4, order);
}

static void
put_f32(uint16_t *regs, unsigned addr, float f, enum order order)
{
	uint32_t bits;

	memcpy(&bits, &f, sizeof(bits));
	put_u32(regs, addr, bits, order);
}

static void
put_f64(uint16_t *regs, unsigned addr, double d, enum order order)
{
	uint64_t bits;

	memcpy(&bits, &d, sizeof(bits));
	put_u64(regs, addr, bits, order);
}

/* round(x) clamped to [lo, hi]: a meter saturates, it does not wrap. */
static double
clamp_round(double x, double lo, double hi)
{
	x = round(x);
	return x < lo ? lo : x > hi ? hi : x;
}

void
sim_regmap_encode(uint16_t *regs, double power_kw, double energy_kwh)
{
	uint32_t w = (uint32_t)clamp_round(power_kw * 1000, 0, UINT32_MAX);
	int32_t w_signed = (int32_t)clamp_round(power_kw * 1000, INT32_MIN, INT32_MAX);
	/* Counters are modular: the cast to unsigned keeps the low bits, which
	 * is how a meter's register wraps (PUE rules, "Counter wrap"). */
	uint64_t wh = (uint64_t)llround(energy_kwh * 1000);
	uint64_t dwh = (uint64_t)llround(energy_kwh * 10);

	memset(regs, 0, SIM_REGMAP_NB_REGISTERS * sizeof(*regs));
	regs[0] = (uint16_t)clamp_round(power_kw * 10, 0, UINT16_MAX);
	regs[1] = (uint16_t)(int16_t)clamp_round(power_kw, INT16_MIN, INT16_MAX);
	put_u32(regs, 2, w, ORDER_ABCD);
	put_u32(regs, 4, w, ORDER_CDAB);
	put_u32(regs, 6, (uint32_t)w_signed, ORDER_ABCD);
	put_u32(regs, 8, (uint32_t)w_signed, ORDER_CDAB);
	put_f32(regs, 10, (float)power_kw, ORDER_ABCD);
	put_f32(regs, 12, (float)power_kw, ORDER_CDAB);
	put_f32(regs, 14, (float)power_kw, ORDER_BADC);
	put_f32(regs, 16, (float)power_kw, ORDER_DCBA);
	put_u32(regs, 20, (uint32_t)wh, ORDER_ABCD);
	put_u32(regs, 22, (uint32_t)wh, ORDER_CDAB);
	put_f32(regs, 24, (float)energy_kwh, ORDER_ABCD);
	put_f32(regs, 26, (float)energy_kwh, ORDER_CDAB);
	put_u64(regs, 28, wh, ORDER_ABCD);
	put_u64(regs, 32, wh, ORDER_ABCD); /* int64: same bits, E is never negative */
	put_f64(regs, 36, energy_kwh, ORDER_ABCD);
	put_u32(regs, 40, (uint32_t)dwh, ORDER_ABCD);
	put_f64(regs, 42, energy_kwh, ORDER_DCBA);
	put_u64(regs, 46, wh, ORDER_CDAB);
	/* SunSpec-style scale factors (int16 powers of ten): register 0 holds
	 * tenths of a kW, so with sf -1 it reads in kW. */
	regs[50] = (uint16_t)(int16_t)-1;
	regs[51] = 0x8000;
	put_f32(regs, 52, NAN, ORDER_ABCD);
	put_f32(regs, 54, INFINITY, ORDER_ABCD);
}

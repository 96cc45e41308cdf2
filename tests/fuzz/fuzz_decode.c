/* SPDX-License-Identifier: MIT */
/*
 * fuzz_decode.c - register decoding (decode.c) through the read plan
 * (modbus_plan.c), as a Modbus poll does it: a device of up to 16 points of
 * every type, word order, function, scale, offset, unit and scale register
 * the configuration allows, its reads planned, the registers filled with
 * arbitrary words, each point decoded by pue_modbus_plan_decode().
 *
 * Input: one byte for max_read_registers, one for max_gap_registers, one
 * for the number of points, 12 bytes per point, then the register words
 * (big-endian pairs; zeros when the input runs out).
 *
 * Invariants: the plan covers every point's registers inside one read of
 * at most max_read_registers, at the right offset; a decoded value is
 * finite; an integer type without a scale register keeps its exact count,
 * equal to the words reordered here independently; NaN and infinite floats
 * are refused; so are SunSpec "not implemented" values and scale factors
 * outside -10..10.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"
#include "core/decode.h"
#include "util/err.h"
#include "poll/modbus_plan.h"

#include "fuzz.h"

#define MAX_POINTS 16

/* Scales and offsets as configurations write them (config: -1e9..1e9, a
 * scale never 0), and a few odd ones. */
static const double scales[] = {1, 0.1, 0.01, 0.001, 10, 1000, -1, -0.5, 1e-9, 1e9, -1e9, 3.7};
static const double offsets[] = {0, 0, 0, 0, 1, -1, 0.5, 1e9, -1e9, 273.15, -40, 1e-6};

/* The type's bits from the words, built byte by byte: a word-swapped order
 * reads the words last first, a byte-swapped order each word's low byte
 * first. Independent of decode.c's loop, so the two check each other. */
static uint64_t
expected_bits(const uint16_t *w, unsigned n, enum pue_word_order o)
{
	uint8_t bytes[8];
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		uint16_t word = (o & PUE_ORDER_CDAB) ? w[n - 1 - i] : w[i];

		bytes[2 * i] = (o & PUE_ORDER_BADC) ? (uint8_t)word : (uint8_t)(word >> 8);
		bytes[2 * i + 1] = (o & PUE_ORDER_BADC) ? (uint8_t)(word >> 8) : (uint8_t)word;
	}
	for (i = 0; i < 2 * n; i++)
		v = v << 8 | bytes[i];
	return v;
}

static bool
is_float(enum pue_dtype t)
{
	return t == PUE_T_FLOAT32 || t == PUE_T_FLOAT64;
}

static void
read_point(struct fuzz_in *in, struct pue_point_conf *p, size_t i)
{
	static char names[MAX_POINTS][8];
	uint8_t flags;

	snprintf(names[i], sizeof(names[i]), "p%zu", i);
	p->name = names[i];
	p->type = (enum pue_dtype)(take_u8(in) % 8);
	flags = take_u8(in);
	p->word_order = (enum pue_word_order)(flags & 3);
	p->function = (flags & 4) ? PUE_MB_INPUT : PUE_MB_HOLDING;
	p->num.kind = (flags & 8) ? PUE_KIND_ENERGY : PUE_KIND_POWER;
	p->num.unit = (enum pue_unit)((flags >> 4) % 3 + (p->num.kind == PUE_KIND_ENERGY ? 3 : 0));
	p->has_scale_register = (flags & 0x80) != 0;
	p->address = take_u16(in);
	/* config.c refuses a value that runs past register 65535 */
	if ((uint32_t)p->address + pue_decode_dtype_registers(p->type) > 65536)
		p->address = (uint16_t)(65536 - pue_decode_dtype_registers(p->type));
	p->scale_register = take_u16(in);
	p->num.scale = scales[take_u8(in) % (sizeof(scales) / sizeof(scales[0]))];
	p->num.offset = offsets[take_u8(in) % (sizeof(offsets) / sizeof(offsets[0]))];
	p->num.counter_bits = p->num.kind == PUE_KIND_ENERGY && !is_float(p->type)
				      ? pue_point_dtype_bits(p->type)
				      : 0;
	(void)take_u32(in); /* room for future fields: keeps old seeds' layout */
}

static void
check_plan(const struct pue_device_conf *dev, const struct pue_mb_plan *plan)
{
	size_t i, regs = 0;

	for (i = 0; i < plan->n_reads; i++) {
		const struct pue_mb_read *r = &plan->reads[i];

		CHECK(r->count >= 1 && r->count <= dev->modbus.max_read_registers,
		      "read %zu of %u registers", i, r->count);
		CHECK((uint32_t)r->address + r->count <= 65536, "read %zu past 65535", i);
		CHECK(r->first_reg == regs, "read %zu at offset %zu, expected %zu", i, r->first_reg,
		      regs);
		regs += r->count;
	}
	CHECK(regs == plan->n_regs, "%zu registers in reads, plan says %zu", regs, plan->n_regs);
	for (i = 0; i < dev->n_points; i++) {
		const struct pue_point_conf *p = &dev->points[i];
		const struct pue_mb_read *r = &plan->reads[plan->point_read[i]];
		size_t w = pue_decode_dtype_registers(p->type);

		CHECK(plan->point_read[i] < plan->n_reads, "point %zu: read %zu", i,
		      plan->point_read[i]);
		CHECK(r->function == p->function, "point %zu read with function %d", i,
		      r->function);
		CHECK(plan->point_reg[i] >= r->first_reg &&
			      plan->point_reg[i] + w <= r->first_reg + r->count,
		      "point %zu outside its read", i);
		CHECK(r->address + (plan->point_reg[i] - r->first_reg) == p->address,
		      "point %zu at the wrong offset", i);
		if (!p->has_scale_register) {
			CHECK(plan->point_sf_read[i] == PUE_MB_NO_SF, "point %zu: a scale read", i);
			continue;
		}
		r = &plan->reads[plan->point_sf_read[i]];
		CHECK(plan->point_sf_read[i] < plan->n_reads && r->function == p->function,
		      "point %zu: scale register read", i);
		CHECK(plan->point_sf_reg[i] >= r->first_reg &&
			      plan->point_sf_reg[i] < r->first_reg + r->count &&
			      r->address + (plan->point_sf_reg[i] - r->first_reg) ==
				      p->scale_register,
		      "point %zu: scale register outside its read", i);
	}
}

/* The value the words hold as type t, before any scale. */
static double
expected_value(enum pue_dtype t, uint64_t bits)
{
	uint32_t u32 = (uint32_t)bits;
	float f;
	double d;

	switch (t) {
	case PUE_T_INT16:
		return (int16_t)bits;
	case PUE_T_INT32:
		return (int32_t)bits;
	case PUE_T_INT64:
		return (double)(int64_t)bits;
	case PUE_T_FLOAT32:
		memcpy(&f, &u32, sizeof(f));
		return f;
	case PUE_T_FLOAT64:
		memcpy(&d, &bits, sizeof(d));
		return d;
	default:
		return (double)bits;
	}
}

/* Whether point p may refuse these words: a NaN or infinite float, a
 * SunSpec "not implemented" value or scale factor, a factor outside
 * -10..10, or a result too large for a double. */
static bool
may_refuse(const struct pue_point_conf *p, uint64_t bits, uint16_t sf_word)
{
	static const uint64_t unset[] = {
		[PUE_T_UINT16] = 0xFFFF,     [PUE_T_INT16] = 0x8000,
		[PUE_T_UINT32] = 0xFFFFFFFF, [PUE_T_INT32] = 0x80000000,
		[PUE_T_UINT64] = UINT64_MAX, [PUE_T_INT64] = 0x8000000000000000,
	};
	double v = expected_value(p->type, bits);
	int sf = (int16_t)sf_word;

	if (!isfinite(v))
		return true;
	if (p->has_scale_register) {
		if ((!is_float(p->type) && bits == unset[p->type]) || sf < PUE_SUNSSF_MIN ||
		    sf > PUE_SUNSSF_MAX)
			return true;
		v = sf >= 0 ? v * pow(10, sf) : v / pow(10, -sf);
	}
	return !isfinite((v * p->num.scale + p->num.offset) * pue_point_unit_factor(p->num.unit)) ||
	       fabs(v) > 1e300;
}

static void
check_point(const struct pue_device_conf *dev, const struct pue_mb_plan *plan, const uint16_t *regs,
	    size_t i)
{
	const struct pue_point_conf *p = &dev->points[i];
	const uint16_t *w = regs + plan->point_reg[i];
	unsigned n = pue_decode_dtype_registers(p->type);
	uint64_t bits = expected_bits(w, n, p->word_order);
	struct pue_err err = {0};
	struct pue_raw raw;
	double value = 0;
	int rc = pue_modbus_plan_decode(dev, plan, regs, i, &raw, &value, &err);

	if (rc < 0) {
		CHECK(rc == PUE_E_RANGE, "point %zu: error %d", i, rc);
		CHECK(may_refuse(p, bits, p->has_scale_register ? regs[plan->point_sf_reg[i]] : 0),
		      "point %zu: good words refused: %s", i, err.msg);
		CHECK(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof(err.msg)) != NULL,
		      "point %zu: error without a message", i);
		return;
	}
	CHECK(rc == 0, "point %zu: rc %d", i, rc);
	CHECK(isfinite(value) && isfinite(raw.value), "point %zu: %g from %g", i, value, raw.value);
	if (p->type == PUE_T_FLOAT32) {
		uint32_t u = (uint32_t)bits;
		float f;

		memcpy(&f, &u, sizeof(f));
		CHECK(isfinite(f), "point %zu: float32 %g accepted", i, (double)f);
	} else if (p->type == PUE_T_FLOAT64) {
		double d;

		memcpy(&d, &bits, sizeof(d));
		CHECK(isfinite(d), "point %zu: float64 %g accepted", i, d);
	}
	if (p->has_scale_register) {
		int16_t sf = (int16_t)regs[plan->point_sf_reg[i]];

		CHECK(sf >= PUE_SUNSSF_MIN && sf <= PUE_SUNSSF_MAX, "point %zu: sunssf %d taken", i,
		      sf);
		CHECK(!raw.has_count, "point %zu: a count after a scale factor", i);
		return;
	}
	if (is_float(p->type)) {
		CHECK(!raw.has_count, "point %zu: a float with a count", i);
		return;
	}
	CHECK(raw.has_count && raw.count == bits, "point %zu: count %llx, words say %llx", i,
	      (unsigned long long)raw.count, (unsigned long long)bits);
	switch (p->type) {
	case PUE_T_INT16:
		CHECK(raw.value == (int16_t)bits, "point %zu: int16 %g", i, raw.value);
		break;
	case PUE_T_INT32:
		CHECK(raw.value == (int32_t)bits, "point %zu: int32 %g", i, raw.value);
		break;
	case PUE_T_INT64:
		CHECK(raw.value == (double)(int64_t)bits, "point %zu: int64 %g", i, raw.value);
		break;
	default:
		CHECK(raw.value == (double)bits, "point %zu: unsigned %g", i, raw.value);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct pue_point_conf points[MAX_POINTS];
	struct pue_device_conf dev = {.name = "fuzz", .protocol = PUE_PROTO_MODBUS_TCP};
	struct pue_mb_plan plan;
	struct pue_err err = {0};
	uint16_t *regs;
	size_t i;
	int rc;

	memset(points, 0, sizeof(points));
	dev.modbus.max_read_registers = (uint16_t)(take_u8(&in) % 125 + 1);
	dev.modbus.max_gap_registers = (uint16_t)(take_u8(&in) % 126);
	dev.n_points = take_u8(&in) % MAX_POINTS + 1;
	dev.points = points;
	for (i = 0; i < dev.n_points; i++)
		read_point(&in, &points[i], i);
	rc = pue_modbus_plan(&dev, &plan, &err);
	if (rc < 0) {
		/* Only a value wider than a read refuses a plan. */
		bool wide = false;

		for (i = 0; i < dev.n_points; i++)
			wide |= pue_decode_dtype_registers(points[i].type) >
				dev.modbus.max_read_registers;
		CHECK(rc == -EINVAL && wide, "plan refused: %d %s", rc, err.msg);
		return 0;
	}
	check_plan(&dev, &plan);
	CHECK((regs = calloc(plan.n_regs ? plan.n_regs : 1, sizeof(*regs))) != NULL, "no memory");
	for (i = 0; i < plan.n_regs; i++)
		regs[i] = take_u16(&in);
	for (i = 0; i < dev.n_points; i++)
		check_point(&dev, &plan, regs, i);
	free(regs);
	pue_modbus_plan_free(&plan);
	return 0;
}

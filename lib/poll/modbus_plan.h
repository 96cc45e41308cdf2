/* SPDX-License-Identifier: MIT */
/*
 * modbus_plan.h - the fewest reads that cover a device's points.
 * Pure functions, any thread. The registers a device needs (each point's
 * value, and the scale-factor register of points that name one) are sorted
 * by function code and address and merged into one read while the gap of
 * unused registers stays within max_gap_registers and the read within
 * max_read_registers (Modbus allows 125 registers per read; some meters
 * refuse fewer).
 */
#ifndef PUE_MODBUS_PLAN_H
#define PUE_MODBUS_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/decode.h"
#include "util/err.h"

struct pue_mb_read {
	enum pue_mb_function function;
	uint16_t address; /* first register */
	uint16_t count;	  /* 1..max_read_registers */
	size_t first_reg; /* offset of this read's registers in the device buffer */
};

/* A point without a scale register has this in point_sf_read. */
#define PUE_MB_NO_SF SIZE_MAX

/* One allocation, at reads: the four per-point arrays live in it. */
struct pue_mb_plan {
	struct pue_mb_read *reads;
	size_t n_reads;
	size_t n_regs;	       /* registers over all reads (the buffer size) */
	size_t *point_read;    /* per point: index of the read holding it */
	size_t *point_reg;     /* per point: offset of its first register in the buffer */
	size_t *point_sf_read; /* per point: read holding its scale register, or PUE_MB_NO_SF */
	size_t *point_sf_reg;  /* per point: offset of its scale register in the buffer */
};

/* Plans dev's reads into *plan (zeroed first). Returns 0, or -EINVAL when a
 * point does not fit in one read or past register 65535, or -ENOMEM. Free
 * with pue_modbus_plan_free(). */
int pue_modbus_plan(const struct pue_device_conf *dev, struct pue_mb_plan *plan,
		    struct pue_err *err);
void pue_modbus_plan_free(struct pue_mb_plan *plan);

/* Decodes point i of dev from regs[0..plan->n_regs), the registers of one
 * poll of plan's reads: its type and word order at its offset, then, with
 * a scale_register, the SunSpec "not implemented" checks and the power of
 * ten, then scale, offset and unit (decode.h). Returns 0 with *raw and
 * *value (kW or kWh), or a negative code with err set when the registers
 * hold no valid sample. */
int pue_modbus_plan_decode(const struct pue_device_conf *dev, const struct pue_mb_plan *plan,
			   const uint16_t *regs, size_t i, struct pue_raw *raw, double *value,
			   struct pue_err *err);

#endif

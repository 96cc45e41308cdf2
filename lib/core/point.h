/* SPDX-License-Identifier: MIT */
/*
 * point.h - what a point's numbers mean: register types and word orders,
 * units, kind (power or energy counter), scale, counter width, limits and
 * where an IT point measures.
 *
 * The numeric core (decode, energy, combine, window, figure, store) takes
 * these small value types instead of the configuration: the loader fills a
 * struct pue_point inside each point's configuration (config.h), and the
 * core never needs to know where it came from. Pure data and pure
 * functions, any thread.
 */
#ifndef PUE_POINT_H
#define PUE_POINT_H

#include <stdint.h>

enum pue_dtype {
	PUE_T_UINT16,
	PUE_T_INT16,
	PUE_T_UINT32,
	PUE_T_INT32,
	PUE_T_UINT64,
	PUE_T_INT64,
	PUE_T_FLOAT32,
	PUE_T_FLOAT64,
};

/* Register word and byte order. The YAML names are the 32-bit spellings
 * (ABCD big-endian; CDAB low word first; BADC bytes swapped in each word;
 * DCBA little-endian) or their 64-bit forms (ABCDEFGH, GHEFCDAB, BADCFEHG,
 * HGFEDCBA); both describe the same two flags and apply to any width. */
enum pue_word_order {
	PUE_ORDER_ABCD = 0,
	PUE_ORDER_CDAB = 1, /* words swapped */
	PUE_ORDER_BADC = 2, /* bytes swapped within words */
	PUE_ORDER_DCBA = 3, /* both */
};

enum pue_unit {
	PUE_UNIT_W,
	PUE_UNIT_KW,
	PUE_UNIT_MW,
	PUE_UNIT_WH,
	PUE_UNIT_KWH,
	PUE_UNIT_MWH,
};

enum pue_point_kind {
	PUE_KIND_POWER,	 /* kind: power - instantaneous, integrated over time */
	PUE_KIND_ENERGY, /* kind: energy - a cumulative counter */
};

/* Where an IT point measures (sets the PUE measurement category). */
enum pue_it_location {
	PUE_AT_NONE,	   /* not given (facility-side points) */
	PUE_AT_UPS_OUTPUT, /* measured_at: ups_output - category 1 */
	PUE_AT_PDU_OUTPUT, /* measured_at: pdu_output - category 2 */
	PUE_AT_IT_INPUT,   /* measured_at: it_input   - category 3 */
};

/* A point's numeric description: everything decode and energy need to turn
 * its raw value into kW or kWh and its readings into energy. */
struct pue_point {
	enum pue_point_kind kind; /* required */
	enum pue_unit unit;	  /* required; power units for power, energy for energy */
	double scale;		  /* default 1: value = raw * scale + offset, then unit */
	double offset;		  /* default 0 */
	unsigned counter_bits;	  /* wrap width 1..64; default: the type's width for
				   * integer types, 0 (no wrap) for floats; for
				   * SNMP 0: the width the answer's type says
				   * (Counter32 32, Counter64 64; pue_raw.bits);
				   * always 0 for power points */
	double max_power_kw;	  /* plausibility limit of a power reading and a
				   * counter's jump; 0 = 10 x the largest seen
				   * (energy.h) */
	int64_t max_gap_ms;	  /* longest gap bridged; 0 = 3 polls for power points,
				   * PUE_COUNTER_MAX_GAP_MS (energy.h) for counters */
	enum pue_it_location measured_at;
};

/* One spelling a value may take (in YAML, messages and output) and the enum
 * constant it means. Tables end with a NULL name. */
struct pue_name {
	const char *name;
	int value;
};

/* Spellings of the enums above, shared by the loader and the names below. */
extern const struct pue_name pue_point_unit_names[];
extern const struct pue_name pue_point_kind_names[];
extern const struct pue_name pue_point_dtype_names[];
extern const struct pue_name pue_point_location_names[];

/* The name of value in a table, or "?". */
const char *pue_point_enum_name(const struct pue_name *names, int value);

/* Names for messages and output. */
const char *pue_point_unit_name(enum pue_unit u);
const char *pue_point_dtype_name(enum pue_dtype t);
const char *pue_point_it_location_name(enum pue_it_location at);

/* The factor that turns unit u into kW (power units) or kWh (energy). */
double pue_point_unit_factor(enum pue_unit u);

/* Width of a register type in bits (16, 32 or 64). */
unsigned pue_point_dtype_bits(enum pue_dtype t);

/* The measurement category (1..3) of an IT point measured at at (PUE.md,
 * "Measurement categories"): it_input 3, pdu_output 2, anything else 1. */
int pue_point_it_location_category(enum pue_it_location at);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * reading.h - one value a meter gave: the raw register value as decoded
 * (decode.h, snmp_value.h) and, once scaled, a reading in pued's units that
 * a poller hands on and energy.c turns into intervals.
 * Small value types, any thread.
 */
#ifndef PUE_READING_H
#define PUE_READING_H

#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"

/* A decoded register value. Integer types keep their exact raw count so
 * that counter arithmetic (wrap at counter_bits) never goes through a
 * double; floats carry has_count false. */
struct pue_raw {
	double value;	/* the raw number as the register holds it */
	uint64_t count; /* integer types: the bits, zero-extended */
	bool has_count;
	unsigned char bits; /* the width the source says a counter wraps at (SNMP
			     * Counter32: 32, Counter64: 64); 0 when it does not say */
};

/* One valid reading of a point, already in kW or kWh. */
struct pue_reading {
	pue_wall_t wall;    /* when the meter answered */
	double value;	    /* kW (power) or kWh (energy counter) */
	struct pue_raw raw; /* the register value before scale and unit */
	bool rebased;	    /* counters: what the value adds up changed since the last
			     * reading (a summed column's rows): the interval to it is
			     * unknown, not a reset */
};

#endif

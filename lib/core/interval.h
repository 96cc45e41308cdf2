/* SPDX-License-Identifier: MIT */
/*
 * interval.h - energy through one point over a span of wall time: what
 * energy.c makes of two readings and combine.c sums into minutes.
 * A small value type, any thread.
 */
#ifndef PUE_INTERVAL_H
#define PUE_INTERVAL_H

#include "util/clock.h"

/* Energy delivered through a point over [start, end). */
struct pue_interval {
	pue_wall_t start;
	pue_wall_t end;
	double energy_kwh;
};

#endif

/* SPDX-License-Identifier: MIT */
/*
 * minute.h - one closed minute of a PUE definition: what combine.c closes,
 * the windows add up and the store keeps. A small value type, any thread.
 */
#ifndef PUE_MINUTE_H
#define PUE_MINUTE_H

#include <stdint.h>

#define PUE_MINUTE_MS 60000

/* One closed minute of the PUE definition. */
struct pue_minute {
	int64_t start_ms;    /* Unix ms, a multiple of 60000 */
	double facility_kwh; /* over the covered part only */
	double it_kwh;
	int64_t covered_ms; /* 0..60000: time every input had valid energy */
};

/* Receives closed or stored minutes, oldest first; m is borrowed. */
typedef void (*pue_minute_cb)(void *arg, const struct pue_minute *m);

#endif

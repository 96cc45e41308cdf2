/* SPDX-License-Identifier: MIT */
/*
 * meters.h - which simulated meter answers a request, and its readings.
 *
 * Two kinds of meters. The hall's (hall.c: incomer, UPS and cooling units)
 * answer as units 1..n on every endpoint. With --meters N there are also N
 * generic meters for load tests: meter k (0-based) answers on TCP port
 * index k / units_per_port as unit id k % units_per_port + 1, and then the
 * TCP ports serve only those (the RTU bus keeps the hall). Generic meter k
 * draws a constant 1 + k kW and its counter starts at 100000 + k kWh, so
 * every meter's values are its own and a test can tell them apart; or
 * what --meter-kw and --meter-kwh say (small meters for the live figure's
 * tests: a float32 counter near 100,000 kWh moves in 7.8 Wh steps).
 *
 * Endpoints are numbered as in fault.h: TCP ports 0..n_ports-1, then the
 * RTU bus. Meter ids are small integers (>= 0) valid for the simulator's
 * lifetime. Time comes from the caller (simulated CLOCK_MONOTONIC) and must
 * not go backwards. Units: kW, kWh. Main thread only.
 */
#ifndef SIM_METERS_H
#define SIM_METERS_H

#include <stdint.h>

#include "util/clock.h"
#include "util/err.h"
#include "hall.h"

/* Most generic meters: 256 ports x 247 unit ids. */
#define SIM_METERS_MAX (256 * 247)

/* Values spread evenly over generic meters first..last (0-based,
 * inclusive): meter first gets lo, meter last gets hi (--meter-kw,
 * --meter-kwh). */
struct sim_spread {
	unsigned first, last;
	double lo, hi;
};

#define SIM_METERS_MAX_SPREADS 16
#define SIM_MAX_KWH 1e12 /* a counter at start, kWh: far past any register */

struct sim_meters_conf {
	unsigned n_generic;	 /* --meters, 0..SIM_METERS_MAX */
	unsigned units_per_port; /* --units-per-port, 1..247 */
	unsigned n_ports;	 /* TCP listening ports */
	/* --meter-kw, --meter-kwh: the power (kW) and the counter at start
	 * (kWh) of the meters they name; the last spread naming a meter
	 * wins, and a meter none names draws 1 + k kW from 100000 + k kWh. */
	struct sim_spread kw[SIM_METERS_MAX_SPREADS], kwh[SIM_METERS_MAX_SPREADS];
	unsigned n_kw, n_kwh;
};

/* Parses "FIRST-LAST=LO[:HI]" (or "K=V" for one meter), comma-separated,
 * into at most SIM_METERS_MAX_SPREADS spreads of values in [0, max].
 * Returns the count, or -EINVAL with err naming the option. */
int sim_meters_parse_spreads(const char *option, const char *spec, double max,
			     struct sim_spread *out, struct pue_err *err);

struct sim_meters; /* opaque */

/* hall is borrowed and must outlive the result. NULL with err filled when
 * the generic meters do not fit on the ports, or without memory. Free with
 * sim_meters_free(). */
struct sim_meters *sim_meters_new(struct sim_hall *hall, const struct sim_meters_conf *conf,
				  pue_mono_t start, struct pue_err *err);

/* Frees m. NULL is accepted. */
void sim_meters_free(struct sim_meters *m);

/* The meter answering as unit on endpoint, or -1 when none does. */
int sim_meters_find(const struct sim_meters *m, unsigned endpoint, unsigned unit);

/* Power and energy of meter (from sim_meters_find) at now. */
void sim_meters_read(struct sim_meters *m, int meter, pue_mono_t now, double *power_kw,
		     double *energy_kwh);

/* Restarts meter's energy counter from 0 at now. */
void sim_meters_reset_counter(struct sim_meters *m, int meter, pue_mono_t now);

/* A meter that says something impossible (pued's plausibility tests): its
 * next `answers` answers report power_kw (finite, |power_kw| <=
 * SIM_METERS_FAKE_MAX_KW, the float32 range its registers hold) instead of
 * its own power; its counter goes on as before. 0 answers cancels it. */
#define SIM_METERS_FAKE_MAX_KW 3.4028234663852886e38
void sim_meters_fake_power(struct sim_meters *m, int meter, double power_kw, unsigned answers);

/* The same for the counter: the next `answers` answers report energy_kwh
 * (0 .. SIM_METERS_FAKE_MAX_KWH, what the widest counter register holds
 * exactly enough) instead of the counter, which goes on underneath: a
 * bogus zero, or a bogus jump, that the answer after it takes back. */
#define SIM_METERS_FAKE_MAX_KWH 1e12
void sim_meters_fake_counter(struct sim_meters *m, int meter, double energy_kwh, unsigned answers);

/* sim_meters_read() for an answer on the wire: a fake power or counter
 * set above is reported, and counts as one of its answers. */
void sim_meters_answer(struct sim_meters *m, int meter, pue_mono_t now, double *power_kw,
		       double *energy_kwh);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * hall.h - the simulator's load model: one small data hall and its meters.
 *
 * Unit 1 is the utility incomer (facility_kw). Units 2..1+U are UPS output
 * meters sharing it_kw equally. Units 2+U..1+U+C are cooling units sharing
 * 0.8 x (facility_kw - it_kw): the other 20% of the overhead (lighting,
 * transformer and UPS losses) is deliberately left unmetered, so the
 * sub-meters never add up to the incomer, as on a real site.
 *
 * Every meter keeps a cumulative energy counter, 100000 + 1000 x unit kWh at
 * start, that is the exact integral of its power: the profile is piecewise
 * constant, so each segment contributes power x duration.
 *
 * Time is passed in by the caller (simulated CLOCK_MONOTONIC from
 * lib/util/clock.h) and must not go backwards; the model itself never reads a
 * clock. Units: kW, kWh. Main thread only.
 */
#ifndef SIM_HALL_H
#define SIM_HALL_H

#include <stdbool.h>

#include "util/clock.h"
#include "util/err.h"
#include "schedule.h"

/* Largest power accepted anywhere (CLI, schedule, control socket): 1 GW. */
#define SIM_MAX_KW 1e6
/* Unit ids 1..247 are the Modbus range, and unit 1 is the incomer. */
#define SIM_MAX_SUBMETERS 246

struct sim_hall_conf {
	double facility_kw; /* 0..SIM_MAX_KW */
	double it_kw;	    /* 0..SIM_MAX_KW */
	unsigned n_ups;	    /* >= 1 */
	unsigned n_cooling; /* >= 0; n_ups + n_cooling <= SIM_MAX_SUBMETERS */
};

struct sim_hall; /* opaque */

/* Returns true when kw is a power the simulator accepts. */
bool sim_kw_is_valid(double kw);

/* Returns a new hall whose profile starts at conf and then follows sched
 * (borrowed; the entries are copied, relative to start). NULL with err
 * filled on a bad configuration or no memory. Free with sim_hall_free(). */
struct sim_hall *sim_hall_new(const struct sim_hall_conf *conf, const struct sim_schedule *sched,
			      pue_mono_t start, struct pue_err *err);

/* Frees h. NULL is accepted. */
void sim_hall_free(struct sim_hall *h);

/* Number of meters; they answer as units 1..n. */
unsigned sim_hall_n_meters(const struct sim_hall *h);

/* Reads unit's power and energy at now. Returns false for a unit id that is
 * not a meter (outputs untouched). */
bool sim_hall_read(struct sim_hall *h, pue_mono_t now, unsigned unit, double *power_kw,
		   double *energy_kwh);

/* The facility and IT power in force at now. */
void sim_hall_profile(struct sim_hall *h, pue_mono_t now, double *facility_kw, double *it_kw);

/* Changes the profile from now on; NAN leaves a value as it is. Energy
 * counters stay continuous. -EINVAL with err filled for an invalid power. */
int sim_hall_set(struct sim_hall *h, pue_mono_t now, double facility_kw, double it_kw,
		 struct pue_err *err);

/* Restarts unit's energy counter from 0 at now, as a meter does after a
 * firmware reset or a counter clear from its front panel; it then grows
 * with its power again. Returns false for a unit id that is not a meter. */
bool sim_hall_reset_counter(struct sim_hall *h, pue_mono_t now, unsigned unit);

#endif

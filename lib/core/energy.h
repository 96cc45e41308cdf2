/* SPDX-License-Identifier: MIT */
/*
 * energy.h - turns one point's readings into energy intervals.
 *
 * Second step of the data flow (reading -> energy). Cumulative counters give
 * the delta of consecutive readings, with wrap at counter_bits; a decrease
 * that is not a wrap is a meter reset (that interval is unknown); a delta
 * above max_power x elapsed is a glitch (unknown). Power points are
 * integrated with the trapezoidal rule, and no energy is invented across a
 * gap longer than max_gap. A reading that cannot be true (PUE.md,
 * "Readings that cannot be true") is rejected before any of this and leaves
 * the state as it was, so the next good reading pairs with the last good
 * one. See ../shared/PUE.md, "Energy from meters".
 * Main thread only; one struct pue_energy per point, zero-initialised.
 */
#ifndef PUE_ENERGY_H
#define PUE_ENERGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "core/counter_rate.h"
#include "core/interval.h"
#include "core/point.h"
#include "core/reading.h"

enum pue_energy_result {
	PUE_ENERGY_FIRST,     /* first reading: nothing to pair it with yet */
	PUE_ENERGY_INTERVAL,  /* *out holds a valid interval */
	PUE_ENERGY_GAP,	      /* readings too far apart: the interval is missing */
	PUE_ENERGY_RESET,     /* counter went down (not a wrap): unknown interval */
	PUE_ENERGY_GLITCH,    /* implausible jump: unknown interval */
	PUE_ENERGY_BACKWARDS, /* time did not advance: reading ignored */
	PUE_ENERGY_REJECTED,  /* impossible reading (pue_energy_plausible()): ignored */
};

/* What a counter's readings showed about its meter (PUE.md: a reset is
 * logged and raises an event; a glitch is a device error). */
enum pue_energy_event {
	PUE_ENERGY_NO_EVENT,
	PUE_ENERGY_EVENT_RESET,	 /* went down, and the next reading stayed down */
	PUE_ENERGY_EVENT_GLITCH, /* a jump no power explains, or a drop the next
				  * reading came back from */
};

/* A reading's value and time, kept for later judgement. */
struct pue_energy_mark {
	double value;
	pue_wall_t wall;
};

struct pue_energy {
	bool have_prev;
	/* Counters: the last reading was a drop or a jump up, the suspect,
	 * that a later reading judges against trusted, the reading before it
	 * (pue_energy_take_event()). */
	bool reset_pending;
	bool jump_pending;
	uint8_t event; /* enum pue_energy_event, until taken */
	struct pue_reading prev;
	double max_seen_kw; /* largest average power seen, for the default glitch limit */
	struct pue_energy_mark trusted; /* see reset_pending */
	struct pue_energy_mark suspect;
	struct pue_energy_mark about; /* the reading the event is about */
	double last_power_kw;	      /* power points: the latest reading */
	/* Counters: the energy counted since the last reading that started
	 * afresh (the first, or one after a reset, gap or glitch), and the
	 * live power estimated from it (counter_rate.h). */
	double position_kwh;
	struct pue_counter_rate rate;
};

/* How long a counter may read its suspect value again and still say
 * nothing about it (a meter answering 0 while it boots): then it is
 * where the counter really is. */
#define PUE_ENERGY_SUSPECT_HOLD_MS 60000

/* The time since the last reading is unknown (the wall clock was set back
 * while pued was down, engine_resume.c): the next reading starts afresh,
 * as the first one, and nothing pending about the last is judged. The
 * largest power seen, the default glitch limit, is kept. */
void pue_energy_forget(struct pue_energy *e);

/* Default longest gap for counters: a counter's delta stays exact across a
 * short outage, so it may span more than a few polls. */
#define PUE_COUNTER_MAX_GAP_MS (15 * 60 * 1000)

/* How many times the largest seen power a counter delta may imply before it
 * is a glitch, when the point has no max_power_kw (PUE.md: "default e.g. 10 x
 * the point's largest seen power"). */
#define PUE_GLITCH_FACTOR 10.0

/* Until a point has a rating or a seen power, a counter delta implying more
 * than this (1 GW, beyond any single data center feed) is a glitch: a bogus
 * zero as the first reading must not become the whole counter's energy. */
#define PUE_UNRATED_MAX_KW 1e6

/* A power point without max_power_kw accepts readings up to 10 x the
 * largest power it has shown (PUE.md), but never less than this (1 MW):
 * a hall that fills up from a few kW is not cut off at its first load,
 * while 3e38, 1e308 or 2^64-1 kW never pass. Nor more than
 * PUE_UNRATED_MAX_KW, the limit before any power has been seen. */
#define PUE_PLAUSIBLE_FLOOR_KW 1000.0

/* How far below zero a power reading may go, as a share of the point's
 * limit: meters read a little negative around zero load, not -1e7 kW. */
#define PUE_NEGATIVE_TOLERANCE 0.01

/* The largest power (kW) a reading of p may show now: max_power_kw when
 * configured, otherwise the default described above. */
double pue_energy_power_limit_kw(const struct pue_energy *e, const struct pue_point *p);

/* PUE.md, "Readings that cannot be true": a power reading that is NaN,
 * infinite or outside [-PUE_NEGATIVE_TOLERANCE x limit, limit], or an
 * energy counter that is NaN, infinite or negative (except a signed
 * register differenced by its raw bits, which may pass its sign bit), is
 * impossible. Returns true for a plausible reading; otherwise false with
 * why filled ("power 3e+38 kW above the limit of 1e+06 kW"). */
bool pue_energy_plausible(const struct pue_energy *e, const struct pue_point *p,
			  const struct pue_reading *r, char *why, size_t len);

/* Feeds one reading; an impossible one returns PUE_ENERGY_REJECTED.
 * poll_interval_ms sets the default max gap for power points (3 polls).
 * Fills *out when it returns PUE_ENERGY_INTERVAL. */
enum pue_energy_result pue_energy_update(struct pue_energy *e, const struct pue_point *p,
					 int64_t poll_interval_ms, const struct pue_reading *r,
					 struct pue_interval *out);

const char *pue_energy_result_name(enum pue_energy_result r);

/* The event the last pue_energy_update() found, once, with the reading it
 * is about in *value and *at: a glitch's bogus value, or the value a reset
 * went down to. A drop is judged by the first reading after it that reads
 * otherwise, so PUE.md's classic bogus zero followed by the real value
 * (even a minute of zeros, as a meter answers while it boots) is a glitch,
 * never a meter reset (which pages the NOC): a reset's event comes when
 * the counter has moved on from where it dropped to, below where it was,
 * or has read the same for PUE_ENERGY_SUSPECT_HOLD_MS. A fall back to or
 * above where the counter was before an implausible jump ends that
 * glitch; it is no reset either, nor is a drop and a jump in turn.
 * PUE_ENERGY_NO_EVENT when there is none. */
enum pue_energy_event pue_energy_take_event(struct pue_energy *e, double *value, pue_wall_t *at);

/* The point's present power for the live figure: a power point's latest
 * reading (always ready), a counter's estimate from its changes
 * (counter_rate.h: unbiased however coarse the counter, ready once precise
 * enough). False when there is none yet. */
bool pue_energy_live_power(const struct pue_energy *e, const struct pue_point *p,
			   struct pue_rate *out);

/* The longest time between two readings that still makes an interval:
 * the point's max_gap, or the default for its kind (see above). */
int64_t pue_energy_max_gap_ms(const struct pue_point *p, int64_t poll_interval_ms);

/* A reading rebuilt from a stored sample (value in kW or kWh at time t),
 * to continue a point's energy after a restart. For a counter with
 * counter_bits the raw count is recovered from the value (the inverse of
 * scale, offset and unit) when that gives a whole number in range, so a
 * wrap across the restart is still a wrap and not a reset. Without
 * counter_bits (SNMP, where each answer's type gives the width) the count
 * is recovered the same way when the next reading brings the width. */
struct pue_reading pue_energy_stored_reading(const struct pue_point *p, pue_wall_t t, double value);

#endif

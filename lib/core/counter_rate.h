/* SPDX-License-Identifier: MIT */
/*
 * counter_rate.h - the live power of an energy counter, right however
 * coarse the counter is.
 *
 * Beside the energy intervals (energy.h), the live figure ("now") needs
 * each counter's present power. A counter only says it as energy over
 * time, and it says energy in steps: a float32 kWh register near
 * 100,000 kWh moves in 7.8 Wh steps (2^-7 kWh), while a 2 kW meter adds
 * 0.56 Wh a second. Energy over the newest 10 s of intervals (what pued
 * did before) is then off by up to a whole step: 0 or 2.8 kW for a 2 kW
 * meter, and a sum of such meters wandered by tenths at a true 1.25.
 *
 * Measure between the counter's changes instead. A counter that shows
 * E quantised by a step s changes to a new value V when E crosses a
 * fixed threshold of V (V itself for a floor, V - s/2 for rounding); the
 * same kind of threshold every time, so the energy between two crossings
 * is exactly the difference of the two new values, whatever the step. The
 * time of a crossing is known to within one poll: after the last reading
 * with the old value and no later than the first with the new one (its
 * middle is the estimate). When several steps come in one poll, the last
 * of k steps came within about a poll / k before the new reading, which
 * pins it closer. Power = dV / dt between two crossings is then off by at
 * most a poll over the span (2 x 0.5 s over 300 s: 0.3 % for one meter),
 * and leans neither way: over the phases of the polls each crossing's
 * error averages to the same amount, which cancels in dt.
 *
 * The estimate is the inverse slope of a least-squares line of crossing
 * times against values through the records of the span (a dozen changes
 * over about 5 minutes): linear in the crossing times, so just as
 * unbiased, and about 1.5 x tighter than the two ends alone (0.1 % for a
 * meter stepping every 5 to 78 s; 0.003 % at 1000 kW, 128 steps a
 * second; measured mean error within 0.02 % at every power). Two things
 * that look better lean: the middle of the powers that all the readings
 * allow (a vernier, 0.05 %) is off by up to 0.1 % one way or the other
 * depending on how the step period falls on the poll, and keeping
 * records by how long after the last one they were seen keeps records
 * seen late more often (0.1 % too much power). So records are kept by
 * energy (the value tells which step it is, whatever the poll's phase),
 * and a span runs from a change to the newest change, never from a time:
 * ending a span at a reading just after a step counts a whole step in too
 * little time.
 *
 * Each reading also says: at time t the energy E (from an unknown origin)
 * was in [v, v + s). For a constant power P, E = E0 + P t, and two
 * readings i before j allow only
 *   (v_j - v_i - s) / (t_j - t_i) < P < (v_j - v_i + s) / (t_j - t_i);
 * a P exists for all readings at once exactly when every pair allows it
 * (for a fixed P each reading allows an interval of origins, and
 * intervals on a line meet when each two do). When no P fits all the
 * records, the power changed: the line goes through the newest records
 * that one power fits, when that is at least as precise as the average
 * over the last minute's energy or more (else that average). A power
 * that changes is followed within the span, through the average
 * meanwhile.
 *
 * A counter that stops moving: since the newest change, less than one
 * step was added (the reading now shows the same value), so the power
 * since then is below s / (time since that change). That bound is never
 * below a steady power (the next step has not come yet), so it costs
 * nothing while the power holds, and it brings the estimate down when no
 * step comes for longer than the present power allows.
 *
 * The step s is learned: the greatest common divisor of the changes seen
 * in the records (an integer register's one count when its type says so,
 * see pue_counter_rate_add). A learned s is a multiple of the real one, so
 * the readings' intervals stay true, only wider.
 *
 * Memory is bounded: PUE_RATE_RECORDS changes plus the newest change and
 * reading (about 470 bytes a point). Pure: no clock, no allocation; any
 * thread, one struct per counter, zero-initialised or cleared.
 */
#ifndef PUE_COUNTER_RATE_H
#define PUE_COUNTER_RATE_H

#include <stdbool.h>
#include <stdint.h>

/* The span an estimate covers at a steady power (ms), and the records
 * kept for it, a spacing's energy apart (counter_rate.c, keep); a counter
 * that changes less often reaches back PUE_RATE_RECORDS changes, at most
 * twice the span. */
#define PUE_RATE_SPAN_MS (300 * 1000)
#define PUE_RATE_RECORDS 12

/* The average used when the power changed reaches back at least this
 * long's energy (at the power that set the record quantum) and this many
 * steps, within the records. */
#define PUE_RATE_AVG_MS (60 * 1000)
#define PUE_RATE_AVG_STEPS 8

/* An estimate counts in the live figure ("ready") once the counter has
 * been followed for PUE_RATE_READY_SPAN_MS since it was first read or
 * cleared and has changed twice, or sooner when its half-width is at most
 * PUE_RATE_READY of it (a fast counter). Ready stays ready until a clear:
 * a power that changes is followed, not waited for. A counter that has
 * not moved at all is ready after PUE_RATE_SPAN_MS with its bound (see
 * pue_counter_rate_get). A figure judged to a thousandth (figure.h)
 * should not show from estimates much coarser than that. */
#define PUE_RATE_READY 0.0005
#define PUE_RATE_READY_SPAN_MS (PUE_RATE_SPAN_MS / 2)

/* One change of the counter: the first reading with a new value and how
 * far back the last reading with the old value was. */
struct pue_rate_change {
	int64_t after_ms; /* the first reading showing kwh */
	uint32_t gap_ms;  /* back to the last reading with the old value */
	double step_kwh;  /* kwh minus the old value (> 0) */
	double kwh;	  /* the new value, as a position (see add) */
};

struct pue_counter_rate {
	struct pue_rate_change rec[PUE_RATE_RECORDS]; /* a ring, oldest at first */
	struct pue_rate_change head;		      /* the newest change */
	unsigned char n, first;			      /* records in the ring */
	bool has_head, has_last;
	bool exact;	    /* step_kwh is the register's one count */
	double step_kwh;    /* the resolution the reading's type gives; 0: unknown */
	double quantum_kwh; /* records are kept at its multiples (counter_rate.c) */
	int64_t start_ms;   /* the first reading since clear */
	int64_t last_ms;    /* the newest reading */
	double last_kwh;    /* and its value */
};

/* An estimate: power_kw (>= 0), off by at most half_kw while the power
 * was steady (were every crossing off by its most; typically a fifth of
 * that); span_ms is the time it covers; ready as defined above. */
struct pue_rate {
	double power_kw;
	double half_kw;
	int64_t span_ms;
	bool ready;
};

/* Forgets everything: the energy since the last reading is unknown (a
 * reset, a gap, a glitch, a summed column that changed its rows). */
void pue_counter_rate_clear(struct pue_counter_rate *cr);

/* One reading at t_ms: kwh is a position that only grows, the energy
 * counted since some origin (energy.c feeds the sum of its intervals, so
 * wraps are already undone); readings must come in time order (an older
 * or equal time is ignored), and a position below the last one starts
 * afresh. step_kwh is the counter's resolution by its type when known
 * (0 otherwise): exact for an integer register (one count), else a lower
 * bound (the ulp of a float). */
void pue_counter_rate_add(struct pue_counter_rate *cr, int64_t t_ms, double kwh, double step_kwh,
			  bool exact);

/* The present estimate, as of the newest reading. False when there is
 * none yet (fewer than one change, unless the counter has stood still
 * for PUE_RATE_SPAN_MS with a known step). */
bool pue_counter_rate_get(const struct pue_counter_rate *cr, struct pue_rate *out);

#endif

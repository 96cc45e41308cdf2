/* SPDX-License-Identifier: MIT */
/*
 * combine.h - per-point energy intervals -> one PUE minute.
 *
 * Third step of the data flow (energy -> minute). Each input is a point of
 * the PUE definition. A minute is closed when every input has reported past
 * its end, or when the grace period after it has passed. Its facility and IT
 * energies are summed over the SAME covered time: the intersection of the
 * times every input had valid energy (PUE.md, "Coverage"), each interval
 * prorated by overlap (assuming constant power within one poll interval).
 * Main thread only.
 */
#ifndef PUE_COMBINE_H
#define PUE_COMBINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "core/interval.h"
#include "core/minute.h"
#include "core/pue_def.h"

struct pue_combine; /* opaque */

/* Builds the inputs from two sums (the PUE's facility and IT, or a zone's
 * IT plus infrastructure and IT); both are only read here. Counts energy
 * from start on (see pue_combine_restart). Returns NULL on allocation
 * failure. Free with pue_combine_free(). */
struct pue_combine *pue_combine_new(const struct pue_sum *facility, const struct pue_sum *it,
				    pue_wall_t start);
void pue_combine_free(struct pue_combine *c);

/* Drops whatever is pending and counts energy from start on: minutes begin
 * with the one holding start, and the part of it before start stays out
 * (it is stored already, or was lost). After a restart start is where the
 * stored minutes end, so the intervals that bridge the downtime count from
 * there. */
void pue_combine_restart(struct pue_combine *c, pue_wall_t start);

/* The input index of a device's point, or -1 when the PUE does not use it. */
int pue_combine_input(const struct pue_combine *c, size_t device, size_t point);

/* Adds one interval of an input. Parts in already closed minutes are lost
 * (the minute was closed without them). Returns 0 or -ENOMEM. */
int pue_combine_add(struct pue_combine *c, int input, const struct pue_interval *iv);

/* Records an input's live power (kW) as of at, for the live figure:
 * ready when it is good enough to count (a power reading; a counter that
 * has moved enough, counter_rate.h). A negative power_kw says the input
 * answers but has no estimate yet. */
void pue_combine_set_power(struct pue_combine *c, int input, double power_kw, bool ready,
			   pue_wall_t at);

/* Closes every complete minute (see above) and calls cb for each, oldest
 * first. Returns the number closed. */
size_t pue_combine_close(struct pue_combine *c, pue_wall_t now, int64_t grace_ms, pue_minute_cb cb,
			 void *arg);

/* Closes the minute in progress now, with what has arrived (a stop or a
 * reload: the next combine starts where this one is done, in the same
 * minute, and the store adds the two parts). Calls cb once; returns 1, or
 * 0 when no input reported anything in it. The combine is done after it. */
size_t pue_combine_close_partial(struct pue_combine *c, pue_minute_cb cb, void *arg);

/* The time before which nothing more will be counted: the start, the end
 * of the last minute closed, or after pue_combine_close_partial() the end
 * of the latest interval seen. Minutes stored up to here are complete; a
 * restart continues from it (Unix ms). */
int64_t pue_combine_done_until(const struct pue_combine *c);

/* The end of the latest interval any input reported (Unix ms; 0: none). */
int64_t pue_combine_reported_until(const struct pue_combine *c);

/* The live figure's inputs (PUE.md, "Coverage", for an instant). An input
 * counts ("fresh") when its power is ready and younger than max_age_ms.
 * Coverage is the share of the inputs' power that counts: a missing
 * 5 kW PDU moves the ratio less than a missing 1 MW incomer, and the
 * error a missing input can make is about its share. Each input weighs
 * its latest estimate, held while it is stale or not ready (one that
 * never had any weighs the mean of the others). Each side's sum is its
 * fresh part scaled up by its own fresh share (PUE.md's "clearly
 * labelled estimate": the coverage says how much was scaled). warming is
 * the share of inputs that answer but whose counters have not moved
 * enough yet. */
struct pue_live {
	double facility_kw, it_kw;
	double coverage; /* 0..1 */
	double warming;	 /* 0..1 */
};

/* Fills *out; returns 0, or -ENODATA when there are no inputs or none
 * ever reported. */
int pue_combine_live(const struct pue_combine *c, pue_wall_t now, int64_t max_age_ms,
		     struct pue_live *out);

#endif

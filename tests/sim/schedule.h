/* SPDX-License-Identifier: MIT */
/*
 * schedule.h - the simulator's timed profile changes (--schedule).
 *
 * "SECONDS:facility_kw=X,it_kw=Y;SECONDS:..." becomes a list of entries
 * sorted by time (entries at the same time keep their order, so the later
 * one wins). SECONDS count simulated time after the simulator started,
 * fractions allowed; an entry may set one or both powers.
 * Main thread only; the result is immutable once parsed.
 */
#ifndef SIM_SCHEDULE_H
#define SIM_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct sim_schedule_entry {
	int64_t at_ns;	    /* simulated ns after start, >= 0 */
	double facility_kw; /* NAN: unchanged */
	double it_kw;	    /* NAN: unchanged */
};

struct sim_schedule {
	struct sim_schedule_entry *entries; /* owned, sorted by at_ns */
	size_t n;
};

/* Parses spec (borrowed). Returns a schedule the caller frees with
 * sim_schedule_free(), or NULL with err filled ("--schedule: entry 2 ...").
 * An empty spec gives an empty schedule. */
struct sim_schedule *sim_schedule_parse(const char *spec, struct pue_err *err);

/* Frees s. NULL is accepted. */
void sim_schedule_free(struct sim_schedule *s);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * engine_internal.h - the engine's state, shared by engine.c (readings,
 * minutes, windows, figures) and the files above it: engine_resume.c
 * (what a restart reads back) and engine_handover.c (what a reload
 * carries over). Not part of libpue's API: only lib/engine*.c include it.
 * Main thread only.
 */
#ifndef PUE_ENGINE_INTERNAL_H
#define PUE_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/combine.h"
#include "engine/engine.h"
#include "core/window.h"

struct track {
	struct pue_combine *combine;
	struct pue_window **windows;
	struct pue_sum facility; /* zones: their IT and infrastructure terms (owned) */
	int category;
};

/* A run of impossible readings of one point (PUE.md, "Readings that
 * cannot be true"): logged when it starts, summarised every
 * PUE_HEALTH_SUMMARY_MS while it lasts, and its end; a run that starts
 * within PUE_HEALTH_SUMMARY_MS of the last line is only counted, so a
 * meter alternating good and bad readings gives a line every few minutes,
 * not one per poll (health.h's pace for failing devices). */
struct bad_run {
	uint64_t n;	     /* rejected readings in the current run; 0: none */
	pue_mono_t last_log; /* the last line about this point's readings */
	pue_wall_t since;    /* the first rejected reading of the run */
	unsigned quiet_runs; /* runs since last_log that were only counted */
	bool logged;	     /* this run has been logged */
	bool ever_logged;    /* last_log is set */
};

/* Every polled point has one, and a site polls many more points than its
 * sums use (issue 18: a campus of 300 meters, ~650 points, 2 in the PUE),
 * so what only the points of a track need is allocated for them alone. */
struct point_state {
	/* Its energy state (energy.h, over 500 bytes): a point of a track
	 * only, else NULL (its readings are judged by a fresh state then,
	 * engine.c's fresh_energy). A point that a reload took out of every
	 * track keeps the state it had (engine_handover.c), as the limit of
	 * a power point depends on what it has shown. */
	struct pue_energy *energy;
	int *inputs; /* a point of a track: per track, the combine input, -1 when unused */
	double value;
	pue_wall_t at;
	/* its valid intervals since the start (pue_engine_totals_point_energy()) */
	double energy_kwh;
	struct bad_run bad;
	/* The live figure (find_companions): a power point that gives an
	 * energy point of the PUE its "now", and that energy point's mate. */
	int power_for; /* power point: the energy point it stands for, or -1 */
	int power_by;  /* energy point: its power point, or -1 */
	bool used;     /* by any track */
};

struct pue_engine {
	const struct pue_config *cfg;
	const struct pue_clock *clock;
	struct pue_store *store;
	struct track *tracks; /* 0: the PUE; 1..n_zones: the zones */
	size_t n_tracks;
	struct device_points {
		struct point_state *p;
	} * devices;	    /* [device].p[point] */
	int64_t grace_ms;   /* how long a minute waits for late polls */
	int64_t max_age_ms; /* power older than this is not "instantaneous" */
	size_t n_powered;   /* energy points whose "now" is a power point's */
	int64_t bridge_ms;  /* the longest max_gap of the PUE's inputs */
	int64_t started_ms; /* when resume ran (0: never) */
	bool stopped;	    /* pue_engine_stop() ran */

	/* The stored part of the minute the PUE continues in after a restart:
	 * the windows get it together with the rest when that minute closes,
	 * so until then they end before it instead of counting a part of a
	 * minute as a whole one (the store adds the two parts itself). */
	struct pue_minute carry;
	bool has_carry;

	struct pue_engine_totals totals; /* the PUE's closed minutes (pue_engine_totals()) */
	uint64_t windows_changed;	 /* pue_engine_totals_windows_changed() */

	/* alerts (issue 8): meter resets and glitches, as they happen */
	pue_engine_event_cb on_event;
	void *event_arg;
};

struct minute_ctx {
	struct pue_engine *e;
	struct track *t;
	bool store;
};

/* Adds a closed minute to track t's windows. */
void pue_engine_add_to_windows(const struct pue_engine *e, const struct track *t,
			       const struct pue_minute *m);

/* Adds the stored part of the minute the PUE continues in to its windows. */
void pue_engine_flush_carry(struct pue_engine *e);

/* pue_minute_cb for a track's combine (arg: a struct minute_ctx): a closed
 * minute to the windows (with the stored part of the same minute, for the
 * PUE) and, for the PUE and the zones, to the store. */
void pue_engine_add_minute(void *arg, const struct pue_minute *m);

#endif

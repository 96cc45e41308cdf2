/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the PUE engine: readings in, figures out.
 *
 * Owns the middle of the data flow: each reading goes through its point's
 * energy state (energy.h), the PUE inputs are combined into minutes
 * (combine.h), minutes feed the rolling windows (window.h) and are queued in
 * the store. Meter resets and implausible jumps become events.
 * Main thread only.
 */
#ifndef PUE_ENGINE_H
#define PUE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "config/config.h"
#include "core/energy.h"
#include "util/err.h"
#include "core/figure.h"
#include "store/store.h"

struct pue_engine; /* opaque */

/* cfg, clock and st (NULL: nothing stored) are borrowed and must outlive the
 * engine. NULL on failure (err set). */
struct pue_engine *pue_engine_new(const struct pue_config *cfg, const struct pue_clock *clock,
				  struct pue_store *st, struct pue_err *err);
void pue_engine_free(struct pue_engine *e);

/* A clean stop: closes the complete minutes and writes the minute in
 * progress to the store as it stands (the next start adds the rest to it).
 * Nothing is counted after it; calling it again does nothing. */
void pue_engine_stop(struct pue_engine *e);

/* Alerts (issue 8): called for each meter reset (kind "meter_reset"),
 * rejected glitch ("glitch") and logged run of impossible readings
 * ("device_error") of a point, after it is logged and stored;
 * message is borrowed for the call. Main thread. */
typedef void (*pue_engine_event_cb)(void *arg, pue_wall_t t, const char *kind, size_t device,
				    size_t point, const char *message);
void pue_engine_set_event_cb(struct pue_engine *e, pue_engine_event_cb cb, void *arg);

/* One reading of cfg->devices[device].points[point]. Both pollers hand
 * every decoded reading here, so this is the one place where a reading
 * that cannot be true (pue_energy_plausible(): 3e38 kW, -1e7 kW, a NaN or
 * negative counter) is caught: it is neither stored as a sample nor
 * integrated, and the engine logs it with the device name and raw value
 * and records a "device_error" event, once per run of such readings (see
 * engine.c, struct bad_run). Returns 0, or PUE_E_RANGE with err (may be
 * NULL) naming the point, for the poller's device health only: the caller
 * must not log it again. */
int pue_engine_reading(struct pue_engine *e, size_t device, size_t point,
		       const struct pue_reading *r, struct pue_err *err);

/* Closes the minutes that are complete and updates the windows; call it at
 * least once per second. */
void pue_engine_tick(struct pue_engine *e);

/* How long after its end a minute is closed: it waits for late polls (the
 * slowest device's interval and retries, plus a second). */
int64_t pue_engine_grace_ms(const struct pue_engine *e);

/* The instantaneous power ratio P_facility / P_IT (a live indicator only),
 * from each meter's power point where it has one beside its energy point
 * (engine.c, find_companions), else from its counter's changes
 * (counter_rate.h). Its coverage is the share of the inputs' power with a
 * fresh estimate (combine.h, pue_combine_live); below pue.min_coverage
 * it is PUE_FIG_WARMING_UP while counters have not moved enough yet,
 * else insufficient data. */
struct pue_figure pue_engine_instant(const struct pue_engine *e);
/* Where that power comes from: "power points", "energy counters", or
 * "power points and energy counters". A static string. */
const char *pue_engine_instant_source(const struct pue_engine *e);

/* Window i (0 .. cfg->pue.n_windows - 1), in configuration order. */
struct pue_figure pue_engine_window(const struct pue_engine *e, size_t i);

/* The same for pPUE zone z (0 .. cfg->pue.n_zones - 1): (E_it + E_infra) /
 * E_it of the zone. A zone's windows resume from its stored minutes, as
 * the PUE's do; after a crash only the PUE's minutes since the last one
 * stored are rebuilt from the raw samples, not a zone's. */
struct pue_figure pue_engine_zone_instant(const struct pue_engine *e, size_t zone);
struct pue_figure pue_engine_zone_window(const struct pue_engine *e, size_t zone, size_t i);

/* The measurement category of the PUE's IT sum (1..3). */
int pue_engine_category(const struct pue_engine *e);

/* The latest value of a point (kW or kWh) and when it was read; 0 for the
 * time when it never was. */
double pue_engine_point_value(const struct pue_engine *e, size_t device, size_t point,
			      pue_wall_t *at);

/* What an engine counted since it started (engine_totals.h). */
struct pue_engine_totals {
	double facility_kwh, it_kwh;
	int64_t covered_ms;
};

#endif

/* SPDX-License-Identifier: MIT */
/*
 * alert_state.h - one alert's life: ok -> pending -> firing -> resolved.
 *
 * The alerts step of the data flow (windows, health, store -> alerts ->
 * sinks), as pure logic: any thread, each alert owned by one. A rule turns
 * what it watches into an observation: active, clear, or hold when the data
 * cannot tell (a window without the coverage to support a figure neither
 * fires nor clears a PUE alert). pue_alert_state_step() moves the alert and names
 * the transition, so the caller sends exactly one notification when an
 * alert fires and one when it resolves. Pending is silent: a condition that
 * ends before its minimum duration was never an alert for the NOC.
 * Times are wall milliseconds (they are persisted, and a restart continues
 * a pending alert's minimum duration where it was).
 */
#ifndef PUE_ALERT_STATE_H
#define PUE_ALERT_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

enum pue_alert_phase {
	PUE_ALERT_OK,	    /* never fired (or forgotten) */
	PUE_ALERT_PENDING,  /* the condition holds, not yet for min_duration */
	PUE_ALERT_FIRING,   /* notified as firing */
	PUE_ALERT_RESOLVED, /* fired, then cleared: notified as resolved */
};

enum pue_alert_obs {
	PUE_OBS_CLEAR,	/* the condition does not hold */
	PUE_OBS_ACTIVE, /* the condition holds */
	PUE_OBS_HOLD,	/* cannot tell: nothing changes */
};

enum pue_alert_change {
	PUE_CHANGE_NONE,
	PUE_CHANGE_PENDING,  /* ok/resolved -> pending */
	PUE_CHANGE_FIRING,   /* pending (or ok/resolved with no min_duration) -> firing */
	PUE_CHANGE_RESOLVED, /* firing -> resolved */
	PUE_CHANGE_CLEARED,  /* pending -> back to ok/resolved, never fired */
};

struct pue_alert_state {
	enum pue_alert_phase phase;
	int64_t since_ms;    /* when the phase began */
	int64_t fired_ms;    /* the last firing; 0: never */
	int64_t resolved_ms; /* the last resolution; 0: never */
};

/* Applies one observation made at now_ms. A pending alert fires once the
 * condition has held for min_duration_ms (0: at once). A wall clock that
 * went backwards counts as no time passed. Returns what changed. */
enum pue_alert_change pue_alert_state_step(struct pue_alert_state *s, enum pue_alert_obs obs,
					   int64_t now_ms, int64_t min_duration_ms);

/* A level with hysteresis (PUE.md, "Alerting on PUE"): active above level,
 * clear at or below level - hysteresis, all three rounded to thousandths
 * as pued prints them (pue_figure_milli(): 1.2504 is at 1.25, not above);
 * in between, an alert that is pending or firing stays so and one that is
 * not stays clear, so a value hovering at the level gives one alert, not a
 * storm. */
enum pue_alert_obs pue_alert_state_level(const struct pue_alert_state *s, double value,
					 double level, double hysteresis);

/* "ok", "pending", "firing", "resolved". */
const char *pue_alert_state_phase_name(enum pue_alert_phase p);

/* The reverse of pue_alert_state_phase_name(); -1 for an unknown name. */
int pue_alert_state_phase_parse(const char *name);

/* "info", "warning", "critical". */
const char *pue_alert_state_severity_name(enum pue_severity s);

/* The reverse of pue_alert_state_severity_name(); -1 for an unknown name. */
int pue_alert_state_severity_parse(const char *name);

#endif

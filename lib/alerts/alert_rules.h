/* SPDX-License-Identifier: MIT */
/*
 * alert_rules.h - which alerts a configuration can raise, and what each one
 * observes.
 *
 * The alerts step of the data flow. Rules (config.h, enum pue_alert_rule):
 *   pue_ceiling, pue_warning  the alert window's PUE above the ceiling or
 *                             the warning level, with hysteresis and
 *                             pue.min_duration (PUE.md, "Alerting on PUE")
 *   below_one                 the alert window's PUE below 1.0: a metering
 *                             or configuration error
 *   insufficient_data         the alert window below pue.min_coverage
 *   year_projection           the year's projected PUE above the ceiling
 *                             (PUE.md, "The reporting year"), same
 *                             hysteresis and minimum duration
 *   device_down               a device's polls fail (health.h: down)
 *   data_stale                a device with a point that had no valid
 *                             sample for alerts.stale_after_polls of
 *                             its poll intervals
 *   meter_reset               a counter went backwards (an engine event);
 *                             resolves after a quiet period
 *   storage_failing           the database cannot be written
 * A window or year without the data to support a figure holds its PUE
 * alerts where they are. Each observation also writes the words for the
 * notification. Pure functions, any thread.
 */
#ifndef PUE_ALERT_RULES_H
#define PUE_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alerts/alert_state.h"
#include "config/config.h"
#include "core/figure.h"
#include "poll/health.h"
#include "core/year.h"

/* A meter reset alert resolves once its counter ran this long (or
 * pue.min_duration, if longer) without another reset. */
#define PUE_ALERT_EVENT_QUIET_MS (60 * 1000)

/* data_stale must hold this long before it fires (its limit is already
 * stale_after_polls of the device's schedule): a poll delayed for a moment
 * is not a page. */
#define PUE_ALERT_STALE_MIN_DURATION_MS (60 * 1000)

/* One alert a configuration can raise. The names are allocated to their
 * length: a site has a few alerts per device (13,500 at 4500 devices), and
 * fixed arrays of 160 and 192 bytes for them cost 4.6 MB there (issue 18). */
struct pue_alert_def {
	enum pue_alert_rule rule;
	uint32_t device, point; /* for device and point rules (32 bytes, not 40) */
	char *key; /* "rule:subject": the alert's name in the database and puectl; owned */
	const char *subject; /* in key, after the colon: "24h", "year", "storage", "ups-a",
			      * "ups-a/energy" (resets) */
};

/* Lists every alert cfg can raise, rules turned off left out: the alert
 * window's four, the year's projection, storage, then each device (down,
 * stale) and each energy point (meter reset). Returns the count with *out
 * (the caller frees both with pue_alert_rules_defs_free(), or frees the array
 * alone once it took every key), or -ENOMEM. */
ssize_t pue_alert_rules_defs(const struct pue_config *cfg, struct pue_alert_def **out);

/* Frees the n defs' keys and defs. NULL is accepted. */
void pue_alert_rules_defs_free(struct pue_alert_def *defs, size_t n);

/* True for the rules judged on the alert window's figure (the PUE's
 * levels, below_one, insufficient_data). */
bool pue_alert_rules_on_window(enum pue_alert_rule rule);

/* How long a rule's condition must hold before it fires: pue.min_duration
 * for the PUE, coverage and year rules, PUE_ALERT_STALE_MIN_DURATION_MS for
 * data_stale, 0 for the others (a device is down only after PUE_DOWN_AFTER
 * failed polls already). */
int64_t pue_alert_rules_min_duration(enum pue_alert_rule rule, const struct pue_pue_conf *pc);

/* pue_ceiling, pue_warning, below_one and insufficient_data on the alert
 * window's figure f (window names it, "24h"). A window without a figure, or
 * below 1.0 (below_one's alert, which takes precedence), holds the ceiling
 * and warning alerts where they are, with a message that says so; inside
 * the hysteresis band the message says the figure is not above the level
 * and the alert holds. msg always carries the figure that decided. */
enum pue_alert_obs pue_alert_rules_observe_window(enum pue_alert_rule rule,
						  const struct pue_alert_state *s,
						  const struct pue_figure *f, int category,
						  const struct pue_pue_conf *pc, const char *window,
						  char *msg, size_t len);

/* year_projection; y NULL while the year has not been computed yet. */
enum pue_alert_obs pue_alert_rules_observe_year(const struct pue_alert_state *s,
						const struct pue_year *y,
						const struct pue_pue_conf *pc, char *msg,
						size_t len);

/* device_down; h NULL when no poller knows the device. */
enum pue_alert_obs pue_alert_rules_observe_device(const struct pue_health *h, const char *device,
						  char *msg, size_t len);

/* data_stale, one alert per device: active while any of its n points
 * (names[i], last valid sample at last_ms[i], 0 for never, then counted
 * from started_ms) is older than limit_ms. Holds while the device is down
 * (device_down says it already), and after a start while a point has no
 * sample yet and is within its limit: absence of data is no evidence. */
enum pue_alert_obs pue_alert_rules_observe_stale(const int64_t *last_ms, const char *const *names,
						 size_t n, int64_t started_ms, int64_t now_ms,
						 int64_t limit_ms, bool device_down,
						 const char *device, char *msg, size_t len);

/* meter_reset: active from an event at last_event_ms (0: none) until
 * quiet_ms passed without another. */
enum pue_alert_obs pue_alert_rules_observe_event(int64_t last_event_ms, int64_t now_ms,
						 int64_t quiet_ms);

/* storage_failing. */
enum pue_alert_obs pue_alert_rules_observe_storage(bool failing, const char *error, char *msg,
						   size_t len);

/* Formats a PUE for people and notifications: "1.262", or what the state
 * says instead of a number ("insufficient data (coverage 40.2%)"). */
void pue_alert_rules_pue_text(const struct pue_figure *f, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/* alert_state.c - an alert's state machine; see alert_state.h. */
#include "alerts/alert_state.h"

#include <string.h>

#include "core/figure.h"

static const char *const phase_names[] = {"ok", "pending", "firing", "resolved"};
static const char *const severity_names[] = {"info", "warning", "critical"};

/* Where a pending alert that clears goes back to. */
static enum pue_alert_phase
rest_phase(const struct pue_alert_state *s)
{
	return s->fired_ms > 0 ? PUE_ALERT_RESOLVED : PUE_ALERT_OK;
}

static enum pue_alert_change
fire(struct pue_alert_state *s, int64_t now_ms)
{
	s->phase = PUE_ALERT_FIRING;
	s->since_ms = now_ms;
	s->fired_ms = now_ms;
	return PUE_CHANGE_FIRING;
}

enum pue_alert_change
pue_alert_state_step(struct pue_alert_state *s, enum pue_alert_obs obs, int64_t now_ms,
		     int64_t min_duration_ms)
{
	if (obs == PUE_OBS_HOLD)
		return PUE_CHANGE_NONE;
	switch (s->phase) {
	case PUE_ALERT_OK:
	case PUE_ALERT_RESOLVED:
		if (obs != PUE_OBS_ACTIVE)
			return PUE_CHANGE_NONE;
		if (min_duration_ms <= 0)
			return fire(s, now_ms);
		s->phase = PUE_ALERT_PENDING;
		s->since_ms = now_ms;
		return PUE_CHANGE_PENDING;
	case PUE_ALERT_PENDING:
		if (obs == PUE_OBS_CLEAR) {
			s->phase = rest_phase(s);
			s->since_ms = now_ms;
			return PUE_CHANGE_CLEARED;
		}
		if (now_ms - s->since_ms >= min_duration_ms)
			return fire(s, now_ms);
		return PUE_CHANGE_NONE;
	case PUE_ALERT_FIRING:
		if (obs != PUE_OBS_CLEAR)
			return PUE_CHANGE_NONE;
		s->phase = PUE_ALERT_RESOLVED;
		s->since_ms = now_ms;
		s->resolved_ms = now_ms;
		return PUE_CHANGE_RESOLVED;
	}
	return PUE_CHANGE_NONE;
}

enum pue_alert_obs
pue_alert_state_level(const struct pue_alert_state *s, double value, double level,
		      double hysteresis)
{
	/* PUE.md, "Judging a figure against the ceiling": in thousandths as
	 * printed, so 1.250 is not above 1.25 and clears at 1.240. */
	int64_t v = pue_figure_milli(value), l = pue_figure_milli(level);

	if (v > l)
		return PUE_OBS_ACTIVE;
	if (v <= l - pue_figure_milli(hysteresis))
		return PUE_OBS_CLEAR;
	/* Inside the band: what was crossed stays crossed. */
	return s->phase == PUE_ALERT_PENDING || s->phase == PUE_ALERT_FIRING ? PUE_OBS_ACTIVE
									     : PUE_OBS_CLEAR;
}

const char *
pue_alert_state_phase_name(enum pue_alert_phase p)
{
	return (unsigned)p < sizeof(phase_names) / sizeof(phase_names[0]) ? phase_names[p] : "?";
}

int
pue_alert_state_phase_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(phase_names) / sizeof(phase_names[0]); i++)
		if (strcmp(name, phase_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
pue_alert_state_severity_name(enum pue_severity s)
{
	return (unsigned)s < sizeof(severity_names) / sizeof(severity_names[0]) ? severity_names[s]
										: "?";
}

int
pue_alert_state_severity_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++)
		if (strcmp(name, severity_names[i]) == 0)
			return (int)i;
	return -1;
}

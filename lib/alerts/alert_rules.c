/* SPDX-License-Identifier: MIT */
/* alert_rules.c - the alerts of a configuration and their observations;
 * see alert_rules.h. */
#include "alerts/alert_rules.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"

/* Fills d, its subject subject, or subject/point_name for a point's. */
static bool
define(struct pue_alert_def *d, enum pue_alert_rule rule, size_t device, size_t point,
       const char *subject, const char *point_name)
{
	const char *name = pue_config_text_alert_rule_name(rule);

	d->rule = rule;
	d->device = (uint32_t)device; /* a configuration has far fewer */
	d->point = (uint32_t)point;
	if (asprintf(&d->key, "%s:%s%s%s", name, subject, point_name ? "/" : "",
		     point_name ? point_name : "") < 0) {
		d->key = NULL;
		return false;
	}
	d->subject = d->key + strlen(name) + 1;
	return true;
}

void
pue_alert_rules_defs_free(struct pue_alert_def *defs, size_t n)
{
	size_t i;

	if (defs == NULL)
		return;
	for (i = 0; i < n; i++)
		free(defs[i].key);
	free(defs);
}

ssize_t
pue_alert_rules_defs(const struct pue_config *cfg, struct pue_alert_def **out)
{
	static const enum pue_alert_rule window_rules[] = {PUE_RULE_PUE_CEILING,
							   PUE_RULE_PUE_WARNING, PUE_RULE_BELOW_ONE,
							   PUE_RULE_INSUFFICIENT};
	const bool *on = cfg->alerts.rule_enabled;
	struct pue_alert_def *defs;
	size_t n = 0, max = 6, d, p;
	bool ok = true;
	char window[16];

	for (d = 0; d < cfg->n_devices; d++)
		max += 2 + cfg->devices[d].n_points;
	if ((defs = calloc(max, sizeof(*defs))) == NULL)
		return -ENOMEM;
	pue_duration_format_span(cfg->pue.alert_window_ms, window, sizeof(window));
	for (size_t i = 0; i < sizeof(window_rules) / sizeof(window_rules[0]); i++)
		if (on[window_rules[i]])
			ok = ok && define(&defs[n++], window_rules[i], 0, 0, window, NULL);
	if (on[PUE_RULE_YEAR_PROJECTION])
		ok = ok && define(&defs[n++], PUE_RULE_YEAR_PROJECTION, 0, 0, "year", NULL);
	if (on[PUE_RULE_STORAGE])
		ok = ok && define(&defs[n++], PUE_RULE_STORAGE, 0, 0, "storage", NULL);
	for (d = 0; d < cfg->n_devices && ok; d++) {
		const struct pue_device_conf *dev = &cfg->devices[d];

		if (on[PUE_RULE_DEVICE_DOWN])
			ok = ok && define(&defs[n++], PUE_RULE_DEVICE_DOWN, d, 0, dev->name, NULL);
		if (on[PUE_RULE_DATA_STALE])
			ok = ok && define(&defs[n++], PUE_RULE_DATA_STALE, d, 0, dev->name, NULL);
		for (p = 0; p < dev->n_points && ok; p++)
			if (on[PUE_RULE_METER_RESET] && dev->points[p].num.kind == PUE_KIND_ENERGY)
				ok = define(&defs[n++], PUE_RULE_METER_RESET, d, p, dev->name,
					    dev->points[p].name);
	}
	if (!ok) {
		pue_alert_rules_defs_free(defs, n); /* the one that failed has no key */
		return -ENOMEM;
	}
	*out = defs;
	return (ssize_t)n;
}

bool
pue_alert_rules_on_window(enum pue_alert_rule rule)
{
	return rule == PUE_RULE_PUE_CEILING || rule == PUE_RULE_PUE_WARNING ||
	       rule == PUE_RULE_BELOW_ONE || rule == PUE_RULE_INSUFFICIENT;
}

int64_t
pue_alert_rules_min_duration(enum pue_alert_rule rule, const struct pue_pue_conf *pc)
{
	switch (rule) {
	case PUE_RULE_PUE_CEILING:
	case PUE_RULE_PUE_WARNING:
	case PUE_RULE_BELOW_ONE:
	case PUE_RULE_INSUFFICIENT:
	case PUE_RULE_YEAR_PROJECTION:
		return pc->min_duration_ms;
	case PUE_RULE_DATA_STALE:
		/* Samples that come late for a moment (a neighbour's timeouts
		 * on a shared gateway) are not a page. */
		return PUE_ALERT_STALE_MIN_DURATION_MS;
	default:
		return 0;
	}
}

/* A coverage in percent as the alerts show it, to 0.1%, never rounded up to
 * a threshold it misses (figure.h). */
static double
coverage_pct(double coverage)
{
	return pue_figure_coverage_shown(coverage, 1e3) * 100;
}

void
pue_alert_rules_pue_text(const struct pue_figure *f, char *buf, size_t len)
{
	char pue[32];

	pue_figure_format_milli(pue_figure_milli(f->pue), pue, sizeof(pue));
	switch (f->state) {
	case PUE_FIG_OK:
	case PUE_FIG_WARNING:
	case PUE_FIG_CEILING:
		snprintf(buf, len, "%s", pue);
		break;
	case PUE_FIG_BELOW_ONE:
		snprintf(buf, len, "%s (below 1: metering error)", pue);
		break;
	case PUE_FIG_INSUFFICIENT:
		snprintf(buf, len, "insufficient data (coverage %.1f%%)",
			 coverage_pct(f->coverage));
		break;
	case PUE_FIG_NO_IT_LOAD:
		snprintf(buf, len, "undefined: no IT load");
		break;
	case PUE_FIG_WARMING_UP:
		snprintf(buf, len, "warming up (coverage %.1f%%)", coverage_pct(f->coverage));
		break;
	case PUE_FIG_UNKNOWN:
	default:
		snprintf(buf, len, "unknown: no data");
		break;
	}
}

static bool
has_number(const struct pue_figure *f)
{
	return f->state == PUE_FIG_OK || f->state == PUE_FIG_WARNING || f->state == PUE_FIG_CEILING;
}

enum pue_alert_obs
pue_alert_rules_observe_window(enum pue_alert_rule rule, const struct pue_alert_state *s,
			       const struct pue_figure *f, int category,
			       const struct pue_pue_conf *pc, const char *window, char *msg,
			       size_t len)
{
	double level = rule == PUE_RULE_PUE_CEILING ? pc->ceiling : pc->warning;
	const char *what = rule == PUE_RULE_PUE_CEILING ? "the ceiling" : "the warning level";
	enum pue_alert_obs obs;
	char pue[32];

	pue_figure_format_milli(pue_figure_milli(f->pue), pue, sizeof(pue));

	switch (rule) {
	case PUE_RULE_INSUFFICIENT:
		if (f->state == PUE_FIG_INSUFFICIENT || f->state == PUE_FIG_UNKNOWN) {
			snprintf(msg, len,
				 "%s window covered %.1f%% of its time (%.0f%% needed): no figure",
				 window, coverage_pct(f->coverage), pc->min_coverage * 100);
			return PUE_OBS_ACTIVE;
		}
		snprintf(msg, len, "%s window covered %.1f%% of its time", window,
			 coverage_pct(f->coverage));
		return PUE_OBS_CLEAR;
	case PUE_RULE_BELOW_ONE:
		if (f->state == PUE_FIG_BELOW_ONE) {
			snprintf(msg, len,
				 "%s PUE %s is below 1.0: a metering or configuration error "
				 "(an incomer missing, an IT feed counted twice?)",
				 window, pue);
			return PUE_OBS_ACTIVE;
		}
		if (!has_number(f))
			return PUE_OBS_HOLD;
		snprintf(msg, len, "%s PUE %s", window, pue);
		return PUE_OBS_CLEAR;
	case PUE_RULE_PUE_CEILING:
	case PUE_RULE_PUE_WARNING:
		/* PUE.md: neither fires nor clears; below 1.0 is a metering
		 * error (its own alert), no evidence of being under a level.
		 * The message says so, so that a held alert never shows an old
		 * figure as if it were the current one. */
		if (f->state == PUE_FIG_BELOW_ONE) {
			snprintf(msg, len,
				 "%s PUE %s is below 1.0, a metering error (its own alert): no "
				 "evidence either way against %s %.2f; this alert holds",
				 window, pue, what, level);
			return PUE_OBS_HOLD;
		}
		if (!has_number(f)) {
			snprintf(msg, len,
				 "%s window has no figure (coverage %.1f%%): no evidence either "
				 "way against %s %.2f; this alert holds",
				 window, coverage_pct(f->coverage), what, level);
			return PUE_OBS_HOLD;
		}
		obs = pue_alert_state_level(s, f->pue, level, pc->hysteresis);
		if (obs == PUE_OBS_ACTIVE && pue_figure_milli(f->pue) > pue_figure_milli(level))
			snprintf(msg, len, "%s PUE %s above %s %.2f (category %d, coverage %.1f%%)",
				 window, pue, what, level, category, coverage_pct(f->coverage));
		else if (obs == PUE_OBS_ACTIVE) /* inside the hysteresis band */
			snprintf(msg, len,
				 "%s PUE %s, not above %s %.2f but not yet at or below %.2f (the "
				 "hysteresis %.2f): the alert holds (category %d, coverage %.1f%%)",
				 window, pue, what, level, level - pc->hysteresis, pc->hysteresis,
				 category, coverage_pct(f->coverage));
		else
			snprintf(msg, len,
				 "%s PUE %s, at or below %.2f (%s %.2f less the hysteresis %.2f)",
				 window, pue, level - pc->hysteresis, what, level, pc->hysteresis);
		return obs;
	default:
		return PUE_OBS_HOLD;
	}
}

/* The year's headroom in words: "22800 kWh under", "3504 kWh over". */
static void
headroom_text(double headroom_kwh, char *buf, size_t len)
{
	snprintf(buf, len, "%.0f kWh %s", headroom_kwh < 0 ? -headroom_kwh : headroom_kwh,
		 headroom_kwh < 0 ? "over" : "under");
}

enum pue_alert_obs
pue_alert_rules_observe_year(const struct pue_alert_state *s, const struct pue_year *y,
			     const struct pue_pue_conf *pc, char *msg, size_t len)
{
	enum pue_alert_obs obs;
	char room[64], judged[32];

	if (y == NULL || y->state != PUE_YEAR_OK)
		return PUE_OBS_HOLD;
	obs = pue_alert_state_level(s, y->pue_projected, pc->ceiling, pc->hysteresis);
	headroom_text(y->headroom_kwh, room, sizeof(room));
	pue_figure_format_milli(pue_figure_milli(y->pue_projected), judged, sizeof(judged));
	/* As for the windows: a held alert inside the hysteresis band is not
	 * "above", and a projection judged at the ceiling (1.2504 is 1.250)
	 * may still be a few kWh over it at full precision. */
	if (obs == PUE_OBS_ACTIVE && pue_figure_above(y->pue_projected, pc->ceiling))
		snprintf(msg, len,
			 "the year is projected to end at PUE %.4f, above the ceiling %.2f: "
			 "over by %.0f kWh at the last 30 days' pace; the rest of the year "
			 "must average %.4f%s",
			 y->pue_projected, pc->ceiling, -y->headroom_kwh, y->pue_required,
			 y->out_of_reach ? " (out of reach)" : "");
	else if (obs == PUE_OBS_ACTIVE)
		snprintf(msg, len,
			 "the year is projected to end at PUE %.4f, not above the ceiling %.2f "
			 "but not yet at or below %.2f (the hysteresis %.2f): the alert holds; "
			 "%s the ceiling at the last 30 days' pace",
			 y->pue_projected, pc->ceiling, pc->ceiling - pc->hysteresis,
			 pc->hysteresis, room);
	else if (y->headroom_kwh < 0)
		snprintf(msg, len,
			 "the year is projected to end at PUE %.4f, not above the ceiling %.2f "
			 "as judged (%s); %s it at the last 30 days' pace",
			 y->pue_projected, pc->ceiling, judged, room);
	else
		snprintf(msg, len, "the year is projected to end at PUE %.4f, %s the ceiling %.2f",
			 y->pue_projected, room, pc->ceiling);
	return obs;
}

enum pue_alert_obs
pue_alert_rules_observe_device(const struct pue_health *h, const char *device, char *msg,
			       size_t len)
{
	if (h == NULL || h->state == PUE_DEV_UNKNOWN)
		return PUE_OBS_HOLD;
	if (h->state == PUE_DEV_DOWN) {
		snprintf(msg, len, "device %s down after %u failed polls: %s", device,
			 h->consecutive_failures,
			 pue_health_error(h)[0] ? pue_health_error(h) : "no answer");
		return PUE_OBS_ACTIVE;
	}
	snprintf(msg, len, "device %s %s", device,
		 h->state == PUE_DEV_UP ? "up" : "answering (degraded)");
	return PUE_OBS_CLEAR;
}

enum pue_alert_obs
pue_alert_rules_observe_stale(const int64_t *last_ms, const char *const *names, size_t n,
			      int64_t started_ms, int64_t now_ms, int64_t limit_ms,
			      bool device_down, const char *device, char *msg, size_t len)
{
	size_t i, stale = 0, unseen = 0, off;
	int64_t oldest = now_ms;

	if (device_down)
		return PUE_OBS_HOLD;
	for (i = 0; i < n; i++) {
		int64_t from = last_ms[i] > started_ms ? last_ms[i] : started_ms;

		if (now_ms - from > limit_ms) {
			stale++;
			if (from < oldest)
				oldest = from;
		} else if (last_ms[i] < started_ms) {
			unseen++;
		}
	}
	/* Since a (re)start, a point without a sample yet is no evidence that
	 * it is fresh: an alert persisted as firing must not resolve on the
	 * absence of data, only on valid samples (or fire again at the limit). */
	if (stale == 0 && unseen > 0) {
		snprintf(msg, len, "device %s: waiting for its first samples since pued started",
			 device);
		return PUE_OBS_HOLD;
	}
	if (stale == 0) {
		snprintf(msg, len, "device %s: valid samples again", device);
		return PUE_OBS_CLEAR;
	}
	off = (size_t)snprintf(msg, len,
			       "device %s: no valid sample for %.0f s (limit %.0f s) from", device,
			       (double)(now_ms - oldest) / 1000.0, (double)limit_ms / 1000.0);
	for (i = 0, stale = 0; i < n && off < len; i++) {
		int64_t from = last_ms[i] > started_ms ? last_ms[i] : started_ms;

		if (now_ms - from <= limit_ms)
			continue;
		if (stale++ == 4) {
			snprintf(msg + off, len - off, " and more");
			break;
		}
		off += (size_t)snprintf(msg + off, len - off, "%s %s", stale > 1 ? "," : "",
					names[i]);
	}
	return PUE_OBS_ACTIVE;
}

enum pue_alert_obs
pue_alert_rules_observe_event(int64_t last_event_ms, int64_t now_ms, int64_t quiet_ms)
{
	return last_event_ms > 0 && now_ms - last_event_ms < quiet_ms ? PUE_OBS_ACTIVE
								      : PUE_OBS_CLEAR;
}

enum pue_alert_obs
pue_alert_rules_observe_storage(bool failing, const char *error, char *msg, size_t len)
{
	if (failing) {
		snprintf(msg, len, "the database cannot be written: %s", error);
		return PUE_OBS_ACTIVE;
	}
	snprintf(msg, len, "the database is written again");
	return PUE_OBS_CLEAR;
}

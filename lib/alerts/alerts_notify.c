/* SPDX-License-Identifier: MIT */
/*
 * alerts_notify.c - what a notification carries (PUE.md, "Alerting on
 * PUE": site, window, PUE as text and x 1000, ceiling, coverage,
 * category, time), from the live figures, the year and the device's
 * health; see alerts_notify.h.
 */
#include "alerts/alerts_notify.h"

#include <stdio.h>
#include <string.h>

#include "alerts/alert_mib.h"
#include "alerts/alerts_message.h"
#include "core/duration.h"
#include "util/utf8.h"

void
pue_alerts_notify_common(const struct pue_alerts *a, struct pue_notification *n, int64_t now)
{
	const struct pue_config *cfg = a->cfg;
	const struct pue_year_figures *yf = pue_alert_year_get(a->year);
	struct pue_figure f = pue_engine_window(a->src.engine, a->window);

	n->t_ms = now;
	pue_utf8_copy(n->site, sizeof(n->site), cfg->site);
	pue_duration_format_span(cfg->pue.alert_window_ms, n->window, sizeof(n->window));
	n->has_pue = f.state == PUE_FIG_OK || f.state == PUE_FIG_WARNING ||
		     f.state == PUE_FIG_CEILING || f.state == PUE_FIG_BELOW_ONE;
	n->pue_milli = n->has_pue ? pue_alert_mib_milli(f.pue) : 0;
	pue_alert_rules_pue_text(&f, n->pue_text, sizeof(n->pue_text));
	n->ceiling_milli = pue_alert_mib_milli(cfg->pue.ceiling);
	n->coverage = f.coverage;
	n->category = pue_engine_category(a->src.engine);
	n->year_ok = yf->known && yf->y.state == PUE_YEAR_OK;
	if (n->year_ok) {
		n->year_projected_milli = pue_alert_mib_milli(yf->y.pue_projected);
		n->year_headroom_kwh = (int64_t)(yf->y.headroom_kwh < 0 ? yf->y.headroom_kwh - 0.5
									: yf->y.headroom_kwh + 0.5);
	}
}

void
pue_alerts_notify_alert(const struct pue_alerts *a, const struct alert *al, bool resolved,
			int64_t now, struct pue_notification *n)
{
	const struct pue_health *h;
	struct pue_store_stats ss;

	memset(n, 0, sizeof(*n));
	pue_alerts_notify_common(a, n, now);
	n->incident = al->incident;
	n->rule = al->def.rule;
	pue_utf8_copy(n->key, sizeof(n->key), al->def.key);
	pue_utf8_copy(n->subject, sizeof(n->subject), al->def.subject);
	n->severity = a->cfg->alerts.rule_severity[al->def.rule]; /* pue_alerts_severity() */
	n->resolved = resolved;
	pue_utf8_copy(n->message, sizeof(n->message), pue_alerts_message(al));
	switch (al->def.rule) {
	case PUE_RULE_DEVICE_DOWN:
	case PUE_RULE_DATA_STALE:
	case PUE_RULE_METER_RESET:
		pue_utf8_copy(n->device, sizeof(n->device), a->cfg->devices[al->def.device].name);
		h = a->src.health != NULL ? a->src.health(a->src.arg, al->def.device) : NULL;
		if (h != NULL)
			pue_utf8_copy(n->error, sizeof(n->error), pue_health_error(h));
		break;
	case PUE_RULE_STORAGE:
		if (a->src.store != NULL) {
			pue_store_stats(a->src.store, &ss);
			pue_utf8_copy(n->error, sizeof(n->error), ss.last_error);
		}
		break;
	default:
		break;
	}
}

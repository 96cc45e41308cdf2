/* SPDX-License-Identifier: MIT */
/* alerts_view.c - the alerts as the snapshot copies them; see alerts_view.h. */
#include "alerts/alerts_view.h"

#include "alerts/alerts_ack.h"
#include "alerts/alerts_internal.h"

size_t
pue_alerts_view_count(const struct pue_alerts *a)
{
	return a->n_alerts;
}

void
pue_alerts_view(const struct pue_alerts *a, size_t i, struct pue_alert_view *out)
{
	const struct alert *al = &a->alerts[i];

	*out = (struct pue_alert_view){
		.rule = al->def.rule,
		.subject = al->def.subject,
		.key = al->def.key,
		.severity = pue_alerts_severity(a, al),
		.phase = al->st.phase,
		.silenced = pue_alerts_silence_of(a, al, pue_clock_wall(a->src.clock).ms) != NULL,
		.acked = pue_alerts_ack_by(al) != NULL,
	};
}

const struct pue_year_figures *
pue_alerts_view_year(const struct pue_alerts *a)
{
	return pue_alert_year_get(a->year);
}

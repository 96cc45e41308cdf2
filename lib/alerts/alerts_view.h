/* SPDX-License-Identifier: MIT */
/*
 * alerts_view.h - the alerts as the snapshot (snapshot.h) copies them:
 * each alert's rule, subject, severity and phase, and the reporting
 * year's latest figures. Above alerts.c, whose state they read. Main
 * thread only.
 */
#ifndef PUE_ALERTS_VIEW_H
#define PUE_ALERTS_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "alerts/alert_state.h"
#include "alerts/alert_year.h"
#include "alerts/alerts.h"

/* One alert; the strings are borrowed from the alerts and last as long as
 * they do. */
struct pue_alert_view {
	const char *subject; /* "24h", "year", "storage", "ups-a", "ups-a/energy" */
	const char *key;     /* "rule:subject" */
	enum pue_alert_rule rule;
	enum pue_severity severity;
	enum pue_alert_phase phase;
	bool silenced, acked;
	/* In this order, 32 bytes (LP64): a snapshot has one a round for every
	 * alert of the campus (issue 18). */
};

/* Every alert the configuration can raise, in a fixed order: view i of
 * pue_alerts_view_count(a). */
size_t pue_alerts_view_count(const struct pue_alerts *a);
void pue_alerts_view(const struct pue_alerts *a, size_t i, struct pue_alert_view *out);

/* The reporting year's latest figures (alert_year.h); borrowed until the
 * next loop iteration. */
const struct pue_year_figures *pue_alerts_view_year(const struct pue_alerts *a);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * alerts_notify.h - one alert's notification (alert_notification.h)
 * filled from the live state. Main thread only.
 */
#ifndef PUE_ALERTS_NOTIFY_H
#define PUE_ALERTS_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "alerts/alert_notification.h"
#include "alerts/alerts_types.h"

/* What every notification carries at now (Unix ms): site, window, the
 * alert window's PUE, ceiling, coverage, category, the year's projection.
 * The rest of n is left as it was. */
void pue_alerts_notify_common(const struct pue_alerts *a, struct pue_notification *n, int64_t now);

/* The notification of al firing (resolved false) or resolving at now
 * (Unix ms), into n. */
void pue_alerts_notify_alert(const struct pue_alerts *a, const struct alert *al, bool resolved,
			     int64_t now, struct pue_notification *n);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * alerts_load.h - the alerts' state read back at start (alerts.h), so
 * that an alert firing before a restart does not fire again, and one that
 * resolved meanwhile resolves once. Main thread only.
 */
#ifndef PUE_ALERTS_LOAD_H
#define PUE_ALERTS_LOAD_H

#include "alerts/alerts_types.h"
#include "util/err.h"

/* Loads every alert's row into a's alerts (matched by key; rows of alerts
 * the configuration no longer has become orphans), the silences, and the
 * next incident number. Returns 0 or a negative code with err set. */
int pue_alerts_load(struct pue_alerts *a, struct pue_err *err);

#endif

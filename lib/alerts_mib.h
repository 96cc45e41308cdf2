/* SPDX-License-Identifier: MIT */
/*
 * alerts_mib.h - the AgentX values (PUED-MIB, alert_mib.h) from the live
 * figures: the windows, the reporting year, the devices and the alerts.
 * Below alerts.c, which publishes them. Main thread only.
 */
#ifndef PUE_ALERTS_MIB_H
#define PUE_ALERTS_MIB_H

#include "alert_mib.h"
#include "alerts_types.h"

/* Fills vs with every value of a. Returns 0, -EINVAL for an enterprise
 * OID that is not one, or a negative code when vs cannot grow. */
int pue_alerts_mib_values(const struct pue_alerts *a, struct pue_mib_values *vs);

#endif

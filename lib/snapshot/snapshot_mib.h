/* SPDX-License-Identifier: MIT */
/*
 * snapshot_mib.h - the AgentX values (PUED-MIB, alert_mib.h) of a snapshot
 * (snapshot.h): the windows, the reporting year, the devices and the
 * count of firing alerts, as of the round the snapshot was taken in, the
 * same instant status shows (issue 16, item 3). The alerts hand them to
 * the AgentX helper (alerts.h, pue_alerts_publish_mib()). Any thread.
 */
#ifndef PUE_SNAPSHOT_MIB_H
#define PUE_SNAPSHOT_MIB_H

#include "alerts/alert_mib.h"
#include "snapshot/snapshot.h"

/* Fills vs with every value of s. Returns 0, -EINVAL for an enterprise
 * OID that is not one, or a negative code when vs cannot grow. */
int pue_snapshot_mib_values(const struct pue_snapshot *s, struct pue_mib_values *vs);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * status.h - the JSON answers of the control socket ("status", "devices"),
 * built from a snapshot (snapshot.h), never from live state: the summary
 * costs the same at 10 devices or 4000, and the per-device list is a
 * command of its own. status_reply.h turns them into reply bytes once per
 * snapshot. Any thread (a snapshot is immutable).
 * The layout is documented in doc/schema/status.json and devices.json.
 */
#ifndef PUE_STATUS_H
#define PUE_STATUS_H

#include <jansson.h>

#include "util/clock.h"
#include "config/config.h"
#include "snapshot/snapshot.h"

/* The summary "status" answers: the site's windows and zones, the
 * reporting year, how many devices are in each state, the storage and
 * the active alerts. A new reference; NULL only when memory runs out. */
json_t *pue_status_json(const struct pue_snapshot *s);

/* {"devices": [...]}: every device with its health, what "devices"
 * answers. A new reference; NULL only when memory runs out. */
json_t *pue_status_devices_json(const struct pue_snapshot *s);

/* Device i of that list (i < s->n_devices): for a reply written a device
 * at a time. A new reference; NULL only when memory runs out. */
json_t *pue_status_device_json(const struct pue_snapshot *s, size_t i);

/* Describes where a device is: "127.0.0.1:1502 unit 1", "/dev/ttyUSB0 unit 3",
 * "udp:127.0.0.1:161 v2c". */
void pue_status_device_address(const struct pue_device_conf *d, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * status.h - the JSON answers of the control socket ("status", "devices").
 * Built on the main thread from the engine, the pollers' health and the
 * store, into fresh jansson objects: clients never see live state.
 * The layout is documented in README.md ("puectl status --json").
 */
#ifndef PUE_STATUS_H
#define PUE_STATUS_H

#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "engine.h"
#include "health.h"
#include "store.h"

/* The health of device i, its address in words ("127.0.0.1:1502 unit 1")
 * and its merged reads per poll; supplied by whoever polls it. */
struct pue_status_source {
	const struct pue_config *cfg;
	const struct pue_clock *clock;
	const struct pue_engine *engine;
	const struct pue_store *store; /* NULL: storage off */
	const char *store_path;
	const struct pue_health *(*health)(void *arg, size_t device);
	size_t (*reads_per_poll)(void *arg, size_t device);
	void *arg;
};

/* New references; NULL only when memory runs out. */
json_t *pue_status_json(const struct pue_status_source *src);
json_t *pue_status_devices_json(const struct pue_status_source *src);

/* Describes where a device is: "127.0.0.1:1502 unit 1", "/dev/ttyUSB0 unit 3",
 * "udp:127.0.0.1:161 v2c". */
void pue_device_address(const struct pue_device_conf *d, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * poll_sink.h - where every poller hands what it read: one reading of a
 * point, and the end of a device's poll. The service's sink passes
 * readings to the engine (engine.h). Called on the main thread only.
 */
#ifndef PUE_POLL_SINK_H
#define PUE_POLL_SINK_H

#include <stddef.h>

#include "util/err.h"
#include "core/reading.h"

struct pue_poll_sink {
	void *arg;
	/* One decoded reading of cfg->devices[device].points[point].
	 * Returns 0, or a negative code with err set when the reading was
	 * rejected as impossible (engine.h): the sink has logged it, the
	 * poller only counts it against the device's health. */
	int (*reading)(void *arg, size_t device, size_t point, const struct pue_reading *r,
		       struct pue_err *err);
	/* A poll of cfg->devices[device] finished (its health is updated). */
	void (*polled)(void *arg, size_t device);
};

#endif

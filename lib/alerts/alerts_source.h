/* SPDX-License-Identifier: MIT */
/*
 * alerts_source.h - what the alerts watch (alerts.h): the value the
 * service fills to start them. A type of its own so that the alerts'
 * internal state (alerts_types.h) can hold it without including alerts.h.
 */
#ifndef PUE_ALERTS_SOURCE_H
#define PUE_ALERTS_SOURCE_H

#include <stddef.h>

#include "util/clock.h"
#include "config/config.h"
#include "engine/engine.h"
#include "poll/health.h"
#include "util/loop.h"
#include "poll/snmp_lib.h"
#include "store/store.h"

/* What the alerts watch; all borrowed for the alerts' lifetime. */
struct pue_alerts_source {
	const struct pue_config *cfg;
	const struct pue_clock *clock;
	struct pue_loop *loop;
	const struct pue_engine *engine;
	const struct pue_store *store;
	const struct pue_health *(*health)(void *arg, size_t device); /* NULL: unknown */
	void *arg;
	struct pue_snmp_lib *snmp_lib; /* net-snmp's owner; needed with SNMP targets */
};

#endif

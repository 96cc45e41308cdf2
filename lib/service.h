/* SPDX-License-Identifier: MIT */
/*
 * service.h - pued assembled: every module started in dependency order
 * (store, engine, loop, pollers, control socket, timers) and stopped in
 * reverse, as chrony's main.c does. The daemon's main() only parses
 * arguments, loads the configuration and handles signals.
 * Main thread only.
 */
#ifndef PUE_SERVICE_H
#define PUE_SERVICE_H

#include "clock.h"
#include "config.h"
#include "err.h"
#include "loop.h"

struct pue_service; /* opaque */

/* Starts everything for cfg (borrowed; must outlive the service). Opens the
 * database and the control socket; never waits for a device. */
struct pue_service *pue_service_new(const struct pue_config *cfg, const struct pue_clock *clock,
				    struct pue_err *err);

/* Flushes the store, removes the socket, frees everything. NULL accepted. */
void pue_service_free(struct pue_service *s);

/* The main loop, for the daemon's signal descriptor. */
struct pue_loop *pue_service_loop(struct pue_service *s);

/* One line for sd_notify STATUS= and logs: "PUE 15m 1.201 (coverage 99.9%) ...". */
void pue_service_summary(struct pue_service *s, char *buf, size_t len);

#endif

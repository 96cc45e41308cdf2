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

#include <stdint.h>

#include "util/clock.h"
#include "config/config.h"
#include "util/err.h"
#include "engine/engine.h"
#include "util/loop.h"

struct pue_service; /* opaque */

/* Starts everything for cfg (borrowed; must outlive the service). Opens the
 * database and the control socket; never waits for a device. running (may
 * be NULL) is the service a reload replaces, borrowed and left as it was:
 * the new one is built beside it, shares its control socket when the path
 * is the same, and resumes its windows only in pue_service_take_over(). */
struct pue_service *pue_service_new(const struct pue_config *cfg, struct pue_clock *clock,
				    const struct pue_service *running, struct pue_err *err);

/* Flushes the store, removes the socket, frees everything. NULL accepted. */
void pue_service_free(struct pue_service *s);

/* The reload's swap, once s was built beside old (pue_service_new): old
 * closes the minute in progress into the store and hands over its control
 * clients and socket, then is freed (takes old); s resumes its windows from
 * the store, and points that stayed keep their energy state. Returns how
 * many points kept it. */
size_t pue_service_take_over(struct pue_service *s, struct pue_service *old);

/* Asks the daemon for a reload ("reload" on the control socket): cb runs on
 * the main thread, from inside the loop, and returns at once; the daemon
 * reads the file off the loop (config_reader.h) and swaps services once
 * pue_loop_run() has returned. */
void pue_service_set_reload_cb(struct pue_service *s, void (*cb)(void *arg), void *arg);

/* Timers that could not be armed (the loop out of memory, loop.h): each
 * failure is logged at LOG_ERR, and the timer is armed again, due at once,
 * by the next timer of the service that does run - the tick re-arms the
 * flush and every module's timers (devices' polls and SNMP timeouts, the
 * alert round and the alerts' other timers, the control socket's sweep,
 * the HTTP listener's rest; timer.h), the flush re-arms the tick - and by
 * this, which the daemon calls from its own real-time timers (status,
 * watchdog).
 * While the tick is down the daemon stops feeding the watchdog, so under
 * systemd a pued that cannot recover is restarted. Returns how many timers
 * are still unarmed. */
size_t pue_service_rearm(struct pue_service *s);

/* Loop progress for the systemd watchdog: ticks run and polls finished
 * (successful or not) since the service started. */
void pue_service_progress(struct pue_service *s, uint64_t *ticks, uint64_t *polls);

/* The main loop, for the daemon's signal descriptor. */
struct pue_loop *pue_service_loop(struct pue_service *s);

/* One line for sd_notify STATUS= and logs: "PUE 15m 1.201 (coverage 99.9%) ...". */
void pue_service_summary(struct pue_service *s, char *buf, size_t len);

#endif

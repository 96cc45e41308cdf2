/* SPDX-License-Identifier: MIT */
/*
 * agentx.h - pued's figures as an AgentX subagent of the host's snmpd
 * (alerts.agentx: true), so the NOC can poll PUED-MIB through the snmpd it
 * already runs.
 *
 * The subagent is a helper process, pued-agentx (daemon/pued_agentx.c),
 * next to pued's own executable. pued hands it a socketpair and sends it
 * the values to serve (alert_mib.h) as length-prefixed frames; it answers
 * the master agent from the last set it received, reconnects by itself
 * when the master goes away and comes back (net-snmp's AgentX ping), and
 * reports each connection change back as one byte. Why a process and not
 * a thread or the main loop:
 *   - net-snmp's subagent cannot start twice in one process: it keeps a
 *     global callback session that snmp_shutdown() frees but does not
 *     clear (agentx_callback_sess), and a counter that is only reset by a
 *     connected session's shutdown (subagent_init_init, 5.9.3). pued
 *     rebuilds everything on reload; a new helper starts clean.
 *   - init_agent() must come before init_snmp(), which the SNMP poller has
 *     already called, and snmp_shutdown() (the poller's, on reload) would
 *     end an agent living in the same process.
 *   - The AgentX open, registrations and pings are synchronous
 *     (snmp_synch_response): a master that hangs would stall whatever
 *     thread makes them. In a helper, it stalls only the helper.
 *   - net-snmp is built without NETSNMP_REENTRANT: an agent thread would
 *     share unlocked globals with the poller's sessions.
 * The helper's exit is seen through a pidfd and it is started again with a
 * backoff. A helper that does not take a frame before the next is due
 * simply misses that one. Main thread only.
 */
#ifndef PUE_AGENTX_H
#define PUE_AGENTX_H

#include <stdbool.h>

#include <jansson.h>

#include "alerts/alert_mib.h"
#include "util/clock.h"
#include "config/config.h"
#include "util/err.h"
#include "util/loop.h"

/* The helper's file name, looked up in the directory of pued's executable. */
#define PUE_AGENTX_HELPER "pued-agentx"

struct pue_agentx; /* opaque */

/* Starts the helper for cfg->alerts (cfg, loop and clock borrowed). NULL
 * with err set when the helper cannot be found or started. */
struct pue_agentx *pue_agentx_new(const struct pue_config *cfg, struct pue_loop *loop,
				  const struct pue_clock *clock, struct pue_err *err);

/* Sends vs (sorted; borrowed) for the helper to serve from now on. */
void pue_agentx_publish(struct pue_agentx *a, const struct pue_mib_values *vs);

/* {"helper": "running"|"restarting", "pid", "master": "connected"|..., "socket"}. */
json_t *pue_agentx_json(const struct pue_agentx *a);

/* Arms the helper's restart again when its timer could not be armed
 * (timer.h). Returns 1 while it still fails. NULL is accepted. */
size_t pue_agentx_rearm(struct pue_agentx *a);

/* Closes the socket (the helper then closes its AgentX session and
 * exits), waits up to PUE_AGENTX_STOP_MS real time for it, then kills it.
 * NULL is accepted. */
#define PUE_AGENTX_STOP_MS 3000
void pue_agentx_free(struct pue_agentx *a);

#endif

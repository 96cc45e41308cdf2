/* SPDX-License-Identifier: MIT */
/*
 * alerts.h - pued's alerts and what the NOC sees (issue 8).
 *
 * The alerts step of the data flow, fed by the engine (the alert window,
 * each point's last sample, meter resets), the pollers' health, the store
 * and the reporting year, feeding the sinks (alert_sink.h) and the AgentX
 * subagent (agentx.h). Once a second (of the loop's clock) every alert of
 * the configuration (alert_rules.h) is observed and stepped (alert_state.h);
 * the round's transitions are written to the database in one transaction
 * (alert_db.h), and only then are their notifications sent: exactly one
 * when an alert fires and one when it resolves, none again after a
 * restart, none lost by one. Operators list, acknowledge and silence alerts
 * over the control socket ("alerts", "ack", "silence", "unsilence",
 * alerts_control.h), each recorded with the peer's user name. The AgentX
 * helper serves the values of the service's round snapshot
 * (snapshot_mib.h), which the service hands over once a round
 * (pue_alerts_publish_mib()).
 *
 * SNMP trap and inform targets need net-snmp's owner (snmp_lib.h) in the
 * source: the alerts take a reference to it. Main thread only.
 */
#ifndef PUE_ALERTS_H
#define PUE_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include "alerts/alert_mib.h"
#include "alerts/alerts_source.h"
#include "util/clock.h"
#include "util/err.h"

struct pue_alerts; /* opaque */

/* Loads the alerts' state from the database, opens the targets, starts
 * the year's worker and the AgentX helper (alerts.agentx). NULL with err
 * set. */
struct pue_alerts *pue_alerts_new(const struct pue_alerts_source *src, struct pue_err *err);

/* Stops everything; state already written stays. NULL is accepted. */
void pue_alerts_free(struct pue_alerts *a);

/* Arms again the timers that could not be armed (timer.h): the alert
 * round, the year's, the AgentX helper's restart and the targets'
 * (deadlines of hooks, inform retries, SNMP timeouts). Returns how many
 * still fail. NULL is accepted. */
size_t pue_alerts_rearm(struct pue_alerts *a);

/* True when a runs the AgentX helper (alerts.agentx). NULL is accepted. */
bool pue_alerts_agentx_on(const struct pue_alerts *a);

/* The AgentX values of this round: when they are due (a round, and
 * PUBLISH_REAL_MS of real time, since the last; and the helper runs),
 * values(arg, vs) fills them (0, or a negative code to send none) and the
 * helper gets them. The service calls it once a round, after its tick,
 * with the round's snapshot (snapshot_mib.h). */
void pue_alerts_publish_mib(struct pue_alerts *a,
			    int (*values)(void *arg, struct pue_mib_values *vs), void *arg);

/* The engine's events (engine.h, pue_engine_set_event_cb(); arg is the
 * struct pue_alerts): meter resets raise meter_reset alerts. */
void pue_alerts_on_engine_event(void *arg, pue_wall_t t, const char *kind, size_t device,
				size_t point, const char *message);

#endif

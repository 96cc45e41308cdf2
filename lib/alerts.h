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
 * over the control socket ("alerts", "ack", "silence", "unsilence"), each
 * recorded with the peer's user name.
 *
 * Start it after the SNMP poller and stop it before: both use net-snmp's
 * process-wide state, which the poller starts when it has devices and
 * alerts start otherwise. Main thread only.
 */
#ifndef PUE_ALERTS_H
#define PUE_ALERTS_H

#include <stdbool.h>
#include <sys/socket.h>

#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "control_commands.h"
#include "engine.h"
#include "err.h"
#include "health.h"
#include "loop.h"
#include "snmp_lib.h"
#include "store.h"

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

struct pue_alerts; /* opaque */

/* Loads the alerts' state from the database, opens the targets, starts
 * the year's worker and the AgentX helper (alerts.agentx). NULL with err
 * set. */
struct pue_alerts *pue_alerts_new(const struct pue_alerts_source *src, struct pue_err *err);

/* Stops everything; state already written stays. NULL is accepted. */
void pue_alerts_free(struct pue_alerts *a);

/* The engine's events (engine.h, pue_engine_set_event_cb(); arg is the
 * struct pue_alerts): meter resets raise meter_reset alerts. */
void pue_alerts_on_engine_event(void *arg, pue_wall_t t, const char *kind, size_t device,
				size_t point, const char *message);

/* Answers "alerts", "ack" ({"alert": NUMBER or KEY}), "silence" ({"rule":
 * RULE or KEY, "for": DURATION}) and "unsilence" ({"rule": ...}), the
 * commands the service hands it (control_commands.h). peer is who asked
 * (the control module has checked that they may). Returns a new result,
 * or NULL with err set. */
json_t *pue_alerts_command(struct pue_alerts *a, enum pue_ctl_cmd cmd, const json_t *request,
			   const struct ucred *peer, struct pue_err *err);

/* For "status": the reporting year ("year") and the alert counts
 * ("alerts"), set into the status object o. */
void pue_alerts_status(const struct pue_alerts *a, json_t *o);

#endif

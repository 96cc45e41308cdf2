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

#include "alert_state.h"
#include "alert_year.h"
#include "clock.h"
#include "config.h"
#include "engine.h"
#include "err.h"
#include "health.h"
#include "loop.h"
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

/* True for the control commands the alerts answer. */
bool pue_alerts_handles(const char *cmd);

/* Answers "alerts", "ack" ({"alert": NUMBER or KEY}), "silence" ({"rule":
 * RULE or KEY, "for": DURATION}) and "unsilence" ({"rule": ...}). peer is
 * who asked (the control module has checked that they may). Returns a new
 * result, or NULL with err set. */
json_t *pue_alerts_command(struct pue_alerts *a, const char *cmd, const json_t *request,
			   const struct ucred *peer, struct pue_err *err);

/* For "status": the reporting year ("year") and the alert counts
 * ("alerts"), set into the status object o. */
void pue_alerts_status(const struct pue_alerts *a, json_t *o);

/* One alert as the snapshot (snapshot.h) copies it; the strings are
 * borrowed from a and last as long as it does. */
struct pue_alert_view {
	enum pue_alert_rule rule;
	const char *subject; /* "24h", "year", "storage", "ups-a", "ups-a/energy" */
	const char *key;     /* "rule:subject" */
	enum pue_severity severity;
	enum pue_alert_phase phase;
	bool silenced, acked;
};

/* Every alert the configuration can raise, in a fixed order: view i of
 * pue_alerts_count(a). */
size_t pue_alerts_count(const struct pue_alerts *a);
void pue_alerts_view(const struct pue_alerts *a, size_t i, struct pue_alert_view *out);

/* The reporting year's latest figures (alert_year.h); borrowed until the
 * next loop iteration. */
const struct pue_year_figures *pue_alerts_year(const struct pue_alerts *a);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * alerts_types.h - the alerts' state, shared by the files of the alerts:
 * alerts.c (rounds, state, notifications, the AgentX helper),
 * alerts_control.c (the control commands), alerts_view.c (what the
 * snapshot copies) and alerts_notify.c. Types only: each file's
 * functions are in its own header. Not part of libpue's API.
 * Main thread only.
 */
#ifndef PUE_ALERTS_TYPES_H
#define PUE_ALERTS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts/agentx.h"
#include "alerts/alert_db.h"
#include "alerts/alert_rules.h"
#include "alerts/alert_sink.h"
#include "alerts/alert_state.h"
#include "alerts/alert_year.h"
#include "alerts/alerts_source.h"
#include "poll/snmp_lib.h"
#include "util/timer.h"

/* Who acknowledged an alert, and when (alerts_ack.h). */
struct alert_ack {
	int64_t ms;
	char by[]; /* cut to PUE_ALERTS_ACK_NAME_MAX - 1 bytes */
};

/* One alert of the configuration. A campus has three or so a device, and
 * nearly all of them never fire: what only a firing or acknowledged alert
 * needs is on the heap while it does, what every alert of a rule shares
 * (its severity) is the configuration's, and the fields are in the order
 * that leaves no padding (96 bytes on LP64, issue 18). */
struct alert {
	struct pue_alert_def def; /* owns def.key */
	struct pue_alert_state st;
	/* The current evidence; NULL until there is one (alerts_message.h) */
	char *message;
	struct alert_ack *ack; /* NULL: not acknowledged (alerts_ack.h) */
	int64_t last_event_ms; /* meter_reset: the last reset */
	uint32_t incident;     /* of the current or last episode; 0: never */
	uint8_t change;	       /* enum pue_alert_change: this round's transition */
	bool silenced;	       /* this round's firing is silenced */
	bool notified;	       /* the firing went out (not silenced) */
	/* To be written this round: it changed, or its last write failed.
	 * The round's dirty alerts are its transitions, in the alerts'
	 * order: no list of them needs room for every alert. */
	bool dirty;
};

struct silence {
	char pattern[192]; /* a rule name or an alert's key */
	int64_t until_ms, t_ms;
	char who[64];
};

struct pue_alerts {
	struct pue_alerts_source src;
	const struct pue_config *cfg;
	struct alert *alerts;
	size_t n_alerts;
	size_t window; /* index of pue.alert_window in pue.windows */
	struct pue_alert_db *db;
	struct pue_alert_sinks *sinks;
	struct pue_year_watch *year;
	struct pue_agentx *agentx;
	struct silence *silences;
	size_t n_silences, cap_silences;
	uint32_t next_incident;
	int64_t started_ms;
	/* pue_engine_totals_windows_changed() at the last round; window_seen: a
	 * round has run. */
	uint64_t window_changes;
	bool window_seen;
	struct pue_timer round; /* once a second (ROUND_MS) */
	pue_mono_t next_round, next_publish;
	struct pue_snmp_lib *snmp_lib; /* a reference, with trap or inform targets */
	bool db_failing;
	bool db_late; /* started before the database could be opened (disk full) */
	struct orphan {
		char key[192];
		enum pue_alert_rule rule;
		char subject[160];
		enum pue_severity severity;
		uint32_t incident;
	} * orphans; /* firing alerts the configuration no longer has */
	size_t n_orphans;
};

#endif

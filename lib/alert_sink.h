/* SPDX-License-Identifier: MIT */
/*
 * alert_sink.h - where notifications go: alerts.targets (config.h).
 *
 * The last step of the data flow (alerts -> sinks). A notification is one
 * alert firing or resolving, with what PUE.md asks every notification to
 * carry: site, window, PUE as text and x 1000, ceiling, coverage, category
 * and time, and the device, error and the year's projection where they
 * apply. Each target takes the notifications at or above its min_severity:
 *   log          one journal or syslog line (when no log target is
 *                configured, one at info is implied: alerts are always
 *                logged)
 *   snmp_trap    a v1 trap, v2c trap or v3 trap (alert_sink_snmp.c)
 *   snmp_inform  a v2c or v3 inform, resent with backoff until the
 *                receiver acknowledges it; queued in the database while it
 *                does not (bounded by queue_max, the oldest dropped first
 *                and counted)
 *   exec         a program run without a shell, the notification in
 *                PUED_ALERT_* environment variables, killed after
 *                alerts.exec_timeout (alert_sink_exec.c)
 * Nothing here waits: SNMP sockets sit in the loop's epoll, programs are
 * reaped through pidfds, so a dead or slow receiver never delays polling.
 * net-snmp must have been started (alerts.c does it). Main thread only.
 */
#ifndef PUE_ALERT_SINK_H
#define PUE_ALERT_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alert_db.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "loop.h"

struct pue_notification {
	uint32_t incident; /* the alert's number (puectl ack takes it) */
	enum pue_alert_rule rule;
	char key[192];	   /* "pue_ceiling:24h" */
	char subject[160]; /* "24h", "ups-a", "ups-a/energy" */
	enum pue_severity severity;
	bool resolved; /* false: firing */
	int64_t t_ms;
	char site[128];
	char window[16]; /* the alert window, "24h" */
	bool has_pue;	 /* pue_milli is a figure (the state allows a number) */
	int64_t pue_milli;
	char pue_text[64]; /* "1.262", "insufficient data (coverage 40.2%)" */
	int64_t ceiling_milli;
	double coverage; /* 0..1 */
	int category;
	char device[96]; /* the device the alert is about, or "" */
	char error[256]; /* its last error, or the store's, or "" */
	bool year_ok;	 /* the two below are figures */
	int64_t year_projected_milli;
	int64_t year_headroom_kwh;
	char message[300]; /* one line for people */
};

/* The notification as JSON (for the inform queue), and back. from_json
 * returns 0 or -EINVAL for a malformed one. */
json_t *pue_notification_json(const struct pue_notification *n);
int pue_notification_from_json(const json_t *j, struct pue_notification *n);

/* What the sinks share, borrowed for their lifetime. */
struct pue_sinks_ctx {
	const struct pue_config *cfg;
	struct pue_loop *loop;
	const struct pue_clock *clock;
	struct pue_alert_db *db;
	uint32_t prefix[64]; /* alerts.enterprise_oid */
	size_t prefix_len;
	pue_mono_t started; /* sysUpTime in notifications counts from here */
	/* The SNMPv3 engine pued sends traps as (RFC 3414: the sender of a
	 * trap is the authoritative engine), and its boots, counted up at
	 * each start so receivers never see its time go backwards
	 * (snmp_boots.h). */
	uint8_t engine_id[32];
	size_t engine_id_len;
	uint32_t engine_boots;
};

struct pue_sinks; /* opaque */

/* Opens every target of ctx->cfg (SNMP sessions, informs still queued in
 * the database). NULL with err set. ctx is copied. */
struct pue_sinks *pue_sinks_new(const struct pue_sinks_ctx *ctx, struct pue_err *err);

/* Stops every target: closes SNMP sessions (queued informs stay in the
 * database), kills hooks still running. NULL is accepted. */
void pue_sinks_free(struct pue_sinks *s);

/* Takes n for every target that wants it. Call it inside the alert
 * round's database transaction: informs are queued there, so that a
 * transition and its informs are written together. Nothing is sent yet. */
int pue_sinks_queue(struct pue_sinks *s, const struct pue_notification *n, struct pue_err *err);

/* After the transaction: sends what pue_sinks_queue() took. */
void pue_sinks_send(struct pue_sinks *s);

/* Per target: name, type, sent, failed, queued, dropped, last error. */
json_t *pue_sinks_json(const struct pue_sinks *s);

#endif

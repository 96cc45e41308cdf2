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
 * net-snmp must have been started (snmp_lib.h). This file is the
 * dispatcher above the target kinds: alert_sink_snmp.h and
 * alert_sink_exec.h, which share alert_target.h. Main thread only.
 */
#ifndef PUE_ALERT_SINK_H
#define PUE_ALERT_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alerts/alert_notification.h"
#include "alerts/alert_target.h"
#include "util/err.h"

struct pue_alert_sinks; /* opaque */

/* Opens every target of ctx->cfg (SNMP sessions, informs still queued in
 * the database). NULL with err set. ctx is copied. */
struct pue_alert_sinks *pue_alert_sink_new(const struct pue_alert_target_ctx *ctx,
					   struct pue_err *err);

/* Stops every target: closes SNMP sessions (queued informs stay in the
 * database), kills hooks still running. NULL is accepted. */
void pue_alert_sink_free(struct pue_alert_sinks *s);

/* Takes n for every target that wants it. Call it inside the alert
 * round's database transaction: informs are queued there, so that a
 * transition and its informs are written together. Nothing is sent yet. */
int pue_alert_sink_queue(struct pue_alert_sinks *s, const struct pue_notification *n,
			 struct pue_err *err);

/* After the transaction: sends what pue_alert_sink_queue() took. */
void pue_alert_sink_send(struct pue_alert_sinks *s);

/* The targets' timers that could not be armed (timer.h), armed again;
 * returns how many still fail. NULL is accepted. */
size_t pue_alert_sink_rearm(struct pue_alert_sinks *s);

/* Per target: name, type, sent, failed, queued, dropped, last error. */
json_t *pue_alert_sink_json(const struct pue_alert_sinks *s);

#endif

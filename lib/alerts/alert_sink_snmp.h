/* SPDX-License-Identifier: MIT */
/*
 * alert_sink_snmp.h - SNMP alert targets: snmp_trap and snmp_inform
 * (alert_sink.h says what each does). Used by the dispatcher,
 * alert_sink.c. Main thread only.
 */
#ifndef PUE_ALERT_SINK_SNMP_H
#define PUE_ALERT_SINK_SNMP_H

#include <stddef.h>

#include "alerts/alert_notification.h"
#include "alerts/alert_target.h"
#include "util/err.h"

struct pue_alert_sink_snmp; /* opaque */

/* Opens target tg (a session; informs still queued in the database).
 * tg is copied; what it points to is borrowed for the target's lifetime.
 * NULL with err set. */
struct pue_alert_sink_snmp *pue_alert_sink_snmp_new(const struct pue_alert_target *tg,
						    struct pue_err *err);

/* Takes n: called inside the round's transaction (informs go to the
 * database). Returns 0 or a negative code with err set. */
int pue_alert_sink_snmp_queue(struct pue_alert_sink_snmp *k, const struct pue_notification *n,
			      struct pue_err *err);

/* After the transaction: sends n. */
void pue_alert_sink_snmp_send(struct pue_alert_sink_snmp *k, const struct pue_notification *n);

/* Closes the session (queued informs stay in the database). NULL is
 * accepted. */
void pue_alert_sink_snmp_free(struct pue_alert_sink_snmp *k);

/* The target's timers that could not be armed, armed again (timer.h);
 * returns how many still fail. */
size_t pue_alert_sink_snmp_rearm(struct pue_alert_sink_snmp *k);

#endif

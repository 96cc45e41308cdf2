/* SPDX-License-Identifier: MIT */
/*
 * alert_sink_exec.h - exec alert targets: a program run without a shell
 * per notification (alert_sink.h says how). Used by the dispatcher,
 * alert_sink.c. Main thread only.
 */
#ifndef PUE_ALERT_SINK_EXEC_H
#define PUE_ALERT_SINK_EXEC_H

#include <stddef.h>

#include "alerts/alert_notification.h"
#include "alerts/alert_target.h"
#include "util/err.h"

struct pue_alert_sink_exec; /* opaque */

/* Sets up target tg (copied; what it points to is borrowed for the
 * target's lifetime). NULL with err set. */
struct pue_alert_sink_exec *pue_alert_sink_exec_new(const struct pue_alert_target *tg,
						    struct pue_err *err);

/* Runs the program for n (or queues it behind those still running). */
void pue_alert_sink_exec_send(struct pue_alert_sink_exec *k, const struct pue_notification *n);

/* Kills and reaps the programs still running. NULL is accepted. */
void pue_alert_sink_exec_free(struct pue_alert_sink_exec *k);

/* The target's timers that could not be armed, armed again (timer.h);
 * returns how many still fail. */
size_t pue_alert_sink_exec_rearm(struct pue_alert_sink_exec *k);

#endif

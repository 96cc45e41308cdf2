/* SPDX-License-Identifier: MIT */
/*
 * alerts_control.h - the alerts' part of the control protocol: the
 * commands "alerts", "ack", "silence", "unsilence" (control_commands.h).
 * status reads the alerts from the round's snapshot instead (status.h).
 * Above alerts.c, whose state they read and change. Main thread only.
 */
#ifndef PUE_ALERTS_CONTROL_H
#define PUE_ALERTS_CONTROL_H

#include <sys/socket.h>

#include <jansson.h>

#include "alerts/alerts.h"
#include "control/control_commands.h"
#include "util/err.h"

/* Answers "alerts", "ack" ({"alert": NUMBER or KEY}), "silence" ({"rule":
 * RULE or KEY, "for": DURATION}) and "unsilence" ({"rule": ...}), the
 * commands the service hands it (control_commands.h). peer is who asked
 * (the control module has checked that they may). Returns a new result,
 * or NULL with err set. */
json_t *pue_alerts_control_command(struct pue_alerts *a, enum pue_ctl_cmd cmd,
				   const json_t *request, const struct ucred *peer,
				   struct pue_err *err);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * alerts_message.h - an alert's message, its current evidence, kept only
 * when there is one: most device alerts never fire, and 300 bytes in place
 * in each cost 4 MB at 13,500 alerts (issue 18). Shared by the files of the
 * alerts (alerts_types.h). Main thread only.
 */
#ifndef PUE_ALERTS_MESSAGE_H
#define PUE_ALERTS_MESSAGE_H

#include "alerts/alerts_types.h"

/* al's message, "" when it has none. */
const char *pue_alerts_message(const struct alert *al);

/* Sets al's message to a copy of msg (borrowed); keeps the old one when
 * there is no memory for it. */
void pue_alerts_message_set(struct alert *al, const char *msg);

#endif

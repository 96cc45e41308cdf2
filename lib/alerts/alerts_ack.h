/* SPDX-License-Identifier: MIT */
/*
 * alerts_ack.h - an alert's acknowledgement, who and when, kept only
 * while there is one: an acknowledgement lasts one episode, and most
 * alerts of a campus never fire; a 64-byte name and a time in place in
 * each were a third of what an alert cost (issue 18). Shared by the files
 * of the alerts (alerts_types.h). Main thread only.
 */
#ifndef PUE_ALERTS_ACK_H
#define PUE_ALERTS_ACK_H

#include <stdint.h>

#include "alerts/alerts_types.h"

/* Bytes of the longest name kept, with its NUL: a longer one is cut, as
 * the buffer the name used to be kept in cut it. */
#define PUE_ALERTS_ACK_NAME_MAX 64

/* Who acknowledged al, NULL when nobody did in this episode. */
const char *pue_alerts_ack_by(const struct alert *al);

/* When, 0 when nobody did. */
int64_t pue_alerts_ack_ms(const struct alert *al);

/* Records that who (borrowed; NULL or "": nobody) acknowledged al at
 * ms. Returns 0, or -ENOMEM with al's acknowledgement as it was. */
int pue_alerts_ack_set(struct alert *al, const char *who, int64_t ms);

/* Forgets al's acknowledgement (a new episode, or the alert's end). */
void pue_alerts_ack_clear(struct alert *al);

#endif

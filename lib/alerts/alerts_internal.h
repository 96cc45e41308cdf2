/* SPDX-License-Identifier: MIT */
/*
 * alerts_internal.h - what alerts.c (rounds, state, notifications) offers
 * the files above it (alerts_control.c); the state itself is in
 * alerts_types.h. Not part of libpue's API. Main thread only.
 */
#ifndef PUE_ALERTS_INTERNAL_H
#define PUE_ALERTS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "alerts/alerts.h"
#include "alerts/alerts_types.h"
#include "util/err.h"
#include "core/figure.h"

/* The alert window's figure now, and the engine's category. */
struct pue_figure pue_alerts_window_figure(const struct pue_alerts *a);

/* al's severity: its rule's (alerts.rules). */
enum pue_severity pue_alerts_severity(const struct pue_alerts *a, const struct alert *al);

/* The silence covering al now, or NULL. */
const struct silence *pue_alerts_silence_of(const struct pue_alerts *a, const struct alert *al,
					    int64_t now_ms);

/* Writes one alert's row and a history line, in or out of a round's
 * transaction. */
int pue_alerts_save(struct pue_alerts *a, struct alert *al, struct pue_err *err);

#endif

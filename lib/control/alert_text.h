/* SPDX-License-Identifier: MIT */
/*
 * alert_text.h - the alerts' answers (alerts.h's JSON) for people: puectl
 * alerts, and the reporting year's line in puectl status. Any thread.
 */
#ifndef PUE_ALERT_TEXT_H
#define PUE_ALERT_TEXT_H

#include <stdio.h>

#include <jansson.h>

/* The "alerts" result: active alerts, silences, targets, recent history. */
void pue_alert_text_print_alerts(FILE *out, const json_t *alerts);

/* One line for the "year" object of status, e.g. "year 2026: so far
 * 1.2635, projected 1.2474 (under the ceiling, headroom +22800 kWh),
 * required 1.2270" or "year 2026: insufficient data (fewer than 30 days
 * of data)". Nothing when year is NULL. */
void pue_alert_text_print_year(FILE *out, const json_t *year);

#endif

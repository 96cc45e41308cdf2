/* SPDX-License-Identifier: MIT */
/*
 * status_text.h - status and device answers (status.h's JSON) as tables for
 * people, with units: the summary (windows, year, alerts, device counts,
 * storage) and the per-device table. Used by puectl; any thread.
 */
#ifndef PUE_STATUS_TEXT_H
#define PUE_STATUS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

void pue_status_text_print(FILE *out, const json_t *status);

/* o's member key as a string, or dflt when it is absent or no string. */
const char *pue_status_text_str(const json_t *o, const char *key, const char *dflt);

/* o's member key as a number, or 0. */
double pue_status_text_num(const json_t *o, const char *key);

/* A window's or the instant's state in words: "ok", "ABOVE WARNING",
 * "AT CEILING" (a figure equal to the ceiling complies), "ABOVE CEILING",
 * "insufficient data", "no IT load", "METERING ERROR (<1)", "unknown". */
const char *pue_status_text_state(const char *state, bool at_ceiling);

/* A figure object's PUE as shown ("1.250" from its judged thousandths),
 * or "-" where its state allows no number. */
void pue_status_text_pue(const json_t *figure, char *buf, size_t len);
void pue_status_text_print_devices(FILE *out, const json_t *devices);

#endif

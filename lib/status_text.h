/* SPDX-License-Identifier: MIT */
/*
 * status_text.h - status and device answers (status.h's JSON) as tables for
 * people, with units: the summary (windows, year, alerts, device counts,
 * storage) and the per-device table. Used by puectl; any thread.
 */
#ifndef PUE_STATUS_TEXT_H
#define PUE_STATUS_TEXT_H

#include <stdio.h>

#include <jansson.h>

void pue_status_print(FILE *out, const json_t *status);
void pue_devices_print(FILE *out, const json_t *devices);

#endif

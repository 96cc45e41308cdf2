/* SPDX-License-Identifier: MIT */
/*
 * alert_notification.h - one notification: an alert firing or resolving,
 * with what PUE.md asks every notification to carry (site, window, PUE as
 * text and x 1000, ceiling, coverage, category and time, and the device,
 * error and the year's projection where they apply), and its JSON form
 * for the inform queue. A value type; the JSON calls are pure, any thread.
 */
#ifndef PUE_ALERT_NOTIFICATION_H
#define PUE_ALERT_NOTIFICATION_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "config/config.h"

struct pue_notification {
	uint32_t incident; /* the alert's number (puectl ack takes it) */
	enum pue_alert_rule rule;
	char key[192];	   /* "pue_ceiling:24h" */
	char subject[160]; /* "24h", "ups-a", "ups-a/energy" */
	enum pue_severity severity;
	bool resolved; /* false: firing */
	int64_t t_ms;
	char site[128];
	char window[16]; /* the alert window, "24h" */
	bool has_pue;	 /* pue_milli is a figure (the state allows a number) */
	int64_t pue_milli;
	char pue_text[64]; /* "1.262", "insufficient data (coverage 40.2%)" */
	int64_t ceiling_milli;
	double coverage; /* 0..1 */
	int category;
	char device[96]; /* the device the alert is about, or "" */
	char error[256]; /* its last error, or the store's, or "" */
	bool year_ok;	 /* the two below are figures */
	int64_t year_projected_milli;
	int64_t year_headroom_kwh;
	char message[300]; /* one line for people */
};

/* The notification as JSON (for the inform queue), and back. from_json
 * returns 0 or -EINVAL for a malformed one. */
json_t *pue_alert_notification_json(const struct pue_notification *n);
int pue_alert_notification_from_json(const json_t *j, struct pue_notification *n);

#endif

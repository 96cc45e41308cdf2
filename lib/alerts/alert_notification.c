/* SPDX-License-Identifier: MIT */
/* alert_notification.c - a notification's JSON form; see
 * alert_notification.h. */
#include "alerts/alert_notification.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alerts/alert_state.h"

json_t *
pue_alert_notification_json(const struct pue_notification *n)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:f, s:i, s:s, s:s, s:s}",
		"incident", (json_int_t)n->incident, "rule",
		pue_config_text_alert_rule_name(n->rule), "key", n->key, "subject", n->subject,
		"severity", pue_alert_state_severity_name(n->severity), "state",
		n->resolved ? "resolved" : "firing", "time_ms", (json_int_t)n->t_ms, "site",
		n->site, "window", n->window, "pue_text", n->pue_text, "ceiling_milli",
		(json_int_t)n->ceiling_milli, "coverage", n->coverage, "category", n->category,
		"device", n->device, "error", n->error, "message", n->message);

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "pue_milli",
			    n->has_pue ? json_integer((json_int_t)n->pue_milli) : json_null());
	json_object_set_new(o, "year_projected_milli",
			    n->year_ok ? json_integer((json_int_t)n->year_projected_milli)
				       : json_null());
	json_object_set_new(o, "year_headroom_kwh",
			    n->year_ok ? json_integer((json_int_t)n->year_headroom_kwh)
				       : json_null());
	return o;
}

static void
copy_string(const json_t *j, const char *key, char *dst, size_t len)
{
	const char *s = json_string_value(json_object_get(j, key));

	snprintf(dst, len, "%s", s != NULL ? s : "");
}

int
pue_alert_notification_from_json(const json_t *j, struct pue_notification *n)
{
	const char *rule = json_string_value(json_object_get(j, "rule"));
	const char *sev = json_string_value(json_object_get(j, "severity"));
	const char *state = json_string_value(json_object_get(j, "state"));
	const json_t *pue = json_object_get(j, "pue_milli");
	const json_t *proj = json_object_get(j, "year_projected_milli");
	int r, s;

	memset(n, 0, sizeof(*n));
	if (!json_is_object(j) || rule == NULL || sev == NULL || state == NULL)
		return -EINVAL;
	for (r = 0; r < PUE_RULE_COUNT; r++)
		if (strcmp(rule, pue_config_text_alert_rule_name((enum pue_alert_rule)r)) == 0)
			break;
	if (r == PUE_RULE_COUNT || (s = pue_alert_state_severity_parse(sev)) < 0)
		return -EINVAL;
	n->rule = (enum pue_alert_rule)r;
	n->severity = (enum pue_severity)s;
	n->resolved = strcmp(state, "resolved") == 0;
	n->incident = (uint32_t)json_integer_value(json_object_get(j, "incident"));
	n->t_ms = json_integer_value(json_object_get(j, "time_ms"));
	copy_string(j, "key", n->key, sizeof(n->key));
	copy_string(j, "subject", n->subject, sizeof(n->subject));
	copy_string(j, "site", n->site, sizeof(n->site));
	copy_string(j, "window", n->window, sizeof(n->window));
	copy_string(j, "pue_text", n->pue_text, sizeof(n->pue_text));
	copy_string(j, "device", n->device, sizeof(n->device));
	copy_string(j, "error", n->error, sizeof(n->error));
	copy_string(j, "message", n->message, sizeof(n->message));
	n->has_pue = json_is_integer(pue);
	n->pue_milli = json_integer_value(pue);
	n->ceiling_milli = json_integer_value(json_object_get(j, "ceiling_milli"));
	n->coverage = json_number_value(json_object_get(j, "coverage"));
	n->category = (int)json_integer_value(json_object_get(j, "category"));
	n->year_ok = json_is_integer(proj);
	n->year_projected_milli = json_integer_value(proj);
	n->year_headroom_kwh = json_integer_value(json_object_get(j, "year_headroom_kwh"));
	return 0;
}

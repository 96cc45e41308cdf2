/* SPDX-License-Identifier: MIT */
/* alert_text.c - alerts and the year for people; see alert_text.h. */
#include "control/alert_text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *
str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : dflt;
}

static double
num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* "2026-03-01T08:00:00.000Z" as "2026-03-01 08:00:00Z". */
static const char *
when(const json_t *o, const char *key, char *buf, size_t len)
{
	const char *t = str(o, key, NULL);

	if (t == NULL)
		return "-";
	snprintf(buf, len, "%.10s %.8sZ", t, strlen(t) > 11 ? t + 11 : "");
	return buf;
}

/* The local date of a UTC time as pue_duration_format_time() writes it: the year
 * starts at local midnight, which is the previous UTC day east of UTC. */
static const char *
local_date(const char *iso, char *buf, size_t len)
{
	struct tm tm = {0};
	time_t t;
	const char *end = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);

	if (end == NULL || (t = timegm(&tm)) == (time_t)-1 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "%.10s", iso);
	return buf;
}

void
pue_alert_text_print_year(FILE *out, const json_t *y)
{
	const char *state = str(y, "state", NULL), *start = str(y, "year_start", "?");
	char day[16];

	if (state == NULL)
		return;
	if (strcmp(state, "ok") != 0) {
		fprintf(out, "year from %s: %s (%s)\n", local_date(start, day, sizeof(day)),
			strcmp(state, "unknown") == 0	  ? "not known yet"
			: strcmp(state, "below_one") == 0 ? "no figure"
							  : "insufficient data",
			str(y, "why", "?"));
		return;
	}
	fprintf(out,
		"year from %.10s: PUE so far %.4f, projected %.4f (%s the ceiling %.2f, "
		"headroom %+.0f kWh), ",
		local_date(start, day, sizeof(day)), num(y, "pue_ytd"), num(y, "pue_projected"),
		json_is_true(json_object_get(y, "over_ceiling")) ? "OVER" : "under",
		num(y, "ceiling"), num(y, "headroom_kwh"));
	if (json_is_true(json_object_get(y, "out_of_reach")))
		fprintf(out, "required %.4f: the ceiling is out of reach this year\n",
			num(y, "pue_required"));
	else
		fprintf(out, "the rest of the year must average %.4f or less\n",
			num(y, "pue_required"));
}

void
pue_alert_text_print_alerts(FILE *out, const json_t *a)
{
	const json_t *active = json_object_get(a, "active"), *v, *ag;
	char t1[40], t2[40];
	size_t i;

	if (json_array_size(active) == 0)
		fprintf(out, "no active alerts\n");
	else
		fprintf(out, "  %-5s %-9s %-8s %-34s %-21s %s\n", "#", "severity", "state", "alert",
			"since", "message");
	json_array_foreach(active, i, v)
	{
		fprintf(out, "  %-5lld %-9s %-8s %-34s %-21s %s",
			(long long)json_integer_value(json_object_get(v, "number")),
			str(v, "severity", "?"), str(v, "state", "?"), str(v, "alert", "?"),
			when(v, "since", t1, sizeof(t1)), str(v, "message", ""));
		if (json_is_string(json_object_get(v, "acked_by")))
			fprintf(out, " [acknowledged by %s at %s]", str(v, "acked_by", "?"),
				when(v, "acked_at", t2, sizeof(t2)));
		if (json_is_string(json_object_get(v, "silenced_until")))
			fprintf(out, " [silenced until %s]",
				when(v, "silenced_until", t2, sizeof(t2)));
		fputc('\n', out);
	}
	if (json_array_size(json_object_get(a, "silences")) > 0) {
		fprintf(out, "\nsilenced\n");
		json_array_foreach(json_object_get(a, "silences"), i, v)
		{
			fprintf(out, "  %-34s until %s, by %s\n", str(v, "rule", "?"),
				when(v, "until", t1, sizeof(t1)), str(v, "by", "?"));
		}
	}
	fprintf(out, "\ntargets\n");
	json_array_foreach(json_object_get(a, "targets"), i, v)
	{
		fprintf(out,
			"  %-16s %-12s sent %lld, failed %lld, waiting %lld, dropped %lld%s%s\n",
			str(v, "name", "?"), str(v, "type", "?"),
			(long long)json_integer_value(json_object_get(v, "sent")),
			(long long)json_integer_value(json_object_get(v, "failed")),
			(long long)json_integer_value(json_object_get(v, "queued")),
			(long long)json_integer_value(json_object_get(v, "dropped")),
			json_is_string(json_object_get(v, "last_error")) ? ": " : "",
			str(v, "last_error", ""));
	}
	ag = json_object_get(a, "agentx");
	if (json_is_object(ag))
		fprintf(out, "  %-16s %-12s helper %s, master %s (%s)\n", "agentx", "subagent",
			str(ag, "helper", "?"), str(ag, "master", "?"), str(ag, "socket", "?"));
	if (json_is_object(json_object_get(a, "year"))) {
		fputc('\n', out);
		pue_alert_text_print_year(out, json_object_get(a, "year"));
	}
	if (json_array_size(json_object_get(a, "recent")) > 0) {
		fprintf(out, "\nrecent\n");
		json_array_foreach(json_object_get(a, "recent"), i, v)
		{
			fprintf(out, "  %s  #%-4lld %-34s %-18s %s%s%s\n",
				when(v, "time", t1, sizeof(t1)),
				(long long)json_integer_value(json_object_get(v, "incident")),
				str(v, "alert", "?"), str(v, "state", "?"), str(v, "message", ""),
				json_is_string(json_object_get(v, "who")) ? " by " : "",
				str(v, "who", ""));
		}
	}
}

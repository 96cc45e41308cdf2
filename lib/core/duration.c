/* SPDX-License-Identifier: MIT */
/* duration.c - durations and timestamps as text; see duration.h. */
#include "core/duration.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/quantity.h"

#define MINUTE_MS INT64_C(60000)
#define HOUR_MS (60 * MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)

int
pue_duration_parse(const char *s, int64_t *ms, bool allow_zero)
{
	static const struct pue_quantity_unit units[] = {
		{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
	uint64_t v;
	int rc;

	rc = pue_quantity_parse(s, units, sizeof(units) / sizeof(units[0]), INT64_MAX, &v);
	if (rc < 0)
		return rc;
	if (v == 0 && !allow_zero)
		return -ERANGE;
	*ms = (int64_t)v;
	return 0;
}

int
pue_duration_parse_positive(const char *s, int64_t *ms)
{
	return pue_duration_parse(s, ms, false);
}

void
pue_duration_format(int64_t ms, char *buf, size_t size)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(buf, size, "%" PRId64 "%s", ms / units[i].ms, units[i].unit);
			return;
		}
	snprintf(buf, size, "%" PRId64 "ms", ms);
}

void
pue_duration_format_span(int64_t span_ms, char *buf, size_t len)
{
	if (span_ms % DAY_MS == 0 && span_ms >= 2 * DAY_MS)
		snprintf(buf, len, "%lldd", (long long)(span_ms / DAY_MS));
	else if (span_ms % HOUR_MS == 0)
		snprintf(buf, len, "%lldh", (long long)(span_ms / HOUR_MS));
	else if (span_ms % MINUTE_MS == 0)
		snprintf(buf, len, "%lldm", (long long)(span_ms / MINUTE_MS));
	else if (span_ms % 1000 == 0)
		snprintf(buf, len, "%llds", (long long)(span_ms / 1000));
	else
		snprintf(buf, len, "%lldms", (long long)span_ms);
}

void
pue_duration_format_time(pue_wall_t t, char *buf, size_t len)
{
	time_t s = (time_t)(t.ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(t.ms % 1000));
}

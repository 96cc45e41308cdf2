/* SPDX-License-Identifier: MIT */
/* report_date.c - dates as people write them; see report_date.h. */
#include "report/report_date.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* A date whose fields are each in range may still name no day or time:
 * mktime() and timegm() would quietly move 30 February to 2 March, which
 * puts a report on days nobody asked for. */
static int
check_fields(const struct tm *tm, int parts, struct pue_err *err)
{
	static const char *const names[] = {"January",	 "February", "March",	 "April",
					    "May",	 "June",     "July",	 "August",
					    "September", "October",  "November", "December"};
	int year = tm->tm_year, days;

	if (year < 1970)
		return pue_err_set(err, -ERANGE, "is before 1970");
	if (parts >= 2 && (tm->tm_mon < 1 || tm->tm_mon > 12))
		return pue_err_set(err, -ERANGE, "does not exist: months run from 01 to 12");
	days = parts >= 2 ? days_in_month(year, tm->tm_mon) : 31;
	if (parts >= 3 && (tm->tm_mday < 1 || tm->tm_mday > days))
		return pue_err_set(err, -ERANGE, "does not exist: %s %d has %d days",
				   names[tm->tm_mon - 1], year, days);
	if (tm->tm_hour < 0 || tm->tm_hour > 23)
		return pue_err_set(err, -ERANGE, "does not exist: hours run from 00 to 23");
	if (tm->tm_min < 0 || tm->tm_min > 59)
		return pue_err_set(err, -ERANGE, "does not exist: minutes run from 00 to 59");
	/* Unix time has no leap second: :60 would be the next minute's :00 */
	if (tm->tm_sec < 0 || tm->tm_sec > 59)
		return pue_err_set(err, -ERANGE, "does not exist: seconds run from 00 to 59");
	return 0;
}

int
pue_report_date_parse(const char *s, int64_t *start_ms, int64_t *end_ms, struct pue_err *err)
{
	struct tm tm = {.tm_mday = 1, .tm_isdst = -1}, next, asked;
	int n = 0, used = 0, parts, rc;
	const char *tz = getenv("TZ");
	bool utc = false;
	time_t t0, t1;
	size_t len = strlen(s);

	if (len > 0 && (s[len - 1] == 'Z' || s[len - 1] == 'z'))
		utc = true;
	parts = sscanf(s, "%4d%n-%2d%n-%2d%n%*[T ]%2d%n:%2d%n:%2d%n", &tm.tm_year, &n, &tm.tm_mon,
		       &n, &tm.tm_mday, &n, &tm.tm_hour, &n, &tm.tm_min, &n, &tm.tm_sec, &n);
	used = n;
	if (parts < 1 || (size_t)used + (utc ? 1 : 0) != len || parts == 4)
		return pue_err_set(err, -EINVAL,
				   "is not a date (2026, 2026-03, 2026-03-01, 2026-03-01T08:00, "
				   "a final Z for UTC)");
	if (parts < 2)
		tm.tm_mon = 1;
	if ((rc = check_fields(&tm, parts, err)) < 0)
		return rc;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	next = tm;
	asked = tm;
	switch (parts) {
	case 1:
		next.tm_year++;
		break;
	case 2:
		next.tm_mon++;
		break;
	case 3:
		next.tm_mday++;
		break;
	case 5:
		next.tm_min++;
		break;
	default:
		next.tm_sec++;
		break;
	}
	t0 = utc ? timegm(&tm) : mktime(&tm);
	t1 = utc ? timegm(&next) : mktime(&next);
	if (t0 == (time_t)-1 || t1 == (time_t)-1)
		return pue_err_set(err, -ERANGE, "is out of range");
	/* A local time the clocks skip (02:30 when they go from 02:00 to
	 * 03:00) comes back from mktime() moved. A date alone is the day's
	 * first instant, whenever that is. */
	if (!utc && parts >= 5 &&
	    (tm.tm_hour != asked.tm_hour || tm.tm_min != asked.tm_min ||
	     tm.tm_mday != asked.tm_mday || tm.tm_mon != asked.tm_mon ||
	     tm.tm_year != asked.tm_year)) /* a whole day skipped, as Apia's in 2011 */
		return pue_err_set(
			err, -ERANGE, "does not exist in local time%s%s%s: the clocks skip it",
			tz && *tz ? " (TZ=" : "", tz && *tz ? tz : "", tz && *tz ? ")" : "");
	*start_ms = (int64_t)t0 * 1000;
	if (end_ms != NULL)
		*end_ms = (int64_t)t1 * 1000;
	return 0;
}

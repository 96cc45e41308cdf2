/* SPDX-License-Identifier: MIT */
/* alert_target.c - what the alert targets share; see alert_target.h. */
#include "alerts/alert_target.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/utf8.h"

void
pue_alert_target_error(struct pue_alert_target_stats *stats, const char *target, const char *fmt,
		       ...)
{
	va_list ap;
	char msg[sizeof(stats->last_error)];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	msg[pue_utf8_cut(msg, strlen(msg))] = '\0'; /* a cut ends before a character */
	/* One line per new cause, not one per notification. */
	if (strcmp(msg, stats->last_error) != 0)
		pue_log(LOG_WARNING, "alerts: target %s: %s", target, msg);
	snprintf(stats->last_error, sizeof(stats->last_error), "%s", msg);
}

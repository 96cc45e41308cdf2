/* SPDX-License-Identifier: MIT */
/*
 * report_date.h - the dates of puectl's periods, as people write them:
 * "2026", "2026-03", "2026-03-01", "2026-03-01T08:00", "2026-03-01 08:00:00",
 * in local time unless they end in Z (UTC). A date that names no instant
 * is refused, never moved: mktime() would take 30 February for 2 March.
 * Any thread (reads TZ and the local time zone).
 */
#ifndef PUE_REPORT_DATE_H
#define PUE_REPORT_DATE_H

#include <stdint.h>

#include "util/err.h"

/* Parses s. *start_ms receives its first instant (Unix ms) and *end_ms,
 * unless NULL, the end of the unit written (the next year, month, day,
 * minute or second), for "--month 2026-03"-style periods. Returns 0;
 * -EINVAL when s is not written as a date; -ERANGE when it is but names no
 * instant (30 February, 29 February 2025, hour 24, second 60, a local time
 * the clocks skip) or is before 1970. err (NULL allowed) then says which,
 * worded to follow the quoted s: "does not exist: February 2026 has 28
 * days". */
int pue_report_date_parse(const char *s, int64_t *start_ms, int64_t *end_ms, struct pue_err *err);

#endif

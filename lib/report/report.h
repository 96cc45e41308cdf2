/* SPDX-License-Identifier: MIT */
/*
 * report.h - figures for any period, read from the database.
 *
 * Works with pued stopped or running (the database is opened read-only and
 * WAL lets it read while pued writes). Periods are summed from per-minute
 * rollups, and from hourly rollups where the minutes have passed their
 * retention. The same rules as the live windows apply (figure.h): no
 * number without the coverage to support it.
 * Any thread; one struct pue_report_db per thread.
 */
#ifndef PUE_REPORT_H
#define PUE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report/chart_axis.h"
#include "core/pue_def.h"
#include "util/err.h"
#include "core/figure.h"
#include "core/year.h"

struct pue_report_db; /* opaque */

/* Opens path read-only. NULL with err set (naming the path) on failure. */
struct pue_report_db *pue_report_open(const char *path, struct pue_err *err);
void pue_report_close(struct pue_report_db *db);

/* Frees the connection's page cache (sqlite3_db_release_memory()): for a
 * connection kept open between reports made minutes apart, whose next
 * report reads its pages afresh anyway. */
void pue_report_release(struct pue_report_db *db);

struct pue_report {
	int64_t from_ms, to_ms;	      /* [from, to), Unix ms */
	struct pue_figure fig;	      /* PUE, coverage and state over the period */
	int category;		      /* lowest category seen in the period (0: none) */
	unsigned hours_total;	      /* whole hours in the period with data */
	unsigned hours_above_ceiling; /* hours whose own PUE was above the ceiling */
	unsigned hours_above_warning;
	const char *verdict; /* "compliant", "not compliant", "insufficient data" */
};

/* Sums [from_ms, to_ms) against the thresholds of pc. Returns 0 or a
 * negative code with err set. */
int pue_report_period(struct pue_report_db *db, int64_t from_ms, int64_t to_ms,
		      const struct pue_pue_conf *pc, struct pue_report *out, struct pue_err *err);

/* The PUE of each step: points[k] is the figure of [from_ms + k step,
 * from_ms + (k + 1) step), at its end, valid when the figure has a value
 * (pue_figure_has_value()); n = (to_ms - from_ms) / step_ms points, at
 * most max (a whole number of steps; the rest of the period is left out).
 * The same sums as pue_report_period(), so a curve agrees with the
 * reports of its steps. Returns the number of points or a negative code. */
int pue_report_series(struct pue_report_db *db, int64_t from_ms, int64_t to_ms, int64_t step_ms,
		      const struct pue_pue_conf *pc, struct pue_chart_point *points, size_t max,
		      struct pue_err *err);

/* The reporting year holding now_ms (it starts on pc->year_start_month/day,
 * local time): year to date, the last 30 days' pace, and the projection of
 * year.h. *start_ms and *end_ms receive the year's bounds. */
int pue_report_year(struct pue_report_db *db, int64_t now_ms, const struct pue_pue_conf *pc,
		    struct pue_year *out, int64_t *start_ms, int64_t *end_ms, struct pue_err *err);

/* Writes a CSV export of [from, to): kind "minutes", "hours" or "raw"
 * (raw samples; point "device/name" or NULL for all). A point not written
 * DEVICE/POINT is -EINVAL, one the database does not know -ENOENT, with
 * err naming its devices or the device's points; nothing is written then. */
int pue_report_export(struct pue_report_db *db, FILE *out, const char *kind, int64_t from_ms,
		      int64_t to_ms, const char *point, struct pue_err *err);

#endif

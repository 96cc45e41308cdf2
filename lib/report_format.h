/* SPDX-License-Identifier: MIT */
/*
 * report_format.h - a period's report and the reporting year as puectl
 * prints them: text for people, one CSV row, or JSON. The figures come from
 * report.h; this module only formats them. Any thread.
 */
#ifndef PUE_REPORT_FORMAT_H
#define PUE_REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "config.h"
#include "report.h"
#include "year.h"

/* The PUE of a report as printed and judged (figure.h): "1.250", or ""
 * when its state carries no number. */
void pue_report_format_pue(const struct pue_report *r, char *buf, size_t len);

/* from, to, facility_kwh, it_kwh, pue, pue_milli, state, coverage,
 * category, hours, hours_above_ceiling, hours_above_warning, verdict. A new
 * reference; NULL only when memory runs out. */
json_t *pue_report_format_json(const struct pue_report *r);

/* The report as a table for people, with the thresholds of cfg->pue and
 * the site's name. */
void pue_report_format_text(FILE *out, const struct pue_report *r, const struct pue_config *cfg);

/* A header line and one row. */
void pue_report_format_csv(FILE *out, const struct pue_report *r);

/* The reporting year [y0, y1) as a table for people. */
void pue_report_format_year_text(FILE *out, const struct pue_year *y, int64_t y0, int64_t y1,
				 double ceiling);

#endif

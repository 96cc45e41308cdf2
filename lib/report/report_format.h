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

#include "config/config.h"
#include "report/report.h"
#include "core/year.h"

/* The PUE of a report as printed and judged (figure.h): "1.250", or ""
 * when its state carries no number. */
void pue_report_format_pue(const struct pue_report *r, char *buf, size_t len);

/* Every figure of a report as the text form prints it, for any form that
 * must show the same figures (report_html.h). */
struct pue_report_strings {
	char from[40], to[40];		   /* RFC 3339 UTC */
	char facility_kwh[32], it_kwh[32]; /* "%.1f" */
	char pue[32];			   /* "1.250", or "-" without a figure */
	const char *state;		   /* pue_figure_state_name() */
	char coverage_pct[32];		   /* "%.2f" */
	char needed_pct[16];		   /* "%.0f" */
	char category[16];		   /* "1", or "-" when the period has no data */
	const char *category_note;	   /* "no data" with "-", else "" */
	char hours[16], hours_above_ceiling[16], hours_above_warning[16];
	char ceiling[16], warning[16]; /* "%.2f" */
	const char *verdict;
};
void pue_report_format_strings(const struct pue_report *r, const struct pue_pue_conf *pc,
			       struct pue_report_strings *out);

/* The same for the reporting year [y0, y1). The figures are set only for
 * PUE_YEAR_OK; otherwise none says which ("no figure", "insufficient
 * data") and the year's why says why. */
struct pue_year_strings {
	char from[40], to[40], ceiling[16];
	const char *none;
	char pue_ytd[32], pue_projected[32], budget_kwh[32], headroom_kwh[32], pue_required[32];
	const char *over; /* "OVER" or "under" (the ceiling) */
};
void pue_report_format_year_strings(const struct pue_year *y, int64_t y0, int64_t y1,
				    double ceiling, struct pue_year_strings *out);

/* from, to, facility_kwh, it_kwh, pue, pue_milli, state, coverage,
 * category, hours, hours_above_ceiling, hours_above_warning, verdict. A new
 * reference; NULL only when memory runs out. */
json_t *pue_report_format_json(const struct pue_report *r);

/* The report as a table for people, with the thresholds of cfg->pue and
 * the site's name. */
void pue_report_format_text(FILE *out, const struct pue_report *r, const struct pue_config *cfg);

/* A header line and one row. */
void pue_report_format_csv(FILE *out, const struct pue_report *r);

/* The reporting year [y0, y1) as of at_ms as CSV, a header line and one
 * row: the fields of year.json (year_json.h), those without a figure empty,
 * and why only when there is no figure. */
void pue_report_format_year_csv(FILE *out, const struct pue_year *y, int64_t y0, int64_t y1,
				int64_t at_ms, double ceiling);

/* The reporting year [y0, y1) as a table for people. */
void pue_report_format_year_text(FILE *out, const struct pue_year *y, int64_t y0, int64_t y1,
				 double ceiling);

#endif

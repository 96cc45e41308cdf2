/* SPDX-License-Identifier: MIT */
/*
 * report_doc.h - every figure of one `puectl report`, computed once: the
 * period's report, the running reporting year when the period runs up to
 * now, and for the HTML document the calendar months and the curve. The
 * text, JSON, CSV and HTML forms all format these same figures, so they
 * cannot disagree (report_format.h, report_html.h).
 * Any thread; reads through one struct pue_report_db.
 */
#ifndef PUE_REPORT_DOC_H
#define PUE_REPORT_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/chart_axis.h"
#include "config/config.h"
#include "util/err.h"
#include "report/report.h"
#include "core/year.h"

/* Calendar months in one document at most (a century). */
#define PUE_REPORT_DOC_MAX_MONTHS 1200

struct pue_report_doc {
	struct pue_report period; /* [from, to) as a whole */
	bool has_year;		  /* the running reporting year is below */
	struct pue_year year;
	int64_t year_from_ms, year_to_ms, as_of_ms;
	/* With detail only; otherwise NULL and 0. */
	struct pue_report *months; /* each calendar month (local time) within the period */
	size_t n_months;
	struct pue_chart_point *curve; /* the PUE of each curve_step_ms ending at t */
	size_t n_curve;
	int64_t curve_step_ms;
};

/* The curve's step for a period: an hour up to 7 days, a day up to 400
 * days, a week beyond. */
int64_t pue_report_doc_curve_step(int64_t span_ms);

/* Fills out for [from_ms, to_ms) against pc; with_year adds the reporting
 * year as of now_ms, detail the months and the curve. Returns 0, or a
 * negative code with err set (out is then empty). Free with
 * pue_report_doc_free(). */
int pue_report_doc_build(struct pue_report_db *db, const struct pue_pue_conf *pc, int64_t from_ms,
			 int64_t to_ms, bool with_year, int64_t now_ms, bool detail,
			 struct pue_report_doc *out, struct pue_err *err);

/* Frees the months and the curve; NULL is accepted. */
void pue_report_doc_free(struct pue_report_doc *doc);

#endif

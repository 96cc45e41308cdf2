/* SPDX-License-Identifier: MIT */
/* report_doc.c - one report's figures, computed once; see report_doc.h. */
#include "report/report_doc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)

int64_t
pue_report_doc_curve_step(int64_t span_ms)
{
	if (span_ms <= 7 * DAY_MS)
		return HOUR_MS;
	if (span_ms <= 400 * DAY_MS)
		return DAY_MS;
	return 7 * DAY_MS;
}

/* The first instant of the calendar month holding t (local time, as
 * --month reads a month), moved by add months. */
static int64_t
month_start(int64_t t_ms, int add)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	tm = (struct tm){
		.tm_year = tm.tm_year, .tm_mon = tm.tm_mon + add, .tm_mday = 1, .tm_isdst = -1};
	return (int64_t)mktime(&tm) * 1000;
}

static int
months(struct pue_report_db *db, const struct pue_pue_conf *pc, struct pue_report_doc *d,
       struct pue_err *err)
{
	int64_t from = d->period.from_ms, to = d->period.to_ms, m0 = month_start(from, 0), m1;
	size_t cap = 0;
	int k, rc;

	for (k = 0; m0 < to && k < PUE_REPORT_DOC_MAX_MONTHS; k++, m0 = m1) {
		m1 = month_start(m0, 1);
		if (d->n_months == cap) {
			struct pue_report *p;

			cap = cap ? 2 * cap : 16;
			if ((p = reallocarray(d->months, cap, sizeof(*p))) == NULL)
				return pue_err_set(err, -ENOMEM, "out of memory");
			d->months = p;
		}
		rc = pue_report_period(db, m0 > from ? m0 : from, m1 < to ? m1 : to, pc,
				       &d->months[d->n_months], err);
		if (rc < 0)
			return rc;
		d->n_months++;
	}
	return 0;
}

static int
curve(struct pue_report_db *db, const struct pue_pue_conf *pc, struct pue_report_doc *d,
      struct pue_err *err)
{
	int64_t from = d->period.from_ms, to = d->period.to_ms, step;
	size_t n;
	int rc;

	step = d->curve_step_ms = pue_report_doc_curve_step(to - from);
	if ((n = (size_t)((to - from) / step)) == 0)
		return 0;
	if ((d->curve = calloc(n, sizeof(*d->curve))) == NULL)
		return pue_err_set(err, -ENOMEM, "out of memory");
	if ((rc = pue_report_series(db, from, to, step, pc, d->curve, n, err)) < 0)
		return rc;
	d->n_curve = (size_t)rc;
	return 0;
}

int
pue_report_doc_build(struct pue_report_db *db, const struct pue_pue_conf *pc, int64_t from_ms,
		     int64_t to_ms, bool with_year, int64_t now_ms, bool detail,
		     struct pue_report_doc *out, struct pue_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = pue_report_period(db, from_ms, to_ms, pc, &out->period, err)) < 0)
		return rc;
	if (with_year) {
		rc = pue_report_year(db, now_ms, pc, &out->year, &out->year_from_ms,
				     &out->year_to_ms, err);
		if (rc < 0)
			goto fail;
		out->has_year = true;
		out->as_of_ms = now_ms;
	}
	if (detail && ((rc = months(db, pc, out, err)) < 0 || (rc = curve(db, pc, out, err)) < 0))
		goto fail;
	return 0;
fail:
	pue_report_doc_free(out);
	return rc;
}

void
pue_report_doc_free(struct pue_report_doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->months);
	free(doc->curve);
	memset(doc, 0, sizeof(*doc));
}

/* SPDX-License-Identifier: MIT */
/*
 * test_report_html.c - the report document: its figures computed once
 * (report_doc.c: the period, calendar months cut at the period's ends, the
 * curve a step at a time, a gap where coverage fails) and written as HTML
 * (report_html.c: the text report's figures as the text prints them, the
 * site escaped, the year only when asked for). The database is written by
 * the store, as pued writes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/buf.h"
#include "report/report_doc.h"
#include "report/report_format.h"
#include "report/report_html.h"
#include "store/store.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)
#define FEB27 1772150400000LL /* 2026-02-27T00:00:00Z */
#define MAR01 1772323200000LL /* 2026-03-01T00:00:00Z */

struct fixture {
	char dir[64], path[128];
	struct pue_config cfg;
	struct pue_store *st;
	struct pue_report_db *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pue_err err;
	int64_t t;

	assert_non_null(f);
	setenv("TZ", "UTC", 1); /* months are local calendar months */
	tzset();
	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-rhtml.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/pued.db", f->dir);
	f->cfg.site = "Hall <B> & \"C\"";
	f->cfg.pue.ceiling = 1.25;
	f->cfg.pue.warning = 1.22;
	f->cfg.pue.min_coverage = 0.95;
	assert_non_null(f->st = pue_store_open(
				f->path,
				&(struct pue_store_conf){.raw_retention_ms = 24 * HOUR_MS,
							 .minute_retention_ms = 400 * 24 * HOUR_MS,
							 .disk_budget_bytes = UINT64_C(1) << 30},
				&err));
	/* 27 Feb to 3 Mar at 960 / 800 kW, except 1 Mar 10:00-11:00 (no data)
	 * and 2 Mar at 1040 kW */
	for (t = FEB27; t < MAR01 + 48 * HOUR_MS; t += MIN_MS) {
		double fac = t >= MAR01 + 24 * HOUR_MS ? 1040.0 : 960.0;
		struct pue_minute m = {t, fac / 60, 800.0 / 60, MIN_MS};

		if (t >= MAR01 + 10 * HOUR_MS && t < MAR01 + 11 * HOUR_MS)
			continue;
		assert_int_equal(pue_store_add_minute(f->st, &m, 2), 0);
	}
	assert_int_equal(pue_store_flush(f->st, (pue_wall_t){0}, &err), 0);
	assert_non_null(f->db = pue_report_open(f->path, &err));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[96];

	pue_report_close(f->db);
	pue_store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
test_report_doc_months_cut_at_the_period(void **state)
{
	struct fixture *f = *state;
	struct pue_report_doc d;
	struct pue_err err;

	/* 28 Feb 12:00 to 1 Mar 12:00: half a day of each month */
	assert_int_equal(pue_report_doc_build(f->db, &f->cfg.pue, MAR01 - 12 * HOUR_MS,
					      MAR01 + 12 * HOUR_MS, false, 0, true, &d, &err),
			 0);
	assert_false(d.has_year);
	assert_int_equal(d.n_months, 2);
	assert_int_equal(d.months[0].from_ms, MAR01 - 12 * HOUR_MS);
	assert_int_equal(d.months[0].to_ms, MAR01);
	assert_int_equal(d.months[1].from_ms, MAR01);
	assert_int_equal(d.months[1].to_ms, MAR01 + 12 * HOUR_MS);
	assert_float_equal(d.months[0].fig.facility, 12 * 960.0, 1e-6);
	assert_float_equal(d.months[1].fig.facility, 11 * 960.0, 1e-6); /* 10:00 missing */
	assert_float_equal(d.months[0].fig.facility + d.months[1].fig.facility,
			   d.period.fig.facility, 1e-6);
	pue_report_doc_free(&d);
}

static void
test_report_doc_curve_a_step_at_a_time_with_its_gap(void **state)
{
	struct fixture *f = *state;
	struct pue_report_doc d;
	struct pue_err err;
	size_t i;

	assert_int_equal(pue_report_doc_build(f->db, &f->cfg.pue, MAR01, MAR01 + 48 * HOUR_MS,
					      false, 0, true, &d, &err),
			 0);
	assert_int_equal(d.curve_step_ms, HOUR_MS);
	assert_int_equal(d.n_curve, 48);
	for (i = 0; i < 48; i++) {
		assert_int_equal(d.curve[i].t_ms, MAR01 + (int64_t)(i + 1) * HOUR_MS);
		/* the hour ending at 11:00 has no data: no figure */
		assert_int_equal(d.curve[i].valid, i != 10);
		if (d.curve[i].valid)
			assert_float_equal(d.curve[i].pue, i < 24 ? 1.2 : 1.3, 1e-9);
	}
	pue_report_doc_free(&d);
	pue_report_doc_free(NULL);
	assert_int_equal(pue_report_doc_curve_step(7 * 24 * HOUR_MS), HOUR_MS);
	assert_int_equal(pue_report_doc_curve_step(31 * 24 * HOUR_MS), 24 * HOUR_MS);
	assert_int_equal(pue_report_doc_curve_step(730 * 24 * HOUR_MS), 7 * 24 * HOUR_MS);
}

static char *
html_of(struct fixture *f, int64_t from, int64_t to, bool year)
{
	struct pue_buf b = PUE_BUF_INIT;
	struct pue_report_doc d;
	struct pue_err err;

	assert_int_equal(
		pue_report_doc_build(f->db, &f->cfg.pue, from, to, year, to, true, &d, &err), 0);
	pue_report_html(&b, &d, &f->cfg, to);
	pue_report_doc_free(&d);
	assert_false(pue_buf_failed(&b));
	return pue_buf_take(&b, NULL);
}

static void
has(const char *html, const char *needle)
{
	if (strstr(html, needle) == NULL)
		fail_msg("no \"%s\" in the document", needle);
}

static void
test_report_html_has_the_figures_as_the_text_prints_them(void **state)
{
	struct fixture *f = *state;
	char *h = html_of(f, MAR01, MAR01 + 48 * HOUR_MS, false);

	(void)state;
	/* 47 h covered: 23 at 960 and 24 at 1040 kW over 47 x 800 kWh = 1.2511;
	 * 47 of 48 hours, 97.916...%, shows cut to 97.91% (figure.h) */
	has(h, "<!DOCTYPE html>\n<html lang=\"en\">");
	has(h, ">2026-03-01T00:00:00.000Z</time> to <time datetime=\"2026-03-03T00:00:00.000Z\">");
	has(h, "<th scope=\"row\">facility energy</th><td class=\"num\">47040.0 kWh</td>");
	has(h, "<th scope=\"row\">IT energy</th><td class=\"num\">37600.0 kWh</td>");
	has(h, "<th scope=\"row\">PUE</th><td class=\"num\">1.251</td><td>above_ceiling</td>");
	has(h, "<td class=\"num\">97.91%</td><td>needed 95%</td>");
	has(h, "<th scope=\"row\">hours above 1.25</th><td class=\"num\">24</td>");
	has(h, "<th scope=\"row\">verdict</th><td class=\"num\">not compliant</td>");
	has(h, "<th scope=\"row\" title=\"2026-03-01T00:00:00.000Z to "
	       "2026-03-03T00:00:00.000Z\">2026-03 (part)</th>");
	has(h, "<polyline class=\"pue-line\"");
	has(h, "<rect class=\"gap\"");
	/* the site, escaped wherever it goes */
	has(h, "Hall &lt;B&gt; &amp; &quot;C&quot;");
	assert_null(strstr(h, "<B>"));
	/* nothing to fetch, nothing to run (the SVG namespace is a name) */
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "src="));
	assert_null(strstr(h, "href="));
	assert_null(strstr(h, "url("));
	assert_null(strstr(h, "id=\"year\""));
	free(h);
}

static void
test_report_html_year_when_the_period_runs_to_now(void **state)
{
	struct fixture *f = *state;
	char *h = html_of(f, MAR01, MAR01 + 48 * HOUR_MS, true);

	(void)state;
	has(h, "<section id=\"year\">");
	has(h, "reporting year 2026-01-01T00:00:00.000Z to 2027-01-01T00:00:00.000Z, "
	       "ceiling 1.25");
	has(h, "insufficient data: ");
	free(h);
}

/* The year's CSV row rounds as year.json does, and a headroom that
 * rounds to nothing is 0, not -0 (a ceiling met to a hair). */
static void
test_report_year_csv_never_prints_minus_zero(void **state)
{
	struct pue_year y = {.state = PUE_YEAR_OK,
			     .pue_ytd = 1.2,
			     .pue_projected = 1.2,
			     .budget_kwh = 9360000,
			     .headroom_kwh = -0.0000001,
			     .pue_required = 1.2};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	pue_report_format_year_csv(out, &y, 1767225600000, 1798761600000, 1770681600000,
				   1.19999996);
	assert_int_equal(fclose(out), 0);
	assert_non_null(strstr(text, ",ok,1.2000,1.2000,9360000,0,1.2000,false,false,\n"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_doc_months_cut_at_the_period, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_doc_curve_a_step_at_a_time_with_its_gap,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_report_html_has_the_figures_as_the_text_prints_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_html_year_when_the_period_runs_to_now,
						setup, teardown),
		cmocka_unit_test(test_report_year_csv_never_prints_minus_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

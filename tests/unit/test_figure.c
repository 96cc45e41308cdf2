/* SPDX-License-Identifier: MIT */
/*
 * test_figure.c - judging a figure against the ceiling (PUE.md, "Judging a
 * figure against the ceiling", worked example 9): the ratio rounded half-up
 * to thousandths, compared strictly, the same number printed; and the
 * hours above the ceiling a report counts from stored hours.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/figure.h"
#include "report/report.h"
#include "store/store.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z, a whole hour */
#define MIN_MS 60000LL
#define HOUR_MS 3600000LL

static struct pue_pue_conf
thresholds(void)
{
	return (struct pue_pue_conf){
		.ceiling = 1.25, .warning = 1.22, .hysteresis = 0.01, .min_coverage = 0.95};
}

static void
test_figure_milli_rounds_half_up_at_three_decimals(void **state)
{
	(void)state;
	/* PUE.md worked example 9 */
	assert_int_equal(pue_figure_milli(1.25049), 1250);
	assert_int_equal(pue_figure_milli(1.2505), 1251);
	assert_int_equal(pue_figure_milli(1.25050), 1251);
	assert_int_equal(pue_figure_milli(1.2499999), 1250);
	assert_int_equal(pue_figure_milli(1.2500001), 1250);
	assert_int_equal(pue_figure_milli(1.25), 1250);
	/* ratios as pued computes them, from kWh sums */
	assert_int_equal(pue_figure_milli(1250.0 / 1000.0), 1250);
	assert_int_equal(pue_figure_milli(1250.4999 / 1000.0), 1250);
	assert_int_equal(pue_figure_milli(1250.5 / 1000.0), 1251);
	assert_int_equal(pue_figure_milli(30012.0 / 24000.0), 1251); /* 1.2505 */
	assert_int_equal(pue_figure_milli(2501.0 / 2000.0), 1251);   /* 1.2505 */
	assert_int_equal(pue_figure_milli(1000.0 / 800.0), 1250);
	/* halves everywhere round up, not to even */
	assert_int_equal(pue_figure_milli(1.0005), 1001);
	assert_int_equal(pue_figure_milli(1.2225), 1223);
	assert_int_equal(pue_figure_milli(0.9995), 1000);
	assert_int_equal(pue_figure_milli(0.99949), 999);
	assert_int_equal(pue_figure_milli(0), 0);
	assert_int_equal(pue_figure_milli(-0.0004), 0);
	assert_int_equal(pue_figure_milli(-1.2), -1200);
}

static void
test_figure_milli_of_nonsense_is_bounded(void **state)
{
	(void)state;
	assert_int_equal(pue_figure_milli(NAN), 0);
	assert_int_equal(pue_figure_milli(INFINITY), PUE_FIGURE_MILLI_MAX);
	assert_int_equal(pue_figure_milli(-INFINITY), -PUE_FIGURE_MILLI_MAX);
	assert_int_equal(pue_figure_milli(3e38), PUE_FIGURE_MILLI_MAX);
	assert_int_equal(pue_figure_milli(-1e308), -PUE_FIGURE_MILLI_MAX);
}

static void
test_figure_format_prints_the_judged_thousandths(void **state)
{
	char buf[32];

	(void)state;
	pue_figure_format_milli(pue_figure_milli(1.25049), buf, sizeof(buf));
	assert_string_equal(buf, "1.250");
	/* printf("%.3f", 1.2505) says 1.250: the double is just below the half */
	pue_figure_format_milli(pue_figure_milli(1.2505), buf, sizeof(buf));
	assert_string_equal(buf, "1.251");
	pue_figure_format_milli(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1.000");
	pue_figure_format_milli(875, buf, sizeof(buf));
	assert_string_equal(buf, "0.875");
	pue_figure_format_milli(-4, buf, sizeof(buf));
	assert_string_equal(buf, "-0.004");
	pue_figure_format_milli(12345, buf, sizeof(buf));
	assert_string_equal(buf, "12.345");
}

/* Energy is never negative (PUE.md): a sum a hair below zero (a subtracted
 * meter's noise) rounds to 0 in JSON and text, never to -0 or "-0.0", as
 * "it_kwh":-0 and "-0.0 kWh" did once the IT load dropped to 0. */
static void
test_figure_energy_never_shows_minus_zero(void **state)
{
	char buf[32];

	(void)state;
	assert_true(pue_figure_round(-6.39e-8 / 3.6e6, 1e3) == 0);
	assert_false(signbit(pue_figure_round(-6.39e-8 / 3.6e6, 1e3)));
	assert_false(signbit(pue_figure_round(-0.0, 1e3)));
	assert_false(signbit(pue_figure_round(-0.4, 1)));
	assert_true(pue_figure_round(-0.0006, 1e3) == -0.001); /* a real negative stays */
	assert_true(pue_figure_round(312.6255, 1e3) == 312.626);
	pue_figure_format_fixed(-3.1e-14, 1, false, buf, sizeof(buf));
	assert_string_equal(buf, "0.0");
	pue_figure_format_fixed(-0.0, 1, false, buf, sizeof(buf));
	assert_string_equal(buf, "0.0");
	pue_figure_format_fixed(-0.04, 3, false, buf, sizeof(buf));
	assert_string_equal(buf, "-0.040");
	pue_figure_format_fixed(-0.3, 0, true, buf, sizeof(buf));
	assert_string_equal(buf, "+0");
	pue_figure_format_fixed(-22800.4, 0, true, buf, sizeof(buf));
	assert_string_equal(buf, "-22800");
	pue_figure_format_fixed(0.25, 1, false, buf, sizeof(buf)); /* as printf: to even */
	assert_string_equal(buf, "0.2");
	pue_figure_format_fixed(-NAN, 1, false, buf, sizeof(buf));
	assert_string_equal(buf, "-nan");
}

static void
test_figure_above_is_strict_at_printed_precision(void **state)
{
	(void)state;
	assert_false(pue_figure_above(1.25, 1.25));
	assert_false(pue_figure_above(1.25049, 1.25));
	assert_false(pue_figure_above(1.2500001, 1.25));
	assert_true(pue_figure_above(1.2505, 1.25));
	assert_true(pue_figure_above(1.251, 1.25));
	assert_false(pue_figure_above(1.2499999, 1.25));
}

/* PUE.md worked example 9: facility 1250 kW, IT 1000 kW for 24 h. The
 * figure is 1.250: above the warning level 1.22, at the ceiling, not above
 * it. With the warning level at the ceiling it is plainly ok. */
static void
test_figure_example9_at_the_line_is_not_above(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_figure f;

	(void)state;
	f = pue_figure_eval(1250.0 * 24, 1000.0 * 24, 24 * HOUR_MS, 24 * HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_WARNING);
	assert_int_equal(pue_figure_milli(f.pue), 1250);
	assert_string_equal(pue_figure_state_name(f.state), "warning");
	pc.warning = 1.25;
	f = pue_figure_eval(1250.0 * 24, 1000.0 * 24, 24 * HOUR_MS, 24 * HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_OK);
	/* 1.25049 is still 1.250; 1.2505 shows 1.251 and is above */
	f = pue_figure_eval(1250.49, 1000, HOUR_MS, HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_OK);
	f = pue_figure_eval(1250.5, 1000, HOUR_MS, HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_CEILING);
	/* a float32-ish sum a hair above 1.25 is 1.250 */
	f = pue_figure_eval(1250.0001, 1000, HOUR_MS, HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_OK);
}

static void
test_figure_warning_level_judged_the_same_way(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_figure f;

	(void)state;
	f = pue_figure_eval(1220.4, 1000, HOUR_MS, HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_OK); /* 1.220: at the warning level */
	f = pue_figure_eval(1220.5, 1000, HOUR_MS, HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_WARNING); /* 1.221 */
}

/* Below one is judged as printed too: 0.9996 shows 1.000, no error. */
static void
test_figure_below_one_judged_as_printed(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_figure f;

	(void)state;
	f = pue_figure_eval(999.6, 1000, HOUR_MS, HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_OK);
	f = pue_figure_eval(999.4, 1000, HOUR_MS, HOUR_MS, &pc);
	assert_int_equal(f.state, PUE_FIG_BELOW_ONE);
}

/* A report over stored hours: worked example 9 gives 24 hours with data,
 * none above the ceiling, compliant; the same day at 1.2505 gives 24 above. */
static void
report_day(double facility_kw, struct pue_report *out)
{
	struct pue_store_point pt = {.device_name = "m", .name = "p", .kind = PUE_KIND_POWER};
	struct pue_store_conf sc = {.points = &pt,
				    .n_points = 1,
				    .raw_retention_ms = 7 * 24 * HOUR_MS,
				    .minute_retention_ms = 400 * 24 * HOUR_MS,
				    .disk_budget_bytes = UINT64_C(1) << 30};
	struct pue_pue_conf pc = thresholds();
	char dir[64], path[128], cmd[160];
	struct pue_store *st;
	struct pue_report_db *db;
	struct pue_err err = {0};
	int64_t m;

	snprintf(dir, sizeof(dir), "/tmp/pued-figure.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pued.db", dir);
	st = pue_store_open(path, &sc, &err);
	assert_non_null(st);
	for (m = 0; m < 24 * 60; m++) {
		struct pue_minute min = {.start_ms = T0 + m * MIN_MS,
					 .facility_kwh = facility_kw / 60.0,
					 .it_kwh = 1000.0 / 60.0,
					 .covered_ms = MIN_MS};

		assert_int_equal(pue_store_add_minute(st, &min, 1), 0);
	}
	assert_int_equal(pue_store_flush(st, (pue_wall_t){0}, &err), 0);
	pue_store_close(st);
	db = pue_report_open(path, &err);
	assert_non_null(db);
	assert_int_equal(pue_report_period(db, T0, T0 + 24 * HOUR_MS, &pc, out, &err), 0);
	pue_report_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_figure_example9_report_has_no_hour_above(void **state)
{
	struct pue_report r;

	(void)state;
	report_day(1250, &r);
	assert_int_equal(pue_figure_milli(r.fig.pue), 1250);
	assert_int_equal(r.hours_total, 24);
	assert_int_equal(r.hours_above_ceiling, 0);
	assert_int_equal(r.hours_above_warning, 24);
	assert_string_equal(r.verdict, "compliant");
	report_day(1250.5, &r);
	assert_int_equal(pue_figure_milli(r.fig.pue), 1251);
	assert_int_equal(r.hours_above_ceiling, 24);
	assert_string_equal(r.verdict, "not compliant");
}

/* A window covered 94.996% of its hour is short of the 95% it needs: no
 * figure, and its coverage never shows as the 95% it misses, at 0.01% or
 * at 0.1%; exactly 95% (3420 s of 3600) shows as 95. */
static void
test_figure_coverage_shown_never_reaches_a_threshold_it_misses(void **state)
{
	struct pue_pue_conf pc = {.ceiling = 1.25, .warning = 1.22, .min_coverage = 0.95};
	struct pue_figure f = pue_figure_eval(1200, 1000, 3419856, HOUR_MS, &pc);

	(void)state;
	assert_int_equal(f.state, PUE_FIG_INSUFFICIENT);
	assert_true(pue_figure_coverage_shown(f.coverage, 1e4) == 0.9499);
	assert_true(pue_figure_coverage_shown(f.coverage, 1e3) == 0.949);
	f = pue_figure_eval(1200, 1000, 3420000, HOUR_MS, &pc);
	assert_int_not_equal(f.state, PUE_FIG_INSUFFICIENT);
	assert_true(pue_figure_coverage_shown(f.coverage, 1e4) == 0.95);
	assert_true(pue_figure_coverage_shown(f.coverage, 1e3) == 0.95);
	assert_true(pue_figure_coverage_shown(1, 1e4) == 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figure_milli_rounds_half_up_at_three_decimals),
		cmocka_unit_test(test_figure_milli_of_nonsense_is_bounded),
		cmocka_unit_test(test_figure_format_prints_the_judged_thousandths),
		cmocka_unit_test(test_figure_energy_never_shows_minus_zero),
		cmocka_unit_test(test_figure_above_is_strict_at_printed_precision),
		cmocka_unit_test(test_figure_example9_at_the_line_is_not_above),
		cmocka_unit_test(test_figure_warning_level_judged_the_same_way),
		cmocka_unit_test(test_figure_below_one_judged_as_printed),
		cmocka_unit_test(test_figure_example9_report_has_no_hour_above),
		cmocka_unit_test(test_figure_coverage_shown_never_reaches_a_threshold_it_misses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
